/**
 * A real `cdk synth` (the pinned aws-cdk CLI, cdk-nag as a validation plugin) of a lifecycle project
 * with an endpoint stage and one stage built from a Dockerfile: the template deploys the managed files
 * under pipeline/, uploads the code of the stages that run code, builds only the Dockerfile stage's
 * image, and its ExecutionInput output holds every input path the state machine reads.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { LIFECYCLE_STAGES, type StageOptions } from '../../src/model/index.js';
import { PIPELINE_FILES } from '../../src/model/repo-layout.js';
import { actionsOf, cdkSynth, generateRepo, policyDocuments, readJson, removeTempDirs, statementsOf, tempDir } from '../support/deploy-fixtures.js';

afterAll(removeTempDirs);

/** Preprocessing runs its own image (stages/preprocess/Dockerfile); the model is also served by an endpoint. */
const STAGES: StageOptions[] = [
  ...LIFECYCLE_STAGES.map((s) => (s.name === 'preprocess' ? { ...s, mode: 'container' as const, framework: undefined } : s)),
  { name: 'serve', kind: 'endpoint' },
];

/** A CloudFormation value made of strings and `Fn::Sub`s of pseudo parameters, as deployed in `aws`. */
function resolveValue(value: any): string {
  if (typeof value === 'string') return value;
  if (value['Fn::Join']) return value['Fn::Join'][1].map(resolveValue).join(value['Fn::Join'][0]);
  if (typeof value['Fn::Sub'] === 'string') return value['Fn::Sub'].replace('${AWS::URLSuffix}', 'amazonaws.com');
  throw new Error(`unexpected value ${JSON.stringify(value)}`);
}

/** Reference paths into the execution input: lower-case roots other than what states write (results, error). */
function inputPaths(definition: unknown): string[] {
  const paths = JSON.stringify(definition).match(/(?<!\$)\$\.[A-Za-z0-9_.]+/g) ?? [];
  return [...new Set(paths)].filter((p) => /^\$\.[a-z]/.test(p) && !/^\$\.(results|error)\b/.test(p)).sort();
}

function valueAt(input: any, jsonPath: string): unknown {
  return jsonPath.slice(2).split('.').reduce((node, key) => (node === undefined ? undefined : node[key]), input);
}

