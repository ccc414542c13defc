/**
 * A stage's scalar settings: instances, runtime, environment, hyperparameters, the evaluation gate,
 * the endpoint wait, and the Task timeout they add up to. Pure; problems are reported.
 */
import {
  DEFAULT_ENDPOINT_WAIT_ATTEMPTS,
  DEFAULT_ENDPOINT_WAIT_INTERVAL_SECONDS,
  DEFAULT_INSTANCE_COUNT,
  DEFAULT_INSTANCE_TYPE,
  DEFAULT_MAX_RUNTIME_SECONDS,
  DEFAULT_REPORT_FILE,
  DEFAULT_VOLUME_SIZE_GB,
  SHORT_TASK_TIMEOUT_SECONDS,
  TASK_TIMEOUT_MARGIN_SECONDS,
} from './defaults.js';
import type { ReportStageProblem } from './errors.js';
import {
  ENDPOINT_NAME_PATTERN,
  ENDPOINT_WAIT_ATTEMPTS_RANGE,
  ENDPOINT_WAIT_INTERVAL_RANGE,
  ENV_KEY_PATTERN,
  ENV_MAX_ENTRIES,
  ENV_VALUE_MAX,
  INSTANCE_COUNT_RANGE,
  MAX_RUNTIME_RANGE,
  METRIC_NAME_PATTERN,
  REPORT_FILE_PATTERN,
  VOLUME_SIZE_RANGE,
  isIntIn,
} from './rules.js';
import { INSTANCE_FAMILIES, type KindFacts } from './stage-kinds.js';
import type { ResolvedMetricGate, ResolvedStage, ResolvedStageOutput, StageKind, StageOptions } from './types.js';

/**
 * The Task's timeout. Jobs: their max runtime plus the margin. Calls (CreateModel, CreateModelPackage): short. Transform
 * jobs have no max runtime in their request, so `maxRuntimeSeconds` is the budget of the Task.
 * Endpoints: every wait plus the calls around them.
 */
export function taskTimeout(facts: KindFacts, maxRuntimeSeconds: number, endpoint: ResolvedStage['endpoint']): number {
  if (endpoint) return endpoint.intervalSeconds * endpoint.maxAttempts + 4 * SHORT_TASK_TIMEOUT_SECONDS;
  if (!facts.runsJob) return SHORT_TASK_TIMEOUT_SECONDS;
  return maxRuntimeSeconds + TASK_TIMEOUT_MARGIN_SECONDS;
}

export function resolveInstanceSettings(s: StageOptions, kind: StageKind, facts: KindFacts, fail: ReportStageProblem) {
  const instanceType = s.instanceType ?? DEFAULT_INSTANCE_TYPE;
  const instanceCount = s.instanceCount ?? DEFAULT_INSTANCE_COUNT;
  const volumeSizeGb = s.volumeSizeGb ?? DEFAULT_VOLUME_SIZE_GB;
  const maxRuntimeSeconds = s.maxRuntimeSeconds ?? DEFAULT_MAX_RUNTIME_SECONDS;
  const family = facts.instances && INSTANCE_FAMILIES[facts.instances];
  if (!family) {
    for (const field of ['instanceType', 'instanceCount', 'volumeSizeGb', 'maxRuntimeSeconds'] as const) {
      if (s[field] !== undefined) fail(field, `a ${kind} stage runs on no instance of its own; remove ${field}`);
    }
    return { instanceType, instanceCount, volumeSizeGb, maxRuntimeSeconds };
  }
  if (!family.instanceTypes.includes(instanceType)) {
    const close = family.instanceTypes.filter((t) => t.split('.')[1] === String(instanceType).split('.')[1]).slice(0, 6);
    fail('instanceType', `'${instanceType}' is not a SageMaker ${family.instanceWhat} instance type (e.g. ${(close.length ? close : ['ml.m5.large', 'ml.m5.xlarge', 'ml.c5.2xlarge']).join(', ')})`);
  }
  if (!isIntIn(instanceCount, ...INSTANCE_COUNT_RANGE)) fail('instanceCount', `${instanceCount} must be a whole number from ${INSTANCE_COUNT_RANGE[0]} to ${INSTANCE_COUNT_RANGE[1]}`);
  // Transform and endpoint requests carry no volume size (the instance's own storage is used).
  if (!family.volume) {
    if (s.volumeSizeGb !== undefined) fail('volumeSizeGb', `a ${kind} stage uses its instances' own storage; remove volumeSizeGb`);
  } else if (!isIntIn(volumeSizeGb, ...VOLUME_SIZE_RANGE)) {
    fail('volumeSizeGb', `${volumeSizeGb} must be a whole number of GB from ${VOLUME_SIZE_RANGE[0]} to ${VOLUME_SIZE_RANGE[1]}`);
  }
  // Hosting runs until replaced: only jobs have a runtime to bound.
  if (!facts.runsJob) {
    if (s.maxRuntimeSeconds !== undefined) fail('maxRuntimeSeconds', 'an endpoint runs until it is replaced; set endpointWait to bound the wait for InService');
  } else if (!isIntIn(maxRuntimeSeconds, ...MAX_RUNTIME_RANGE)) {
    fail('maxRuntimeSeconds', `${maxRuntimeSeconds} must be a whole number of seconds from ${MAX_RUNTIME_RANGE[0]} to ${MAX_RUNTIME_RANGE[1]} (7 days)`);
  }
  return { instanceType, instanceCount, volumeSizeGb, maxRuntimeSeconds };
}

