/**
 * `arn:aws:states:::sagemaker:createHyperParameterTuningJob.sync` on the local disk: a small set of
 * trials, each a training job run by the training emulator, the objective metric read from each
 * trial's log with the request's MetricDefinitions regex, the best trial reported as BestTrainingJob.
 * Grid runs every combination; Random and Bayesian draw `MaxNumberOfTrainingJobs` points at random
 * (Bayesian's model-guided search is not emulated: said in the log), `MaxParallelTrainingJobs` at a time.
 * The tuning job goes through the same job lifecycle as every emulated job (job-lifecycle.ts).
 * Written by hand: no library emulates SageMaker tuning.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FAILURE_FILES, scriptEntrypoint } from '../../asl/processing-task.js';
import { SCRIPT_HYPERPARAMETERS } from '../../asl/tuning-task.js';
import { STAGE_TAG_KEY, TUNING_JOB_NAME_MAX, sageMakerNamePattern } from '../../model/rules.js';
import type { ResolvedStage } from '../../model/types.js';
import { TaskError, messageOf } from '../errors.js';
import type { LocalRunContext } from '../run-context.js';
import { STOPPED_REASON, runJob, type JobOutcome } from './job-lifecycle.js';
import { SANDBOX_FOLDERS } from './job-sandbox.js';
import { preparedTaskOf, type JobSetting } from './job-support.js';
import { prepareTrainingJob, runTrainingJob, sageMakerArn } from './training-job.js';
import type { PreparedTask, TaskEmulator, TaskHandler, TaskStateRef } from './types.js';

type Obj = Record<string, unknown>;
const asObject = (value: unknown): Obj => (value && typeof value === 'object' ? (value as Obj) : {});

/** Training-job descriptions of every trial, per run, for the DescribeTrainingJob call that follows. */
const TRIALS = new WeakMap<LocalRunContext, Map<string, Obj>>();

/** The training request a tuning definition stands for; script mode's two hyperparameters become the training stage's entrypoint. */
function trainingParameters(definition: Obj, stageName: string): Obj {
  const algorithm = asObject(definition.AlgorithmSpecification);
  const statics = asObject(definition.StaticHyperParameters);
  const { MetricDefinitions: _metrics, ...spec } = algorithm;
  const program = statics[SCRIPT_HYPERPARAMETERS.program];
  const directory = statics[SCRIPT_HYPERPARAMETERS.directory];
  if (typeof program === 'string' && typeof directory === 'string') {
    const stage = { entryScript: program, codeDir: `stages/${stageName}` } as ResolvedStage;
    spec.ContainerEntrypoint = scriptEntrypoint(stage, directory, FAILURE_FILES.training);
  }
  const { StaticHyperParameters: _s, ...rest } = definition;
  return { ...rest, AlgorithmSpecification: spec };
}

const TUNING_JOB_NAME_PATTERN = sageMakerNamePattern(TUNING_JOB_NAME_MAX);

export const tuningJobEmulator: TaskEmulator = {
  emulates: 'SageMaker hyperparameter tuning job (trials run as local training jobs)',
  async prepare(state: TaskStateRef, run: LocalRunContext): Promise<PreparedTask> {
    const parameters = asObject(state.definition.Parameters);
    const tags = parameters.Tags;
    const definition = trainingParameters(asObject(parameters.TrainingJobDefinition), stageNameOf(tags) ?? state.name);
    const setting = await prepareTrainingJob({ ...state, definition: { ...state.definition, Parameters: { ...definition, Tags: tags } } }, run);
    return { handler: (request) => runTuningJob(request, setting, (trial) => runTrainingJob(trial, setting)), ...preparedTaskOf(setting) };
  },
};

function stageNameOf(tags: unknown): string | undefined {
  const value = (Array.isArray(tags) ? tags : []).map(asObject).find((t) => t.Key === STAGE_TAG_KEY)?.Value;
  return value === undefined ? undefined : String(value);
}

interface Trial {
  readonly name: string;
  readonly hyperparameters: Record<string, string>;
  status?: 'Completed' | 'Failed';
  value?: number;
  description?: Obj;
  failure?: string;
}

/**
 * One tuning job through the shared job lifecycle (stop check, its name reserved under jobs/, the
 * status mapped to the `.sync` result); its work is the trials, each a training job `runTraining`
 * runs and records. The tuning job itself is not recorded: its trials are the report's jobs.
 */
