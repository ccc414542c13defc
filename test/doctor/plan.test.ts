/**
 * `legacy-mlops doctor`'s planner: which checks a pipeline model asks for (pure), and the bootstrap
 * version it requires read back from the CDK's own template rule.
 */
// The core entry point alone: the whole library takes far longer to load.
import { App, DefaultStackSynthesizer, Stack } from 'aws-cdk-lib/core';
import { buildPipelineModel } from '../../src/construct/pipeline-model.js';
import { MIN_BOOTSTRAP_VERSION, parseEcrImage, planChecks, quotaName, type PlannedCheck } from '../../src/doctor/plan.js';
import { buildReadme } from '../../src/docs/readme.js';
import { LIFECYCLE_STAGES } from '../../src/model/defaults.js';
import { resolvePipeline } from '../../src/model/resolve.js';
import type { PipelineOptions } from '../../src/model/types.js';

const BASE = { name: 'churn', account: '111122223333', region: 'eu-west-1' } as const;

function plan(options: Partial<PipelineOptions> = {}, environment?: string): PlannedCheck[] {
  const model = buildPipelineModel({ ...BASE, ...options } as PipelineOptions);
  return planChecks(environment ? model.environments.find((e) => e.environment.name === environment)! : model.environments[0]);
}

function ofKind<K extends PlannedCheck['kind']>(checks: PlannedCheck[], kind: K): Extract<PlannedCheck, { kind: K }>[] {
  return checks.filter((c): c is Extract<PlannedCheck, { kind: K }> => c.kind === kind);
}

test('the default pipeline: identity first, then bootstrap, bucket, one processing quota, the scikit-learn image, the state machine', () => {
  const checks = plan();
  expect(checks.map((c) => c.id)).toEqual([
    'identity',
    'bootstrap',
    'bucket',
    'quota:processing:ml.m5.large',
    expect.stringMatching(/^image:141502667606\.dkr\.ecr\.eu-west-1\.amazonaws\.com\/sagemaker-scikit-learn:/),
    'state-machine',
  ]);
  expect(ofKind(checks, 'identity')[0].account).toBe('111122223333');
  expect(ofKind(checks, 'bootstrap')[0]).toMatchObject({ parameterName: '/cdk-bootstrap/hnb659fds/version', minimumVersion: 6, qualifier: 'hnb659fds' });
  expect(ofKind(checks, 'bucket')[0]).toMatchObject({ bucket: 'churn-111122223333-eu-west-1', existing: false, account: '111122223333', region: 'eu-west-1' });
  // preprocess, predict (its own container) and postprocess are processing jobs on the default type, one at a time.
  expect(ofKind(checks, 'quota')[0]).toMatchObject({ quotaName: 'ml.m5.large for processing job usage', needed: 1, stages: ['preprocess', 'predict', 'postprocess'] });
  // predict's image is built from its Dockerfile at deploy time: not checked before it exists.
  const [image] = ofKind(checks, 'image');
  expect(image).toMatchObject({ origin: 'framework', registryId: '141502667606', region: 'eu-west-1', repository: 'sagemaker-scikit-learn', stages: ['preprocess', 'postprocess'] });
  expect(ofKind(checks, 'state-machine')[0]).toEqual(expect.objectContaining({ name: 'churn', arn: 'arn:aws:states:eu-west-1:111122223333:stateMachine:churn', stackName: 'churn-default' }));
  expect(ofKind(checks, 'role')).toEqual([]);
});

test('quota names follow the Service Quotas names SageMaker quotes in ResourceLimitExceeded', () => {
  expect(quotaName('processing', 'ml.m5.xlarge')).toBe('ml.m5.xlarge for processing job usage');
  expect(quotaName('training', 'ml.c5.2xlarge')).toBe('ml.c5.2xlarge for training job usage');
  expect(quotaName('transform', 'ml.m5.large')).toBe('ml.m5.large for transform job usage');
  expect(quotaName('endpoint', 'ml.m4.xlarge')).toBe('ml.m4.xlarge for endpoint usage');
});

