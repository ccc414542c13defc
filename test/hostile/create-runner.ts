/**
 * `create-legacy-mlops` run in this process (`runCreate`, what the bin calls), for the many cases
 * where starting a process per case would cost seconds of CPU and prove nothing more; the cases
 * about signals, hangs and the real bin spawn it instead (harness `CREATE_BIN`).
 */
import * as path from 'node:path';
import { runCreate } from '../../src/create/cli.js';
import { AWS_ISOLATION } from '../support/aws-isolation.js';
import { CREATE_BIN, QUIET_CREATE_FLAGS, type CaseContext } from './harness.js';
import type { CommandResult } from './processes.js';

/** Runs `argv` in `cwd` with stdout/stderr captured (yeoman logs through process.stdout). */
export async function createInProcess(argv: readonly string[], cwd: string): Promise<CommandResult> {
  let stdout = '';
  let stderr = '';
  const saved = { out: process.stdout.write, err: process.stderr.write, env: { ...process.env } };
  for (const [key, value] of Object.entries({ ...AWS_ISOLATION, CI: 'true', GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', GIT_AUTHOR_NAME: 'Hostile Test', GIT_AUTHOR_EMAIL: 'hostile@example.com', GIT_COMMITTER_NAME: 'Hostile Test', GIT_COMMITTER_EMAIL: 'hostile@example.com' })) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  process.stdout.write = ((chunk: string | Uint8Array) => ((stdout += String(chunk)), true)) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => ((stderr += String(chunk)), true)) as typeof process.stderr.write;
  try {
    const exitCode = await runCreate(argv, cwd, { out: (line) => (stdout += `${line}\n`), err: (line) => (stderr += `${line}\n`) });
    return { exitCode, stdout, stderr };
  } finally {
    process.stdout.write = saved.out;
    process.stderr.write = saved.err;
    for (const key of Object.keys(process.env)) if (!(key in saved.env)) delete process.env[key];
    Object.assign(process.env, saved.env);
  }
}

/** A case's `run`: create with `args` (plus the quiet flags unless `quiet` is false) in the workspace. */
export function create(args: readonly string[] | ((ctx: CaseContext) => readonly string[]), quiet = true) {
  return (ctx: CaseContext) => createInProcess([...(typeof args === 'function' ? args(ctx) : args), ...(quiet ? QUIET_CREATE_FLAGS : [])], ctx.dir);
}

/** A case's `command`: the real bin, for cases that need a process of their own. */
export function createBin(args: readonly string[], quiet = true): readonly string[] {
  return [...CREATE_BIN, ...args, ...(quiet ? QUIET_CREATE_FLAGS : [])];
}

export const inWorkspace = (ctx: CaseContext, ...parts: string[]) => path.join(ctx.dir, ...parts);
