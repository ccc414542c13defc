import { randomUUID } from 'node:crypto';
import { validateIdentityPolicy, validateTrustPolicy } from '@cloud-copilot/iam-policy';
import { runSimulation } from '@cloud-copilot/iam-simulate';
import fc from 'fast-check';
import { buildStateMachine, type StateMachineDefinition, type TaskState } from '../../src/asl/index.js';
import { buildIamDocuments, requiredCalls, stateMachineFeatureCalls, type ApiCall, type IamDocuments, type PolicyDocument } from '../../src/iam/index.js';
import { resolvePipeline, type PipelineOptions, type ResolvedPipeline } from '../../src/model/index.js';

const ACCOUNT = '111122223333';
const REGION = 'eu-west-1';
const base: PipelineOptions = { name: 'demo', region: REGION, account: ACCOUNT };
const SKLEARN_REPO = 'arn:aws:ecr:eu-west-1:141502667606:repository/sagemaker-scikit-learn';
const XGBOOST_REPO = 'arn:aws:ecr:eu-west-1:141502667606:repository/sagemaker-xgboost';

function build(options: PipelineOptions) {
  const pipeline = resolvePipeline(options);
  const definition = buildStateMachine(pipeline);
  return { pipeline, definition, docs: buildIamDocuments(definition, pipeline) };
}

// ---- simulation helpers (iam-simulate evaluates the policy offline, with conditions) ----

type Decision = 'Allowed' | 'ExplicitlyDenied' | 'ImplicitlyDenied';

/** The account that owns a resource: the ARN's account field, or the pipeline's for S3 and `*`. */
function ownerOf(resource: string): string {
  const account = resource.split(':')[4];
  return account && /^\d{12}$/.test(account) ? account : ACCOUNT;
}

/**
 * Decision of a role's identity policy on one call. Cross-account resources (AWS-owned image
 * repositories) get a stand-in resource policy that lets anyone pull, as AWS's own do, so only the
 * identity policy decides. Validation errors of the simulator (unknown action, ARN of the wrong
 * resource type for the action) fail the test instead of reading as a denial.
 */
async function decide(policy: PolicyDocument, principal: string, call: ApiCall): Promise<Decision> {
  const owner = ownerOf(call.resource);
  const resourcePolicy =
    owner === ACCOUNT
      ? undefined
      : { Version: '2012-10-17', Statement: [{ Sid: 'AnyonePulls', Effect: 'Allow', Principal: '*', Action: [call.action], Resource: '*' }] };
  const result = await runSimulation(
    {
      request: { principal, action: call.action, resource: { resource: call.resource, accountId: owner }, contextVariables: { ...call.context } },
      identityPolicies: [{ name: 'policy', policy }],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy,
    },
    {},
  );
  if (result.resultType === 'error') throw new Error(`simulation of ${call.action} on ${call.resource} failed: ${JSON.stringify(result.errors)}`);
  return result.overallResult as Decision;
}

async function trustDecision(trust: PolicyDocument<unknown>, roleArn: string, service: string, context: Record<string, string>): Promise<Decision> {
  const result = await runSimulation(
    {
      request: { principal: service, action: 'sts:AssumeRole', resource: { resource: roleArn, accountId: ACCOUNT }, contextVariables: context },
      identityPolicies: [],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: trust,
    },
    {},
  );
  if (result.resultType === 'error') throw new Error(`trust simulation failed: ${JSON.stringify(result.errors)}`);
  return result.overallResult as Decision;
}

/** Decisions for many calls of one role, as `[action resource context] → decision` lines (readable failures). */
async function decisions(docs: IamDocuments, p: ResolvedPipeline, role: 'stateMachine' | 'sageMakerExecution', calls: ApiCall[]) {
  const policy = role === 'stateMachine' ? docs.stateMachineRolePolicy : docs.sageMakerExecutionRolePolicy;
  const principal = role === 'stateMachine' ? p.roles.stateMachineRoleArn : p.roles.sageMakerExecutionRoleArn;
  return Promise.all(calls.map(async (c) => `${c.action} ${c.resource} ${JSON.stringify(c.context ?? {})} → ${await decide(policy, principal, c)}`));
}

function expectAll(lines: string[], decision: Decision) {
  expect(lines.filter((l) => !l.endsWith(`→ ${decision}`))).toEqual([]);
}

