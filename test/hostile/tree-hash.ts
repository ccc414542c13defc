/**
 * A before/after fingerprint of everything the user owns: kind, mode and content hash of every path
 * (symlinks by their target, never followed), and the two comparisons the hostile cases assert:
 * "unchanged" (refusals) and "nothing lost" (successes).
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** One entry per path under `root`: kind, mode and content hash (symlinks by their target, never followed). */
export type TreeHash = ReadonlyMap<string, string>;

/** Hashes every file, folder and link under each of `paths` (relative to `root`); missing paths are recorded as missing. */
export function hashTree(root: string, paths: readonly string[] = ['.']): TreeHash {
  const out = new Map<string, string>();
  const visit = (rel: string) => {
    const abs = path.join(root, rel);
    let stat: fs.Stats;
    try {
      stat = fs.lstatSync(abs);
    } catch {
      out.set(rel, 'missing');
      return;
    }
    const mode = (stat.mode & 0o7777).toString(8);
    if (stat.isSymbolicLink()) out.set(rel, `link ${fs.readlinkSync(abs)}`);
    else if (stat.isDirectory()) {
      out.set(rel, `dir ${mode}`);
      for (const entry of safeReaddir(abs).sort()) visit(rel === '.' ? entry : path.join(rel, entry));
    } else if (stat.isFile()) out.set(rel, `file ${mode} ${sha256(abs)}`);
    else out.set(rel, `special ${mode} ${stat.isFIFO() ? 'fifo' : stat.isSocket() ? 'socket' : 'device'}`);
  };
  for (const p of paths) visit(path.normalize(p));
  return out;
}

export function safeReaddir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

function sha256(file: string): string {
  try {
    return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
  } catch (error) {
    return `unreadable ${(error as NodeJS.ErrnoException).code}`;
  }
}

/** Human-readable differences between two hashes (empty when equal). */
export function diffTrees(before: TreeHash, after: TreeHash): string[] {
  const lines: string[] = [];
  for (const [p, h] of before) {
    const now = after.get(p);
    if (now === undefined) lines.push(`removed ${p} (${h.split(' ')[0]})`);
    else if (now !== h) lines.push(`changed ${p}: ${h} → ${now}`);
  }
  for (const [p, h] of after) if (!before.has(p)) lines.push(`added ${p} (${h.split(' ')[0]})`);
  return lines;
}

/** Differences that lose something: a file, link or folder that is gone or whose content changed (additions and mode changes of folders are fine). */
export function lostFrom(before: TreeHash, after: TreeHash, mayReplace: readonly string[] = []): string[] {
  const allowed = (p: string) => mayReplace.some((prefix) => p === prefix || p.startsWith(`${prefix}/`));
  const lines: string[] = [];
  for (const [p, h] of before) {
    if (allowed(p)) continue;
    const now = after.get(p);
    if (now === undefined || now === 'missing') {
      if (h !== 'missing') lines.push(`lost ${p} (${h.split(' ')[0]})`);
    } else if (h.startsWith('dir ') ? !now.startsWith('dir ') : now !== h) lines.push(`changed ${p}: ${h} → ${now}`);
  }
  return lines;
}
