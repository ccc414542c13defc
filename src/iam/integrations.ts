/**
 * What each Step Functions integration needs from the two roles, as a table keyed by the Task
 * `Resource` ARN. Adding a lifecycle kind (training, transform, createModel, endpoint,
 * `aws-sdk:s3:getObject`) means adding a row here; a resource without a row is an error.
 *
 * Sources: the Step Functions guide "IAM policies for Amazon SageMaker AI" (job actions, ListTags,
 * the managed EventBridge rule, PassRole), SageMaker's "CreateProcessingJob API: Execution Role
 * Permissions", its CloudWatch guide (job metrics namespaces) and the Service Authorization
 * Reference (ListTags and AddTags accept a processing-job ARN, so they are scoped like the job).
 */
import { canonicalTaskResource } from '../asl/task-arns.js';
import { PROCESSING_JOB_RESOURCE } from '../asl/processing-task.js';
import { TRAINING_JOB_RESOURCE } from '../asl/training-task.js';
import { TRANSFORM_JOB_RESOURCE } from '../asl/transform-task.js';
import { eventsRuleArn, sageMakerAccountArnPattern, sageMakerArn } from './arns.js';
import { asArray, asObject, listPrefix, passRole, passedRoleArn, publishMetrics, pullImage, readPrefix, writeLogs, writePrefix } from './grants.js';
import { imageRepositoryArnOf } from './image-repository.js';
import { jobNameOf, jobNamePattern, sampleJobName } from './job-name.js';
import { GOVERNANCE_INTEGRATIONS } from './governance-integrations.js';
import { PROMOTION_INTEGRATIONS } from './promotion-integrations.js';
import { REQUEST_INTEGRATIONS } from './request-integrations.js';
import { TUNING_INTEGRATIONS } from './tuning-integrations.js';
import { s3PrefixOf } from './s3-locations.js';
import type { Permission, TaskContext, TaskIntegration } from './types.js';
import { isTaskResource, type TaskResource } from '../asl/task-resources.js';

export type { TaskContext, TaskIntegration } from './types.js';

/** Where a SageMaker job request names its data and image. */
interface JobRequestShape {
  /** `[parameter object, field]` of every S3 location the job downloads. */
  inputs(parameters: Readonly<Record<string, unknown>>, where: string): [unknown, string][];
  /** `[parameter object, field]` of every S3 location the job uploads to. */
  outputs(parameters: Readonly<Record<string, unknown>>, where: string): [unknown, string][];
  /** `[parameter object, field]` of the image URI; absent when the job runs a model (its image was granted with the model). */
  image?(parameters: Readonly<Record<string, unknown>>): [unknown, string];
  /** The request member passing the execution role; absent when the job runs as its model's role (transform). */
  readonly roleParameter?: string;
}

/** The facts of one `.sync` SageMaker job kind. */
interface SageMakerJobKind {
  /** API noun: `Create<noun>`, `Describe<noun>`, `Stop<noun>`. */
  readonly noun: string;
  /** Resource type in the job's ARN. */
  readonly arnType: string;
  /** Request parameter carrying the job name. */
  readonly nameParameter: string;
  /** EventBridge rule Step Functions manages to learn that a job of this kind ended. */
  readonly managedRule: string;
  /** CloudWatch Logs group the job's containers log to. */
  readonly logGroup: string;
  /** CloudWatch namespace of the job's instance metrics. */
  readonly metricNamespace: string;
  readonly request: JobRequestShape;
  /** SageMaker documents that it presents the job's ARN as `aws:SourceArn` when it assumes the role for this kind. */
  readonly sourceArnDocumented: boolean;
}

