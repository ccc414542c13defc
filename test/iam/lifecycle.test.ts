/**
 * IAM of the model lifecycle (plus an endpoint stage): the documents derived from the ASL validate
 * with @cloud-copilot/iam-policy, and @cloud-copilot/iam-simulate allows every call each Task makes
 * while denying neighbouring ones. The concrete calls are written out by hand here.
 */
import { randomUUID } from 'node:crypto';
import { validateIdentityPolicy, validateTrustPolicy } from '@cloud-copilot/iam-policy';
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { buildStateMachine } from '../../src/asl/index.js';
import { buildIamDocuments, requiredCalls, type ApiCall } from '../../src/iam/index.js';
import { LIFECYCLE_STAGES, resolvePipeline } from '../../src/model/index.js';
import { pipelineRoleDecides, type Decision } from '../support/iam-simulation.js';

const ACCOUNT = '111122223333';
const REGION = 'eu-west-1';
const p = resolvePipeline({
  name: 'demo',
  region: REGION,
  account: ACCOUNT,
  stages: [...LIFECYCLE_STAGES, { name: 'serve', kind: 'endpoint', skippable: true, endpointName: 'churn-live' }],
});
const definition = buildStateMachine(p);
const docs = buildIamDocuments(definition, p);
const BUCKET = p.s3.bucket;
const EXECUTION = 'nightly-2026-05-01';
const uuid = randomUUID();
const SKLEARN_REPO = 'arn:aws:ecr:eu-west-1:141502667606:repository/sagemaker-scikit-learn';

type Role = 'stateMachine' | 'sageMakerExecution';

async function decide(role: Role, call: ApiCall): Promise<Decision> {
  return pipelineRoleDecides(p, docs, role, call);
}

async function decisions(role: Role, calls: ApiCall[]) {
  return Promise.all(calls.map(async (c) => `${c.action} ${c.resource} ${JSON.stringify(c.context ?? {})} → ${await decide(role, c)}`));
}
const notAllowed = (lines: string[]) => lines.filter((l) => !l.endsWith('→ Allowed'));
const notDenied = (lines: string[]) => lines.filter((l) => !l.endsWith('→ ImplicitlyDenied'));

const sm = (type: string, name: string) => `arn:aws:sagemaker:${REGION}:${ACCOUNT}:${type}/${name}`;
const object = (key: string) => `arn:aws:s3:::${BUCKET}/${key}`;
const rule = (kind: string) => `arn:aws:events:${REGION}:${ACCOUNT}:rule/StepFunctionsGetEventsForSageMaker${kind}JobsRule`;
const calls = (actions: string[], resource: string, context?: Record<string, string>): ApiCall[] => actions.map((action) => ({ action, resource, ...(context ? { context } : {}) }));
const artifact = `runs/${EXECUTION}/train/model/demo-train-${uuid}/output/model.tar.gz`;

test('the four documents validate, name every action explicitly and fit the quotas', () => {
  expect(validateIdentityPolicy(docs.stateMachineRolePolicy)).toEqual([]);
  expect(validateIdentityPolicy(docs.sageMakerExecutionRolePolicy)).toEqual([]);
  expect(validateTrustPolicy(docs.stateMachineRoleTrust)).toEqual([]);
  expect(validateTrustPolicy(docs.sageMakerExecutionRoleTrust)).toEqual([]);
  const statements = [docs.stateMachineRolePolicy, docs.sageMakerExecutionRolePolicy].flatMap((d) => d.Statement);
  expect(statements.flatMap((s) => s.Action).filter((a) => a.includes('*'))).toEqual([]);
  for (const d of [docs.stateMachineRolePolicy, docs.sageMakerExecutionRolePolicy]) expect(JSON.stringify(d).replace(/\s/g, '').length).toBeLessThanOrEqual(6144);
});

test('every call the derivation lists for each Task is allowed', async () => {
  const derived = requiredCalls(definition, p);
  const states = new Set(derived.map((c) => c.state));
  for (const state of ['train', 'evaluate: read report', 'model', 'transform', 'serve', 'serve: find endpoint', 'serve: create endpoint', 'serve: update endpoint', 'serve: status']) {
    expect(states).toContain(state);
  }
  for (const role of ['stateMachine', 'sageMakerExecution'] as const) {
    expect(notAllowed(await decisions(role, derived.filter((c) => c.role === role)))).toEqual([]);
  }
});

