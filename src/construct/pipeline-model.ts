/**
 * `pipeline/pipeline-model.json`: the resolved model of every environment, written by the project
 * type and read by the generated CDK app (`src/main.ts`) and by `legacy-mlops start`. Resolving
 * once at `npx projen` time means the app and `start` never re-validate, and cannot disagree.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolvePipeline } from '../model/resolve.js';
import type { PipelineOptions, ResolvedEnvironment, ResolvedPipeline } from '../model/types.js';

export const PIPELINE_MODEL_FILE = 'pipeline/pipeline-model.json';
export const PIPELINE_MODEL_VERSION = 1;

export interface EnvironmentPipeline {
  readonly environment: ResolvedEnvironment;
  /** The model resolved in this environment's account and region (bucket, role ARNs, framework images). */
  readonly pipeline: ResolvedPipeline;
}

export interface PipelineModelFile {
  readonly version: typeof PIPELINE_MODEL_VERSION;
  /** In promotion order. */
  readonly environments: readonly EnvironmentPipeline[];
}

export function buildPipelineModel(options: PipelineOptions): PipelineModelFile {
  const model = resolvePipeline(options);
  return {
    version: PIPELINE_MODEL_VERSION,
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
  if (model.version !== PIPELINE_MODEL_VERSION || !Array.isArray(model.environments) || model.environments.length === 0) {
    throw new Error(`${PIPELINE_MODEL_FILE} was written by another version of legacy-mlops: run 'npx projen' to regenerate it`);
  }
  return model;
}

/** The named environment, or the first one (the one deployed first). */
export function selectEnvironment(model: PipelineModelFile, name?: string): EnvironmentPipeline {
  if (name === undefined) return model.environments[0];
  const found = model.environments.find((e) => e.environment.name === name);
  if (!found) throw new Error(`no environment '${name}' (environments: ${model.environments.map((e) => e.environment.name).join(', ')})`);
  return found;
}
