/**
 * Lifecycle stages through the scaffolder: `.projenrc.ts` keeps every kind-specific field (round trip
 * through the model), and `--preset lifecycle` lays out the lifecycle from the generator, an answers
 * file, the prompt and the bin; the synthesized repo passes `validateProject`.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import helpers from 'yeoman-test';
import AppGenerator from '../../generators/app/index.js';
import { TRAINING_JOB_RESOURCE, TRANSFORM_JOB_RESOURCE } from '../../src/asl/task-resources.js';
import { validateProject } from '../../src/checks/index.js';
import { compactStage, renderProjenrc } from '../../src/create/projenrc.js';
import { readDeclaredOptions } from '../../src/edit/projenrc-options.js';
import { LIFECYCLE_STAGES, STAGE_PRESETS, resolvePipeline, type PipelineOptions, type StageOptions } from '../../src/model/index.js';
import { AWS_ISOLATION, isolateFromAws } from '../support/aws-isolation.js';

const GENERATOR = fileURLToPath(new URL('../../generators/app/index.ts', import.meta.url));
const REPO_ROOT = path.resolve(path.dirname(GENERATOR), '../..');
const PROJECT = { name: 'churn', region: 'eu-west-1', account: '111122223333' } as const;

isolateFromAws();
const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

function tempDir(label: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `create-lifecycle-${label}-`));
  dirs.push(dir);
  return dir;
}

/** The pipeline options a `.projenrc.ts` text declares (the file is run with the package stubbed). */
function declared(source: string): PipelineOptions {
  const reading = readDeclaredOptions(source, path.join(REPO_ROOT, '.projenrc.ts'));
  if (!reading.ok) throw new Error(reading.reason);
  return reading.options;
}

function run() {
  return helpers.run<AppGenerator>(AppGenerator, { resolved: GENERATOR });
}

/** What the synthesized repo holds: the state machine's Task resources and gate, and the offline checks. */
async function checkLifecycleRepo(dir: string) {
  const asl = JSON.parse(fs.readFileSync(path.join(dir, 'pipeline/state-machine.asl.json'), 'utf8')) as { States: Record<string, { Type: string; Resource?: string }> };
  const resources = Object.values(asl.States).map((s) => s.Resource);
  expect(resources).toContain(TRAINING_JOB_RESOURCE);
  expect(resources).toContain(TRANSFORM_JOB_RESOURCE);
  expect(asl.States['evaluate: gate']?.Type).toBe('Choice');
  const report = await validateProject(dir);
  expect(report.checks.filter((c) => c.status === 'failed').map((c) => [c.check, c.findings])).toEqual([]);
  expect(report.checks.find((c) => c.check === 'task-requests')?.status).toBe('passed');
}

