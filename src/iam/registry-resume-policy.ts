/**
 * What the registry-resume function may do (see src/approval/registry-resume.ts), derived from the
 * model like the pipeline roles: read the versions of the groups its approval stages decide, read
 * this state machine's executions (where the token is), send the decision, and write its own log.
 *
 * SendTaskSuccess and SendTaskFailure have no resource type in the Service Authorization Reference,
 * so they cannot be scoped to this state machine by ARN: the task token is the capability, and the
 * only tokens this function can read are in this state machine's histories. An event it could not
 * handle (after Lambda's retries) is published to the notifications topic, so a decision made in the
 * registry is never lost silently. Pure.
 */
import { notificationTopicArn } from '../asl/approval-states.js';
import { stateMachineName } from '../construct/deployed-input.js';
import type { ResolvedPipeline } from '../model/types.js';
import { literal, logGroupArn } from './arns.js';
import { modelPackageVersions } from './governance-integrations.js';
import { policyDocument } from './policy-document.js';
import type { Permission, PolicyDocument } from './types.js';

/** The topic's key is created by the CDK app, its id unknown here: calls are simulated with this one. */
const SAMPLE_KEY_ID = '1234abcd-12ab-34cd-56ef-1234567890ab';

export interface RegistryDecisions {
  /** Groups whose versions an approval stage decides. */
  readonly groups: string[];
  /** `Approved` decides unless every such group's register stages approve on their own; `Rejected` always does. */
  readonly statuses: ('Approved' | 'Rejected')[];
}

/** The groups and statuses the registry path listens to, or undefined when no approval stage decides a registered version. */
export function registryApprovals(pipeline: ResolvedPipeline): RegistryDecisions | undefined {
  const registers = pipeline.stages
    .filter((s) => s.approval?.registerStage)
    .map((s) => pipeline.stages.find((r) => r.name === s.approval!.registerStage))
    .filter((r): r is NonNullable<typeof r> => !!r?.registry);
  if (registers.length === 0) return undefined;
  const groups = [...new Set(registers.map((r) => r.registry!.group))];
  // A version registered pre-approved is Approved before anyone is asked: only a rejection decides it.
  const approvedDecides = registers.some((r) => !r.registry!.autoApprove);
  return { groups, statuses: approvedDecides ? ['Approved', 'Rejected'] : ['Rejected'] };
}

/** The function's log group (named, so the policy can name it before it exists). */
export function registryResumeLogGroupName(pipeline: ResolvedPipeline): string {
  return `/legacy-mlops/${stateMachineName(pipeline)}/registry-approvals`;
}

export function registryResumePermissions(pipeline: ResolvedPipeline): Permission[] {
  const approvals = registryApprovals(pipeline);
  if (!approvals) return [];
  const name = literal(stateMachineName(pipeline), 'state machine name');
  const executions = `arn:${pipeline.partition}:states:${pipeline.region}:${pipeline.account}:execution:${name}:*`;
  const sampleExecution = executions.replace(/\*$/, 'nightly-2026-05-01');
  const versions = approvals.groups.map((group) => modelPackageVersions(pipeline, group));
  const logStreams = `${logGroupArn(pipeline, literal(registryResumeLogGroupName(pipeline), 'log group'))}:*`;
  const sampleStream = logStreams.replace(/\*$/, 'log-stream:2026/05/01/[$LATEST]0123456789abcdef');
  const read = ['states:DescribeExecution', 'states:GetExecutionHistory'];
  const decide = ['states:SendTaskSuccess', 'states:SendTaskFailure'];
  const log = ['logs:CreateLogStream', 'logs:PutLogEvents'];
  const topic = literal(notificationTopicArn(pipeline), 'notifications topic');
  const encrypt = ['kms:GenerateDataKey', 'kms:Decrypt'];
  const viaSns = `sns.${pipeline.region}.amazonaws.com`;
  return [
    {
      sid: 'ReadDecidedVersions',
      actions: ['sagemaker:DescribeModelPackage'],
      resources: versions.map((v) => v.pattern),
      calls: versions.map((v) => ({ action: 'sagemaker:DescribeModelPackage', resource: v.sample })),
    },
    { sid: 'ReadPipelineExecutions', actions: read, resources: [executions], calls: read.map((action) => ({ action, resource: sampleExecution })) },
    { sid: 'SendApprovalDecisions', actions: decide, resources: ['*'], calls: decide.map((action) => ({ action, resource: '*' })) },
    { sid: 'WriteOwnLog', actions: log, resources: [logStreams], calls: log.map((action) => ({ action, resource: sampleStream })) },
    // Lambda's on-failure destination publishes as the function's role, to the encrypted topic.
    { sid: 'ReportUnhandledDecisions', actions: ['sns:Publish'], resources: [topic], calls: [{ action: 'sns:Publish', resource: topic }] },
    {
      sid: 'EncryptUnhandledDecisions',
      actions: encrypt,
      resources: [`arn:${pipeline.partition}:kms:${pipeline.region}:${pipeline.account}:key/*`],
      condition: { operator: 'StringEquals', key: 'kms:ViaService', values: [viaSns] },
      calls: encrypt.map((action) => ({ action, resource: `arn:${pipeline.partition}:kms:${pipeline.region}:${pipeline.account}:key/${SAMPLE_KEY_ID}`, context: { 'kms:ViaService': viaSns } })),
    },
  ];
}

/** The function's policy, or undefined when there is no registry path. */
export function buildRegistryResumePolicy(pipeline: ResolvedPipeline): PolicyDocument | undefined {
  const permissions = registryResumePermissions(pipeline);
  return permissions.length > 0 ? policyDocument(permissions, 'The registry-resume function policy') : undefined;
}
