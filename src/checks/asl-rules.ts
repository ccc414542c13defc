/**
 * Structural rules of a legacy-mlops state machine that asl-validator does not know.
 * Hand-written (no library encodes them): they turn the defects of the public samples
 * (job names reused on retry, no timeouts, no Catch, retrying failed code) into findings.
 */
import { TRANSIENT_CLOUDWATCH_ERRORS } from '../asl/gate-metric.js';
import { taskStates } from './asl-walk.js';
import { knownResourceExamples, parseSageMakerResource } from './sagemaker-integrations.js';
import { isObject, type Finding } from './types.js';

export const ASL_RULES_CHECK = 'asl-rules';

/**
 * Errors a retry can cure: capacity limits. The generic `SageMaker.AmazonSageMakerException` also carries
 * ValidationException and access errors, which fail the same way on every attempt (docs/aws-audit.md, finding 8).
 */
export const RETRYABLE_SAGEMAKER_ERRORS: readonly string[] = ['SageMaker.ResourceLimitExceededException'];
/** The CloudWatch call (the gate's metric) has transient errors of its own (src/asl/gate-metric.ts). */
const RETRYABLE_CLOUDWATCH_ERRORS: readonly string[] = TRANSIENT_CLOUDWATCH_ERRORS;

export function checkAslRules(definition: unknown): Finding[] {
  const findings: Finding[] = [];
  const report = (location: string, message: string) => findings.push({ check: ASL_RULES_CHECK, location, message });
  if (!isObject(definition) || !isObject(definition.States)) {
    report('definition', 'is not a state machine (no States object)');
    return findings;
  }
  if (!isPositiveInteger(definition.TimeoutSeconds)) {
    report('TimeoutSeconds', 'the state machine has no TimeoutSeconds: a stuck execution would run (and bill) for up to a year');
  }
  // The local engine and our request capture evaluate JSONPath only; JSONata would run silently wrong there.
  if (definition.QueryLanguage !== undefined && definition.QueryLanguage !== 'JSONPath') {
    report('QueryLanguage', `'${String(definition.QueryLanguage)}' is not supported: legacy-mlops state machines use JSONPath`);
  }

  for (const task of taskStates(definition)) {
    const { state, location } = task;
    if (state.QueryLanguage !== undefined && state.QueryLanguage !== 'JSONPath') {
      report(`${location}.QueryLanguage`, `'${String(state.QueryLanguage)}' is not supported: use JSONPath`);
    }
    if (!isPositiveInteger(state.TimeoutSeconds)) {
      report(`${location}.TimeoutSeconds`, 'the Task has no TimeoutSeconds: a job stuck in a queue would hold the execution until the machine times out');
    }
    checkCatch(task.siblings, state, location, report);
    checkRetry(state, location, report);

    const parsed = parseSageMakerResource(state.Resource);
    if (!parsed) {
      report(`${location}.Resource`, `'${String(state.Resource)}' is not a SageMaker optimized integration or AWS SDK call legacy-mlops knows (known: ${knownResourceExamples().join(', ')})`);
      continue;
    }
    if (parsed.suffixProblem) report(`${location}.Resource`, parsed.suffixProblem);
    else if (parsed.integration.runsJob && !parsed.sync) {
      report(`${location}.Resource`, `${parsed.integration.action} without .sync returns as soon as the job is created: the next state would not wait for it`);
    }
    if (parsed.integration.nameMember) checkUniqueName(state, parsed.integration.nameMember, location, report);
  }
  return findings;
}

function checkCatch(siblings: Record<string, unknown>, state: Record<string, unknown>, location: string, report: (l: string, m: string) => void) {
  const catchers = Array.isArray(state.Catch) ? state.Catch.filter(isObject) : [];
  if (catchers.length === 0) {
    report(`${location}.Catch`, 'the Task has no Catch: a failed job would end the execution without a Fail state carrying the reason');
    return;
  }
  const leadsToFail = catchers.some((c) => {
    const errors = Array.isArray(c.ErrorEquals) ? c.ErrorEquals : [];
    const target = typeof c.Next === 'string' ? siblings[c.Next] : undefined;
    return errors.includes('States.ALL') && isObject(target) && target.Type === 'Fail';
  });
  if (!leadsToFail) report(`${location}.Catch`, 'no catcher takes States.ALL into a Fail state');
}

function checkRetry(state: Record<string, unknown>, location: string, report: (l: string, m: string) => void) {
  if (state.Retry === undefined) return;
  if (!Array.isArray(state.Retry)) return; // asl-validator reports the shape
  const retryable = /:states:::aws-sdk:cloudwatch:/.test(String(state.Resource)) ? RETRYABLE_CLOUDWATCH_ERRORS : RETRYABLE_SAGEMAKER_ERRORS;
  state.Retry.forEach((retrier, i) => {
    const errors = isObject(retrier) && Array.isArray(retrier.ErrorEquals) ? retrier.ErrorEquals : [];
    for (const error of errors) {
      if (retryable.includes(String(error))) continue;
      const why =
        error === 'States.ALL' || error === 'States.TaskFailed'
          ? ' re-runs jobs whose own code failed (and pays for them again)'
          : error === 'SageMaker.AmazonSageMakerException'
            ? ' repeats errors that cannot succeed (ValidationException, access denied, an image or role SageMaker cannot use)'
            : ' is not one of the service\'s transient errors';
      report(`${location}.Retry[${i}].ErrorEquals`, `retrying on '${String(error)}'${why}; retry only on ${retryable.join(', ')}`);
    }
  });
}

function checkUniqueName(state: Record<string, unknown>, member: string, location: string, report: (l: string, m: string) => void) {
  const parameters = isObject(state.Parameters) ? state.Parameters : {};
  const expression = parameters[`${member}.$`];
  if (typeof expression === 'string' && expression.includes('States.UUID()')) return;
  const at = `${location}.Parameters.${member}${typeof expression === 'string' ? '.$' : ''}`;
  if (member in parameters || typeof expression === 'string') {
    report(at, `${member} must be computed inside the state with States.UUID(): names are unique forever, so a fixed or input-supplied name collides on the next run or retry`);
  } else {
    report(at, `${member} is missing; compute it with States.Format('<prefix>-{}', States.UUID())`);
  }
}

function isPositiveInteger(value: unknown): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value > 0;
}
