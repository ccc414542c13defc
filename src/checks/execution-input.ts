/** The execution input against its JSON Schema (draft-07), with ajv. */
import { Ajv, type ErrorObject } from 'ajv';
import type { Finding } from './types.js';

export const EXECUTION_INPUT_CHECK = 'execution-input';

export function checkExecutionInput(input: unknown, schema: unknown): Finding[] {
  const ajv = new Ajv({ allErrors: true, strict: false, verbose: true });
  let validate;
  try {
    validate = ajv.compile(schema as object);
  } catch (error) {
    return [{ check: EXECUTION_INPUT_CHECK, location: 'schema', message: `the schema itself is invalid: ${(error as Error).message}` }];
  }
  if (validate(input)) return [];
  return (validate.errors ?? []).map((error) => ({
    check: EXECUTION_INPUT_CHECK,
    location: error.instancePath || '/',
    message: describe(error),
  }));
}

function describe(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'enum') {
    const allowed = (params.allowedValues as unknown[]) ?? [];
    return `${JSON.stringify(error.data)} is not one of the ${allowed.length} allowed values`;
  }
  if (error.keyword === 'additionalProperties') return `has an unexpected property '${String(params.additionalProperty)}'`;
  if (error.keyword === 'required') return `is missing required property '${String(params.missingProperty)}'`;
  return `${JSON.stringify(error.data)} ${error.message ?? 'is invalid'}`;
}
