/**
 * Plain IAM JSON documents as this package emits them, and the building block they are made of.
 * Hand-written because the packages that type IAM policies are AGPL (fine in tests, not in what we ship).
 */
import type { ResolvedPipeline } from '../model/types.js';

/** `{ <operator>: { <condition key>: value(s) } }` */
export type ConditionBlock = Record<string, Record<string, string | string[]>>;

export interface PolicyStatement {
  readonly Sid: string;
  readonly Effect: 'Allow';
  readonly Action: string[];
  readonly Resource: string[];
  readonly Condition?: ConditionBlock;
}

export interface TrustStatement {
  readonly Sid: string;
  readonly Effect: 'Allow';
  readonly Principal: { readonly Service: string };
  readonly Action: 'sts:AssumeRole';
  readonly Condition: ConditionBlock;
}

export interface PolicyDocument<S = PolicyStatement> {
  readonly Version: '2012-10-17';
  readonly Statement: S[];
}

export interface IamDocuments {
  readonly stateMachineRolePolicy: PolicyDocument;
  readonly stateMachineRoleTrust: PolicyDocument<TrustStatement>;
  readonly sageMakerExecutionRolePolicy: PolicyDocument;
  readonly sageMakerExecutionRoleTrust: PolicyDocument<TrustStatement>;
}

/** Which of the two roles makes a call. */
export type RoleName = 'stateMachine' | 'sageMakerExecution';

/** One concrete request a role makes: what the policy must allow. */
export interface ApiCall {
  readonly action: string;
  /** A concrete resource ARN, or `*` for actions without resource-level permissions. */
  readonly resource: string;
  /** Condition keys the request carries (e.g. `iam:PassedToService`, `s3:prefix`). */
  readonly context?: Readonly<Record<string, string>>;
}

/** A condition of one operator on one key, e.g. `StringLike` on `s3:prefix` with a list of prefix patterns. */
export interface PermissionCondition {
  readonly operator: 'StringEquals' | 'StringLike' | 'ArnLike';
  readonly key: string;
  readonly values: readonly string[];
}

/**
 * One grant plus the concrete calls it exists for. The policy is built from `actions`,
 * `resources` and `condition` (patterns); `requiredCalls` reports `calls`; the tests check that
 * the first allows the second, so the patterns cannot drift from the requests they serve.
 */
export interface Permission {
  /** Statement id; permissions sharing a Sid are merged into one statement. Letters and digits only. */
  readonly sid: string;
  readonly actions: readonly string[];
  readonly resources: readonly string[];
  readonly condition?: PermissionCondition;
  readonly calls: readonly ApiCall[];
}

/** Everything one Task state needs from the two roles. */
export interface TaskPermissions {
  readonly state: string;
  readonly resource: string;
  readonly stateMachineRole: readonly Permission[];
  readonly sageMakerExecutionRole: readonly Permission[];
  /** `aws:SourceArn` patterns SageMaker presents when it assumes the execution role for this task's job. */
  readonly executionRoleSourceArns: readonly string[];
}

/** A call of `requiredCalls`: which Task state makes it, as which role, and why (the statement id). */
export interface RequiredCall extends ApiCall {
  readonly state: string;
  readonly role: RoleName;
  readonly sid: string;
}

/** Sample values the concrete calls are built with. */
export interface SampleNames {
  /** The UUID part of a job name (`<prefix>-<uuid>`). */
  readonly jobId: string;
  /** The execution name runs are keyed by. */
  readonly executionName: string;
}

/** What a Task's permissions are derived from: its state, static parameters and the pipeline. */
export interface TaskContext {
  readonly state: string;
  readonly parameters: Readonly<Record<string, unknown>>;
  readonly pipeline: ResolvedPipeline;
  readonly samples: SampleNames;
}

/** One row of the Task-resource tables: what the Task does and what each role needs for it. */
export interface TaskIntegration {
  /** What a Task of this resource does (for messages and docs). */
  readonly description: string;
  permissions(task: TaskContext): Omit<TaskPermissions, 'state' | 'resource'>;
}