describe('.projenrc.ts round trip of every stage kind', () => {
  const variants: Record<string, StageOptions[]> = {
    lifecycle: [...LIFECYCLE_STAGES],
    'lifecycle + endpoint': [
      ...LIFECYCLE_STAGES,
      { name: 'serve', kind: 'endpoint', endpointName: 'churn-live', instanceType: 'ml.t2.medium', endpointWait: { intervalSeconds: 30, maxAttempts: 4 }, skippable: true },
    ],
    'non-default gate and model settings': [
      ...LIFECYCLE_STAGES.slice(0, 2),
      { ...LIFECYCLE_STAGES[2], gate: { metric: 'rmse', threshold: 2.5, greaterIsBetter: false, onFail: 'skip', reportFile: 'metrics.json' } },
      { ...LIFECYCLE_STAGES[3], entryScript: 'serve.py', environment: { LOG_LEVEL: 'debug' } },
      { ...LIFECYCLE_STAGES[4], instanceType: 'ml.m5.xlarge', maxRuntimeSeconds: 7200 },
      { name: 'serve', kind: 'endpoint', endpointWait: { maxAttempts: 10 } },
    ],
  };

  test.each(Object.entries(variants))('%s: the rendered file resolves to the same pipeline', (_, stages) => {
    const pipeline: PipelineOptions = { ...PROJECT, stages };
    const source = renderProjenrc({ pipeline });
    expect(resolvePipeline(declared(source))).toEqual(resolvePipeline(pipeline));
  });

  test('kind-specific fields are written only when they differ from the default', () => {
    const written = (stage: StageOptions) => Object.fromEntries(Object.entries(compactStage(stage)).filter(([, v]) => v !== undefined));
    expect(written({ name: 'serve', kind: 'endpoint', skippable: false, endpointWait: { intervalSeconds: 60, maxAttempts: 60 } })).toEqual({ name: 'serve', kind: 'endpoint' });
    expect(written({ name: 'score', kind: 'transform', modelStage: 'model' })).toEqual({ name: 'score', kind: 'transform', modelStage: 'model' });
    const gate = written({ name: 'evaluate', kind: 'evaluation', gate: { metric: 'accuracy', threshold: 0.7, greaterIsBetter: true, onFail: 'fail', reportFile: 'evaluation.json' } }).gate;
    expect(JSON.parse(JSON.stringify(gate))).toEqual({ metric: 'accuracy', threshold: 0.7 });
    expect(written({ name: 'model', kind: 'model', mode: 'script', entryScript: 'inference.py' })).toEqual({ name: 'model', kind: 'model', mode: 'script' });
  });
});

