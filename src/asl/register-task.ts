/**
 * A register stage: one `createModelPackage` (AWS SDK integration: Step Functions has no optimized
 * one) adding a version to the project's model package group. The version names the model stage's
 * inference image and the training stage's artifact, carries the evaluation report as its model
 * quality statistics, and the execution that produced it (so a decision can be traced back).
 */
import { EXECUTION_METADATA_KEY } from '../approval/approval-contract.js';
import { CREATE_MODEL_PACKAGE_RESOURCE, taskResourceArn } from './task-resources.js';
import type { ResolvedPipeline, ResolvedStage } from '../model/types.js';
import { stageResultPath, stageSettingPath, modelArtifactsPath, INPUT } from './input-paths.js';
import { metricValuePath } from './metric-gate.js';
import { inferenceEnvironment, trainingStageOf } from './model-task.js';
import { catchIntoFailState, stageTags } from './task-common.js';
import type { JsonObject, TaskState } from './types.js';

/** What the generated stubs read and write: CSV records in, CSV predictions out. */
export const REGISTERED_CONTENT_TYPES = ['text/csv'];
export { EXECUTION_METADATA_KEY };

/** Where the registered version's ARN lands. */
export function modelPackageArnPath(registerStage: string): string {
  return `${stageResultPath(registerStage)}.modelPackageArn`;
}

export function registerTaskState(stage: ResolvedStage, pipeline: ResolvedPipeline, next: string | undefined): TaskState {
  const registry = stage.registry;
  if (!registry || !stage.modelStage) throw new Error(`stage '${stage.name}' is not a register stage`);
  const model = pipeline.stages.find((s) => s.name === stage.modelStage);
  if (!model) throw new Error(`register stage '${stage.name}': no model stage '${stage.modelStage}'`);
  const container: JsonObject = {
    'Image.$': stageSettingPath(model.name, 'imageUri'),
    'ModelDataUrl.$': modelArtifactsPath(trainingStageOf(model)),
  };
  const environment = inferenceEnvironment(model);
  if (Object.keys(environment).length > 0) container.Environment = environment;
  const evaluation = registry.evaluationStage ? pipeline.stages.find((s) => s.name === registry.evaluationStage) : undefined;
  const gate = evaluation?.gate;
  const parameters: JsonObject = {
    ModelPackageGroupName: registry.group,
    'ModelPackageDescription.$': `States.Format('${stage.description.replace(/['{}\\]/g, '')} Registered by execution {}.', $$.Execution.Name)`,
    InferenceSpecification: {
      Containers: [container],
      SupportedContentTypes: REGISTERED_CONTENT_TYPES,
      SupportedResponseMIMETypes: REGISTERED_CONTENT_TYPES,
    },
    ModelApprovalStatus: registry.autoApprove ? 'Approved' : 'PendingManualApproval',
    CustomerMetadataProperties: { [`${EXECUTION_METADATA_KEY}.$`]: '$$.Execution.Id' },
    Tags: stageTags(stage, pipeline),
  };
  if (evaluation && gate) {
    parameters.ModelMetrics = {
      ModelQuality: {
        Statistics: {
          ContentType: 'application/json',
          'S3Uri.$': `States.Format('{}{}/${evaluation.name}/${gate.reportOutput}/${gate.reportFile}', ${INPUT.runsUri}, $$.Execution.Name)`,
        },
      },
    };
    (parameters.CustomerMetadataProperties as JsonObject)[`${gate.metric}.$`] = `States.Format('{}', ${metricValuePath(evaluation, gate)})`;
  }
  return {
    Type: 'Task',
    Comment: `${stage.description} (a ${registry.autoApprove ? 'pre-approved' : 'PendingManualApproval'} version of the model of stage ${model.name} in model package group ${registry.group})`,
    Resource: taskResourceArn(CREATE_MODEL_PACKAGE_RESOURCE, pipeline.partition),
    Parameters: parameters,
    ResultSelector: { 'modelPackageArn.$': '$.ModelPackageArn' },
    ResultPath: stageResultPath(stage.name),
    TimeoutSeconds: stage.taskTimeoutSeconds,
    // No Retry: CreateModelPackage is not idempotent without a ClientToken per execution, and a
    // throttled-but-created call retried would add a second version.
    Catch: catchIntoFailState(stage),
    ...(next ? { Next: next } : { End: true as const }),
  };
}
