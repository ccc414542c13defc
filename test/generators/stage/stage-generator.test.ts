/**
 * `yo legacy-mlops:stage` run by yeoman-test on real generated repos (temp folders), synthesizing
 * in-process (`synthInProcess`) so no dependencies need installing; the real `npx projen` and the
 * real `yo` binary are in test/e2e/stage-generator.test.ts.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import helpers from 'yeoman-test';
import StageGenerator from '../../../generators/stage/index.js';
import { supportedKinds } from '../../../generators/stage/prompts.js';
import { renderProjenrc } from '../../../src/create/projenrc.js';
import { DEMO, PYTHON, STAGE_GENERATOR, USER_COMMENT, insertionOf, lineDiff, makeRepo, readJson, roleCoversJob, snapshot, taskOrder } from '../../support/stage-generator-fixtures.js';
import { declaredOptions } from '../../support/declared-options.js';

const URI = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/legacy-scorer:2024-01';

function run(cwd: string, name: string | undefined, options: Record<string, unknown> = {}) {
  return helpers
    .run<StageGenerator>(StageGenerator, { resolved: STAGE_GENERATOR })
    .cd(cwd)
    .withArguments(name === undefined ? [] : [name])
    .withOptions({ synthInProcess: true, ...options });
}

const declared = declaredOptions;

function pyCompiles(file: string): void {
  execFileSync(PYTHON, ['-m', 'py_compile', file], { env: { ...process.env, PYTHONPYCACHEPREFIX: fs.mkdtempSync(path.join(os.tmpdir(), 'pyc-')) } });
}

describe('adding a stage with --yes', () => {
  let dir: string;
  let before: string;
  let result: Awaited<ReturnType<typeof run>>;
  beforeAll(async () => {
    dir = makeRepo();
    before = fs.readFileSync(path.join(dir, '.projenrc.ts'), 'utf8');
    result = await run(dir, 'evaluate', { yes: true, instanceType: 'ml.c5.xlarge' });
  });

  test('asks nothing', () => {
    expect(result.askedQuestions).toEqual([]);
  });

  test('the .projenrc.ts diff only adds the stage; the comments survive', () => {
    const after = fs.readFileSync(path.join(dir, '.projenrc.ts'), 'utf8');
    expect(lineDiff(before, after).removed).toEqual([]);
    // One insertion, right after the last stage: the new element.
    expect(insertionOf(before, after)?.text.trim()).toBe(
      "{\n      name: 'evaluate',\n      description: 'Scores the predictions against known outcomes.',\n      mode: 'script',\n      instanceType: 'ml.c5.xlarge',\n    },",
    );
    expect(after.indexOf("name: 'evaluate'")).toBeGreaterThan(after.indexOf("name: 'postprocess'"));
    expect(after).toContain(USER_COMMENT);
    expect(after).toContain('// Stages run in this order');
  });

  test('the new task runs last in the state machine, and the roles cover its jobs', () => {
    expect(taskOrder(dir)).toEqual(['preprocess', 'predict', 'postprocess', 'evaluate']);
    expect(roleCoversJob(dir, 'demo-evaluate-01234567-89ab-cdef-0123-456789abcdef')).toBe(true);
    const input = readJson(path.join(dir, 'pipeline/execution-input.json'));
    expect(input.stages.evaluate.instanceType).toBe('ml.c5.xlarge');
  });

  test('its starter code exists and compiles', () => {
    const stub = path.join(dir, 'stages/evaluate/evaluate.py');
    expect(fs.existsSync(stub)).toBe(true);
    pyCompiles(stub);
  });

  test('the kinds offered are the ones the model accepts', () => {
    expect(supportedKinds()).toContain('processing');
  });
});

describe('answers at the prompts', () => {
  test('every question in order; a stage in the middle rewires the next one', async () => {
    const dir = makeRepo();
    const result = await run(dir, undefined, { interactive: true }).withAnswers({
      name: 'score',
      description: 'Scores customers with the vendor model.',
      kind: 'processing',
      from: '',
      mode: 'image',
      imageUri: URI,
      tune: true,
      entryScript: 'score.py',
      instanceType: 'ml.m5.xlarge',
      instanceCount: '2',
      volumeSizeGb: '50',
      maxRuntimeSeconds: '7200',
      after: 'predict',
    });
    // The kind is asked only when the model accepts more than one.
    const kind = supportedKinds().length > 1 ? ['kind'] : [];
    expect(result.askedQuestions.map((q) => q.name)).toEqual([
      'name', 'description', ...kind, 'from', 'mode', 'imageUri', 'tune', 'entryScript', 'instanceType', 'instanceCount', 'volumeSizeGb', 'maxRuntimeSeconds', 'after',
    ]);
    const stages = declared(dir).stages;
    expect(stages.map((s: { name: string }) => s.name)).toEqual(['preprocess', 'predict', 'score', 'postprocess']);
    expect(stages[2]).toEqual({
      name: 'score', description: 'Scores customers with the vendor model.', mode: 'container', imageUri: URI,
      instanceType: 'ml.m5.xlarge', instanceCount: 2, volumeSizeGb: 50, maxRuntimeSeconds: 7200,
    });
    expect(taskOrder(dir)).toEqual(['preprocess', 'predict', 'score', 'postprocess']);
    const notes = (result.generator as unknown as StageGenerator).notes.join('\n');
    expect(notes).toMatch(/postprocess: input 'data' now reads score\/data \(it read predict\/data\)/);
  });
});

describe('refusals: one clear message, and the repo byte-for-byte as it was', () => {
  let dir: string;
  beforeAll(() => {
    dir = makeRepo();
  });

  const cases: [string, string | undefined, Record<string, unknown>, RegExp][] = [
    ['an invalid stage name', 'Bad_Name', { yes: true }, /^Invalid stage name: 'Bad_Name' is not a valid stage name: use lowercase letters/],
    ['a reserved or too long name', 'a-very-long-stage-name-indeed', { yes: true }, /^Invalid stage name: .*at most 20 characters/],
    ['a name already used (other settings)', 'predict', { yes: true, instanceType: 'ml.c5.xlarge' }, /^cannot add stage 'predict': a stage named 'predict' already exists in \.projenrc\.ts with other settings; choose another name/],
    ['a missing anchor', 'evaluate', { yes: true, after: 'nope' }, /^Invalid --after: there is no stage 'nope' to add 'evaluate' after \(stages: preprocess, predict, postprocess\)$/],
    ['an invalid instance type', 'evaluate', { yes: true, instanceType: 'ml.m5.huge' }, /^Invalid --instance-type: 'ml\.m5\.huge' is not a SageMaker processing instance type/],
    ['an invalid volume size', 'evaluate', { yes: true, volumeSize: '0' }, /^Invalid --volume-size: /],
    ['an invalid image URI', 'evaluate', { yes: true, mode: 'container', imageUri: 'docker.io/library/python:3' }, /^Invalid --image-uri: /],
    ['a framework with a Dockerfile', 'evaluate', { yes: true, mode: 'dockerfile', framework: 'xgboost' }, /^Invalid --framework: a framework image is for script mode/],
    ['an unknown framework version', 'evaluate', { yes: true, framework: 'sklearn@0.1' }, /^Invalid --framework(-version)?: /],
    ['an unknown mode', 'evaluate', { yes: true, mode: 'lambda' }, /^Invalid --mode: 'lambda' is not one of script, dockerfile, image$/],
    ['an unsupported kind', 'evaluate', { yes: true, kind: 'notebook' }, /^Invalid --kind: 'notebook' is not a (supported )?stage kind/],
    ['an unreadable --from', 'evaluate', { yes: true, from: '/nonexistent/legacy.py' }, /^Invalid --from: cannot read \/nonexistent\/legacy\.py/],
    ['no name without a terminal', undefined, { interactive: false }, /^no stage name: pass it as the argument/],
  ];
  test.each(cases)('%s', async (_label, name, options, message) => {
    const before = snapshot(dir);
    const context = run(dir, name, options);
    await expect(context).rejects.toThrow(message);
    expect(context.askedQuestions).toEqual([]);
    expect(snapshot(dir)).toEqual(before);
  });

  test('not a generated repo: a folder with no .projenrc.ts above it', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'lmo-empty-'));
    await expect(run(empty, 'evaluate', { yes: true })).rejects.toThrow(/^no \.projenrc\.ts in .*lmo-empty-\w+ or any folder above it: run this inside a legacy-mlops repo/);
    expect(fs.readdirSync(empty)).toEqual([]);
  });

  test('not a generated repo: another projen project', async () => {
    const other = fs.mkdtempSync(path.join(os.tmpdir(), 'lmo-other-'));
    fs.writeFileSync(path.join(other, '.projenrc.ts'), "import { typescript } from 'projen';\nnew typescript.TypeScriptProject({ name: 'x', defaultReleaseBranch: 'main' }).synth();\n");
    const before = snapshot(other);
    await expect(run(other, 'evaluate', { yes: true })).rejects.toThrow(/\.projenrc\.ts does not import generator-legacy-mlops: .* is not a legacy-mlops repo/);
    expect(snapshot(other)).toEqual(before);
  });

  test('a .projenrc.ts whose stages are not a literal: the exact snippet to paste', async () => {
    const source = [
      "import { LegacyMlopsProject } from 'generator-legacy-mlops';",
      '',
      "const STAGES = [{ name: 'prep', mode: 'script' as const }, { name: 'score', mode: 'container' as const }];",
      '',
      "const project = new LegacyMlopsProject({ name: 'shared', region: 'eu-west-1', account: '111122223333', stages: STAGES });",
      'project.synth();',
      '',
    ].join('\n');
    const odd = makeRepo({ pipeline: { name: 'shared', region: 'eu-west-1', account: '111122223333', stages: [{ name: 'prep', mode: 'script' }, { name: 'score', mode: 'container' }] } }, source);
    const before = snapshot(odd);
    const context = run(odd, 'report', { yes: true, instanceType: 'ml.t3.medium' });
    await expect(context).rejects.toThrow(
      "cannot add stage 'report' to .projenrc.ts: `stages` in .projenrc.ts is not an array literal (a variable, a spread or a function call cannot be edited safely).\n" +
        'Add this element to the `stages` array in .projenrc.ts by hand, then run `npx projen`:\n' +
        "    { name: 'report', mode: 'script', instanceType: 'ml.t3.medium' },",
    );
    expect(snapshot(odd)).toEqual(before);
  });

  test('at the prompts, the shape is announced before the first question', async () => {
    const odd = makeRepo(DEMO, renderProjenrc(DEMO).replace(/stages: \[[\s\S]*?\n {2}\],/, 'stages: [...STAGES],').replace('const project', "const STAGES = [{ name: 'preprocess' }, { name: 'predict', mode: 'container' as const }, { name: 'postprocess' }];\n\nconst project"));
    const before = snapshot(odd);
    const context = run(odd, undefined, { interactive: true }).withAnswers({ name: 'report', description: '', kind: 'processing', from: '', mode: 'script', framework: 'sklearn', frameworkVersion: '1.2-1', tune: false, after: 'postprocess' });
    await expect(context).rejects.toThrow(/^cannot add stage 'report' to \.projenrc\.ts: an element of `stages` in \.projenrc\.ts is not an object literal[^\n]*\n.*by hand.*:\n    \{ name: 'report', mode: 'script', framework: \{ name: 'sklearn', version: '1\.2-1' \} \},$/);
    expect((context.generator as unknown as StageGenerator).notes[0]).toMatch(/^Note: an element of `stages` .* cannot be edited safely; at the end you get the stage to paste into \.projenrc\.ts yourself\.$/);
    expect(context.askedQuestions.map((q) => q.name)).toContain('after');
    expect(snapshot(odd)).toEqual(before);
  });

  (supportedKinds().includes('transform') ? test : test.skip)('a kind without an image of its own refuses image options (when the model has such kinds)', async () => {
    const before = snapshot(dir);
    await expect(run(dir, 'score', { yes: true, kind: 'transform', mode: 'script' })).rejects.toThrow(/^Invalid --mode: a transform stage runs the image of its model stage$/);
    expect(snapshot(dir)).toEqual(before);
  });

  test('a repo without installed dependencies, unless --skip-synth', async () => {
    const before = snapshot(dir);
    await expect(run(dir, 'evaluate', { yes: true, synthInProcess: false })).rejects.toThrow(
      /^the repo's dependencies are not installed \(no node_modules\/\.bin\/projen, node_modules\/generator-legacy-mlops\): run `npm install` first, or pass --skip-synth/,
    );
    expect(snapshot(dir)).toEqual(before);
  });

  test('--from onto code that is already there and differs', async () => {
    const legacy = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'legacy-')), 'predict.py');
    fs.writeFileSync(legacy, 'print("my predict")\n');
    const repo = makeRepo();
    // A stage removed from .projenrc.ts keeps its code: adding one of the same name must not overwrite it.
    fs.mkdirSync(path.join(repo, 'stages/score'));
    fs.writeFileSync(path.join(repo, 'stages/score/predict.py'), 'print("older")\n');
    const before = snapshot(repo);
    await expect(run(repo, 'score', { yes: true, from: legacy })).rejects.toThrow(/^stages\/score\/predict\.py already exists with other contents; stage code is never overwritten/);
    expect(snapshot(repo)).toEqual(before);
  });
});

describe('running it twice with the same answers', () => {
  test('adds the stage once; the second run changes nothing and says so', async () => {
    const dir = makeRepo();
    const options = { yes: true, after: 'preprocess', mode: 'container', instanceCount: '2' };
    await run(dir, 'validate-data', options);
    const once = snapshot(dir);
    const second = await run(dir, 'validate-data', options);
    expect(snapshot(dir)).toEqual(once);
    expect(fs.readFileSync(path.join(dir, '.projenrc.ts'), 'utf8').match(/name: 'validate-data'/g)).toHaveLength(1);
    expect((second.generator as unknown as StageGenerator).notes).toContain("Stage 'validate-data' is already in .projenrc.ts with these settings: nothing to add.");
    expect(taskOrder(dir)).toEqual(['preprocess', 'validate-data', 'predict', 'postprocess']);
  });

  test('a declared stage given again as it is declared (with a comment of the user in it) is left alone', async () => {
    const dir = makeRepo();
    const before = snapshot(dir);
    const again = await run(dir, 'predict', { yes: true });
    expect(snapshot(dir)).toEqual(before);
    expect((again.generator as unknown as StageGenerator).notes).toContain("Stage 'predict' is already in .projenrc.ts with these settings: nothing to add.");
  });
});

describe('--from: a legacy script becomes the stage code', () => {
  const LEGACY = [
    'import json',
    'import pandas as pd',
    'scored = pd.read_csv("/opt/ml/processing/input/scored/predictions_output.csv")',
    'with open("/opt/ml/processing/output/metrics/metrics.json", "w") as f:',
    '    json.dump({"rows": len(scored)}, f)',
    '',
  ].join('\n');
  let dir: string;
  let legacy: string;
  let result: Awaited<ReturnType<typeof run>>;
  beforeAll(async () => {
    legacy = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'legacy-')), 'Model-Metrics.py');
    fs.writeFileSync(legacy, LEGACY);
    dir = makeRepo();
    // From a folder below the root: the repo is found by walking up.
    result = await run(path.join(dir, 'stages/predict'), undefined, { yes: true, from: legacy });
  });

  test('the stage is named after the script, which is copied as its entry script', () => {
    const stage = declared(dir).stages[3];
    expect(stage.name).toBe('model-metrics');
    expect(stage.entryScript).toBe('Model_Metrics.py');
    expect(fs.readFileSync(path.join(dir, 'stages/model-metrics/Model_Metrics.py'), 'utf8')).toBe(LEGACY);
    // The starter stub is not written next to the imported script.
    expect(fs.existsSync(path.join(dir, 'stages/model-metrics/model_metrics.py'))).toBe(false);
  });

  test('its folders are where the script looks, and the state machine passes them', () => {
    const stage = declared(dir).stages[3];
    expect(stage.inputs).toEqual([{ name: 'scored', localPath: '/opt/ml/processing/input/scored' }]);
    expect(stage.outputs).toEqual([{ name: 'metrics', localPath: '/opt/ml/processing/output/metrics' }]);
    const task = readJson(path.join(dir, 'pipeline/state-machine.asl.json')).States['model-metrics'];
    const inputs = task.Parameters.ProcessingInputs.map((i: { InputName: string; S3Input: { LocalPath: string } }) => [i.InputName, i.S3Input.LocalPath]);
    expect(inputs).toContainEqual(['scored', '/opt/ml/processing/input/scored']);
    expect(task.Parameters.ProcessingOutputConfig.Outputs.map((o: { S3Output: { LocalPath: string } }) => o.S3Output.LocalPath)).toEqual(['/opt/ml/processing/output/metrics']);
    const notes = (result.generator as unknown as StageGenerator).notes.join('\n');
    expect(notes).toMatch(/Imported into stages\/model-metrics\/: Model_Metrics\.py/);
  });

  test('again with the same script: nothing changes', async () => {
    const once = snapshot(dir);
    await run(dir, undefined, { yes: true, from: legacy });
    expect(snapshot(dir)).toEqual(once);
  });
});

describe('--skip-synth', () => {
  test('edits .projenrc.ts and writes nothing else', async () => {
    const dir = makeRepo();
    const before = snapshot(dir);
    await run(dir, 'evaluate', { yes: true, skipSynth: true, synthInProcess: false });
    const after = snapshot(dir);
    const changed = Object.keys({ ...before, ...after }).filter((f) => before[f] !== after[f]);
    expect(changed).toEqual(['.projenrc.ts']);
  });
});
