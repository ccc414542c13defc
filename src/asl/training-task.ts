/** `createTrainingJob.sync`: one Task per training stage, its model artifact read from the job's description. */
import { CODE_CHANNEL, MODEL_OUTPUT } from '../model/defaults.js';
import { TRAINING_JOB_RESOURCE, taskResourceArn } from './task-resources.js';
import type { ResolvedPipeline, ResolvedStage } from '../model/types.js';
import { INPUT, stageResultPath, stageSettingPath } from './input-paths.js';
import { TRANSIENT_SAGEMAKER_RETRY, catchIntoFailState, jobNameExpression, stageTags } from './task-common.js';
import { FAILURE_FILES, describeCode, scriptEntrypoint } from './processing-task.js';
import { inputSourceUri, runOutputUri, stageCodeUri } from './s3-locations.js';
import type { JsonObject, TaskState } from './types.js';

/** Script mode: the stage folder arrives as the `code` channel, where every channel lands. */
export const TRAINING_CODE_PATH = `/opt/ml/input/data/${CODE_CHANNEL}`;

/**
 * What a training job's request and a tuning job's training definition share: the channels (in script
 * mode, the code channel first), where the model goes, the instances and the runtime limit.
 */
export function trainingJobSettings(stage: ResolvedStage, pipeline: ResolvedPipeline) {
  const channel = (name: string, uri: { key: string; value: string }): JsonObject => ({
    ChannelName: name,
    DataSource: { S3DataSource: { S3DataType: 'S3Prefix', [uri.key]: uri.value, S3DataDistributionType: 'FullyReplicated' } },
    InputMode: 'File',
  });
  const channels = stage.inputs.map((input) => channel(input.name, inputSourceUri(input.from, pipeline)));
  if (stage.mode === 'script') channels.unshift(channel(CODE_CHANNEL, { key: 'S3Uri.$', value: stageCodeUri(stage.name) }));
  return {
    InputDataConfig: channels,
    // SageMaker writes <S3OutputPath><job name>/output/model.tar.gz: unique per job, reported in ModelArtifacts.
    OutputDataConfig: { 'S3OutputPath.$': runOutputUri(stage.name, MODEL_OUTPUT, pipeline) } as JsonObject,
    ResourceConfig: {
      'InstanceCount.$': stageSettingPath(stage.name, 'instanceCount'),
      'InstanceType.$': stageSettingPath(stage.name, 'instanceType'),
      'VolumeSizeInGB.$': stageSettingPath(stage.name, 'volumeSizeInGB'),
    } as JsonObject,
    StoppingCondition: { 'MaxRuntimeInSeconds.$': stageSettingPath(stage.name, 'maxRuntimeInSeconds') } as JsonObject,
  };
}

export function trainingTaskState(stage: ResolvedStage, pipeline: ResolvedPipeline, next: string | undefined): TaskState {
  const algorithm: JsonObject = { 'TrainingImage.$': stageSettingPath(stage.name, 'imageUri'), TrainingInputMode: 'File' };
  if (stage.mode === 'script') algorithm.ContainerEntrypoint = scriptEntrypoint(stage, TRAINING_CODE_PATH, FAILURE_FILES.training);
  const { InputDataConfig, ...settings } = trainingJobSettings(stage, pipeline);
  const parameters: JsonObject = {
    'TrainingJobName.$': jobNameExpression(stage),
    'RoleArn.$': INPUT.roleArn,
    AlgorithmSpecification: algorithm,
    InputDataConfig,
    ...settings,
    Tags: stageTags(stage, pipeline),
  };
  if (Object.keys(stage.hyperparameters).length > 0) parameters.HyperParameters = { ...stage.hyperparameters };
  if (Object.keys(stage.environment).length > 0) parameters.Environment = { ...stage.environment };

  return {
    Type: 'Task',
    Comment: `${stage.description} (training job, ${describeCode(stage)})`,
    Resource: taskResourceArn(TRAINING_JOB_RESOURCE, pipeline.partition),
    Parameters: parameters,
    ResultSelector: {
      'jobName.$': '$.TrainingJobName',
      'jobArn.$': '$.TrainingJobArn',
      'status.$': '$.TrainingJobStatus',
      // The one place later stages learn where the model is.
      'modelArtifacts.$': '$.ModelArtifacts.S3ModelArtifacts',
    },
    ResultPath: stageResultPath(stage.name),
    TimeoutSeconds: stage.taskTimeoutSeconds,
    Retry: [TRANSIENT_SAGEMAKER_RETRY],
    Catch: catchIntoFailState(stage),
    ...(next ? { Next: next } : { End: true as const }),
  };
}
