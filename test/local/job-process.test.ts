/**
 * A local job is its main process: it ends when that process exits (a detached grandchild neither
 * keeps the run waiting nor outlives it), and on timeout, abort or a second Ctrl-C every process it
 * started is killed, including one that left its process group with setsid.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { killAllJobsNow, markedProcesses, runJobProcess, type JobProcessSpec } from '../../src/local/job-process.js';
import { isAlive } from '../hostile/processes.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lmo-job-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function spec(script: string, extra: Partial<JobProcessSpec> = {}): JobProcessSpec {
  return {
    argv: ['/bin/sh', '-c', script],
    env: { PATH: process.env.PATH },
    cwd: dir,
    stdoutLog: path.join(dir, 'stdout.log'),
    stderrLog: path.join(dir, 'stderr.log'),
    maxRuntimeMs: 60_000,
    signal: new AbortController().signal,
    ...extra,
  };
}

const pidsIn = (file: string) => fs.readFileSync(file, 'utf8').trim().split(/\s+/).map(Number);

test('a script that exits 0 leaving a setsid grandchild succeeds at once, and the grandchild is gone', async () => {
  const pids = path.join(dir, 'grandchild.pid');
  const result = await runJobProcess(spec(`setsid sleep 300 </dev/null & echo $! > ${pids}; echo done`));
  expect(result).toMatchObject({ exitCode: 0, timedOut: false, aborted: false });
  expect(result.elapsedMs).toBeLessThan(10_000);
  // setsid forks when it is a group leader; the sleep carries the job's marker either way.
  await new Promise((r) => setTimeout(r, 200));
  expect(pidsIn(pids).filter(isAlive)).toEqual([]);
  expect(fs.readFileSync(path.join(dir, 'stdout.log'), 'utf8')).toBe('done\n');
});

test('a grandchild that keeps the output pipe open does not keep the job waiting', async () => {
  const started = Date.now();
  const result = await runJobProcess(spec('setsid sh -c "sleep 300" & exit 3'));
  expect(result.exitCode).toBe(3);
  expect(result.timedOut).toBe(false);
  expect(Date.now() - started).toBeLessThan(10_000);
});

test('on timeout the whole group and every escaped process are killed', async () => {
  const pids = path.join(dir, 'timeout.pid');
  const result = await runJobProcess(spec(`sleep 300 & a=$!; setsid sleep 300 & echo $a $! > ${pids}; wait`, { maxRuntimeMs: 1_500, graceMs: 500 }));
  expect(result.timedOut).toBe(true);
  await new Promise((r) => setTimeout(r, 200));
  expect(pidsIn(pids).filter(isAlive)).toEqual([]);
});

test('abort stops the job; a job that ignores SIGTERM dies at the second Ctrl-C (killAllJobsNow)', async () => {
  const stop = new AbortController();
  const pids = path.join(dir, 'stubborn.pid');
  const running = runJobProcess(spec(`trap "" TERM; echo $$ > ${pids}; while true; do sleep 1; done`, { signal: stop.signal, graceMs: 120_000 }));
  for (let i = 0; i < 100 && !fs.existsSync(pids); i++) await new Promise((r) => setTimeout(r, 100));
  stop.abort();
  await new Promise((r) => setTimeout(r, 500));
  expect(isAlive(pidsIn(pids)[0])).toBe(true);
  const started = Date.now();
  killAllJobsNow();
  const result = await running;
  expect(result.aborted).toBe(true);
  expect(Date.now() - started).toBeLessThan(5_000);
});

test('markedProcesses finds nothing for an unknown marker', () => {
  expect(markedProcesses('no-such-marker')).toEqual([]);
});
