/** One `createProcessingJob.sync` Task state per processing stage. */
import { CODE_CHANNEL, CODE_LOCAL_PATH } from '../model/defaults.js';
import { STAGE_TAG_KEY } from '../model/rules.js';
import type { ResolvedPipeline, ResolvedStage } from '../model/types.js';
import { ERROR_PATH, INPUT, ITEM_INPUT, executionNamePath, stageResultPath, stageSettingPath } from './input-paths.js';
import { inputSourceUri, runOutputUri, stageCodeUri } from './s3-locations.js';
import type { CatchRule, JsonObject, RetryRule, TaskState } from './types.js';

/** Integration ARNs are keyed in the `aws` partition; tasks carry their own partition (aws-cn, aws-us-gov). */
export const PROCESSING_JOB_RESOURCE = 'arn:aws:states:::sagemaker:createProcessingJob.sync';

/** The integration ARN in a given partition. */
export function integrationArn(canonical: string, partition: string): string {
  return canonical.replace(/^arn:aws:/, `arn:${partition}:`);
}

/** A Task resource mapped back to the `aws` partition, for lookups in tables keyed by the canonical ARN. */
export function canonicalTaskResource(resource: string): string {
  return resource.replace(/^arn:aws(-cn|-us-gov)?:states:::/, 'arn:aws:states:::');
}

/**
 * Only errors a retry can cure. The `.sync` SageMaker integrations raise API errors as
 * `SageMaker.<exception>`: modelled exceptions by name (`ResourceLimitExceededException`), every other
 * error code (ValidationException, AccessDeniedException, a role SageMaker cannot assume, an image it
 * cannot pull, and also ThrottlingException) as the generic `SageMaker.AmazonSageMakerException`, whose
 * code is only in the Cause text, which a Retry cannot read. Retrying the generic error spent about
 * 7.5 minutes on errors that never succeed, so it is not retried: they fail on the first attempt.
 * A capacity limit (too many concurrent jobs, no spare instances) clears as other jobs end.
 * A job that ran and failed (States.TaskFailed) is never retried: re-running broken code costs money.
 * Sources: docs/aws-audit.md (finding 8).
 */
export const TRANSIENT_SAGEMAKER_ERRORS: readonly string[] = ['SageMaker.ResourceLimitExceededException'];

export const TRANSIENT_SAGEMAKER_RETRY: RetryRule = {
  ErrorEquals: [...TRANSIENT_SAGEMAKER_ERRORS],
  IntervalSeconds: 30,
  MaxAttempts: 4,
  BackoffRate: 2,
  MaxDelaySeconds: 600,
  JitterStrategy: 'FULL',
};

/** Name of the Fail state a stage's Catch leads to. */
export function failStateName(stage: ResolvedStage): string {
  return `${stage.name} failed`;
}

/**
 * Where SageMaker reads a failed job's reason: processing jobs report /opt/ml/output/message as
 * ExitMessage, training jobs /opt/ml/output/failure as FailureReason.
 */
export const FAILURE_FILES = { processing: '/opt/ml/output/message', training: '/opt/ml/output/failure' } as const;

/**
 * Shell entrypoint of a script-mode stage: installs requirements.txt when it lists any
 * requirement (the original sample never did), then execs the script so it receives stop signals.
 * SageMaker caps each entrypoint item at 256 characters, so the paths and the failure message
 * travel as positional arguments ($1 requirements, $2 script, $3 message) instead of inside the command.
 * `LEGACY_MLOPS_SKIP_REQUIREMENTS` lets the local runner skip pip when it provides its own environment.
 */
export function scriptEntrypoint(stage: ResolvedStage, codePath: string = CODE_LOCAL_PATH, failureFile: string = FAILURE_FILES.processing): string[] {
  const command =
    `[ -z "$LEGACY_MLOPS_SKIP_REQUIREMENTS" ]&&grep -qs '^[[:space:]]*[^#[:space:]]' "$1"` +
    `&&{ python3 -m pip install -q -r "$1"||{ mkdir -p /opt/ml/output;echo "$3">${failureFile};exit 1;};};` +
    'exec python3 "$2"';
  return ['/bin/sh', '-c', command, 'sh', `${codePath}/requirements.txt`, `${codePath}/${stage.entryScript}`, `pip install -r ${stage.codeDir}/requirements.txt failed`];
}

/**
 * The execution tag's value: the execution name in base64. Step Functions allows `(`, `)`, `!` and `'`
 * in execution names, SageMaker's TagValue pattern (`^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$`) does not, and
 * no intrinsic function replaces characters; base64's alphabet (letters, digits, `+`, `/`, `=`) always
 * matches, stays unique per execution and decodes back (`echo <value> | base64 -d`). An 80-character
 * name encodes to 108 characters, under the 256 a tag value may hold.
 */
export const EXECUTION_TAG_VALUE = 'States.Base64Encode($$.Execution.Name)';
/** The key says how the value is encoded. */
export const EXECUTION_TAG_KEY = 'legacy-mlops:execution-base64';
/** Fan-out: the item a job runs for (the local runner reports jobs per item by it). */
export const ITEM_TAG_KEY = 'legacy-mlops:item';