test('lifecycle with an endpoint: one quota per job kind and instance type, the largest count of its stages', () => {
  const stages = LIFECYCLE_STAGES.map((s) =>
    s.name === 'preprocess' ? { ...s, instanceType: 'ml.c5.xlarge', instanceCount: 3 } : s.name === 'train' ? { ...s, instanceType: 'ml.m5.xlarge', instanceCount: 2 } : s.name === 'transform' ? { ...s, instanceCount: 4 } : s,
  );
  const checks = plan({ stages: [...stages, { name: 'serve', kind: 'endpoint', instanceType: 'ml.t2.medium', instanceCount: 2 }] });
  const quotas = Object.fromEntries(ofKind(checks, 'quota').map((q) => [q.quotaName, { needed: q.needed, stages: q.stages }]));
  expect(quotas).toEqual({
    'ml.c5.xlarge for processing job usage': { needed: 3, stages: ['preprocess'] },
    'ml.m5.xlarge for training job usage': { needed: 2, stages: ['train'] },
    'ml.m5.large for processing job usage': { needed: 1, stages: ['evaluate'] },
    'ml.m5.large for transform job usage': { needed: 4, stages: ['transform'] },
    // Every run after the first updates the endpoint: blue/green holds the old and the new fleet at once.
    'ml.t2.medium for endpoint usage': { needed: 4, stages: ['serve'] },
  });
  // The model stage serves from the inference image (a separate check); transform and endpoint run the model stage's image.
  const images = ofKind(checks, 'image');
  expect(images.every((i) => i.origin === 'framework')).toBe(true);
  expect(images.flatMap((i) => i.stages).sort()).toEqual(['evaluate', 'model', 'preprocess', 'train']);
});

test('a fan-out runs maxConcurrency chains at once: the quota must cover count × concurrency', () => {
  const checks = plan({ stages: [{ name: 'score', mode: 'script', framework: { name: 'sklearn' }, instanceCount: 2 }], fanOut: { maxConcurrency: 5 } });
  expect(ofKind(checks, 'quota')).toEqual([expect.objectContaining({ quotaName: 'ml.m5.large for processing job usage', needed: 10 })]);
});

test('a tuning stage runs maxParallelJobs training jobs at once: the quota covers count × parallel jobs', () => {
  const tuning = { objective: { metric: 'train_accuracy', type: 'Maximize' }, strategy: 'Random', maxJobs: 6, maxParallelJobs: 3, ranges: { alpha: { type: 'continuous', min: 0.01, max: 10 } } };
  const stages = LIFECYCLE_STAGES.map((s) => (s.name === 'train' ? { ...s, kind: 'tuning', instanceType: 'ml.m5.xlarge', instanceCount: 2, tuning } : s));
  const checks = plan({ stages } as Partial<PipelineOptions>);
  expect(ofKind(checks, 'quota')).toContainEqual(expect.objectContaining({ quotaName: 'ml.m5.xlarge for training job usage', needed: 6, stages: ['train'] }));
});

test('bring-your-own roles: each must exist and trust its service; the role name is the last part of a path ARN', () => {
  const checks = plan({
    existingRoles: { stateMachineRoleArn: 'arn:aws:iam::111122223333:role/ml/churn-sfn', sageMakerExecutionRoleArn: 'arn:aws:iam::111122223333:role/churn-sm' },
  });
  expect(ofKind(checks, 'role').map(({ roleName, service, option }) => ({ roleName, service, option }))).toEqual([
    { roleName: 'churn-sm', service: 'sagemaker.amazonaws.com', option: 'existingRoles.sageMakerExecutionRoleArn' },
    { roleName: 'churn-sfn', service: 'states.amazonaws.com', option: 'existingRoles.stateMachineRoleArn' },
  ]);
});

test('imageUri stages: registry, region, repository and tag or digest from the URI; one check per URI', () => {
  const digest = `sha256:${'ab'.repeat(32)}`;
  const checks = plan({
    stages: [
      { name: 'a', mode: 'container', imageUri: '222233334444.dkr.ecr.us-east-1.amazonaws.com/team/legacy:2.1' },
      { name: 'b', mode: 'container', imageUri: '222233334444.dkr.ecr.us-east-1.amazonaws.com/team/legacy:2.1' },
      { name: 'c', mode: 'container', imageUri: `111122223333.dkr.ecr.eu-west-1.amazonaws.com/scorer@${digest}` },
    ],
  });
  expect(ofKind(checks, 'image').map(({ origin, registryId, region, repository, imageId, stages }) => ({ origin, registryId, region, repository, imageId, stages }))).toEqual([
    { origin: 'uri', registryId: '222233334444', region: 'us-east-1', repository: 'team/legacy', imageId: { imageTag: '2.1' }, stages: ['a', 'b'] },
    { origin: 'uri', registryId: '111122223333', region: 'eu-west-1', repository: 'scorer', imageId: { imageDigest: digest }, stages: ['c'] },
  ]);
  expect(parseEcrImage('111122223333.dkr.ecr.cn-north-1.amazonaws.com.cn/x')).toEqual({ registryId: '111122223333', region: 'cn-north-1', repository: 'x', imageId: { imageTag: 'latest' } });
});

