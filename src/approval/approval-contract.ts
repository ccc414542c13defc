/**
 * What an approval stage and everything that decides it agree on: the task it waits in, the message
 * attributes carrying the token, and the error a rejection sends. A leaf module (no imports), so the
 * registry-resume function bundles it without the rest of the generator.
 */

export const SNS_PUBLISH_WAIT_RESOURCE = 'arn:aws:states:::sns:publish.waitForTaskToken';
/** The error SendTaskFailure sends when a person rejects. */
export const APPROVAL_REJECTED_ERROR = 'ApprovalRejected';
/** Message attributes of the approval request: what `legacy-mlops approve`, the registry-resume function and the local runner read. */
export const APPROVAL_ATTRIBUTES = { token: 'taskToken', stage: 'stage', execution: 'execution', modelPackage: 'modelPackageArn' } as const;
/** The version's metadata key naming the execution that registered it (`$$.Execution.Id`). */
export const EXECUTION_METADATA_KEY = 'legacy-mlops:execution';

/** What SendTaskSuccess carries (and SendTaskFailure's cause, as JSON): the approval stage's ResultSelector reads these four fields. */
export interface ApprovalDecision {
  readonly decision: 'approved' | 'rejected';
  readonly by: string;
  readonly at: string;
  readonly reason: string;
}

/** The environment of the function that resumes an execution when its version is decided in the registry. */
export const REGISTRY_RESUME_ENV = {
  /** The state machine whose executions it may resume. */
  stateMachineArn: 'STATE_MACHINE_ARN',
  /** Comma-separated model package groups whose versions an approval stage decides. */
  groups: 'MODEL_PACKAGE_GROUPS',
  /** Comma-separated statuses that count as a decision (`Approved`, `Rejected`). */
  statuses: 'DECIDING_STATUSES',
} as const;