// ---- concrete ARNs, written out by hand (independent of the code under test) ----

const jobArn = (name: string) => `arn:aws:sagemaker:${REGION}:${ACCOUNT}:processing-job/${name}`;
const JOB_ACTIONS = ['CreateProcessingJob', 'DescribeProcessingJob', 'StopProcessingJob', 'AddTags', 'ListTags'].map((a) => `sagemaker:${a}`);
const RULE_ACTIONS = ['events:PutTargets', 'events:PutRule', 'events:DescribeRule'];
const ECR_PULL = ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'];
const rule = (name: string) => `arn:aws:events:${REGION}:${ACCOUNT}:rule/${name}`;
const PROCESSING_RULE = rule('StepFunctionsGetEventsForSageMakerProcessingJobsRule');
const object = (bucket: string, key: string) => `arn:aws:s3:::${bucket}/${key}`;
const jobCalls = (name: string): ApiCall[] => JOB_ACTIONS.map((action) => ({ action, resource: jobArn(name) }));
const pulls = (repository: string): ApiCall[] => ECR_PULL.map((action) => ({ action, resource: repository }));

function allStatements(docs: IamDocuments) {
  return [docs.stateMachineRolePolicy, docs.sageMakerExecutionRolePolicy, docs.stateMachineRoleTrust, docs.sageMakerExecutionRoleTrust].flatMap(
    (d) => d.Statement as { Sid: string; Action: string | string[] }[],
  );
}

function expectValidDocuments(docs: IamDocuments) {
  expect(validateIdentityPolicy(docs.stateMachineRolePolicy)).toEqual([]);
  expect(validateIdentityPolicy(docs.sageMakerExecutionRolePolicy)).toEqual([]);
  expect(validateTrustPolicy(docs.stateMachineRoleTrust)).toEqual([]);
  expect(validateTrustPolicy(docs.sageMakerExecutionRoleTrust)).toEqual([]);
  for (const doc of Object.values(docs)) expect(doc.Version).toBe('2012-10-17');
  const statements = allStatements(docs);
  expect(statements.flatMap((s) => [s.Action].flat()).filter((a) => a.includes('*'))).toEqual([]);
  for (const s of statements) expect(s.Sid).toMatch(/^[A-Za-z0-9]+$/);
  for (const policy of [docs.stateMachineRolePolicy, docs.sageMakerExecutionRolePolicy]) {
    const sids = policy.Statement.map((s) => s.Sid);
    expect(new Set(sids).size).toBe(sids.length);
    expect(iamSize(policy)).toBeLessThanOrEqual(6144); // IAM quota of a managed policy
  }
  for (const trust of [docs.stateMachineRoleTrust, docs.sageMakerExecutionRoleTrust]) expect(iamSize(trust)).toBeLessThanOrEqual(2048); // default trust-policy quota
}

/** IAM counts policy size without whitespace. */
const iamSize = (document: unknown) => JSON.stringify(document).replace(/\s/g, '').length;

