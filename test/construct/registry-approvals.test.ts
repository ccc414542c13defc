/**
 * The registry path in the CDK app of a governed project: the EventBridge rule on the decided
 * group's version status changes, its Lambda target, the function's policy exactly as derived from
 * the model, its bundled code (one ES module, the AWS SDK left to the runtime), cdk-nag clean; and no
 * registry path where no approval decides a registered version, or where roles are brought.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildRegistryResumePolicy } from '../../src/iam/index.js';
import type { StageOptions } from '../../src/model/index.js';
import { BASE_MODEL, buildApp, cdkSynth, diffResources, generateRepo, nagFindings, readJson, removeTempDirs, resourcesOfType, statementsOf, tempDir, type BuiltApp } from '../support/deploy-fixtures.js';
import { FIXED_LIFECYCLE, GOVERNED_PIPELINE } from '../support/governed-pipeline.js';

let governed: BuiltApp;

beforeAll(() => {
  governed = buildApp(generateRepo('registry-path', GOVERNED_PIPELINE));
});
afterAll(removeTempDirs);

const template = () => governed.templates[0];
/** The registry-resume function (the stage-code upload brings a Lambda of its own). */
const resumer = () => resourcesOfType(template(), 'AWS::Lambda::Function').filter(([, f]) => f.Properties.Environment?.Variables?.MODEL_PACKAGE_GROUPS);

test('the rule: this group\'s versions turning Approved or Rejected, to the function, nothing else', () => {
  const [[fnId]] = resumer();
  const rules = resourcesOfType(template(), 'AWS::Events::Rule').filter(([, r]) => r.Properties.EventPattern.source?.[0] === 'aws.sagemaker');
  expect(rules).toHaveLength(1);
  const [[ruleId, rule]] = rules;
  expect(rule.Properties.EventPattern).toEqual({
    source: ['aws.sagemaker'],
    'detail-type': ['SageMaker Model Package State Change'],
    detail: { ModelPackageGroupName: [BASE_MODEL.name], ModelApprovalStatus: ['Approved', 'Rejected'] },
  });
  expect(rule.Properties.Targets).toEqual([
    expect.objectContaining({ Arn: { 'Fn::GetAtt': [fnId, 'Arn'] }, RetryPolicy: { MaximumEventAgeInSeconds: 21600, MaximumRetryAttempts: 8 } }),
  ]);
  // Only this rule may invoke the function.
  const permissions = resourcesOfType(template(), 'AWS::Lambda::Permission').filter(([, p]) => JSON.stringify(p.Properties.FunctionName).includes(fnId));
  expect(permissions.map(([, p]) => p.Properties)).toEqual([
    { Action: 'lambda:InvokeFunction', FunctionName: { 'Fn::GetAtt': [fnId, 'Arn'] }, Principal: 'events.amazonaws.com', SourceArn: { 'Fn::GetAtt': [ruleId, 'Arn'] } },
  ]);
});

test('the function: Node.js 24, its environment names this state machine, the group and the statuses, its own log group', () => {
  const [[, fn]] = resumer();
  const [[machineId]] = resourcesOfType(template(), 'AWS::StepFunctions::StateMachine');
  expect(fn.Properties).toMatchObject({ Runtime: 'nodejs24.x', Handler: 'index.handler', Timeout: 60 });
  expect(fn.Properties.Environment.Variables).toEqual({ STATE_MACHINE_ARN: { Ref: machineId }, MODEL_PACKAGE_GROUPS: BASE_MODEL.name, DECIDING_STATUSES: 'Approved,Rejected' });
  const [[logGroupId]] = resourcesOfType(template(), 'AWS::Logs::LogGroup').filter(([, g]) => g.Properties.LogGroupName === '/legacy-mlops/churn-model/registry-approvals');
  expect(fn.Properties.LoggingConfig).toEqual({ LogGroup: { Ref: logGroupId } });
});

