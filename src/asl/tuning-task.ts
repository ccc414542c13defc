/**
 * `createHyperParameterTuningJob.sync`: one Task per tuning stage, then a DescribeTrainingJob call on the
 * tuning job's best training job. The `.sync` output is DescribeHyperParameterTuningJob's response,
 * which names `BestTrainingJob` but not its model; DescribeTrainingJob's `ModelArtifacts` does, so the
 * model stage reads the artifact from AWS's answer (at the same result path a training stage fills).
 */
import { TUNING_JOB_RESOURCE, DESCRIBE_TRAINING_JOB_RESOURCE, taskResourceArn } from './task-resources.js';
import type { ResolvedTuning } from '../model/tuning.js';
import { gridSize, gridValues } from '../model/tuning.js';
import type { ResolvedPipeline, ResolvedStage } from '../model/types.js';
import { INPUT, stageResultPath, stageSettingPath } from './input-paths.js';
import { describeCode } from './processing-task.js';
import { TRANSIENT_SAGEMAKER_RETRY, catchIntoFailState, jobNameExpression, stageTags } from './task-common.js';
import { TRAINING_CODE_PATH, trainingJobSettings } from './training-task.js';
import type { JsonObject, State, TaskState } from './types.js';


/**
 * The framework images' training toolkit runs `sagemaker_program` from `sagemaker_submit_directory`
 * (a local folder is copied as is); a tuning job's algorithm takes no ContainerEntrypoint, so script
 * mode names the script through these two static hyperparameters, as the SageMaker Python SDK does.
 */
export const SCRIPT_HYPERPARAMETERS = { program: 'sagemaker_program', directory: 'sagemaker_submit_directory' } as const;

export function bestModelStateName(stage: ResolvedStage): string {
  return `${stage.name} best model`;
}

export function tuningStates(stage: ResolvedStage, pipeline: ResolvedPipeline, next: string | undefined): Record<string, State> {
  const tuning = stage.tuning!;
  const best = bestModelStateName(stage);
  const resultPath = stageResultPath(stage.name);
  const tuningState: TaskState = {
    Type: 'Task',
    Comment: `${stage.description} (hyperparameter tuning job, ${tuning.strategy}, ${describeCode(stage)})`,
    Resource: taskResourceArn(TUNING_JOB_RESOURCE, pipeline.partition),
    Parameters: {
      'HyperParameterTuningJobName.$': jobNameExpression(stage),
      HyperParameterTuningJobConfig: tuningJobConfig(tuning),
      TrainingJobDefinition: trainingJobDefinition(stage, pipeline),
      Tags: stageTags(stage, pipeline),
    },
    ResultSelector: {
      'tuningJobName.$': '$.HyperParameterTuningJobName',
      'tuningJobArn.$': '$.HyperParameterTuningJobArn',
      'bestTrainingJobName.$': '$.BestTrainingJob.TrainingJobName',
      'bestObjectiveValue.$': '$.BestTrainingJob.FinalHyperParameterTuningJobObjectiveMetric.Value',
    },
    ResultPath: resultPath,
    // Every training job may run its full max runtime, maxParallelJobs at a time (Grid: one per combination).
    TimeoutSeconds: stage.taskTimeoutSeconds * Math.ceil((tuning.maxJobs ?? gridSize(tuning.ranges)) / tuning.maxParallelJobs),
    Retry: [TRANSIENT_SAGEMAKER_RETRY],
    Catch: catchIntoFailState(stage),
    Next: best,
  };
  const bestState: TaskState = {
    Type: 'Task',
    Comment: `The model of ${stage.name}'s best training job, as SageMaker describes it.`,
    Resource: taskResourceArn(DESCRIBE_TRAINING_JOB_RESOURCE, pipeline.partition),
    Parameters: { 'TrainingJobName.$': `${resultPath}.bestTrainingJobName` },
    // Same fields as a training stage's result, so the model stage reads `modelArtifacts` either way.
    ResultSelector: {
      'jobName.$': '$.TrainingJobName',
      'jobArn.$': '$.TrainingJobArn',
      'status.$': '$.TrainingJobStatus',
      'tuningJobArn.$': '$.TuningJobArn',
      'hyperparameters.$': '$.HyperParameters',
      'modelArtifacts.$': '$.ModelArtifacts.S3ModelArtifacts',
    },
    ResultPath: resultPath,
    TimeoutSeconds: 60,
    Retry: [TRANSIENT_SAGEMAKER_RETRY],
    Catch: catchIntoFailState(stage),
    ...(next ? { Next: next } : { End: true as const }),
  };
  return { [stage.name]: tuningState, [best]: bestState };
}

function tuningJobConfig(tuning: ResolvedTuning): JsonObject {
  const grid = tuning.strategy === 'Grid';
  const numeric = (type: 'integer' | 'continuous') =>
    tuning.ranges
      .filter((r) => r.type === type && !grid)
      .map((r) => ({ Name: r.name, MinValue: String(r.min), MaxValue: String(r.max), ScalingType: r.scaling }));
  // Grid searches categorical values only: integer ranges go as their enumerated values.
  const categorical = tuning.ranges
    .filter((r) => r.type === 'categorical' || (grid && r.type === 'integer'))
    .map((r) => ({ Name: r.name, Values: [...gridValues(r)!] }));
  const ranges: JsonObject = {};
  if (numeric('integer').length > 0) ranges.IntegerParameterRanges = numeric('integer');
  if (numeric('continuous').length > 0) ranges.ContinuousParameterRanges = numeric('continuous');
  if (categorical.length > 0) ranges.CategoricalParameterRanges = categorical;
  return {
    Strategy: tuning.strategy,
    HyperParameterTuningJobObjective: { Type: tuning.objective.type, MetricName: tuning.objective.metric },
    ResourceLimits: { ...(tuning.maxJobs !== undefined ? { MaxNumberOfTrainingJobs: tuning.maxJobs } : {}), MaxParallelTrainingJobs: tuning.maxParallelJobs },
    ParameterRanges: ranges,
    TrainingJobEarlyStoppingType: 'Off',
  };
}

/** The training stage's request, in the shape a tuning job takes (HyperParameterTrainingJobDefinition). */
function trainingJobDefinition(stage: ResolvedStage, pipeline: ResolvedPipeline): JsonObject {
  const tuning = stage.tuning!;
  const statics: Record<string, string> = { ...stage.hyperparameters };
  if (stage.mode === 'script') {
    statics[SCRIPT_HYPERPARAMETERS.program] = stage.entryScript;
    statics[SCRIPT_HYPERPARAMETERS.directory] = TRAINING_CODE_PATH;
  }
  const { InputDataConfig, ...settings } = trainingJobSettings(stage, pipeline);
  const definition: JsonObject = {
    AlgorithmSpecification: {
      'TrainingImage.$': stageSettingPath(stage.name, 'imageUri'),
      TrainingInputMode: 'File',
      MetricDefinitions: [{ Name: tuning.objective.metric, Regex: tuning.objective.regex }],
    },
    'RoleArn.$': INPUT.roleArn,
    InputDataConfig,
    ...settings,
  };
  if (Object.keys(statics).length > 0) definition.StaticHyperParameters = statics;
  if (Object.keys(stage.environment).length > 0) definition.Environment = { ...stage.environment };
  return definition;
}