export function resolveEnvironment(s: StageOptions, fail: ReportStageProblem): Record<string, string> {
  const environment = s.environment ?? {};
  const entries = Object.entries(environment);
  if (entries.length > ENV_MAX_ENTRIES) fail('environment', `at most ${ENV_MAX_ENTRIES} variables are allowed`);
  for (const [key, value] of entries) {
    if (!ENV_KEY_PATTERN.test(key) || key.length > 256) fail(`environment.${key}`, 'variable names use letters, digits and underscores and do not start with a digit');
    if (typeof value !== 'string' || value.length > ENV_VALUE_MAX) fail(`environment.${key}`, `value must be a string of at most ${ENV_VALUE_MAX} characters`);
  }
  return { ...environment };
}

export function resolveGate(s: StageOptions, outputs: readonly ResolvedStageOutput[], fail: ReportStageProblem): ResolvedMetricGate | undefined {
  const gate = s.gate;
  if (gate === undefined || gate === null || typeof gate !== 'object') {
    fail('gate', "an evaluation stage needs a gate: { metric: 'accuracy', threshold: 0.8 } (the metric its report names, and the least acceptable value)");
    return undefined;
  }
  const metric = String(gate.metric ?? '');
  if (!METRIC_NAME_PATTERN.test(metric)) fail('gate.metric', `'${metric}' must be a metric name of letters, digits and underscores (e.g. 'accuracy', 'roc_auc')`);
  if (typeof gate.threshold !== 'number' || !Number.isFinite(gate.threshold)) fail('gate.threshold', `${JSON.stringify(gate.threshold)} must be a number`);
  const greaterIsBetter = gate.greaterIsBetter ?? true;
  if (typeof greaterIsBetter !== 'boolean') fail('gate.greaterIsBetter', `${JSON.stringify(greaterIsBetter)} must be true or false`);
  const onFail = gate.onFail ?? 'fail';
  if (onFail !== 'fail' && onFail !== 'skip') fail('gate.onFail', `'${String(onFail)}' must be 'fail' (end in a Fail state) or 'skip' (end successfully, skipping the later stages)`);
  const reportFile = gate.reportFile ?? DEFAULT_REPORT_FILE;
  if (!REPORT_FILE_PATTERN.test(reportFile)) fail('gate.reportFile', `'${reportFile}' must be a JSON file name (letters, digits, '.', '_', '-'; ending in .json)`);
  if (outputs.length === 0) return undefined;
  return { metric, threshold: gate.threshold, greaterIsBetter, onFail, reportOutput: outputs[0].name, reportFile };
}

export function resolveHyperparameters(s: StageOptions, fail: ReportStageProblem): Record<string, string> {
  const hyperparameters = s.hyperparameters ?? {};
  const entries = Object.entries(hyperparameters);
  // CreateTrainingJob: at most 100 entries, keys up to 256 and values up to 2500 characters, all strings.
  if (entries.length > 100) fail('hyperparameters', 'at most 100 hyperparameters are allowed');
  for (const [key, value] of entries) {
    if (key.length === 0 || key.length > 256) fail(`hyperparameters.${key}`, 'names are 1 to 256 characters');
    if (typeof value !== 'string' || value.length > 2500) fail(`hyperparameters.${key}`, `value must be a string of at most 2500 characters (SageMaker passes every hyperparameter as text; write '${String(value)}')`);
  }
  return { ...hyperparameters };
}

export function resolveEndpoint(s: StageOptions, project: string, stage: string, fail: ReportStageProblem): ResolvedStage['endpoint'] {
  const name = s.endpointName ?? `${project}-${stage}`;
  if (!ENDPOINT_NAME_PATTERN.test(name)) fail('endpointName', `'${name}' is not a SageMaker endpoint name: letters, digits and hyphens, at most 63 characters`);
  const intervalSeconds = s.endpointWait?.intervalSeconds ?? DEFAULT_ENDPOINT_WAIT_INTERVAL_SECONDS;
  const maxAttempts = s.endpointWait?.maxAttempts ?? DEFAULT_ENDPOINT_WAIT_ATTEMPTS;
  if (!isIntIn(intervalSeconds, ...ENDPOINT_WAIT_INTERVAL_RANGE)) {
    fail('endpointWait.intervalSeconds', `${intervalSeconds} must be a whole number of seconds from ${ENDPOINT_WAIT_INTERVAL_RANGE[0]} to ${ENDPOINT_WAIT_INTERVAL_RANGE[1]}`);
  }
  if (!isIntIn(maxAttempts, ...ENDPOINT_WAIT_ATTEMPTS_RANGE)) {
    fail('endpointWait.maxAttempts', `${maxAttempts} must be a whole number from ${ENDPOINT_WAIT_ATTEMPTS_RANGE[0]} to ${ENDPOINT_WAIT_ATTEMPTS_RANGE[1]}`);
  }
  return { name, intervalSeconds, maxAttempts };
}
