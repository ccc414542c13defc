/** `createModel`: registers a training stage's artifact with an inference image as a SageMaker model. */
import { MODEL_OUTPUT } from '../model/defaults.js';
import { CREATE_MODEL_RESOURCE, taskResourceArn } from './task-resources.js';
import type { ResolvedPipeline, ResolvedStage } from '../model/types.js';
import { INPUT, modelArtifactsPath, stageResultPath, stageSettingPath } from './input-paths.js';
import { TRANSIENT_SAGEMAKER_RETRY, catchIntoFailState, jobNameExpression, stageTags } from './task-common.js';
import type { JsonObject, TaskState } from './types.js';


/**
 * Script mode on a framework image: the training stub copies the inference code into the model
 * folder's `code/`, so it travels inside model.tar.gz, and the serving toolkit of the SageMaker
 * framework containers imports `SAGEMAKER_PROGRAM` from `SAGEMAKER_SUBMIT_DIRECTORY` (the layout
 * the SageMaker Python SDK's repack produces; unverified for every framework version).
 */
export const INFERENCE_CODE_DIR = '/opt/ml/model/code';

export function inferenceEnvironment(stage: ResolvedStage): Record<string, string> {
  const own = { ...stage.environment };
  if (stage.mode !== 'script') return own;
  return { ...own, SAGEMAKER_PROGRAM: stage.entryScript, SAGEMAKER_SUBMIT_DIRECTORY: INFERENCE_CODE_DIR };
}

/** The training stage whose artifact a model stage packages (its single input is `<training>/model`). */
export function trainingStageOf(stage: ResolvedStage): string {
  const [training, output] = stage.inputs[0].from.split('/');
  if (output !== MODEL_OUTPUT) throw new Error(`model stage '${stage.name}' does not read a training stage's model`);
  return training;
}

export function modelTaskState(stage: ResolvedStage, pipeline: ResolvedPipeline, next: string | undefined): TaskState {
  const container: JsonObject = {
    'Image.$': stageSettingPath(stage.name, 'imageUri'),
    'ModelDataUrl.$': modelArtifactsPath(trainingStageOf(stage)),
  };
  const environment = inferenceEnvironment(stage);
  if (Object.keys(environment).length > 0) container.Environment = environment;
  return {
    Type: 'Task',
    Comment: `${stage.description} (model from ${stage.inputs[0].from}${stage.mode === 'script' ? `, inference code code/${stage.entryScript} inside the artifact` : ''})`,
    Resource: taskResourceArn(CREATE_MODEL_RESOURCE, pipeline.partition),
    Parameters: {
      // Computed in the state, like job names: a fresh name per attempt and per execution.
      'ModelName.$': jobNameExpression(stage),
      'ExecutionRoleArn.$': INPUT.roleArn,
      PrimaryContainer: container,
      Tags: stageTags(stage, pipeline),
    },
    ResultSelector: {
      'modelArn.$': '$.ModelArn',
      // CreateModel answers with the ARN only; the name is its last segment (our names are lower-case,
      // as SageMaker writes them in ARNs, and contain no '/').
      'modelName.$': "States.ArrayGetItem(States.StringSplit($.ModelArn, '/'), 1)",
    },
    ResultPath: stageResultPath(stage.name),
    TimeoutSeconds: stage.taskTimeoutSeconds,
    Retry: [TRANSIENT_SAGEMAKER_RETRY],
    Catch: catchIntoFailState(stage),
    ...(next ? { Next: next } : { End: true as const }),
  };
}
