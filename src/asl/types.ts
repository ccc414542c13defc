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

export type State = TaskState | FailState | SucceedState;

export interface StateMachineDefinition {
  readonly Comment: string;
  readonly QueryLanguage: 'JSONPath';
  readonly StartAt: string;
  readonly TimeoutSeconds: number;
  readonly States: Record<string, State>;
}
