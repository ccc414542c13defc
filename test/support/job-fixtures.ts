/**
 * For the job emulators' unit tests: a run context with only what a job's life reads (its folder, the
 * stop signal, the log, the live display's started and ended jobs), a stage on a stand-in backend
 * that runs `sh -c <script>` in the sandbox, and the TaskError a `.sync` Task fails with.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ContainerJob, IsolationBackend } from '../../src/local/backends/types.js';
import { TaskError } from '../../src/local/errors.js';
import type { JobSetting } from '../../src/local/emulators/job-support.js';
import type { JobRecord } from '../../src/local/report.js';
import type { LocalRunContext } from '../../src/local/run-context.js';

export interface JobFixture {
  readonly setting: JobSetting;
  readonly run: LocalRunContext;
  /** Names of the jobs announced as started, and the records of those that ended. */
  readonly started: string[];
  readonly ended: JobRecord[];
  readonly logs: string[];
  readonly controller: AbortController;
  readonly runDir: string;
}

const dirs: string[] = [];

/** Removes the run folders the fixtures made (call it in afterAll). */
export function removeJobFixtures(): void {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** State `Train` of stage `train` on the `direct` stand-in backend; a launch error makes the backend refuse. */
export function jobFixture(script = 'exit 0', launchError?: string): JobFixture {
  const runDir = mkdtempSync(join(tmpdir(), 'lmo-job-'));
  dirs.push(runDir);
  const started: string[] = [];
  const ended: JobRecord[] = [];
  const logs: string[] = [];
  const controller = new AbortController();
  const backend = {
    name: 'direct',
    usesLocalPython: false,
    launch: async (job: ContainerJob) => {
      if (launchError) throw new Error(launchError);
      return { argv: ['sh', '-c', script], env: { PATH: process.env.PATH, OPT_ML: job.optMlDir }, cwd: job.sandboxDir };
    },
  } as unknown as IsolationBackend;
  const run = {
    runDir,
    signal: controller.signal,
    follow: false,
    log: (line: string) => logs.push(line),
    jobs: { jobStarted: (job: { jobName: string }) => started.push(job.jobName), jobEnded: (record: JobRecord) => ended.push(record) },
  } as unknown as LocalRunContext;
  const setting = {
    state: { name: 'Train' },
    stage: { stateName: 'Train', stageName: 'train', stageDir: runDir },
    choice: { backend, reason: 'test' },
    python: undefined,
    run,
  } as unknown as JobSetting;
  return { setting, run, started, ended, logs, controller, runDir };
}

/** The TaskError `promise` rejects with (the test fails if it resolves or throws anything else). */
export async function taskError(promise: Promise<unknown>): Promise<TaskError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(TaskError);
  return error as TaskError;
}
