/**
 * The tuning questions, as data, asked by both commands: `create-legacy-mlops` for the lifecycle's
 * training stage (after "tune it?"), `yo legacy-mlops:stage` for a tuning stage. Each is answered by its
 * flag (a row of the option table), and checked by the model with the answers so far, so a bad range
 * reads as it would in `.projenrc.ts`.
 */
import {
  DEFAULT_MAX_JOBS,
  DEFAULT_MAX_PARALLEL_JOBS,
  DEFAULT_OBJECTIVE_METRIC,
  DEFAULT_RANGE,
  asTuningStage,
  tuningOption,
  tuningProblem,
  type RangeAnswers,
  type TuningAnswers,
} from '../../src/create/tuning-answers.js';
import type { StageOptions } from '../../src/model/types.js';
import type { Question } from './prompts.js';

/** The stage being tuned (a training stage, or the new stage's draft) and the answers so far. */
export interface TuningContext {
  readonly stage: StageOptions;
  readonly draft: Readonly<Record<string, unknown>>;
  readonly region?: string;
}

const text = (answer: unknown) => String(answer ?? '').trim();
/**
 * A list from repeated flags, or `;`-separated text at the prompt (`,` separates categorical values);
 * an answers file's ranges object (typed as in .projenrc.ts) as it is.
 */
const rangeList = (answer: unknown): RangeAnswers =>
  answer !== null && typeof answer === 'object' && !Array.isArray(answer)
    ? (answer as RangeAnswers)
    : (Array.isArray(answer) ? answer.map(text) : text(answer).split(';').map((s) => s.trim())).filter((s) => s !== '');
const rangeCount = (answer: unknown) => Object.keys(rangeList(answer)).length;
const asNumber = (answer: unknown) => (text(answer) === '' ? Number.NaN : Number(text(answer)));

/** The answers so far, with `change` in place of one of them. */
export function tuningAnswers(draft: Readonly<Record<string, unknown>>, change: Partial<Record<string, unknown>> = {}): TuningAnswers {
  const all = { ...draft, ...change };
  const defined = <T>(v: unknown, f: (x: unknown) => T) => (v === undefined ? undefined : f(v));
  return {
    ranges: defined(all.tuningRanges, rangeList),
    objectiveMetric: defined(all.objectiveMetric, text),
    objective: defined(all.objectiveType, text),
    strategy: defined(all.tuningStrategy, text),
    maxJobs: defined(all.maxJobs, asNumber),
    maxParallelJobs: defined(all.maxParallelJobs, asNumber),
  };
}

/** The stage tuned by these answers, or the first problem with them (with the flag that sets it). */
export function tunedStage(ctx: TuningContext, change: Partial<Record<string, unknown>> = {}): { stage: StageOptions } | { problem: string; flag: string } {
  const tuning = tuningOption(tuningAnswers(ctx.draft, change));
  if ('problem' in tuning) return tuning;
  const stage = asTuningStage(ctx.stage, tuning);
  const problem = tuningProblem(stage, ctx.region);
  return problem ?? { stage };
}

/** The model's objection to one answer: problems of the fields other questions set are theirs to report. */
const checkAs = (question: string, flag: string) => (answer: unknown, ctx: TuningContext) => {
  const result = tunedStage(ctx, { [question]: answer });
  return 'problem' in result && result.flag === flag ? result.problem : undefined;
};

const isGrid = (ctx: TuningContext) => text(ctx.draft.tuningStrategy).toLowerCase() === 'grid';

/** create: whether the preset's training stage is tuned (off unless asked for). */
export const TUNE_TRAINING_QUESTION: Question<TuningContext> = {
  name: 'tuning',
  flag: '--tuning',
  type: 'confirm',
  message: (ctx) => `Tune ${ctx.stage.name} with a SageMaker hyperparameter tuning job (training jobs over ranges of its hyperparameters; the best model goes on)?`,
  default: () => ({ value: false, known: true }),
};

export const TUNING_QUESTIONS: readonly Question<TuningContext>[] = [
  {
    name: 'tuningRanges',
    flag: '--range',
    type: 'input',
    message: (ctx) => `${ctx.stage.name}: hyperparameter ranges to search, separated by ';' (name=min:max[:log], or name=a,b,c)`,
    // The lifecycle stub's regularization when the stage fixes it; otherwise the user names what to search.
    default: (ctx) => (ctx.stage.hyperparameters?.C !== undefined ? { value: DEFAULT_RANGE, known: true } : undefined),
    validate: (answer, ctx) => (rangeCount(answer) === 0 ? 'name at least one hyperparameter range, e.g. learning_rate=0.01:0.3:log' : checkAs('tuningRanges', '--range')(answer, ctx)),
    parse: rangeList,
    missing: (ctx) => `tuning ${ctx.stage.name} needs the hyperparameters to search: pass --range name=min:max[:log] or --range name=a,b,c (repeat for more)`,
  },
  {
    name: 'objectiveMetric',
    flag: '--objective-metric',
    type: 'input',
    message: (ctx) => `${ctx.stage.name}: metric the training script prints (<metric>=<value>) that the tuning job optimizes`,
    default: () => ({ value: DEFAULT_OBJECTIVE_METRIC, known: true }),
    validate: checkAs('objectiveMetric', '--objective-metric'),
    parse: text,
  },
  {
    name: 'objectiveType',
    flag: '--objective',
    type: 'select',
    message: (ctx) => `${ctx.stage.name}: is a larger ${String(ctx.draft.objectiveMetric ?? 'metric')} better?`,
    choices: () => [
      { name: 'maximize (accuracy, AUC)', short: 'maximize', value: 'maximize' },
      { name: 'minimize (errors: rmse, log loss)', short: 'minimize', value: 'minimize' },
    ],
    default: () => ({ value: 'maximize', known: true }),
    parse: (answer) => text(answer).toLowerCase(),
  },
  {
    name: 'tuningStrategy',
    flag: '--strategy',
    type: 'select',
    message: (ctx) => `${ctx.stage.name}: search strategy`,
    choices: () => [
      { name: 'random    points drawn at random (emulated locally as such)', short: 'random', value: 'random' },
      { name: 'bayesian  each next point chosen from the results so far (emulated locally by random points)', short: 'bayesian', value: 'bayesian' },
      { name: 'grid      every combination of the values (categorical and integer ranges only)', short: 'grid', value: 'grid' },
    ],
    default: () => ({ value: 'random', known: true }),
    validate: checkAs('tuningStrategy', '--strategy'),
    parse: (answer) => text(answer).toLowerCase(),
  },
  {
    name: 'maxJobs',
    flag: '--max-jobs',
    type: 'input',
    message: (ctx) => `${ctx.stage.name}: training jobs in all`,
    // Grid runs every combination and takes no count.
    when: (ctx) => !isGrid(ctx),
    default: () => ({ value: String(DEFAULT_MAX_JOBS), known: true }),
    validate: checkAs('maxJobs', '--max-jobs'),
    parse: asNumber,
  },
  {
    name: 'maxParallelJobs',
    flag: '--max-parallel-jobs',
    type: 'input',
    message: (ctx) => `${ctx.stage.name}: training jobs at once`,
    default: (ctx) => ({ value: String(Math.min(DEFAULT_MAX_PARALLEL_JOBS, typeof ctx.draft.maxJobs === 'number' ? ctx.draft.maxJobs : DEFAULT_MAX_PARALLEL_JOBS)), known: true }),
    validate: checkAs('maxParallelJobs', '--max-parallel-jobs'),
    parse: asNumber,
  },
];
