/**
 * Writes a new project: everything happens in a staging folder (legacy
 * scripts copied, `.projenrc.ts` rendered, the projen project synthesized
 * in-process, dependencies installed), and the result is moved into place
 * last: one rename for a new folder, a journalled merge for a folder that
 * already holds files (`--force`). Any failure, or a signal, removes the
 * staging folder and leaves the target untouched.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PipelineValidationError } from '../model/errors.js';
import type { PipelineOptions } from '../model/types.js';
import { CreateError } from './errors.js';
import { copyRegularFile } from './file-kind.js';
import { gitCommitOnto } from './git-commit-onto.js';
import { GitDiskFull, gitInit } from './git-init.js';
import { cleanUpNow, interruptionPoint, markWritten, trackFolder, trackRollback } from './interrupts.js';
import { mergeIntoPlace, type MergeResult } from './merge-into-place.js';
import type { ImportPlan } from './legacy-import.js';
import { MIGRATION_FILE, renderMigrationReport } from './migration-report.js';
import { npmInstall } from './npm-install.js';
import type { ProgressStream } from './progress.js';
import { PROJENRC_FILE, declaredPipeline, renderProjenrc, type ProjectDefinition } from './projenrc.js';
import { checkTarget, hasEntries, makeStagingDir, moveIntoPlace, removeStaging } from './target-dir.js';
import { RAW_DATA_DIR, stageDir } from '../model/repo-layout.js';

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
  /** What `--force` did in a folder that held files. */
  readonly merged?: MergeResult;
}

export async function scaffold(request: ScaffoldRequest): Promise<ScaffoldResult> {
  const start = Date.now();
  const notes: string[] = [];
  // Checked again here: the folder may have changed while the questions were answered.
  checkTarget(request.target, request.force);
  // Into a folder that holds files: staged inside it, so every move is a rename on one file system (even on a mount point).
  const merging = hasEntries(request.target);
  let staging: string | undefined;
  let untrack: () => void = () => undefined;
  try {
    staging = makeStagingDir(request.target, merging);
    untrack = trackFolder(staging);
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
      // Exactly what .projenrc.ts declares, so that the first `npx projen` (and validate's drift check) finds nothing to change.
      synthesize({ ...declaredPipeline(request.definition.pipeline), legacyMlopsVersion: request.definition.legacyMlopsVersion }, staging);
    } catch (error) {
      if (error instanceof PipelineValidationError) throw new CreateError(error.message);
      throw error;
    }
    const filesMs = Date.now() - start;
    const installMs = request.install ? await npmInstall(staging, request.progress) : undefined;
    if (!merging) {
      if (request.git) {
        const outcome = await gitInit(staging, request.target);
        if (outcome.note) notes.push(outcome.note);
      }
      await interruptionPoint();
      moveIntoPlace(staging, request.target);
      markWritten(request.target);
      untrack();
      return { filesMs, installMs, notes };
    }
    await interruptionPoint();
    const placed = mergeIntoPlace(staging, request.target, { keepExisting: offeredOnce(staging, request.imports) });
    // Until the commit is done, a signal or a failure undoes the merge (the staging folder takes the files back).
    const keepMerge = trackRollback(() => placed.undo());
    if (request.git) {
      const outcome = await gitCommitOnto(request.target, placed.written);
      if (outcome.failure) {
        const what = /no space left on device/i.test(outcome.failure) ? 'Free some disk space and rerun' : 'Fix the cause and rerun';
        throw new CreateError(`${outcome.failure}: put back every file the scaffold had written; nothing was changed in ${request.target}. ${what}, or rerun with --no-git`);
      }
      if (outcome.note) notes.push(outcome.note);
    }
    keepMerge();
    markWritten(request.target);
    removeStaging(staging);
    untrack();
    notes.unshift(...describeMerge(placed, request.target));
    return { filesMs, installMs, notes, merged: placed };
  } catch (error) {
    // Rollbacks first (they move files back into the staging folder), then the staging folder goes.
    const failures = cleanUpNow();
    removeStaging(staging);
    untrack();
    if (failures.length > 0) throw new CreateError(failures[0]);
    if (error instanceof GitDiskFull) {
      throw new CreateError(`${error.message}: removed the partial project; nothing was changed in ${request.target}: free some disk space and rerun, or rerun with --no-git`);
    }
    throw asCreateError(error, request.target);
  }
}

/**
 * Files the scaffold only offers as a starting point (stage stubs, requirements, Dockerfiles, sample
 * data): projen writes them once and never again, so `--force` keeps the user's copy too. Everything
 * projen manages, `.projenrc.ts`, `package.json` and the scripts imported with `--from` are written.
 */
function offeredOnce(staging: string, imports: ImportPlan | undefined): (relative: string) => boolean {
  const managed = new Set<string>(readManaged(staging));
  for (const stage of imports?.stages ?? []) for (const file of stage.files) managed.add(`${stageDir(stage.stage)}/${file.target}`);
  for (const file of imports?.repository?.data ?? []) managed.add(`${RAW_DATA_DIR}/${file.target}`);
  for (const file of [PROJENRC_FILE, MIGRATION_FILE, 'package.json', 'package-lock.json', '.projen/files.json']) managed.add(file);
  return (relative) => !managed.has(relative) && !relative.startsWith('node_modules/');
}

function readManaged(staging: string): string[] {
  try {
    return (JSON.parse(fs.readFileSync(path.join(staging, '.projen/files.json'), 'utf8')) as { files?: string[] }).files ?? [];
  } catch {
    return [];
  }
}

/** Lines that say what `--force` did: every replaced file and where its previous version is. */
export function describeMerge(merged: MergeResult, target: string): string[] {
  const lines: string[] = [];
  if (merged.replaced.length > 0) {
    lines.push(`Replaced ${merged.replaced.length} file${merged.replaced.length === 1 ? '' : 's'}; the previous versions are in ${merged.backupDir}: ${merged.replaced.join(', ')}`);
  }
  if (merged.kept.length > 0) lines.push(`Kept your existing ${merged.kept.join(', ')} (user code is never overwritten)`);
  if (merged.written.length === 0) lines.push(`${target} already held every file of the project: nothing was written`);
  return lines;
}

function writeNew(file: string, content: string) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content, { flag: 'wx' });
}

async function loadSynthesizer(): Promise<Synthesizer> {
  const { synthesizeProject } = await import('../project/synthesize.js');
  return synthesizeProject as Synthesizer;
}

/** A file-system error while staging (full disk, no permission) as one line that says what to fix; others unchanged. */
function asCreateError(error: unknown, target: string): unknown {
  const e = error as NodeJS.ErrnoException;
  if (error instanceof CreateError || !e?.code || !e.syscall) return error;
  const hints: Record<string, string> = { ENOSPC: 'free some disk space', EDQUOT: 'free some disk space (quota)', EACCES: 'make it writable', EPERM: 'make it writable', EROFS: 'choose a writable place' };
  const where = e.path ? ` ${e.path}` : '';
  const full = e.code === 'ENOSPC' ? ': the disk is full' : e.code === 'EDQUOT' ? ': the disk quota is used up' : '';
  return new CreateError(`could not write the project${full} (${e.code} on ${e.syscall}${where}); nothing was changed in ${target}: ${hints[e.code] ?? 'fix the cause'} and rerun`);
}