export const PROCESSING_JOB: SageMakerJobKind = {
  noun: 'ProcessingJob',
  arnType: 'processing-job',
  nameParameter: 'ProcessingJobName',
  managedRule: 'StepFunctionsGetEventsForSageMakerProcessingJobsRule',
  logGroup: '/aws/sagemaker/ProcessingJobs',
  metricNamespace: '/aws/sagemaker/ProcessingJobs',
  sourceArnDocumented: true,
  request: {
    inputs: (p, where) =>
      asArray(p.ProcessingInputs).map((input, i) => {
        if (!input.S3Input) throw new Error(`${where}: ProcessingInputs[${i}] has no S3Input; only S3 inputs are supported by the IAM builder`);
        return [input.S3Input, 'S3Uri'];
      }),
    outputs: (p, where) =>
      asArray(asObject(p.ProcessingOutputConfig).Outputs).map((output, i) => {
        if (!output.S3Output) throw new Error(`${where}: ProcessingOutputConfig.Outputs[${i}] has no S3Output; only S3 outputs are supported by the IAM builder`);
        return [output.S3Output, 'S3Uri'];
      }),
    image: (p) => [p.AppSpecification, 'ImageUri'],
    roleParameter: 'RoleArn',
  },
};

export const TRAINING_JOB: SageMakerJobKind = {
  noun: 'TrainingJob',
  arnType: 'training-job',
  nameParameter: 'TrainingJobName',
  managedRule: 'StepFunctionsGetEventsForSageMakerTrainingJobsRule',
  logGroup: '/aws/sagemaker/TrainingJobs',
  metricNamespace: '/aws/sagemaker/TrainingJobs',
  sourceArnDocumented: true,
  request: {
    inputs: (p, where) =>
      asArray(p.InputDataConfig).map((channel, i) => {
        const source = asObject(asObject(channel.DataSource).S3DataSource);
        if (Object.keys(source).length === 0) throw new Error(`${where}: InputDataConfig[${i}] has no S3DataSource; only S3 channels are supported by the IAM builder`);
        return [source, 'S3Uri'];
      }),
    // The model artifact (and output.tar.gz) land under S3OutputPath.
    outputs: (p) => [[p.OutputDataConfig, 'S3OutputPath']],
    image: (p) => [p.AlgorithmSpecification, 'TrainingImage'],
    roleParameter: 'RoleArn',
  },
};

/** A transform job runs as its model's execution role, with the model's image: the request names neither. */
export const TRANSFORM_JOB: SageMakerJobKind = {
  noun: 'TransformJob',
  arnType: 'transform-job',
  nameParameter: 'TransformJobName',
  managedRule: 'StepFunctionsGetEventsForSageMakerTransformJobsRule',
  logGroup: '/aws/sagemaker/TransformJobs',
  metricNamespace: '/aws/sagemaker/TransformJobs',
  sourceArnDocumented: false,
  request: {
    inputs: (p) => [[asObject(asObject(asObject(p.TransformInput).DataSource).S3DataSource), 'S3Uri']],
    outputs: (p) => [[p.TransformOutput, 'S3OutputPath']],
  },
};

/** The table: Task `Resource` (in the `aws` partition) → what it needs. */
export const TASK_INTEGRATIONS: Readonly<Record<TaskResource, TaskIntegration>> = {
  [PROCESSING_JOB_RESOURCE]: sageMakerSyncJob(PROCESSING_JOB),
  [TRAINING_JOB_RESOURCE]: sageMakerSyncJob(TRAINING_JOB),
  [TRANSFORM_JOB_RESOURCE]: sageMakerSyncJob(TRANSFORM_JOB),
  ...REQUEST_INTEGRATIONS,
  ...GOVERNANCE_INTEGRATIONS,
  ...PROMOTION_INTEGRATIONS,
  ...TUNING_INTEGRATIONS,
};

/** Looks a Task resource up in any partition (`arn:aws-cn:states:::…` uses the same row). */
export function integrationFor(resource: string): TaskIntegration | undefined {
  const key = canonicalTaskResource(resource);
  return isTaskResource(key) ? TASK_INTEGRATIONS[key] : undefined;
}