test('existingBucket, a custom qualifier and a second environment are planned as the model says', () => {
  expect(ofKind(plan({ bucket: 'team-data', existingBucket: true }), 'bucket')[0]).toMatchObject({ bucket: 'team-data', existing: true });
  expect(ofKind(plan({ cdkQualifier: 'mlops1' }), 'bootstrap')[0]).toMatchObject({ parameterName: '/cdk-bootstrap/mlops1/version', qualifier: 'mlops1' });
  const prod = plan(
    {
      environments: [
        { name: 'preprod', account: '111122223333', region: 'eu-west-1' },
        { name: 'prod', account: '444455556666', region: 'us-east-1' },
      ],
    },
    'prod',
  );
  expect(ofKind(prod, 'identity')[0].account).toBe('444455556666');
  expect(ofKind(prod, 'bucket')[0]).toMatchObject({ bucket: 'churn-444455556666-us-east-1', region: 'us-east-1' });
  expect(ofKind(prod, 'state-machine')[0]).toMatchObject({ arn: 'arn:aws:states:us-east-1:444455556666:stateMachine:churn', stackName: 'churn-prod' });
  expect(ofKind(prod, 'image')[0].region).toBe('us-east-1');
});

test("MIN_BOOTSTRAP_VERSION is the version the CDK's CheckBootstrapVersion rule requires of generated stacks", () => {
  const app = new App();
  const stack = new Stack(app, 'probe', { synthesizer: new DefaultStackSynthesizer({ qualifier: 'hnb659fds' }) });
  const template = app.synth().getStackByName(stack.stackName).template as {
    Parameters: { BootstrapVersion: { Default: string } };
    Rules: { CheckBootstrapVersion: { Assertions: { Assert: { 'Fn::Not': [{ 'Fn::Contains': [string[], unknown] }] } }[] } };
  };
  expect(template.Parameters.BootstrapVersion.Default).toBe('/cdk-bootstrap/hnb659fds/version');
  const refused = template.Rules.CheckBootstrapVersion.Assertions[0].Assert['Fn::Not'][0]['Fn::Contains'][0].map(Number);
  expect(Math.max(...refused) + 1).toBe(MIN_BOOTSTRAP_VERSION);
});

test("the generated README lists this pipeline's checks, the actions they call, and output in doctor's own table format", () => {
  const readme = buildReadme(
    resolvePipeline({
      ...BASE,
      stages: [...LIFECYCLE_STAGES, { name: 'serve', kind: 'endpoint', instanceType: 'ml.t2.medium', instanceCount: 2 }],
      existingRoles: { sageMakerExecutionRoleArn: 'arn:aws:iam::111122223333:role/churn-sm', stateMachineRoleArn: 'arn:aws:iam::111122223333:role/churn-sfn' },
    }),
  );
  expect(readme).toContain('| `npx projen doctor` |');
  const section = readme.slice(readme.indexOf('## Before the first deploy: `npx projen doctor`'));
  expect(section).toContain("| Quota ml.t2.medium for endpoint usage | 'ml.t2.medium for endpoint usage' is at least 4 (serve; a blue/green update runs the new fleet beside the old one) |");
  expect(section).toContain('| Role churn-sm | `arn:aws:iam::111122223333:role/churn-sm` exists and trusts `sagemaker.amazonaws.com` |');
  expect(section).toContain('| Role churn-sfn | `arn:aws:iam::111122223333:role/churn-sfn` exists and trusts `states.amazonaws.com` |');
  expect(section).toContain('`iam:GetRole`');
  // The example is rendered by doctor's own table: status column, fix line under the failure, the summary.
  expect(section).toMatch(/\n  FAIL  Quota ml\.m5\.large for processing job usage +quota is 0 \(applied\), stages preprocess, evaluate need 1 instance\n +fix: aws service-quotas request-service-quota-increase --region eu-west-1 /);
  expect(section).toMatch(/\n\d+ pass, 1 fail, 0 could not be checked, 0 skipped: fix the failures before `npx projen deploy`\n```/);
});
