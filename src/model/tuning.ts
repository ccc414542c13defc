/**
 * The `tuning` kind's own options: a SageMaker hyperparameter tuning job over a training stage's
 * settings. Its options, their runtime schema, and their resolution (one-line problems) live here,
 * so the kind's model has one home. Rules from the SageMaker API reference (CreateHyperParameterTuningJob,
 * ParameterRanges, ResourceLimits) and the tuning guide: Grid searches categorical values only (integer
 * ranges are enumerated into categorical values for it), runs every combination, and takes no
 * MaxNumberOfTrainingJobs. Tuning-job names (32 characters) are the kind's `jobName` form in stage-kinds.ts.
 */
import type { JSONSchemaType } from 'ajv';
import type { ReportStageProblem } from './errors.js';
import { METRIC_NAME_PATTERN, isIntIn } from './rules.js';

export type TuningStrategy = 'Bayesian' | 'Random' | 'Grid';
export type TuningRangeType = 'integer' | 'continuous' | 'categorical';
export type TuningScaling = 'Auto' | 'Linear' | 'Logarithmic' | 'ReverseLogarithmic';

export interface TuningRangeOptions {
  readonly type: TuningRangeType;
  /** integer and continuous: the lowest value tried. */
  readonly min?: number;
  /** integer and continuous: the highest value tried. */
  readonly max?: number;
  /** categorical: the values tried (at most 30). */
  readonly values?: string[];
  /** integer and continuous: how values are spread. @default 'Auto' */
  readonly scaling?: TuningScaling;
}

export interface TuningObjectiveOptions {
  /** The metric the job optimizes, as the training script prints it. */
  readonly metric: string;
  readonly type: 'Maximize' | 'Minimize';
  /** Regex whose first group captures the value in the job's log. @default '<metric>=(<number>)' */
  readonly regex?: string;
}

export interface TuningOptions {
  readonly objective: TuningObjectiveOptions;
  /** @default 'Bayesian' */
  readonly strategy?: TuningStrategy;
  /** Training jobs in all (Bayesian, Random; Grid runs every combination). */
  readonly maxJobs?: number;
  /** Training jobs at once. @default 1 */
  readonly maxParallelJobs?: number;
  /** Hyperparameters searched, by name; the stage's `hyperparameters` stay fixed. */
  readonly ranges: Record<string, TuningRangeOptions>;
}

export interface ResolvedTuningRange {
  readonly name: string;
  readonly type: TuningRangeType;
  readonly min?: number;
  readonly max?: number;
  readonly values?: readonly string[];
  readonly scaling: TuningScaling;
}

export interface ResolvedTuning {
  readonly objective: { readonly metric: string; readonly type: 'Maximize' | 'Minimize'; readonly regex: string };
  readonly strategy: TuningStrategy;
  /** Absent for Grid (SageMaker runs every combination). */
  readonly maxJobs?: number;
  readonly maxParallelJobs: number;
  readonly ranges: readonly ResolvedTuningRange[];
}

/** ResourceLimits (API bounds; the account quota may be lower). */
export const TUNING_MAX_JOBS = 500;
export const TUNING_MAX_PARALLEL_JOBS = 100;
const MAX_CATEGORICAL_VALUES = 30;
const MAX_RANGES = 30;
export const TUNING_STRATEGIES: readonly TuningStrategy[] = ['Bayesian', 'Random', 'Grid'];
export const OBJECTIVE_TYPES: readonly TuningObjectiveOptions['type'][] = ['Maximize', 'Minimize'];
const RANGE_TYPES: readonly TuningRangeType[] = ['integer', 'continuous', 'categorical'];
const SCALINGS: readonly TuningScaling[] = ['Auto', 'Linear', 'Logarithmic', 'ReverseLogarithmic'];

const rangeSchema: JSONSchemaType<TuningRangeOptions> = {
  type: 'object',
  properties: {
    type: { type: 'string', enum: [...RANGE_TYPES] },
    min: { type: 'number', nullable: true },
    max: { type: 'number', nullable: true },
    values: { type: 'array', items: { type: 'string' }, nullable: true },
    scaling: { type: 'string', enum: [...SCALINGS], nullable: true },
  },
  required: ['type'],
  additionalProperties: false,
};

