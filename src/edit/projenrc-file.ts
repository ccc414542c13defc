/**
 * The file-system side of editing a generated repo: checks made before the first question (can the
 * edit be written at all?), the write itself, and file-system errors turned into one line that names
 * the file and what to do, instead of an errno stack (yo would even crash on one: it exits with the
 * error's `code`, which Node rejects when it is a string like 'EACCES').
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CreateError } from '../create/errors.js';

const WHAT_TO_DO: Readonly<Record<string, string>> = {
  EACCES: 'permission denied: make it writable (chmod u+w) or run as its owner',
  EPERM: 'operation not permitted: make it writable or run as its owner',
  EROFS: 'the file system is read-only: work in a writable copy of the repo',
  ENOSPC: 'the disk is full: free some space',
  EDQUOT: 'the disk quota is used up: free some space',
  EISDIR: 'it is a folder, not a file',
  ENOENT: 'it does not exist',
  ELOOP: 'it is a symlink loop',
};

/** A file-system error (errno `code`) as one line naming the file; other errors unchanged. */
export function fileSystemError(error: unknown, doing: string, file?: string): unknown {
  const e = error as NodeJS.ErrnoException;
  if (error instanceof CreateError || typeof e?.code !== 'string' || !e.syscall) return error;
  const where = file ?? e.path ?? '';
  return new CreateError(`cannot ${doing} ${where}: ${WHAT_TO_DO[e.code] ?? `${e.code} on ${e.syscall}`}; nothing was written`);
}

/** Reads a file as UTF-8 text, or a one-line refusal. */
export function readText(file: string, what = 'read'): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw fileSystemError(error, what, file);
  }
}

export interface WritableCheck {
  /** `.projenrc.ts`, which the edit rewrites in place. */
  readonly projenrc: string;
  /** Folders the run writes into besides it (the repo root when synthesizing; stages/ when importing). */
  readonly folders: readonly string[];
}

/**
 * Refuses before any question when the edit could not be written: a `.projenrc.ts` without write
 * permission (or with every write bit cleared: the owner meant it read-only, even for root), or a
 * folder the run must write into that is not writable.
 */
export function assertWritable(check: WritableCheck): void {
  const rel = path.basename(check.projenrc);
  const mode = fs.statSync(check.projenrc).mode;
  if ((mode & 0o222) === 0 || !accessible(check.projenrc)) {
    throw new CreateError(`${check.projenrc} is read-only: make it writable (chmod u+w ${rel}) and run the command again; nothing was written`);
  }
  for (const folder of check.folders) {
    const existing = nearestExisting(folder);
    if (!accessible(existing)) {
      throw new CreateError(`${existing} is not writable: make it writable (chmod u+w) or run as its owner, then run the command again; nothing was written`);
    }
  }
}

function accessible(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

function nearestExisting(folder: string): string {
  let dir = folder;
  while (!fs.existsSync(dir) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
}

/**
 * Writes the edited `.projenrc.ts` in place (its owner, mode and links stay); when the write fails
 * part-way (a full disk), the original text is put back before the one-line error.
 */
export function writeProjenrc(file: string, source: string, original: string): void {
  try {
    fs.writeFileSync(file, source);
  } catch (error) {
    try {
      fs.writeFileSync(file, original);
    } catch {
      throw new CreateError(`cannot write ${file} (${(error as NodeJS.ErrnoException).code}) and could not put its old text back: restore it from git (git checkout -- ${path.basename(file)})`);
    }
    throw fileSystemError(error, 'write', file);
  }
}
