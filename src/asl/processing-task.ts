/** One `createProcessingJob.sync` Task state per processing stage. */
import { CODE_CHANNEL, CODE_LOCAL_PATH } from '../model/defaults.js';
import { PROCESSING_JOB_RESOURCE, taskResourceArn } from './task-resources.js';
import type { ResolvedPipeline, ResolvedStage } from '../model/types.js';
import { INPUT, stageResultPath, stageSettingPath } from './input-paths.js';
import { inputSourceUri, runOutputUri, stageCodeUri } from './s3-locations.js';
import { TRANSIENT_SAGEMAKER_RETRY, catchIntoFailState, jobNameExpression, stageTags } from './task-common.js';
import type { JsonObject, TaskState } from './types.js';


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
    Resource: taskResourceArn(PROCESSING_JOB_RESOURCE, pipeline.partition),
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