test('the function\'s role carries exactly the derived policy and nothing CDK added', () => {
  const [[, fn]] = resumer();
  const roleId = fn.Properties.Role['Fn::GetAtt'][0];
  const role = template().toJSON().Resources[roleId];
  expect(role.Type).toBe('AWS::IAM::Role');
  expect(role.Properties.ManagedPolicyArns).toBeUndefined();
  expect(role.Properties.Policies).toEqual([{ PolicyName: 'registry-approvals', PolicyDocument: buildRegistryResumePolicy(governed.model.environments[0].pipeline) }]);
  expect(statementsOf(role.Properties.AssumeRolePolicyDocument)).toEqual([{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }]);
  // No AWS::IAM::Policy attaches anything else to it.
  const attached = resourcesOfType(template(), 'AWS::IAM::Policy').filter(([, p]) => JSON.stringify(p.Properties.Roles ?? []).includes(roleId));
  expect(attached).toEqual([]);
  expect(statementsOf(role.Properties.Policies[0].PolicyDocument).map((st: any) => [st.Sid, st.Action, st.Resource])).toEqual([
    ['ReadDecidedVersions', ['sagemaker:DescribeModelPackage'], ['arn:aws:sagemaker:eu-west-1:111122223333:model-package/churn-model/*']],
    ['ReadPipelineExecutions', ['states:DescribeExecution', 'states:GetExecutionHistory'], ['arn:aws:states:eu-west-1:111122223333:execution:churn-model:*']],
    ['SendApprovalDecisions', ['states:SendTaskSuccess', 'states:SendTaskFailure'], ['*']],
    ['WriteOwnLog', ['logs:CreateLogStream', 'logs:PutLogEvents'], ['arn:aws:logs:eu-west-1:111122223333:log-group:/legacy-mlops/churn-model/registry-approvals:*']],
    ['ReportUnhandledDecisions', ['sns:Publish'], ['arn:aws:sns:eu-west-1:111122223333:churn-model-notifications']],
    ['EncryptUnhandledDecisions', ['kms:GenerateDataKey', 'kms:Decrypt'], ['arn:aws:kms:eu-west-1:111122223333:key/*']],
  ]);
});

test('an event the function still cannot handle after two retries goes to the notifications topic, whose key lets that role encrypt through SNS only', () => {
  const [[fnId, fn]] = resumer();
  const roleId = fn.Properties.Role['Fn::GetAtt'][0];
  const [[topicId, topic]] = resourcesOfType(template(), 'AWS::SNS::Topic');
  expect(topic.Properties.TopicName).toBe('churn-model-notifications');
  const configs = resourcesOfType(template(), 'AWS::Lambda::EventInvokeConfig').filter(([, c]) => JSON.stringify(c.Properties.FunctionName) === JSON.stringify({ Ref: fnId }));
  expect(configs.map(([, c]) => c.Properties)).toEqual([
    { FunctionName: { Ref: fnId }, Qualifier: '$LATEST', MaximumRetryAttempts: 2, DestinationConfig: { OnFailure: { Destination: { Ref: topicId } } } },
  ]);
  const [[, key]] = resourcesOfType(template(), 'AWS::KMS::Key');
  expect(statementsOf(key.Properties.KeyPolicy).filter((st: any) => st.Sid === 'RegistryApprovalsReportUnhandled')).toEqual([
    {
      Sid: 'RegistryApprovalsReportUnhandled',
      Effect: 'Allow',
      Principal: { AWS: { 'Fn::GetAtt': [roleId, 'Arn'] } },
      Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
      Resource: '*',
      Condition: { StringEquals: { 'kms:ViaService': 'sns.eu-west-1.amazonaws.com' } },
    },
  ]);
});

