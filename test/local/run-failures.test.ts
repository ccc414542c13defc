/**
 * `legacy-mlops local` when things go wrong: a failing stage ends in its Fail state with its message
 * shown; bad input, a missing script, an unknown Task resource or an unavailable backend stop the run
 * before any job starts, with one line naming what to fix.
 */
import { jest } from '@jest/globals';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildStateMachine } from '../../src/asl/index.js';
import { runLocal } from '../../src/cli/local.js';
import { TASK_EMULATORS, assignEmulators, LocalRunRefused, runPipelineLocally, taskStatesOf } from '../../src/local/index.js';
import { resolvePipeline, type StageOptions } from '../../src/model/index.js';
import { PIPELINE_FILES } from '../../src/model/repo-layout.js';
import { PYTHON, generatedRepo } from '../support/generated-repo.js';
import { FIXED_LIFECYCLE, TEAM_NOTIFICATIONS, governedStages } from '../support/governed-pipeline.js';

/** Runs the CLI entry, capturing what it prints. */
async function cli(dir: string, argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const out = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout.push(String(chunk));
    return true;
  });
  const err = jest.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
    stderr.push(args.map(String).join(' '));
  });
  try {
    const code = await runLocal(argv, dir);
    return { code, stdout: stdout.join(''), stderr: stderr.join('\n') };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

const noJobRan = (dir: string) => !existsSync(join(dir, '.local', 'runs'));

describe('a stage that raises', () => {
  test('ends in "<stage> failed" with its exit message shown, and the command exits non-zero', async () => {
    const repo = generatedRepo();
    const script = repo.read('stages/predict/predict.py');
    const broken = script.replace(/^(def legacy_predict\(.*:)$/m, '$1\n    raise ValueError("the model file is corrupt")');
    expect(broken).not.toBe(script);
    repo.write('stages/predict/predict.py', broken);

    const { code, stdout } = await cli(repo.dir, ['--python', PYTHON, '--backend', 'bwrap']);
    expect(code).toBe(1);
    expect(stdout).toContain('exit message: ValueError: the model file is corrupt');
    expect(stdout).toMatch(/last lines of \.local\/runs\/.*\/stderr\.log:\n(.*\n)*.*\| .*Traceback/);
    expect(stdout).toContain('✘ predict failed (Fail state)');
    expect(stdout).toMatch(/Execution local-\S+ FAILED/);

    const runs = join(repo.dir, '.local', 'runs');
    const [execution] = readdirSync(runs);
    const report = JSON.parse(readFileSync(join(runs, execution, 'report.json'), 'utf8'));
    expect(report.status).toBe('FAILED');
    expect(report.states.map((s: { name: string; status: string }) => [s.name, s.status])).toEqual([
      ['preprocess', 'SUCCEEDED'],
      ['predict', 'CAUGHT'],
      ['predict failed', 'FAILED'],
    ]);
    expect(report.error.error).toBe('States.TaskFailed');
    expect(report.error.state).toBe('predict failed');
    const cause = JSON.parse(report.error.cause);
    expect(cause).toMatchObject({ ProcessingJobStatus: 'Failed', ExitMessage: 'ValueError: the model file is corrupt' });
    expect(cause.FailureReason).toBe('AlgorithmError: ValueError: the model file is corrupt, exit code: 1');
    const job = report.states[1].jobs[0];
    expect(job).toMatchObject({ status: 'Failed', exitCode: 1, exitMessage: 'ValueError: the model file is corrupt' });
    // A failed job's outputs never reach S3, and the next stage never ran.
    expect(existsSync(join(repo.dir, '.local/s3', repo.pipeline.s3.bucket, 'runs', execution, 'predict'))).toBe(false);
    expect(report.states.some((s: { name: string }) => s.name === 'postprocess')).toBe(false);
  });
});

describe('checks before any job starts', () => {
  test('an input with a missing field is refused, naming the field', async () => {
    const repo = generatedRepo();
    const input = repo.readJson(PIPELINE_FILES.executionInput) as { stages: Record<string, unknown> };
    delete input.stages.predict;
    repo.write('bad-input.json', JSON.stringify(input));
    const { code, stderr } = await cli(repo.dir, ['--input', 'bad-input.json', '--python', PYTHON]);
    expect(code).toBe(2);
    expect(stderr).toBe("legacy-mlops local: bad-input.json: field 'stages.predict' is missing");
    expect(noJobRan(repo.dir)).toBe(true);
  });

  test('an input field of the wrong type is refused, naming the field', async () => {
    const repo = generatedRepo();
    const input = repo.readJson(PIPELINE_FILES.executionInput) as { stages: { preprocess: Record<string, unknown> } };
    input.stages.preprocess.instanceCount = 'one';
    repo.write(PIPELINE_FILES.executionInput, JSON.stringify(input));
    const { code, stderr } = await cli(repo.dir, ['--python', PYTHON]);
    expect(code).toBe(2);
    expect(stderr).toContain("field 'stages.preprocess.instanceCount' must be integer");
    expect(noJobRan(repo.dir)).toBe(true);
  });

  test('a missing stage script is refused, naming the file, for script and container stages', async () => {
    const repo = generatedRepo();
    rmSync(join(repo.dir, 'stages/postprocess/postprocess.py'));
    rmSync(join(repo.dir, 'stages/predict/predict.py'));
    const { code, stderr } = await cli(repo.dir, ['--python', PYTHON, '--backend', 'bwrap']);
    expect(code).toBe(2);
    expect(stderr.split('\n')).toEqual([
      "legacy-mlops local: state 'predict': script stages/predict/predict.py not found (its entrypoint runs /opt/ml/code/predict.py)",
      "legacy-mlops local: state 'postprocess': script stages/postprocess/postprocess.py not found (its entrypoint runs /opt/ml/processing/input/code/postprocess.py)",
    ]);
    expect(noJobRan(repo.dir)).toBe(true);
  });

  test('unknown options and backends are refused', async () => {
    const repo = generatedRepo();
    expect((await cli(repo.dir, ['--backend', 'podman'])).stderr).toContain("--backend 'podman' is not one of docker, bwrap, direct");
    expect((await cli(repo.dir, ['--fast'])).code).toBe(2);
  });
});

describe('Task emulators', () => {
  test('every Task state of generated state machines has an emulator, in every partition', () => {
    for (const options of [
      { name: 'demo', region: 'eu-west-1', account: '111122223333' },
      { name: 'demo', region: 'cn-north-1', account: '111122223333' },
      { name: 'many', region: 'us-east-1', account: '111122223333', stages: [{ name: 'a' }, { name: 'b', mode: 'container' as const }, { name: 'c' }, { name: 'd' }] },
    ]) {
      const definition = buildStateMachine(resolvePipeline(options));
      const tasks = taskStatesOf(definition);
      expect(tasks.length).toBe(Object.values(definition.States).filter((s) => s.Type === 'Task').length);
      const assigned = assignEmulators(definition);
      expect(assigned.map((a) => a.state.name)).toEqual(tasks.map((t) => t.name));
      for (const { emulator } of assigned) expect(emulator.emulates).toBe('SageMaker processing job');
    }
    // The lifecycle and governance kinds (and an endpoint stage, promotion in prod) use every other emulated resource, in any partition.
    const used = new Set<string>();
    for (const region of ['eu-west-1', 'cn-north-1']) {
      // Register and approval (governance) need a non-skippable evaluation before them, and notifications.
      const stages = [...governedStages(), { name: 'serve', kind: 'endpoint' as const }];
      // Two environments: the last (prod) serves the newest Approved version (promotion's listModelPackages).
      const environments = [{ name: 'preprod', account: '111122223333', region }, { name: 'prod', account: '444455556666', region }];
      const definition = buildStateMachine(resolvePipeline({ name: 'demo', region, account: '111122223333', notifications: TEAM_NOTIFICATIONS, environments, stages }));
      for (const { state } of assignEmulators(definition)) used.add(state.resource.replace(/^arn:aws-cn:/, 'arn:aws:'));
      // A tuning stage in place of the training stage: the tuning job and the best trial's description.
      const tuning: StageOptions = { name: 'train', kind: 'tuning', tuning: { objective: { metric: 'train_accuracy', type: 'Maximize' }, strategy: 'Random', maxJobs: 2, maxParallelJobs: 1, ranges: { C: { type: 'continuous', min: 0.01, max: 10 } } } };
      const tuned = buildStateMachine(resolvePipeline({ name: 'demo', region, account: '111122223333', stages: [FIXED_LIFECYCLE[0], tuning, ...FIXED_LIFECYCLE.slice(2)] }));
      for (const { state } of assignEmulators(tuned)) used.add(state.resource.replace(/^arn:aws-cn:/, 'arn:aws:'));
    }
    expect([...TASK_EMULATORS.keys()].sort()).toEqual([...used].sort());
  });

  test('a Task with an unknown resource, even inside a Parallel branch, is refused before the run', async () => {
    const repo = generatedRepo();
    const definition = repo.readJson(PIPELINE_FILES.stateMachine) as { StartAt: string; States: Record<string, unknown> };
    definition.States.notify = {
      Type: 'Parallel',
      Branches: [{ StartAt: 'call lambda', States: { 'call lambda': { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: 'x' }, End: true } } }],
      Next: definition.StartAt,
    };
    definition.StartAt = 'notify';
    repo.write(PIPELINE_FILES.stateMachine, JSON.stringify(definition));

    await expect(runPipelineLocally({ repoRoot: repo.dir, python: PYTHON, log: () => undefined })).rejects.toThrow(LocalRunRefused);
    const { code, stderr } = await cli(repo.dir, ['--python', PYTHON]);
    expect(code).toBe(2);
    expect(stderr).toMatch(
      /^legacy-mlops local: state 'call lambda': no local emulator for Task resource 'arn:aws:states:::lambda:invoke' \(emulated: arn:aws:states:::sagemaker:createProcessingJob\.sync, arn:aws:states:::sagemaker:createTrainingJob\.sync, .*\)$/,
    );
    expect(noJobRan(repo.dir)).toBe(true);
  });
});

describe('an unavailable backend', () => {
  test('--backend docker without a Docker engine fails with a clear message before any job starts', async () => {
    // A docker client whose engine does not answer, whatever this machine has.
    const bin = mkdtempSync(join(tmpdir(), 'fake-docker-'));
    writeFileSync(join(bin, 'docker'), '#!/bin/sh\necho "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?" >&2\nexit 1\n');
    chmodSync(join(bin, 'docker'), 0o755);
    const path = process.env.PATH;
    process.env.PATH = `${bin}:${path}`;
    try {
      const repo = generatedRepo();
      const { code, stderr } = await cli(repo.dir, ['--backend', 'docker']);
      expect(code).toBe(2);
      expect([...new Set(stderr.split('\n'))]).toEqual([
        "legacy-mlops local: backend 'docker' is not available: no engine answers `docker info`: Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?; use --backend bwrap|direct, or leave --backend out to choose automatically",
      ]);
      expect(noJobRan(repo.dir)).toBe(true);
    } finally {
      process.env.PATH = path;
    }
  });

  test('a docker command that is not installed is named as such', async () => {
    const path = process.env.PATH;
    process.env.PATH = mkdtempSync(join(tmpdir(), 'empty-path-'));
    try {
      const repo = generatedRepo();
      const { code, stderr } = await cli(repo.dir, ['--backend', 'docker']);
      expect(code).toBe(2);
      expect(stderr).toContain("backend 'docker' is not available: the docker command is not installed");
    } finally {
      process.env.PATH = path;
    }
  });
});

describe('without an explicit interpreter', () => {
  test('a --python that does not run is refused in one line', async () => {
    const repo = generatedRepo();
    const { code, stderr } = await cli(repo.dir, ['--python', '/nonexistent/python3', '--backend', 'direct']);
    expect(code).toBe(2);
    expect([...new Set(stderr.split('\n'))]).toEqual([
      expect.stringMatching(/^legacy-mlops local: Python interpreter '\/nonexistent\/python3' \(from --python\) does not run: .*; pass --python <path>$/),
    ]);
    expect(noJobRan(repo.dir)).toBe(true);
  });
});
