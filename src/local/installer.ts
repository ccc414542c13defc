/**
 * The program that creates a stage's virtual environment and installs into it: uv when it is on PATH
 * (much faster on a first build), else pip; `LEGACY_MLOPS_INSTALLER=pip` or `=uv` decides instead.
 * Both install with the user's configured index: pip reads its own configuration, uv is handed pip's
 * unless it has its own (installer-config.ts).
 */
import { execFile } from 'node:child_process';
import { accessSync, constants, rmSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { LocalRunRefused, messageOf } from './errors.js';
import { pipIndexSettings, uvEnvironment, uvIndexArguments, uvIndexSettings, uvOwnIndexConfig, type IndexSettings } from './installer-config.js';
import type { PythonInterpreter } from './python-env.js';

const run = promisify(execFile);

export const INSTALLER_VARIABLE = 'LEGACY_MLOPS_INSTALLER';

export interface InstallOutcome {
  readonly ok: boolean;
  /** stdout and stderr together, for the install log and for naming what failed. */
  readonly output: string;
}

export interface Installer {
  readonly name: 'pip' | 'uv';
  /** `uv 0.8.3`, `pip 23.0.1`: for the progress line and the manifest. */
  readonly version: string;
  /** Where packages come from, as the installer sees it (for the version lookup). */
  readonly settings: IndexSettings;
  /** Creates the environment at `dir` (removing anything there). */
  createVenv(dir: string): Promise<void>;
  /** `pip install -r <file>` or `uv pip install -r <file>` into the environment's `python`. */
  install(python: string, requirementsFile: string): Promise<InstallOutcome>;
}

export interface ChooseInstallerOptions {
  readonly env?: NodeJS.ProcessEnv;
  /** The generated repository: uv reads a uv.toml or `[tool.uv]` there, and runs from it. */
  readonly projectDir: string;
  readonly signal?: AbortSignal;
}

/** uv when on PATH and not turned off, else pip; a forced installer that is missing refuses the run. */
export async function chooseInstaller(base: PythonInterpreter, options: ChooseInstallerOptions): Promise<Installer> {
  const env = options.env ?? process.env;
  const wanted = (env[INSTALLER_VARIABLE] ?? 'auto').trim().toLowerCase();
  if (!['auto', 'pip', 'uv', ''].includes(wanted)) throw new LocalRunRefused(`${INSTALLER_VARIABLE}=${env[INSTALLER_VARIABLE]}: use pip, uv or auto`);
  if (wanted !== 'pip') {
    const uv = onPath('uv', env);
    const version = uv ? await run(uv, ['--version'], { timeout: 30_000, env, signal: options.signal }).then(({ stdout }) => stdout.trim(), () => undefined) : undefined;
    if (uv && version) return uvInstaller(uv, version, base, env, options);
    if (wanted === 'uv') throw new LocalRunRefused(`${INSTALLER_VARIABLE}=uv, but ${uv ? `'${uv} --version' does not run` : 'there is no uv on PATH'}; install uv, or unset ${INSTALLER_VARIABLE} to use pip`);
  }
  return pipInstaller(base, env, options.signal);
}

function uvInstaller(uv: string, version: string, base: PythonInterpreter, env: NodeJS.ProcessEnv, options: ChooseInstallerOptions): Installer {
  const own = uvOwnIndexConfig(env, options.projectDir);
  const settings = own ? uvIndexSettings(env, own.startsWith('UV_') ? undefined : own) : pipIndexSettings(env, base.prefixes[0]);
  const runEnv = { ...env, ...uvEnvironment(settings, env) };
  const uvRun = async (args: string[]): Promise<InstallOutcome> => {
    try {
      const { stdout, stderr } = await run(uv, args, { cwd: options.projectDir, env: runEnv, timeout: 1_800_000, maxBuffer: 64 * 1024 * 1024, signal: options.signal });
      return { ok: true, output: stdout + stderr };
    } catch (error) {
      return failedOutcome(error, options.signal);
    }
  };
  return {
    name: 'uv',
    version: version.split(/\s+/).slice(0, 2).join(' '),
    settings,
    async createVenv(dir) {
      rmSync(dir, { recursive: true, force: true });
      // The base interpreter itself: uv must not pick or download another Python.
      const made = await uvRun(['venv', '--no-progress', '--no-python-downloads', '--python', base.executable, dir]);
      if (!made.ok) throw new InstallerError(`'uv venv' failed: ${lastLine(made.output)}`, made.output);
    },
    install: (python, file) => uvRun(['pip', 'install', '--no-progress', '--python', python, ...uvIndexArguments(settings), '-r', file]),
  };
}

async function pipInstaller(base: PythonInterpreter, env: NodeJS.ProcessEnv, signal?: AbortSignal): Promise<Installer> {
  const basePip = await run(base.executable, ['-m', 'pip', '--version'], { timeout: 60_000, env, signal }).then(
    ({ stdout }) => /^pip (\d+)\.(\d+)(\S*)/.exec(stdout),
    () => null,
  );
  // `pip --python` came with pip 22.3: a venv without pip of its own (ensurepip takes tens of seconds on a busy machine).
  const outside = basePip !== null && (Number(basePip[1]) > 22 || (Number(basePip[1]) === 22 && Number(basePip[2]) >= 3));
  // Offline, or with an index that cannot be reached, pip's default 5 retries per page cost minutes
  // (each failed DNS lookup takes seconds): no retries unless the user asks for them (PIP_RETRIES).
  const pipEnv = { ...env, PIP_RETRIES: env.PIP_RETRIES ?? '0', PIP_DISABLE_PIP_VERSION_CHECK: '1' };
  return {
    name: 'pip',
    version: basePip ? `pip ${basePip[1]}.${basePip[2]}${basePip[3]}` : 'pip (the environment\'s own)',
    settings: pipIndexSettings(env, base.prefixes[0]),
    async createVenv(dir) {
      rmSync(dir, { recursive: true, force: true });
      await run(base.executable, ['-m', 'venv', ...(outside ? ['--without-pip'] : []), dir], { timeout: 300_000, signal }).catch((error: unknown) => {
        const detail = ((error as { stderr?: string }).stderr ?? messageOf(error)).trim().split('\n').slice(-1)[0];
        throw new InstallerError(`'${base.executable} -m venv' failed: ${detail} (Debian/Ubuntu: apt-get install python3-venv)`, '');
      });
    },
    async install(python, file) {
      const pip = outside ? [base.executable, '-m', 'pip', '--python', python] : [python, '-m', 'pip'];
      try {
        const { stdout, stderr } = await run(pip[0], [...pip.slice(1), 'install', '--disable-pip-version-check', '--no-input', '--progress-bar', 'off', '-r', file], { timeout: 1_800_000, maxBuffer: 64 * 1024 * 1024, signal, env: pipEnv });
        return { ok: true, output: stdout + stderr };
      } catch (error) {
        return failedOutcome(error, signal);
      }
    },
  };
}

/** The environment could not be created: `problem` is one line. */
export class InstallerError extends Error {
  constructor(
    readonly problem: string,
    readonly log: string,
  ) {
    super(problem);
    this.name = 'InstallerError';
  }
}

function failedOutcome(error: unknown, signal?: AbortSignal): InstallOutcome {
  if (signal?.aborted) throw new InstallerError('interrupted while installing packages', '');
  const failed = error as { stdout?: string; stderr?: string; message?: string };
  return { ok: false, output: `${failed.stdout ?? ''}${failed.stderr ?? failed.message ?? ''}` };
}

/** The first executable `name` on PATH, as the shell would find it (no process started). */
export function onPath(name: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

function lastLine(output: string): string {
  return output.trim().split('\n').filter((line) => line.trim() !== '').slice(-1)[0]?.trim() ?? '';
}
