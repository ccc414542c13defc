/**
 * `--force`: the staged project is merged into a folder that already holds
 * files, file by file. Folders merge; only files the scaffold produced are
 * written; user code the scaffold only offers as a starting point (stage
 * stubs, sample data) is kept when a file is already there; every file that
 * is replaced is moved, not deleted, and ends in a backup folder named in the
 * output.
 *
 * Every step is a rename recorded in a journal, so a failure part-way (a
 * folder the user cannot write, a full disk, a signal) renames everything
 * back: the target ends byte for byte as it was. No library does a journalled
 * multi-file rename, hence this module.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CreateError } from './errors.js';

/** Folders replaced as one unit when both sides have them (merging two dependency trees file by file makes a broken one). */
const WHOLE_FOLDERS = new Set(['node_modules']);
/** Where replaced files go, inside the target. */
export const BACKUP_ROOT = '.legacy-mlops-backup';

export interface MergeOptions {
  /** True for a staged file that must not replace an existing one (user code offered as a sample). */
  readonly keepExisting: (relative: string) => boolean;
  /** Called before each rename: fault injection in tests. */
  readonly beforeStep?: (relative: string) => void;
  /** The backup folder's name under BACKUP_ROOT (default: the current time). */
  readonly stamp?: string;
}

export interface MergeResult {
  /** What was placed, as pathspecs relative to the target (files, or folders that were new as a whole). */
  readonly written: readonly string[];
  /** Files (or whole folders) whose previous version is now in `backupDir`. */
  readonly replaced: readonly string[];
  /** Existing user files left as they were although the scaffold offers its own. */
  readonly kept: readonly string[];
  /** Absolute backup folder; undefined when nothing was replaced. */
  readonly backupDir?: string;
}

/** A merge done, which can still be undone (when what follows it, the `--force` commit, fails or is interrupted). */
export interface PlacedMerge extends MergeResult {
  /** Renames every placed file back to the staging folder and every replaced file back into place; throws (one line) when one cannot be. */
  undo(): void;
}

type Step =
  | { readonly kind: 'new'; readonly rel: string }
  | { readonly kind: 'replace'; readonly rel: string }
  | { readonly kind: 'same' | 'kept'; readonly rel: string };

/** Decides every step before touching anything; a file/folder clash or a symlinked folder is an error naming the path. */
export function planMerge(staging: string, target: string, options: Pick<MergeOptions, 'keepExisting'>): Step[] {
  const steps: Step[] = [];
  const walk = (rel: string) => {
    for (const name of fs.readdirSync(path.join(staging, rel)).sort()) {
      const relative = rel === '' ? name : `${rel}/${name}`;
      const staged = fs.lstatSync(path.join(staging, relative));
      const existing = lstatOrUndefined(path.join(target, relative));
      if (!existing) {
        steps.push({ kind: 'new', rel: relative });
        continue;
      }
      if (staged.isDirectory()) {
        if (existing.isSymbolicLink()) {
          throw new CreateError(`${path.join(target, relative)} is a symbolic link where the project needs a folder (files would be written through it): move it away and rerun`);
        }
        if (!existing.isDirectory()) throw new CreateError(`${path.join(target, relative)} is a file where the project needs a folder: move it away and rerun`);
        if (WHOLE_FOLDERS.has(relative)) steps.push({ kind: 'replace', rel: relative });
        else walk(relative);
        continue;
      }
      if (existing.isDirectory()) throw new CreateError(`${path.join(target, relative)} is a folder where the project writes a file: move it away and rerun`);
      if (existing.isFile() && sameFile(path.join(staging, relative), path.join(target, relative), staged, existing)) steps.push({ kind: 'same', rel: relative });
      else if (options.keepExisting(relative)) steps.push({ kind: 'kept', rel: relative });
      else steps.push({ kind: 'replace', rel: relative });
    }
  };
  walk('');
  return steps;
}

