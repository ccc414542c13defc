/**
 * The Step Functions optimized integrations for SageMaker that legacy-mlops knows, as a table:
 * the Task resource action, the SageMaker API operation its Parameters are sent to, and a
 * plausible response for local runs. Add a row to support training, transform, model, ...
 * (see the Step Functions "Create and manage SageMaker jobs" integration page).
 */
import { isObject } from './types.js';

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

export interface SageMakerIntegration {
  /** The action after `arn:<partition>:states:::sagemaker:`, e.g. `createProcessingJob`. */
  readonly action: string;
  /** The SageMaker API operation (service-model name) the resolved Parameters are sent to. */
  readonly operation: string;
  /** The request member naming what the call creates; names are unique per account forever. */
  readonly nameMember: string;
  /** True for jobs: `.sync` waits for the job to end, and is what a pipeline needs. */
  readonly runsJob: boolean;
  /** What Step Functions hands back: the Describe* response for `.sync`, the Create* response otherwise. */
  readonly response: (request: JsonObject, sync: boolean, arnOf: (kind: string, name: string) => string) => JsonObject;
}

export const SAGEMAKER_INTEGRATIONS: readonly SageMakerIntegration[] = [
  {
    action: 'createProcessingJob',
    operation: 'CreateProcessingJob',
    nameMember: 'ProcessingJobName',
    runsJob: true,
    response: (request, sync, arnOf) => {
      const arn = arnOf('processing-job', String(request.ProcessingJobName));
      if (!sync) return { ProcessingJobArn: arn };
      return { ...request, ProcessingJobArn: arn, ProcessingJobStatus: 'Completed', ExitMessage: '' };
    },
  },
  {
    action: 'createTrainingJob',
    operation: 'CreateTrainingJob',
    nameMember: 'TrainingJobName',
    runsJob: true,
    response: (request, sync, arnOf) => {
      const name = String(request.TrainingJobName);
      const arn = arnOf('training-job', name);
      if (!sync) return { TrainingJobArn: arn };
      const output = isObject(request.OutputDataConfig) ? String(request.OutputDataConfig.S3OutputPath ?? '') : '';
      return {
        ...request,
        TrainingJobArn: arn,
        TrainingJobStatus: 'Completed',
        SecondaryStatus: 'Completed',
        ModelArtifacts: { S3ModelArtifacts: `${output.replace(/\/$/, '')}/${name}/output/model.tar.gz` },
      };
    },
  },
  {
    action: 'createTransformJob',
    operation: 'CreateTransformJob',
    nameMember: 'TransformJobName',
    runsJob: true,
    response: (request, sync, arnOf) => {
      const arn = arnOf('transform-job', String(request.TransformJobName));
      return sync ? { ...request, TransformJobArn: arn, TransformJobStatus: 'Completed' } : { TransformJobArn: arn };
    },
  },
  {
    action: 'createModel',
    operation: 'CreateModel',
    nameMember: 'ModelName',
    runsJob: false,
    response: (request, _sync, arnOf) => ({ ModelArn: arnOf('model', String(request.ModelName)) }),
  },
];

const RESOURCE_PATTERN = /^arn:(aws|aws-cn|aws-us-gov):states:::sagemaker:([A-Za-z]+)(\.sync|\.waitForTaskToken)?$/;

export interface ParsedResource {
  readonly integration: SageMakerIntegration;
  readonly sync: boolean;
  /** Set when the suffix is not one this integration supports. */
  readonly suffixProblem?: string;
}

/** The integration a Task resource ARN calls, or undefined when it is not one in the table. */
export function parseSageMakerResource(resource: unknown): ParsedResource | undefined {
  const match = typeof resource === 'string' ? RESOURCE_PATTERN.exec(resource) : null;
  if (!match) return undefined;
  const integration = SAGEMAKER_INTEGRATIONS.find((row) => row.action === match[2]);
  if (!integration) return undefined;
  const suffix = match[3];
  if (suffix === '.waitForTaskToken') {
    return { integration, sync: false, suffixProblem: 'SageMaker integrations do not support .waitForTaskToken' };
  }
  if (suffix === '.sync' && !integration.runsJob) {
    return { integration, sync: false, suffixProblem: `${integration.action} is request/response only; it has no .sync variant` };
  }
  return { integration, sync: suffix === '.sync' };
}

/** The SageMaker API operation a Task resource calls, e.g. `CreateProcessingJob`; undefined when unknown. */
export function operationForResource(resource: unknown): string | undefined {
  return parseSageMakerResource(resource)?.integration.operation;
}

export function knownResourceExamples(): string[] {
  return SAGEMAKER_INTEGRATIONS.map((row) => `arn:aws:states:::sagemaker:${row.action}${row.runsJob ? '.sync' : ''}`);
}
