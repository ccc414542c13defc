/** `validateProject` on a generated repo's files, and the `validate` command's output and exit codes. */
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildStateMachine } from '../../src/asl/index.js';
import { validateProject, type ModelLookup, type ValidationReport } from '../../src/checks/index.js';
import { runValidate } from '../../src/cli/validate.js';
import { buildPipelineModel } from '../../src/construct/pipeline-model.js';
import { buildIamDocuments } from '../../src/iam/index.js';
import { buildExecutionInput, buildExecutionInputSchema } from '../../src/input/index.js';
import { resolvePipeline, type PipelineOptions } from '../../src/model/index.js';
import { trackedMkdtemp as mkdtempSync } from '../support/temp-dirs.js';



type Json = any;

const CONTAINER_ONLY: PipelineOptions = {
  name: 'churn',
  region: 'us-east-1',
  account: '123456789012',
  stages: [
    { name: 'prepare', mode: 'container' },
    { name: 'score', mode: 'container', imageUri: '123456789012.dkr.ecr.us-east-1.amazonaws.com/churn:1.0' },
  ],
};
const DEFAULT: PipelineOptions = { name: 'demo', region: 'eu-west-1', account: '111122223333' };

interface Files {
  definition: Json;
  input: Json;
  schema: Json;
  python: Record<string, string>;
}

