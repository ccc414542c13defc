/**
 * Builds a folder shaped like a generated repo (pipeline files, stage code, sample data) without projen,
 * for the local-run tests, and captures a local run's progress output.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { buildStateMachine } from '../../src/asl/index.js';
import { buildExecutionInput, buildExecutionInputSchema } from '../../src/input/index.js';
import { resolvePipeline, type PipelineOptions, type ResolvedPipeline } from '../../src/model/index.js';
import { PIPELINE_FILES } from '../../src/model/repo-layout.js';
import { renderSampleData, renderStageFiles } from '../../src/stages/index.js';
import { runPipelineLocally, type LocalRunOptions } from '../../src/local/index.js';

/** Debian's python3 has pandas; pyenv's default python3 here does not. */
export const PYTHON = process.env.LEGACY_MLOPS_PYTHON ?? '/usr/bin/python3';

export interface GeneratedRepo {
  readonly dir: string;
  readonly pipeline: ResolvedPipeline;
  write(path: string, content: string): void;
  read(path: string): string;
  readJson<T = Record<string, unknown>>(path: string): T;
}

export function generatedRepo(options: Partial<PipelineOptions> = {}): GeneratedRepo {
  const pipeline = resolvePipeline({ name: 'demo', region: 'eu-west-1', account: '111122223333', ...options });
  const dir = mkdtempSync(join(tmpdir(), 'legacy-mlops-local-'));
  const write = (path: string, content: string) => {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  };
  write(PIPELINE_FILES.stateMachine, JSON.stringify(buildStateMachine(pipeline), null, 2));
  write(PIPELINE_FILES.executionInput, JSON.stringify(buildExecutionInput(pipeline), null, 2));
  write(PIPELINE_FILES.executionInputSchema, JSON.stringify(buildExecutionInputSchema(pipeline), null, 2));
  for (const stage of pipeline.stages) for (const file of renderStageFiles(stage, pipeline)) write(file.path, file.content);
  for (const file of renderSampleData(pipeline)) write(file.path, file.content);
  const read = (path: string) => readFileSync(join(dir, path), 'utf8');
  return { dir, pipeline, write, read, readJson: <T>(path: string) => JSON.parse(read(path)) as T };
}

/** Runs the pipeline with the test interpreter, collecting the progress lines. */
export async function runQuietly(repo: GeneratedRepo, options: Partial<LocalRunOptions> = {}) {
  const lines: string[] = [];
  const report = await runPipelineLocally({ repoRoot: repo.dir, python: PYTHON, log: (line) => lines.push(line), ...options });
  return { report, output: lines.join('\n') };
}

/** Parses a small CSV without quoted fields (all the sample files use). */
export function parseCsv(text: string): Record<string, string>[] {
  const [header, ...rows] = text.trim().split(/\r?\n/).map((line) => line.split(','));
  return rows.map((row) => Object.fromEntries(header.map((name, i) => [name, row[i] ?? ''])));
}