test('the state machine role may run each lifecycle Task (hand-written calls)', async () => {
  const allowed = [
    ...calls(['sagemaker:CreateTrainingJob', 'sagemaker:DescribeTrainingJob', 'sagemaker:StopTrainingJob', 'sagemaker:AddTags', 'sagemaker:ListTags'], sm('training-job', `demo-train-${uuid}`)),
    ...calls(['events:PutTargets', 'events:PutRule', 'events:DescribeRule'], rule('Training')),
    ...calls(['sagemaker:CreateModel', 'sagemaker:AddTags'], sm('model', `demo-model-${uuid}`)),
    ...calls(['sagemaker:CreateTransformJob', 'sagemaker:DescribeTransformJob', 'sagemaker:StopTransformJob', 'sagemaker:ListTags'], sm('transform-job', `demo-transform-${uuid}`)),
    ...calls(['events:PutTargets', 'events:PutRule', 'events:DescribeRule'], rule('Transform')),
    ...calls(['s3:GetObject'], object(`runs/${EXECUTION}/evaluate/report/evaluation.json`)),
    ...calls(['sagemaker:CreateEndpointConfig'], sm('endpoint-config', `demo-serve-${uuid}`)),
    ...calls(['sagemaker:CreateEndpoint', 'sagemaker:UpdateEndpoint', 'sagemaker:DescribeEndpoint'], sm('endpoint', 'churn-live')),
    ...calls(['sagemaker:CreateEndpoint', 'sagemaker:UpdateEndpoint'], sm('endpoint-config', `demo-serve-${uuid}`)),
    ...calls(['sagemaker:ListEndpoints'], '*'),
    ...calls(['iam:PassRole'], p.roles.sageMakerExecutionRoleArn, { 'iam:PassedToService': 'sagemaker.amazonaws.com' }),
  ];
  expect(notAllowed(await decisions('stateMachine', allowed))).toEqual([]);
});

test('...and nothing next to them', async () => {
  const denied = [
    ...calls(['sagemaker:CreateTrainingJob'], sm('training-job', `demo-preprocess-${uuid}`)),
    ...calls(['sagemaker:CreateTrainingJob'], sm('training-job', `other-train-${uuid}`)),
    ...calls(['sagemaker:CreateTrainingJob'], sm('training-job', `demo-train-v2-${uuid}`)),
    ...calls(['sagemaker:DeleteModel', 'sagemaker:DescribeModel'], sm('model', `demo-model-${uuid}`)),
    ...calls(['sagemaker:CreateModel'], sm('model', `demo-train-${uuid}`)),
    ...calls(['sagemaker:CreateTransformJob'], sm('transform-job', `demo-model-${uuid}`)),
    ...calls(['sagemaker:CreateEndpoint', 'sagemaker:DeleteEndpoint'], sm('endpoint', 'someone-elses')),
    ...calls(['sagemaker:DeleteEndpoint'], sm('endpoint', 'churn-live')),
    ...calls(['events:PutRule'], rule('HyperParameterTuning')),
    // The state machine reads reports, not models or data.
    ...calls(['s3:GetObject'], object(artifact)),
    ...calls(['s3:GetObject'], object(`runs/${EXECUTION}/preprocess/train/train.csv`)),
    ...calls(['s3:GetObject'], `arn:aws:s3:::another-bucket/runs/${EXECUTION}/evaluate/report/evaluation.json`),
    ...calls(['iam:PassRole'], p.roles.sageMakerExecutionRoleArn, { 'iam:PassedToService': 'lambda.amazonaws.com' }),
  ];
  expect(notDenied(await decisions('stateMachine', denied))).toEqual([]);
});

