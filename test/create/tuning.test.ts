/**
 * create-legacy-mlops with tuning: the lifecycle presets offer to tune their training stage (off by
 * default), from the flags yo stage shares (`--tuning`, `--range`, `--objective-metric`, `--objective`,
 * `--strategy`, `--max-jobs`, `--max-parallel-jobs`) or at the prompts. The synthesized project's
 * tuning request passes botocore's request shape and its training stub prints the objective metric.
 * An answers file's `tuning` (true, false or the .projenrc.ts object) is read and checked as the flags are.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { collectGiven } from '../../src/create/answers.js';
import { readFlags } from '../../src/create/flags.js';
import { isolateFromAws } from '../support/aws-isolation.js';
import { declaredOptions, runAppGenerator } from '../support/declared-options.js';
import { shapeCheckedRequest } from '../support/request-shapes.js';

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
  const { findings } = await shapeCheckedRequest(dir, 'train', 'CreateHyperParameterTuningJob');
  expect(findings).toEqual([]);
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

describe('an answers file with tuning', () => {
  const answersFile = (content: unknown) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lmo-tuning-answers-'));
    fs.writeFileSync(path.join(dir, 'answers.json'), JSON.stringify(content));
    return path.join(dir, 'answers.json');
  };
  const config = (dir: string) => readJson(path.join(dir, 'pipeline/state-machine.asl.json')).States.train.Parameters.HyperParameterTuningJobConfig;

  test('the .projenrc.ts tuning object (any field may be left out): the synthesized ASL tunes with those values', async () => {
    const file = answersFile({
      preset: 'lifecycle',
      tuning: {
        objective: { metric: 'train_accuracy', type: 'minimize' },
        strategy: 'grid',
        maxParallelJobs: 3,
        ranges: { C: { type: 'categorical', values: ['0.1', '1'] }, max_iter: { type: 'integer', min: 100, max: 102 } },
      },
    });
    const result = await runAppGenerator().withArguments(['filed']).withOptions({ yes: true, ...PROJECT, answers: file });
    expect(result.askedQuestions).toEqual([]);
    const dir = path.join(result.cwd, 'filed');
    expect(train(dir).tuning).toEqual({
      objective: { metric: 'train_accuracy', type: 'Minimize' },
      strategy: 'Grid',
      maxParallelJobs: 3,
      ranges: { C: { type: 'categorical', values: ['0.1', '1'] }, max_iter: { type: 'integer', min: 100, max: 102 } },
    });
    expect(config(dir)).toEqual({
      Strategy: 'Grid',
      HyperParameterTuningJobObjective: { Type: 'Minimize', MetricName: 'train_accuracy' },
      ResourceLimits: { MaxParallelTrainingJobs: 3 },
      TrainingJobEarlyStoppingType: 'Off',
      ParameterRanges: { CategoricalParameterRanges: [{ Name: 'C', Values: ['0.1', '1'] }, { Name: 'max_iter', Values: ['100', '101', '102'] }] },
    });
  }, 120_000);

  test('ranges as --range texts, the defaults for the rest; a flag wins over the file', async () => {
    const file = answersFile({ preset: 'governed', approverEmail: 'lead@example.com', tuning: { ranges: ['C=0.01:10:log'], maxJobs: 8 } });
    const result = await runAppGenerator().withArguments(['texts']).withOptions({ yes: true, ...PROJECT, answers: file, 'max-jobs': '4' });
    const dir = path.join(result.cwd, 'texts');
    expect(train(dir).tuning).toEqual({ objective: { metric: 'train_accuracy', type: 'Maximize' }, strategy: 'Random', maxJobs: 4, maxParallelJobs: 2, ranges: { C: { type: 'continuous', min: 0.01, max: 10, scaling: 'Logarithmic' } } });
    expect(config(dir)).toMatchObject({ Strategy: 'Random', ResourceLimits: { MaxNumberOfTrainingJobs: 4, MaxParallelTrainingJobs: 2 }, ParameterRanges: { ContinuousParameterRanges: [{ Name: 'C', MinValue: '0.01', MaxValue: '10', ScalingType: 'Logarithmic' }] } });
    // tuning: false keeps the training stage.
    const off = await runAppGenerator().withArguments(['plain']).withOptions({ yes: true, ...PROJECT, answers: answersFile({ preset: 'lifecycle', tuning: false }) });
    expect(train(path.join(off.cwd, 'plain')).kind).toBe('training');
  }, 120_000);

  test.each([
    [{ tunning: true }, /^Invalid --answers: answers\.json has unknown key\(s\) tunning \(did you mean tuning\?\) \(allowed: .*tuning\)$/],
    [{ tuning: { maxJob: 4 } }, /^Invalid 'tuning' in answers\.json: tuning\.maxJob: unknown key 'maxJob'; did you mean 'maxJobs'\?$/],
    [{ tuning: { ranges: { C: { type: 'continous', min: 1, max: 2 } } } }, /^Invalid 'tuning' in answers\.json: tuning\.ranges\.C\.type: 'continous' is not an allowed value \(allowed: integer, continuous, categorical\); did you mean 'continuous'\?$/],
    [{ tuning: { strategy: 'grd' } }, /^Invalid 'tuning' in answers\.json: tuning\.strategy: 'grd' is not an allowed value \(allowed: Bayesian, Random, Grid\); did you mean 'Grid'\?$/],
    [{ tuning: { maxJobs: '4' } }, /^Invalid 'tuning' in answers\.json: tuning\.maxJobs: must be a number, not the string '4'$/],
    [{ tuning: 'yes' }, /^Invalid 'tuning' in answers\.json: must be true, false or an object like/],
    [{ tuning: { ranges: ['C'] } }, /^Invalid 'tuning\.ranges' in answers\.json: 'C' is not name=min:max\[:log\] or name=a,b,c/],
    [{ tuning: { objective: { metric: 'auc', type: 'Maximize', regex: 'auc=(.*)' } } }, /^Invalid 'tuning\.objective\.regex' in answers\.json: create does not set it/],
  ])('refused when read, naming the key: %j', (content, message) => {
    const file = answersFile(content);
    expect(() => collectGiven(readFlags({ answers: path.basename(file) }), path.dirname(file))).toThrow(message);
  });

  test.each([
    [{ preset: 'lifecycle', tuning: { ranges: { C: { type: 'continuous', min: 0, max: 1, scaling: 'Logarithmic' } } } }, /^Invalid 'tuning\.ranges' in answers\.json: Logarithmic needs min > 0$/],
    [{ preset: 'lifecycle', tuning: { strategy: 'Grid', ranges: ['C=1,2'], maxJobs: 4 } }, /^Invalid 'tuning\.maxJobs' in answers\.json: Grid runs every combination of the values; remove maxJobs$/],
    [{ preset: 'lifecycle', tuning: { objective: { metric: 'val-auc' } } }, /^Invalid 'tuning\.objective\.metric' in answers\.json: 'val-auc' must be letters, digits and underscores/],
    [{ preset: 'lifecycle', tuning: { maxParallelJobs: 0 } }, /^Invalid 'tuning\.maxParallelJobs' in answers\.json: /],
    [{ preset: 'classic', tuning: true }, /^Invalid 'tuning' in answers\.json: there is no training stage to tune/],
  ])('a bad value, checked with the training stage as the flags are: one line, nothing written: %j', async (content, message) => {
    const context = runAppGenerator().withArguments(['bad']).withOptions({ yes: true, ...PROJECT, answers: answersFile(content) });
    await expect(context).rejects.toThrow(message);
    expect(fs.existsSync(path.join(context.targetDirectory!, 'bad'))).toBe(false);
  });
});
