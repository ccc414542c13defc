/**
 * The Python a local job runs: an interpreter on this machine (`--python`, `LEGACY_MLOPS_PYTHON`,
 * or `python3` on PATH), optionally a per-stage virtual environment (`--install`), reached in the
 * job through a `python3` shim placed first on PATH.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { LocalRunRefused, messageOf } from './errors.js';

const run = promisify(execFile);

export interface PythonInterpreter {
  /** Absolute path to run (for a venv: its `bin/python`, not resolved, so Python finds `pyvenv.cfg`). */
  readonly executable: string;
  /** `sys.prefix` and `sys.base_prefix`: folders a sandbox must be able to read. */
  readonly prefixes: readonly string[];
  readonly version: string;
}

const PROBE = 'import json, sys; print(json.dumps([sys.executable, sys.prefix, sys.base_prefix, sys.version.split()[0]]))';

/** Asks the interpreter where it really lives (a pyenv or asdf shim resolves to the real binary). */
export async function resolvePython(requested: string | undefined, env: NodeJS.ProcessEnv = process.env): Promise<PythonInterpreter> {
  const command = requested ?? env.LEGACY_MLOPS_PYTHON ?? 'python3';
  const source = requested ? '--python' : env.LEGACY_MLOPS_PYTHON ? 'LEGACY_MLOPS_PYTHON' : 'PATH';
  try {
    const { stdout } = await run(command, ['-c', PROBE], { env, timeout: 30_000 });
    const [executable, prefix, basePrefix, version] = JSON.parse(stdout.trim()) as string[];
    return { executable, prefixes: [...new Set([prefix, basePrefix])], version };
  } catch (error) {
    throw new LocalRunRefused(`Python interpreter '${command}' (from ${source}) does not run: ${firstLine(messageOf(error))}; pass --python <path>`);
  }
}

/** True when a requirements file lists at least one requirement (not only comments and blank lines). */
export function listsRequirements(text: string): boolean {
  return text.split(/\r?\n/).some((line) => line.trim() !== '' && !line.trim().startsWith('#'));
}

/** Venv cache key: the requirements text and the interpreter it is built on. */
export function venvCacheKey(requirementsText: string, python: PythonInterpreter): string {
  return createHash('sha256').update(`${python.executable}\n${python.version}\n${requirementsText}`).digest('hex').slice(0, 16);
}

const READY_MARKER = '.legacy-mlops-ready';

/**
 * A virtual environment holding the stage's requirements, reused while `requirements.txt` is unchanged.
 * It sees the interpreter's own packages too, as a prebuilt framework image already has pandas and numpy.
 */
export async function ensureStageVenv(
  requirementsPath: string,
  python: PythonInterpreter,
  venvsRoot: string,
): Promise<{ interpreter: PythonInterpreter; dir: string; reused: boolean }> {
  const text = existsSync(requirementsPath) ? readFileSync(requirementsPath, 'utf8') : '';
  const dir = join(venvsRoot, venvCacheKey(text, python));
  const executable = join(dir, 'bin', 'python');
  const interpreter: PythonInterpreter = { executable, prefixes: [dir, ...python.prefixes], version: python.version };
  if (existsSync(join(dir, READY_MARKER))) return { interpreter, dir, reused: true };

  rmSync(dir, { recursive: true, force: true });
  mkdirSync(venvsRoot, { recursive: true });
  const needsPip = listsRequirements(text);
  // Without requirements no pip is needed, which also works where ensurepip is not installed.
  const venvArgs = ['-m', 'venv', '--system-site-packages', ...(needsPip ? [] : ['--without-pip']), dir];
  try {
    await run(python.executable, venvArgs, { timeout: 300_000 });
    if (needsPip) {
      const { stdout, stderr } = await run(executable, ['-m', 'pip', 'install', '--disable-pip-version-check', '-r', requirementsPath], {
        timeout: 1_800_000,
        maxBuffer: 64 * 1024 * 1024,
      });
      writeFileSync(join(dir, 'install.log'), stdout + stderr);
    }
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    const detail = (error as { stderr?: string }).stderr?.trim().split('\n').slice(-3).join(' ') || messageOf(error);
    throw new LocalRunRefused(`--install: cannot build the environment for ${requirementsPath}: ${detail}`);
  }
  writeFileSync(join(dir, READY_MARKER), text);
  return { interpreter, dir, reused: false };
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
