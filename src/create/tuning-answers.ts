/**
 * Tuning answers of both commands (`--range`, `--objective-metric`, `--objective`, `--strategy`,
 * `--max-jobs`, `--max-parallel-jobs`, or their questions): read into the model's `tuning` option and
 * checked by the model's own validation, so a problem reads as it does in `.projenrc.ts`, named by the
 * flag whose row of the option table sets that field. Also how a training stage becomes a tuning stage.
 */
import { stageShapeProblems } from '../model/options-schema.js';
import { validatePipeline } from '../model/resolve.js';
import { OBJECTIVE_TYPES, TUNING_STRATEGIES, type TuningOptions, type TuningRangeOptions, type TuningScaling, type TuningStrategy } from '../model/tuning.js';
import type { StageOptions } from '../model/types.js';
import { stageFieldOf } from './field-checks.js';
import { CreateError, describeOrigin, type AnswerOrigin, type Given } from './errors.js';
import { optionOf, optionsOf, readValue } from './option-table.js';

/** Ranges as `--range` texts (flags, prompts, an answers file) or typed as in .projenrc.ts (an answers file). */
export type RangeAnswers = readonly string[] | Readonly<Record<string, TuningRangeOptions>>;

/** What the answers say, as text (flags) or typed (prompts); absent means the default. */
export interface TuningAnswers {
  readonly ranges?: RangeAnswers;
  readonly objectiveMetric?: string;
  readonly objective?: string;
  readonly strategy?: string;
  readonly maxJobs?: number;
  readonly maxParallelJobs?: number;
}

export const DEFAULT_OBJECTIVE_METRIC = 'train_accuracy';
export const DEFAULT_STRATEGY: TuningStrategy = 'Random';
export const DEFAULT_MAX_JOBS = 6;
export const DEFAULT_MAX_PARALLEL_JOBS = 2;
/** The lifecycle stub's regularization (scikit-learn's C), searched when the stage fixes C and no range is given. */
export const DEFAULT_RANGE = 'C=0.01:10:log';

const SCALINGS: Readonly<Record<string, TuningScaling>> = { log: 'Logarithmic', linear: 'Linear', auto: 'Auto', 'reverse-log': 'ReverseLogarithmic' };
const WHOLE = /^[-+]?\d+$/;

/**
 * `name=min:max[:log|linear|reverse-log|auto]` (integer when both ends are written as whole numbers,
 * else continuous) or `name=a,b,c` (categorical): the range, or what is wrong with the text.
 */
export function parseRange(text: string): { name: string; range: TuningRangeOptions } | string {
  const at = text.indexOf('=');
  if (at <= 0) return `'${text}' is not name=min:max[:log] or name=a,b,c (e.g. learning_rate=0.01:0.3:log, max_depth=3,5,7)`;
  const name = text.slice(0, at).trim();
  const spec = text.slice(at + 1).trim();
  if (spec.includes(':') && !spec.includes(',')) {
    const [min, max, scale, ...rest] = spec.split(':').map((s) => s.trim());
    const scaling = scale === undefined ? undefined : SCALINGS[scale.toLowerCase()];
    if (rest.length > 0 || max === undefined || (scale !== undefined && !scaling)) return `'${text}': a range is min:max, optionally :log, :linear, :reverse-log or :auto`;
    const type = WHOLE.test(min) && WHOLE.test(max) ? 'integer' : 'continuous';
    // Not-a-number ends go to the model as they are: its message names them.
    const num = (s: string) => (s === '' || !Number.isFinite(Number(s)) ? (s as unknown as number) : Number(s));
    return { name, range: { type, min: num(min), max: num(max), ...(scaling ? { scaling } : {}) } };
  }
  return { name, range: { type: 'categorical', values: spec.split(',').map((s) => s.trim()).filter((s) => s !== '') } };
}

/** `maximize` → `Maximize` when it is one of `known`; other text as given (the model names it). */
const spelled = (text: string, known: readonly string[]) => known.find((k) => k.toLowerCase() === text.toLowerCase()) ?? text;

