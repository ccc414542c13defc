/**
 * The tuning job emulator (src/local/emulators/tuning-job.ts) on the shared job lifecycle, with a
 * stand-in for the training emulator: trials MaxParallelTrainingJobs at a time, the best by the
 * objective read from each trial's log, a reused name refused as SageMaker does, a stop before and
 * during the trials, no trial reporting the metric, and the trials described afterwards.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TaskError } from '../../../src/local/errors.js';
import { STOPPED_REASON } from '../../../src/local/emulators/job-lifecycle.js';
import { describeTrainingJobEmulator, runTuningJob } from '../../../src/local/emulators/tuning-job.js';
import { STAGE_TAG_KEY } from '../../../src/model/rules.js';
import { jobFixture, removeJobFixtures, taskError, type JobFixture } from '../../support/job-fixtures.js';

type Obj = Record<string, any>;
afterAll(removeJobFixtures);

function request(name: string, config: Obj = {}, metricRegex = 'acc=([0-9.]+)'): Obj {
  return {
    HyperParameterTuningJobName: name,
    HyperParameterTuningJobConfig: {
      Strategy: 'Grid',
      HyperParameterTuningJobObjective: { Type: 'Maximize', MetricName: 'acc' },
      ResourceLimits: { MaxNumberOfTrainingJobs: 3, MaxParallelTrainingJobs: 2 },
      ParameterRanges: { CategoricalParameterRanges: [{ Name: 'C', Values: ['1', '5', '3'] }] },
      ...config,
    },
    TrainingJobDefinition: {
      RoleArn: 'arn:aws:iam::111122223333:role/pipeline',
      AlgorithmSpecification: { TrainingImage: '123.dkr.ecr.eu-west-1.amazonaws.com/train:1', TrainingInputMode: 'File', MetricDefinitions: [{ Name: 'acc', Regex: metricRegex }] },
      StaticHyperParameters: { max_iter: '10' },
      OutputDataConfig: { S3OutputPath: 's3://bucket/models/' },
    },
    Tags: [{ Key: STAGE_TAG_KEY, Value: 'train' }],
  };
}

/** A stand-in for the training emulator: logs `acc=<C / 10>` in the trial's folder, as a trial's script would print it. */
function training(f: JobFixture, options: { onStart?: (trial: Obj) => void; print?: boolean } = {}) {
  const requests: Obj[] = [];
  let running = 0;
  let most = 0;
  const handler = async (value: unknown) => {
    const trial = value as Obj;
    requests.push(trial);
    running += 1;
    most = Math.max(most, running);
    options.onStart?.(trial);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const dir = join(f.runDir, 'jobs', trial.TrainingJobName);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'stdout.log'), options.print === false ? 'no metric here\n' : `epoch 1 acc=0.01\nacc=${Number(trial.HyperParameters.C) / 10}\n`);
    running -= 1;
    return { TrainingJobName: trial.TrainingJobName, TrainingJobArn: `arn:aws:sagemaker:eu-west-1:111122223333:training-job/${trial.TrainingJobName}`, TrainingJobStatus: 'Completed' };
  };
  return { handler, requests, most: () => most };
}

