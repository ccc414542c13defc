/**
 * What each Step Functions integration needs from the two roles, as a table keyed by the Task
 * `Resource` ARN. A `.sync` SageMaker job's grants derive from its job facts in
 * `TASK_INTEGRATION_FACTS` (src/asl/task-resources.ts), so a new job type needs no row here; the other
 * calls' grants are written by hand (request-integrations.ts, governance-integrations.ts,
 * promotion-integrations.ts, tuning-integrations.ts), in a table the compiler holds to exactly those
 * resources.
 *
 * Sources: the Step Functions guide "IAM policies for Amazon SageMaker AI" (job actions, ListTags,
 * the managed EventBridge rule, PassRole), SageMaker's "CreateProcessingJob API: Execution Role
 * Permissions", its CloudWatch guide (job metrics namespaces) and the Service Authorization
 * Reference (ListTags and AddTags accept a processing-job ARN, so they are scoped like the job).
 */
import { canonicalTaskResource } from '../asl/task-arns.js';
import { eventsRuleArn, sageMakerAccountArnPattern, sageMakerArn } from './arns.js';
import { listPrefix, passRole, passedRoleArn, publishMetrics, pullImage, readPrefix, writeLogs, writePrefix } from './grants.js';
import { imageRepositoryArnOf } from './image-repository.js';
import { jobNameOf, jobNamePattern, sampleJobName } from './job-name.js';
import { GOVERNANCE_INTEGRATIONS } from './governance-integrations.js';
import { PROMOTION_INTEGRATIONS } from './promotion-integrations.js';
import { REQUEST_INTEGRATIONS } from './request-integrations.js';
import { TUNING_INTEGRATIONS } from './tuning-integrations.js';
import { s3PrefixOf } from './s3-locations.js';
import type { Permission, TaskContext, TaskIntegration } from './types.js';
import { TASK_RESOURCES, integrationFacts, isTaskResource, type HandGrantedResource, type SyncJobFacts, type TaskResource } from '../asl/task-resources.js';

export type { TaskContext, TaskIntegration } from './types.js';

/** The calls whose grants no job facts give: exactly the resources without `job` facts (the compiler checks both ways). */
export const HAND_GRANTED: Readonly<Record<HandGrantedResource, TaskIntegration>> = {
  ...REQUEST_INTEGRATIONS,
  ...GOVERNANCE_INTEGRATIONS,
  ...PROMOTION_INTEGRATIONS,
  ...TUNING_INTEGRATIONS,
};

/** The table: Task `Resource` (in the `aws` partition) → what it needs. */
export const TASK_INTEGRATIONS: Readonly<Record<TaskResource, TaskIntegration>> = Object.fromEntries(
  TASK_RESOURCES.map((resource) => {
    const { job, nameMember } = integrationFacts(resource);
    return [resource, job && nameMember ? sageMakerSyncJob(job, nameMember) : HAND_GRANTED[resource as HandGrantedResource]];
  }),
) as Record<TaskResource, TaskIntegration>;

/** Looks a Task resource up in any partition (`arn:aws-cn:states:::…` uses the same row). */
export function integrationFor(resource: string): TaskIntegration | undefined {
  const key = canonicalTaskResource(resource);
  return isTaskResource(key) ? TASK_INTEGRATIONS[key] : undefined;
}

/** A SageMaker job run to completion (`.sync`): the state machine manages it, the job runs as the execution role. */
function sageMakerSyncJob(kind: SyncJobFacts, nameParameter: string): TaskIntegration {
  return {
    description: `SageMaker ${kind.noun} run to completion (.sync)`,
    permissions(task) {
      const where = `Task '${task.state}'`;
      const { parameters } = task;
      const name = jobNameOf(parameters[`${nameParameter}.$`] ?? parameters[nameParameter], `${where}: ${nameParameter}`);
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
function stateMachineRolePermissions(kind: SyncJobFacts, task: TaskContext, job: { pattern: string; name: string }, where: string): Permission[] {
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
function executionRolePermissions(kind: SyncJobFacts, task: TaskContext, jobName: string, where: string): Permission[] {
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
