/**
 * The app generator (`yo legacy-mlops`, behind `create-legacy-mlops`) run by
 * yeoman-test: answers at prompts, flags, an answers file, `--from` imports,
 * and the non-interactive contract (no prompt is ever reached).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vm from 'node:vm';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import helpers from 'yeoman-test';
import AppGenerator from '../../../generators/app/index.js';
import { nameFromDirectory } from '../../../generators/app/prompts.js';
import { stageInputKey } from '../../../src/asl/input-paths.js';
import { isolateFromAws } from '../../support/aws-isolation.js';
import { PROJECT_TYPE_IMPORTS } from '../../../src/package-info.js';

const GENERATOR = fileURLToPath(new URL('../../../generators/app/index.ts', import.meta.url));
const REPO_ROOT = path.resolve(path.dirname(GENERATOR), '../..');
const URI = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/legacy-scorer:2024-01';
const TARBALL_SPEC = 'file:/tmp/generator-legacy-mlops-0.1.0.tgz';

isolateFromAws();

function run() {
  return helpers.run<AppGenerator>(AppGenerator, { resolved: GENERATOR });
}

/**
 * Runs a generated `.projenrc.ts` (transpiled; `generator-legacy-mlops` stubbed) and
 * returns the options it passes to LegacyMlopsProject: what the file declares, not how it looks.
 */
function declaredOptions(source: string): Record<string, any> {
  const out = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
    reportDiagnostics: true,
  });
  expect(out.diagnostics ?? []).toEqual([]);
  let captured: unknown;
  let synthesized = false;
  class LegacyMlopsProject {
    constructor(options: unknown) {
      captured = options;
    }
    synth() {
      synthesized = true;
    }
  }
  const module = { exports: {} };
  vm.runInNewContext(out.outputText, {
    module,
    exports: module.exports,
    require: (id: string) => {
      if (!PROJECT_TYPE_IMPORTS.includes(id)) throw new Error(`.projenrc.ts requires ${id}`);
      return { LegacyMlopsProject };
    },
  });
  expect(synthesized).toBe(true);
  return JSON.parse(JSON.stringify(captured));
}

/** Full type check of a generated `.projenrc.ts` against the real project type (the package mapped to src/). */
function typeErrors(file: string): string[] {
  const program = ts.createProgram([file], {
    noEmit: true,
    strict: true,
    skipLibCheck: true,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2023,
    types: ['node'],
    typeRoots: [path.join(REPO_ROOT, 'node_modules/@types')],
    baseUrl: REPO_ROOT,
    paths: { 'generator-legacy-mlops': ['src/index.ts'], 'generator-legacy-mlops/project': ['src/project/index.ts'] },
    allowImportingTsExtensions: true,
  });
  return ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.file?.fileName === file)
    .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

