/**
 * `legacy-mlops doctor` as a command: the table and the JSON, exit codes, the identity gate (another
 * account, refused or missing credentials), `--env`, bad arguments, and every request it sends
 * checked against the service's botocore input shape.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import { HeadBucketCommand, ListBucketsCommand } from '@aws-sdk/client-s3';
import { ListServiceQuotasCommand } from '@aws-sdk/client-service-quotas';
import { DescribeStateMachineCommand } from '@aws-sdk/client-sfn';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { runDoctorCommand } from '../../src/cli/doctor.js';
import { LIFECYCLE_STAGES } from '../../src/model/defaults.js';
import { isolateFromAws } from '../support/aws-isolation.js';
import { ACCOUNT, awsError, doctor, everythingPasses, mocks, mockedClients, projectDir, quota, removeProjectDirs, sentRequestProblems } from '../support/doctor-fixtures.js';

beforeEach(everythingPasses);
afterAll(removeProjectDirs);
isolateFromAws();

const ENVIRONMENTS = {
  environments: [
    { name: 'preprod', account: ACCOUNT, region: 'eu-west-1' },
    { name: 'prod', account: '444455556666', region: 'us-east-1' },
  ],
};

test('everything in order: a table with one line per check, exit 0', async () => {
  const run = await doctor({}, []);
  expect(run.code).toBe(0);
  expect(run.err).toEqual([]);
  const lines = run.out.split('\n');
  expect(lines[0]).toBe('Environment default (account 111122223333, eu-west-1)');
  for (const title of ['Credentials', 'CDK bootstrap (qualifier hnb659fds)', 'Bucket churn-111122223333-eu-west-1', 'Quota ml.m5.large for processing job usage', 'Framework image sagemaker-scikit-learn:1.4-2-cpu-py3', 'State machine churn']) {
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^  pass  ${title.replace(/[().]/g, '\\$&')} +\\S`)));
  }
  expect(lines[lines.length - 1]).toBe('6 pass, 0 fail, 0 could not be checked, 0 skipped');
});

test('--json: the same checks with ids, statuses, details, fixes, counts and ok', async () => {
  mocks.serviceQuotas.on(ListServiceQuotasCommand).resolves({ Quotas: [quota('ml.m5.large for processing job usage', 0)] });
  const run = await doctor();
  expect(run.code).toBe(1);
  const report = run.json() as ReturnType<typeof run.json> & { counts: object; environment: string; account: string; region: string };
  expect(report).toMatchObject({ environment: 'default', account: ACCOUNT, region: 'eu-west-1', ok: false, counts: { pass: 5, fail: 1, 'could-not-check': 0, skipped: 0 } });
  expect(report.checks.map((c) => c.status)).toEqual(['pass', 'pass', 'pass', 'fail', 'pass', 'pass']);
  // The table shows the fix under the failed line.
  const table = await doctor({}, []);
  expect(table.out).toMatch(/\n  FAIL  Quota ml\.m5\.large for processing job usage +quota is 0 \(applied\).*\n +fix: aws service-quotas request-service-quota-increase /);
  expect(table.out.split('\n').pop()).toBe('5 pass, 1 fail, 0 could not be checked, 0 skipped: fix the failures before `npx projen deploy`');
});

test('every request sent matches its botocore input shape (members, required, patterns, ranges)', async () => {
  // A run that asks every operation doctor knows: roles, an imageUri, an endpoint, a taken state machine name, a 403 bucket, default quotas.
  mocks.s3.on(HeadBucketCommand).rejects(awsError('Forbidden', 'Forbidden', 403));
  mocks.s3.on(ListBucketsCommand).resolves({ Buckets: [] });
  mocks.serviceQuotas.on(ListServiceQuotasCommand).resolves({ Quotas: [] });
  mocks.sfn.on(DescribeStateMachineCommand).resolves({ stateMachineArn: 'x' } as never);
  mocks.cloudFormation.on(DescribeStackResourcesCommand).resolves({ StackResources: [] });
  await doctor({
    stages: [...LIFECYCLE_STAGES, { name: 'serve', kind: 'endpoint' }, { name: 'legacy', mode: 'container', imageUri: '222233334444.dkr.ecr.us-east-1.amazonaws.com/team/legacy:2.1' }],
    existingRoles: { sageMakerExecutionRoleArn: `arn:aws:iam::${ACCOUNT}:role/churn-sm`, stateMachineRoleArn: `arn:aws:iam::${ACCOUNT}:role/ml/churn-sfn` },
  });
  const { findings, uncheckable, operations } = await sentRequestProblems();
  expect(operations).toEqual(['BatchGetImage', 'DescribeStackResources', 'DescribeStateMachine', 'GetCallerIdentity', 'GetParameter', 'GetRole', 'HeadBucket', 'ListAWSDefaultServiceQuotas', 'ListBuckets', 'ListServiceQuotas']);
  expect(findings).toEqual([]);
  // Debian's botocore (2022) predates ListBuckets' Prefix and ContinuationToken members (a current botocore checks them):
  // with that model only the SDK's types check them. Nothing else may go unchecked.
  expect(uncheckable.filter((operation) => operation !== 'ListBuckets')).toEqual([]);
});

describe('credentials', () => {
  test("another account's credentials: fail naming both accounts, nothing else asked, exit 1", async () => {
    mocks.sts.on(GetCallerIdentityCommand).resolves({ Account: '999988887777', Arn: 'arn:aws:iam::999988887777:user/bob' });
    const run = await doctor();
    expect(run.code).toBe(1);
    expect(run.check('identity')).toMatchObject({ status: 'fail', detail: "signed in as arn:aws:iam::999988887777:user/bob in account 999988887777, not the environment's account 111122223333" });
    expect(run.json().checks.slice(1).every((c) => c.status === 'skipped')).toBe(true);
    for (const [name, mock] of Object.entries(mocks)) if (name !== 'sts') expect(mock.calls()).toEqual([]);
  });

  test('credentials AWS refuses (expired): fail with how to sign in again', async () => {
    mocks.sts.on(GetCallerIdentityCommand).rejects(awsError('ExpiredToken', 'The security token included in the request is expired', 403));
    const run = await doctor();
    expect(run.code).toBe(1);
    expect(run.check('identity')).toMatchObject({ status: 'fail', fix: expect.stringContaining('aws sso login') });
  });

  test('STS unreachable: the identity could not be checked, the rest skipped, exit 1', async () => {
    mocks.sts.on(GetCallerIdentityCommand).rejects(Object.assign(new Error('getaddrinfo ENOTFOUND sts.eu-west-1.amazonaws.com'), { code: 'ENOTFOUND' }));
    const run = await doctor();
    expect(run.code).toBe(1);
    expect(run.check('identity')).toMatchObject({ status: 'could-not-check', detail: 'sts:GetCallerIdentity failed: Error: getaddrinfo ENOTFOUND sts.eu-west-1.amazonaws.com' });
    expect(run.check('bucket')).toMatchObject({ status: 'skipped', detail: "not asked: the credentials' account is unknown" });
  });

  test('no credentials (mocked chain): one line on stderr, nothing on stdout, exit 1, no request sent', async () => {
    const noCredentials = (region: string) => ({ ...mockedClients(region), credentials: () => Promise.reject(Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' })) });
    const run = await doctor({}, ['--json'], noCredentials);
    expect(run.code).toBe(1);
    expect(run.out).toBe('');
    expect(run.err).toEqual([expect.stringMatching(/^legacy-mlops doctor: no AWS credentials found \(Could not load credentials from any providers\): sign in/)]);
    expect(mocks.sts.calls()).toEqual([]);
  });

  test('no credentials (the real credential chain, nothing configured): one line, exit 1', async () => {
    const err: string[] = [];
    const out: string[] = [];
    const code = await runDoctorCommand([], projectDir(), { out: (t) => out.push(t), err: (l) => err.push(l) });
    expect(code).toBe(1);
    expect(out).toEqual([]);
    expect(err).toEqual([expect.stringContaining('legacy-mlops doctor: no AWS credentials found')]);
  });
});

test('--env picks the environment: its account is expected, its region asked', async () => {
  mocks.sts.on(GetCallerIdentityCommand).resolves({ Account: '444455556666', Arn: 'arn:aws:iam::444455556666:user/ops' });
  const regions: string[] = [];
  const run = await doctor(ENVIRONMENTS, ['--json', '--env', 'prod'], (region) => {
    regions.push(region);
    return mockedClients(region);
  });
  expect(regions).toEqual(['us-east-1']);
  expect(run.json()).toMatchObject({ environment: 'prod', account: '444455556666', region: 'us-east-1' });
  expect(run.check('bucket').id).toBe('bucket');
  expect(mocks.s3.commandCalls(HeadBucketCommand)[0].args[0].input).toEqual({ Bucket: 'churn-444455556666-us-east-1', ExpectedBucketOwner: '444455556666' });
});

describe('bad arguments: one line naming what to fix, exit 1', () => {
  const errOf = async (argv: string[], cwd: string) => {
    const err: string[] = [];
    const code = await runDoctorCommand(argv, cwd, { clients: mockedClients, out: () => undefined, err: (l) => err.push(l) });
    return { code, err };
  };

  test('an unknown option', async () => {
    const { code, err } = await errOf(['--jsn'], projectDir());
    expect(code).toBe(1);
    expect(err).toEqual([expect.stringMatching(/^legacy-mlops doctor: Unknown option '--jsn'.*usage: legacy-mlops doctor \[--env <environment>\] \[--json\]/)]);
  });

  test('an unknown environment', async () => {
    const { code, err } = await errOf(['--env', 'staging'], projectDir(ENVIRONMENTS));
    expect(code).toBe(1);
    expect(err).toEqual(["legacy-mlops doctor: no environment 'staging' (environments: preprod, prod)"]);
  });

  test('no pipeline model (npx projen never ran)', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'doctor-empty-'));
    try {
      const { code, err } = await errOf([], empty);
      expect(code).toBe(1);
      expect(err).toEqual([expect.stringMatching(/^legacy-mlops doctor: cannot read pipeline\/pipeline-model\.json \(run 'npx projen' first\)/)]);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
