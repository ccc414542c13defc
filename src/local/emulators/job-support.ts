/**
 * What the emulators of job-running Tasks (processing, training, transform) share: choosing the
 * backend and interpreter of a stage before the run, syncing its code into local S3, the variables
 * every job gets, running and following a job's process. A job's life from start to end is in
 * job-lifecycle.ts.
 */
import { relative } from 'node:path';
import type { BackendChoice } from '../backends/select.js';
import { LocalRunRefused } from '../errors.js';
import { runJobProcess, type JobProcessResult, type JobProcessSpec } from '../job-process.js';
import { frameworkImageOf } from '../../model/framework-packages.js';
import { stageEnvSpec } from '../env-spec.js';
import { preflightImports } from '../import-preflight.js';
import type { PythonInterpreter } from '../python-env.js';
import type { LocalRunContext } from '../run-context.js';
import { stageCodeProblems, type StageCode } from '../stage-code.js';
import { ensureStageEnvironment } from '../stage-env.js';
import type { JobSandbox } from './job-sandbox.js';
import type { PreparedTask, TaskStateRef } from './types.js';

/** Variables every local job gets: the runner provides the environment, and logs must not lag. */
export const RUNNER_ENV = { PYTHONUNBUFFERED: '1', PYTHONDONTWRITEBYTECODE: '1' };
/**
 * The generated script entrypoint skips `pip install -r requirements.txt` when this is set (see src/asl):
 * without --install the interpreter's own packages stand in for the image's. With --install the
 * entrypoint's pip runs as in the cloud, against the stage's venv (a no-op once it is built).
 */
export const SKIP_REQUIREMENTS = { LEGACY_MLOPS_SKIP_REQUIREMENTS: '1' };

export interface JobSetting {
  readonly state: TaskStateRef;
  readonly stage: StageCode;
  readonly choice: BackendChoice;
  readonly python: PythonInterpreter | undefined;
  readonly run: LocalRunContext;
}

/** Checks the stage's code, picks its backend and interpreter (its environment, unless --no-envs), builds its image if any. */
export async function prepareStageJob(state: TaskStateRef, stage: StageCode, imageUri: string | undefined, run: LocalRunContext, checkCode = true): Promise<JobSetting> {
  const problems = checkCode ? stageCodeProblems(run.repoRoot, stage) : [];
  if (problems.length > 0) throw new LocalRunRefused(problems);
  const choice = await run.backends.choose(stage, imageUri);
  let python: PythonInterpreter | undefined;
  if (choice.backend.usesLocalPython) {
    python = await run.python();
    if (run.envs) python = await stageEnvironment(state, stage, imageUri, python, run, checkCode);
  }
  await choice.backend.prepareStage?.(stage, run.log);
  return { state, stage, choice, python, run };
}

/** The stage's environment (built or reused), its warnings as notices, then the import preflight. */
async function stageEnvironment(state: TaskStateRef, stage: StageCode, imageUri: string | undefined, base: PythonInterpreter, run: LocalRunContext, checkCode: boolean): Promise<PythonInterpreter> {
  const show = (path: string) => relative(run.repoRoot, path) || '.';
  const [major, minor] = base.version.split('.').map(Number);
  if (major < 3 || (major === 3 && minor < 10)) {
    throw new LocalRunRefused(`Python ${base.version} (${base.executable}) is too old for the stage environments: pass --python with Python 3.10 or newer, or --no-envs`);
  }
  const training = state.resource.includes('createTrainingJob');
  const spec = stageEnvSpec(run.repoRoot, stage, imageUri ?? (stage.script?.inModelArtifact ? soleFrameworkImage(run.input) : undefined), training);
  const env = await ensureStageEnvironment(spec, base, { root: run.envsDir, projectDir: run.repoRoot, log: run.log, show, signal: run.signal });
  if (env.reused) run.log(`  ${stage.stageName}: Python environment ${show(env.dir)} (${spec.description})`);
  for (const warning of env.warnings) run.notice(warning, env.freshWarnings.includes(warning) ? undefined : env.noticesFile);
  if (checkCode) {
    const problems = await preflightImports(stage, env.interpreter.executable, env.dir, show(stage.stageDir));
    if (problems.length > 0) throw new LocalRunRefused(problems);
  }
  return env.interpreter;
}

