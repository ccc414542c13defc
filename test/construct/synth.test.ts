/**
 * The real thing, offline: `cdk synth` (the pinned aws-cdk CLI) runs the generated repo's cdk.json
 * app command (`npx tsx src/main.ts`) with cdk-nag attached as a validation plugin (`cdkSynth`).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PIPELINE_MODEL_FILE, type PipelineModelFile } from '../../src/construct/index.js';
import { PIPELINE_FILES } from '../../src/model/repo-layout.js';
import { cdkSynth, generateRepo, readJson, removeTempDirs, tempDir } from '../support/deploy-fixtures.js';

afterAll(removeTempDirs);

test('cdk synth of a generated repo with two environments, a schedule and notifications', () => {
  const repo = generateRepo('synth', {
    environments: [
      { name: 'preprod', account: '111122223333', region: 'eu-west-1' },
      { name: 'prod', account: '444455556666', region: 'us-east-1' },
    ],
    schedule: { expression: 'rate(1 day)' },
    notifications: { email: 'ml-team@example.com' },
  });
  expect(readJson(repo, 'cdk.json').app).toBe('npx tsx src/main.ts');

  const out = tempDir('cloud-assembly');
  const started = Date.now();
  const result = cdkSynth(repo, out);
  const seconds = (Date.now() - started) / 1000;
  expect({ status: result.status, stderr: result.status === 0 ? '' : result.stderr }).toEqual({ status: 0, stderr: '' });
  console.log(`cdk synth of 2 stacks: ${seconds.toFixed(1)} s`);

  // cdk-nag ran as a validation plugin and reported nothing.
  const report = readJson(out, 'validation-report.json');
  expect(report.pluginReports.filter((r: any) => r.conclusion !== 'success')).toEqual([]);

  const model = readJson<PipelineModelFile>(repo, PIPELINE_MODEL_FILE);
  const asl = readJson(repo, PIPELINE_FILES.stateMachine);
  for (const { environment } of model.environments) {
    const template = readJson(out, `${environment.stackName}.template.json`);
    const resources = Object.values(template.Resources) as any[];
    const ofType = (type: string) => resources.filter((r) => r.Type === type);

    const [machine] = ofType('AWS::StepFunctions::StateMachine');
    expect(JSON.parse(machine.Properties.DefinitionString)).toEqual(asl);
    expect(machine.Properties.LoggingConfiguration.Level).toBe('ALL');
    expect(machine.Properties.TracingConfiguration).toEqual({ Enabled: true });
    expect(ofType('AWS::S3::Bucket').map((b) => b.Properties.BucketName)).toContain(`churn-model-${environment.account}-${environment.region}`);
    expect(ofType('AWS::Events::Rule').map((r) => r.Properties.ScheduleExpression ?? 'failure rule').sort()).toEqual(['failure rule', 'rate(1 day)']);
    expect(ofType('AWS::SNS::Subscription')).toHaveLength(1);

    const manifest = readJson(out, `${environment.stackName}.assets.json`);
    const [image] = Object.values(manifest.dockerImages) as any[];
    expect(image.source.platform).toBe('linux/amd64');
    expect(fs.existsSync(path.join(out, image.source.directory, 'Dockerfile'))).toBe(true);
    expect((Object.values(image.destinations)[0] as any).repositoryName).toBe(`cdk-hnb659fds-container-assets-${environment.account}-${environment.region}`);
  }

  // The first environment is the model's own account and region: its roles are the files under pipeline/iam/.
  const preprod = readJson(out, 'churn-model-preprod.template.json');
  const roles = Object.values(preprod.Resources).filter((r: any) => r.Type === 'AWS::IAM::Role' && r.Properties.RoleName) as any[];
  const byName = Object.fromEntries(roles.map((r) => [r.Properties.RoleName, r.Properties]));
  expect(byName['churn-model-state-machine'].Policies[0].PolicyDocument).toEqual(readJson(repo, PIPELINE_FILES.stateMachineRolePolicy));
  expect(byName['churn-model-state-machine'].AssumeRolePolicyDocument).toEqual(readJson(repo, PIPELINE_FILES.stateMachineRoleTrust));
  expect(byName['churn-model-sagemaker-execution'].Policies[0].PolicyDocument).toEqual(readJson(repo, PIPELINE_FILES.sageMakerExecutionRolePolicy));
  expect(byName['churn-model-sagemaker-execution'].AssumeRolePolicyDocument).toEqual(readJson(repo, PIPELINE_FILES.sageMakerExecutionRoleTrust));
});