describe('runTuningJob', () => {
  test('a grid: every combination as a trial, two at a time; the best by the last logged objective; the tuning job is not itself a recorded job', async () => {
    const f = jobFixture();
    const trainer = training(f);
    const result = (await runTuningJob(request('demo-train-a1'), f.setting, trainer.handler)) as Obj;
    expect(trainer.requests.map((r) => r.HyperParameters)).toEqual(['1', '5', '3'].map((C) => ({ max_iter: '10', C })));
    expect(trainer.requests.every((r) => /^demo-train-a1-\d{3}-[0-9a-f]{8}$/.test(r.TrainingJobName) && !('StaticHyperParameters' in r))).toBe(true);
    expect(trainer.most()).toBe(2);
    expect(result).toMatchObject({
      HyperParameterTuningJobStatus: 'Completed',
      HyperParameterTuningJobArn: 'arn:aws:sagemaker:eu-west-1:111122223333:hyper-parameter-tuning-job/demo-train-a1',
      TrainingJobStatusCounters: { Completed: 3, Failed: 0 },
      BestTrainingJob: { TrainingJobName: trainer.requests[1].TrainingJobName, TunedHyperParameters: { C: '5' }, FinalHyperParameterTuningJobObjectiveMetric: { Type: 'Maximize', MetricName: 'acc', Value: 0.5 } },
    });
    expect(result).not.toHaveProperty('Tags');
    expect(result.HyperParameterTuningEndTime).toBeGreaterThanOrEqual(result.CreationTime);
    expect([f.started, f.ended]).toEqual([[], []]);
    expect(existsSync(join(f.runDir, 'jobs', 'demo-train-a1'))).toBe(true);
    expect(f.logs).toContain(`  Train: best trial ${trainer.requests[1].TrainingJobName} with acc=0.5 (Maximize, 3 of 3 trials scored)`);

    // The DescribeTrainingJob call that follows reads a trial of this run, with its metric.
    const describeTrial = (await describeTrainingJobEmulator.prepare({ name: 'train best model', resource: '', definition: {} }, f.run)).handler;
    expect(await describeTrial({ TrainingJobName: trainer.requests[0].TrainingJobName })).toMatchObject({ TuningJobArn: result.HyperParameterTuningJobArn, FinalMetricDataList: [{ MetricName: 'acc', Value: 0.1 }] });
    expect((await taskError(describeTrial({ TrainingJobName: 'other' }))).name).toBe('SageMaker.ValidationException');
  });

  test('Minimize picks the lowest; Random draws MaxNumberOfTrainingJobs points in the range, the same ones for the same job name', async () => {
    const config = { Strategy: 'Random', HyperParameterTuningJobObjective: { Type: 'Minimize', MetricName: 'acc' }, ResourceLimits: { MaxNumberOfTrainingJobs: 4, MaxParallelTrainingJobs: 1 }, ParameterRanges: { IntegerParameterRanges: [{ Name: 'C', MinValue: '1', MaxValue: '9' }] } };
    const points: string[][] = [];
    for (const name of ['demo-train-r1', 'demo-train-r2']) {
      const f = jobFixture();
      const trainer = training(f);
      const result = (await runTuningJob(request(name, config), f.setting, trainer.handler)) as Obj;
      const values = trainer.requests.map((r) => r.HyperParameters.C as string);
      expect(values).toHaveLength(4);
      expect(values.every((v) => Number.isInteger(Number(v)) && Number(v) >= 1 && Number(v) <= 9)).toBe(true);
      expect(trainer.most()).toBe(1);
      expect(result.BestTrainingJob.FinalHyperParameterTuningJobObjectiveMetric.Value).toBe(Math.min(...values.map(Number)) / 10);
      points.push(values);
    }
    const again = jobFixture();
    const trainer = training(again);
    await runTuningJob(request('demo-train-r1', config), again.setting, trainer.handler);
    expect(trainer.requests.map((r) => r.HyperParameters.C)).toEqual(points[0]);
  });

  test('a name already used in this execution: SageMaker.ResourceInUse, and no trial runs', async () => {
    const f = jobFixture();
    await runTuningJob(request('demo-train-b1'), f.setting, training(f).handler);
    const trainer = training(f);
    const error = await taskError(runTuningJob(request('demo-train-b1'), f.setting, trainer.handler));
    expect([error.name, error.message]).toEqual(['SageMaker.ResourceInUse', 'a job named demo-train-b1 already ran in this execution']);
    expect(trainer.requests).toEqual([]);
  });

  test('a stop before the start: States.TaskFailed and no trial; a stop during the trials: no further trial, the job Stopped', async () => {
    const before = jobFixture();
    before.controller.abort();
    const idle = training(before);
    const error = await taskError(runTuningJob(request('demo-train-c1'), before.setting, idle.handler));
    expect([error.name, error.message]).toEqual(['States.TaskFailed', 'the local execution was stopped']);
    expect(idle.requests).toEqual([]);

    const during = jobFixture();
    const trainer = training(during, { onStart: () => during.controller.abort() });
    const stopped = await taskError(runTuningJob(request('demo-train-c2'), during.setting, trainer.handler));
    expect(trainer.requests).toHaveLength(2);
    expect(stopped.name).toBe('States.TaskFailed');
    expect(JSON.parse(stopped.message)).toMatchObject({ HyperParameterTuningJobStatus: 'Stopped', FailureReason: STOPPED_REASON });
  });

  test('no trial logs the objective: the job Failed, naming each trial and the regex; a training failure counts as a Failed trial', async () => {
    const f = jobFixture();
    const silent = training(f, { print: false });
    const error = await taskError(runTuningJob(request('demo-train-d1'), f.setting, silent.handler));
    const cause = JSON.parse(error.message);
    expect(cause).toMatchObject({ HyperParameterTuningJobStatus: 'Failed', TrainingJobStatusCounters: { Completed: 3, Failed: 0 } });
    expect(cause).not.toHaveProperty('BestTrainingJob');
    expect(cause.FailureReason).toMatch(/^No training job reported the objective metric 'acc': demo-train-d1-001-[0-9a-f]{8}: the objective metric 'acc' was not found in the log with acc=\(\[0-9\.\]\+\); /);

    const failing = async () => {
      throw new TaskError('States.TaskFailed', '{"TrainingJobStatus":"Failed"}');
    };
    const failed = JSON.parse((await taskError(runTuningJob(request('demo-train-d2'), f.setting, failing))).message);
    expect(failed.TrainingJobStatusCounters).toMatchObject({ Completed: 0, Failed: 3 });
  });

  test('a request SageMaker would refuse: ValidationException before anything starts', async () => {
    const f = jobFixture();
    const trainer = training(f);
    expect((await taskError(runTuningJob(request('bad_name'), f.setting, trainer.handler))).name).toBe('SageMaker.ValidationException');
    const unnamed = await taskError(runTuningJob(request('demo-train-e1', { HyperParameterTuningJobObjective: { Type: 'Maximize', MetricName: 'f1' } }), f.setting, trainer.handler));
    expect(unnamed.message).toBe("no MetricDefinitions entry names the objective metric 'f1'");
    expect(trainer.requests).toEqual([]);
    expect(existsSync(join(f.runDir, 'jobs'))).toBe(false);
  });
});
