/**
 * The target folder: refused when it holds anything (unless forced), built
 * next to itself in a hidden staging folder, and only then moved into place,
 * so a failure midway leaves it exactly as it was.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CreateError } from './errors.js';

/** Throws when the target cannot receive a new project. */
export function checkTarget(target: string, force: boolean): void {
  let entries: string[];
  try {
    const stat = fs.statSync(target);
    if (!stat.isDirectory()) throw new CreateError(`${target} exists and is not a folder: choose another directory`);
    entries = fs.readdirSync(target);
  } catch (error) {
    if (error instanceof CreateError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return;
    throw new CreateError(`cannot read ${target} (${code}): choose another directory`);
  }
  if (entries.length > 0 && !force) {
    const shown = entries.slice(0, 3).join(', ') + (entries.length > 3 ? ', …' : '');
    throw new CreateError(`${target} is not empty (${shown}): choose a new directory, or pass --force to write into it`);
  }
}

/** Whether `target` is a folder holding anything. */
export function hasEntries(target: string): boolean {
  try {
    return fs.readdirSync(target).length > 0;
  } catch {
    return false;
  }
}

/**
 * A fresh hidden folder on the target's file system, so the final moves are renames: beside a new
 * target (one rename), inside a target that already holds files (a merge; the target may be a mount point).
 */
export function makeStagingDir(target: string, inside = false): string {
  if (inside) return fs.mkdtempSync(path.join(target, '.legacy-mlops-staging-'));
  const parent = path.dirname(target);
  fs.mkdirSync(parent, { recursive: true });
  return fs.mkdtempSync(path.join(parent, `.${path.basename(target)}.legacy-mlops-`));
}

/** Moves the staged project into the target: one rename when the target is new, else entry by entry. */
export function moveIntoPlace(staging: string, target: string): void {
  if (!fs.existsSync(target)) {
    fs.renameSync(staging, target);
    return;
  }
  // An existing empty target may be someone's working directory: keep the folder itself. A file that
  // appeared since the check is never replaced here (rename would): the user sees an error instead.
  const moved: string[] = [];
  try {
    for (const entry of fs.readdirSync(staging)) {
      const destination = path.join(target, entry);
      if (fs.existsSync(destination)) throw new CreateError(`${destination} appeared while the project was being created: move it away and rerun`);
      fs.renameSync(path.join(staging, entry), destination);
      moved.push(entry);
    }
  } catch (error) {
    // Back to the staging folder (removed by the caller): the target is empty again.
    for (const entry of moved.reverse()) fs.renameSync(path.join(target, entry), path.join(staging, entry));
    if (error instanceof CreateError) throw error;
    throw new CreateError(`could not move the project into ${target} (${(error as NodeJS.ErrnoException).code}); nothing was changed there`);
  }
  fs.rmdirSync(staging);
}

export function removeStaging(staging: string | undefined): void {
  if (staging) fs.rmSync(staging, { recursive: true, force: true });
}
