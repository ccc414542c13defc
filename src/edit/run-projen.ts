/**
 * `npx projen` in a generated repo's root, after `.projenrc.ts` changed. When the repo synthesizes the
 * standard way, `.projenrc.ts` runs in this process (synth-in-process.ts), which saves npm, projen's CLI,
 * `npx -c`, tsx's CLI and their Node.js start-ups. Otherwise the repo's own projen bin runs in this
 * Node.js directly: `npx` would resolve the same bin (the repo's node_modules/.bin/projen) after loading
 * npm, about 0.7 s of CPU; projen's tasks put node_modules/.bin on PATH themselves, and it is put first
 * here too, as npx does.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PACKAGE_NAME } from '../package-info.js';
import { synthesizeInProcess } from './synth-in-process.js';

const PROJEN_BIN = path.join('node_modules', '.bin', 'projen');

/** Why `npx projen` cannot run there (its dependencies are not installed), or undefined. */
export function projenUnavailable(root: string): string | undefined {
  const missing = [PROJEN_BIN, path.join('node_modules', PACKAGE_NAME, 'package.json')].filter((f) => !fs.existsSync(path.join(root, f)));
  if (missing.length === 0) return undefined;
  return `the repo's dependencies are not installed (no ${missing.map((m) => (m.endsWith('package.json') ? path.dirname(m) : m)).join(', ')}): run \`npm install\` first, or pass --skip-synth to only edit .projenrc.ts`;
}

export interface ProjenRun {
  readonly ok: boolean;
  readonly ms: number;
  /** The last lines of its output, to show when it failed. */
  readonly tail: string;
  /** How it ran: `.projenrc.ts` loaded in this process, or the projen bin (or npx) as a child process. */
  readonly how: 'in-process' | 'bin';
}

/** The last lines of an output, to show when it failed. */
const tailOf = (output: string) =>
  output
    .split('\n')
    .filter((l) => l.trim() !== '')
    .slice(-8)
    .join('\n');

/** The script node_modules/.bin/projen points at (a symlink on POSIX; npm writes a .cmd shim on Windows instead). */
function projenScript(root: string): string | undefined {
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'node_modules', 'projen', 'package.json'), 'utf8')) as { bin?: string | Record<string, string> };
    const bin = typeof pkg.bin === 'string' ? pkg.bin : pkg.bin?.projen;
    return bin ? path.join(root, 'node_modules', 'projen', bin) : undefined;
  } catch {
    return undefined;
  }
}

export async function runProjen(root: string): Promise<ProjenRun> {
  const start = Date.now();
  const here = await synthesizeInProcess(root);
  if (here) return { ok: here.ok, ms: Date.now() - start, tail: tailOf(here.output), how: 'in-process' };
  // Loaded for the bin only (111 modules the in-process synthesis does without).
  const { execa } = await import('execa');
  const script = projenScript(root);
  const env = { PATH: [path.join(root, 'node_modules', '.bin'), process.env.PATH].filter(Boolean).join(path.delimiter) };
  const result = script
    ? await execa(process.execPath, [script], { cwd: root, env, all: true, reject: false, stdin: 'ignore' })
    : await execa('npx', ['projen'], { cwd: root, all: true, reject: false, stdin: 'ignore' });
  return { ok: result.exitCode === 0, ms: Date.now() - start, tail: tailOf(result.all ?? ''), how: 'bin' };
}
