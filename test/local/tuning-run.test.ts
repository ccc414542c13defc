/**
 * `legacy-mlops local` on the lifecycle with a tuning stage in place of training: the generated stub
 * trains one real scikit-learn model per trial, prints the objective, the emulator picks the best
 * trial by the regex, and the model stage packages that trial's artifact (read back from
 * DescribeTrainingJob's answer), which the transform then uses.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LocalRunReport } from '../../src/local/index.js';
import { LIFECYCLE_STAGES, type StageOptions } from '../../src/model/index.js';
import { generatedRepo, runQuietly } from '../support/generated-repo.js';

type Json = Record<string, any>;

const TUNING: StageOptions = {
  name: 'train',
  kind: 'tuning',
  hyperparameters: { max_iter: '1000' },
  tuning: {
    objective: { metric: 'train_accuracy', type: 'Maximize' },
    strategy: 'Grid',
    maxParallelJobs: 2,
    ranges: { C: { type: 'categorical', values: ['0.001', '1.0', '100'] } },
  },
};

describe('a lifecycle with a tuning stage, run locally', () => {
  const repo = generatedRepo({ stages: LIFECYCLE_STAGES.map((s) => (s.name === 'train' ? TUNING : s)) });
  let report: LocalRunReport;
  let output: string;

  beforeAll(async () => {
    ({ report, output } = await runQuietly(repo, { backend: 'bwrap' }));
  });

  test('the grid runs three trials, two at a time, and the pipeline ends with a transform by the best model', () => {
    expect(report.status).toBe('SUCCEEDED');
    const train = report.states.find((s) => s.name === 'train')!;
    expect(train.jobs.map((j) => j.jobKind)).toEqual(['training', 'training', 'training']);
    expect(train.jobs.every((j) => /^[a-z0-9-]+-\d{3}-[0-9a-f]{8}$/.test(j.jobName))).toBe(true);
    expect(report.states.find((s) => s.name === 'transform')?.status).toBe('SUCCEEDED');
  });

  test('the best trial is the one whose log shows the highest objective, and its artifact feeds the model stage', () => {
    const train = report.states.find((s) => s.name === 'train')!;
    const scores = train.jobs.map((job) => {
      const log = readFileSync(join(job.dir, 'stdout.log'), 'utf8');
      const values = [...log.matchAll(/train_accuracy=([0-9.]+)/g)].map((m) => Number(m[1]));
      const hyperparameters = JSON.parse(readFileSync(join(job.dir, 'opt/ml/input/config/hyperparameters.json'), 'utf8'));
      return { name: job.jobName, value: values.at(-1)!, C: hyperparameters.C };
    });
    expect(scores.map((s) => s.C).sort()).toEqual(['0.001', '1.0', '100']);
    const best = scores.reduce((a, b) => (b.value > a.value ? b : a));
    const results = (report.output as Json).results;
    expect(results.train.jobName).toBe(best.name);
    expect(results.train.modelArtifacts).toBe(`${repo.pipeline.s3.runsUri}${report.executionName}/train/model/${best.name}/output/model.tar.gz`);
    expect(results.train.hyperparameters.C).toBe(best.C);
    expect(output).toContain(`best trial ${best.name} with train_accuracy=${best.value}`);
    const bestJob = train.jobs.find((j) => j.jobName === best.name)!;
    const listing = execFileSync('tar', ['-tzf', bestJob.outputs![0].localPath], { encoding: 'utf8' });
    expect(listing).toContain('model.joblib');
  });
});