/**
 * A transform runs its model's image, which only the run knows: the framework image of the execution
 * input, when the input names exactly one (the lifecycle preset's single model stage).
 */
function soleFrameworkImage(input: unknown): string | undefined {
  const uris = new Set<string>();
  const entries = (input ?? {}) as Record<string, unknown>;
  const stages = (entries.stages ?? {}) as Record<string, unknown>;
  for (const value of [...Object.values(entries), ...Object.values(stages)]) {
    const uri = (value as { imageUri?: unknown } | null)?.imageUri;
    if (typeof uri === 'string' && frameworkImageOf(uri)) uris.add(uri);
  }
  return uris.size === 1 ? [...uris][0] : undefined;
}

/** The parts of a PreparedTask every job emulator fills the same way. */
export function preparedTaskOf(setting: JobSetting): Omit<PreparedTask, 'handler'> {
  const { stage, choice, run } = setting;
  const codeUri = stage.script && !stage.script.inModelArtifact ? stageCodeUriOf(run.input, stage.stageName) : undefined;
  return {
    // Stands in for the deploy's code upload: the job downloads what is in stages/<name>/ now.
    beforeRun: codeUri ? () => run.s3.replace(stage.stageDir, codeUri, isLocalClutter) : undefined,
    backend: { name: choice.backend.name, reason: choice.reason },
    stageName: stage.stageName,
  };
}

/** `<codeUri><stage>/`, where the generated ASL's code channel reads a script stage's code (src/asl/s3-locations.ts). */
function stageCodeUriOf(input: unknown, stageName: string): string | undefined {
  const codeUri = (input as { codeUri?: unknown } | undefined)?.codeUri;
  return typeof codeUri === 'string' ? `${codeUri}${stageName}/` : undefined;
}

/** Files a stage folder may hold that are not code to ship. */
function isLocalClutter(name: string): boolean {
  return name === '__pycache__' || name === '.venv' || name === '.pytest_cache' || name.endsWith('.pyc');
}

/**
 * The image URI of `object[field]` when the state reads it from the execution input with a plain
 * `$.a.b` path (what the generated ASL does); undefined for anything richer, which only the run resolves.
 */
export function staticImageUri(object: unknown, field: string, input: unknown): string | undefined {
  const app = (object ?? {}) as Record<string, unknown>;
  if (typeof app[field] === 'string') return app[field] as string;
  const path = app[`${field}.$`];
  if (typeof path !== 'string' || !/^\$(\.\w+)+$/.test(path)) return undefined;
  let value: unknown = input;
  for (const key of path.slice(2).split('.')) value = (value as Record<string, unknown> | undefined)?.[key];
  return typeof value === 'string' ? value : undefined;
}

/** `--follow`: the job's output as it comes, one prefixed line at a time. */
export function lineLogger(run: LocalRunContext, stageName: string): (stream: 'stdout' | 'stderr', chunk: Buffer) => void {
  const pending = { stdout: '', stderr: '' };
  return (stream, chunk) => {
    const lines = (pending[stream] + chunk.toString('utf8')).split('\n');
    pending[stream] = lines.pop() ?? '';
    for (const line of lines) run.log(`    ${stageName} | ${line}`);
  };
}

/** Runs a launched job in its sandbox: logs to the sandbox, the run's Ctrl-C, live output when following. */
export function runInSandbox(
  run: LocalRunContext,
  sandbox: JobSandbox,
  launch: Pick<JobProcessSpec, 'argv' | 'env' | 'cwd' | 'stop'>,
  maxRuntimeSeconds: number,
  stageName: string,
): Promise<JobProcessResult> {
  return runJobProcess({
    ...launch,
    stdoutLog: sandbox.stdoutLog,
    stderrLog: sandbox.stderrLog,
    maxRuntimeMs: maxRuntimeSeconds * 1000,
    signal: run.signal,
    onOutput: run.follow ? lineLogger(run, stageName) : undefined,
  });
}
