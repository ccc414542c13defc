/**
 * SageMaker request rules the API model does not encode (its pattern for these is `.*`), taken from
 * the API reference prose. Hand-written, one table row per rule, keyed by operation.
 */
import { isObject, type Finding } from './types.js';

export const SAGEMAKER_RULES_CHECK = 'sagemaker-rules';

const PROCESSING_ROOT = '/opt/ml/processing/';

interface RequestRule {
  readonly operation: string;
  /** Applies the rule; returns `[member path, message]` pairs for what breaks it. */
  readonly apply: (request: Record<string, unknown>) => Array<[string, string]>;
}

const RULES: readonly RequestRule[] = [
  {
    // ProcessingS3Input/ProcessingS3Output/DatasetDefinition: "LocalPath ... must begin with /opt/ml/processing/".
    operation: 'CreateProcessingJob',
    apply: (request) => processingLocalPaths(request).filter(([, path]) => !isUnderProcessingRoot(path)).map(([at, path]) => [at, `'${path}' is not under ${PROCESSING_ROOT}: SageMaker only mounts processing inputs and outputs there`]),
  },
];

export function checkSageMakerRules(operation: string, request: unknown, location: string = operation): Finding[] {
  if (!isObject(request)) return [];
  return RULES.filter((rule) => rule.operation === operation).flatMap((rule) =>
    rule.apply(request).map(([path, message]) => ({ check: SAGEMAKER_RULES_CHECK, location: `${location} › ${path}`, message })),
  );
}

function isUnderProcessingRoot(path: string): boolean {
  return path.startsWith(PROCESSING_ROOT) && !path.split('/').includes('..');
}

function processingLocalPaths(request: Record<string, unknown>): Array<[string, string]> {
  const paths: Array<[string, string]> = [];
  const inputs = Array.isArray(request.ProcessingInputs) ? request.ProcessingInputs : [];
  inputs.forEach((input, i) => {
    if (!isObject(input)) return;
    for (const key of ['S3Input', 'DatasetDefinition']) {
      const source = input[key];
      if (isObject(source) && typeof source.LocalPath === 'string') paths.push([`ProcessingInputs[${i}].${key}.LocalPath`, source.LocalPath]);
    }
  });
  const config = request.ProcessingOutputConfig;
  const outputs = isObject(config) && Array.isArray(config.Outputs) ? config.Outputs : [];
  outputs.forEach((output, i) => {
    const s3 = isObject(output) ? output.S3Output : undefined;
    if (isObject(s3) && typeof s3.LocalPath === 'string') paths.push([`ProcessingOutputConfig.Outputs[${i}].S3Output.LocalPath`, s3.LocalPath]);
  });
  return paths;
}
