/**
 * The scaffolder's parts on their own: the `--stages` syntax, the `/opt/ml`
 * path scan, the TypeScript literal writer, the field checks (the model's own
 * messages), the account lookup's deadline, and the all-or-nothing write.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vm from 'node:vm';
import { lookupAccount } from '../../src/create/aws-account.js';
import { CreateError } from '../../src/create/errors.js';
import { projectFieldProblem, stageFieldProblem } from '../../src/create/field-checks.js';
import { readFlags } from '../../src/create/flags.js';
import { entryScriptName, matchStage, parseFromSpec, planImport } from '../../src/create/legacy-import.js';
import { classifyPaths, findFileNameLiterals, scanScript } from '../../src/create/legacy-paths.js';
import { compactStage } from '../../src/create/projenrc.js';
import { scaffold } from '../../src/create/scaffold.js';
import { parseStageSpecs } from '../../src/create/stage-spec.js';
import { tsLiteral } from '../../src/create/ts-literal.js';
import { validatePipeline } from '../../src/model/index.js';

const URI = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/scorer:v1.2';

function tempDir(label: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `create-parts-${label}-`));
}

describe('--stages', () => {
  test('name, mode, framework@version and image URIs (which hold colons)', () => {
    expect(parseStageSpecs(`preprocess,a:script,b:script:xgboost@1.7-1,c:script:pytorch,d:container,e:container:${URI}`, '--stages')).toEqual([
      { name: 'preprocess', description: 'Cleans the raw data and prepares the model features.', mode: 'script' },
      { name: 'a', mode: 'script' },
      { name: 'b', mode: 'script', framework: { name: 'xgboost', version: '1.7-1' } },
      { name: 'c', mode: 'script', framework: { name: 'pytorch' } },
      { name: 'd', mode: 'container' },
      { name: 'e', mode: 'container', imageUri: URI },
    ]);
  });

  test('a known stage name keeps its usual mode', () => {
    expect(parseStageSpecs('predict', '--stages')[0].mode).toBe('container');
  });

  test.each([
    ['a,,b', /has an empty item/],
    ['a:docker', /mode 'docker' is not one of script, container/],
    ['a:script:tensorflow', /framework one of sklearn, xgboost, pytorch/],
    ['a,b,a', /stage 'a' is listed twice/],
  ])('%s is refused', (spec, message) => {
    expect(() => parseStageSpecs(spec, '--stages')).toThrow(CreateError);
    expect(() => parseStageSpecs(spec, '--stages')).toThrow(message);
  });
});

describe('the /opt/ml path scan', () => {
  test('a file path gives its folder; a folder literal is a folder; order of first use is kept', () => {
    const scanned = scanScript(
      [
        'RAW = "/opt/ml/processing/input/data/pre_processing_input.csv"',
        "EXTRA = '/opt/ml/processing/input/lookup/'",
        'out = f"/opt/ml/processing/output/features/{name}.csv"',
        'pd.to_csv("/opt/ml/processing/output/report.json")',
      ].join('\n'),
    );
    expect(scanned.inputs).toEqual([
      { folder: '/opt/ml/processing/input/data', files: ['pre_processing_input.csv'] },
      { folder: '/opt/ml/processing/input/lookup', files: [] },
    ]);
    // The f-string's folder sits inside the output root the report goes to: one channel.
    expect(scanned.outputs).toEqual([{ folder: '/opt/ml/processing/output', files: ['report.json'] }]);
    // Files below a folded folder stay relative to the outer one.
    expect(classifyPaths(['/opt/ml/processing/output/features/a.csv', '/opt/ml/processing/output/report.json']).outputs).toEqual([
      { folder: '/opt/ml/processing/output', files: ['features/a.csv', 'report.json'] },
    ]);
  });

  test('nested input folders fold into the outermost one', () => {
    expect(classifyPaths(['/opt/ml/processing/input/data/2024/jan.csv', '/opt/ml/processing/input/data/all.csv']).inputs).toEqual([
      { folder: '/opt/ml/processing/input/data', files: ['2024/jan.csv', 'all.csv'] },
    ]);
  });

  test('the code folder, the failure message and the job config need no channel', () => {
    const scanned = classifyPaths(['/opt/ml/processing/input/code/helpers.py', '/opt/ml/output/message', '/opt/ml/config/processingjobconfig.json']);
    expect(scanned).toEqual({ inputs: [], outputs: [], unplaced: [] });
  });

  test('paths no Processing channel can serve are reported with the reason', () => {
    const { unplaced, inputs } = classifyPaths(['/opt/ml/model/model.pkl', '/opt/ml/processing/input/x.csv', '/opt/ml/processing/model/']);
    expect(unplaced.map((u) => u.path)).toEqual(['/opt/ml/model/model.pkl', '/opt/ml/processing/model']);
    expect(unplaced[0].reason).toMatch(/training-job path/);
    expect(unplaced[1].reason).toMatch(/neither under input\/ nor output\//);
    // SageMaker accepts /opt/ml/processing/input itself as a LocalPath, as legacy pipelines use it.
    expect(inputs).toEqual([{ folder: '/opt/ml/processing/input', files: ['x.csv'] }]);
  });

  test('bare data-file names are noticed, Python modules are not', () => {
    expect(findFileNameLiterals(`a = "predictions_output.csv"; b = 'model.tar.gz'; import_me = "helpers.py"`)).toEqual(['predictions_output.csv', 'model.tar.gz']);
  });
});

describe('--from mapping', () => {
  test('file names, aliases and stage=path', () => {
    const dir = tempDir('from');
    for (const f of ['pre-processing.py', 'inference.py', 'notes.md']) fs.writeFileSync(path.join(dir, f), '');
    fs.writeFileSync(path.join(dir, 'finish.py'), '');
    const items = parseFromSpec(`${dir},postprocess=${path.join(dir, 'finish.py')}`, '/', '--from');
    const plan = planImport(items, ['preprocess', 'predict', 'postprocess'], '--from');
    expect(plan.stages.map((s) => [s.stage, s.entryScript])).toEqual([
      ['preprocess', 'pre_processing.py'],
      ['predict', 'inference.py'],
      ['postprocess', 'finish.py'],
    ]);
    expect(plan.notes.join('\n')).toMatch(/pre-processing\.py is copied as stages\/preprocess\/pre_processing\.py/);
    expect(plan.notes.join('\n')).toMatch(/not imported from .*: notes\.md/);
  });

  test('errors name what to fix', () => {
    const dir = tempDir('from-bad');
    fs.writeFileSync(path.join(dir, 'train.py'), '');
    expect(() => planImport(parseFromSpec(path.join(dir, 'train.py'), '/', '--from'), ['preprocess'], '--from')).toThrow(/cannot tell which stage train\.py is .*write it as <stage>=/);
    expect(() => planImport(parseFromSpec(`score=${dir}`, '/', '--from'), ['preprocess'], '--from')).toThrow(/'score=' names no stage of this pipeline/);
    // A folder with one script runs that script; with two, neither named after the stage, it is ambiguous.
    expect(planImport(parseFromSpec(`preprocess=${dir}`, '/', '--from'), ['preprocess'], '--from').stages[0].entryScript).toBe('train.py');
    fs.writeFileSync(path.join(dir, 'util.py'), '');
    expect(() => planImport(parseFromSpec(`preprocess=${dir}`, '/', '--from'), ['preprocess'], '--from')).toThrow(/cannot tell which script in .* runs stage 'preprocess' \(found train\.py, util\.py\)/);
  });

  test('names', () => {
    expect(matchStage('Post_Processing.py', ['preprocess', 'postprocess'])).toBe('postprocess');
    expect(matchStage('report-out.py', ['report-out'])).toBe('report-out');
    expect(entryScriptName('2nd-pass.py')).toBe('_2nd_pass.py');
  });
});

describe('field checks say exactly what the model says', () => {
  test.each([
    ['name', 'Bad Name'],
    ['region', 'europe'],
    ['account', '12'],
    ['bucket', 'Bad_Bucket'],
  ] as const)('%s', (field, value) => {
    const model = validatePipeline({ name: 'demo', region: 'eu-west-1', account: '111122223333', [field]: value }).find((p) => p.path === field);
    expect(model).toBeDefined();
    expect(projectFieldProblem(field, value)).toBe(model!.message);
  });

  test('stage fields, and valid values pass', () => {
    const model = validatePipeline({ name: 'demo', region: 'eu-west-1', account: '111122223333', stages: [{ name: 'a', instanceType: 'ml.nope' }] })[0];
    expect(stageFieldProblem({ name: 'a', instanceType: 'ml.nope' }, 'instanceType')).toBe(model.message);
    expect(stageFieldProblem({ name: 'a', instanceType: 'ml.c5.xlarge' }, 'instanceType')).toBeUndefined();
    expect(projectFieldProblem('region', 'ap-southeast-4')).toBeUndefined();
  });
});

describe('.projenrc.ts pieces', () => {
  test('tsLiteral writes code that evaluates back to the same data', () => {
    const data = { name: "it's", list: [1, true, null, { 'needs-quotes': 'a\\b\nc' }], nested: { deep: { deeper: ['x'] } } };
    const text = tsLiteral(data, '', { expandDepth: 1 });
    expect(vm.runInNewContext(`(${text})`)).toEqual(data);
    expect(text.split('\n')[1]).toBe("  name: 'it\\'s',");
  });

  test('a stage keeps its mode and only its non-default fields', () => {
    expect(compactStage({ name: 'a', kind: 'processing', mode: 'script', framework: { name: 'sklearn' }, entryScript: 'a.py', instanceType: 'ml.m5.large', volumeSizeGb: 30, maxRuntimeSeconds: 3600 })).toEqual(
      expect.objectContaining({ name: 'a', mode: 'script' }),
    );
    const written = Object.entries(compactStage({ name: 'a-b', framework: { name: 'sklearn', version: '1.2-1' }, entryScript: 'a_b.py', volumeSizeGb: 31 })).filter(([, v]) => v !== undefined);
    expect(Object.fromEntries(written)).toEqual({ name: 'a-b', mode: 'script', framework: { name: 'sklearn', version: '1.2-1' }, volumeSizeGb: 31 });
  });
});

describe('flags', () => {
  test('camelCase (set in code) wins over kebab-case (parsed), with the documented defaults', () => {
    expect(readFlags({ 'skip-install': false, skipInstall: true, 'instance-type': 'ml.m5.xlarge' })).toEqual(
      expect.objectContaining({ skipInstall: true, instanceType: 'ml.m5.xlarge', git: true, force: false, yes: false, interactive: undefined }),
    );
    expect(readFlags({ git: false, interactive: 'false' })).toEqual(expect.objectContaining({ git: false, interactive: false }));
  });
});

describe('the account lookup', () => {
  test('without credentials it answers with a reason, within its deadline', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, { AWS_CONFIG_FILE: '/nonexistent/c', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/k', AWS_EC2_METADATA_DISABLED: 'true' });
    for (const key of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_PROFILE', 'AWS_SESSION_TOKEN']) delete process.env[key];
    try {
      const start = Date.now();
      const result = await lookupAccount('eu-west-1', 1500);
      expect('reason' in result && result.reason).toBeTruthy();
      expect(Date.now() - start).toBeLessThan(2500);
    } finally {
      process.env = saved;
    }
  });
});

describe('writing is all or nothing', () => {
  const definition = { pipeline: { name: 'demo', region: 'eu-west-1', account: '111122223333' } };

  test('a failure while synthesizing removes the staging folder and creates no target', async () => {
    const parent = tempDir('fail');
    const target = path.join(parent, 'demo');
    await expect(
      scaffold({ target, force: false, definition, install: false, git: false, synthesize: () => { throw new Error('synth broke'); } }),
    ).rejects.toThrow('synth broke');
    expect(fs.readdirSync(parent)).toEqual([]);
  });

  test('with --force, a failure leaves the existing files exactly as they were', async () => {
    const parent = tempDir('fail-force');
    const target = path.join(parent, 'demo');
    fs.mkdirSync(target);
    fs.writeFileSync(path.join(target, 'README.md'), 'mine');
    await expect(
      scaffold({
        target,
        force: true,
        definition,
        install: false,
        git: false,
        synthesize: (_options, outdir) => {
          fs.writeFileSync(path.join(outdir, 'README.md'), 'generated');
          throw new Error('half way');
        },
      }),
    ).rejects.toThrow('half way');
    expect(fs.readdirSync(parent)).toEqual(['demo']);
    expect(fs.readdirSync(target)).toEqual(['README.md']);
    expect(fs.readFileSync(path.join(target, 'README.md'), 'utf8')).toBe('mine');
  });

  test('on success the staged files land in the target (an existing empty folder is kept, not replaced)', async () => {
    const parent = tempDir('ok');
    const target = path.join(parent, 'demo');
    fs.mkdirSync(target);
    const inode = fs.statSync(target).ino;
    const result = await scaffold({
      target,
      force: false,
      definition,
      install: false,
      git: false,
      synthesize: (options, outdir) => fs.writeFileSync(path.join(outdir, 'model.json'), JSON.stringify(options)),
    });
    expect(fs.readdirSync(parent)).toEqual(['demo']);
    expect(fs.statSync(target).ino).toBe(inode);
    expect(fs.readdirSync(target).sort()).toEqual(['.projenrc.ts', 'model.json']);
    expect(JSON.parse(fs.readFileSync(path.join(target, 'model.json'), 'utf8'))).toEqual(definition.pipeline);
    expect(result.filesMs).toBeGreaterThanOrEqual(0);
  });
});
