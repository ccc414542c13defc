/**
 * A whole fan-out project, checked the way its users check it: `legacy-mlops validate` passes (with the
 * sharded one-instance warning reported), and `cdk synth` with cdk-nag runs clean, the deployed state
 * machine being the generated ASL and its role the generated policy (the prefix listing included).
 */
import { runValidate } from '../../src/cli/validate.js';
import { PIPELINE_FILES } from '../../src/model/repo-layout.js';
import { cdkSynth, generateRepo, readJson, removeTempDirs, tempDir } from '../support/deploy-fixtures.js';

afterAll(removeTempDirs);

/** Items from the objects under the raw-data prefix; preprocess asks for sharding but runs on one instance. */
const repo = generateRepo('fan-out', {
  fanOut: { itemsFrom: 's3-prefix', maxConcurrency: 10, toleratedFailurePercentage: 20 },
  stages: [
    { name: 'preprocess', inputs: [{ name: 'data', from: 'raw', distribution: 'sharded' }] },
    { name: 'predict', mode: 'script' },
  ],
});

test('validate passes every check and reports the sharded stage on one instance', async () => {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runValidate([repo], repo, { out: (l) => out.push(l), err: (l) => err.push(l) });
  expect({ code, failed: out.filter((l) => /^\s+(FAIL|✗)/.test(l)), err }).toEqual({ code: 0, failed: [], err: [] });
  for (const check of ['asl-validator', 'asl-rules', 'execution-input', 'task-requests', 'request-shape', 'iam-policies', 'model-integrity']) {
    expect(out).toContainEqual(expect.stringMatching(new RegExp(`^  PASS ${check} `)));
  }
  expect(out).toContainEqual(expect.stringMatching(/^  WARN stage 'preprocess': input 'data' is sharded, but the stage runs on one instance/));
  expect(out.at(-1)).toMatch(/, 1 warning$/);

  const json: string[] = [];
  await runValidate([repo, '--json'], repo, { out: (l) => json.push(l), err: () => undefined });
  expect(JSON.parse(json.join('\n')).warnings).toEqual([expect.stringMatching(/^stage 'preprocess': input 'data' is sharded/)]);
}, 300_000);

test('cdk synth with cdk-nag: clean, deploying the generated Distributed Map and its least-privilege role', () => {
  const out = tempDir('fan-out-assembly');
  const result = cdkSynth(repo, out);
  expect({ status: result.status, stderr: result.status === 0 ? '' : result.stderr }).toEqual({ status: 0, stderr: '' });
  const report = readJson(out, 'validation-report.json');
  expect(report.pluginReports.filter((r: any) => r.conclusion !== 'success')).toEqual([]);

  const template = readJson(out, 'churn-model-default.template.json');
  const resources = Object.values(template.Resources) as any[];
  const [machine] = resources.filter((r) => r.Type === 'AWS::StepFunctions::StateMachine');
  const asl = readJson(repo, PIPELINE_FILES.stateMachine);
  expect(JSON.parse(machine.Properties.DefinitionString)).toEqual(asl);
  expect(asl.States['fan out'].ItemReader.Resource).toBe('arn:aws:states:::s3:listObjectsV2');

  // The state machine role lists the bucket only inside the raw-data prefix.
  const statements = resources
    .filter((r) => r.Type === 'AWS::IAM::Role' || r.Type === 'AWS::IAM::Policy')
    .flatMap((r) => [...(r.Properties.Policies ?? []).map((p: any) => p.PolicyDocument), r.Properties.PolicyDocument].filter(Boolean))
    .flatMap((d: any) => d.Statement);
  const listing = statements.filter((s: any) => [s.Action].flat().includes('s3:ListBucket') && s.Condition?.StringLike?.['s3:prefix']);
  expect(listing.map((s: any) => s.Condition.StringLike['s3:prefix'])).toContainEqual(expect.arrayContaining(['data/raw/*']));
}, 400_000);
