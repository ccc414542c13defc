/**
 * `legacy-mlops doctor`, check by check against mocked AWS clients: pass, fail (with its fix), an API
 * error and no permission to ask, for the bootstrap, the bucket, the SageMaker quotas, the images,
 * bring-your-own roles and the state machine name.
 */
import { DescribeStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import { BatchGetImageCommand, RepositoryNotFoundException } from '@aws-sdk/client-ecr';
import { GetRoleCommand, NoSuchEntityException } from '@aws-sdk/client-iam';
import { HeadBucketCommand, ListBucketsCommand } from '@aws-sdk/client-s3';
import { ListAWSDefaultServiceQuotasCommand, ListServiceQuotasCommand } from '@aws-sdk/client-service-quotas';
import { DescribeStateMachineCommand } from '@aws-sdk/client-sfn';
import { GetParameterCommand, ParameterNotFound } from '@aws-sdk/client-ssm';
import { trustOf } from '../../src/doctor/checks/roles.js';
import { ACCOUNT, awsError, deniedError, doctor, everythingPasses, mocks, quota, removeProjectDirs, trustPolicy } from '../support/doctor-fixtures.js';

const PROCESSING = 'quota:processing:ml.m5.large';
const ROLES = { existingRoles: { sageMakerExecutionRoleArn: `arn:aws:iam::${ACCOUNT}:role/churn-sm`, stateMachineRoleArn: `arn:aws:iam::${ACCOUNT}:role/churn-sfn` } };
const LEGACY_IMAGE = '222233334444.dkr.ecr.us-east-1.amazonaws.com/team/legacy:2.1';

beforeEach(everythingPasses);
afterAll(removeProjectDirs);

describe('CDK bootstrap', () => {
  test('a version parameter of 21 passes; the parameter asked is the qualifier\'s', async () => {
    const run = await doctor({ cdkQualifier: 'mlops1' });
    expect(run.check('bootstrap')).toMatchObject({ status: 'pass', detail: expect.stringContaining('version 21') });
    expect(mocks.ssm.commandCalls(GetParameterCommand)[0].args[0].input).toEqual({ Name: '/cdk-bootstrap/mlops1/version' });
  });

  test('not bootstrapped: fail with the bootstrap command (and the qualifier when it is not the default)', async () => {
    mocks.ssm.on(GetParameterCommand).rejects(new ParameterNotFound({ message: '', $metadata: {} }));
    const run = await doctor();
    expect(run.code).toBe(1);
    expect(run.check('bootstrap')).toMatchObject({ status: 'fail', fix: 'run `npx cdk bootstrap aws://111122223333/eu-west-1` with administrator credentials' });
    expect((await doctor({ cdkQualifier: 'mlops1' })).check('bootstrap').fix).toContain('npx cdk bootstrap aws://111122223333/eu-west-1 --qualifier mlops1');
  });

  test('an old bootstrap stack (version 5) fails: the templates need 6', async () => {
    mocks.ssm.on(GetParameterCommand).resolves({ Parameter: { Value: '5' } });
    expect((await doctor()).check('bootstrap')).toMatchObject({ status: 'fail', detail: 'bootstrap version 5; the templates need version 6 or later' });
  });

  test('no permission to read the parameter, or an API error: could not check, naming the call', async () => {
    mocks.ssm.on(GetParameterCommand).rejects(deniedError('ssm:GetParameter'));
    const denied = await doctor();
    expect(denied.check('bootstrap')).toMatchObject({ status: 'could-not-check', detail: expect.stringMatching(/^no permission to ask \(ssm:GetParameter on \/cdk-bootstrap\/hnb659fds\/version was denied/) });
    expect(denied.code).toBe(0);
    mocks.ssm.on(GetParameterCommand).rejects(awsError('InternalServerError', 'try again', 500));
    expect((await doctor()).check('bootstrap').detail).toBe('ssm:GetParameter on /cdk-bootstrap/hnb659fds/version failed: InternalServerError: try again');
  });
});

describe('bucket', () => {
  test('absent: passes when the stack creates it, fails with existingBucket', async () => {
    expect((await doctor()).check('bucket')).toMatchObject({ status: 'pass', detail: 'absent: the stack creates it' });
    expect(mocks.s3.commandCalls(HeadBucketCommand)[0].args[0].input).toEqual({ Bucket: 'churn-111122223333-eu-west-1', ExpectedBucketOwner: ACCOUNT });
    const existing = await doctor({ bucket: 'team-data', existingBucket: true });
    expect(existing.check('bucket')).toMatchObject({ status: 'fail', fix: expect.stringContaining('create the bucket in eu-west-1, or remove existingBucket') });
    expect(existing.code).toBe(1);
  });

  test("present and this account's: passes in both modes (a retained bucket is taken back)", async () => {
    mocks.s3.on(HeadBucketCommand).resolves({ BucketRegion: 'eu-west-1' });
    expect((await doctor()).check('bucket')).toMatchObject({ status: 'pass', detail: expect.stringContaining('--import-existing-resources') });
    expect((await doctor({ bucket: 'team-data', existingBucket: true })).check('bucket')).toMatchObject({ status: 'pass', detail: expect.stringContaining('uses it as it is') });
  });

  test("this account's bucket in another region fails", async () => {
    mocks.s3.on(HeadBucketCommand).resolves({ BucketRegion: 'us-west-2' });
    expect((await doctor({ bucket: 'team-data', existingBucket: true })).check('bucket')).toMatchObject({ status: 'fail', detail: expect.stringContaining('in us-west-2, not eu-west-1') });
  });

  test("403 and not in the account's own list: another account owns the name", async () => {
    mocks.s3.on(HeadBucketCommand).rejects(awsError('Forbidden', 'Forbidden', 403));
    mocks.s3.on(ListBucketsCommand).resolves({ Buckets: [{ Name: 'churn-111122223333-eu-west-1-old' }] });
    const run = await doctor();
    expect(run.check('bucket')).toMatchObject({ status: 'fail', detail: expect.stringContaining('belongs to a bucket of another account') });
    expect(mocks.s3.commandCalls(ListBucketsCommand)[0].args[0].input).toMatchObject({ Prefix: 'churn-111122223333-eu-west-1' });
  });

  test("403 but the account lists it: the caller may not ask (could not check); ListBuckets denied too: could not check", async () => {
    mocks.s3.on(HeadBucketCommand).rejects(awsError('Forbidden', 'Forbidden', 403));
    mocks.s3.on(ListBucketsCommand).resolves({ Buckets: [{ Name: 'churn-111122223333-eu-west-1' }] });
    expect((await doctor()).check('bucket')).toMatchObject({ status: 'could-not-check', detail: expect.stringContaining("is this account's, but s3:HeadBucket") });
    mocks.s3.on(ListBucketsCommand).rejects(awsError('AccessDenied', 'Access Denied', 403));
    expect((await doctor()).check('bucket')).toMatchObject({ status: 'could-not-check', detail: expect.stringContaining('cannot tell whether another account owns') });
  });

  test('an API error: could not check, named', async () => {
    mocks.s3.on(HeadBucketCommand).rejects(awsError('SlowDown', 'Please reduce your request rate.', 503));
    expect((await doctor()).check('bucket')).toMatchObject({ status: 'could-not-check', detail: 's3:HeadBucket on churn-111122223333-eu-west-1 failed: SlowDown: Please reduce your request rate.' });
  });
});

describe('SageMaker quotas', () => {
  test('a quota of 0 fails with the request-increase command for that quota code and count', async () => {
    mocks.serviceQuotas.on(ListServiceQuotasCommand).resolves({ Quotas: [quota('ml.m5.large for processing job usage', 0, 'L-4A4B0D1E')] });
    const run = await doctor();
    expect(run.code).toBe(1);
    expect(run.check(PROCESSING)).toEqual({
      id: PROCESSING,
      title: 'Quota ml.m5.large for processing job usage',
      status: 'fail',
      detail: 'quota is 0 (applied), stages preprocess, predict, postprocess need 1 instance',
      fix: 'aws service-quotas request-service-quota-increase --region eu-west-1 --service-code sagemaker --quota-code L-4A4B0D1E --desired-value 1, or use an instance type with quota',
    });
    expect(mocks.serviceQuotas.commandCalls(ListServiceQuotasCommand)[0].args[0].input).toMatchObject({ ServiceCode: 'sagemaker', MaxResults: 100 });
  });

  test('enough quota passes; below the count asked (instanceCount × fan-out concurrency) fails', async () => {
    const stages = [{ name: 'score', mode: 'script' as const, framework: { name: 'sklearn' as const }, instanceCount: 2 }];
    mocks.serviceQuotas.on(ListServiceQuotasCommand).resolves({ Quotas: [quota('ml.m5.large for processing job usage', 8)] });
    expect((await doctor({ stages })).check(PROCESSING)).toMatchObject({ status: 'pass', detail: expect.stringMatching(/^quota 8 \(applied\) ≥ 2 needed by stage score/) });
    const fanOut = await doctor({ stages, fanOut: { maxConcurrency: 5 } });
    expect(fanOut.check(PROCESSING)).toMatchObject({ status: 'fail', detail: 'quota is 8 (applied), stage score needs 10 instances' });
  });

  test('the quota found on a later page; each listing read once for every quota check', async () => {
    mocks.serviceQuotas
      .on(ListServiceQuotasCommand, { NextToken: undefined })
      .resolves({ Quotas: [quota('ml.m5.large for training job usage', 1)], NextToken: 'page-2' })
      .on(ListServiceQuotasCommand, { NextToken: 'page-2' })
      .resolves({ Quotas: [quota('ml.m5.large for processing job usage', 3), quota('ml.m5.large for transform job usage', 2)] });
    const run = await doctor({ stages: [{ name: 'prep', mode: 'script', framework: { name: 'sklearn' } }, { name: 'fit', kind: 'training', mode: 'script', framework: { name: 'sklearn' } }] });
    expect(run.status(PROCESSING)).toBe('pass');
    expect(run.status('quota:training:ml.m5.large')).toBe('pass');
    expect(mocks.serviceQuotas.commandCalls(ListServiceQuotasCommand).map((c) => c.args[0].input.NextToken)).toEqual([undefined, 'page-2']);
  });

  test('no applied value listed: the default value counts (0 fails, naming it the default)', async () => {
    mocks.serviceQuotas.on(ListServiceQuotasCommand).resolves({ Quotas: [] });
    mocks.serviceQuotas.on(ListAWSDefaultServiceQuotasCommand).resolves({ Quotas: [quota('ml.m5.large for processing job usage', 0)] });
    expect((await doctor()).check(PROCESSING)).toMatchObject({ status: 'fail', detail: expect.stringContaining('quota is 0 (default)') });
  });

  test('a quota Service Quotas does not list at all: could not check, saying the type may not be offered there', async () => {
    mocks.serviceQuotas.on(ListServiceQuotasCommand).resolves({ Quotas: [] });
    expect((await doctor()).check(PROCESSING)).toMatchObject({ status: 'could-not-check', detail: expect.stringContaining("lists no quota 'ml.m5.large for processing job usage' in eu-west-1") });
  });

  test('no permission to list quotas: could not check, naming servicequotas:ListServiceQuotas', async () => {
    mocks.serviceQuotas.on(ListServiceQuotasCommand).rejects(deniedError('servicequotas:ListServiceQuotas'));
    const run = await doctor();
    expect(run.check(PROCESSING)).toMatchObject({ status: 'could-not-check', detail: expect.stringMatching(/^no permission to ask \(servicequotas:ListServiceQuotas was denied/) });
    expect(run.code).toBe(0);
  });
});

describe('images', () => {
  const framework = (run: Awaited<ReturnType<typeof doctor>>) => run.json().checks.find((c) => c.id.startsWith('image:'))!;

  test('the framework image exists: pass; BatchGetImage asked of its AWS registry in the region', async () => {
    const run = await doctor();
    expect(framework(run)).toMatchObject({ status: 'pass', detail: expect.stringContaining('used by stages preprocess, postprocess') });
    expect(mocks.ecr.commandCalls(BatchGetImageCommand)[0].args[0].input).toMatchObject({ registryId: '141502667606', repositoryName: 'sagemaker-scikit-learn', imageIds: [{ imageTag: '1.4-2-cpu-py3' }] });
  });

  test('AccessDenied on the AWS-owned registry: could not check, not a failure', async () => {
    mocks.ecr.on(BatchGetImageCommand).rejects(deniedError('ecr:BatchGetImage'));
    const run = await doctor();
    expect(framework(run)).toMatchObject({ status: 'could-not-check', detail: expect.stringContaining('AWS-owned registry') });
    expect(run.code).toBe(0);
  });

  test("an imageUri stage: its image is asked in the image's own region; missing tag or repository fails", async () => {
    const stages = [{ name: 'legacy', mode: 'container' as const, imageUri: LEGACY_IMAGE }];
    const ok = await doctor({ stages });
    expect(ok.status(`image:${LEGACY_IMAGE}`)).toBe('pass');
    const call = mocks.ecr.commandCalls(BatchGetImageCommand)[0];
    expect(call.args[0].input).toMatchObject({ registryId: '222233334444', repositoryName: 'team/legacy', imageIds: [{ imageTag: '2.1' }] });
    expect(await (call.thisValue as { config: { region: () => Promise<string> } }).config.region()).toBe('us-east-1');

    mocks.ecr.on(BatchGetImageCommand).resolves({ images: [], failures: [{ imageId: { imageTag: '2.1' }, failureCode: 'ImageNotFound', failureReason: 'Requested image not found' }] });
    expect((await doctor({ stages })).check(`image:${LEGACY_IMAGE}`)).toMatchObject({ status: 'fail', fix: expect.stringContaining('push the image to 222233334444.dkr.ecr.us-east-1.amazonaws.com/team/legacy') });
    mocks.ecr.on(BatchGetImageCommand).rejects(new RepositoryNotFoundException({ message: 'The repository does not exist', $metadata: {} }));
    expect((await doctor({ stages })).check(`image:${LEGACY_IMAGE}`)).toMatchObject({ status: 'fail', detail: expect.stringContaining('no repository team/legacy in registry 222233334444 (us-east-1)') });
  });

  test('an API error: could not check, named', async () => {
    mocks.ecr.on(BatchGetImageCommand).rejects(awsError('ServerException', 'internal error', 500));
    expect(framework(await doctor()).detail).toMatch(/^ecr:BatchGetImage on .*sagemaker-scikit-learn:1\.4-2-cpu-py3 failed: ServerException: internal error$/);
  });
});

describe('bring-your-own roles', () => {
  test('both roles exist and trust their services: pass; GetRole asked by role name', async () => {
    const run = await doctor(ROLES);
    expect(run.check('role:sageMakerExecutionRoleArn')).toMatchObject({ status: 'pass', detail: 'exists and trusts sagemaker.amazonaws.com' });
    expect(run.check('role:stateMachineRoleArn')).toMatchObject({ status: 'pass', detail: 'exists and trusts states.amazonaws.com' });
    expect(mocks.iam.commandCalls(GetRoleCommand).map((c) => c.args[0].input.RoleName).sort()).toEqual(['churn-sfn', 'churn-sm']);
  });

  test('a missing role, or one that does not trust SageMaker, fails with the fix', async () => {
    mocks.iam.on(GetRoleCommand, { RoleName: 'churn-sm' }).rejects(new NoSuchEntityException({ message: 'The role with name churn-sm cannot be found.', $metadata: {} }));
    expect((await doctor(ROLES)).check('role:sageMakerExecutionRoleArn')).toMatchObject({ status: 'fail', fix: expect.stringContaining('correct existingRoles.sageMakerExecutionRoleArn') });
    mocks.iam.on(GetRoleCommand, { RoleName: 'churn-sm' }).resolves({ Role: { RoleName: 'churn-sm', Arn: 'x', Path: '/', RoleId: 'x', CreateDate: new Date(), AssumeRolePolicyDocument: encodeURIComponent(JSON.stringify(trustPolicy('ec2.amazonaws.com'))) } });
    expect((await doctor(ROLES)).check('role:sageMakerExecutionRoleArn')).toMatchObject({ status: 'fail', fix: expect.stringContaining('"Service": "sagemaker.amazonaws.com"') });
  });

  test('no permission to read the role: could not check', async () => {
    mocks.iam.on(GetRoleCommand).rejects(awsError('AccessDenied', 'User is not authorized to perform: iam:GetRole', 403));
    expect((await doctor(ROLES)).check('role:sageMakerExecutionRoleArn')).toMatchObject({ status: 'could-not-check', detail: expect.stringContaining('iam:GetRole on churn-sm was denied') });
  });

  test('trust statements: principal lists, wildcard actions, conditions and other effects', () => {
    expect(trustOf(trustPolicy(['ec2.amazonaws.com', 'sagemaker.amazonaws.com']), 'sagemaker.amazonaws.com')).toBe('unconditional');
    expect(trustOf(trustPolicy('sagemaker.amazonaws.com', { StringEquals: { 'aws:SourceAccount': ACCOUNT } }), 'sagemaker.amazonaws.com')).toBe('conditional');
    expect(trustOf({ Statement: { Effect: 'Allow', Principal: { Service: 'sagemaker.amazonaws.com' }, Action: ['sts:*'] } }, 'sagemaker.amazonaws.com')).toBe('unconditional');
    expect(trustOf({ Statement: [{ Effect: 'Deny', Principal: { Service: 'sagemaker.amazonaws.com' }, Action: 'sts:AssumeRole' }] }, 'sagemaker.amazonaws.com')).toBe('none');
    expect(trustOf({ Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'sts:AssumeRole' }] }, 'sagemaker.amazonaws.com')).toBe('none');
    expect(trustOf(trustPolicy('sagemaker.amazonaws.com.cn'), 'sagemaker.amazonaws.com')).toBe('unconditional');
  });
});

describe('state machine name', () => {
  const ARN = 'arn:aws:states:eu-west-1:111122223333:stateMachine:churn';

  test('free: pass; ours (deployed by this environment\'s stack): pass', async () => {
    expect((await doctor()).check('state-machine')).toMatchObject({ status: 'pass', detail: 'the name is free: the stack creates it' });
    expect(mocks.sfn.commandCalls(DescribeStateMachineCommand)[0].args[0].input).toEqual({ stateMachineArn: ARN });
    mocks.sfn.on(DescribeStateMachineCommand).resolves({ stateMachineArn: ARN, name: 'churn' } as never);
    mocks.cloudFormation.on(DescribeStackResourcesCommand).resolves({ StackResources: [{ StackName: 'churn-default', LogicalResourceId: 'x', ResourceType: 'AWS::StepFunctions::StateMachine', Timestamp: new Date(), ResourceStatus: 'UPDATE_COMPLETE' }] });
    expect((await doctor()).check('state-machine')).toMatchObject({ status: 'pass', detail: expect.stringContaining('stack churn-default') });
    expect(mocks.cloudFormation.commandCalls(DescribeStackResourcesCommand)[0].args[0].input).toEqual({ PhysicalResourceId: ARN });
  });

  test("another stack's, or no stack's: fail", async () => {
    mocks.sfn.on(DescribeStateMachineCommand).resolves({ stateMachineArn: ARN, name: 'churn' } as never);
    mocks.cloudFormation.on(DescribeStackResourcesCommand).resolves({ StackResources: [{ StackName: 'someone-else', LogicalResourceId: 'x', ResourceType: 'AWS::StepFunctions::StateMachine', Timestamp: new Date(), ResourceStatus: 'CREATE_COMPLETE' }] });
    expect((await doctor()).check('state-machine')).toMatchObject({ status: 'fail', detail: expect.stringContaining('deployed by stack someone-else') });
    mocks.cloudFormation.on(DescribeStackResourcesCommand).rejects(awsError('ValidationError', `Stack for ${ARN} does not exist`));
    expect((await doctor()).check('state-machine')).toMatchObject({ status: 'fail', detail: expect.stringContaining('no CloudFormation stack owns it') });
  });

  test('no permission to ask Step Functions or CloudFormation: could not check', async () => {
    mocks.sfn.on(DescribeStateMachineCommand).rejects(deniedError('states:DescribeStateMachine', ARN));
    expect((await doctor()).check('state-machine')).toMatchObject({ status: 'could-not-check', detail: expect.stringContaining('states:DescribeStateMachine') });
    mocks.sfn.on(DescribeStateMachineCommand).resolves({ stateMachineArn: ARN } as never);
    mocks.cloudFormation.on(DescribeStackResourcesCommand).rejects(deniedError('cloudformation:DescribeStackResources'));
    expect((await doctor()).check('state-machine')).toMatchObject({ status: 'could-not-check', detail: expect.stringContaining('cloudformation:DescribeStackResources was denied') });
  });
});

test('an endpoint stage needs twice its instance count: an update runs the new fleet beside the old one', async () => {
  const stages = [...(await import('../../src/model/defaults.js')).LIFECYCLE_STAGES, { name: 'serve', kind: 'endpoint' as const, instanceType: 'ml.t2.medium', instanceCount: 2 }];
  mocks.serviceQuotas.on(ListServiceQuotasCommand).resolves({ Quotas: [quota('ml.m5.large for processing job usage', 4), quota('ml.m5.large for training job usage', 4), quota('ml.m5.large for transform job usage', 4), quota('ml.t2.medium for endpoint usage', 3)] });
  const run = await doctor({ stages });
  expect(run.check('quota:endpoint:ml.t2.medium')).toMatchObject({ status: 'fail', detail: 'quota is 3 (applied), stage serve needs 4 instances (a blue/green update runs the new fleet beside the old one)' });
  mocks.serviceQuotas.on(ListServiceQuotasCommand).resolves({ Quotas: [quota('ml.m5.large for processing job usage', 4), quota('ml.m5.large for training job usage', 4), quota('ml.m5.large for transform job usage', 4), quota('ml.t2.medium for endpoint usage', 4)] });
  expect((await doctor({ stages })).check('quota:endpoint:ml.t2.medium')).toMatchObject({ status: 'pass', detail: expect.stringContaining('≥ 4 needed by stage serve, as a blue/green update runs the new fleet beside the old one') });
});

test("an imageUri pushed with an OCI manifest: a failure for a model stage (CreateModel refuses it), a note for a job's", async () => {
  const image = '111122223333.dkr.ecr.eu-west-1.amazonaws.com/scorer:1';
  mocks.ecr.on(BatchGetImageCommand).resolves({ images: [{ imageId: { imageTag: '1' }, imageManifestMediaType: 'application/vnd.oci.image.manifest.v1+json' }], failures: [] });
  const job = await doctor({ stages: [{ name: 'score', mode: 'container', imageUri: image }] });
  expect(job.check(`image:${image}`)).toMatchObject({ status: 'pass', detail: expect.stringContaining("application/vnd.oci.image.manifest.v1+json: SageMaker's CreateModel refuses OCI manifests") });
  // ECR is asked for the manifest as pushed, OCI types included.
  expect(mocks.ecr.commandCalls(BatchGetImageCommand)[0].args[0].input.acceptedMediaTypes).toEqual(expect.arrayContaining(['application/vnd.oci.image.manifest.v1+json', 'application/vnd.docker.distribution.manifest.v2+json']));
  const served = await doctor({
    stages: [
      { name: 'fit', kind: 'training', mode: 'script', framework: { name: 'sklearn' } },
      { name: 'model', kind: 'model', mode: 'container', imageUri: image, inputs: [{ name: 'model', from: 'fit/model' }] },
    ],
  });
  expect(served.check(`image:${image}`)).toMatchObject({ status: 'fail', fix: expect.stringContaining('docker buildx build --provenance=false --output type=docker') });
  expect(served.code).toBe(1);
});
