/** What the bwrap and direct backends share: they run the job's command on this machine's Python. */
import { join } from 'node:path';
import { writePythonShims } from '../python-env.js';
import type { ContainerJob } from './types.js';

/** Host variables a job on this machine keeps; everything else comes from the job's own environment. */
const KEPT_HOST_VARIABLES = ['PATH', 'HOME', 'USER', 'LOGNAME', 'LANG', 'LC_ALL', 'LC_CTYPE', 'TZ', 'TERM'];

export function hostEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of KEPT_HOST_VARIABLES) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  return env;
}

/**
 * The job's command with an absolute interpreter path (`/usr/local/bin/python3` in an image)
 * replaced by `python3`, which the shim resolves to the interpreter chosen for this run.
 */
export function withLocalPython(command: readonly string[]): string[] {
  const [first, ...rest] = command;
  return /(^|\/)python(3(\.\d+)?)?$/.test(first) ? ['python3', ...rest] : [...command];
}

/** Writes the job's python shims into `<sandbox>/bin` and returns that folder. */
export function writeJobShims(job: ContainerJob): string {
  if (!job.python) throw new Error(`job ${job.jobName}: no Python interpreter was chosen`);
  const dir = join(job.sandboxDir, 'bin');
  writePythonShims(dir, job.python.executable);
  return dir;
}

export function requireCommand(job: ContainerJob): readonly string[] {
  if (!job.command || job.command.length === 0) {
    throw new Error(`job ${job.jobName}: the image's command is unknown (no ContainerEntrypoint and no ENTRYPOINT/CMD in the stage's Dockerfile)`);
  }
  return job.command;
}
