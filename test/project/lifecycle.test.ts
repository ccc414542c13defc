/**
 * A lifecycle project synthesized by the project type: its stubs follow each container contract
 * (py_compile through validate), every `validate` check passes, and the README documents the gate.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { validateProject } from '../../src/checks/index.js';
import { LIFECYCLE_STAGES, STAGE_PRESETS, resolvePipeline, type PipelineOptions } from '../../src/model/index.js';
import { PIPELINE_FILES } from '../../src/model/repo-layout.js';
import { synthesizeProject } from '../../src/project/index.js';
import { renderStageFiles, stageRole } from '../../src/stages/index.js';
import { buildApp, generateRepo, nagFindings, readJson, removeTempDirs, resourcesOfType } from '../support/deploy-fixtures.js';
import { PYTHON } from '../support/generated-repo.js';

const options: PipelineOptions = { name: 'churn', region: 'eu-west-1', account: '111122223333', stages: [...LIFECYCLE_STAGES] };
const dirs: string[] = [];
afterAll(() => {
  dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true }));
  removeTempDirs();
});

describe('a synthesized lifecycle project', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lmo-lifecycle-'));
  dirs.push(dir);
  beforeAll(() => {
    synthesizeProject(options, dir);
  });
  const read = (file: string) => readFileSync(join(dir, file), 'utf8');

  test('stub code for the stages that run code; none for model and transform (they run the trained model)', () => {
    for (const file of ['stages/preprocess/preprocess.py', 'stages/train/train.py', 'stages/train/inference.py', 'stages/evaluate/evaluate.py']) {
      expect(existsSync(join(dir, file))).toBe(true);
    }
    expect(existsSync(join(dir, 'stages/model'))).toBe(false);
    expect(existsSync(join(dir, 'stages/transform'))).toBe(false);
    expect(read('data/raw/pre_processing_input.csv').split('\n')[0]).toBe('customer_id,age,tenure_months,monthly_charges,support_calls,contract,churned');
  });

  test('the training stub follows the training contract; the evaluation stub writes the report the gate reads', () => {
    const train = read('stages/train/train.py');
    for (const contract of ['"/opt/ml/input/data/train"', 'MODEL_DIR = "/opt/ml/model"', 'HYPERPARAMETERS_FILE = "/opt/ml/input/config/hyperparameters.json"', 'FAILURE_FILE = "/opt/ml/output/failure"', 'INFERENCE_SCRIPT = "inference.py"']) {
      expect(train).toContain(contract);
    }
    const evaluate = read('stages/evaluate/evaluate.py');
    expect(evaluate).toContain('REPORT_FILE = "evaluation.json"');
    expect(evaluate).toMatch(/"accuracy": \{"value": /);
    const definition = JSON.parse(read(PIPELINE_FILES.stateMachine));
    expect(JSON.stringify(definition.States['evaluate: gate'])).toContain('$.results.evaluate.report.body.metrics.accuracy.value');
  });

  test('every check of validate passes: ASL, switches, request shapes, Python sources, IAM', async () => {
    const report = await validateProject(dir);
    // Drift re-runs .projenrc.ts, which needs the repo's dependencies: this folder has none, so only it may be skipped.
    expect(report.checks.filter((c) => c.status !== 'passed').map((c) => [c.check, c.status, c.findings])).toEqual([['drift', 'skipped', []]]);
    expect(report.checks.find((c) => c.check === 'task-requests')?.subject).toMatch(/7 task requests/); // the 6 stage calls and the gate's PutMetricData
    // 4 stage scripts (preprocess, train with its inference script, evaluate) and 3 starter tests.
    expect(report.checks.find((c) => c.check === 'python-syntax')?.subject).toMatch(/7 Python files/);
  });

  test('the README shows the gate and the switches', () => {
    const readme = read(PIPELINE_FILES.readme);
    expect(readme).toContain('gate: `accuracy` ≥ 0.7');
    expect(readme).toContain('`$.stages.evaluate.threshold`');
    expect(readme).toMatch(/can be skipped in one execution with `"enabled": false`/);
    expect(readme).toContain('stage_model -- "model" --> stage_transform');
  });
});

describe('lifecycle stubs', () => {
  const pipeline = resolvePipeline(options);

  test('roles follow the kinds and channels', () => {
    expect(pipeline.stages.map((s) => stageRole(s))).toEqual(['split', 'train', 'evaluate', 'generic', 'generic']);
    expect(STAGE_PRESETS.lifecycle).toBe(LIFECYCLE_STAGES);
  });

  test('the training stub runs as a laptop script, then exits non-zero with a failure file when its data is missing', () => {
    const [train] = pipeline.stages.filter((s) => s.kind === 'training');
    const work = mkdtempSync(join(tmpdir(), 'lmo-train-stub-'));
    dirs.push(work);
    const files = renderStageFiles(train, pipeline);
    for (const f of files) {
      mkdirSync(dirname(join(work, f.path)), { recursive: true });
      writeFileSync(join(work, f.path), f.content);
    }
    const optMl = join(work, 'optml');
    let failed: { status: number | null } | undefined;
    try {
      execFileSync(PYTHON, [join(work, 'stages/train/train.py')], { env: { ...process.env, LEGACY_MLOPS_OPT_ML: optMl }, stdio: 'pipe' });
    } catch (error) {
      failed = error as { status: number | null };
    }
    expect(failed?.status).toBe(1);
    expect(readFileSync(join(optMl, 'output/failure'), 'utf8')).toMatch(/^FileNotFoundError: file .*input\/data\/train\/train\.csv not found \(channel 'train' should contain 'train\.csv'\)/);
    // SageMaker starts a custom training image as `<image> train`: the stub accepts it.
    expect(execFileSync(PYTHON, [join(work, 'stages/train/train.py'), 'train', '--help'], { encoding: 'utf8' })).toContain('--channel-train DIR');
  });

  test('a model stage names its inference script; the training stage that feeds it packs that file', () => {
    const custom = resolvePipeline({ ...options, stages: LIFECYCLE_STAGES.map((s) => (s.kind === 'model' ? { ...s, entryScript: 'serve_churn.py' } : s)) });
    const files = renderStageFiles(custom.stages[1], custom).map((f) => f.path);
    expect(files).toEqual(['stages/train/train.py', 'stages/train/requirements.txt', 'stages/train/serve_churn.py']);
    expect(renderStageFiles(custom.stages[1], custom)[0].content).toContain('INFERENCE_SCRIPT = "serve_churn.py"');
  });
});

describe('the CDK app of a lifecycle project (with an endpoint stage)', () => {
  test('cdk-nag (AwsSolutions) finds nothing, and the deployed definition and role policies are the managed files', () => {
    const repo = generateRepo('lifecycle', { stages: [...LIFECYCLE_STAGES, { name: 'serve', kind: 'endpoint' }] });
    const { stacks, templates } = buildApp(repo);
    expect(stacks).toHaveLength(1);
    expect(nagFindings(stacks[0].stack)).toEqual([]);
    const [[, machine]] = resourcesOfType(templates[0], 'AWS::StepFunctions::StateMachine');
    const definition = machine.Properties.DefinitionString;
    expect(JSON.stringify(definition)).toContain('createTrainingJob.sync');
    const roles = resourcesOfType(templates[0], 'AWS::IAM::Role').map(([, r]) => r.Properties).filter((r) => r.RoleName);
    const byName = Object.fromEntries(roles.map((r) => [r.RoleName, r]));
    expect(byName['churn-model-state-machine'].Policies[0].PolicyDocument).toEqual(readJson(repo, PIPELINE_FILES.stateMachineRolePolicy));
    expect(byName['churn-model-sagemaker-execution'].Policies[0].PolicyDocument).toEqual(readJson(repo, PIPELINE_FILES.sageMakerExecutionRolePolicy));
  });
});
