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
import { INPUT } from '../asl/input-paths.js';
import { PROCESSING_JOB_RESOURCE, canonicalTaskResource } from '../asl/processing-task.js';
import type { ResolvedPipeline } from '../model/types.js';
import { eventsRuleArn, literal, logGroupArn, logStreamArn, s3BucketArn, s3ObjectArn, sageMakerArn } from './arns.js';
import { imageRepositoryArnOf } from './image-repository.js';
import { jobNamePattern, jobNamePrefixOf, sampleJobName } from './job-name.js';
import { s3PrefixOf, type S3Prefix } from './s3-locations.js';
import type { Permission, SampleNames, TaskPermissions } from './types.js';

export interface TaskContext {
  readonly state: string;
  readonly parameters: Readonly<Record<string, unknown>>;
  readonly pipeline: ResolvedPipeline;
  readonly samples: SampleNames;
}

export interface TaskIntegration {
  /** What a Task of this resource does (for messages and docs). */
  readonly description: string;
  permissions(task: TaskContext): Omit<TaskPermissions, 'state' | 'resource'>;
}

/** Where a SageMaker job request names its data and image. */
interface JobRequestShape {
  /** `[parameter object, field]` of every S3 location the job downloads. */
  inputs(parameters: Readonly<Record<string, unknown>>, where: string): [unknown, string][];
  /** `[parameter object, field]` of every S3 location the job uploads to. */
  outputs(parameters: Readonly<Record<string, unknown>>, where: string): [unknown, string][];
  /** `[parameter object, field]` of the image URI. */
  image(parameters: Readonly<Record<string, unknown>>): [unknown, string];
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
}

const SAGEMAKER_SERVICE = 'sagemaker.amazonaws.com';
/** Sample object names for concrete calls. */
const SAMPLE_INPUT_OBJECT = 'part-00000.csv';
const SAMPLE_OUTPUT_OBJECT = 'result.csv';
/** SageMaker names log streams `<job name>/algo-<n>-<epoch seconds>`. */
const SAMPLE_LOG_STREAM_SUFFIX = '/algo-1-1700000000';

const asArray = (value: unknown): Record<string, unknown>[] => (Array.isArray(value) ? (value as Record<string, unknown>[]) : []);
const asObject = (value: unknown): Record<string, unknown> => (value && typeof value === 'object' ? (value as Record<string, unknown>) : {});

export const PROCESSING_JOB: SageMakerJobKind = {
  noun: 'ProcessingJob',
  arnType: 'processing-job',
  nameParameter: 'ProcessingJobName',
  managedRule: 'StepFunctionsGetEventsForSageMakerProcessingJobsRule',
  logGroup: '/aws/sagemaker/ProcessingJobs',
  metricNamespace: '/aws/sagemaker/ProcessingJobs',
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
  },
};

/** The table: Task `Resource` (in the `aws` partition) → what it needs. */
export const TASK_INTEGRATIONS: Readonly<Record<string, TaskIntegration>> = {
  [PROCESSING_JOB_RESOURCE]: sageMakerSyncJob(PROCESSING_JOB),
};

/** Looks a Task resource up in any partition (`arn:aws-cn:states:::…` uses the same row). */
export function integrationFor(resource: string): TaskIntegration | undefined {
  const key = canonicalTaskResource(resource);
  return Object.hasOwn(TASK_INTEGRATIONS, key) ? TASK_INTEGRATIONS[key] : undefined;
}

/** A SageMaker job run to completion (`.sync`): the state machine manages it, the job runs as the execution role. */
function sageMakerSyncJob(kind: SageMakerJobKind): TaskIntegration {
  return {
    description: `SageMaker ${kind.noun} run to completion (.sync)`,
    permissions(task) {
      const where = `Task '${task.state}'`;
      const { parameters } = task;
      const prefix = jobNamePrefixOf(parameters[`${kind.nameParameter}.$`] ?? parameters[kind.nameParameter], `${where}: ${kind.nameParameter}`);
      const job = {
        pattern: sageMakerArn(task.pipeline, kind.arnType, jobNamePattern(prefix)),
        name: sampleJobName(prefix, task.samples.jobId),
      };
      return {
        stateMachineRole: stateMachineRolePermissions(kind, task, job, where),
        sageMakerExecutionRole: executionRolePermissions(kind, task, job.name, where),
        executionRoleSourceArns: [job.pattern],
      };
    },
  };
}