export const TUNING_SCHEMA: JSONSchemaType<TuningOptions> = {
  type: 'object',
  properties: {
    objective: {
      type: 'object',
      properties: {
        metric: { type: 'string' },
        type: { type: 'string', enum: [...OBJECTIVE_TYPES] },
        regex: { type: 'string', nullable: true },
      },
      required: ['metric', 'type'],
      additionalProperties: false,
    },
    strategy: { type: 'string', enum: [...TUNING_STRATEGIES], nullable: true },
    maxJobs: { type: 'number', nullable: true },
    maxParallelJobs: { type: 'number', nullable: true },
    ranges: { type: 'object', additionalProperties: rangeSchema, required: [] },
  },
  required: ['objective', 'ranges'],
  additionalProperties: false,
} as unknown as JSONSchemaType<TuningOptions>;

/** The default regex: `<metric>=<number>` or `<metric>: <number>` in the log, as the stub prints it. */
export function defaultObjectiveRegex(metric: string): string {
  return `${metric}[=:] *([-+]?[0-9]*\\.?[0-9]+([eE][-+]?[0-9]+)?)`;
}

/** What a tuning stage runs, for the README's stage table; `onInstances` is what each training job runs on. */
export function describeTuning(t: ResolvedTuning, onInstances: string | undefined): string {
  const jobs = t.maxJobs !== undefined ? `up to ${t.maxJobs}` : 'every Grid combination of';
  return `${jobs} training jobs (${t.maxParallelJobs} at a time, ${t.strategy}, ${t.objective.type} \`${t.objective.metric}\`)${onInstances ? `, each ${onInstances}` : ''}`;
}

/** Every value each range takes under Grid (integers enumerated), or undefined for a continuous range. */
export function gridValues(range: ResolvedTuningRange): readonly string[] | undefined {
  if (range.type === 'categorical') return range.values;
  if (range.type === 'integer') return Array.from({ length: range.max! - range.min! + 1 }, (_, i) => String(range.min! + i));
  return undefined;
}

/** How many training jobs a Grid search runs: the product of the value counts. */
export function gridSize(ranges: readonly ResolvedTuningRange[]): number {
  return ranges.reduce((n, range) => n * (gridValues(range)?.length ?? Infinity), 1);
}