export async function runTuningJob(value: unknown, setting: JobSetting, runTraining: TaskHandler): Promise<unknown> {
  const { run, state } = setting;
  const request = asObject(value);
  const name = String(request.HyperParameterTuningJobName ?? '');
  if (!TUNING_JOB_NAME_PATTERN.test(name)) throw new TaskError('SageMaker.ValidationException', `HyperParameterTuningJobName '${name}' must be 1-${TUNING_JOB_NAME_MAX} letters, digits or hyphens`);
  const config = asObject(request.HyperParameterTuningJobConfig);
  const definition = asObject(request.TrainingJobDefinition);
  const objective = asObject(config.HyperParameterTuningJobObjective);
  const metric = String(objective.MetricName);
  const metricDefinition = (asObject(definition.AlgorithmSpecification).MetricDefinitions as Obj[] | undefined)?.find((m) => m.Name === metric);
  if (!metricDefinition) throw new TaskError('SageMaker.ValidationException', `no MetricDefinitions entry names the objective metric '${metric}'`);
  const regex = new RegExp(String(metricDefinition.Regex), 'g');
  const limits = asObject(config.ResourceLimits);
  const parallel = Number(limits.MaxParallelTrainingJobs ?? 1);
  const strategy = String(config.Strategy);
  const points = strategy === 'Grid' ? gridPoints(asObject(config.ParameterRanges)) : randomPoints(asObject(config.ParameterRanges), Number(limits.MaxNumberOfTrainingJobs ?? 1), name);
  const statics = asObject(definition.StaticHyperParameters) as Record<string, string>;
  const tuned = (hyperparameters: Record<string, string>) => pick(hyperparameters, Object.keys(hyperparameters).filter((k) => !(k in statics)));
  const base = trainingParameters(definition, stageNameOf(request.Tags) ?? state.name);
  const trials: Trial[] = points.map((point, i) => ({ name: `${name}-${String(i + 1).padStart(3, '0')}-${hex8(name, i)}`, hyperparameters: { ...statics, ...point } }));
  const jobArn = sageMakerArn(String(definition.RoleArn), String(asObject(definition.AlgorithmSpecification).TrainingImage), 'hyper-parameter-tuning-job', name);
  let best: (Trial & { value: number }) | undefined;

  const describe = (outcome: JobOutcome): Obj => {
    const { Tags: _tags, ...described } = request;
    const count = (status: Trial['status']) => trials.filter((t) => t.status === status).length;
    return {
      ...described,
      HyperParameterTuningJobArn: jobArn,
      HyperParameterTuningJobStatus: outcome.status,
      ...(outcome.failureReason !== undefined ? { FailureReason: outcome.failureReason } : {}),
      TrainingJobStatusCounters: { Completed: count('Completed'), Failed: count('Failed'), InProgress: 0, Stopped: 0, RetryableError: 0, NonRetryableError: 0 },
      CreationTime: outcome.createdAt,
      HyperParameterTuningEndTime: outcome.endedAt,
      ...(best
        ? {
            BestTrainingJob: {
              TrainingJobName: best.name,
              TrainingJobArn: best.description?.TrainingJobArn,
              TrainingJobStatus: 'Completed',
              TunedHyperParameters: tuned(best.hyperparameters),
              FinalHyperParameterTuningJobObjectiveMetric: { Type: objective.Type, MetricName: metric, Value: best.value },
            },
          }
        : {}),
    };
  };

  return runJob(setting, { jobName: name, jobArn, recorded: false, sandboxFolders: SANDBOX_FOLDERS.tuning, describe }, async () => {
    const startedAt = Date.now();
    if (strategy === 'Bayesian') run.log(`  ${state.name}: Bayesian search is emulated locally by random points (${points.length} trials)`);
    // MaxParallelTrainingJobs at a time; a stop launches no further trials.
    for (let start = 0; start < trials.length && !run.signal.aborted; start += parallel) {
      await Promise.all(
        trials.slice(start, start + parallel).map(async (trial) => {
          try {
            trial.description = asObject(await runTraining({ ...base, TrainingJobName: trial.name, HyperParameters: trial.hyperparameters }));
            trial.status = 'Completed';
            trial.value = lastMetric(run.runDir, trial.name, regex);
            if (trial.value === undefined) trial.failure = `the objective metric '${metric}' was not found in the log with ${String(metricDefinition.Regex)}`;
          } catch (error) {
            trial.status = 'Failed';
            trial.failure = messageOf(error);
          }
          run.log(`  ${state.name}: trial ${trial.name} ${JSON.stringify(tuned(trial.hyperparameters))} → ${trial.value !== undefined ? `${metric}=${trial.value}` : `no ${metric} (${trial.failure?.slice(0, 200)})`}`);
        }),
      );
    }
    const known = TRIALS.get(run) ?? new Map<string, Obj>();
    TRIALS.set(run, known);
    for (const trial of trials) if (trial.description) known.set(trial.name, { ...trial.description, TuningJobArn: jobArn, ...(trial.value !== undefined ? { FinalMetricDataList: [{ MetricName: metric, Value: trial.value }] } : {}) });
    if (run.signal.aborted) return { status: 'Stopped', startedAt, scriptMs: 0, failureReason: STOPPED_REASON };
    const scored = trials.filter((t): t is Trial & { value: number } => t.value !== undefined);
    if (scored.length === 0) {
      return { status: 'Failed', startedAt, scriptMs: 0, failureReason: `No training job reported the objective metric '${metric}': ${trials.map((t) => `${t.name}: ${t.failure}`).join('; ')}` };
    }
    const maximize = objective.Type === 'Maximize';
    best = scored.reduce((a, b) => ((maximize ? b.value > a.value : b.value < a.value) ? b : a));
    run.log(`  ${state.name}: best trial ${best.name} with ${metric}=${best.value} (${objective.Type}, ${scored.length} of ${trials.length} trials scored)`);
    return { status: 'Completed', startedAt, scriptMs: 0 };
  });
}

