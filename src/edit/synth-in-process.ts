/**
 * `npx projen` without its processes, when the repo's synthesis is the standard one: the default
 * task of `.projen/tasks.json` is exactly `tsx .projenrc.ts` (what LegacyMlopsProject writes), so
 * `npx projen` would start npm, projen's CLI, `npx -c` (npm again, for PATH), a shell, tsx's CLI and
 * the Node.js that runs `.projenrc.ts` — about twice the CPU of the synthesis itself. Here
 * `.projenrc.ts` is loaded in this process through the repo's own tsx (its documented require hook,
 * `tsx/cjs/api`), with the working folder and environment the default task gives it, post-synthesis
 * (the install when dependencies changed) included, its output kept as the child's was.
 *
 * Anything else (a customised default task or task environment, an ESM repo, no tsx to load) is
 * not this function's: it returns undefined and the caller runs the projen bin as before.
 */
import { createRequire } from 'node:module';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { inspect } from 'node:util';
import { captureOutput } from './captured-output.js';

/** The default task and task environment projen writes for a TypeScript project run by tsx (LegacyMlopsProject's). */
const STANDARD_STEP = JSON.stringify({ execArgs: ['tsx', '.projenrc.ts'] });
const STANDARD_PATH = '$(npx -c "node --print process.env.PATH")';

interface TasksManifest {
  readonly env?: Record<string, string>;
  readonly shell?: unknown;
  readonly tasks?: Record<string, { readonly steps?: readonly unknown[] } & Record<string, unknown>>;
}

/** Whether `npx projen` in `root` would run exactly `tsx .projenrc.ts` with only npm's PATH added. */
export function hasStandardSynthesis(root: string): boolean {
  let manifest: TasksManifest;
  let pkg: { type?: unknown };
  try {
    manifest = JSON.parse(fs.readFileSync(path.join(root, '.projen', 'tasks.json'), 'utf8')) as TasksManifest;
    pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { type?: unknown };
  } catch {
    return false;
  }
  const task = manifest.tasks?.default;
  if (!task || manifest.shell !== undefined) return false;
  const { name, description, steps, ...rest } = task;
  const envKeys = Object.keys(manifest.env ?? {});
  return (
    name === 'default' &&
    Object.keys(rest).length === 0 &&
    steps?.length === 1 &&
    JSON.stringify(steps[0]) === STANDARD_STEP &&
    envKeys.every((k) => k === 'PATH') &&
    (manifest.env?.PATH === undefined || manifest.env.PATH === STANDARD_PATH) &&
    // `.projenrc.ts` of a CommonJS package is what tsx's require hook runs; an ESM repo keeps the bin.
    pkg.type !== 'module' &&
    fs.existsSync(path.join(root, '.projenrc.ts'))
  );
}

/** The PATH `npx -c` gives a task: every node_modules/.bin from `root` up, then this process's PATH. */
function npxPath(root: string): string {
  const bins: string[] = [];
  for (let dir = root; ; dir = path.dirname(dir)) {
    bins.push(path.join(dir, 'node_modules', '.bin'));
    if (path.dirname(dir) === dir) break;
  }
  return [...bins, process.env.PATH].filter(Boolean).join(path.delimiter);
}

/** Raised in place of process.exit while `.projenrc.ts` runs: the file ends there, this process does not. */
class ExitCalled extends Error {
  constructor(readonly code: number) {
    super(`.projenrc.ts called process.exit(${code})`);
  }
}

/** What Node.js prints for an uncaught error, or the plain message LegacyMlopsProject prints for its own. */
function printed(error: unknown): string {
  if (error instanceof ExitCalled) return '';
  const name = (error as { name?: unknown } | undefined)?.name;
  if (error instanceof Error && (name === 'PipelineValidationError' || name === 'SynthesisRefusedError')) return error.message;
  return inspect(error);
}

export interface InProcessRun {
  readonly ok: boolean;
  readonly output: string;
}

/**
 * Runs `.projenrc.ts` of `root` here, or returns undefined when it cannot be loaded this way (then
 * nothing was run). Restores the working folder, environment, exit handling and module cache after.
 */
export async function synthesizeInProcess(root: string): Promise<InProcessRun | undefined> {
  if (!hasStandardSynthesis(root)) return undefined;
  const requireInRepo = createRequire(path.join(root, 'package.json'));
  // tsx's hook extends Node.js's require; a test runner's require (jest's, no `.js` handler) has its own
  // transform and registry, so there the bin runs.
  if (!requireInRepo.extensions?.['.js']) return undefined;
  let tsx: { register: () => () => void };
  try {
    tsx = requireInRepo('tsx/cjs/api') as typeof tsx;
  } catch {
    return undefined;
  }
  const projenrc = path.join(root, '.projenrc.ts');
  const savedCwd = process.cwd();
  const savedEnv = { ...process.env };
  const savedExit = process.exit;
  const savedExitCode = process.exitCode;
  const savedListeners = new Map<string, Function[]>(['uncaughtException', 'unhandledRejection'].map((event) => [event, process.listeners(event as 'uncaughtException')]));
  const cachedBefore = new Set(Object.keys(requireInRepo.cache));
  let unregister: (() => void) | undefined;
  const run = await captureOutput(() => {
    process.chdir(root);
    // What projen's CLI and its task runtime set for the default task.
    process.env.PROJEN_DISABLE_POST = 'false';
    process.env.PATH = npxPath(root);
    process.exit = ((code?: number | string | null) => {
      throw new ExitCalled(Number(code ?? process.exitCode ?? 0) || 0);
    }) as typeof process.exit;
    unregister = tsx.register();
    requireInRepo(projenrc);
  });
  unregister?.();
  process.chdir(savedCwd);
  for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key];
  Object.assign(process.env, savedEnv);
  process.exit = savedExit;
  const exitCode = process.exitCode;
  process.exitCode = savedExitCode;
  for (const [event, listeners] of savedListeners) {
    for (const listener of process.listeners(event as 'uncaughtException')) if (!listeners.includes(listener)) process.removeListener(event, listener);
  }
  // The repo's own modules run afresh next time (a second run in this process); packages stay loaded.
  const modules = path.join(root, 'node_modules') + path.sep;
  for (const key of Object.keys(requireInRepo.cache)) if (!cachedBefore.has(key) && key.startsWith(root + path.sep) && !key.startsWith(modules)) delete requireInRepo.cache[key];

  const exit = run.error instanceof ExitCalled ? run.error.code : run.error !== undefined ? 1 : Number(exitCode ?? 0) || 0;
  const output = run.error !== undefined ? `${run.output}${printed(run.error)}\n` : run.output;
  return { ok: exit === 0, output };
}
