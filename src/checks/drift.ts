/**
 * Drift: every managed file must be byte for byte what `.projenrc.ts` synthesizes now. The project is
 * synthesized again into a temporary folder (`.projenrc.ts` run with tsx, its output redirected by
 * LEGACY_MLOPS_SYNTH_OUTDIR), never into the repo, and each managed file compared with the repo's.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { SYNTH_OUTDIR_VARIABLE } from '../model/repo-layout.js';
import type { Finding } from './types.js';

export const DRIFT_CHECK = 'drift';
const PROJENRC = '.projenrc.ts';
const FILES_LIST = '.projen/files.json';

export interface DriftResult {
  readonly findings: Finding[];
  /** Set when the check could not run, with how to make it run. */
  readonly skipped?: string;
  /** How many managed files were compared. */
  readonly compared: number;
}

export async function checkDrift(projectDir: string): Promise<DriftResult> {
  if (!existsSync(join(projectDir, PROJENRC))) return { findings: [], compared: 0, skipped: `needs ${PROJENRC}` };
  const outdir = mkdtempSync(join(tmpdir(), 'legacy-mlops-drift-'));
  try {
    const run = await synthesizeInto(projectDir, outdir);
    if (!run.ok) {
      if (/ERR_MODULE_NOT_FOUND|Cannot find (package|module)/.test(run.output)) {
        return { findings: [], compared: 0, skipped: "needs the repo's dependencies to run .projenrc.ts: run npm install" };
      }
      const lines = run.output.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !/^\s*at /.test(l));
      return { findings: [{ check: DRIFT_CHECK, location: PROJENRC, message: `does not synthesize: ${lines.slice(0, 3).join(' ')}` }], compared: 0 };
    }
    const managed = managedFiles(outdir);
    const findings: Finding[] = [];
    for (const file of managed) {
      const problem = difference(readOrUndefined(join(outdir, file)), readOrUndefined(join(projectDir, file)));
      if (problem) findings.push({ check: DRIFT_CHECK, location: file, message: problem });
    }
    for (const file of managedFiles(projectDir).filter((f) => !managed.includes(f))) {
      if (existsSync(join(projectDir, file))) findings.push({ check: DRIFT_CHECK, location: file, message: `is no longer managed by ${PROJENRC}: run npx projen to remove it` });
    }
    return { findings, compared: managed.length };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

function synthesizeInto(projectDir: string, outdir: string): Promise<{ ok: boolean; output: string }> {
  const tsx = join(dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist/cli.mjs');
  const env = { ...process.env, [SYNTH_OUTDIR_VARIABLE]: outdir, PROJEN_DISABLE_POST: 'true' };
  return new Promise((resolve) => {
    execFile(process.execPath, [tsx, PROJENRC], { cwd: projectDir, env, timeout: 300_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ ok: !error, output: `${stderr}\n${stdout}` });
    });
  });
}

function managedFiles(dir: string): string[] {
  try {
    const files = (JSON.parse(readFileSync(join(dir, FILES_LIST), 'utf8')) as { files?: unknown }).files;
    return Array.isArray(files) ? files.filter((f): f is string => typeof f === 'string') : [];
  } catch {
    return [];
  }
}

function readOrUndefined(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

/** Where the repo's file first differs from the synthesized one, or undefined when identical. */
export function difference(expected: Buffer | undefined, actual: Buffer | undefined): string | undefined {
  if (expected === undefined) return undefined;
  if (actual === undefined) return 'is missing: run npx projen';
  if (expected.equals(actual)) return undefined;
  const wanted = expected.toString('utf8').split('\n');
  const found = actual.toString('utf8').split('\n');
  const line = wanted.findIndex((l, i) => l !== found[i]);
  const at = line === -1 ? wanted.length : line;
  const clip = (text: string | undefined) => (text === undefined ? '(end of file)' : JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text));
  return `differs from what .projenrc.ts synthesizes, first at line ${at + 1}: expected ${clip(wanted[at])}, found ${clip(found[at])} (edit .projenrc.ts, not this file, and run npx projen)`;
}