/** The `tuning` option the answers describe (defaults filled in), or the first range that does not read. */
export function tuningOption(answers: TuningAnswers): TuningOptions | { problem: string; flag: string } {
  const ranges: Record<string, TuningRangeOptions> = isRangeList(answers.ranges) ? {} : { ...answers.ranges };
  for (const text of isRangeList(answers.ranges) ? answers.ranges : []) {
    const parsed = parseRange(text);
    if (typeof parsed === 'string') return { problem: parsed, flag: '--range' };
    if (parsed.name in ranges) return { problem: `'${parsed.name}' is given twice`, flag: '--range' };
    ranges[parsed.name] = parsed.range;
  }
  const strategy = (answers.strategy === undefined ? DEFAULT_STRATEGY : spelled(answers.strategy, TUNING_STRATEGIES)) as TuningStrategy;
  const maxJobs = strategy === 'Grid' ? answers.maxJobs : (answers.maxJobs ?? DEFAULT_MAX_JOBS);
  return {
    objective: { metric: answers.objectiveMetric ?? DEFAULT_OBJECTIVE_METRIC, type: (answers.objective === undefined ? 'Maximize' : spelled(answers.objective, OBJECTIVE_TYPES)) as 'Maximize' },
    strategy,
    ...(maxJobs !== undefined ? { maxJobs } : {}),
    maxParallelJobs: answers.maxParallelJobs ?? Math.min(DEFAULT_MAX_PARALLEL_JOBS, maxJobs ?? DEFAULT_MAX_PARALLEL_JOBS),
    ranges,
  };
}

export function isRangeList(ranges: RangeAnswers | undefined): ranges is readonly string[] {
  return ranges === undefined || Array.isArray(ranges);
}

/** `stage` (a training stage, or a new stage's draft) as a tuning stage: the ranged hyperparameters leave the fixed ones. */
export function asTuningStage(stage: StageOptions, tuning: TuningOptions): StageOptions {
  const fixed = Object.fromEntries(Object.entries(stage.hyperparameters ?? {}).filter(([name]) => !(name in tuning.ranges)));
  const { hyperparameters: _fixed, ...rest } = stage;
  return { ...rest, kind: 'tuning', ...(Object.keys(fixed).length > 0 ? { hyperparameters: fixed } : {}), tuning };
}

/** The option whose row sets a `tuning.…` field: `--max-jobs` for `tuning.maxJobs`. */
export function tuningFlagOf(field: string): string {
  const row = optionsOf('stage')
    .filter((o) => o.sets?.startsWith('stages[].tuning.'))
    .find((o) => field === o.sets!.slice('stages[].'.length) || field.startsWith(`${o.sets!.slice('stages[].'.length)}.`));
  return row ? `--${row.name}` : '--range';
}

/** The model's first problem with `stage` as a tuning stage, and the flag that sets the field. */
export function tuningProblem(stage: StageOptions, region = 'us-east-1'): { problem: string; flag: string } | undefined {
  const problems = validatePipeline({ name: 'probe', region, account: '111122223333', stages: [stage] });
  for (const p of problems) {
    const field = stageFieldOf(p)?.field;
    if (field === 'tuning' || field?.startsWith('tuning.') || field?.startsWith('hyperparameters')) return { problem: p.message, flag: field.startsWith('hyperparameters') ? '--range' : tuningFlagOf(field) };
  }
  return undefined;
}

/** The tuning answers given to create, by question name (the flags' rows of the option table). */
export interface TuningGiven {
  tuning?: Given<boolean>;
  tuningRanges?: Given<RangeAnswers>;
  objectiveMetric?: Given<string>;
  objectiveType?: Given<string>;
  tuningStrategy?: Given<string>;
  maxJobs?: Given<number>;
  maxParallelJobs?: Given<number>;
}

/**
 * The flags' tuning answers: each read by its table row (a range must read, a job count be a number); any
 * of them turns tuning on by itself, and `--no-tuning` with one is a contradiction.
 */