test('the execution role reads and writes model artifacts, transform data and logs, and nothing else', async () => {
  const allowed = [
    // Training writes the artifact, evaluation and CreateModel read it.
    ...calls(['s3:PutObject', 's3:GetObject'], object(artifact)),
    ...calls(['s3:GetObject'], object(`runs/${EXECUTION}/preprocess/train/train.csv`)),
    ...calls(['s3:ListBucket'], `arn:aws:s3:::${BUCKET}`, { 's3:prefix': `runs/${EXECUTION}/preprocess/train/` }),
    ...calls(['s3:GetObject'], object(`runs/${EXECUTION}/preprocess/score/score.csv`)),
    ...calls(['s3:PutObject'], object(`runs/${EXECUTION}/transform/predictions/score.csv.out`)),
    ...calls(['s3:PutObject'], object(`runs/${EXECUTION}/evaluate/report/evaluation.json`)),
    ...calls(['s3:GetObject'], object('code/train/train.py')),
    ...calls(['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'], SKLEARN_REPO),
    ...calls(['logs:CreateLogStream', 'logs:PutLogEvents'], `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/sagemaker/TrainingJobs:log-stream:demo-train-${uuid}/algo-1-1700000000`),
    ...calls(['logs:CreateLogStream', 'logs:PutLogEvents'], `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/sagemaker/TransformJobs:log-stream:demo-transform-${uuid}/i-0abc`),
    ...calls(['logs:CreateLogGroup'], `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/sagemaker/Endpoints/churn-live`),
    ...calls(['cloudwatch:PutMetricData'], '*', { 'cloudwatch:namespace': '/aws/sagemaker/TrainingJobs' }),
    ...calls(['cloudwatch:PutMetricData'], '*', { 'cloudwatch:namespace': '/aws/sagemaker/TransformJobs' }),
  ];
  expect(notAllowed(await decisions('sageMakerExecution', allowed))).toEqual([]);
  const denied = [
    ...calls(['s3:PutObject'], object('data/raw/injected.csv')),
    ...calls(['s3:PutObject'], object('code/train/train.py')),
    ...calls(['s3:PutObject'], object(`runs/${EXECUTION}/preprocess/train/train.csv`.replace('preprocess', 'postprocess'))),
    ...calls(['s3:DeleteObject'], object(artifact)),
    ...calls(['s3:GetObject'], `arn:aws:s3:::another-bucket/${artifact}`),
    ...calls(['ecr:BatchGetImage'], 'arn:aws:ecr:eu-west-1:141502667606:repository/sagemaker-xgboost'),
    ...calls(['logs:CreateLogGroup'], `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/sagemaker/Endpoints/someone-elses`),
    ...calls(['cloudwatch:PutMetricData'], '*', { 'cloudwatch:namespace': 'AWS/EC2' }),
  ];
  expect(notDenied(await decisions('sageMakerExecution', denied))).toEqual([]);
});

test('SageMaker may assume the execution role for the training job, the model, the transform job and the endpoint, with or without a SourceArn', async () => {
  const assume = async (sourceArn?: string, sourceAccount = ACCOUNT) => {
    const result = await runSimulation(
      {
        request: {
          principal: 'sagemaker.amazonaws.com',
          action: 'sts:AssumeRole',
          resource: { resource: p.roles.sageMakerExecutionRoleArn, accountId: ACCOUNT },
          contextVariables: sourceArn === undefined ? {} : { 'aws:SourceAccount': sourceAccount, 'aws:SourceArn': sourceArn },
        },
        identityPolicies: [],
        serviceControlPolicies: [],
        resourceControlPolicies: [],
        resourcePolicy: docs.sageMakerExecutionRoleTrust,
      },
      {},
    );
    if (result.resultType === 'error') throw new Error(JSON.stringify(result.errors));
    return `${sourceArn} → ${result.overallResult}`;
  };
  const admitted = await Promise.all(
    [sm('training-job', `demo-train-${uuid}`), sm('model', `demo-model-${uuid}`), sm('transform-job', `demo-transform-${uuid}`), sm('endpoint', 'churn-live')].map((arn) => assume(arn)),
  );
  expect(notAllowed(admitted)).toEqual([]);
  // Which ARN SageMaker presents for a model's role is not documented: the account-wide pattern, or none at all.
  expect(docs.sageMakerExecutionRoleTrust.Statement[0].Condition).toEqual({
    StringEqualsIfExists: { 'aws:SourceAccount': ACCOUNT },
    ArnLikeIfExists: { 'aws:SourceArn': `arn:aws:sagemaker:${REGION}:${ACCOUNT}:*` },
  });
  expect(notAllowed([await assume(undefined), await assume(sm('endpoint-config', `demo-serve-${uuid}`))])).toEqual([]);
  // Another account's or region's resources never.
  const elsewhere = [
    await assume(`arn:aws:sagemaker:${REGION}:444455556666:model/demo-model-${uuid}`, '444455556666'),
    await assume(`arn:aws:sagemaker:us-east-1:${ACCOUNT}:model/demo-model-${uuid}`),
  ];
  expect(notDenied(elsewhere)).toEqual([]);
});
