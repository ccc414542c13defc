/** `createTransformJob.sync`: a batch transform of one data input with a model stage's model. */
import { TRANSFORM_JOB_RESOURCE, taskResourceArn } from './task-resources.js';
import type { ResolvedPipeline, ResolvedStage } from '../model/types.js';
import { modelNamePath, stageResultPath, stageSettingPath } from './input-paths.js';
import { TRANSIENT_SAGEMAKER_RETRY, catchIntoFailState, jobNameExpression, stageTags } from './task-common.js';
import { inputSourceUri, runOutputUri } from './s3-locations.js';
import type { JsonObject, TaskState } from './types.js';


/**
 * Records are CSV lines: each line is one record, mini-batches of lines go to the model container
 * (up to 6 MB each), and its answers are assembled one line per record into `<input file>.out`.
 */
export const TRANSFORM_RECORDS = { contentType: 'text/csv', splitType: 'Line', batchStrategy: 'MultiRecord', maxPayloadInMB: 6, assembleWith: 'Line' } as const;

export function transformTaskState(stage: ResolvedStage, pipeline: ResolvedPipeline, next: string | undefined): TaskState {
  if (!stage.modelStage) throw new Error(`transform stage '${stage.name}' has no model stage`);
  const source = inputSourceUri(stage.inputs[0].from, pipeline);
  const parameters: JsonObject = {
    'TransformJobName.$': jobNameExpression(stage),
    'ModelName.$': modelNamePath(stage.modelStage),
    BatchStrategy: TRANSFORM_RECORDS.batchStrategy,
    MaxPayloadInMB: TRANSFORM_RECORDS.maxPayloadInMB,
    TransformInput: {
      DataSource: { S3DataSource: { S3DataType: 'S3Prefix', [source.key]: source.value } },
      ContentType: TRANSFORM_RECORDS.contentType,
      SplitType: TRANSFORM_RECORDS.splitType,
      CompressionType: 'None',
    },
    TransformOutput: {
      'S3OutputPath.$': runOutputUri(stage.name, stage.outputs[0].name, pipeline),
      Accept: TRANSFORM_RECORDS.contentType,
      AssembleWith: TRANSFORM_RECORDS.assembleWith,
    },
    TransformResources: {
      'InstanceCount.$': stageSettingPath(stage.name, 'instanceCount'),
      'InstanceType.$': stageSettingPath(stage.name, 'instanceType'),
    },
    Tags: stageTags(stage, pipeline),
  };
  if (Object.keys(stage.environment).length > 0) parameters.Environment = { ...stage.environment };
  return {
    Type: 'Task',
    Comment: `${stage.description} (batch transform of ${stage.inputs[0].from} with the model of stage ${stage.modelStage})`,
    Resource: taskResourceArn(TRANSFORM_JOB_RESOURCE, pipeline.partition),
    Parameters: parameters,
    ResultSelector: { 'jobName.$': '$.TransformJobName', 'jobArn.$': '$.TransformJobArn', 'status.$': '$.TransformJobStatus' },
    ResultPath: stageResultPath(stage.name),
    // The request has no max runtime: the Task's timeout bounds the job.
    TimeoutSeconds: stage.taskTimeoutSeconds,
    Retry: [TRANSIENT_SAGEMAKER_RETRY],
    Catch: catchIntoFailState(stage),
    ...(next ? { Next: next } : { End: true as const }),
  };
}