function readJson(file: string): any {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/** The ASL task of a stage, and its input local paths. */
function stageTask(dir: string, stage: string) {
  const asl = readJson(path.join(dir, 'pipeline/state-machine.asl.json'));
  const task = asl.States[stage];
  return {
    task,
    inputPaths: (task.Parameters.ProcessingInputs as { InputName: string; S3Input: { LocalPath: string } }[]).map((i) => [i.InputName, i.S3Input.LocalPath]),
    outputPaths: (task.Parameters.ProcessingOutputConfig.Outputs as { OutputName: string; S3Output: { LocalPath: string } }[]).map((o) => [o.OutputName, o.S3Output.LocalPath]),
  };
}

describe('answers at the prompts', () => {
  let result: Awaited<ReturnType<typeof run>>;
  let dir: string;

  beforeAll(async () => {
    result = await run()
      .withArguments(['churn'])
      .withOptions({ interactive: true, skipInstall: true, git: false, packageSpec: TARBALL_SPEC })
      .withAnswers({
        name: 'churn-model',
        region: 'eu-west-1',
        account: '111122223333',
        bucket: 'churn-data-bucket',
        stageNames: ['preprocess', 'predict', '__custom__'],
        customStages: 'report-out',
        'preprocess:mode': 'script',
        'preprocess:framework': 'xgboost',
        'preprocess:frameworkVersion': '1.7-1',
        'predict:mode': 'image',
        'predict:imageUri': URI,
        'report-out:mode': 'dockerfile',
        tuneStages: true,
        'preprocess:instanceType': 'ml.c5.xlarge',
        'predict:volumeSizeGb': '100',
        'report-out:maxRuntimeSeconds': '7200',
      });
    dir = path.join(result.cwd, 'churn');
  });

  test('asks the project questions, then each stage its image and, on request, its settings', () => {
    const asked = result.askedQuestions.map((q) => q.name);
    // A bucket other than the default: is it an existing one?
    expect(asked.slice(0, 9)).toEqual(['name', 'region', 'account', 'bucket', 'existingBucket', 'preset', 'stageNames', 'customStages', 'from']);
    expect(asked).toEqual(expect.arrayContaining(['preprocess:mode', 'preprocess:framework', 'preprocess:frameworkVersion', 'predict:imageUri', 'tuneStages', 'report-out:maxRuntimeSeconds']));
    // A stage in Dockerfile mode has no framework or image URI to choose.
    expect(asked).not.toContain('report-out:framework');
    expect(asked).not.toContain('report-out:imageUri');
  });

  test('.projenrc.ts declares the answered pipeline, and only non-default fields', () => {
    const options = declaredOptions(fs.readFileSync(path.join(dir, '.projenrc.ts'), 'utf8'));
    expect(options).toEqual({
      name: 'churn-model',
      region: 'eu-west-1',
      account: '111122223333',
      bucket: 'churn-data-bucket',
      legacyMlopsVersion: TARBALL_SPEC,
      stages: [
        {
          name: 'preprocess',
          description: 'Cleans the raw data and prepares the model features.',
          mode: 'script',
          framework: { name: 'xgboost', version: '1.7-1' },
          instanceType: 'ml.c5.xlarge',
        },
        {
          name: 'predict',
          description: 'Runs the legacy model on the prepared features, in its own container.',
          mode: 'container',
          imageUri: URI,
          volumeSizeGb: 100,
        },
        { name: 'report-out', mode: 'container', maxRuntimeSeconds: 7200 },
      ],
    });
  });

  test('.projenrc.ts type-checks against the real LegacyMlopsProject', () => {
    expect(typeErrors(path.join(dir, '.projenrc.ts'))).toEqual([]);
  });

  test('the project is synthesized: state machine, execution input, stage code, the dependency spec', () => {
    const asl = readJson(path.join(dir, 'pipeline/state-machine.asl.json'));
    expect(Object.keys(asl.States)).toEqual(expect.arrayContaining(['preprocess', 'predict', 'report-out']));
    const input = readJson(path.join(dir, 'pipeline/execution-input.json'));
    expect(input.stages.preprocess.imageUri).toMatch(/sagemaker-xgboost:1\.7-1$/);
    expect(input.stages.preprocess.instanceType).toBe('ml.c5.xlarge');
    expect(input.stages.predict.imageUri).toBe(URI);
    expect(input.stages.predict.volumeSizeInGB).toBe(100);
    expect(input.stages[stageInputKey('report-out')].maxRuntimeInSeconds).toBe(7200);
    expect(fs.existsSync(path.join(dir, 'stages/preprocess/preprocess.py'))).toBe(true);
    expect(fs.existsSync(path.join(dir, 'stages/report-out/Dockerfile'))).toBe(true);
    expect(fs.existsSync(path.join(dir, 'stages/predict/Dockerfile'))).toBe(false);
    expect(readJson(path.join(dir, 'package.json')).dependencies['generator-legacy-mlops']).toBe(TARBALL_SPEC);
  });

  test('nothing is installed or committed when told so, and no staging folder is left behind', () => {
    expect(fs.existsSync(path.join(dir, 'node_modules'))).toBe(false);
    expect(fs.existsSync(path.join(dir, '.git'))).toBe(false);
    expect(fs.readdirSync(result.cwd)).toEqual(['churn']);
  });
});

describe('flags, with --yes', () => {
  test('every answer comes from a flag and no prompt is reached', async () => {
    const result = await run()
      .withArguments(['flagged'])
      .withOptions({
        yes: true,
        region: 'us-west-2',
        account: '210987654321',
        stages: `prep:script:sklearn@1.2-1,score:container:${URI},wrap-up`,
        'instance-type': 'ml.m5.xlarge',
        'volume-size': '50',
        'max-runtime': '1800',
        'skip-install': true,
        git: false,
      });
    expect(result.askedQuestions).toEqual([]);
    const options = declaredOptions(fs.readFileSync(path.join(result.cwd, 'flagged/.projenrc.ts'), 'utf8'));
    const shared = { instanceType: 'ml.m5.xlarge', volumeSizeGb: 50, maxRuntimeSeconds: 1800 };
    expect(options).toEqual({
      name: 'flagged',
      region: 'us-west-2',
      account: '210987654321',
      stages: [
        { name: 'prep', mode: 'script', framework: { name: 'sklearn', version: '1.2-1' }, ...shared },
        { name: 'score', mode: 'container', imageUri: URI, ...shared },
        { name: 'wrap-up', mode: 'script', ...shared },
      ],
    });
    expect(fs.existsSync(path.join(result.cwd, 'flagged/pipeline/state-machine.asl.json'))).toBe(true);
  });

  test('--yes without credentials writes the marked placeholder account, which the README explains', async () => {
    const result = await run().withArguments(['placeholder']).withOptions({ yes: true, region: 'eu-west-1', skipInstall: true, git: false });
    expect(result.askedQuestions).toEqual([]);
    const dir = path.join(result.cwd, 'placeholder');
    const source = fs.readFileSync(path.join(dir, '.projenrc.ts'), 'utf8');
    expect(declaredOptions(source).account).toBe('000000000000');
    expect(source).toMatch(/PLACEHOLDER/);
    expect(fs.readFileSync(path.join(dir, 'README.md'), 'utf8')).toContain('000000000000');
    expect((result.generator as unknown as AppGenerator).notes.join('\n')).toMatch(/Could not read your AWS account id .*placeholder 000000000000/);
  });

  test('the default stages are the classic three', async () => {
    const result = await run().withOptions({ yes: true, region: 'eu-west-1', account: '111122223333', skipInstall: true, git: false });
    const options = declaredOptions(fs.readFileSync(path.join(result.cwd, '.projenrc.ts'), 'utf8'));
    expect(options.stages.map((s: { name: string; mode: string }) => `${s.name}:${s.mode}`)).toEqual(['preprocess:script', 'predict:container', 'postprocess:script']);
    // No directory argument: the current folder, and the project is named after it.
    expect(options.name).toBe(nameFromDirectory(path.basename(result.cwd)));
  });
});

describe('an answers file', () => {
  test('supplies every answer without a terminal; flags win over it', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'answers-')), 'answers.json');
    fs.writeFileSync(
      file,
      JSON.stringify({
        name: 'from-file',
        region: 'eu-central-1',
        account: '111122223333',
        stages: ['clean:script', { name: 'infer', imageUri: URI, instanceType: 'ml.g4dn.xlarge' }],
        volumeSizeGb: 40,
      }),
    );
    const result = await run()
      .withArguments(['filed'])
      .withOptions({ interactive: false, answers: file, region: 'eu-west-1', skipInstall: true, git: false });
    expect(result.askedQuestions).toEqual([]);
    const options = declaredOptions(fs.readFileSync(path.join(result.cwd, 'filed/.projenrc.ts'), 'utf8'));
    expect(options).toEqual({
      name: 'from-file',
      region: 'eu-west-1',
      account: '111122223333',
      stages: [
        { name: 'clean', mode: 'script', volumeSizeGb: 40 },
        { name: 'infer', mode: 'container', imageUri: URI, instanceType: 'ml.g4dn.xlarge', volumeSizeGb: 40 },
      ],
    });
  });

  test('a bad entry names the file and key', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'answers-')), 'bad.json');
    fs.writeFileSync(file, JSON.stringify({ name: 'ok-name', account: '12345' }));
    const context = run().withArguments(['nope']).withOptions({ yes: true, answers: file, skipInstall: true, git: false });
    await expect(context).rejects.toThrow("Invalid 'account' in bad.json: '12345' is not an AWS account id: 12 digits");
    expect(fs.existsSync(path.join(context.targetDirectory ?? '', 'nope'))).toBe(false);
  });
});