/** Runs the plan; on any failure every rename is undone and the error is rethrown as one line. */
export function mergeIntoPlace(staging: string, target: string, options: MergeOptions): PlacedMerge {
  const steps = planMerge(staging, target, options);
  const replaced = steps.filter((s) => s.kind === 'replace').map((s) => s.rel);
  const journal: (() => void)[] = [];
  // Replaced files wait beside the staging folder (same file system: renames, never copies) until the end.
  const holding = replaced.length > 0 ? fs.mkdtempSync(`${staging}-replaced-`) : undefined;
  let backupDir: string | undefined;
  let current = '';
  try {
    if (holding) {
      // Made first, so a target whose top folder cannot be written fails before any file moves.
      backupDir = path.join(target, BACKUP_ROOT, options.stamp ?? new Date().toISOString().replace(/[:.]/g, '-'));
      mkdirJournalled(target, path.relative(target, path.dirname(backupDir)), journal);
    }
    for (const step of steps) {
      if (step.kind === 'same' || step.kind === 'kept') continue;
      current = step.rel;
      options.beforeStep?.(step.rel);
      const to = path.join(target, step.rel);
      const from = path.join(staging, step.rel);
      if (step.kind === 'replace') {
        const held = path.join(holding!, step.rel);
        fs.mkdirSync(path.dirname(held), { recursive: true });
        fs.renameSync(to, held);
        journal.push(() => fs.renameSync(held, to));
      }
      fs.renameSync(from, to);
      journal.push(() => fs.renameSync(to, from));
    }
    current = BACKUP_ROOT;
    if (holding) {
      fs.renameSync(holding, backupDir!);
      journal.push(() => fs.renameSync(backupDir!, holding));
    }
  } catch (error) {
    const undone = undo(journal);
    if (holding && undone) fs.rmSync(holding, { recursive: true, force: true });
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    const where = path.join(target, current);
    if (!undone) {
      throw new CreateError(`could not write ${where} (${code}) and could not put every file back: the replaced files are in ${holding}`);
    }
    const full = code === 'ENOSPC' ? ': the disk is full' : code === 'EDQUOT' ? ': the disk quota is used up' : '';
    throw new CreateError(`could not write ${where}${full} (${code}); nothing was changed in ${target}: ${hint(code)}`);
  }
  return {
    written: steps.filter((s) => s.kind === 'new' || s.kind === 'replace').map((s) => s.rel),
    replaced,
    kept: steps.filter((s) => s.kind === 'kept').map((s) => s.rel),
    ...(backupDir ? { backupDir } : {}),
    undo: () => {
      if (undo(journal)) {
        if (holding) fs.rmSync(holding, { recursive: true, force: true });
        return;
      }
      const kept = [backupDir, holding].find((dir) => dir && fs.existsSync(dir));
      throw new CreateError(`could not put every file of ${target} back${kept ? `: the previous versions of the replaced files are in ${kept}` : ''}`);
    },
  };
}

function hint(code: string): string {
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return 'make it writable (or choose another directory) and rerun';
  if (code === 'ENOSPC' || code === 'EDQUOT') return 'free some disk space and rerun';
  return 'fix the cause and rerun';
}

/** Makes `rel` (and its missing parents) under `root`, recording each folder it made. */
function mkdirJournalled(root: string, rel: string, journal: (() => void)[]): void {
  let dir = root;
  for (const part of rel.split(path.sep).filter((p) => p !== '')) {
    dir = path.join(dir, part);
    if (lstatOrUndefined(dir)) continue;
    fs.mkdirSync(dir);
    const made = dir;
    journal.push(() => fs.rmdirSync(made));
  }
}

/** Undoes the journal, newest first; false when a step could not be undone. */
function undo(journal: (() => void)[]): boolean {
  let ok = true;
  for (const step of journal.reverse()) {
    try {
      step();
    } catch {
      ok = false;
    }
  }
  return ok;
}

function lstatOrUndefined(file: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(file);
  } catch {
    return undefined;
  }
}

function sameFile(a: string, b: string, sa: fs.Stats, sb: fs.Stats): boolean {
  if (sa.size !== sb.size || (sa.mode & 0o777) !== (sb.mode & 0o777)) return false;
  try {
    return fs.readFileSync(a).equals(fs.readFileSync(b));
  } catch {
    return false;
  }
}
