/**
 * The CreateProcessingJob request a Task state resolves to, the checks SageMaker would make
 * before starting it (the subset a local run can break), and the DescribeProcessingJob-like
 * result a `.sync` task returns.
 */
import { SAGEMAKER_NAME_PATTERN } from '../../model/rules.js';
import type { JobOutcome } from './job-lifecycle.js';

export interface ProcessingS3Input {
  readonly S3Uri: string;
  readonly LocalPath: string;
  readonly S3DataType?: string;
  readonly S3InputMode?: string;
  readonly S3DataDistributionType?: string;
}

export interface ProcessingRequest {
  readonly ProcessingJobName: string;
  readonly RoleArn: string;
  readonly AppSpecification: { readonly ImageUri: string; readonly ContainerEntrypoint?: string[]; readonly ContainerArguments?: string[] };
  readonly ProcessingResources?: { readonly ClusterConfig?: { readonly InstanceCount?: number; readonly InstanceType?: string; readonly VolumeSizeInGB?: number } };
  readonly StoppingCondition?: { readonly MaxRuntimeInSeconds?: number };
  readonly ProcessingInputs?: readonly { readonly InputName: string; readonly S3Input?: ProcessingS3Input }[];
  readonly ProcessingOutputConfig?: { readonly Outputs: readonly { readonly OutputName: string; readonly S3Output?: { readonly S3Uri: string; readonly LocalPath: string } }[] };
  readonly Environment?: Readonly<Record<string, string>>;
  readonly [other: string]: unknown;
}

const LOCAL_PATH_PREFIX = '/opt/ml/processing/';
/** SageMaker's default when StoppingCondition is absent: one day. */
export const DEFAULT_MAX_RUNTIME_SECONDS = 86_400;

/** Problems SageMaker would reject the request for (or that a local run cannot emulate). */
export function processingRequestProblems(value: unknown): string[] {
  const request = value as Partial<ProcessingRequest> | null;
  if (!request || typeof request !== 'object') return ['the request is not an object'];
  const problems: string[] = [];
  if (typeof request.ProcessingJobName !== 'string' || !SAGEMAKER_NAME_PATTERN.test(request.ProcessingJobName)) {
    problems.push(`ProcessingJobName '${String(request.ProcessingJobName)}' must be 1-63 letters, digits or hyphens`);
  }
  if (typeof request.AppSpecification?.ImageUri !== 'string') problems.push('AppSpecification.ImageUri is missing');
  const inputs = request.ProcessingInputs ?? [];
  const outputs = request.ProcessingOutputConfig?.Outputs ?? [];
  if (inputs.length > 10) problems.push(`${inputs.length} ProcessingInputs (at most 10)`);
  if (outputs.length > 10) problems.push(`${outputs.length} processing outputs (at most 10)`);
  for (const input of inputs) {
    const s3 = input.S3Input;
    if (!s3) {
      problems.push(`input '${input.InputName}': only S3Input is emulated locally`);
      continue;
    }
    problems.push(...pathProblems(`input '${input.InputName}'`, s3.LocalPath, s3.S3Uri));
    if (s3.S3InputMode === 'Pipe') problems.push(`input '${input.InputName}': S3InputMode Pipe is not emulated locally (use File)`);
    if (s3.S3DataType === 'ManifestFile') problems.push(`input '${input.InputName}': S3DataType ManifestFile is not emulated locally (use S3Prefix)`);
  }
  for (const output of outputs) {
    if (!output.S3Output) problems.push(`output '${output.OutputName}': only S3Output is emulated locally`);
    else problems.push(...pathProblems(`output '${output.OutputName}'`, output.S3Output.LocalPath, output.S3Output.S3Uri));
  }
  const runtime = request.StoppingCondition?.MaxRuntimeInSeconds;
  if (runtime !== undefined && !(Number.isInteger(runtime) && runtime >= 1 && runtime <= 604_800)) {
    problems.push(`StoppingCondition.MaxRuntimeInSeconds ${runtime} must be a whole number from 1 to 604800`);
  }
  const count = request.ProcessingResources?.ClusterConfig?.InstanceCount;
  if (count !== undefined && !(Number.isInteger(count) && count >= 1 && count <= 100)) {
    problems.push(`ClusterConfig.InstanceCount ${count} must be a whole number from 1 to 100`);
  }
  return problems;
}

function pathProblems(what: string, localPath: string, s3Uri: string): string[] {
  const problems: string[] = [];
  if (typeof localPath !== 'string' || !localPath.startsWith(LOCAL_PATH_PREFIX) || localPath.split('/').includes('..')) {
    problems.push(`${what}: LocalPath '${localPath}' must be below ${LOCAL_PATH_PREFIX}`);
  }
  if (typeof s3Uri !== 'string' || !s3Uri.startsWith('s3://')) problems.push(`${what}: S3Uri '${s3Uri}' is not an s3:// URI`);
  return problems;
}

/** `arn:<partition>:sagemaker:<region>:<account>:processing-job/<name>` (SageMaker lower-cases names in ARNs). */
export function processingJobArn(request: ProcessingRequest): string {
  const role = /^arn:(aws[\w-]*):iam::(\d{12}):/.exec(request.RoleArn ?? '');
  const region = /\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com/.exec(request.AppSpecification.ImageUri)?.[1] ?? 'us-east-1';
  return `arn:${role?.[1] ?? 'aws'}:sagemaker:${region}:${role?.[2] ?? '000000000000'}:processing-job/${request.ProcessingJobName.toLowerCase()}`;
}

/**
 * What DescribeProcessingJob returns, which a `.sync` task hands to ResultSelector.
 * Times are epoch milliseconds (unverified: how Step Functions serializes SageMaker's timestamps).
 */
export function describeProcessingJob(request: ProcessingRequest, arn: string, outcome: JobOutcome): Record<string, unknown> {
  const { Tags: _tags, ...described } = request;
  return {
    ...described,
    ProcessingJobArn: arn,
    ProcessingJobStatus: outcome.status,
    ...(outcome.exitMessage !== undefined ? { ExitMessage: outcome.exitMessage } : {}),
    ...(outcome.failureReason !== undefined ? { FailureReason: outcome.failureReason } : {}),
    CreationTime: outcome.createdAt,
    ProcessingStartTime: outcome.startedAt,
    ProcessingEndTime: outcome.endedAt,
    LastModifiedTime: outcome.endedAt,
  };
}
