// asl-validator 4 ships JavaScript only; this declares the part legacy-mlops calls.
declare module 'asl-validator' {
  interface AslValidatorOptions {
    readonly checkPaths: boolean;
    readonly checkArn: boolean;
  }
  interface AslValidatorError {
    readonly 'Error code': string;
    readonly Message: string;
    readonly schemaError?: { readonly instancePath: string; readonly schemaPath: string };
  }
  interface AslValidatorResult {
    readonly isValid: boolean;
    readonly errors: AslValidatorError[];
    errorsText(separator?: string): string;
  }
  function validator(definition: unknown, options?: AslValidatorOptions): AslValidatorResult;
  export = validator;
}
