/**
 * What a person who decides approvals needs (`legacy-mlops approve`): read the history of this
 * pipeline's executions (where the approval's task token is), and send the decision. SendTaskSuccess
 * and SendTaskFailure have no resource type in the Service Authorization Reference: the token is the
 * capability, and it is only readable from this state machine's history (or the e-mail). Pure.
 */
import { stateMachineName } from '../construct/deployed-input.js';
import type { ResolvedPipeline } from '../model/types.js';
import { policyDocument } from './policy-document.js';
import type { Permission, PolicyDocument } from './types.js';

export function approverPermissions(pipeline: ResolvedPipeline): Permission[] {
  const name = stateMachineName(pipeline);
  const executions = `arn:${pipeline.partition}:states:${pipeline.region}:${pipeline.account}:execution:${name}:*`;
  const sample = executions.replace(/\*$/, 'nightly-2026-05-01');
  const read = ['states:DescribeExecution', 'states:GetExecutionHistory'];
  const decide = ['states:SendTaskSuccess', 'states:SendTaskFailure'];
  return [
    { sid: 'ReadPipelineExecutions', actions: read, resources: [executions], calls: read.map((action) => ({ action, resource: sample })) },
    { sid: 'SendApprovalDecisions', actions: decide, resources: ['*'], calls: decide.map((action) => ({ action, resource: '*' })) },
  ];
}

/** The approvers' policy (`pipeline/iam/approver-policy.json`), or undefined when no stage asks for approval. */
export function buildApproverPolicy(pipeline: ResolvedPipeline): PolicyDocument | undefined {
  if (!pipeline.stages.some((s) => s.kind === 'approval')) return undefined;
  return policyDocument(approverPermissions(pipeline), 'The approvers policy');
}

/**
 * The statement the notifications topic's key policy needs so the state machine role may publish an
 * approval request to the encrypted topic (KMS asks the key policy as well as the role's policy).
 */
export function approvalKeyPolicyStatement(pipeline: ResolvedPipeline): Record<string, unknown> {
  return {
    Sid: 'StateMachinePublishesApprovalRequests',
    Effect: 'Allow',
    Principal: { AWS: pipeline.roles.stateMachineRoleArn },
    Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
    Resource: '*',
    Condition: { StringEquals: { 'kms:ViaService': `sns.${pipeline.region}.amazonaws.com` } },
  };
}
