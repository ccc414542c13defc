/**
 * The registry path of an approval: a person approves or rejects the model version in the SageMaker
 * Model Registry, EventBridge delivers the version's state change, and this finds the execution
 * waiting for that version and sends it the decision, as `legacy-mlops approve` would.
 *
 * How it finds the execution without a store of its own: the register stage wrote the execution's
 * ARN on the version (`CustomerMetadataProperties`, EXECUTION_METADATA_KEY), and the token is in that
 * execution's history, read with the same `waitingApproval` as the command. So a decision can only
 * reach an execution of this state machine that waits for exactly this version.
 *
 * Each event is handled at most once in effect: a version decided by the command (the state machine
 * then records the decision on the version, which fires another event) finds the approval already
 * decided and sends nothing; so do SageMaker's duplicate events and a token decided meanwhile. A
 * status set before the approval was asked (a version registered pre-approved) is not an answer to it.
 */
import { DescribeExecutionCommand, SendTaskFailureCommand, SendTaskSuccessCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { DescribeModelPackageCommand, type SageMakerClient } from '@aws-sdk/client-sagemaker';
import { APPROVAL_REJECTED_ERROR, EXECUTION_METADATA_KEY, REGISTRY_RESUME_ENV, type ApprovalDecision } from './approval-contract.js';
import { isStaleTokenError, waitingApproval } from './waiting-approval.js';

export const MODEL_PACKAGE_STATE_CHANGE = { source: 'aws.sagemaker', detailType: 'SageMaker Model Package State Change' } as const;
export type DecidingStatus = 'Approved' | 'Rejected';

/**
 * The approval stage's next step writes `Approved by <by> at <at>: <reason>` (or `Rejected: <cause>`)
 * into the version's ApprovalDescription, which holds at most 1024 characters: the person's own
 * description is cut to leave room for who and when.
 */
const MAX_REASON_CHARS = 600;

export interface RegistryEvent {
  readonly source?: string;
  readonly 'detail-type'?: string;
  readonly time?: string;
  readonly detail?: {
    readonly ModelPackageGroupName?: string;
    readonly ModelPackageArn?: string;
    readonly ModelApprovalStatus?: string;
  };
}

export interface RegistryResumeConfig {
  /** The state machine whose executions may be resumed. */
  readonly stateMachineArn: string;
  /** Model package groups whose versions an approval stage of that state machine decides. */
  readonly groups: readonly string[];
  /** Statuses that decide (`Rejected` only when every register stage of the groups approves on its own). */
  readonly statuses: readonly DecidingStatus[];
}

export interface RegistryResumeClients {
  readonly sfn: SFNClient;
  readonly sagemaker: SageMakerClient;
}

export type ResumeOutcome =
  | { readonly action: 'approved' | 'rejected'; readonly execution: string; readonly stage: string; readonly modelPackageArn: string; readonly by: string }
  | { readonly action: 'ignored'; readonly why: string };

/** The configuration from the function's environment; a missing value is a deployment error, thrown. */
export function configFromEnvironment(env: Readonly<Record<string, string | undefined>>): RegistryResumeConfig {
  const missing = Object.values(REGISTRY_RESUME_ENV).filter((name) => !env[name]?.trim());
  if (missing.length > 0) throw new Error(`environment variable${missing.length > 1 ? 's' : ''} ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} not set`);
  const read = (name: string) => env[name]!.trim();
  const list = (name: string) => read(name).split(',').map((v) => v.trim()).filter(Boolean);
  const statuses = list(REGISTRY_RESUME_ENV.statuses);
  const unknown = statuses.filter((s) => s !== 'Approved' && s !== 'Rejected');
  if (unknown.length > 0) throw new Error(`${REGISTRY_RESUME_ENV.statuses}: ${unknown.join(', ')} is not Approved or Rejected`);
  return { stateMachineArn: read(REGISTRY_RESUME_ENV.stateMachineArn), groups: list(REGISTRY_RESUME_ENV.groups), statuses: statuses as DecidingStatus[] };
}

export async function resumeFromRegistry(event: RegistryEvent, config: RegistryResumeConfig, clients: RegistryResumeClients): Promise<ResumeOutcome> {
  const ignored = (why: string): ResumeOutcome => ({ action: 'ignored', why });
  if (event.source !== MODEL_PACKAGE_STATE_CHANGE.source || event['detail-type'] !== MODEL_PACKAGE_STATE_CHANGE.detailType) {
    return ignored(`not a model package state change (${event.source ?? '?'} / ${event['detail-type'] ?? '?'})`);
  }
  const { ModelPackageGroupName: group, ModelPackageArn: modelPackageArn } = event.detail ?? {};
  // Checked before any call: this function may read nothing of another group anyway.
  if (!group || !config.groups.includes(group)) return ignored(`model package group ${group ?? '?'} is not decided by an approval stage of this pipeline`);
  if (!modelPackageArn) return ignored('the event names no model package');

  const version = await clients.sagemaker.send(new DescribeModelPackageCommand({ ModelPackageName: modelPackageArn }));
  // The current status, not the event's: events may arrive late, twice or out of order.
  const status = version.ModelApprovalStatus;
  if (version.ModelPackageGroupName !== group) return ignored(`${modelPackageArn} is in group ${version.ModelPackageGroupName ?? '?'}, not ${group}`);
  if (status !== 'Approved' && status !== 'Rejected') return ignored(`${modelPackageArn} is ${status ?? 'without a status'} now`);
  if (!config.statuses.includes(status)) return ignored(`${modelPackageArn} is ${status}, which the versions of ${group} start as: only ${config.statuses.join(' or ')} decides`);

  const execution = version.CustomerMetadataProperties?.[EXECUTION_METADATA_KEY];
  if (!execution) return ignored(`${modelPackageArn} was not registered by an execution (no ${EXECUTION_METADATA_KEY} metadata)`);
  const executionPrefix = `${config.stateMachineArn.replace(':stateMachine:', ':execution:')}:`;
  if (!execution.startsWith(executionPrefix)) return ignored(`${modelPackageArn} was registered by ${execution}, not by an execution of ${config.stateMachineArn}`);

  const described = await clients.sfn.send(new DescribeExecutionCommand({ executionArn: execution }));
  if (described.status !== 'RUNNING') return ignored(`execution ${execution} is ${described.status ?? '?'}: there is nothing left to decide`);
  const waiting = await waitingApproval(clients.sfn, execution);
  if (waiting.kind === 'decided') return ignored(`the approval of execution ${execution} was already decided (${waiting.how}); nothing sent`);
  if (waiting.kind === 'none') return ignored(`execution ${execution} is not waiting in an approval stage`);
  if (waiting.modelPackageArn !== modelPackageArn) return ignored(`execution ${execution} waits for a decision on ${waiting.modelPackageArn ?? 'no model version'}, not ${modelPackageArn}`);
  const changedAt = version.LastModifiedTime ?? version.CreationTime;
  if (changedAt && waiting.askedAt && changedAt.getTime() < waiting.askedAt.getTime()) {
    return ignored(`${modelPackageArn} became ${status} at ${changedAt.toISOString()}, before stage ${waiting.stage} asked at ${waiting.askedAt.toISOString()}: not a decision on that request`);
  }

  const by = deciderOf(version.LastModifiedBy);
  const description = version.ApprovalDescription?.trim();
  const decision: ApprovalDecision = {
    decision: status === 'Approved' ? 'approved' : 'rejected',
    by,
    at: (changedAt ?? new Date()).toISOString(),
    reason: description ? `${truncate(description, MAX_REASON_CHARS)} (in the model registry)` : `${status.toLowerCase()} in the model registry`,
  };
  try {
    if (decision.decision === 'approved') {
      await clients.sfn.send(new SendTaskSuccessCommand({ taskToken: waiting.token, output: JSON.stringify(decision) }));
    } else {
      await clients.sfn.send(new SendTaskFailureCommand({ taskToken: waiting.token, error: APPROVAL_REJECTED_ERROR, cause: JSON.stringify(decision) }));
    }
  } catch (error) {
    if (isStaleTokenError(error)) return ignored(`the approval of execution ${execution} was decided or timed out meanwhile (${(error as { name: string }).name}); nothing sent`);
    throw error;
  }
  return { action: decision.decision, execution, stage: waiting.stage, modelPackageArn, by };
}

/** Who changed the status, as SageMaker recorded it: the IAM identity, else the Studio user profile. */
function deciderOf(user: { IamIdentity?: { Arn?: string }; UserProfileName?: string } | undefined): string {
  return user?.IamIdentity?.Arn ?? (user?.UserProfileName ? `SageMaker Studio user ${user.UserProfileName}` : 'unknown (the model registry did not say)');
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
