/**
 * Rows for the tuning kind: `createHyperParameterTuningJob.sync` and the DescribeTrainingJob call on
 * its best training job. Sources: the Step Functions guide "IAM policies for Amazon SageMaker AI"
 * (CreateHyperParameterTuningJob, DescribeHyperParameterTuningJob, StopHyperParameterTuningJob,
 * ListTags, AddTags, PassRole, and the managed rule StepFunctionsGetEventsForSageMakerHyperParameterTuningJobsRule);
 * the CreateHyperParameterTuningJob reference (the training jobs it starts are named
 * `<tuning job name>-<NNN>-<8 hex>` and run as TrainingJobDefinition.RoleArn, logging to
 * /aws/sagemaker/TrainingJobs). Which ARN SageMaker presents as aws:SourceArn for those training jobs
 * is not documented, so the trust condition stays at the account (as for transform jobs).
 */
import { stageResultPath } from '../asl/input-paths.js';
import { DESCRIBE_TRAINING_JOB_RESOURCE, TUNING_JOB_RESOURCE } from '../asl/task-resources.js';
import { eventsRuleArn, sageMakerAccountArnPattern, sageMakerArn } from './arns.js';
import { asArray, asObject, listPrefix, passRole, passedRoleArn, publishMetrics, pullImage, readPrefix, writeLogs, writePrefix } from './grants.js';
import { imageRepositoryArnOf } from './image-repository.js';
import { jobNameOf, jobNamePattern, sampleJobName, stageJobName } from './job-name.js';
import { s3PrefixOf } from './s3-locations.js';
import type { Permission, TaskContext, TaskIntegration } from './types.js';

const TUNING_RULE = 'StepFunctionsGetEventsForSageMakerHyperParameterTuningJobsRule';
const TRAINING_LOG_GROUP = '/aws/sagemaker/TrainingJobs';
/** A training job a tuning job starts: `<tuning job name>-<NNN>-<8 hex>`. */
const TRIAL_SUFFIX_PATTERN = '-???-????????';
const SAMPLE_TRIAL_SUFFIX = '-001-0a1b2c3d';

function tuningJobOf(task: TaskContext, parameter: string, expression: unknown) {
  const jobName = jobNameOf(expression, `Task '${task.state}': ${parameter}`);
  const name = sampleJobName(jobName, task.samples.jobId);
  return {
    pattern: sageMakerArn(task.pipeline, 'hyper-parameter-tuning-job', jobNamePattern(jobName)),
    arn: sageMakerArn(task.pipeline, 'hyper-parameter-tuning-job', name),
    trialPattern: sageMakerArn(task.pipeline, 'training-job', `${jobNamePattern(jobName)}${TRIAL_SUFFIX_PATTERN}`),
    trialName: `${name}${SAMPLE_TRIAL_SUFFIX}`,
  };
}

const tuningJob: TaskIntegration = {
  description: 'SageMaker HyperParameterTuningJob run to completion (.sync)',
  permissions(task) {
    const where = `Task '${task.state}'`;
    const { pipeline, parameters } = task;
    const job = tuningJobOf(task, 'HyperParameterTuningJobName', parameters['HyperParameterTuningJobName.$'] ?? parameters.HyperParameterTuningJobName);
    const definition = asObject(parameters.TrainingJobDefinition);
    const ruleArn = eventsRuleArn(pipeline, TUNING_RULE);
    const jobActions = ['CreateHyperParameterTuningJob', 'DescribeHyperParameterTuningJob', 'StopHyperParameterTuningJob', 'AddTags', 'ListTags'].map((a) => `sagemaker:${a}`);
    const ruleActions = ['events:PutTargets', 'events:PutRule', 'events:DescribeRule'];
    const stateMachineRole: Permission[] = [
      { sid: 'SageMakerHyperParameterTuningJobs', actions: jobActions, resources: [job.pattern], calls: jobActions.map((action) => ({ action, resource: job.arn })) },
      passRole(passedRoleArn(definition, 'RoleArn', pipeline, `${where}: TrainingJobDefinition`)),
      { sid: 'ManagedRuleForHyperParameterTuningJobs', actions: ruleActions, resources: [ruleArn], calls: ruleActions.map((action) => ({ action, resource: ruleArn })) },
    ];
    // Every training job the tuning job starts runs as the execution role, like a training stage's job.
    const s3 = (entries: [unknown, string][], what: string) =>
      entries.map(([object, field], i) => s3PrefixOf(object, field, pipeline, task.samples.executionName, `${where}: TrainingJobDefinition.${what}[${i}]`));
    const inputs = s3(asArray(definition.InputDataConfig).map((channel) => [asObject(asObject(channel.DataSource).S3DataSource), 'S3Uri']), 'InputDataConfig');
    const outputs = s3([[definition.OutputDataConfig, 'S3OutputPath']], 'OutputDataConfig');
    const algorithm = asObject(definition.AlgorithmSpecification);
    const sageMakerExecutionRole: Permission[] = [
      ...inputs.map((input) => readPrefix(pipeline.partition, input)),
      ...inputs.map((input) => listPrefix(pipeline.partition, input)),
      ...outputs.map((output) => writePrefix(pipeline.partition, output)),
      ...pullImage(imageRepositoryArnOf(algorithm, 'TrainingImage', pipeline, where)),
      writeLogs('WriteTuningTrainingJobLogs', pipeline, TRAINING_LOG_GROUP, job.trialName),
      publishMetrics('PublishTuningTrainingJobMetrics', TRAINING_LOG_GROUP),
    ];
    return { stateMachineRole, sageMakerExecutionRole, executionRoleSourceArns: [sageMakerAccountArnPattern(pipeline)] };
  },
};

/** Reads the best training job's description: its name comes from the tuning job's result, so it is scoped to that tuning job's trials. */
const describeTrainingJob: TaskIntegration = {
  description: 'SageMaker DescribeTrainingJob (AWS SDK) on a tuning job\'s best training job',
  permissions(task) {
    const path = task.parameters['TrainingJobName.$'];
    const stage = task.pipeline.stages.find((s) => s.kind === 'tuning' && path === `${stageResultPath(s.name)}.bestTrainingJobName`);
    if (!stage) throw new Error(`Task '${task.state}': TrainingJobName.$ reads ${JSON.stringify(path)}, which is no tuning stage's best training job`);
    const pattern = sageMakerArn(task.pipeline, 'training-job', `${jobNamePattern(stageJobName(stage))}${TRIAL_SUFFIX_PATTERN}`);
    const sample = sageMakerArn(task.pipeline, 'training-job', `${sampleJobName(stageJobName(stage), task.samples.jobId)}${SAMPLE_TRIAL_SUFFIX}`);
    return {
      stateMachineRole: [{ sid: 'DescribeBestTrainingJob', actions: ['sagemaker:DescribeTrainingJob'], resources: [pattern], calls: [{ action: 'sagemaker:DescribeTrainingJob', resource: sample }] }],
      sageMakerExecutionRole: [],
      executionRoleSourceArns: [],
    };
  },
};

export const TUNING_INTEGRATIONS = {
  [TUNING_JOB_RESOURCE]: tuningJob,
  [DESCRIBE_TRAINING_JOB_RESOURCE]: describeTrainingJob,
} as const;
