/** One `createProcessingJob.sync` Task state per processing stage. */
import { CODE_CHANNEL, CODE_LOCAL_PATH } from '../model/defaults.js';
import type { ResolvedPipeline, ResolvedStage } from '../model/types.js';
import { ERROR_PATH, INPUT, stageResultPath, stageSettingPath } from './input-paths.js';
import { inputSourceUri, runOutputUri, stageCodeUri } from './s3-locations.js';
import type { JsonObject, RetryRule, TaskState } from './types.js';

export const PROCESSING_JOB_RESOURCE = 'arn:aws:states:::sagemaker:createProcessingJob.sync';

/**
 * Only SageMaker's transient errors are retried: throttling/internal errors and capacity limits.
 * A job that ran and failed (States.TaskFailed) is never retried: re-running broken code costs money.
 */
export const TRANSIENT_SAGEMAKER_RETRY: RetryRule = {
  ErrorEquals: ['SageMaker.AmazonSageMakerException', 'SageMaker.ResourceLimitExceededException'],
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
 * Shell entrypoint of a script-mode stage: installs requirements.txt when it lists any
 * requirement (the original sample never did), then execs the script so it receives stop signals.
 * `LEGACY_MLOPS_SKIP_REQUIREMENTS` lets the local runner skip pip when it provides its own environment.
 */
export function scriptEntrypoint(stage: ResolvedStage): string[] {
  const code = CODE_LOCAL_PATH;
  const requirements = `${code}/requirements.txt`;
  const command = [
    `if [ -z "$LEGACY_MLOPS_SKIP_REQUIREMENTS" ] && grep -q '^[[:space:]]*[^#[:space:]]' ${requirements} 2>/dev/null; then`,
    `python3 -m pip install --quiet --disable-pip-version-check -r ${requirements}`,
    `|| { mkdir -p /opt/ml/output; echo 'pip install -r requirements.txt failed' > /opt/ml/output/message; exit 1; };`,
    'fi;',
    `exec python3 ${code}/${stage.entryScript}`,
  ].join(' ');
  return ['/bin/sh', '-c', command];
}

/** The job-name expression: unique per attempt (computed inside the state, so a retry gets a fresh name). */
export function jobNameExpression(stage: ResolvedStage): string {
  return `States.Format('${stage.jobNamePrefix}-{}', States.UUID())`;
}

export function processingTaskState(stage: ResolvedStage, pipeline: ResolvedPipeline, next: string | undefined): TaskState {
  const s3Input = (localPath: string, uri: { key: string; value: string }): JsonObject => ({
    [uri.key]: uri.value,
    LocalPath: localPath,
    S3DataType: 'S3Prefix',
    S3InputMode: 'File',
    S3DataDistributionType: 'FullyReplicated',
  });
  const inputs: JsonObject[] = stage.inputs.map((input) => ({
    InputName: input.name,
    S3Input: s3Input(input.localPath, inputSourceUri(input.from)),
  }));
  const appSpecification: JsonObject = { 'ImageUri.$': stageSettingPath(stage.name, 'imageUri') };
  if (stage.mode === 'script') {
    inputs.unshift({ InputName: CODE_CHANNEL, S3Input: s3Input(CODE_LOCAL_PATH, { key: 'S3Uri.$', value: stageCodeUri(stage.name) }) });
    appSpecification.ContainerEntrypoint = scriptEntrypoint(stage);
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
        S3Output: { 'S3Uri.$': runOutputUri(stage.name, output.name), LocalPath: output.localPath, S3UploadMode: 'EndOfJob' },
      })),
    },
    Tags: [
      { Key: 'legacy-mlops:project', Value: pipeline.name },
      { Key: 'legacy-mlops:stage', Value: stage.name },
      { Key: 'legacy-mlops:execution', 'Value.$': '$$.Execution.Name' },
    ],
  };
  if (Object.keys(stage.environment).length > 0) parameters.Environment = { ...stage.environment };

  return {
    Type: 'Task',
    Comment: `${stage.description} (${stage.mode === 'script' ? `script ${stage.codeDir}/${stage.entryScript}` : `container ${describeImage(stage)}`})`,
    Resource: PROCESSING_JOB_RESOURCE,
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
    Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: ERROR_PATH, Next: failStateName(stage) }],
    ...(next ? { Next: next } : { End: true as const }),
  };
}

function describeImage(stage: ResolvedStage): string {
  return stage.image.source === 'dockerfile' ? `built from ${stage.image.dockerfile}` : 'existing image';
}