export function resolveTuning(tuning: TuningOptions | undefined, hyperparameters: Readonly<Record<string, string>>, fail: ReportStageProblem): ResolvedTuning | undefined {
  if (!tuning) {
    fail('tuning', "a tuning stage needs 'tuning' (its objective and ranges)");
    return undefined;
  }
  const strategy = tuning.strategy ?? 'Bayesian';
  if (!TUNING_STRATEGIES.includes(strategy)) fail('tuning.strategy', `'${strategy}' is not a tuning strategy (allowed: ${TUNING_STRATEGIES.join(', ')})`);
  const { metric, type } = tuning.objective ?? {};
  if (typeof metric !== 'string' || !METRIC_NAME_PATTERN.test(metric)) fail('tuning.objective.metric', `'${String(metric)}' must be letters, digits and underscores (at most 64), e.g. validation_accuracy`);
  if (!(OBJECTIVE_TYPES as readonly unknown[]).includes(type)) fail('tuning.objective.type', `'${String(type)}' must be Maximize or Minimize`);
  const regex = tuning.objective?.regex ?? defaultObjectiveRegex(String(metric));
  if (regex.length === 0 || regex.length > 500) fail('tuning.objective.regex', 'must be 1 to 500 characters');
  else if (!/\((?!\?)/.test(regex)) fail('tuning.objective.regex', `'${regex}' needs a capturing group around the metric's value`);
  else {
    try {
      new RegExp(regex);
    } catch (error) {
      fail('tuning.objective.regex', `'${regex}' is not a valid regular expression (${(error as Error).message})`);
    }
  }

  const ranges = Object.entries(tuning.ranges ?? {}).map(([name, r]) => resolveRange(name, r, strategy, hyperparameters, fail));
  if (ranges.length === 0) fail('tuning.ranges', 'name at least one hyperparameter to search, e.g. { C: { type: "continuous", min: 0.01, max: 10 } }');
  if (ranges.length > MAX_RANGES) fail('tuning.ranges', `at most ${MAX_RANGES} hyperparameters can be searched`);

  const maxParallelJobs = tuning.maxParallelJobs ?? 1;
  let maxJobs = tuning.maxJobs;
  if (strategy === 'Grid') {
    if (maxJobs !== undefined) fail('tuning.maxJobs', 'Grid runs every combination of the values; remove maxJobs');
    const size = gridSize(ranges);
    if (Number.isFinite(size) && size > TUNING_MAX_JOBS) fail('tuning.ranges', `the grid has ${size} combinations; SageMaker runs at most ${TUNING_MAX_JOBS}`);
    maxJobs = undefined;
  } else if (maxJobs === undefined || !isIntIn(maxJobs, 1, TUNING_MAX_JOBS)) {
    fail('tuning.maxJobs', `${String(maxJobs)} must be a whole number from 1 to ${TUNING_MAX_JOBS} (training jobs in all)`);
  }
  if (!isIntIn(maxParallelJobs, 1, TUNING_MAX_PARALLEL_JOBS)) fail('tuning.maxParallelJobs', `${maxParallelJobs} must be a whole number from 1 to ${TUNING_MAX_PARALLEL_JOBS}`);
  else if (maxJobs !== undefined && maxParallelJobs > maxJobs) fail('tuning.maxParallelJobs', `${maxParallelJobs} is more than maxJobs (${maxJobs})`);
  return { objective: { metric: String(metric), type, regex }, strategy, ...(maxJobs !== undefined ? { maxJobs } : {}), maxParallelJobs, ranges };
}

function resolveRange(name: string, r: TuningRangeOptions, strategy: TuningStrategy, hyperparameters: Readonly<Record<string, string>>, fail: ReportStageProblem): ResolvedTuningRange {
  const where = `tuning.ranges.${name}`;
  if (name.length === 0 || name.length > 256) fail(where, 'hyperparameter names are 1 to 256 characters');
  if (hyperparameters[name] !== undefined) fail(where, `'${name}' is also a fixed hyperparameter; remove it from hyperparameters or from ranges`);
  if (!RANGE_TYPES.includes(r.type)) fail(`${where}.type`, `'${String(r.type)}' must be integer, continuous or categorical`);
  const scaling = r.scaling ?? 'Auto';
  if (r.type === 'categorical') {
    if (r.min !== undefined || r.max !== undefined || r.scaling !== undefined) fail(where, 'a categorical range takes values only; remove min, max and scaling');
    const values = r.values ?? [];
    if (values.length === 0 || values.length > MAX_CATEGORICAL_VALUES) fail(`${where}.values`, `give 1 to ${MAX_CATEGORICAL_VALUES} values`);
    if (new Set(values).size !== values.length) fail(`${where}.values`, 'values must be distinct');
    return { name, type: r.type, values: [...values], scaling };
  }
  if (r.values !== undefined) fail(`${where}.values`, `an ${r.type} range takes min and max, not values (use type: 'categorical')`);
  const { min, max } = r;
  const isNumber = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && (r.type !== 'integer' || Number.isInteger(v));
  const what = r.type === 'integer' ? 'a whole number' : 'a number';
  if (!isNumber(min)) fail(`${where}.min`, `${String(min)} must be ${what}`);
  if (!isNumber(max)) fail(`${where}.max`, `${String(max)} must be ${what}`);
  else if (isNumber(min) && min! > max!) fail(where, `min (${min}) is greater than max (${max})`);
  if (scaling === 'ReverseLogarithmic' && r.type !== 'continuous') fail(`${where}.scaling`, 'ReverseLogarithmic applies to continuous ranges only');
  if (scaling === 'ReverseLogarithmic' && isNumber(min) && isNumber(max) && (min! < 0 || max! >= 1)) fail(`${where}.scaling`, 'ReverseLogarithmic needs 0 <= min and max < 1');
  if (scaling === 'Logarithmic' && isNumber(min) && min! <= 0) fail(`${where}.scaling`, 'Logarithmic needs min > 0');
  if (!SCALINGS.includes(scaling)) fail(`${where}.scaling`, `'${scaling}' must be one of ${SCALINGS.join(', ')}`);
  if (strategy === 'Grid' && r.type === 'continuous') fail(where, 'Grid searches categorical and integer ranges only; use Random or Bayesian, or list values as categorical');
  if (strategy === 'Grid' && r.type === 'integer' && isNumber(min) && isNumber(max) && max! - min! + 1 > MAX_CATEGORICAL_VALUES) {
    fail(where, `Grid enumerates integer ranges as categorical values: at most ${MAX_CATEGORICAL_VALUES} (this one has ${max! - min! + 1})`);
  }
  return { name, type: r.type, min, max, scaling };
}