/** Tags every resource legacy-mlops starts carries: the local runner finds a Task's stage by the stage tag. */
export function stageTags(stage: ResolvedStage, pipeline: ResolvedPipeline): JsonObject[] {
  return [
    { Key: 'legacy-mlops:project', Value: pipeline.name },
    { Key: STAGE_TAG_KEY, Value: stage.name },
    { Key: EXECUTION_TAG_KEY, 'Value.$': pipeline.fanOut ? `States.Base64Encode(${executionNamePath(pipeline)})` : EXECUTION_TAG_VALUE },
    // Item ids match SageMaker's TagValue pattern as they are (letters, digits, '.', '_', '-').
    ...(pipeline.fanOut ? [{ Key: ITEM_TAG_KEY, 'Value.$': ITEM_INPUT.itemId }] : []),
  ];
}

/** Any error of the stage's calls ends in the stage's Fail state, which carries the cause. */
export function catchIntoFailState(stage: ResolvedStage): CatchRule[] {
  return [{ ErrorEquals: ['States.ALL'], ResultPath: ERROR_PATH, Next: failStateName(stage) }];
}

/** The job-name expression: unique per attempt (computed inside the state, so a retry gets a fresh name). */
export function jobNameExpression(stage: ResolvedStage): string {
  return `States.Format('${stage.jobNamePrefix}-{}', States.UUID())`;
}

export function processingTaskState(stage: ResolvedStage, pipeline: ResolvedPipeline, next: string | undefined): TaskState {
  const s3Input = (localPath: string, uri: { key: string; value: string }, sharded = false): JsonObject => ({
    [uri.key]: uri.value,
    LocalPath: localPath,
    S3DataType: 'S3Prefix',
    S3InputMode: 'File',
    S3DataDistributionType: sharded ? 'ShardedByS3Key' : 'FullyReplicated',
  });
  const inputs: JsonObject[] = stage.inputs.map((input) => ({
    InputName: input.name,
    S3Input: s3Input(input.localPath, inputSourceUri(input.from, pipeline), input.distribution === 'sharded'),
  }));
  const appSpecification: JsonObject = { 'ImageUri.$': stageSettingPath(stage.name, 'imageUri') };
  if (stage.mode === 'script') {
    const codePath = stage.codeLocalPath ?? CODE_LOCAL_PATH;
    inputs.unshift({ InputName: CODE_CHANNEL, S3Input: s3Input(codePath, { key: 'S3Uri.$', value: stageCodeUri(stage.name) }) });
    appSpecification.ContainerEntrypoint = scriptEntrypoint(stage, codePath);
  }

  const parameters: JsonObject = {
    'ProcessingJobName.$': jobNameExpression(stage),
    'RoleArn.$': INPUT.roleArn,
    AppSpecification: appSpecification,
    ProcessingResources: {
      ClusterConfig: {
        'InstanceCount.$': stageSettingPath(stage.name, 'instanceCount'),
        'InstanceType.$': stageSettingPath(stage.name, 'instanceType'),
        'VolumeSizeInGB.$': stageSettingPath(stage.name, 'volumeSizeInGB'),
      },
    },
    StoppingCondition: { 'MaxRuntimeInSeconds.$': stageSettingPath(stage.name, 'maxRuntimeInSeconds') },
    ProcessingInputs: inputs,
    ProcessingOutputConfig: {
      Outputs: stage.outputs.map((output) => ({
        OutputName: output.name,
        S3Output: { 'S3Uri.$': runOutputUri(stage.name, output.name, pipeline), LocalPath: output.localPath, S3UploadMode: 'EndOfJob' },
      })),
    },
    Tags: stageTags(stage, pipeline),
  };
  if (Object.keys(stage.environment).length > 0) parameters.Environment = { ...stage.environment };

  return {
    Type: 'Task',
    Comment: `${stage.description} (${describeCode(stage)})`,
    Resource: integrationArn(PROCESSING_JOB_RESOURCE, pipeline.partition),
    Parameters: parameters,
    // The full DescribeProcessingJob response is large; keep what a person or the next state needs.
    ResultSelector: {
      'jobName.$': '$.ProcessingJobName',
      'jobArn.$': '$.ProcessingJobArn',
      'status.$': '$.ProcessingJobStatus',
    },
    ResultPath: stageResultPath(stage.name),
    TimeoutSeconds: stage.taskTimeoutSeconds,
    Retry: [TRANSIENT_SAGEMAKER_RETRY],
    Catch: catchIntoFailState(stage),
    ...(next ? { Next: next } : { End: true as const }),
  };
}

/** What a Task's comment says the stage runs. */
export function describeCode(stage: ResolvedStage): string {
  if (stage.mode === 'script') return `script ${stage.codeDir}/${stage.entryScript}`;
  return `container ${stage.image.source === 'dockerfile' ? `built from ${stage.image.dockerfile}` : 'existing image'}`;
}