test('the code asset is one bundled ES module exporting handler, with the AWS SDK left to the Lambda runtime', () => {
  const [[, fn]] = resumer();
  const assetHash = fn.Properties.Code.S3Key['Fn::Sub'] ?? fn.Properties.Code.S3Key;
  const hash = String(assetHash).replace(/\.zip$/, '');
  const assetDir = join(governed.app.outdir, `asset.${hash}`);
  expect(existsSync(assetDir)).toBe(true);
  expect(readdirSync(assetDir)).toEqual(['index.mjs']);
  const code = readFileSync(join(assetDir, 'index.mjs'), 'utf8');
  expect(code).toMatch(/export\s*\{[^}]*handler[^}]*\}/);
  expect(code).toMatch(/from\s*"@aws-sdk\/client-sfn"/);
  expect(code).toMatch(/from\s*"@aws-sdk\/client-sagemaker"/);
  // Only the SDK is imported; everything of ours is inside.
  const imports = [...code.matchAll(/^import[^"]*"([^"]+)"/gm)].map((m) => m[1]);
  expect(imports.filter((i) => !i.startsWith('@aws-sdk/'))).toEqual([]);
  expect(code).toContain('legacy-mlops:execution');
  expect(code.length).toBeLessThan(40_000);
});

test('the bundle runs as the Lambda runtime loads it: configured from its environment, an event of another group is ignored before any AWS call', () => {
  const [[, fn]] = resumer();
  const assetDir = join(governed.app.outdir, `asset.${String(fn.Properties.Code.S3Key).replace(/\.zip$/, '')}`);
  // A function folder with the runtime's AWS SDK beside it (this checkout's), and no credentials at all.
  const root = tempDir('function-run');
  const modules = resolve(dirname(fileURLToPath(import.meta.url)), '../../node_modules');
  mkdirSync(join(root, 'node_modules'));
  symlinkSync(join(modules, '@aws-sdk'), join(root, 'node_modules/@aws-sdk'));
  writeFileSync(join(root, 'index.mjs'), readFileSync(join(assetDir, 'index.mjs')));
  const event = { source: 'aws.sagemaker', 'detail-type': 'SageMaker Model Package State Change', detail: { ModelPackageGroupName: 'payroll', ModelPackageArn: 'arn:aws:sagemaker:eu-west-1:111122223333:model-package/payroll/1', ModelApprovalStatus: 'Approved' } };
  const script = `const { handler } = await import('./index.mjs'); process.stdout.write(JSON.stringify(await handler(${JSON.stringify(event)})));`;
  const env = { PATH: process.env.PATH, AWS_REGION: 'eu-west-1', STATE_MACHINE_ARN: 'arn:aws:states:eu-west-1:111122223333:stateMachine:churn-model', MODEL_PACKAGE_GROUPS: 'churn-model', DECIDING_STATUSES: 'Approved,Rejected' };
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, env, encoding: 'utf8', timeout: 60_000 });
  expect({ status: run.status, stderr: run.stderr.trim() }).toEqual({ status: 0, stderr: '' });
  // The function's log line, then what the handler returned.
  const [logLine, returned] = run.stdout.trim().split('\n');
  const outcome = { action: 'ignored', why: 'model package group payroll is not decided by an approval stage of this pipeline' };
  expect(JSON.parse(returned)).toEqual(outcome);
  expect(JSON.parse(logLine)).toEqual({ modelPackageArn: event.detail.ModelPackageArn, status: 'Approved', ...outcome });
  // Without its environment it refuses to start.
  const bare = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, env: { PATH: process.env.PATH, AWS_REGION: 'eu-west-1' }, encoding: 'utf8', timeout: 60_000 });
  expect(bare.status).not.toBe(0);
  expect(bare.stderr).toContain('environment variables STATE_MACHINE_ARN, MODEL_PACKAGE_GROUPS, DECIDING_STATUSES are not set');
});

test('cdk-nag AwsSolutions finds nothing; each wildcard of the function\'s policy is acknowledged with its reason', () => {
  expect(nagFindings(governed.stacks[0].stack)).toEqual([]);
});

