/**
 * Synthesis never writes through a symbolic link that leads out of the repository or nowhere:
 * projen (and Node's fs) follow links when they write, so a dangling `stages/x/x.py` link would
 * have its stub written wherever the link points. Checked for every file synthesis may write,
 * before anything is written or cleaned up.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Refused synthesis: one line naming the link. Printed without a stack by `npx projen`. */
export class SynthesisRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SynthesisRefusedError';
  }
}

/** Throws {@link SynthesisRefusedError} naming the first unsafe link on the way to any of `files` (relative to `outdir`). */
export function refuseUnsafeLinks(outdir: string, files: readonly string[]): void {
  const root = realpathOrSelf(outdir);
  const checked = new Set<string>();
  for (const file of files) {
    const parts = path.normalize(file).split(path.sep).filter((p) => p !== '' && p !== '.');
    let rel = '';
    for (const part of parts) {
      rel = rel ? path.join(rel, part) : part;
      if (checked.has(rel)) continue;
      checked.add(rel);
      const problem = linkProblem(path.join(outdir, rel), root);
      if (problem) {
        const what = rel === parts.join(path.sep) ? `npx projen refused: ${rel}` : `npx projen refused to write ${file}: ${rel}`;
        throw new SynthesisRefusedError(`${what} is a symbolic link to ${problem}; remove the link (or point it inside the repository) and run npx projen again`);
      }
      if (!fs.existsSync(path.join(outdir, rel))) break;
    }
  }
}

function linkProblem(abs: string, root: string): string | undefined {
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(abs);
  } catch {
    return undefined;
  }
  if (!stat.isSymbolicLink()) return undefined;
  const target = fs.readlinkSync(abs);
  let real: string;
  try {
    real = fs.realpathSync(abs);
  } catch {
    return `${target}, which does not exist`;
  }
  const inside = path.relative(root, real);
  if (inside === '' || inside.startsWith('..') || path.isAbsolute(inside)) return `${target}, outside the repository`;
  return undefined;
}

function realpathOrSelf(dir: string): string {
  try {
    return fs.realpathSync(dir);
  } catch {
    return path.resolve(dir);
  }
}
