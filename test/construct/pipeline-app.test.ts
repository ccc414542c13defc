/**
 * The CDK app of a generated repo, built in-process from its `pipeline/pipeline-model.json`:
 * the resources, that they carry exactly the files under `pipeline/`, cdk-nag, and what each
 * optional feature (schedule, notifications, bring-your-own-role, environments) changes.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { jest } from '@jest/globals';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { buildStateMachine, stageInputKey } from '../../src/asl/index.js';
import { LegacyMlopsPipeline, PIPELINE_OUTPUTS, builtImageTagKey, deployedExecutionInput } from '../../src/construct/index.js';
import { buildIamDocuments } from '../../src/iam/index.js';
import { PIPELINE_FILES } from '../../src/model/repo-layout.js';
import {
  BASE_MODEL,
  actionsOf,
  acknowledgements,
  buildApp,
  diffResources,
  generateRepo,
  nagFindings,
  policyDocuments,
  readJson,
  removeTempDirs,
  resourcesOfType,
  statementsOf,
  type BuiltApp,
} from '../support/deploy-fixtures.js';

const BUCKET = `${BASE_MODEL.name}-${BASE_MODEL.account}-${BASE_MODEL.region}`;
let base: BuiltApp;

beforeAll(() => {
  base = buildApp(generateRepo('base'));
});
afterAll(removeTempDirs);

describe('the default pipeline (preprocess script → predict container → postprocess script)', () => {
  const template = () => base.templates[0];

  test('one stack for the implicit environment, in the model account and region', () => {
    expect(base.stacks).toHaveLength(1);
    const { stack } = base.stacks[0];
    expect(stack.stackName).toBe('churn-model-default');
    expect([stack.account, stack.region]).toEqual([BASE_MODEL.account, BASE_MODEL.region]);
  });

  test('the bucket: the model name, SSE-S3, public access blocked, versioned, access-logged, TLS only', () => {
    template().hasResourceProperties('AWS::S3::Bucket', {
      BucketName: BUCKET,
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      VersioningConfiguration: { Status: 'Enabled' },
      LoggingConfiguration: { DestinationBucketName: { Ref: Match.anyValue() }, LogFilePrefix: `${BUCKET}/` },
    });
    const [bucketId] = resourcesOfType(template(), 'AWS::S3::Bucket').find(([, r]) => r.Properties.BucketName === BUCKET)!;
    const [, policy] = resourcesOfType(template(), 'AWS::S3::BucketPolicy').find(([, r]) => r.Properties.Bucket.Ref === bucketId)!;
    expect(policy.Properties.PolicyDocument.Statement).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
    // The data outlives the stack.
    expect(template().toJSON().Resources[bucketId].DeletionPolicy).toBe('Retain');
  });

  test('the two roles carry exactly the documents under pipeline/iam/', () => {
    const roles = Object.fromEntries(resourcesOfType(template(), 'AWS::IAM::Role').map(([, r]) => [r.Properties.RoleName, r.Properties]));
    const stateMachine = roles['churn-model-state-machine'];
    const sageMaker = roles['churn-model-sagemaker-execution'];
    expect(stateMachine.AssumeRolePolicyDocument).toEqual(readJson(base.repo, PIPELINE_FILES.stateMachineRoleTrust));
    expect(stateMachine.Policies).toEqual([{ PolicyName: 'pipeline', PolicyDocument: readJson(base.repo, PIPELINE_FILES.stateMachineRolePolicy) }]);
    expect(sageMaker.AssumeRolePolicyDocument).toEqual(readJson(base.repo, PIPELINE_FILES.sageMakerExecutionRoleTrust));
    expect(sageMaker.Policies).toEqual([{ PolicyName: 'pipeline', PolicyDocument: readJson(base.repo, PIPELINE_FILES.sageMakerExecutionRolePolicy) }]);
    // Nothing else attaches statements to them (the state machine must not get CDK's own logging grants).
    const pipelineRoleIds = resourcesOfType(template(), 'AWS::IAM::Role').filter(([, r]) => r.Properties.RoleName).map(([id]) => id);
    const attachedTo = resourcesOfType(template(), 'AWS::IAM::Policy').flatMap(([, p]) => p.Properties.Roles.map((r: any) => r.Ref));
    expect(attachedTo.filter((id: string) => pipelineRoleIds.includes(id))).toEqual([]);
    expect(resourcesOfType(template(), 'AWS::IAM::ManagedPolicy')).toEqual([]);
  });

  test('no Allow statement anywhere has a wildcard action; the only Deny statements are TLS-only rules', () => {
    const docs = policyDocuments(template());
    expect(docs.length).toBeGreaterThanOrEqual(6);
    for (const { where, document } of docs) {
      for (const statement of statementsOf(document)) {
        if (statement.Effect === 'Deny') {
          expect({ where, condition: statement.Condition }).toEqual({ where, condition: { Bool: { 'aws:SecureTransport': 'false' } } });
        } else {
          expect({ where, wildcards: actionsOf(statement).filter((a) => a.includes('*')) }).toEqual({ where, wildcards: [] });
        }
      }
    }
    for (const [, role] of resourcesOfType(template(), 'AWS::IAM::Role')) expect(role.Properties.ManagedPolicyArns).toBeUndefined();
  });

  test('the state machine: STANDARD, the ASL file verbatim, the pipeline role, all events logged with data, X-Ray on', () => {
    const [[, machine]] = resourcesOfType(template(), 'AWS::StepFunctions::StateMachine');
    const props = machine.Properties;
    expect(JSON.parse(props.DefinitionString)).toEqual(readJson(base.repo, PIPELINE_FILES.stateMachine));
    expect(props.StateMachineName).toBe('churn-model');
    expect(props.StateMachineType).toBe('STANDARD');
    const [roleId] = resourcesOfType(template(), 'AWS::IAM::Role').find(([, r]) => r.Properties.RoleName === 'churn-model-state-machine')!;
    expect(props.RoleArn).toEqual({ 'Fn::GetAtt': [roleId, 'Arn'] });
    expect(props.LoggingConfiguration).toEqual({
      Level: 'ALL',
      IncludeExecutionData: true,
      Destinations: [{ CloudWatchLogsLogGroup: { LogGroupArn: { 'Fn::GetAtt': [expect.any(String), 'Arn'] } } }],
    });
    expect(props.TracingConfiguration).toEqual({ Enabled: true });
    template().hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: '/aws/vendedlogs/states/churn-model', RetentionInDays: 365 });
  });

  test('the predict image is built from stages/predict/ for x86_64 and published to the bootstrap repository', () => {
    const assembly = base.app.synth();
    const stackArtifact = assembly.getStackByName('churn-model-default');
    const manifestArtifact = stackArtifact.dependencies.find((d) => d.id.endsWith('.assets'))!;
    const manifest = JSON.parse(fs.readFileSync(path.join(assembly.directory, `${manifestArtifact.id}.json`), 'utf8'));
    const images = Object.values(manifest.dockerImages) as any[];
    expect(images).toHaveLength(1);
    expect(images[0].source.platform).toBe('linux/amd64');
    // A Docker-type image: the containerd image store would otherwise push an OCI manifest SageMaker rejects.
    expect(images[0].source.dockerOutputs).toEqual(['type=docker']);
    expect(fs.readdirSync(path.join(assembly.directory, images[0].source.directory)).sort()).toEqual(fs.readdirSync(path.join(base.repo, 'stages/predict')).sort());
    const destination = Object.values(images[0].destinations)[0] as any;
    expect(destination.repositoryName).toBe('cdk-hnb659fds-container-assets-111122223333-eu-west-1');

    // The URI CDK publishes is what the deployed input, the output and the state machine tag carry.
    const outputs = template().toJSON().Outputs;
    const [[, machine]] = resourcesOfType(template(), 'AWS::StepFunctions::StateMachine');
    expect(machine.Properties.Tags).toContainEqual({ Key: builtImageTagKey(base.model.environments[0].pipeline.stages[1]), Value: outputs.ImageUriPredict.Value });
    expect(JSON.stringify(outputs.ImageUriPredict.Value)).toContain(`:${destination.imageTag}`);
  });

  test('the script stages\' folders (and only those) are uploaded under code/', () => {
    template().hasResourceProperties('Custom::CDKBucketDeployment', { DestinationBucketKeyPrefix: 'code/', Prune: true });
    const assembly = base.app.synth();
    const codeAsset = fs
      .readdirSync(assembly.directory)
      .map((entry) => path.join(assembly.directory, entry))
      .find((dir) => fs.statSync(dir).isDirectory() && fs.existsSync(path.join(dir, 'preprocess')))!;
    expect(fs.readdirSync(codeAsset).sort()).toEqual(['postprocess', 'preprocess']);
    // Everything of the stage's folder but its starter test, which runs on the developer's machine and in CI only.
    const stageFolder = fs.readdirSync(path.join(base.repo, 'stages/preprocess'));
    expect(stageFolder).toContain('test_preprocess.py');
    expect(fs.readdirSync(path.join(codeAsset, 'preprocess')).sort()).toEqual(stageFolder.filter((f) => f !== 'test_preprocess.py').sort());
    // The upload role reads that one asset and writes under code/ only.
    const [, uploadRole] = resourcesOfType(template(), 'AWS::IAM::Role').find(([, r]) => !r.Properties.RoleName)!;
    const statements = uploadRole.Properties.Policies[0].PolicyDocument.Statement;
    expect(statements.map((s: any) => [s.Sid, s.Action])).toEqual([
      ['ReadStageCodeAsset', 's3:GetObject'],
      ['ListStageCode', 's3:ListBucket'],
      ['WriteStageCode', ['s3:PutObject', 's3:DeleteObject']],
      ['WriteUploadLogs', ['logs:CreateLogStream', 'logs:PutLogEvents']],
    ]);
  });

  test('outputs: state machine, bucket, roles, the container image, the deployed execution input and the dashboard', () => {
    const outputs = template().toJSON().Outputs;
    expect(Object.keys(outputs).sort()).toEqual(
      [PIPELINE_OUTPUTS.stateMachineArn, PIPELINE_OUTPUTS.bucketName, PIPELINE_OUTPUTS.stateMachineRoleArn, PIPELINE_OUTPUTS.sageMakerExecutionRoleArn, PIPELINE_OUTPUTS.executionInput, 'ImageUriPredict', PIPELINE_OUTPUTS.dashboardUrl].sort(),
    );
    // Resolve the only token in the execution input (the image URI) and compare with the file.
    const join = outputs.ExecutionInput.Value['Fn::Join'][1] as unknown[];
    const text = join.map((part) => (typeof part === 'string' ? part : 'IMAGE')).join('');
    const fileInput = readJson(base.repo, PIPELINE_FILES.executionInput);
    expect(JSON.parse(text)).toEqual({ ...fileInput, stages: { ...fileInput.stages, predict: { ...fileInput.stages.predict, imageUri: 'IMAGE' } } });
  });

  test('deployedExecutionInput: the model input with the built images swapped in, and a clear error for a missing one', () => {
    const { pipeline } = base.model.environments[0];
    const uri = '111122223333.dkr.ecr.eu-west-1.amazonaws.com/cdk-hnb659fds-container-assets-111122223333-eu-west-1:abc';
    const input = deployedExecutionInput(pipeline, { predict: uri });
    expect(input.stages[stageInputKey('predict')].imageUri).toBe(uri);
    expect({ ...input, stages: { ...input.stages, predict: readJson(base.repo, PIPELINE_FILES.executionInput).stages.predict } }).toEqual(readJson(base.repo, PIPELINE_FILES.executionInput));
    expect(() => deployedExecutionInput(pipeline, {})).toThrow(/no deployed image for stage 'predict'.*legacy-mlops:image:predict/);
  });

  test('cdk-nag AwsSolutions: no finding left; every acknowledgement has a reason and matches a real finding', () => {
    const { stack } = base.stacks[0];
    expect(nagFindings(stack)).toEqual([]);
    const acks = acknowledgements(stack);
    expect(acks.length).toBeGreaterThan(0);
    for (const ack of acks) expect(ack.reason.trim().length).toBeGreaterThan(30);
    // Without the acknowledgements, exactly the acknowledged findings appear: none is stale, none is missing.
    const spy = jest.spyOn(Validations.prototype, 'acknowledge').mockImplementation(() => undefined);
    try {
      const bare = buildApp(base.repo);
      const raw = new Set(nagFindings(bare.stacks[0].stack).map((f) => f.split(' ')[0]));
      expect([...raw].sort()).toEqual([...new Set(acks.map((a) => a.id))].sort());
      // Wildcard findings are acknowledged one resource at a time; never a wildcard action.
      expect([...raw].filter((id) => id.startsWith('AwsSolutions-IAM5') && !id.startsWith('AwsSolutions-IAM5[Resource::'))).toEqual([]);
    } finally {
      spy.mockRestore();
    }
  });

  test('no schedule and no notifications unless the model asks for them', () => {
    template().resourceCountIs('AWS::Events::Rule', 0);
    template().resourceCountIs('AWS::SNS::Topic', 0);
    template().resourceCountIs('AWS::KMS::Key', 0);
  });
});

describe('optional features change exactly what they should', () => {
  test('schedule: one rule starting this state machine with the deployed input, and its invoke role', () => {
    const built = buildApp(generateRepo('schedule', { schedule: { expression: 'cron(0 6 ? * MON-FRI *)', enabled: false } }));
    const template = built.templates[0];
    const diff = diffResources(base.templates[0], template);
    expect([diff.removed, diff.changed]).toEqual([[], []]);
    expect(diff.added.map((a) => a.split(' ')[1]).sort()).toEqual(['AWS::Events::Rule', 'AWS::IAM::Policy', 'AWS::IAM::Role']);
    const [[, rule]] = resourcesOfType(template, 'AWS::Events::Rule');
    const [[machineId]] = resourcesOfType(template, 'AWS::StepFunctions::StateMachine');
    expect(rule.Properties.ScheduleExpression).toBe('cron(0 6 ? * MON-FRI *)');
    expect(rule.Properties.State).toBe('DISABLED');
    expect(rule.Properties.Targets).toEqual([expect.objectContaining({ Arn: { Ref: machineId }, Input: expect.anything() })]);
    const [[, invokePolicy]] = resourcesOfType(template, 'AWS::IAM::Policy');
    expect(invokePolicy.Properties.PolicyDocument.Statement).toEqual([{ Effect: 'Allow', Action: 'states:StartExecution', Resource: { Ref: machineId } }]);
    // Only this rule of this account may assume the invoke role (confused deputy).
    expect(rule.Properties.Name).toBe('churn-model-schedule');
    const [[, invokeRole]] = resourcesOfType(template, 'AWS::IAM::Role').filter(([, r]) => r.Properties.AssumeRolePolicyDocument.Statement[0].Principal.Service === 'events.amazonaws.com');
    const ruleArn = JSON.stringify(invokeRole.Properties.AssumeRolePolicyDocument.Statement[0].Condition.ArnEquals['aws:SourceArn']);
    expect(ruleArn).toContain(':events:eu-west-1:111122223333:rule/churn-model-schedule');
    expect(invokeRole.Properties.AssumeRolePolicyDocument.Statement[0].Condition.StringEquals).toEqual({ 'aws:SourceAccount': '111122223333' });
    expect(template.toJSON().Outputs).toEqual(base.templates[0].toJSON().Outputs);
    expect(nagFindings(built.stacks[0].stack)).toEqual([]);
  });

  test('notifications: a rule on failed/timed-out/aborted executions → an encrypted, TLS-only topic with the e-mail subscription', () => {
    const built = buildApp(generateRepo('notify', { notifications: { email: 'ml-team@example.com' } }));
    const template = built.templates[0];
    const diff = diffResources(base.templates[0], template);
    expect(diff.removed).toEqual([]);
    // The failed-executions alarm (on by default) now publishes to the topic.
    expect(diff.changed.map((a) => a.split(' ')[1])).toEqual(['AWS::CloudWatch::Alarm']);
    expect(diff.added.map((a) => a.split(' ')[1]).sort()).toEqual(['AWS::Events::Rule', 'AWS::KMS::Key', 'AWS::SNS::Subscription', 'AWS::SNS::Topic', 'AWS::SNS::TopicPolicy']);

    const [[machineId]] = resourcesOfType(template, 'AWS::StepFunctions::StateMachine');
    const [[ruleId, rule]] = resourcesOfType(template, 'AWS::Events::Rule');
    expect(rule.Properties.EventPattern).toEqual({
      source: ['aws.states'],
      'detail-type': ['Step Functions Execution Status Change'],
      detail: { status: ['FAILED', 'TIMED_OUT', 'ABORTED'], stateMachineArn: [{ Ref: machineId }] },
    });
    const [[topicId, topic]] = resourcesOfType(template, 'AWS::SNS::Topic');
    const [[keyId, key]] = resourcesOfType(template, 'AWS::KMS::Key');
    expect(topic.Properties.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
    expect(key.Properties.EnableKeyRotation).toBe(true);
    const eventBridgeUse = key.Properties.KeyPolicy.Statement.find((st: any) => st.Sid === 'EventBridgePublishesEncrypted');
    expect(eventBridgeUse.Condition).toEqual({ StringEquals: { 'aws:SourceAccount': '111122223333' } });
    expect(rule.Properties.Targets[0].Arn).toEqual({ Ref: topicId });
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ml-team@example.com', TopicArn: { Ref: topicId } });
    const [[, topicPolicy]] = resourcesOfType(template, 'AWS::SNS::TopicPolicy');
    expect(topicPolicy.Properties.PolicyDocument.Statement).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Effect: 'Deny', Action: 'sns:Publish', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        expect.objectContaining({ Effect: 'Allow', Action: 'sns:Publish', Principal: { Service: 'events.amazonaws.com' }, Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [ruleId, 'Arn'] } } } }),
      ]),
    );
    expect(template.toJSON().Outputs.FailureTopicArn.Value).toEqual({ Ref: topicId });
    expect(nagFindings(built.stacks[0].stack)).toEqual([]);
  });

  test('bring your own roles: no pipeline role is created, the state machine uses the given one', () => {
    const existingRoles = {
      stateMachineRoleArn: 'arn:aws:iam::111122223333:role/platform/ml-states',
      sageMakerExecutionRoleArn: 'arn:aws:iam::111122223333:role/platform/ml-sagemaker',
    };
    const built = buildApp(generateRepo('byo', { existingRoles }));
    const template = built.templates[0];
    const diff = diffResources(base.templates[0], template);
    expect(diff.added).toEqual([]);
    expect(diff.removed.map((r) => r.split(' ')[1])).toEqual(['AWS::IAM::Role', 'AWS::IAM::Role']);
    expect(diff.changed.map((r) => r.split(' ')[1])).toEqual(['AWS::StepFunctions::StateMachine']);
    expect(resourcesOfType(template, 'AWS::IAM::Role').filter(([, r]) => r.Properties.RoleName)).toEqual([]);
    // Only the deploy-time upload helper's role remains.
    expect(resourcesOfType(template, 'AWS::IAM::Role')).toHaveLength(1);
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', { RoleArn: existingRoles.stateMachineRoleArn });
    const outputs = template.toJSON().Outputs;
    expect(outputs.StateMachineRoleArn.Value).toBe(existingRoles.stateMachineRoleArn);
    expect(outputs.SageMakerExecutionRoleArn.Value).toBe(existingRoles.sageMakerExecutionRoleArn);
    expect(JSON.stringify(outputs.ExecutionInput.Value)).toContain(`\\"roleArn\\":\\"${existingRoles.sageMakerExecutionRoleArn}\\"`);
    expect(nagFindings(built.stacks[0].stack)).toEqual([]);
  });

  test('environments: one stack each, in its own account and region, with documents resolved there', () => {
    const environments = [
      { name: 'preprod', account: '111122223333', region: 'eu-west-1' },
      { name: 'prod', account: '444455556666', region: 'us-east-1' },
    ];
    const built = buildApp(generateRepo('envs', { environments }));
    expect(built.stacks.map(({ stack }) => [stack.stackName, stack.account, stack.region])).toEqual([
      ['churn-model-preprod', '111122223333', 'eu-west-1'],
      ['churn-model-prod', '444455556666', 'us-east-1'],
    ]);
    const [preprod, prod] = built.templates;
    // The environment in the model's account and region is the one pipeline/ describes.
    const roleOf = (template: typeof preprod, name: string) => resourcesOfType(template, 'AWS::IAM::Role').find(([, r]) => r.Properties.RoleName === name)![1].Properties;
    expect(roleOf(preprod, 'churn-model-sagemaker-execution').Policies[0].PolicyDocument).toEqual(readJson(built.repo, PIPELINE_FILES.sageMakerExecutionRolePolicy));
    // prod: its own bucket, and the documents of the model resolved in prod (prebuilt images of us-east-1).
    const prodPipeline = built.model.environments[1].pipeline;
    expect(prodPipeline.s3.bucket).toBe('churn-model-444455556666-us-east-1');
    prod.hasResourceProperties('AWS::S3::Bucket', { BucketName: 'churn-model-444455556666-us-east-1' });
    const prodDocs = buildIamDocuments(buildStateMachine(prodPipeline), prodPipeline);
    expect(roleOf(prod, 'churn-model-sagemaker-execution').Policies[0].PolicyDocument).toEqual(prodDocs.sageMakerExecutionRolePolicy);
    expect(JSON.stringify(prodDocs.sageMakerExecutionRolePolicy)).toContain('683313688378'); // scikit-learn images in us-east-1
    // Same state machine everywhere.
    const asl = (template: typeof preprod) => resourcesOfType(template, 'AWS::StepFunctions::StateMachine')[0][1].Properties.DefinitionString;
    expect(asl(prod)).toBe(asl(preprod));
    for (const { stack } of built.stacks) expect(nagFindings(stack)).toEqual([]);
  });

  test('a stack in another account or region than the resolved model is refused', () => {
    const stack = new Stack(new App(), 'Elsewhere', { env: { account: BASE_MODEL.account, region: 'us-west-2' } });
    expect(() => new LegacyMlopsPipeline(stack, 'Pipeline', { pipeline: base.model.environments[0].pipeline, projectDir: base.repo })).toThrow(
      /resolved for 111122223333\/eu-west-1 but its stack is in 111122223333\/us-west-2/,
    );
  });
});
