/**
 * The job lifecycle every job emulator runs through (src/local/emulators/job-lifecycle.ts), on its own:
 * a stop requested before the start, a job name used twice, a failing and a succeeding job (what the
 * report records, what the `.sync` Task returns or throws), and the mapping of a container's end to
 * SageMaker's status, including real processes launched through a stand-in backend.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { jest } from '@jest/globals';
import { join } from 'node:path';
import type { ContainerJob } from '../../../src/local/backends/types.js';
import type { JobProcessResult } from '../../../src/local/job-process.js';
import {
  endingOf,
  failedBeforeStart,
  runHost,
  runJob,
  syncResult,
  type EndingRules,
  type HostRun,
  type JobEnding,
  type JobOutcome,
  type JobSpec,
} from '../../../src/local/emulators/job-lifecycle.js';
import { hostPathOf } from '../../../src/local/emulators/job-sandbox.js';
import { jobFixture, removeJobFixtures, taskError } from '../../support/job-fixtures.js';

afterAll(removeJobFixtures);

const describe_ = (outcome: JobOutcome) => ({ JobStatus: outcome.status, FailureReason: outcome.failureReason, StartTime: outcome.startedAt, EndTime: outcome.endedAt });
const spec = (jobName: string, extra: Partial<JobSpec> = {}): JobSpec => ({ jobName, jobArn: `arn:aws:sagemaker:us-east-1:000000000000:training-job/${jobName}`, jobKind: 'training', describe: describe_, ...extra });
const completed = async (): Promise<JobEnding> => ({ status: 'Completed', startedAt: Date.now(), exitCode: 0, scriptMs: 5, outputs: [{ name: 'model', s3Uri: 's3://b/m', localPath: '/x' }] });

describe('runJob', () => {
  test('a stop requested before the start: States.TaskFailed, no sandbox, nothing started or recorded, the work never runs', async () => {
    const f = jobFixture();
    f.controller.abort();
    const work = jest.fn(completed);
    const error = await taskError(runJob(f.setting, spec('job-a'), work));
    expect([error.name, error.message]).toEqual(['States.TaskFailed', 'the local execution was stopped']);
    expect(work).not.toHaveBeenCalled();
    expect(existsSync(join(f.runDir, 'jobs', 'job-a'))).toBe(false);
    expect([f.started, f.ended]).toEqual([[], []]);
  });

  test('a name already used in this execution: SageMaker.ResourceInUse, and the first job is left as it was', async () => {
    const f = jobFixture();
    await runJob(f.setting, spec('job-b'), async ({ sandboxes }) => {
      writeFileSync(join(sandboxes[0].dir, 'kept.txt'), 'first job');
      return completed();
    });
    const work = jest.fn(completed);
    const error = await taskError(runJob(f.setting, spec('job-b'), work));
    expect(error.name).toBe('SageMaker.ResourceInUse');
    expect(error.message).toBe('a job named job-b already ran in this execution');
    expect(work).not.toHaveBeenCalled();
    expect(existsSync(join(f.runDir, 'jobs', 'job-b', 'kept.txt'))).toBe(true);
    expect(f.started).toEqual(['job-b']);
    expect(f.ended).toHaveLength(1);
  });

  test('a failing job: recorded as Failed, its /tmp cleared, and the Task fails with the Describe response as the cause', async () => {
    const f = jobFixture();
    const error = await taskError(
      runJob(f.setting, spec('job-c', { sandboxFolders: ['input/config', 'model'] }), async ({ sandboxes, identity }) => {
        expect(identity).toMatchObject({ stateName: 'Train', stageName: 'train', jobKind: 'training', jobName: 'job-c', backend: 'direct' });
        expect(existsSync(hostPathOf(sandboxes[0], '/opt/ml/input/config'))).toBe(true);
        mkdirSync(join(sandboxes[0].dir, 'tmp'));
        return failedBeforeStart('ClientError: No S3 objects found');
      }),
    );
    expect(error.name).toBe('States.TaskFailed');
    const cause = JSON.parse(error.message);
    expect(cause).toMatchObject({ JobStatus: 'Failed', FailureReason: 'ClientError: No S3 objects found' });
    expect(cause.EndTime).toBeGreaterThanOrEqual(cause.StartTime);
    expect(f.started).toEqual(['job-c']);
    expect(f.ended).toEqual([
      expect.objectContaining({ jobName: 'job-c', jobKind: 'training', status: 'Failed', failureReason: 'ClientError: No S3 objects found', scriptMs: 0, outputs: [] }),
    ]);
    expect(existsSync(join(f.runDir, 'jobs', 'job-c', 'tmp'))).toBe(false);
  });

  test('a succeeding job: recorded as Completed with its outputs, and the Describe response returned', async () => {
    const f = jobFixture();
    const result = await runJob(f.setting, spec('job-d'), completed);
    expect(result).toMatchObject({ JobStatus: 'Completed' });
    expect(f.ended).toEqual([expect.objectContaining({ jobName: 'job-d', status: 'Completed', exitCode: 0, scriptMs: 5, outputs: [expect.objectContaining({ name: 'model' })] })]);
    expect(f.ended[0].exitMessage).toBeUndefined();
  });

  test('a job of several hosts gets one sandbox per host, and a processing job records no job kind', async () => {
    const f = jobFixture();
    await runJob(f.setting, spec('job-e', { jobKind: undefined, sandboxNames: ['job-e/algo-1', 'job-e/algo-2'] }), async ({ sandboxes }) => {
      expect(sandboxes.map((s) => s.dir)).toEqual([join(f.runDir, 'jobs/job-e/algo-1'), join(f.runDir, 'jobs/job-e/algo-2')]);
      sandboxes.forEach((s) => mkdirSync(join(s.dir, 'tmp')));
      return completed();
    });
    expect(f.ended[0]).not.toHaveProperty('jobKind');
    expect(existsSync(join(f.runDir, 'jobs/job-e/algo-2/tmp'))).toBe(false);
  });

  test('syncResult: Completed returns the response, any other status throws it', () => {
    expect(syncResult('Completed', { A: 1 })).toEqual({ A: 1 });
    expect(() => syncResult('Stopped', { A: 1 })).toThrow('{"A":1}');
  });
});

describe('status mapping (endingOf)', () => {
  const PROCESSING: EndingRules = { messageFile: 'message', maxRuntimeSeconds: 60, exitFailure: (m, code) => `AlgorithmError: ${m || 'See job logs for more information'}, exit code: ${code}` };
  const TRANSFORM: EndingRules = { messageFile: 'failure', exitFailure: (m) => `ClientError: the model's inference code failed: ${m || 'see the job logs'}` };
  const result = (over: Partial<JobProcessResult> = {}): JobProcessResult => ({ exitCode: 0, timedOut: false, aborted: false, elapsedMs: 10, ...over });
  const host = (over: Partial<HostRun> = {}): HostRun => ({ host: 'algo-1', argv0: 'python3', result: result(), message: 'done', ...over });

  test('every host exits 0: Completed, with the ExitMessage only where the kind reports one', () => {
    expect(endingOf([host()], 100, PROCESSING)).toEqual({ status: 'Completed', startedAt: 100, exitCode: 0, scriptMs: 10, exitMessage: 'done' });
    expect(endingOf([host()], 100, TRANSFORM)).toEqual({ status: 'Completed', startedAt: 100, exitCode: 0, scriptMs: 10 });
  });

  test('a non-zero exit: Failed, with the kind\'s reason built from the container\'s message', () => {
    expect(endingOf([host({ result: result({ exitCode: 3 }), message: 'bad column' })], 100, PROCESSING)).toMatchObject({
      status: 'Failed',
      exitCode: 3,
      exitMessage: 'bad column',
      failureReason: 'AlgorithmError: bad column, exit code: 3',
    });
    expect(endingOf([host({ result: result({ exitCode: 1 }), message: undefined })], 100, TRANSFORM).failureReason).toBe("ClientError: the model's inference code failed: see the job logs");
  });

  test('the runtime limit: Stopped with MaxRuntimeExceeded; a kind with no limit of its own reports the failure of its code', () => {
    const timedOut = host({ result: result({ timedOut: true, exitCode: 137 }) });
    expect(endingOf([timedOut], 100, PROCESSING)).toMatchObject({ status: 'Stopped', failureReason: 'MaxRuntimeExceeded: the job ran longer than MaxRuntimeInSeconds (60 s) and was stopped' });
    expect(endingOf([timedOut], 100, TRANSFORM)).toMatchObject({ status: 'Failed', failureReason: "ClientError: the model's inference code failed: done" });
  });

  test('a stop, a command that cannot start, a launch refused', () => {
    expect(endingOf([host({ result: result({ aborted: true, exitCode: 130 }) })], 100, PROCESSING)).toMatchObject({ status: 'Stopped', failureReason: 'Stopped: the local execution was interrupted' });
    const spawn = endingOf([host({ result: result({ spawnError: 'ENOENT', exitCode: 127 }) })], 100, PROCESSING);
    expect(spawn).toMatchObject({ status: 'Failed', failureReason: 'ClientError: cannot start python3: ENOENT' });
    expect(spawn).not.toHaveProperty('exitMessage');
    const launch = endingOf([{ host: 'algo-1', launchError: 'docker is not running' }], 100, PROCESSING);
    expect(launch).toMatchObject({ status: 'Failed', scriptMs: 0, failureReason: 'ClientError: docker is not running' });
    expect(launch.exitCode).toBeUndefined();
  });

  test('several hosts: the first failure in order (launch, limit, stop, start, exit) names its host; the longest host is the script time', () => {
    const runs = [host({ result: result({ elapsedMs: 40 }) }), host({ host: 'algo-2', result: result({ exitCode: 2, elapsedMs: 20 }), message: 'oops' }), host({ host: 'algo-3', result: result({ timedOut: true, exitCode: 137 }) })];
    expect(endingOf(runs, 100, PROCESSING)).toMatchObject({ status: 'Stopped', exitCode: 2, scriptMs: 40, failureReason: expect.stringMatching(/and was stopped \(host algo-3\)$/) });
    expect(endingOf(runs.slice(0, 2), 100, PROCESSING)).toMatchObject({ status: 'Failed', failureReason: 'AlgorithmError: oops, exit code: 2 (host algo-2)' });
    expect(endingOf([...runs, { host: 'algo-4', launchError: 'no image' }], 100, PROCESSING).failureReason).toBe('ClientError: no image (host algo-4)');
  });
});

describe('runHost (a real process through a stand-in backend)', () => {
  const RULES: EndingRules = { messageFile: 'failure', maxRuntimeSeconds: 60, exitFailure: (m, code) => `AlgorithmError: ${m}, exit code: ${code}` };

  async function hostRun(script: string, launchError?: string): Promise<JobEnding> {
    const f = jobFixture(script, launchError);
    let ending: JobEnding | undefined;
    await runJob(f.setting, spec('job-run'), async ({ sandboxes }) => {
      mkdirSync(hostPathOf(sandboxes[0], '/opt/ml/output'), { recursive: true });
      const container = { jobName: 'j', sandboxDir: sandboxes[0].dir, optMlDir: sandboxes[0].optMl } as ContainerJob;
      ending = endingOf([await runHost(f.setting, sandboxes[0], 'algo-1', container, 60, 'train', RULES)], Date.now(), RULES);
      return { ...ending, status: 'Completed' };
    });
    return ending!;
  }

  test('the container\'s failure file and exit code make the reason', async () => {
    expect(await hostRun('printf "label column missing" > "$OPT_ML/output/failure"; exit 4')).toMatchObject({ status: 'Failed', exitCode: 4, failureReason: 'AlgorithmError: label column missing, exit code: 4' });
  });

  test('a clean exit completes; a backend that cannot launch fails the job with its words', async () => {
    expect(await hostRun('exit 0')).toMatchObject({ status: 'Completed', exitCode: 0 });
    expect(await hostRun('exit 0', 'bwrap: no permission')).toMatchObject({ status: 'Failed', failureReason: 'ClientError: bwrap: no permission' });
  });
});