describe('IAM documents of the default pipeline', () => {
  const { pipeline: p, definition, docs } = build(base);
  const bucket = p.s3.bucket;
  const uuid = randomUUID();
  const execution = 'nightly-2026-05-01';
  const cdkAssets = `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/cdk-hnb659fds-container-assets-${ACCOUNT}-${REGION}`;

  test('every document validates and no action is a wildcard', () => {
    expectValidDocuments(docs);
  });

  test('the state machine role allows every call of each stage for a job <prefix>-<uuid>', async () => {
    const calls = p.stages.flatMap((s) => [
      ...jobCalls(`demo-${s.name}-${uuid}`),
      ...RULE_ACTIONS.map((action) => ({ action, resource: PROCESSING_RULE })),
    ]);
    calls.push({ action: 'iam:PassRole', resource: p.roles.sageMakerExecutionRoleArn, context: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } });
    expectAll(await decisions(docs, p, 'stateMachine', calls), 'Allowed');
  });

  test('the state machine role denies other jobs, other roles, other services and other rules', async () => {
    const denied: ApiCall[] = [
      ...jobCalls(`demo-train-${uuid}`), // a prefix no stage has
      ...jobCalls(`demo-predict-v2-${uuid}`), // a longer prefix starting with a stage's
      ...jobCalls(`other-predict-${uuid}`), // another project
      ...jobCalls(`demo-predict-${uuid}x`), // not exactly a UUID after the prefix
      { action: 'sagemaker:CreateTrainingJob', resource: `arn:aws:sagemaker:${REGION}:${ACCOUNT}:training-job/demo-predict-${uuid}` },
      { action: 'iam:PassRole', resource: `arn:aws:iam::${ACCOUNT}:role/admin`, context: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
      { action: 'iam:PassRole', resource: p.roles.sageMakerExecutionRoleArn, context: { 'iam:PassedToService': 'ec2.amazonaws.com' } },
      { action: 'iam:PassRole', resource: p.roles.sageMakerExecutionRoleArn },
      ...RULE_ACTIONS.map((action) => ({ action, resource: rule('StepFunctionsGetEventsForSageMakerTrainingJobsRule') })),
      ...RULE_ACTIONS.map((action) => ({ action, resource: rule('SomeoneElsesRule') })),
      { action: 'events:PutRule', resource: `arn:aws:events:us-east-1:${ACCOUNT}:rule/StepFunctionsGetEventsForSageMakerProcessingJobsRule` },
    ];
    expectAll(await decisions(docs, p, 'stateMachine', denied), 'ImplicitlyDenied');
  });

  test('logging and tracing of the state machine itself are allowed (resource *, explicit actions)', async () => {
    expectAll(await decisions(docs, p, 'stateMachine', stateMachineFeatureCalls()), 'Allowed');
  });

  test('the execution role reads inputs, code and raw data, writes its outputs, pulls its images, logs and publishes metrics', async () => {
    const allowed: ApiCall[] = [
      { action: 's3:GetObject', resource: object(bucket, 'data/raw/customers.csv') },
      { action: 's3:GetObject', resource: object(bucket, 'code/preprocess/preprocess.py') },
      { action: 's3:GetObject', resource: object(bucket, 'code/postprocess/requirements.txt') },
      { action: 's3:GetObject', resource: object(bucket, `runs/${execution}/preprocess/data/features.csv`) },
      { action: 's3:GetObject', resource: object(bucket, `runs/${execution}/predict/data/predictions.csv`) },
      { action: 's3:PutObject', resource: object(bucket, `runs/${execution}/preprocess/data/features.csv`) },
      { action: 's3:PutObject', resource: object(bucket, `runs/${execution}/postprocess/data/final.csv`) },
      { action: 's3:ListBucket', resource: `arn:aws:s3:::${bucket}`, context: { 's3:prefix': 'data/raw/' } },
      { action: 's3:ListBucket', resource: `arn:aws:s3:::${bucket}`, context: { 's3:prefix': `runs/${execution}/preprocess/data/` } },
      ...pulls(SKLEARN_REPO),
      ...pulls(cdkAssets),
      { action: 'ecr:GetAuthorizationToken', resource: '*' },
      { action: 'logs:CreateLogGroup', resource: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/sagemaker/ProcessingJobs` },
      { action: 'logs:PutLogEvents', resource: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/sagemaker/ProcessingJobs:log-stream:demo-predict-${uuid}/algo-1-1714567890` },
      { action: 'cloudwatch:PutMetricData', resource: '*', context: { 'cloudwatch:namespace': '/aws/sagemaker/ProcessingJobs' } },
    ];
    expectAll(await decisions(docs, p, 'sageMakerExecution', allowed), 'Allowed');
  });

  test('the execution role denies other buckets, writes outside run outputs, unused reads and unrelated repositories', async () => {
    const denied: ApiCall[] = [
      { action: 's3:GetObject', resource: object('someone-elses-bucket', 'data/raw/customers.csv') },
      { action: 's3:PutObject', resource: object('someone-elses-bucket', `runs/${execution}/predict/data/x.csv`) },
      { action: 's3:ListBucket', resource: 'arn:aws:s3:::someone-elses-bucket', context: { 's3:prefix': 'data/raw/' } },
      { action: 's3:PutObject', resource: object(bucket, 'data/raw/customers.csv') },
      { action: 's3:PutObject', resource: object(bucket, 'code/preprocess/preprocess.py') },
      { action: 's3:DeleteObject', resource: object(bucket, `runs/${execution}/predict/data/x.csv`) },
      // Nothing reads the last stage's output or other folders of the bucket.
      { action: 's3:GetObject', resource: object(bucket, `runs/${execution}/postprocess/data/final.csv`) },
      { action: 's3:GetObject', resource: object(bucket, 'secrets/credentials.json') },
      { action: 's3:ListBucket', resource: `arn:aws:s3:::${bucket}`, context: { 's3:prefix': '' } },
      { action: 's3:ListBucket', resource: `arn:aws:s3:::${bucket}`, context: { 's3:prefix': 'secrets/' } },
      ...pulls(`arn:aws:ecr:${REGION}:${ACCOUNT}:repository/unrelated`),
      ...pulls(XGBOOST_REPO),
      ...pulls('arn:aws:ecr:us-east-1:683313688378:repository/sagemaker-scikit-learn'),
      { action: 'logs:PutLogEvents', resource: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/lambda/anything:log-stream:x` },
      { action: 'cloudwatch:PutMetricData', resource: '*', context: { 'cloudwatch:namespace': 'Custom/Anything' } },
    ];
    expectAll(await decisions(docs, p, 'sageMakerExecution', denied), 'ImplicitlyDenied');
  });

  test('trust: each role is assumable only by its service, from this account (and, for SageMaker, this pipeline’s jobs)', async () => {
    const sfn = (context: Record<string, string>, service = 'states.amazonaws.com') => trustDecision(docs.stateMachineRoleTrust, p.roles.stateMachineRoleArn, service, context);
    const sm = (context: Record<string, string>, service = 'sagemaker.amazonaws.com') =>
      trustDecision(docs.sageMakerExecutionRoleTrust, p.roles.sageMakerExecutionRoleArn, service, context);
    const machine = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:demo-pipeline`;
    expect(await sfn({ 'aws:SourceAccount': ACCOUNT, 'aws:SourceArn': machine })).toBe('Allowed');
    expect(await sfn({ 'aws:SourceAccount': '999988887777', 'aws:SourceArn': machine.replace(ACCOUNT, '999988887777') })).toBe('ImplicitlyDenied');
    expect(await sfn({ 'aws:SourceAccount': ACCOUNT, 'aws:SourceArn': machine }, 'sagemaker.amazonaws.com')).toBe('ImplicitlyDenied');
    const job = jobArn(`demo-predict-${uuid}`);
    expect(await sm({ 'aws:SourceAccount': ACCOUNT, 'aws:SourceArn': job })).toBe('Allowed');
    expect(await sm({ 'aws:SourceAccount': ACCOUNT, 'aws:SourceArn': jobArn(`other-predict-${uuid}`) })).toBe('ImplicitlyDenied');
    expect(await sm({ 'aws:SourceAccount': '999988887777', 'aws:SourceArn': job.replace(ACCOUNT, '999988887777') })).toBe('ImplicitlyDenied');
    expect(await sm({ 'aws:SourceAccount': ACCOUNT, 'aws:SourceArn': job }, 'states.amazonaws.com')).toBe('ImplicitlyDenied');
  });

  test('requiredCalls lists, per Task, the job calls, PassRole, the rule, and the S3/ECR/logs calls of its job', () => {
    const calls = requiredCalls(definition, p, { jobId: uuid, executionName: execution });
    expect([...new Set(calls.map((c) => c.state))]).toEqual(['preprocess', 'predict', 'postprocess']);
    const predict = calls.filter((c) => c.state === 'predict');
    const sm = predict.filter((c) => c.role === 'stateMachine').map((c) => `${c.action} ${c.resource}`);
    expect(sm).toEqual(
      expect.arrayContaining([
        ...JOB_ACTIONS.map((a) => `${a} ${jobArn(`demo-predict-${uuid}`)}`),
        `iam:PassRole ${p.roles.sageMakerExecutionRoleArn}`,
        ...RULE_ACTIONS.map((a) => `${a} ${PROCESSING_RULE}`),
      ]),
    );
    expect(sm).toHaveLength(JOB_ACTIONS.length + 1 + RULE_ACTIONS.length);
    const exec = predict.filter((c) => c.role === 'sageMakerExecution');
    expect(exec.filter((c) => c.action === 's3:GetObject').map((c) => c.resource)).toEqual([object(bucket, `runs/${execution}/preprocess/data/part-00000.csv`)]);
    expect(exec.filter((c) => c.action === 's3:PutObject').map((c) => c.resource)).toEqual([object(bucket, `runs/${execution}/predict/data/result.csv`)]);
    expect(exec.find((c) => c.action === 's3:ListBucket')?.context).toEqual({ 's3:prefix': `runs/${execution}/preprocess/data/` });
    expect(exec.filter((c) => c.action.startsWith('ecr:Batch')).map((c) => c.resource)).toEqual([cdkAssets, cdkAssets]);
    // The script-mode stage also reads its code.
    const preReads = calls.filter((c) => c.state === 'preprocess' && c.action === 's3:GetObject').map((c) => c.resource);
    expect(preReads).toEqual([object(bucket, 'code/preprocess/part-00000.csv'), object(bucket, 'data/raw/part-00000.csv')]);
  });

  test('every call requiredCalls lists is allowed', async () => {
    const calls = requiredCalls(definition, p, { jobId: uuid, executionName: execution });
    expectAll(await decisions(docs, p, 'stateMachine', calls.filter((c) => c.role === 'stateMachine')), 'Allowed');
    expectAll(await decisions(docs, p, 'sageMakerExecution', calls.filter((c) => c.role === 'sageMakerExecution')), 'Allowed');
  });
});

describe('custom stage names and an existing image', () => {
  const scorer = '444455556666.dkr.ecr.eu-west-1.amazonaws.com/legacy/scorer:1.4';
  const scorerRepo = 'arn:aws:ecr:eu-west-1:444455556666:repository/legacy/scorer';
  const { pipeline: p, docs } = build({
    ...base,
    name: 'churn',
    bucket: 'churn-ml-data',
    stages: [
      { name: 'clean', framework: { name: 'xgboost', version: '1.7-1' }, outputs: [{ name: 'features' }, { name: 'stats' }] },
      { name: 'score', mode: 'container', imageUri: scorer, inputs: [{ name: 'features', from: 'clean/features' }, { name: 'lookup', from: 'raw' }] },
      { name: 'score-v2', mode: 'container', imageUri: scorer, inputs: [{ name: 'features', from: 'clean/features' }] },
    ],
  });
  const uuid = randomUUID();
  const run = 'run-42';

  test('documents validate', () => {
    expectValidDocuments(docs);
  });

  test('allowed: each stage’s jobs, the existing image (listed once), the xgboost image, the inputs each stage reads', async () => {
    expectAll(await decisions(docs, p, 'stateMachine', ['clean', 'score', 'score-v2'].flatMap((s) => jobCalls(`churn-${s}-${uuid}`))), 'Allowed');
    const pull = docs.sageMakerExecutionRolePolicy.Statement.find((s) => s.Sid === 'PullStageImages')!;
    expect(pull.Resource).toEqual([XGBOOST_REPO, scorerRepo]);
    const allowed: ApiCall[] = [
      ...pulls(scorerRepo),
      ...pulls(XGBOOST_REPO),
      { action: 's3:GetObject', resource: object('churn-ml-data', `runs/${run}/clean/features/part-1.parquet`) },
      { action: 's3:GetObject', resource: object('churn-ml-data', 'data/raw/lookup.csv') },
      { action: 's3:PutObject', resource: object('churn-ml-data', `runs/${run}/clean/stats/summary.json`) },
      { action: 's3:PutObject', resource: object('churn-ml-data', `runs/${run}/score-v2/data/scores.csv`) },
    ];
    expectAll(await decisions(docs, p, 'sageMakerExecution', allowed), 'Allowed');
  });

  test('denied: the unused sklearn image, another repository of the same account, outputs nobody reads', async () => {
    const denied: ApiCall[] = [
      ...pulls(SKLEARN_REPO),
      ...pulls('arn:aws:ecr:eu-west-1:444455556666:repository/legacy/other'),
      { action: 's3:GetObject', resource: object('churn-ml-data', `runs/${run}/clean/stats/summary.json`) },
      { action: 's3:GetObject', resource: object('churn-ml-data', 'code/score/score.py') }, // container stages get no code channel
      { action: 's3:PutObject', resource: object('churn-ml-data', `runs/${run}/clean/other/x`) },
    ];
    expectAll(await decisions(docs, p, 'sageMakerExecution', denied), 'ImplicitlyDenied');
  });

  test('the job grant of stage score matches its own jobs only, never those of stage score-v2', async () => {
    const jobs = docs.stateMachineRolePolicy.Statement.find((s) => s.Sid === 'SageMakerProcessingJobs')!;
    expect(jobs.Resource).toHaveLength(3);
    const names = ['clean', 'score', 'score-v2'].map((s) => `churn-${s}-${uuid}`);
    for (const [i, pattern] of jobs.Resource.entries()) {
      const single: PolicyDocument = { Version: '2012-10-17', Statement: [{ ...jobs, Resource: [pattern] }] };
      const results = await Promise.all(names.map((n) => decide(single, p.roles.stateMachineRoleArn, { action: 'sagemaker:CreateProcessingJob', resource: jobArn(n) })));
      expect(results).toEqual(names.map((_, j) => (i === j ? 'Allowed' : 'ImplicitlyDenied')));
    }
  });
});

describe('large pipelines stay within IAM size quotas', () => {
  const many = (count: number, name: string) => ({
    ...base,
    name,
    stages: Array.from({ length: count }, (_, i) => ({ name: `stage-number-${i}`, mode: i % 2 ? ('container' as const) : ('script' as const) })),
  });

  test('past the quota, S3 scopes widen to the layout prefixes and the trust to the common job prefix, and still hold', async () => {
    const { pipeline: p, definition, docs } = build(many(30, 'customer-churn-model'));
    expectValidDocuments(docs);
    const write = docs.sageMakerExecutionRolePolicy.Statement.find((s) => s.Sid === 'WriteStageOutputs')!;
    expect(write.Resource).toEqual([`arn:aws:s3:::${p.s3.bucket}/runs/*`]);
    const calls = requiredCalls(definition, p, { jobId: randomUUID(), executionName: 'big-run' });
    expectAll(await decisions(docs, p, 'stateMachine', calls.filter((c) => c.role === 'stateMachine')), 'Allowed');
    expectAll(await decisions(docs, p, 'sageMakerExecution', calls.filter((c) => c.role === 'sageMakerExecution')), 'Allowed');
    const denied: ApiCall[] = [
      { action: 's3:PutObject', resource: object(p.s3.bucket, 'data/raw/x.csv') },
      { action: 's3:GetObject', resource: object('someone-elses-bucket', 'runs/big-run/x') },
      { action: 's3:GetObject', resource: object(p.s3.bucket, 'secrets/x') },
    ];
    expectAll(await decisions(docs, p, 'sageMakerExecution', denied), 'ImplicitlyDenied');
    const assume = (job: string) =>
      trustDecision(docs.sageMakerExecutionRoleTrust, p.roles.sageMakerExecutionRoleArn, 'sagemaker.amazonaws.com', { 'aws:SourceAccount': ACCOUNT, 'aws:SourceArn': jobArn(job) });
    expect(await assume(`${p.stages[29].jobNamePrefix}-${randomUUID()}`)).toBe('Allowed');
    expect(await assume(`other-project-${randomUUID()}`)).toBe('ImplicitlyDenied');
  });

  test('past the quota, job grants narrow to one project-wide job pattern, and still hold (60 and 100 stages)', async () => {
    for (const count of [60, 100]) {
      const { pipeline: p, definition, docs } = build(many(count, 'customer-churn-model'));
      expectValidDocuments(docs);
      const jobs = docs.stateMachineRolePolicy.Statement.flatMap((s) => s.Resource).filter((r) => r.includes(':processing-job/'));
      // The common text of every stage's prefix (the project part, shortened where long stage names need room).
      expect(jobs).toHaveLength(1);
      expect(jobs[0]).toMatch(new RegExp(`^arn:aws:sagemaker:eu-west-1:${ACCOUNT}:processing-job/customer-c[a-z-]*\\*$`));
      const calls = requiredCalls(definition, p, { jobId: randomUUID(), executionName: 'big-run' });
      expectAll(await decisions(docs, p, 'stateMachine', calls.filter((c) => c.role === 'stateMachine')), 'Allowed');
      const otherProject = { action: 'sagemaker:StopProcessingJob', resource: jobArn(`other-model-stage-${randomUUID()}`) };
      expectAll(await decisions(docs, p, 'stateMachine', [otherProject]), 'ImplicitlyDenied');
    }
  });
});

describe('bring your own roles', () => {
  const roles = {
    stateMachineRoleArn: `arn:aws:iam::${ACCOUNT}:role/platform/ml-orchestrator`,
    sageMakerExecutionRoleArn: `arn:aws:iam::${ACCOUNT}:role/platform/ml-jobs`,
  };
  const own = build({ ...base, existingRoles: roles });
  const created = build(base);

  test('the same documents, except that PassRole names the user’s execution role', () => {
    expect(own.pipeline.roles.bringYourOwn).toBe(true);
    expectValidDocuments(own.docs);
    const swapped = JSON.stringify(created.docs).replaceAll(created.pipeline.roles.sageMakerExecutionRoleArn, roles.sageMakerExecutionRoleArn);
    expect(JSON.parse(swapped)).toEqual(own.docs);
  });

  test('PassRole allows the user’s role and denies the role legacy-mlops would have created', async () => {
    const pass = (resource: string): ApiCall => ({ action: 'iam:PassRole', resource, context: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } });
    const [user, generated] = await decisions(own.docs, own.pipeline, 'stateMachine', [pass(roles.sageMakerExecutionRoleArn), pass(created.pipeline.roles.sageMakerExecutionRoleArn)]);
    expect(user).toMatch(/→ Allowed$/);
    expect(generated).toMatch(/→ ImplicitlyDenied$/);
  });

  test('every required call is allowed for the user’s roles', async () => {
    const calls = requiredCalls(own.definition, own.pipeline, { jobId: randomUUID() });
    expectAll(await decisions(own.docs, own.pipeline, 'stateMachine', calls.filter((c) => c.role === 'stateMachine')), 'Allowed');
    expectAll(await decisions(own.docs, own.pipeline, 'sageMakerExecution', calls.filter((c) => c.role === 'sageMakerExecution')), 'Allowed');
  });
});

describe('what the IAM builder refuses instead of guessing', () => {
  const { pipeline: p, definition } = build(base);
  const withTask = (change: (task: Record<string, any>) => void): StateMachineDefinition => {
    const copy = structuredClone(definition) as any;
    change(copy.States.predict);
    return copy;
  };

  test.each([
    ['an unknown Task resource', (t: any) => (t.Resource = 'arn:aws:states:::sagemaker:createLabelingJob.sync'), /Task 'predict': no IAM permissions are known for resource 'arn:aws:states:::sagemaker:createLabelingJob\.sync'/],
    ['a Lambda Task', (t: any) => (t.Resource = 'arn:aws:states:::lambda:invoke'), /no IAM permissions are known/],
    ['a job name without the UUID form', (t: any) => (t.Parameters['ProcessingJobName.$'] = '$$.Execution.Name'), /cannot scope IAM permissions to the job name/],
    ['a wildcard in the job-name prefix', (t: any) => (t.Parameters['ProcessingJobName.$'] = "States.Format('demo-*-{}', States.UUID())"), /cannot scope IAM permissions/],
    ['a role from another input field', (t: any) => (t.Parameters['RoleArn.$'] = '$.otherRole'), /cannot scope iam:PassRole/],
    ['an S3 URI from an unknown input field', (t: any) => (t.Parameters.ProcessingInputs[0].S3Input['S3Uri.$'] = '$.somewhereElse'), /cannot map to the pipeline's S3 layout/],
    ['an image of no stage', (t: any) => (t.Parameters.AppSpecification['ImageUri.$'] = '$.stages.nope.imageUri'), /no stage's image/],
    ['a non-S3 processing input', (t: any) => (t.Parameters.ProcessingInputs[0] = { InputName: 'q', DatasetDefinition: {} }), /only S3 inputs are supported/],
  ])('%s', (_label, change, message) => {
    expect(() => buildIamDocuments(withTask(change), p)).toThrow(message);
    expect(() => requiredCalls(withTask(change), p)).toThrow(message);
  });

  test('states that nest other states are refused, call-free states are fine', () => {
    const map = structuredClone(definition) as any;
    map.States.fanout = { Type: 'Map', ItemProcessor: { StartAt: 'x', States: { x: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', End: true } } }, End: true };
    expect(() => buildIamDocuments(map, p)).toThrow(/state 'fanout': the IAM builder does not handle "Map" states/);
    const calm = structuredClone(definition) as any;
    calm.States.pause = { Type: 'Wait', Seconds: 5, Next: 'predict' };
    expect(buildIamDocuments(calm, p)).toEqual(buildIamDocuments(definition, p));
  });

  test('a Task resource in another partition maps to the same row', () => {
    const cn = withTask((t) => (t.Resource = 'arn:aws-cn:states:::sagemaker:createProcessingJob.sync'));
    expect(buildIamDocuments(cn, p)).toEqual(buildIamDocuments(definition, p));
  });

  test('the Task definitions stay untouched', () => {
    const before = JSON.stringify(definition);
    buildIamDocuments(definition, p);
    requiredCalls(definition, p);
    expect(JSON.stringify(definition)).toBe(before);
    expect(Object.values(definition.States).filter((s): s is TaskState => s.Type === 'Task')).toHaveLength(3);
  });
});

describe('properties over random valid models', () => {
  const stageName = fc.stringMatching(/^[a-z][a-z0-9]{0,9}(-[a-z0-9]{1,5})?$/).filter((n) => !['raw', 'code', 'runs', 'data'].includes(n));
  const stage = fc.record({
    name: stageName,
    mode: fc.constantFrom('script' as const, 'container' as const),
    framework: fc.constantFrom({ name: 'sklearn' as const }, { name: 'xgboost' as const, version: '1.7-1' }, { name: 'pytorch' as const, version: '2.3.0' }),
    imageUri: fc.option(fc.constantFrom('444455556666.dkr.ecr.eu-west-1.amazonaws.com/legacy/scorer:1.4', '777788889999.dkr.ecr.us-east-1.amazonaws.com/team/model@sha256:' + 'a'.repeat(64))),
    outputs: fc.uniqueArray(fc.stringMatching(/^[a-z][a-z0-9_-]{0,7}$/), { minLength: 1, maxLength: 3 }),
    rawInput: fc.boolean(),
  });
  const model = fc
    .record({
      name: fc.stringMatching(/^[a-z][a-z0-9]{0,8}(-[a-z0-9]{1,4})?$/),
      region: fc.constantFrom('eu-west-1', 'us-east-1', 'ap-southeast-2'),
      stages: fc.uniqueArray(stage, { minLength: 1, maxLength: 8, selector: (s) => s.name }),
    })
    .map(({ name, region, stages }) => ({
      name,
      region,
      account: ACCOUNT,
      stages: stages.map((s, i) => ({
        name: s.name,
        mode: s.mode,
        ...(s.mode === 'script' ? { framework: s.framework } : s.imageUri ? { imageUri: s.imageUri } : {}),
        outputs: s.outputs.map((o) => ({ name: o })),
        // Every stage reads the previous stage's first output; some also read the raw data.
        inputs: [
          { name: 'main', from: i === 0 ? 'raw' : `${stages[i - 1].name}/${stages[i - 1].outputs[0]}` },
          ...(s.rawInput && i > 0 ? [{ name: 'raw', from: 'raw' }] : []),
        ],
      })),
    }));
  const executionName = fc.stringMatching(/^[A-Za-z0-9_-]{1,80}$/);

  test('documents always validate and always allow every call requiredCalls lists', async () => {
    await fc.assert(
      fc.asyncProperty(model, fc.uuid({ version: 4 }), executionName, async (options, jobId, execution) => {
        const { pipeline: p, definition, docs } = build(options as PipelineOptions);
        expectValidDocuments(docs);
        const calls = requiredCalls(definition, p, { jobId, executionName: execution });
        expect(new Set(calls.map((c) => c.state)).size).toBe(p.stages.length);
        expectAll(await decisions(docs, p, 'stateMachine', calls.filter((c) => c.role === 'stateMachine')), 'Allowed');
        expectAll(await decisions(docs, p, 'sageMakerExecution', calls.filter((c) => c.role === 'sageMakerExecution')), 'Allowed');
      }),
      { numRuns: 25 },
    );
  });
});