test('an approval stage without a register stage before it, or no approval at all: no registry path', () => {
  const alone = buildApp(generateRepo('approval-alone', { ...GOVERNED_PIPELINE, stages: [...FIXED_LIFECYCLE, { name: 'approve', kind: 'approval' }] as StageOptions[] }));
  const resumers = (built: BuiltApp) => resourcesOfType(built.templates[0], 'AWS::Lambda::Function').filter(([, f]) => f.Properties.Environment?.Variables?.MODEL_PACKAGE_GROUPS);
  expect(resumers(governed)).toHaveLength(1);
  expect(resumers(alone)).toEqual([]);
  expect(resourcesOfType(alone.templates[0], 'AWS::Events::Rule').filter(([, r]) => r.Properties.EventPattern.source?.[0] === 'aws.sagemaker')).toEqual([]);
  const registerOnly = buildApp(generateRepo('register-only', { ...GOVERNED_PIPELINE, stages: GOVERNED_PIPELINE.stages.filter((s) => s.kind !== 'approval') }));
  const diff = diffResources(registerOnly.templates[0], governed.templates[0]);
  expect(diff.added.map((r) => r.split(' ')[1]).sort()).toEqual(
    expect.arrayContaining(['AWS::Events::Rule', 'AWS::IAM::Role', 'AWS::Lambda::Function', 'AWS::Lambda::Permission', 'AWS::Logs::LogGroup']),
  );
});

test('a pre-approved version (autoApprove) is decided by a rejection only', () => {
  const stages = GOVERNED_PIPELINE.stages.map((s) => (s.kind === 'register' ? { ...s, registry: { autoApprove: true } } : s));
  const auto = buildApp(generateRepo('auto-approve', { ...GOVERNED_PIPELINE, stages }));
  const [[, rule]] = resourcesOfType(auto.templates[0], 'AWS::Events::Rule').filter(([, r]) => r.Properties.EventPattern.source?.[0] === 'aws.sagemaker');
  expect(rule.Properties.EventPattern.detail.ModelApprovalStatus).toEqual(['Rejected']);
  const [[, fn]] = resourcesOfType(auto.templates[0], 'AWS::Lambda::Function').filter(([, f]) => f.Properties.Environment?.Variables?.MODEL_PACKAGE_GROUPS);
  expect(fn.Properties.Environment.Variables.DECIDING_STATUSES).toBe('Rejected');
  expect(nagFindings(auto.stacks[0].stack)).toEqual([]);
});

test('a real `cdk synth` (the pinned CLI, cdk-nag as a validation plugin, the app run by tsx from the sources) bundles the function and passes', () => {
  const repo = generateRepo('registry-synth', GOVERNED_PIPELINE);
  const out = tempDir('registry-assembly');
  const result = cdkSynth(repo, out);
  expect({ status: result.status, stderr: result.status === 0 ? '' : result.stderr }).toEqual({ status: 0, stderr: '' });
  expect(readJson(out, 'validation-report.json').pluginReports.filter((r: any) => r.conclusion !== 'success')).toEqual([]);
  const json = readJson(out, 'churn-model-default.template.json');
  const [fn] = Object.values(json.Resources as Record<string, any>).filter((r) => r.Type === 'AWS::Lambda::Function' && r.Properties.Environment?.Variables?.MODEL_PACKAGE_GROUPS);
  const assetDir = join(out, `asset.${String(fn.Properties.Code.S3Key).replace(/\.zip$/, '')}`);
  expect(readdirSync(assetDir)).toEqual(['index.mjs']);
});

test('bring-your-own roles: no role is created, so no registry path; the README says to use the command', () => {
  const existingRoles = { stateMachineRoleArn: 'arn:aws:iam::111122223333:role/platform/ml-sfn', sageMakerExecutionRoleArn: 'arn:aws:iam::111122223333:role/platform/ml-sagemaker' };
  const byo = buildApp(generateRepo('registry-byo', { ...GOVERNED_PIPELINE, existingRoles }));
  expect(resourcesOfType(byo.templates[0], 'AWS::Lambda::Function').filter(([, f]) => f.Properties.Environment?.Variables?.MODEL_PACKAGE_GROUPS)).toEqual([]);
  expect(readFileSync(join(byo.repo, 'README.md'), 'utf8')).toContain('with existing roles (`existingRoles`) the stack creates no role, so the registry path');
});