/** `aws-sdk:sagemaker:describeTrainingJob`: the description of a training job this run's tuning jobs ran. */
export const describeTrainingJobEmulator: TaskEmulator = {
  emulates: 'SageMaker DescribeTrainingJob (AWS SDK) on a locally run tuning trial',
  async prepare(state: TaskStateRef, run: LocalRunContext): Promise<PreparedTask> {
    return {
      handler: async (value) => {
        const name = String(asObject(value).TrainingJobName);
        const found = TRIALS.get(run)?.get(name);
        // The AWS SDK integration names the service's error code with the service prefix.
        if (!found) throw new TaskError('SageMaker.ValidationException', `Requested resource not found: training job ${name} (not run in this local execution)`);
        run.log(`  ${state.name}: described ${name}`);
        return found;
      },
    };
  },
};

/** The last value the metric regex's first group captures in the trial's stdout and stderr (SageMaker reads the log stream). */
function lastMetric(runDir: string, jobName: string, regex: RegExp): number | undefined {
  let last: number | undefined;
  for (const file of ['stdout.log', 'stderr.log']) {
    const path = join(runDir, 'jobs', jobName, file);
    if (!existsSync(path)) continue;
    for (const match of readFileSync(path, 'utf8').matchAll(regex)) {
      const value = Number(match[1]);
      if (Number.isFinite(value)) last = value;
    }
  }
  return last;
}

function gridPoints(ranges: Obj): Record<string, string>[] {
  const categorical = ((ranges.CategoricalParameterRanges as Obj[] | undefined) ?? []).map((r) => ({ name: String(r.Name), values: (r.Values as string[]) ?? [] }));
  return categorical.reduce<Record<string, string>[]>((points, range) => points.flatMap((p) => range.values.map((v) => ({ ...p, [range.name]: v }))), [{}]);
}

function randomPoints(ranges: Obj, count: number, seed: string): Record<string, string>[] {
  const random = mulberry32(hash(seed));
  const numeric = (list: unknown, integer: boolean) =>
    ((list as Obj[] | undefined) ?? []).map((r) => ({ name: String(r.Name), min: Number(r.MinValue), max: Number(r.MaxValue), log: r.ScalingType === 'Logarithmic', integer }));
  const all = [...numeric(ranges.IntegerParameterRanges, true), ...numeric(ranges.ContinuousParameterRanges, false)];
  const categorical = ((ranges.CategoricalParameterRanges as Obj[] | undefined) ?? []).map((r) => ({ name: String(r.Name), values: (r.Values as string[]) ?? [] }));
  return Array.from({ length: count }, () => {
    const point: Record<string, string> = {};
    for (const r of all) {
      const u = random();
      const x = r.log ? Math.exp(Math.log(r.min) + u * (Math.log(r.max) - Math.log(r.min))) : r.min + u * (r.max - r.min + (r.integer ? 1 : 0));
      point[r.name] = r.integer ? String(Math.min(r.max, Math.max(r.min, r.log ? Math.round(x) : Math.floor(x)))) : String(Number(x.toPrecision(6)));
    }
    for (const r of categorical) point[r.name] = r.values[Math.floor(random() * r.values.length)];
    return point;
  });
}

function pick(values: Record<string, string>, keys: string[]): Record<string, string> {
  return Object.fromEntries(keys.map((k) => [k, values[k]]));
}

function hash(text: string): number {
  let h = 2166136261;
  for (const c of text) h = Math.imul(h ^ c.charCodeAt(0), 16777619);
  return h >>> 0;
}

function hex8(name: string, i: number): string {
  return hash(`${name}/${i}`).toString(16).padStart(8, '0');
}

/** A small seeded generator, so a run's trials are reproducible from the tuning job's name. */
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