/** Writes the managed artifacts of a pipeline (after an optional edit) into a fresh directory. */
function writeProject(options: PipelineOptions, edit: (files: Files) => void = () => {}): string {
  const pipeline = resolvePipeline(options);
  const files: Files = {
    definition: JSON.parse(JSON.stringify(buildStateMachine(pipeline))),
    input: JSON.parse(JSON.stringify(buildExecutionInput(pipeline))),
    schema: buildExecutionInputSchema(pipeline),
    python: Object.fromEntries(pipeline.stages.map((s) => [`stages/${s.name}/${s.entryScript}`, 'import sys\n\nprint(sys.argv)\n'])),
  };
  edit(files);
  const dir = mkdtempSync(join(tmpdir(), 'checks-project-'));
  mkdirSync(join(dir, 'pipeline'));
  writeFileSync(join(dir, 'pipeline/state-machine.asl.json'), JSON.stringify(files.definition, null, 2));
  writeFileSync(join(dir, 'pipeline/execution-input.json'), JSON.stringify(files.input, null, 2));
  writeFileSync(join(dir, 'pipeline/execution-input.schema.json'), JSON.stringify(files.schema, null, 2));
  mkdirSync(join(dir, 'pipeline/iam'));
  const iam = buildIamDocuments(buildStateMachine(pipeline), pipeline);
  writeFileSync(join(dir, 'pipeline/iam/state-machine-role-policy.json'), JSON.stringify(iam.stateMachineRolePolicy, null, 2));
  writeFileSync(join(dir, 'pipeline/iam/state-machine-role-trust.json'), JSON.stringify(iam.stateMachineRoleTrust, null, 2));
  writeFileSync(join(dir, 'pipeline/iam/sagemaker-execution-role-policy.json'), JSON.stringify(iam.sageMakerExecutionRolePolicy, null, 2));
  writeFileSync(join(dir, 'pipeline/iam/sagemaker-execution-role-trust.json'), JSON.stringify(iam.sageMakerExecutionRoleTrust, null, 2));
  writeFileSync(join(dir, 'pipeline/pipeline-model.json'), JSON.stringify(buildPipelineModel(options), null, 2));
  for (const [path, text] of Object.entries(files.python)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

const statusOf = (report: ValidationReport) => Object.fromEntries(report.checks.map((c) => [c.check, c.status]));
const noModel = async (): Promise<ModelLookup> => ({ found: false, hint: 'apt-get install python3-botocore or pip install botocore', tried: [] });

describe('validateProject', () => {
  test('a generated container-only repo passes every check', async () => {
    const report = await validateProject(writeProject(CONTAINER_ONLY));
    expect(statusOf(report)).toEqual({
      artifacts: 'passed',
      'asl-validator': 'passed',
      'asl-rules': 'passed',
      'execution-input': 'passed',
      'stage-switches': 'passed',
      'task-requests': 'passed',
      'request-shape': 'passed',
      'sagemaker-rules': 'passed',
      'python-syntax': 'passed',
      'iam-policies': 'passed',
      'model-integrity': 'passed',
      // No .projenrc.ts in this hand-written repo: nothing to re-synthesize from.
      drift: 'skipped',
    });
    expect(report).toMatchObject({ passed: 11, failed: 0, skipped: 1 });
    expect(report.checks.find((c) => c.check === 'task-requests')!.subject).toMatch(/2 task requests/);
    expect(report.checks.find((c) => c.check === 'python-syntax')!.subject).toMatch(/2 Python files/);
  });

  test('the default repo passes every check (no ContainerEntrypoint item over 256 characters)', async () => {
    const report = await validateProject(writeProject(DEFAULT));
    expect(report.failed).toBe(0);
    expect(report.checks.find((c) => c.check === 'request-shape')!.findings).toEqual([]);
  });

  test('planted defects land in their checks, and the run keeps going past each', async () => {
    const dir = writeProject(CONTAINER_ONLY, (f) => {
      f.definition.States.score.Retry[0].ErrorEquals.push('States.TaskFailed');
      f.definition.States.score.Parameters.ProcessingOutputConfig.Outputs[0].S3Output.LocalPath = '/data/out';
      f.definition.States.prepare.Parameters.Unknown = 1;
      f.input.stages.prepare.instanceType = 'ml.nope.large';
      f.python['stages/score/broken.py'] = 'if True\n    pass\n';
    });
    const report = await validateProject(dir);
    const byCheck = Object.fromEntries(report.checks.map((c) => [c.check, c.findings.map((x) => x.location)]));
    expect(byCheck['asl-rules']).toEqual(['States.score.Retry[0].ErrorEquals']);
    expect(byCheck['execution-input']).toEqual(['/stages/prepare/instanceType']);
    expect(byCheck['request-shape']).toEqual(['prepare › ProcessingResources.ClusterConfig.InstanceType', 'prepare › Unknown']);
    expect(byCheck['sagemaker-rules']).toEqual(['score › ProcessingOutputConfig.Outputs[0].S3Output.LocalPath']);
    expect(byCheck['python-syntax']).toEqual(['stages/score/broken.py:1']);
    expect(byCheck['model-integrity']).toEqual(["pipeline/state-machine.asl.json: state 'score'"]);
    expect(report.failed).toBe(6);
    expect(readdirSync(join(dir, 'stages/score')).sort()).toEqual(['broken.py', 'score.py']); // no __pycache__
  });

  test('an unknown Task resource fails request-shape instead of being skipped', async () => {
    const dir = writeProject(CONTAINER_ONLY, (f) => (f.definition.States.score.Resource = 'arn:aws:states:::sagemaker:startProcessingJob.sync'));
    const report = await validateProject(dir);
    const shape = report.checks.find((c) => c.check === 'request-shape')!;
    expect(shape.status).toBe('failed');
    expect(shape.findings).toEqual([expect.objectContaining({ location: 'score', message: expect.stringMatching(/no SageMaker operation is known/) })]);
    expect(statusOf(report)['asl-rules']).toBe('failed');
  });

  test('without a SageMaker model the shape check is SKIPPED with an install hint, never passed', async () => {
    const report = await validateProject(writeProject(CONTAINER_ONLY), { loadModel: noModel });
    const shape = report.checks.find((c) => c.check === 'request-shape')!;
    expect(shape.status).toBe('skipped');
    expect(shape.hint).toMatch(/pip install botocore/);
    expect(report).toMatchObject({ passed: 10, failed: 0, skipped: 2 });
  });

  test('iam-policies catches a hand-edited policy: wildcard action, a removed grant, PassRole without its condition', async () => {
    const dir = writeProject(CONTAINER_ONLY);
    const file = join(dir, 'pipeline/iam/state-machine-role-policy.json');
    const policy = JSON.parse(readFileSync(file, 'utf8'));
    policy.Statement[0].Action = policy.Statement[0].Action.filter((a: string) => a !== 'sagemaker:StopProcessingJob');
    const passRole = policy.Statement.find((s: Json) => s.Action.includes('iam:PassRole'));
    delete passRole.Condition;
    policy.Statement.push({ Sid: 'Extra', Effect: 'Allow', Action: ['s3:*'], Resource: ['*'] });
    writeFileSync(file, JSON.stringify(policy));
    const report = await validateProject(dir);
    const messages = report.checks.find((c) => c.check === 'iam-policies')!.findings.map((f) => f.message);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/action 's3:\*' is a wildcard/),
        expect.stringMatching(/iam:PassRole without a StringEquals iam:PassedToService condition/),
        expect.stringMatching(/differs from what the state machine needs/),
        expect.stringMatching(/does not allow sagemaker:StopProcessingJob on arn:aws:sagemaker:us-east-1:123456789012:processing-job\/churn-prepare-/),
      ]),
    );
    expect(statusOf(report)['iam-policies']).toBe('failed');
  });

  test('an injected iamCheck replaces the built-in one', async () => {
    const report = await validateProject(writeProject(CONTAINER_ONLY), {
      iamCheck: async (projectDir) => [{ check: 'iam-policies', location: join(projectDir, 'pipeline/iam/x.json'), message: 'wildcard action' }],
    });
    expect(statusOf(report)['iam-policies']).toBe('failed');
  });

  test('missing artifacts fail the artifacts check and skip what depends on them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'checks-empty-'));
    const report = await validateProject(dir);
    expect(report.checks[0].findings.map((f) => f.location)).toEqual([
      'pipeline/state-machine.asl.json',
      'pipeline/execution-input.json',
      'pipeline/execution-input.schema.json',
    ]);
    expect(statusOf(report)).toMatchObject({ artifacts: 'failed', 'asl-validator': 'skipped', 'request-shape': 'skipped', 'python-syntax': 'passed' });
  });
});

