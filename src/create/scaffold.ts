/**
 * Writes a new project: everything happens in a staging folder beside the
 * target (legacy scripts copied, `.projenrc.ts` rendered, the projen project
 * synthesized in-process, dependencies installed, first commit), and the
 * result is moved into place last. Any failure removes the staging folder and
 * leaves the target untouched.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PipelineValidationError } from '../model/errors.js';
import type { PipelineOptions } from '../model/types.js';
import { CreateError } from './errors.js';
import { copyRegularFile } from './file-kind.js';
import { gitInit } from './git-init.js';
import type { ImportPlan } from './legacy-import.js';
import { MIGRATION_FILE, renderMigrationReport } from './migration-report.js';
import { npmInstall } from './npm-install.js';
import type { ProgressStream } from './progress.js';
import { PROJENRC_FILE, renderProjenrc, type ProjectDefinition } from './projenrc.js';
import { checkTarget, makeStagingDir, moveIntoPlace, removeStaging } from './target-dir.js';

export type Synthesizer = (options: PipelineOptions & { legacyMlopsVersion?: string }, outdir: string) => unknown;

export interface ScaffoldRequest {
  readonly target: string;
  readonly force: boolean;
  readonly definition: ProjectDefinition;
  readonly imports?: ImportPlan;
  readonly install: boolean;
  readonly git: boolean;
  /** Defaults to the project type's in-process synthesis. */
  readonly synthesize?: Synthesizer;
  /** Where the install progress indicator goes. */
  readonly progress?: ProgressStream;
}

export interface ScaffoldResult {
  /** From the start of writing to every file on disk (before install). */
  readonly filesMs: number;
  readonly installMs?: number;
  readonly notes: readonly string[];
}

export async function scaffold(request: ScaffoldRequest): Promise<ScaffoldResult> {
  const start = Date.now();
  const notes: string[] = [];
  // Checked again here: the folder may have changed while the questions were answered.
  checkTarget(request.target, request.force);
  let staging: string | undefined;
  try {
    staging = makeStagingDir(request.target);
    // The user's scripts first: projen writes stage stubs only where no file exists.
    for (const stage of request.imports?.stages ?? []) {
      for (const file of stage.files) {
        // Checked again at the copy: a file swapped for a pipe since the plan must not hang the run.
        copyRegularFile(file.source, path.join(staging, 'stages', stage.stage, file.target));
      }
    }
    const repository = request.imports?.repository;
    if (repository) {
      // Beside the legacy code, never inside it: files the stage needs that the legacy code lacked.
      for (const extra of repository.generated) writeNew(path.join(staging, 'stages', extra.stage, extra.target), extra.content);
      for (const file of repository.data) copyRegularFile(file.source, path.join(staging, 'data', 'raw', file.target));
      writeNew(path.join(staging, MIGRATION_FILE), renderMigrationReport(repository.source, repository.report));
    }
    fs.writeFileSync(path.join(staging, PROJENRC_FILE), renderProjenrc(request.definition));
    const synthesize = request.synthesize ?? (await loadSynthesizer());
    try {
      synthesize({ ...request.definition.pipeline, legacyMlopsVersion: request.definition.legacyMlopsVersion }, staging);
    } catch (error) {
      if (error instanceof PipelineValidationError) throw new CreateError(error.message);
      throw error;
    }
    const filesMs = Date.now() - start;
    const installMs = request.install ? await npmInstall(staging, request.progress) : undefined;
    if (request.git) {
      const outcome = await gitInit(staging, request.target);
      if (outcome.note) notes.push(outcome.note);
    }
    moveIntoPlace(staging, request.target);
    return { filesMs, installMs, notes };
  } catch (error) {
    removeStaging(staging);
    throw error;
  }
}

function writeNew(file: string, content: string) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content, { flag: 'wx' });
}

async function loadSynthesizer(): Promise<Synthesizer> {
  const { synthesizeProject } = await import('../project/synthesize.js');
  return synthesizeProject as Synthesizer;
}
