/**
 * The subset of Amazon States Language (JSONPath flavour) that legacy-mlops emits.
 * Hand-written because no maintained package ships ASL types.
 */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export interface RetryRule {
  readonly ErrorEquals: string[];
  readonly IntervalSeconds: number;
  readonly MaxAttempts: number;
  readonly BackoffRate: number;
  readonly MaxDelaySeconds?: number;
  readonly JitterStrategy?: 'FULL' | 'NONE';
}

export interface CatchRule {
  readonly ErrorEquals: string[];
  readonly ResultPath: string;
  readonly Next: string;
}

export interface TaskState {
  readonly Type: 'Task';
  readonly Comment?: string;
  readonly Resource: string;
  readonly Parameters: JsonObject;
  readonly ResultSelector?: JsonObject;
  readonly ResultPath: string | null;
  readonly TimeoutSeconds: number;
  /** Transient-only retries; absent for calls whose failures are not worth a retry (a missing report). */
  readonly Retry?: RetryRule[];
  readonly Catch?: CatchRule[];
  readonly Next?: string;
  readonly End?: true;
}

export interface FailState {
  readonly Type: 'Fail';
  readonly Comment?: string;
  readonly ErrorPath?: string;
  readonly CausePath?: string;
  readonly Error?: string;
  readonly Cause?: string;
}

export interface SucceedState {
  readonly Type: 'Succeed';
  readonly Comment?: string;
}

/** A Choice rule: one comparison, or And/Or/Not over rules. Only the operators legacy-mlops emits. */
export type ChoiceRule = {
  readonly Variable?: string;
  readonly IsPresent?: boolean;
  readonly IsNumeric?: boolean;
  readonly BooleanEquals?: boolean;
  readonly StringEquals?: string;
  readonly StringMatches?: string;
  readonly NumericLessThan?: number;
  readonly NumericGreaterThanEqualsPath?: string;
  readonly NumericLessThanEqualsPath?: string;
  readonly And?: ChoiceRule[];
  readonly Or?: ChoiceRule[];
  readonly Not?: ChoiceRule;
};

export type TopChoiceRule = ChoiceRule & { readonly Next: string; readonly Comment?: string };

export interface ChoiceState {
  readonly Type: 'Choice';
  readonly Comment?: string;
  readonly Choices: TopChoiceRule[];
  readonly Default: string;
}

export interface PassState {
  readonly Type: 'Pass';
  readonly Comment?: string;
  readonly Parameters?: JsonObject;
  readonly Result?: JsonValue;
  readonly ResultPath: string | null;
  readonly Next: string;
}

export interface WaitState {
  readonly Type: 'Wait';
  readonly Comment?: string;
  readonly Seconds: number;
  readonly Next: string;
}

export type State = TaskState | FailState | SucceedState | ChoiceState | PassState | WaitState;

export interface StateMachineDefinition {
  readonly Comment: string;
  readonly QueryLanguage: 'JSONPath';
  readonly StartAt: string;
  readonly TimeoutSeconds: number;
  readonly States: Record<string, State>;
}