/** Manage the job, pass it the execution role, and let Step Functions set up the rule that reports the job's end. */
function stateMachineRolePermissions(kind: SageMakerJobKind, task: TaskContext, job: { pattern: string; name: string }, where: string): Permission[] {
  const { pipeline, parameters } = task;
  const jobArn = sageMakerArn(pipeline, kind.arnType, job.name);
  const executionRole = passedRoleArn(parameters, pipeline, where);
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
    {
      sid: 'PassExecutionRoleToSageMaker',
      actions: ['iam:PassRole'],
      resources: [executionRole],
      condition: { operator: 'StringEquals', key: 'iam:PassedToService', values: [SAGEMAKER_SERVICE] },
      calls: [{ action: 'iam:PassRole', resource: executionRole, context: { 'iam:PassedToService': SAGEMAKER_SERVICE } }],
    },
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
  const [imageObject, imageField] = kind.request.image(parameters);
  const repository = imageRepositoryArnOf(imageObject, imageField, pipeline, where);
  return [
    ...inputs.map((input) => readPrefix(pipeline.partition, input)),
    ...inputs.map((input) => listPrefix(pipeline.partition, input)),
    ...outputs.map((output) => writePrefix(pipeline.partition, output)),
    pullImage(repository),
    {
      sid: 'EcrAuthorizationToken',
      actions: ['ecr:GetAuthorizationToken'],
      resources: ['*'],
      calls: [{ action: 'ecr:GetAuthorizationToken', resource: '*' }],
    },
    jobLogs(kind, pipeline, jobName),
    {
      sid: `Publish${kind.noun}Metrics`,
      actions: ['cloudwatch:PutMetricData'],
      resources: ['*'],
      condition: { operator: 'StringEquals', key: 'cloudwatch:namespace', values: [kind.metricNamespace] },
      calls: [{ action: 'cloudwatch:PutMetricData', resource: '*', context: { 'cloudwatch:namespace': kind.metricNamespace } }],
    },
  ];
}

/** The role the request passes: `RoleArn.$` must read the execution input's role, which is the pipeline's execution role. */
function passedRoleArn(parameters: Readonly<Record<string, unknown>>, pipeline: ResolvedPipeline, where: string): string {
  const path = parameters['RoleArn.$'];
  if (path === INPUT.roleArn) return literal(pipeline.roles.sageMakerExecutionRoleArn, 'execution role ARN');
  if (path === undefined && typeof parameters.RoleArn === 'string') return literal(parameters.RoleArn, `${where}: RoleArn`);
  throw new Error(`${where}: the job's role comes from ${JSON.stringify(path ?? parameters.RoleArn)}, not '${INPUT.roleArn}'; cannot scope iam:PassRole`);
}

function readPrefix(partition: string, prefix: S3Prefix): Permission {
  return {
    sid: 'ReadStageInputs',
    actions: ['s3:GetObject'],
    resources: [s3ObjectArn(partition, prefix.bucket, `${prefix.keyPattern}*`)],
    calls: [{ action: 's3:GetObject', resource: s3ObjectArn(partition, prefix.bucket, `${prefix.sampleKey}${SAMPLE_INPUT_OBJECT}`) }],
  };
}

/** SageMaker lists an S3Prefix input before downloading it; the listing is limited to the input prefixes. */
function listPrefix(partition: string, prefix: S3Prefix): Permission {
  const bucket = s3BucketArn(partition, prefix.bucket);
  return {
    sid: 'ListStageInputs',
    actions: ['s3:ListBucket'],
    resources: [bucket],
    condition: { operator: 'StringLike', key: 's3:prefix', values: [`${prefix.keyPattern}*`] },
    calls: [{ action: 's3:ListBucket', resource: bucket, context: { 's3:prefix': prefix.sampleKey } }],
  };
}

function writePrefix(partition: string, prefix: S3Prefix): Permission {
  return {
    sid: 'WriteStageOutputs',
    actions: ['s3:PutObject'],
    resources: [s3ObjectArn(partition, prefix.bucket, `${prefix.keyPattern}*`)],
    calls: [{ action: 's3:PutObject', resource: s3ObjectArn(partition, prefix.bucket, `${prefix.sampleKey}${SAMPLE_OUTPUT_OBJECT}`) }],
  };
}

function pullImage(repositoryArn: string): Permission {
  const actions = ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'];
  return { sid: 'PullStageImages', actions, resources: [repositoryArn], calls: actions.map((action) => ({ action, resource: repositoryArn })) };
}

/** The job's log group, and its streams through the `:*` form (which also covers the group ARN CloudWatch Logs checks with a `:*` suffix). */
function jobLogs(kind: SageMakerJobKind, pipeline: ResolvedPipeline, jobName: string): Permission {
  const group = logGroupArn(pipeline, kind.logGroup);
  const stream = logStreamArn(pipeline, kind.logGroup, `${jobName}${SAMPLE_LOG_STREAM_SUFFIX}`);
  return {
    sid: `Write${kind.noun}Logs`,
    actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
    resources: [group, `${group}:*`],
    calls: [
      { action: 'logs:CreateLogGroup', resource: group },
      { action: 'logs:DescribeLogStreams', resource: group },
      { action: 'logs:CreateLogStream', resource: stream },
      { action: 'logs:PutLogEvents', resource: stream },
    ],
  };
}
