/**
 * `pipeline/pipeline-model.json`: the resolved model of every environment, written by the project
 * type and read by the generated CDK app (`src/main.ts`), `legacy-mlops start` and `validate`.
 * It also holds the options it was resolved from: a reader resolves them again (every model rule
 * applies) and refuses a file whose resolved part says anything else, so a hand-edited model
 * (an entry script like `../../../etc/x.py`, another account's role) never reaches a deployment.
 */
import { isDeepStrictEqual } from 'node:util';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PipelineValidationError } from '../model/errors.js';
import { PIPELINE_FILES } from '../model/repo-layout.js';
import { resolvePipeline } from '../model/resolve.js';
import type { PipelineOptions, ResolvedEnvironment, ResolvedPipeline } from '../model/types.js';

/** Public name of the model file's path (see src/model/repo-layout.ts). */
export const PIPELINE_MODEL_FILE = PIPELINE_FILES.pipelineModel;
export const PIPELINE_MODEL_VERSION = 1;

export interface EnvironmentPipeline {
  readonly environment: ResolvedEnvironment;
  /** The model resolved in this environment's account and region (bucket, role ARNs, framework images). */
  readonly pipeline: ResolvedPipeline;
}

export interface PipelineModelFile {
  readonly version: typeof PIPELINE_MODEL_VERSION;
  /** The pipeline options of `.projenrc.ts` the environments were resolved from. */
  readonly options: PipelineOptions;
  /** In promotion order. */
  readonly environments: readonly EnvironmentPipeline[];
}

/** `resolved`: the model already resolved from `options` (the project type resolves once per synthesis). */
export function buildPipelineModel(options: PipelineOptions, resolved?: ResolvedPipeline): PipelineModelFile {
  const model = resolved ?? resolvePipeline(options);
  return {
    version: PIPELINE_MODEL_VERSION,
    options: JSON.parse(JSON.stringify(options)) as PipelineOptions,
    environments: model.environments.map((environment) => ({
      environment,
      pipeline:
        environment.account === model.account && environment.region === model.region
          ? model
          : resolvePipeline({ ...options, account: environment.account, region: environment.region }),
    })),
  };
}

export function readPipelineModel(projectDir: string): PipelineModelFile {
  const file = join(projectDir, PIPELINE_MODEL_FILE);
  let model: PipelineModelFile;
  try {
    model = JSON.parse(readFileSync(file, 'utf8')) as PipelineModelFile;
  } catch (error) {
    throw new Error(`cannot read ${PIPELINE_MODEL_FILE} (run 'npx projen' first): ${error instanceof Error ? error.message : String(error)}`);
  }
  if (model?.version !== PIPELINE_MODEL_VERSION || !Array.isArray(model.environments) || model.environments.length === 0 || typeof model.options !== 'object') {
    throw new Error(`${PIPELINE_MODEL_FILE} was written by another version of legacy-mlops: run 'npx projen' to regenerate it`);
  }
  const problem = pipelineModelProblem(model);
  if (problem) throw new Error(`${PIPELINE_MODEL_FILE} ${problem}`);
  return model;
}

/**
 * Why a model file cannot be trusted, or undefined: its options must pass every model rule, and its
 * environments must be exactly what they resolve to.
 */
export function pipelineModelProblem(model: PipelineModelFile): string | undefined {
  let expected: PipelineModelFile;
  try {
    expected = buildPipelineModel(model.options);
  } catch (error) {
    if (!(error instanceof PipelineValidationError)) throw error;
    const first = error.problems[0];
    return `holds an invalid model (${first.path}: ${first.message}): fix .projenrc.ts and run 'npx projen'`;
  }
  // As written to JSON (undefined members dropped).
  const where = firstDifference(JSON.parse(JSON.stringify(expected.environments)), model.environments, 'environments');
  return where ? `was edited by hand (${where} is not what its options resolve to): run 'npx projen' to regenerate it` : undefined;
}

/** The path of the first value that differs between two JSON values, or undefined when equal. */
export function firstDifference(expected: unknown, actual: unknown, at: string): string | undefined {
  if (isDeepStrictEqual(expected, actual)) return undefined;
  if (typeof expected !== 'object' || expected === null || typeof actual !== 'object' || actual === null || Array.isArray(expected) !== Array.isArray(actual)) return at;
  const keys = new Set([...Object.keys(expected), ...Object.keys(actual)]);
  for (const key of keys) {
    const e = (expected as Record<string, unknown>)[key];
    const a = (actual as Record<string, unknown>)[key];
    const named = (a as { name?: unknown } | undefined)?.name ?? (e as { name?: unknown } | undefined)?.name;
    const next = Array.isArray(expected) ? `${at}[${key}]${typeof named === 'string' ? ` (${named})` : ''}` : `${at}.${key}`;
    const inner = firstDifference(e, a, next);
    if (inner) return inner;
  }
  return at;
}

/** The named environment, or the first one (the one deployed first). */
export function selectEnvironment(model: PipelineModelFile, name?: string): EnvironmentPipeline {
  if (name === undefined) return model.environments[0];
  const found = model.environments.find((e) => e.environment.name === name);
  if (!found) throw new Error(`no environment '${name}' (environments: ${model.environments.map((e) => e.environment.name).join(', ')})`);
  return found;
}
