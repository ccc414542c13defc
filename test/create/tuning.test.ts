/**
 * create-legacy-mlops with tuning: the lifecycle presets offer to tune their training stage (off by
 * default), from the flags yo stage shares (`--tuning`, `--range`, `--objective-metric`, `--objective`,
 * `--strategy`, `--max-jobs`, `--max-parallel-jobs`) or at the prompts. The synthesized project's
 * tuning request passes botocore's request shape and its training stub prints the objective metric.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { captureTaskRequests, checkRequestShape, loadSageMakerModel } from '../../src/checks/index.js';
import { isolateFromAws } from '../support/aws-isolation.js';
import { declaredOptions, runAppGenerator } from '../support/declared-options.js';

const PROJECT = { region: 'eu-west-1', account: '111122223333', skipInstall: true, git: false };
const readJson = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8'));
const train = (dir: string) => declaredOptions(dir).stages.find((s: { name: string }) => s.name === 'train');

isolateFromAws();

test('--preset lifecycle --tuning --range …: train becomes a tuning job; the synthesized tuning request passes its botocore shape', async () => {
  const result = await runAppGenerator()
    .withArguments(['churn'])
    .withOptions({ yes: true, ...PROJECT, preset: 'lifecycle', tuning: true, range: ['C=0.01:10:log', 'max_iter=100,500'], strategy: 'Random', 'max-jobs': '4', 'max-parallel-jobs': '2' });
  expect(result.askedQuestions).toEqual([]);
  const dir = path.join(result.cwd, 'churn');
  expect(train(dir)).toEqual(expect.objectContaining({
    kind: 'tuning',
    tuning: {
      objective: { metric: 'train_accuracy', type: 'Maximize' },
      strategy: 'Random',
      maxJobs: 4,
      maxParallelJobs: 2,
      ranges: { C: { type: 'continuous', min: 0.01, max: 10, scaling: 'Logarithmic' }, max_iter: { type: 'categorical', values: ['100', '500'] } },
    },
  }));
  expect(train(dir).hyperparameters).toBeUndefined();
  expect(fs.readFileSync(path.join(dir, 'stages/train/train.py'), 'utf8')).toContain('print(f"train_accuracy=');
  const definition = readJson(path.join(dir, 'pipeline/state-machine.asl.json'));
  expect(definition.States.train.Resource).toBe('arn:aws:states:::sagemaker:createHyperParameterTuningJob.sync');
  const lookup = await loadSageMakerModel();
  if (!lookup.found) throw new Error(`botocore's SageMaker model is needed: ${lookup.hint}`);
  const requests = await captureTaskRequests(definition, readJson(path.join(dir, 'pipeline/execution-input.json')), '00000000-0000-4000-8000-000000000000');
  const tune = requests.find((r) => r.stateName === 'train')!;
  expect(checkRequestShape('CreateHyperParameterTuningJob', tune.request, lookup.model, 'train')).toEqual([]);
}, 120_000);

test('off by default; a tuning flag alone turns it on (with the defaults: C=0.01:10:log, Random, 6 jobs, 2 at a time)', async () => {
  const off = await runAppGenerator().withArguments(['plain']).withOptions({ yes: true, ...PROJECT, preset: 'lifecycle' });
  expect(train(path.join(off.cwd, 'plain')).kind).toBe('training');
  const on = await runAppGenerator().withArguments(['tuned']).withOptions({ yes: true, ...PROJECT, preset: 'governed', 'approver-email': 'lead@example.com', 'objective-metric': 'train_accuracy' });
  expect(train(path.join(on.cwd, 'tuned'))).toEqual(expect.objectContaining({
    kind: 'tuning',
    hyperparameters: { max_iter: '1000' },
    tuning: { objective: { metric: 'train_accuracy', type: 'Maximize' }, strategy: 'Random', maxJobs: 6, maxParallelJobs: 2, ranges: { C: { type: 'continuous', min: 0.01, max: 10, scaling: 'Logarithmic' } } },
  }));
}, 120_000);

test('at the prompts: asked after the settings; yes asks the ranges, objective, strategy and job counts', async () => {
  const result = await runAppGenerator()
    .withArguments(['asked'])
    .withOptions({ interactive: true, ...PROJECT })
    .withAnswers({ name: 'asked', preset: 'lifecycle', from: '', tuneStages: false, tuning: true, tuningRanges: 'C=0.1,1,5; max_iter=200,500', objectiveType: 'maximize', tuningStrategy: 'grid', maxParallelJobs: '3', fanOut: false });
  const asked = result.askedQuestions.map((q) => q.name);
  expect(asked).toEqual(expect.arrayContaining(['tuning', 'tuningRanges', 'objectiveMetric', 'objectiveType', 'tuningStrategy', 'maxParallelJobs']));
  // Grid runs every combination: no job count is asked.
  expect(asked).not.toContain('maxJobs');
  expect(asked.indexOf('tuning')).toBeLessThan(asked.indexOf('fanOut'));
  expect(train(path.join(result.cwd, 'asked')).tuning).toEqual({ objective: { metric: 'train_accuracy', type: 'Maximize' }, strategy: 'Grid', maxParallelJobs: 3, ranges: { C: { type: 'categorical', values: ['0.1', '1', '5'] }, max_iter: { type: 'categorical', values: ['200', '500'] } } });
}, 120_000);

describe('refused in one line naming the flag, nothing created', () => {
  test.each([
    [{ preset: 'classic', tuning: true }, /^Invalid --tuning: there is no training stage to tune \(--preset lifecycle and --preset governed have one\)$/],
    [{ preset: 'classic', range: ['C=1:2'] }, /^Invalid --range: there is no training stage to tune/],
    [{ preset: 'lifecycle', tuning: false, strategy: 'grid' }, /^Invalid --strategy: it sets the tuning, which --no-tuning turns off; drop one of them$/],
    [{ preset: 'lifecycle', range: ['C'] }, /^Invalid --range: 'C' is not name=min:max\[:log\] or name=a,b,c/],
    [{ preset: 'lifecycle', range: ['C=0:1:log'] }, /^Invalid --range: Logarithmic needs min > 0$/],
    [{ preset: 'lifecycle', 'max-jobs': 'lots' }, /^Invalid --max-jobs: 'lots' is not a whole number$/],
    [{ preset: 'lifecycle', strategy: 'grid', range: ['C=1,2'], 'max-jobs': '4' }, /^Invalid --max-jobs: Grid runs every combination of the values; remove maxJobs$/],
  ])('%j', async (flags, message) => {
    const context = runAppGenerator().withArguments(['bad']).withOptions({ yes: true, ...PROJECT, ...flags });
    await expect(context).rejects.toThrow(message);
  });
});
