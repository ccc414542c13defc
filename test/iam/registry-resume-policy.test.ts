/**
 * The registry-resume function's policy, derived from the model, validated by @cloud-copilot/iam-policy
 * and simulated by @cloud-copilot/iam-simulate: every call the function makes is allowed; versions of
 * other groups, other state machines' histories, changing versions, starting or stopping executions
 * and other log groups are not.
 */
import { validateIdentityPolicy } from '@cloud-copilot/iam-policy';
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { buildRegistryResumePolicy, registryApprovals, registryResumePermissions, type ApiCall, type PolicyDocument } from '../../src/iam/index.js';
import { resolvePipeline, type PipelineOptions, type StageOptions } from '../../src/model/index.js';
import { FIXED_LIFECYCLE, TEAM_NOTIFICATIONS, governedStages } from '../support/governed-pipeline.js';

const ACCOUNT = '111122223333';
const REGION = 'eu-west-1';
const governed = (register: Partial<StageOptions> = {}): PipelineOptions => ({
  name: 'demo',
  region: REGION,
  account: ACCOUNT,
  notifications: TEAM_NOTIFICATIONS,
  stages: governedStages({ register }),
});
const FUNCTION_ROLE = `arn:aws:iam::${ACCOUNT}:role/demo-registry-approvals`;
/** KMS also asks the key's policy: the statement the CDK app adds to the topic key for this role (FailureNotifications.allowRole). */
const KEY_POLICY = {
  Version: '2012-10-17',
  Statement: [
    { Sid: 'RegistryApprovalsReportUnhandled', Effect: 'Allow', Principal: { AWS: FUNCTION_ROLE }, Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Resource: '*', Condition: { StringEquals: { 'kms:ViaService': `sns.${REGION}.amazonaws.com` } } },
  ],
};

async function decide(policy: PolicyDocument, call: ApiCall): Promise<string> {
  const result = await runSimulation(
    {
      request: { principal: FUNCTION_ROLE, action: call.action, resource: { resource: call.resource, accountId: ACCOUNT }, contextVariables: { ...call.context } },
      identityPolicies: [{ name: 'policy', policy }],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: call.action.startsWith('kms:') ? (KEY_POLICY as never) : undefined,
    },
    {},
  );
  if (result.resultType === 'error') throw new Error(JSON.stringify(result.errors));
  return `${call.action} ${call.resource} → ${result.overallResult}`;
}

const pkg = (group: string) => `arn:aws:sagemaker:${REGION}:${ACCOUNT}:model-package/${group}/3`;
const execution = (machine: string) => `arn:aws:states:${REGION}:${ACCOUNT}:execution:${machine}:nightly-7`;

test('the document validates, and every call the function makes is allowed', async () => {
  const p = resolvePipeline(governed());
  const policy = buildRegistryResumePolicy(p)!;
  expect(validateIdentityPolicy(policy)).toEqual([]);
  const calls = registryResumePermissions(p).flatMap((permission) => permission.calls);
  expect(calls.map((c) => c.action).sort()).toEqual([
    'kms:Decrypt',
    'kms:GenerateDataKey',
    'logs:CreateLogStream',
    'logs:PutLogEvents',
    'sagemaker:DescribeModelPackage',
    'states:DescribeExecution',
    'states:GetExecutionHistory',
    'states:SendTaskFailure',
    'states:SendTaskSuccess',
    'sns:Publish',
  ].sort());
  const results = await Promise.all([...calls, { action: 'sagemaker:DescribeModelPackage', resource: pkg('demo') }, { action: 'states:GetExecutionHistory', resource: execution('demo') }].map((c) => decide(policy, c)));
  expect(results.filter((r) => !r.endsWith('Allowed'))).toEqual([]);
});

test('nothing for other groups, other state machines, other log groups or topics, the key only through SNS, and nothing that changes a version or an execution', async () => {
  const policy = buildRegistryResumePolicy(resolvePipeline(governed()))!;
  const denied: ApiCall[] = [
    { action: 'sagemaker:DescribeModelPackage', resource: pkg('payroll') },
    { action: 'sagemaker:DescribeModelPackage', resource: `arn:aws:sagemaker:${REGION}:${ACCOUNT}:model-package/demo-shadow/1` },
    { action: 'sagemaker:UpdateModelPackage', resource: pkg('demo') },
    { action: 'sagemaker:ListModelPackages', resource: '*' },
    { action: 'states:GetExecutionHistory', resource: execution('payroll') },
    { action: 'states:DescribeExecution', resource: execution('demo-shadow') },
    { action: 'states:StopExecution', resource: execution('demo') },
    { action: 'states:StartExecution', resource: `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:demo` },
    { action: 'states:ListExecutions', resource: `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:demo` },
    { action: 'logs:PutLogEvents', resource: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/vendedlogs/states/demo:log-stream:x` },
    { action: 'logs:CreateLogGroup', resource: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/legacy-mlops/demo/registry-approvals` },
    { action: 'sns:Publish', resource: `arn:aws:sns:${REGION}:${ACCOUNT}:payroll-notifications` },
    { action: 'kms:Decrypt', resource: `arn:aws:kms:${REGION}:${ACCOUNT}:key/0b1c2d3e-1111-2222-3333-444455556666`, context: { 'kms:ViaService': `s3.${REGION}.amazonaws.com` } },
  ];
  const refused = await Promise.all(denied.map((c) => decide(policy, c)));
  expect(refused.filter((r) => !r.endsWith('ImplicitlyDenied'))).toEqual([]);
});

test('the groups are those an approval decides; a pre-approving register stage leaves only Rejected; none without such an approval', () => {
  expect(registryApprovals(resolvePipeline(governed()))).toEqual({ groups: ['demo'], statuses: ['Approved', 'Rejected'] });
  expect(registryApprovals(resolvePipeline(governed({ registry: { group: 'Churn-EU', autoApprove: true } })))).toEqual({ groups: ['Churn-EU'], statuses: ['Rejected'] });
  // SageMaker writes group names lower-case inside ARNs.
  expect(buildRegistryResumePolicy(resolvePipeline(governed({ registry: { group: 'Churn-EU' } })))!.Statement[0].Resource).toEqual([`arn:aws:sagemaker:${REGION}:${ACCOUNT}:model-package/churn-eu/*`]);
  const registerOnly = resolvePipeline({ ...governed(), stages: governed().stages!.filter((s) => s.kind !== 'approval') });
  expect(registryApprovals(registerOnly)).toBeUndefined();
  expect(buildRegistryResumePolicy(registerOnly)).toBeUndefined();
  const approvalOnly = resolvePipeline({ ...governed(), stages: [...FIXED_LIFECYCLE, { name: 'approve', kind: 'approval' }] });
  expect(registryApprovals(approvalOnly)).toBeUndefined();
});
