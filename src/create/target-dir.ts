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

/** A fresh hidden folder beside the target (same file system, so the final move is a rename). */
export function makeStagingDir(target: string): string {
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
  // An existing (empty, or forced) target may be someone's working directory: keep the folder itself.
  for (const entry of fs.readdirSync(staging)) {
    const destination = path.join(target, entry);
    fs.rmSync(destination, { recursive: true, force: true });
    fs.renameSync(path.join(staging, entry), destination);
  }
  fs.rmdirSync(staging);
}

export function removeStaging(staging: string | undefined): void {
  if (staging) fs.rmSync(staging, { recursive: true, force: true });
}