describe('--preset through the generator', () => {
  test('--preset lifecycle --yes lays out the lifecycle and the repo passes its checks', async () => {
    const result = await run().withArguments(['churn']).withOptions({ yes: true, preset: 'lifecycle', ...PROJECT, skipInstall: true, git: false });
    const dir = path.join(result.cwd, 'churn');
    const options = declared(fs.readFileSync(path.join(dir, '.projenrc.ts'), 'utf8'));
    expect(options.stages!.map((s) => [s.name, s.kind ?? 'processing'])).toEqual(STAGE_PRESETS.lifecycle.map((s) => [s.name, s.kind ?? 'processing']));
    expect(resolvePipeline(options)).toEqual(resolvePipeline({ ...PROJECT, stages: [...LIFECYCLE_STAGES] }));
    await checkLifecycleRepo(dir);
  }, 120_000);

  test('--stages overrides --preset; classic is the default', async () => {
    const result = await run().withArguments(['two']).withOptions({ yes: true, preset: 'lifecycle', stages: 'clean,score:container', ...PROJECT, skipInstall: true, git: false });
    expect(declared(fs.readFileSync(path.join(result.cwd, 'two/.projenrc.ts'), 'utf8')).stages!.map((s) => s.name)).toEqual(['clean', 'score']);
    const classic = await run().withArguments(['classic']).withOptions({ yes: true, ...PROJECT, skipInstall: true, git: false });
    expect(declared(fs.readFileSync(path.join(classic.cwd, 'classic/.projenrc.ts'), 'utf8')).stages!.map((s) => s.name)).toEqual(STAGE_PRESETS.classic.map((s) => s.name));
  }, 120_000);

  test('an answers file may name the preset; --instance-type only sets the stages that take one', async () => {
    const file = path.join(tempDir('answers'), 'answers.json');
    fs.writeFileSync(file, JSON.stringify({ ...PROJECT, preset: 'lifecycle', instanceType: 'ml.m5.xlarge' }));
    const result = await run().withArguments(['filed']).withOptions({ interactive: false, answers: file, skipInstall: true, git: false });
    const stages = declared(fs.readFileSync(path.join(result.cwd, 'filed/.projenrc.ts'), 'utf8')).stages!;
    expect(stages.map((s) => [s.name, s.instanceType])).toEqual([
      ['preprocess', 'ml.m5.xlarge'],
      ['train', 'ml.m5.xlarge'],
      ['evaluate', 'ml.m5.xlarge'],
      ['model', undefined],
      ['transform', 'ml.m5.xlarge'],
    ]);
  }, 120_000);

  test('an answers file with lifecycle stage objects keeps their kind-specific fields', async () => {
    const file = path.join(tempDir('answers-stages'), 'answers.json');
    fs.writeFileSync(file, JSON.stringify({ ...PROJECT, stages: [...LIFECYCLE_STAGES, { name: 'serve', kind: 'endpoint', endpointName: 'churn-live' }] }));
    const result = await run().withArguments(['objects']).withOptions({ interactive: false, answers: file, skipInstall: true, git: false });
    const options = declared(fs.readFileSync(path.join(result.cwd, 'objects/.projenrc.ts'), 'utf8'));
    expect(resolvePipeline(options).stages.at(-1)?.endpoint?.name).toBe('churn-live');
    expect(resolvePipeline(options).stages[2].gate?.metric).toBe('accuracy');
  }, 120_000);

  test('an unknown preset is one line naming the allowed ones', async () => {
    await expect(run().withArguments(['bad']).withOptions({ yes: true, preset: 'modern', ...PROJECT, skipInstall: true, git: false })).rejects.toThrow(
      "Invalid --preset: 'modern' is not a preset (allowed: classic, lifecycle, governed)",
    );
  });

  test('at the prompt: the preset is chosen before the stage checkbox, which lifecycle skips', async () => {
    const result = await run()
      .withArguments(['asked'])
      .withOptions({ interactive: true, skipInstall: true, git: false })
      .withAnswers({ ...PROJECT, bucket: 'churn-111122223333-eu-west-1', preset: 'lifecycle', from: '', tuneStages: true, 'train:instanceType': 'ml.m5.2xlarge' });
    const asked = result.generator.conversation.asked;
    expect(asked.slice(0, 5)).toEqual(['name', 'region', 'account', 'bucket', 'preset']);
    expect(asked).not.toContain('stageNames');
    // Settings a kind does not take are not asked (a model stage runs on no instance, a transform has no volume).
    expect(asked).not.toContain('model:instanceType');
    expect(asked).not.toContain('transform:volumeSizeGb');
    expect(asked).not.toContain('transform:entryScript');
    const stages = declared(fs.readFileSync(path.join(result.cwd, 'asked/.projenrc.ts'), 'utf8')).stages!;
    expect(stages.find((s) => s.name === 'train')?.instanceType).toBe('ml.m5.2xlarge');
    expect(stages.map((s) => s.name)).toEqual(STAGE_PRESETS.lifecycle.map((s) => s.name));
  }, 120_000);
});

describe('create-legacy-mlops --preset lifecycle (the bin)', () => {
  test('writes a lifecycle repo whose ASL has the training, gate and transform states and passes validation', async () => {
    const cwd = tempDir('bin');
    const result = await execa(
      path.join(REPO_ROOT, 'node_modules/.bin/tsx'),
      [path.join(REPO_ROOT, 'src/cli/create.ts'), 'churn', '--preset', 'lifecycle', '--yes', '--skip-install', '--no-git', '--region', PROJECT.region, '--account', PROJECT.account],
      { cwd, env: AWS_ISOLATION, extendEnv: true, stdin: 'ignore', reject: false, timeout: 90_000 },
    );
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toContain('Created churn in churn');
    expect(result.stderr).not.toMatch(/Invalid|Warning|Error/);
    await checkLifecycleRepo(path.join(cwd, 'churn'));
  }, 120_000);

  test('--help lists --preset with the layouts', async () => {
    const result = await execa(path.join(REPO_ROOT, 'node_modules/.bin/tsx'), [path.join(REPO_ROOT, 'src/cli/create.ts'), '--help'], { reject: false, stdin: 'ignore' });
    expect(result.stdout).toMatch(/--preset <preset>\s+stage layout when --stages is not given: classic \(preprocess, predict, postprocess\) or lifecycle \(preprocess, train, evaluate, model, transform\)/);
  }, 60_000);
});
