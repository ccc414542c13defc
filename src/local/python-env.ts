/**
 * The Python a local job runs: an interpreter on this machine (`--python`, `LEGACY_MLOPS_PYTHON`,
 * or `python3` on PATH), or the stage's environment built from it (stage-env.ts), reached in the
 * job through a `python3` shim placed first on PATH.
 */
import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { LocalRunRefused, messageOf } from './errors.js';
import { cachedProbe, probeFingerprint, recordProbe } from './python-probe-cache.js';

const run = promisify(execFile);

export interface PythonInterpreter {
  /** Absolute path to run (for a venv: its `bin/python`, not resolved, so Python finds `pyvenv.cfg`). */
  readonly executable: string;
  /** `sys.prefix` and `sys.base_prefix`: folders a sandbox must be able to read. */
  readonly prefixes: readonly string[];
  readonly version: string;
}

const PROBE = 'import json, sys; print(json.dumps([sys.executable, sys.prefix, sys.base_prefix, sys.version.split()[0]]))';

/**
 * Asks the interpreter where it really lives (a pyenv or asdf shim resolves to the real binary). With a
 * `cacheDir`, an answer given before is reused while nothing that decides it changed (python-probe-cache.ts).
 */
export async function resolvePython(requested: string | undefined, env: NodeJS.ProcessEnv = process.env, cacheDir?: string): Promise<PythonInterpreter> {
  const command = requested ?? env.LEGACY_MLOPS_PYTHON ?? 'python3';
  const source = requested ? '--python' : env.LEGACY_MLOPS_PYTHON ? 'LEGACY_MLOPS_PYTHON' : 'PATH';
  const fingerprint = cacheDir ? probeFingerprint(command, env) : undefined;
  const cached = fingerprint ? cachedProbe(cacheDir!, fingerprint) : undefined;
  if (cached) return cached;
  try {
    const { stdout } = await run(command, ['-c', PROBE], { env, timeout: 30_000 });
    const [executable, prefix, basePrefix, version] = JSON.parse(stdout.trim()) as string[];
    const answer = { executable, prefixes: [...new Set([prefix, basePrefix])], version };
    if (fingerprint) recordProbe(cacheDir!, fingerprint, answer);
    return answer;
  } catch (error) {
    throw new LocalRunRefused(`Python interpreter '${command}' (from ${source}) does not run: ${firstLine(messageOf(error))}; pass --python <path>`);
  }
}

/**
 * Writes `python3` and `python` scripts that exec the interpreter, so a job's `python3` (the
 * entrypoint's, or a subprocess's) is ours. Scripts rather than symlinks: a symlinked venv python
 * would look for `pyvenv.cfg` next to the link and lose the venv.
 */
export function writePythonShims(dir: string, interpreterPath: string): void {
  mkdirSync(dir, { recursive: true });
  const body = `#!/bin/sh\nexec ${shellQuote(interpreterPath)} "$@"\n`;
  for (const name of ['python3', 'python']) {
    const path = join(dir, name);
    writeFileSync(path, body);
    chmodSync(path, 0o755);
  }
}

export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

function firstLine(text: string): string {
  return text.split('\n').find((line) => line.trim() !== '')?.trim() ?? text;
}