export function tuningFromFlags(flags: { tuning?: boolean; ranges?: readonly string[]; objectiveMetric?: string; objective?: string; strategy?: string; maxJobs?: string; maxParallelJobs?: string }): TuningGiven {
  const origin = (flag: string): AnswerOrigin => ({ kind: 'flag', flag: `--${flag}` });
  const given: TuningGiven = {};
  for (const range of flags.ranges ?? []) {
    const parsed = parseRange(range);
    if (typeof parsed === 'string') throw new CreateError(`Invalid --range: ${parsed}`);
  }
  if (flags.ranges !== undefined) given.tuningRanges = { value: [...flags.ranges], origin: origin('range') };
  if (flags.objectiveMetric !== undefined) given.objectiveMetric = { value: flags.objectiveMetric, origin: origin('objective-metric') };
  if (flags.objective !== undefined) given.objectiveType = { value: flags.objective.toLowerCase(), origin: origin('objective') };
  if (flags.strategy !== undefined) given.tuningStrategy = { value: flags.strategy.toLowerCase(), origin: origin('strategy') };
  for (const [key, flag] of [['maxJobs', 'max-jobs'], ['maxParallelJobs', 'max-parallel-jobs']] as const) {
    const text = flags[key];
    if (text === undefined) continue;
    const read = readValue(optionOf('create', flag)!, text);
    if ('problem' in read) throw new CreateError(`Invalid --${flag}: ${read.problem}`);
    given[key] = { value: read.value as number, origin: origin(flag) };
  }
  const first = (['tuningRanges', 'objectiveMetric', 'objectiveType', 'tuningStrategy', 'maxJobs', 'maxParallelJobs'] as const).find((k) => given[k]);
  if (flags.tuning === false && first) throw new CreateError(`Invalid ${(given[first]!.origin as { flag: string }).flag}: it sets the tuning, which --no-tuning turns off; drop one of them`);
  if (flags.tuning !== undefined) given.tuning = { value: flags.tuning, origin: origin('tuning') };
  else if (first) given.tuning = { value: true, origin: given[first]!.origin };
  return given;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * An answers file's `tuning`: true, false, or the `tuning` object of .projenrc.ts with every field
 * optional (the flags' defaults fill the rest) and `ranges` also as a list of `--range` texts. Its shape
 * is checked by the .projenrc.ts schema now (unknown keys with the closest valid one); its values are
 * checked with the training stage, as the flags are, before anything is written.
 */
export function tuningFromFile(value: unknown, file: string): TuningGiven {
  const origin = (key: string): AnswerOrigin => ({ kind: 'file', file, key });
  const invalid = (key: string, message: string) => new CreateError(`Invalid ${describeOrigin(origin(key))}: ${message}`);
  if (typeof value === 'boolean') return { tuning: { value, origin: origin('tuning') } };
  if (!isObject(value)) {
    throw invalid('tuning', 'must be true, false or an object like { "ranges": ["C=0.01:10:log"], "objective": { "metric": "train_accuracy", "type": "Maximize" }, "strategy": "Random", "maxJobs": 6, "maxParallelJobs": 2 }');
  }
  // Either spelling of the choices the flags take in any case: `maximize`, `Grid`.
  const { objective, ranges, strategy, ...counts } = value;
  const spelledIn = (v: unknown, known: readonly string[]) => (typeof v === 'string' ? spelled(v, known) : v);
  const typedObjective = isObject(objective) ? { ...objective, ...(objective.type !== undefined ? { type: spelledIn(objective.type, OBJECTIVE_TYPES) } : {}) } : objective;
  const typedStrategy = spelledIn(strategy, TUNING_STRATEGIES);
  if (Array.isArray(ranges)) {
    ranges.forEach((text, i) => {
      if (typeof text !== 'string') throw invalid('tuning.ranges', `item ${i + 1} must be a 'name=min:max[:log]' or 'name=a,b,c' text`);
      const parsed = parseRange(text);
      if (typeof parsed === 'string') throw invalid('tuning.ranges', parsed);
    });
  }
  // The schema of .projenrc.ts, with the defaults standing in for what the file leaves out.
  const probe = {
    ...counts,
    objective: objective === undefined ? { metric: DEFAULT_OBJECTIVE_METRIC, type: 'Maximize' } : isObject(typedObjective) ? { metric: DEFAULT_OBJECTIVE_METRIC, type: 'Maximize', ...typedObjective } : objective,
    ranges: ranges === undefined || Array.isArray(ranges) ? {} : ranges,
    ...(strategy !== undefined ? { strategy: typedStrategy } : {}),
  };
  const shape = stageShapeProblems({ name: 'tuned', kind: 'tuning', tuning: probe }, 0);
  if (shape.length > 0) throw invalid('tuning', shape.map((p) => `${p.path.replace(/^stages\[0\] \(tuned\)\./, '')}: ${p.message}`).join('; '));
  // No flag or question sets the regex: .projenrc.ts does, after creating.
  if (isObject(objective) && objective.regex !== undefined) throw invalid('tuning.objective.regex', 'create does not set it (the default reads <metric>=<value>); set tuning.objective.regex in .projenrc.ts after creating');

  const given: TuningGiven = { tuning: { value: true, origin: origin('tuning') } };
  const entry = <T>(key: string, v: T): Given<T> => ({ value: v, origin: origin(`tuning.${key}`) });
  if (ranges !== undefined) given.tuningRanges = entry('ranges', ranges as RangeAnswers);
  if (isObject(objective) && objective.metric !== undefined) given.objectiveMetric = entry('objective.metric', objective.metric as string);
  if (isObject(typedObjective) && typedObjective.type !== undefined) given.objectiveType = entry('objective.type', String(typedObjective.type).toLowerCase());
  if (typedStrategy !== undefined) given.tuningStrategy = entry('strategy', String(typedStrategy).toLowerCase());
  for (const key of ['maxJobs', 'maxParallelJobs'] as const) if (counts[key] !== undefined) given[key] = entry(key, counts[key] as number);
  return given;
}
