/**
 * What every stage's Task states share, whatever the kind: the retry on capacity errors, the Catch
 * into the stage's Fail state, job names unique per attempt, and the tags every started resource carries.
 */
import { STAGE_TAG_KEY } from '../model/rules.js';
import { KIND_FACTS, type JobNameSuffix } from '../model/stage-kinds.js';
import type { ResolvedPipeline, ResolvedStage } from '../model/types.js';
import { ERROR_PATH, ITEM_INPUT, executionNamePath } from './input-paths.js';
import type { CatchRule, JsonObject, RetryRule } from './types.js';

/**
 * Only errors a retry can cure. The `.sync` SageMaker integrations raise API errors as
 * `SageMaker.<exception>`: modelled exceptions by name (`ResourceLimitExceededException`), every other
 * error code (ValidationException, AccessDeniedException, a role SageMaker cannot assume, an image it
 * cannot pull, and also ThrottlingException) as the generic `SageMaker.AmazonSageMakerException`, whose
 * code is only in the Cause text, which a Retry cannot read. Retrying the generic error spent about
 * 7.5 minutes on errors that never succeed, so it is not retried: they fail on the first attempt.
 * A capacity limit (too many concurrent jobs, no spare instances) clears as other jobs end.
 * A job that ran and failed (States.TaskFailed) is never retried: re-running broken code costs money.
 * Sources: docs/aws-audit.md (finding 8).
 */
export const TRANSIENT_SAGEMAKER_ERRORS: readonly string[] = ['SageMaker.ResourceLimitExceededException'];

export const TRANSIENT_SAGEMAKER_RETRY: RetryRule = {
  ErrorEquals: [...TRANSIENT_SAGEMAKER_ERRORS],
  IntervalSeconds: 30,
  MaxAttempts: 4,
  BackoffRate: 2,
  MaxDelaySeconds: 600,
  JitterStrategy: 'FULL',
};

/** Name of the Fail state a stage's Catch leads to. */
export function failStateName(stage: ResolvedStage): string {
  return `${stage.name} failed`;
}

/**
 * The execution tag's value: the execution name in base64. Step Functions allows `(`, `)`, `!` and `'`
 * in execution names, SageMaker's TagValue pattern (`^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$`) does not, and
 * no intrinsic function replaces characters; base64's alphabet (letters, digits, `+`, `/`, `=`) always
 * matches, stays unique per execution and decodes back (`echo <value> | base64 -d`). An 80-character
 * name encodes to 108 characters, under the 256 a tag value may hold.
 */
export const EXECUTION_TAG_VALUE = 'States.Base64Encode($$.Execution.Name)';
/** The key says how the value is encoded. */
export const EXECUTION_TAG_KEY = 'legacy-mlops:execution-base64';
/** Fan-out: the item a job runs for (the local runner reports jobs per item by it). */
export const ITEM_TAG_KEY = 'legacy-mlops:item';

/** Tags every resource legacy-mlops starts carries: the local runner finds a Task's stage by the stage tag. */
export function stageTags(stage: ResolvedStage, pipeline: ResolvedPipeline): JsonObject[] {
  return [
    { Key: 'legacy-mlops:project', Value: pipeline.name },
    { Key: STAGE_TAG_KEY, Value: stage.name },
    { Key: EXECUTION_TAG_KEY, 'Value.$': pipeline.fanOut ? `States.Base64Encode(${executionNamePath(pipeline)})` : EXECUTION_TAG_VALUE },
    // Item ids match SageMaker's TagValue pattern as they are (letters, digits, '.', '_', '-').
    ...(pipeline.fanOut ? [{ Key: ITEM_TAG_KEY, 'Value.$': ITEM_INPUT.itemId }] : []),
  ];
}

/** Any error of the stage's calls ends in the stage's Fail state, which carries the cause. */
export function catchIntoFailState(stage: ResolvedStage): CatchRule[] {
  return [{ ErrorEquals: ['States.ALL'], ResultPath: ERROR_PATH, Next: failStateName(stage) }];
}

/**
 * What each job-name suffix is in ASL: the whole `States.UUID()`, or its last group (the fifth of the
 * five `-`-separated groups, 12 hex digits) where names hold only 32 characters.
 */
export const JOB_NAME_SUFFIX_EXPRESSIONS: Readonly<Record<JobNameSuffix, string>> = {
  uuid: 'States.UUID()',
  'uuid-last-group': "States.ArrayGetItem(States.StringSplit(States.UUID(), '-'), 4)",
};

/**
 * The job-name expression, in the stage kind's name form: unique per attempt (computed inside the
 * state, so a retry gets a fresh name).
 */
export function jobNameExpression(stage: ResolvedStage): string {
  return `States.Format('${stage.jobNamePrefix}-{}', ${JOB_NAME_SUFFIX_EXPRESSIONS[KIND_FACTS[stage.kind].jobName.suffix]})`;
}