describe('non-interactive runs never reach a prompt', () => {
  test('without a terminal and without --yes, a missing account is an error naming the flag', async () => {
    const context = run().withArguments(['no-account']).withOptions({ interactive: false, region: 'eu-west-1', skipInstall: true, git: false });
    await expect(context).rejects.toThrow(/no AWS account id \(no AWS credentials found\): pass --account <12 digits>, or --yes/);
    expect(context.askedQuestions).toEqual([]);
    expect(fs.existsSync(path.join(context.targetDirectory ?? '', 'no-account'))).toBe(false);
  });

  test('without a terminal and without AWS_REGION, the region must be given', async () => {
    const context = run().withArguments(['no-region']).withOptions({ interactive: false, account: '111122223333', skipInstall: true, git: false });
    await expect(context).rejects.toThrow(/pass --region, or --yes to take the default/);
    expect(context.askedQuestions).toEqual([]);
  });
});

/** A file on disk (yeoman-test's withFiles only reaches its in-memory file system). */
function writeNotes(dir: string) {
  fs.mkdirSync(path.join(dir, 'existing'));
  fs.writeFileSync(path.join(dir, 'existing', 'notes.txt'), 'mine');
}

describe('bad input: a clear error and nothing written', () => {
  const cases: [string, Record<string, unknown>, RegExp][] = [
    ['an invalid name', { name: 'Churn_Model' }, /^Invalid --name: 'Churn_Model' is not a valid project name/],
    ['an invalid region', { region: 'europe' }, /^Invalid --region: 'europe' is not an AWS region code/],
    ['an invalid account', { account: '1234' }, /^Invalid --account: '1234' is not an AWS account id/],
    ['an invalid instance type', { 'instance-type': 'ml.m5.huge' }, /^Invalid --instance-type: 'ml.m5.huge' is not a SageMaker processing instance type \(e\.g\. ml\.m5\./],
    ['duplicate stages', { stages: 'prep,score,prep' }, /^Invalid --stages: stage 'prep' is listed twice/],
    ['an invalid stage name', { stages: 'Prep' }, /^Invalid --stages: stages\[0\] \(Prep\)\.name: 'Prep' is not a valid stage name/],
    ['an unreadable --from', { from: '/nonexistent/legacy' }, /^Invalid --from: cannot read \/nonexistent\/legacy \(it does not exist\)/],
  ];
  test.each(cases)('%s', async (_label, flags, message) => {
    const context = run()
      .withArguments(['target'])
      .withOptions({ yes: true, region: 'eu-west-1', account: '111122223333', skipInstall: true, git: false, ...flags });
    await expect(context).rejects.toThrow(message);
    expect(fs.readdirSync(context.targetDirectory!)).toEqual([]);
  });

  test('a non-empty directory is refused, and left as it was', async () => {
    // yeoman-test passes force: true by default.
    const context = run()
      .withArguments(['existing'])
      .withOptions({ yes: true, force: false, region: 'eu-west-1', account: '111122223333', skipInstall: true, git: false })
      .doInDir((dir) => writeNotes(dir));
    await expect(context).rejects.toThrow(/existing is not empty \(notes\.txt\): choose a new directory, or pass --force/);
    expect(fs.readdirSync(path.join(context.targetDirectory!, 'existing'))).toEqual(['notes.txt']);
  });

  test('--force writes into a non-empty directory and keeps unrelated files', async () => {
    const result = await run()
      .withArguments(['existing'])
      .withOptions({ yes: true, force: true, region: 'eu-west-1', account: '111122223333', skipInstall: true, git: false })
      .doInDir((dir) => writeNotes(dir));
    const dir = path.join(result.cwd, 'existing');
    expect(fs.readFileSync(path.join(dir, 'notes.txt'), 'utf8')).toBe('mine');
    expect(fs.existsSync(path.join(dir, 'pipeline/state-machine.asl.json'))).toBe(true);
  });
});

describe('--from: importing legacy scripts', () => {
  const LEGACY_PREPROCESS = [
    'import pandas as pd',
    'df = pd.read_csv("/opt/ml/processing/input/data/pre_processing_input.csv")',
    'df.dropna().to_csv("/opt/ml/processing/output/features/predictions_input.csv", index=False)',
    '',
  ].join('\n');
  const LEGACY_INFERENCE = [
    'import os',
    'FEATURES = "/opt/ml/processing/input/features/predictions_input.csv"',
    "OUT = '/opt/ml/processing/output/scored/'",
    'open(os.path.join(OUT, "predictions_output.csv"), "w").write(open(FEATURES).read())',
    '',
  ].join('\n');
  const LEGACY_POST = [
    'src = "/opt/ml/processing/input/scored/predictions_output.csv"',
    'ref = "/opt/ml/processing/input/reference/customers.csv"',
    'open("/opt/ml/processing/output/final/final_output.csv", "w").write(open(src).read())',
    '',
  ].join('\n');

  let result: Awaited<ReturnType<typeof run>>;
  let dir: string;
  beforeAll(async () => {
    const legacy = fs.mkdtempSync(path.join(os.tmpdir(), 'legacy-'));
    fs.writeFileSync(path.join(legacy, 'preprocess.py'), LEGACY_PREPROCESS);
    fs.writeFileSync(path.join(legacy, 'inference.py'), LEGACY_INFERENCE);
    fs.mkdirSync(path.join(legacy, 'post'));
    fs.writeFileSync(path.join(legacy, 'post', 'post_processing.py'), LEGACY_POST);
    fs.writeFileSync(path.join(legacy, 'post', 'helpers.py'), 'X = 1\n');
    fs.writeFileSync(path.join(legacy, 'utils.py'), 'Y = 2\n');
    result = await run()
      .withArguments(['imported'])
      .withOptions({
        yes: true,
        region: 'eu-west-1',
        account: '111122223333',
        from: `${legacy},postprocess=${path.join(legacy, 'post')}`,
        skipInstall: true,
        git: false,
      });
    dir = path.join(result.cwd, 'imported');
  });

  test('a hard-coded input file sets the input folder to the folder holding it', () => {
    const options = declaredOptions(fs.readFileSync(path.join(dir, '.projenrc.ts'), 'utf8'));
    const preprocess = options.stages[0];
    expect(preprocess.inputs).toEqual([{ name: 'data', localPath: '/opt/ml/processing/input/data' }]);
    expect(preprocess.outputs).toEqual([{ name: 'features', localPath: '/opt/ml/processing/output/features' }]);
    expect(stageTask(dir, 'preprocess').inputPaths).toContainEqual(['data', '/opt/ml/processing/input/data']);
  });

  test('inputs are wired to the stage whose script writes what they read', () => {
    const [, predict, postprocess] = declaredOptions(fs.readFileSync(path.join(dir, '.projenrc.ts'), 'utf8')).stages;
    expect(predict.entryScript).toBe('inference.py');
    expect(predict.inputs).toEqual([{ name: 'features', from: 'preprocess/features', localPath: '/opt/ml/processing/input/features' }]);
    expect(predict.outputs).toEqual([{ name: 'scored', localPath: '/opt/ml/processing/output/scored' }]);
    expect(postprocess.entryScript).toBe('post_processing.py');
    expect(postprocess.inputs).toEqual([
      { name: 'scored', from: 'predict/scored', localPath: '/opt/ml/processing/input/scored' },
      { name: 'reference', from: 'raw', localPath: '/opt/ml/processing/input/reference' },
    ]);
    expect(stageTask(dir, 'postprocess').outputPaths).toEqual([['final', '/opt/ml/processing/output/final']]);
  });

  test('the scripts are copied unchanged (with their folder) and projen does not overwrite them', () => {
    expect(fs.readFileSync(path.join(dir, 'stages/preprocess/preprocess.py'), 'utf8')).toBe(LEGACY_PREPROCESS);
    expect(fs.readFileSync(path.join(dir, 'stages/predict/inference.py'), 'utf8')).toBe(LEGACY_INFERENCE);
    expect(fs.readFileSync(path.join(dir, 'stages/postprocess/post_processing.py'), 'utf8')).toBe(LEGACY_POST);
    expect(fs.readFileSync(path.join(dir, 'stages/postprocess/helpers.py'), 'utf8')).toBe('X = 1\n');
    // No stub under the default name next to an imported entry script.
    expect(fs.existsSync(path.join(dir, 'stages/predict/predict.py'))).toBe(false);
  });

  test('interactively, the folders are shown for confirmation; declined, the scripts still run with the default folders', async () => {
    const legacy = fs.mkdtempSync(path.join(os.tmpdir(), 'legacy-'));
    fs.writeFileSync(path.join(legacy, 'prep.py'), LEGACY_PREPROCESS);
    const declined = await run()
      .withArguments(['declined'])
      .withOptions({ interactive: true, region: 'eu-west-1', account: '111122223333', stages: 'prep:script', skipInstall: true, git: false })
      .withAnswers({ from: legacy, confirmPaths: false, tuneStages: false });
    expect(declined.askedQuestions.map((q) => q.name)).toEqual(['name', 'bucket', 'from', 'confirmPaths', 'tuneStages', 'fanOut']);
    const [prep] = declaredOptions(fs.readFileSync(path.join(declined.cwd, 'declined/.projenrc.ts'), 'utf8')).stages;
    expect(prep).toEqual({ name: 'prep', mode: 'script' });
    expect(fs.readFileSync(path.join(declined.cwd, 'declined/stages/prep/prep.py'), 'utf8')).toBe(LEGACY_PREPROCESS);
  });

  test('says what it left out and which paths no stage provides', () => {
    const notes = (result.generator as unknown as AppGenerator).notes.join('\n');
    expect(notes).toMatch(/not imported from .*: utils\.py/);
    expect(notes).toMatch(/postprocess: its script reads \/opt\/ml\/processing\/input\/reference, which no earlier stage writes/);
  });
});
