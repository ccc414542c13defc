/**
 * The bucket across deployments: existing-bucket mode uses a bucket the stack does not own (nothing
 * created, nothing changed on it); otherwise the created bucket (fixed name, retained on destroy) is
 * adopted by the next deploy through `--import-existing-resources` instead of failing "already exists".
 * `cdk synth` runs for real (with cdk-nag as its validation plugin) in existing-bucket mode.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { resolvePipeline } from '../../src/model/index.js';
import { buildApp, cdkSynth, generateRepo, nagFindings, readJson, removeTempDirs, resourcesOfType, tempDir } from '../support/deploy-fixtures.js';

afterAll(removeTempDirs);

const EXISTING = 'ml-data-of-the-team';

describe('existing-bucket mode', () => {
  const repo = generateRepo('existing-bucket', { bucket: EXISTING, existingBucket: true });
  const built = buildApp(repo);
  const template = built.templates[0];

  test('no bucket, bucket policy or access-log bucket is created; the stack names the existing bucket', () => {
    expect(resourcesOfType(template, 'AWS::S3::Bucket')).toEqual([]);
    expect(resourcesOfType(template, 'AWS::S3::BucketPolicy')).toEqual([]);
    expect(template.toJSON().Outputs.BucketName.Value).toBe(EXISTING);
    const upload = resourcesOfType(template, 'Custom::CDKBucketDeployment');
    expect(upload.map(([, r]) => r.Properties.DestinationBucketName)).toEqual([EXISTING]);
    expect(JSON.stringify(built.model.environments[0].pipeline.s3)).toContain(`"existing":true`);
  });

  test('the IAM documents grant on the existing bucket, as in create mode', () => {
    const policy = readJson(repo, 'pipeline/iam/sagemaker-execution-role-policy.json');
    expect(JSON.stringify(policy)).toContain(`arn:aws:s3:::${EXISTING}/`);
  });

  test('cdk-nag finds nothing', () => {
    expect(nagFindings(built.stacks[0].stack)).toEqual([]);
  });

  (process.env.LEGACY_MLOPS_SLOW ? test : test.skip)('a real `cdk synth` with cdk-nag succeeds', () => {
    const out = tempDir('existing-synth');
    const result = cdkSynth(repo, out);
    expect([result.status, result.stderr]).toEqual([0, expect.any(String)]);
    const stackTemplate = readJson(out, `${built.stacks[0].stack.stackName}.template.json`);
    expect(Object.values(stackTemplate.Resources).filter((r: any) => r.Type === 'AWS::S3::Bucket')).toEqual([]);
  });

  test('existingBucket without a bucket name is one clear problem', () => {
    expect(() => resolvePipeline({ name: 'churn', region: 'eu-west-1', account: '111122223333', existingBucket: true })).toThrow(/existingBucket: names no bucket: set `bucket`/);
  });
});

describe('redeploy after destroy', () => {
  const repo = generateRepo('redeploy');
  const template = buildApp(repo).templates[0];

  test('the created bucket has its fixed name and is retained: what CloudFormation can import on the next deploy', () => {
    const [[, bucket]] = resourcesOfType(template, 'AWS::S3::Bucket').filter(([, r]) => r.Properties.BucketName !== undefined);
    expect(bucket.Properties.BucketName).toBe('churn-model-111122223333-eu-west-1');
    expect([bucket.DeletionPolicy, bucket.UpdateReplacePolicy]).toEqual(['Retain', 'Retain']);
  });

  test('`npx projen deploy` and the deploy workflow ask CloudFormation to import the retained bucket', () => {
    const tasks = readJson(repo, '.projen/tasks.json').tasks;
    expect(tasks.deploy.steps).toEqual([expect.objectContaining({ exec: 'cdk deploy --import-existing-resources', receiveArgs: true })]);
    const workflow = readFileSync(path.join(repo, '.github/workflows/deploy.yml'), 'utf8') as string;
    expect(workflow).toMatch(/npx cdk deploy --app cdk.out --require-approval never --import-existing-resources churn-model-default/);
  });
});
