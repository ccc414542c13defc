/**
 * `yo legacy-mlops:stage` adding lifecycle kinds: a training stage with hyperparameters and an
 * evaluation stage with its metric gate, from options (as parsed from a command line), at prompts,
 * and the refusals when a required gate field is missing or an option does not fit the kind.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import helpers from 'yeoman-test';
import StageGenerator from '../../../generators/stage/index.js';
import { renderProjenrc, type ProjectDefinition } from '../../../src/create/projenrc.js';
import { LIFECYCLE_STAGES, resolvePipeline } from '../../../src/model/index.js';
import { STAGE_GENERATOR, makeRepo, readJson, snapshot } from '../../support/stage-generator-fixtures.js';
import { declaredOptions } from '../../support/declared-options.js';

const LIFECYCLE: ProjectDefinition = { pipeline: { name: 'churn', region: 'eu-west-1', account: '111122223333', stages: [...LIFECYCLE_STAGES] } };

function lifecycleRepo(): string {
  return makeRepo(LIFECYCLE, renderProjenrc(LIFECYCLE));
}

function run(cwd: string, args: string[], options: Record<string, unknown> = {}) {
  return helpers.run<StageGenerator>(StageGenerator, { resolved: STAGE_GENERATOR }).cd(cwd).withArguments(args).withOptions({ synthInProcess: true, ...options });
}

const declared = declaredOptions;

const states = (dir: string) => readJson(path.join(dir, 'pipeline/state-machine.asl.json')).States as Record<string, { Type: string; Resource?: string }>;

describe('a training stage from options', () => {
  test('--kind training with repeated --hyperparameter key=value (as parsed from the command line)', async () => {
    const dir = lifecycleRepo();
    await run(dir, ['retrain', '--kind', 'training', '--hyperparameter', 'C=0.5', '--hyperparameter', 'max_iter=200', '--after', 'train', '--yes']);
    const stage = resolvePipeline(declared(dir)).stages.find((s) => s.name === 'retrain')!;
    expect(stage.kind).toBe('training');
    expect(stage.hyperparameters).toEqual({ C: '0.5', max_iter: '200' });
    expect(fs.readFileSync(path.join(dir, '.projenrc.ts'), 'utf8')).toContain("hyperparameters: { C: '0.5', max_iter: '200' }");
    expect(states(dir).retrain.Resource).toBe('arn:aws:states:::sagemaker:createTrainingJob.sync');
  }, 60_000);

  test('a hyperparameter that is not key=value is refused before anything is written', async () => {
    const dir = lifecycleRepo();
    const before = snapshot(dir);
    await expect(run(dir, ['retrain', '--kind', 'training', '--hyperparameter', 'C', '--yes'])).rejects.toThrow("Invalid --hyperparameter: 'C' is not key=value (e.g. max_depth=5)");
    expect(snapshot(dir)).toEqual(before);
  });
});

describe('an evaluation stage and its gate', () => {
  test('--metric --threshold --no-greater-is-better --on-fail skip: the gate as given, a Choice state in the ASL', async () => {
    const dir = lifecycleRepo();
    await run(dir, ['check', '--kind', 'evaluation', '--metric', 'log_loss', '--threshold', '0.4', '--no-greater-is-better', '--on-fail', 'skip', '--after', 'evaluate', '--yes']);
    const stage = resolvePipeline(declared(dir)).stages.find((s) => s.name === 'check')!;
    expect(stage.gate).toEqual(expect.objectContaining({ metric: 'log_loss', threshold: 0.4, greaterIsBetter: false, onFail: 'skip' }));
    expect(states(dir)['check: gate'].Type).toBe('Choice');
  }, 60_000);

  test('--greater-is-better is the default: not given, the gate keeps it and .projenrc.ts leaves it out', async () => {
    const dir = lifecycleRepo();
    await run(dir, ['check', '--kind', 'evaluation', '--metric', 'accuracy', '--threshold', '0.7', '--after', 'evaluate', '--yes']);
    expect(resolvePipeline(declared(dir)).stages.find((s) => s.name === 'check')!.gate?.greaterIsBetter).toBe(true);
    expect(fs.readFileSync(path.join(dir, '.projenrc.ts'), 'utf8')).toContain("gate: { metric: 'accuracy', threshold: 0.7 }");
  }, 60_000);

  test('without --metric an evaluation stage is refused, naming the options; nothing is written', async () => {
    const dir = lifecycleRepo();
    const before = snapshot(dir);
    await expect(run(dir, ['check', '--kind', 'evaluation', '--yes'])).rejects.toThrow(/pass --metric <name> and --threshold <number>/);
    await expect(run(dir, ['check', '--kind', 'evaluation', '--metric', 'accuracy', '--yes'])).rejects.toThrow(/pass --threshold <number>/);
    await expect(run(dir, ['check', '--kind', 'evaluation', '--metric', 'accuracy', '--threshold', 'high', '--yes'])).rejects.toThrow("Invalid --threshold: 'high' is not a number");
    await expect(run(dir, ['check', '--kind', 'evaluation', '--metric', 'top-1', '--threshold', '1', '--yes'])).rejects.toThrow(/^Invalid --metric: 'top-1' must be a metric name/);
    expect(snapshot(dir)).toEqual(before);
  });

  test('gate and hyperparameter options on a kind that does not take them are refused', async () => {
    const dir = lifecycleRepo();
    await expect(run(dir, ['clean', '--metric', 'accuracy', '--yes'])).rejects.toThrow('Invalid --metric: only evaluation stages take it (this is a processing stage)');
    await expect(run(dir, ['check', '--kind', 'evaluation', '--metric', 'accuracy', '--threshold', '1', '--hyperparameter', 'a=1', '--yes'])).rejects.toThrow(
      'Invalid --hyperparameter: only training and tuning stages take it (this is an evaluation stage)',
    );
  });

  test('at the prompts: kind, metric, threshold, direction and failure are asked', async () => {
    const dir = lifecycleRepo();
    const result = await run(dir, ['check'], { interactive: true }).withAnswers({
      description: 'Checks the model once more.',
      kind: 'evaluation',
      from: '',
      mode: 'script',
      framework: 'sklearn',
      frameworkVersion: '1.2-1',
      metric: 'roc_auc',
      threshold: '0.75',
      greaterIsBetter: true,
      onFail: 'fail',
      tune: false,
      after: 'evaluate',
    });
    const asked = result.askedQuestions.map((q) => q.name);
    expect(asked).toEqual(expect.arrayContaining(['kind', 'metric', 'threshold', 'greaterIsBetter', 'onFail']));
    expect(asked).not.toContain('hyperparameters');
    expect(resolvePipeline(declared(dir)).stages.find((s) => s.name === 'check')!.gate).toEqual(expect.objectContaining({ metric: 'roc_auc', threshold: 0.75, greaterIsBetter: true, onFail: 'fail' }));
  }, 60_000);
});