describe('runValidate', () => {
  function capture() {
    const out: string[] = [];
    const err: string[] = [];
    return { io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) }, out, err };
  }

  test('exit 0 and a summary line when nothing fails', async () => {
    const dir = writeProject(CONTAINER_ONLY);
    const { io, out } = capture();
    expect(await runValidate([], dir, io)).toBe(0);
    expect(out.at(-1)).toBe('11 checks passed, 0 failed, 1 skipped');
    expect(out.filter((l) => /^\s+PASS /.test(l))).toHaveLength(11);
    expect(out.some((l) => /PASS iam-policies/.test(l))).toBe(true);
  });

  test('exit 1 and one line per finding when something fails', async () => {
    const dir = writeProject(CONTAINER_ONLY, (f) => {
      delete f.definition.States.score.Catch;
      delete f.definition.States['score failed'];
      f.definition.States.prepare.Parameters.Bogus = true;
    });
    const { io, out } = capture();
    expect(await runValidate(['.'], dir, io)).toBe(1);
    const findings = out.filter((l) => l.trimStart().startsWith('✗'));
    expect(findings).toEqual([
      expect.stringMatching(/States\.score\.Catch: the Task has no Catch/),
      expect.stringMatching(/prepare › Bogus: unknown member/),
      expect.stringMatching(/state 'score': Catch was removed/),
    ]);
    expect(out.at(-1)).toBe('8 checks passed, 3 failed, 1 skipped');
  });

  test('--json prints the report; unknown options exit 2', async () => {
    const dir = writeProject(CONTAINER_ONLY);
    const json = capture();
    expect(await runValidate([dir, '--json'], '/', json.io)).toBe(0);
    expect(JSON.parse(json.out.join('\n'))).toMatchObject({ projectDir: dir, failed: 0 });
    const bad = capture();
    expect(await runValidate(['--fast'], dir, bad.io)).toBe(2);
    expect(bad.err.join('\n')).toMatch(/unknown option --fast/);
  });
});
