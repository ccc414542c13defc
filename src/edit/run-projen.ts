/**
 * `npx projen` in a generated repo's root, as the user would run it, after `.projenrc.ts` changed.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { execa } from 'execa';
import { PACKAGE_NAME } from '../package-info.js';

/** Why `npx projen` cannot run there (its dependencies are not installed), or undefined. */
export function projenUnavailable(root: string): string | undefined {
  const missing = [path.join('node_modules', '.bin', 'projen'), path.join('node_modules', PACKAGE_NAME, 'package.json')].filter((f) => !fs.existsSync(path.join(root, f)));
  if (missing.length === 0) return undefined;
  return `the repo's dependencies are not installed (no ${missing.map((m) => (m.endsWith('package.json') ? path.dirname(m) : m)).join(', ')}): run \`npm install\` first, or pass --skip-synth to only edit .projenrc.ts`;
}

export interface ProjenRun {
  readonly ok: boolean;
  readonly ms: number;
  /** The last lines of its output, to show when it failed. */
  readonly tail: string;
}

export async function runProjen(root: string): Promise<ProjenRun> {
  const start = Date.now();
  const result = await execa('npx', ['projen'], { cwd: root, all: true, reject: false, stdin: 'ignore' });
  const lines = (result.all ?? '').split('\n').filter((l) => l.trim() !== '');
  return { ok: result.exitCode === 0, ms: Date.now() - start, tail: lines.slice(-8).join('\n') };
}
