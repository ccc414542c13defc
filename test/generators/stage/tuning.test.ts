/**
 * `yo legacy-mlops:stage <training stage> --kind tuning`: the declared training stage becomes a SageMaker
 * hyperparameter tuning job over its own settings, from the shared tuning flags or at the prompts; the
 * synthesized state machine's tuning request passes botocore's request shape. Refusals read as the
 * model's own messages, named by the flag, with nothing written.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import helpers from 'yeoman-test';
import StageGenerator from '../../../generators/stage/index.js';
import { parseSageMakerResource } from '../../../src/checks/index.js';
import { renderProjenrc, type ProjectDefinition } from '../../../src/create/projenrc.js';
import { LIFECYCLE_STAGES, resolvePipeline } from '../../../src/model/index.js';
import { STAGE_GENERATOR, makeRepo, readJson, snapshot } from '../../support/stage-generator-fixtures.js';
import { declaredOptions } from '../../support/declared-options.js';
import { shapeCheckedRequest } from '../../support/request-shapes.js';

const LIFECYCLE: ProjectDefinition = { pipeline: { name: 'churn', region: 'eu-west-1', account: '111122223333', stages: [...LIFECYCLE_STAGES] } };
const repo = () => makeRepo(LIFECYCLE, renderProjenrc(LIFECYCLE));
const run = (cwd: string, args: string[], options: Record<string, unknown> = {}) =>
  helpers.run<StageGenerator>(StageGenerator, { resolved: STAGE_GENERATOR }).cd(cwd).withArguments(args).withOptions({ synthInProcess: true, ...options });
const stageOf = (dir: string, name: string) => declaredOptions(dir).stages.find((s: { name: string }) => s.name === name);

test('train --kind tuning with ranges, objective, strategy and job counts: a tuning job whose request passes its botocore shape', async () => {
  const dir = repo();
  const code = fs.readFileSync(path.join(dir, 'stages/train/train.py'));
  const result = await run(dir, ['train', '--kind', 'tuning', '--range', 'C=0.01:10:log', '--range', 'solver=lbfgs,liblinear', '--range', 'max_iter=100:300', '--objective-metric', 'train_accuracy', '--strategy', 'random', '--max-jobs', '4', '--max-parallel-jobs', '2', '--yes']);
  expect(stageOf(dir, 'train')).toEqual(expect.objectContaining({
    kind: 'tuning',
    inputs: [{ name: 'train', from: 'preprocess/train' }],
    tuning: {
      objective: { metric: 'train_accuracy', type: 'Maximize' },
      strategy: 'Random',
      maxJobs: 4,
      maxParallelJobs: 2,
      ranges: { C: { type: 'continuous', min: 0.01, max: 10, scaling: 'Logarithmic' }, solver: { type: 'categorical', values: ['lbfgs', 'liblinear'] }, max_iter: { type: 'integer', min: 100, max: 300 } },
    },
  }));
  // The ranged hyperparameters leave the fixed ones; the stage keeps its place, inputs and code.
  expect(stageOf(dir, 'train').hyperparameters).toBeUndefined();
  expect(declaredOptions(dir).stages.map((s: { name: string }) => s.name)).toEqual(LIFECYCLE_STAGES.map((s) => s.name));
  expect(fs.readFileSync(path.join(dir, 'stages/train/train.py'))).toEqual(code);
  expect(result.generator.notes).toContainEqual(expect.stringMatching(/^Stage 'train' is now a hyperparameter tuning job .*Random search of C, solver, max_iter, 4 training jobs, 2 at a time, maximizing train_accuracy.*must print train_accuracy=<value>/));

  // The synthesized repo: its state machine and sample input give a tuning request botocore accepts.
  const definition = readJson(path.join(dir, 'pipeline/state-machine.asl.json'));
  expect(definition.States.train.Resource).toBe('arn:aws:states:::sagemaker:createHyperParameterTuningJob.sync');
  const { captured: tune, findings } = await shapeCheckedRequest(dir, 'train', 'CreateHyperParameterTuningJob');
  expect(parseSageMakerResource(tune.resource)?.integration.operation).toBe('CreateHyperParameterTuningJob');
  expect(findings).toEqual([]);
  expect((tune.request as any).HyperParameterTuningJobConfig.ResourceLimits).toEqual({ MaxNumberOfTrainingJobs: 4, MaxParallelTrainingJobs: 2 });
  expect(resolvePipeline(declaredOptions(dir)).stages.find((s) => s.name === 'train')!.tuning!.ranges.map((r) => r.name)).toEqual(['C', 'solver', 'max_iter']);

  // The same command again changes nothing.
  const again = await run(dir, ['train', '--kind', 'tuning', '--range', 'C=0.01:10:log', '--range', 'solver=lbfgs,liblinear', '--range', 'max_iter=100:300', '--objective-metric', 'train_accuracy', '--strategy', 'random', '--max-jobs', '4', '--max-parallel-jobs', '2', '--yes']);
  expect(again.generator.plan?.kind).toBe('unchanged');
}, 120_000);

test('the defaults: the lifecycle stub fixes C, so C=0.01:10:log is searched by Random, 6 jobs, 2 at a time; --strategy grid takes no job count', async () => {
  const dir = repo();
  await run(dir, ['train', '--kind', 'tuning', '--yes']);
  expect(stageOf(dir, 'train')).toEqual(expect.objectContaining({
    hyperparameters: { max_iter: '1000' },
    tuning: { objective: { metric: 'train_accuracy', type: 'Maximize' }, strategy: 'Random', maxJobs: 6, maxParallelJobs: 2, ranges: { C: { type: 'continuous', min: 0.01, max: 10, scaling: 'Logarithmic' } } },
  }));
  const grid = repo();
  await run(grid, ['train', '--kind', 'tuning', '--range', 'C=0.1,1,10', '--strategy', 'grid', '--objective', 'minimize', '--objective-metric', 'log_loss', '--yes']);
  expect(stageOf(grid, 'train').tuning).toEqual({ objective: { metric: 'log_loss', type: 'Minimize' }, strategy: 'Grid', maxParallelJobs: 2, ranges: { C: { type: 'categorical', values: ['0.1', '1', '10'] } } });
}, 120_000);

test('at the prompts: naming the training stage offers tuning, and the tuning questions are asked', async () => {
  const dir = repo();
  const result = await run(dir, ['train'], { interactive: true }).withAnswers({ kind: 'tuning', tuningRanges: 'C=0.1:5:log; max_iter=200,500', objectiveMetric: 'train_accuracy', objectiveType: 'maximize', tuningStrategy: 'bayesian', maxJobs: '8', maxParallelJobs: '4' });
  const asked = result.askedQuestions.map((q) => q.name);
  expect(asked).toEqual(expect.arrayContaining(['kind', 'tuningRanges', 'objectiveMetric', 'objectiveType', 'tuningStrategy', 'maxJobs', 'maxParallelJobs']));
  expect(asked).not.toContain('mode');
  expect(stageOf(dir, 'train').tuning).toEqual({
    objective: { metric: 'train_accuracy', type: 'Maximize' },
    strategy: 'Bayesian',
    maxJobs: 8,
    maxParallelJobs: 4,
    ranges: { C: { type: 'continuous', min: 0.1, max: 5, scaling: 'Logarithmic' }, max_iter: { type: 'categorical', values: ['200', '500'] } },
  });
}, 60_000);

describe('refused in the model\'s words, named by the flag, nothing written', () => {
  test.each([
    [['train', '--kind', 'tuning', '--range', 'C', '--yes'], /^Invalid --range: 'C' is not name=min:max\[:log\] or name=a,b,c/],
    [['train', '--kind', 'tuning', '--range', 'C=10:0.01', '--yes'], /^Invalid --range: min \(10\) is greater than max \(0\.01\)$/],
    [['train', '--kind', 'tuning', '--range', 'C=0:10:log', '--yes'], /^Invalid --range: Logarithmic needs min > 0$/],
    [['train', '--kind', 'tuning', '--strategy', 'grid', '--yes'], /^Invalid --range: Grid searches categorical and integer ranges only/],
    [['train', '--kind', 'tuning', '--strategy', 'grid', '--range', 'C=0.1,1', '--max-jobs', '4', '--yes'], /^Invalid --max-jobs: Grid runs every combination of the values; remove maxJobs$/],
    [['train', '--kind', 'tuning', '--strategy', 'sideways', '--yes'], /^Invalid --strategy: 'sideways' is not an allowed value \(allowed: Bayesian, Random, Grid\)$/],
    [['train', '--kind', 'tuning', '--max-jobs', '2', '--max-parallel-jobs', '3', '--yes'], /^Invalid --max-parallel-jobs: 3 is more than maxJobs \(2\)$/],
    [['train', '--kind', 'tuning', '--max-jobs', 'many', '--yes'], /^Invalid --max-jobs: 'many' is not a whole number$/],
    [['train', '--kind', 'tuning', '--objective-metric', 'train accuracy', '--yes'], /^Invalid --objective-metric: 'train accuracy' must be letters, digits and underscores/],
    [['train', '--kind', 'tuning', '--instance-type', 'ml.m5.xlarge', '--yes'], /^Invalid --instance-type: 'train' keeps its settings when it becomes a tuning stage; change them in \.projenrc\.ts$/],
    [['evaluate', '--kind', 'tuning', '--yes'], /^Invalid --kind: 'evaluate' is declared, and not as a training stage; a tuning stage takes the place of a training stage of its name \(train\), or is a new stage$/],
    [['extra', '--range', 'C=1:2', '--yes'], /^Invalid --range: only tuning stages take it \(this is a processing stage\)$/],
  ])('%j', async (args, message) => {
    const dir = repo();
    const before = snapshot(dir);
    await expect(run(dir, args)).rejects.toThrow(message);
    expect(snapshot(dir)).toEqual(before);
  });
});