test('cdk synth of a lifecycle project with an endpoint stage: managed files deployed, nag-clean, the deployed input is what the ASL reads', () => {
  const repo = generateRepo('lifecycle-synth', { stages: STAGES });
  const out = tempDir('lifecycle-assembly');
  const result = cdkSynth(repo, out);
  expect({ status: result.status, stderr: result.status === 0 ? '' : result.stderr }).toEqual({ status: 0, stderr: '' });

  // cdk-nag reported nothing unacknowledged; every acknowledgement names one resource and has a reason.
  expect(readJson(out, 'validation-report.json').pluginReports.filter((r: any) => r.conclusion !== 'success')).toEqual([]);
  const metadata = readJson(out, 'churn-model-default.metadata.json') as Record<string, { type: string; data: any }[]>;
  const acks = Object.values(metadata)
    .flat()
    .filter((m) => m.type === 'aws:cdk:acknowledged-rules')
    .flatMap((m) => Object.entries(m.data as Record<string, string>));
  expect(acks.length).toBeGreaterThan(0);
  for (const [id, reason] of acks) expect({ id, reason: reason.trim().length >= 10 }).toEqual({ id, reason: true });
  expect(acks.map(([id]) => id).filter((id) => id.includes('IAM5') && !id.includes('IAM5[Resource::'))).toEqual([]);

  const json = readJson(out, 'churn-model-default.template.json');
  const resources = Object.values(json.Resources) as any[];
  const ofType = (type: string) => resources.filter((r) => r.Type === type);

  // The state machine is the ASL file; the roles carry the documents under pipeline/iam/.
  const asl = readJson(repo, PIPELINE_FILES.stateMachine);
  const [machine] = ofType('AWS::StepFunctions::StateMachine');
  expect(JSON.parse(machine.Properties.DefinitionString)).toEqual(asl);
  expect(Object.keys(asl.States)).toEqual(expect.arrayContaining(['evaluate: gate']));
  const byName = Object.fromEntries(ofType('AWS::IAM::Role').filter((r) => r.Properties.RoleName).map((r) => [r.Properties.RoleName, r.Properties]));
  expect(byName['churn-model-state-machine'].Policies[0].PolicyDocument).toEqual(readJson(repo, PIPELINE_FILES.stateMachineRolePolicy));
  expect(byName['churn-model-state-machine'].AssumeRolePolicyDocument).toEqual(readJson(repo, PIPELINE_FILES.stateMachineRoleTrust));
  expect(byName['churn-model-sagemaker-execution'].Policies[0].PolicyDocument).toEqual(readJson(repo, PIPELINE_FILES.sageMakerExecutionRolePolicy));
  expect(byName['churn-model-sagemaker-execution'].AssumeRolePolicyDocument).toEqual(readJson(repo, PIPELINE_FILES.sageMakerExecutionRoleTrust));
  const endpointCalls = statementsOf(readJson(repo, PIPELINE_FILES.stateMachineRolePolicy)).flatMap(actionsOf);
  expect(endpointCalls).toEqual(expect.arrayContaining(['sagemaker:CreateTrainingJob', 'sagemaker:CreateModel', 'sagemaker:CreateTransformJob', 'sagemaker:CreateEndpoint']));

  // No Allow statement anywhere has a wildcard action; the only Deny statements are TLS-only rules.
  for (const { where, document } of policyDocuments(Template.fromJSON(json))) {
    for (const statement of statementsOf(document)) {
      if (statement.Effect === 'Deny') expect({ where, condition: statement.Condition }).toEqual({ where, condition: { Bool: { 'aws:SecureTransport': 'false' } } });
      else expect({ where, wildcards: actionsOf(statement).filter((a) => a.includes('*')) }).toEqual({ where, wildcards: [] });
    }
  }

  // The code of the script stages (training with its inference script, evaluation) is uploaded; the
  // Dockerfile stage's folder is an image instead; model, transform and endpoint stages run no code.
  const manifest = readJson(out, 'churn-model-default.assets.json');
  const [code] = Object.values(manifest.files).filter((f: any) => f.displayName === 'Pipeline/StageCode/Code') as any[];
  const codeDir = path.join(out, code.source.path);
  expect(fs.readdirSync(codeDir).sort()).toEqual(['evaluate', 'train']);
  expect(fs.readdirSync(path.join(codeDir, 'train')).sort()).toEqual(['inference.py', 'requirements.txt', 'train.py']);
  const images = Object.entries(manifest.dockerImages) as [string, any][];
  expect(images.map(([, image]) => image.displayName)).toEqual(['churn-model preprocess stage']);
  const [[imageHash, image]] = images;
  expect(image.source.platform).toBe('linux/amd64');
  expect(fs.existsSync(path.join(out, image.source.directory, 'Dockerfile'))).toBe(true);
  const imageUri = `111122223333.dkr.ecr.eu-west-1.amazonaws.com/cdk-hnb659fds-container-assets-111122223333-eu-west-1:${imageHash}`;
  expect(Object.keys(json.Outputs).filter((id) => id.startsWith('ImageUri'))).toEqual(['ImageUriPreprocess']);
  expect(resolveValue(json.Outputs.ImageUriPreprocess.Value)).toBe(imageUri);

  // The deployed execution input (what `start` and the schedule run) is the sample file with the built image,
  // and holds every input path the ASL reads: the gate's threshold, the switches, the report's bucket and key.
  const deployed = JSON.parse(resolveValue(json.Outputs.ExecutionInput.Value));
  const file = readJson(repo, PIPELINE_FILES.executionInput);
  expect(deployed).toEqual({ ...file, stages: { ...file.stages, preprocess: { ...file.stages.preprocess, imageUri } } });
  const read = inputPaths(asl);
  expect(read).toEqual(expect.arrayContaining(['$.runsBucket', '$.runsKeyPrefix', '$.stages.evaluate.threshold', '$.stages.train.enabled', '$.stages.serve.instanceType']));
  expect(read.filter((p) => valueAt(deployed, p) === undefined)).toEqual([]);
  expect(deployed).toMatchObject({ runsBucket: 'churn-model-111122223333-eu-west-1', runsKeyPrefix: 'runs/', stages: { evaluate: { threshold: 0.7, enabled: true } } });
  expect(Object.keys(deployed.stages).filter((key) => 'imageUri' in deployed.stages[key])).toEqual(['preprocess', 'train', 'evaluate', 'model']);
});