/** A SageMaker job run to completion (`.sync`): the state machine manages it, the job runs as the execution role. */
function sageMakerSyncJob(kind: SageMakerJobKind): TaskIntegration {
  return {
    description: `SageMaker ${kind.noun} run to completion (.sync)`,
    permissions(task) {
      const where = `Task '${task.state}'`;
      const { parameters } = task;
      const name = jobNameOf(parameters[`${kind.nameParameter}.$`] ?? parameters[kind.nameParameter], `${where}: ${kind.nameParameter}`);
      const job = {
        pattern: sageMakerArn(task.pipeline, kind.arnType, jobNamePattern(name)),
        name: sampleJobName(name, task.samples.jobId),
      };
      return {
        stateMachineRole: stateMachineRolePermissions(kind, task, job, where),
        sageMakerExecutionRole: executionRolePermissions(kind, task, job.name, where),
        // SageMaker documents the job's ARN as aws:SourceArn for training (and processing) jobs; a transform
        // job runs as its model's role, where the presented ARN is not documented (see trust-policy.ts).
        executionRoleSourceArns: [kind.sourceArnDocumented ? job.pattern : sageMakerAccountArnPattern(task.pipeline)],
      };
    },
  };
}

/** Manage the job, pass it the execution role, and let Step Functions set up the rule that reports the job's end. */
function stateMachineRolePermissions(kind: SageMakerJobKind, task: TaskContext, job: { pattern: string; name: string }, where: string): Permission[] {
  const { pipeline, parameters } = task;
  const jobArn = sageMakerArn(pipeline, kind.arnType, job.name);
  const roleParameter = kind.request.roleParameter;
  const executionRole = roleParameter ? passedRoleArn(parameters, roleParameter, pipeline, where) : undefined;
  const ruleArn = eventsRuleArn(pipeline, kind.managedRule);
  const jobActions = [`Create${kind.noun}`, `Describe${kind.noun}`, `Stop${kind.noun}`, 'AddTags', 'ListTags'].map((a) => `sagemaker:${a}`);
  const ruleActions = ['events:PutTargets', 'events:PutRule', 'events:DescribeRule'];
  return [
    {
      // AddTags: Step Functions tags the jobs it starts with .sync, and the request carries Tags.
      sid: `SageMaker${kind.noun}s`,
      actions: jobActions,
      resources: [job.pattern],
      calls: jobActions.map((action) => ({ action, resource: jobArn })),
    },
    ...(executionRole ? [passRole(executionRole)] : []),
    {
      sid: `ManagedRuleFor${kind.noun}s`,
      actions: ruleActions,
      resources: [ruleArn],
      calls: ruleActions.map((action) => ({ action, resource: ruleArn })),
    },
  ];
}

/** What the running job does as the execution role: read its inputs, write its outputs, pull its image, log, publish metrics. */
function executionRolePermissions(kind: SageMakerJobKind, task: TaskContext, jobName: string, where: string): Permission[] {
  const { pipeline, parameters, samples } = task;
  const s3 = (entries: [unknown, string][], what: string) =>
    entries.map(([object, field], i) => s3PrefixOf(object, field, pipeline, samples.executionName, `${where}: ${what}[${i}]`));
  const inputs = s3(kind.request.inputs(parameters, where), 'input');
  const outputs = s3(kind.request.outputs(parameters, where), 'output');
  const image = kind.request.image?.(parameters);
  return [
    ...inputs.map((input) => readPrefix(pipeline.partition, input)),
    ...inputs.map((input) => listPrefix(pipeline.partition, input)),
    ...outputs.map((output) => writePrefix(pipeline.partition, output)),
    ...(image ? pullImage(imageRepositoryArnOf(image[0], image[1], pipeline, where)) : []),
    writeLogs(`Write${kind.noun}Logs`, pipeline, kind.logGroup, jobName),
    publishMetrics(`Publish${kind.noun}Metrics`, kind.metricNamespace),
  ];
}
