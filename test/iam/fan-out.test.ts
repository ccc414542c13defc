/**
 * IAM of a fan-out pipeline: the documents derived from the ASL validate with @cloud-copilot/iam-policy,
 * and @cloud-copilot/iam-simulate allows the Distributed Map's own calls (starting, describing and
 * stopping its child executions, reading the ItemReader's object, writing the ResultWriter's files)
 * and every Task call of an item, and denies their neighbours. The calls are written out by hand.
 */
import { validateIdentityPolicy } from '@cloud-copilot/iam-policy';
import { buildStateMachine } from '../../src/asl/index.js';
import { buildIamDocuments, requiredCalls, type ApiCall } from '../../src/iam/index.js';
import { resolvePipeline } from '../../src/model/index.js';
import { pipelineRoleDecides } from '../support/iam-simulation.js';

const ACCOUNT = '111122223333';
const REGION = 'eu-west-1';
const p = resolvePipeline({
  name: 'demo',
  region: REGION,
  account: ACCOUNT,
  fanOut: { itemsFrom: 's3' },
  stages: [
    { name: 'preprocess', outputs: [{ name: 'train' }, { name: 'test' }] },
    { name: 'train', kind: 'training', inputs: [{ name: 'train', from: 'preprocess/train' }] },
    { name: 'evaluate', kind: 'evaluation', inputs: [{ name: 'model', from: 'train/model' }, { name: 'test', from: 'preprocess/test' }], gate: { metric: 'accuracy', threshold: 0.7 } },
  ],
});
const definition = buildStateMachine(p);
const docs = buildIamDocuments(definition, p);
const BUCKET = p.s3.bucket;

async function decide(role: 'stateMachine' | 'sageMakerExecution', call: ApiCall): Promise<string> {
  return pipelineRoleDecides(p, docs, role, call);
}

const states = (name: string) => `arn:aws:states:${REGION}:${ACCOUNT}:${name}`;
const object = (key: string) => `arn:aws:s3:::${BUCKET}/${key}`;

test('the policies validate and fit the size quota', () => {
  expect(validateIdentityPolicy(docs.stateMachineRolePolicy)).toEqual([]);
  expect(validateIdentityPolicy(docs.sageMakerExecutionRolePolicy)).toEqual([]);
  for (const d of [docs.stateMachineRolePolicy, docs.sageMakerExecutionRolePolicy]) expect(JSON.stringify(d).replace(/\s/g, '').length).toBeLessThanOrEqual(6144);
});

test("the Distributed Map's calls are allowed, their neighbours denied", async () => {
  const allowed: ApiCall[] = [
    { action: 'states:StartExecution', resource: states('stateMachine:demo') },
    { action: 'states:DescribeExecution', resource: states('execution:demo/items:0f6c2a7d-9e0b-4c43-8f6c-2a7d9e0b1c43') },
    { action: 'states:StopExecution', resource: states('execution:demo/items:0f6c2a7d-9e0b-4c43-8f6c-2a7d9e0b1c43') },
    { action: 's3:GetObject', resource: object('items/stores-2026.json') },
    ...['s3:PutObject', 's3:GetObject', 's3:ListMultipartUploadParts', 's3:AbortMultipartUpload'].map((action) => ({ action, resource: object('runs/nightly-7/fan-out/5d4a/SUCCEEDED_0.json') })),
  ];
  const denied: ApiCall[] = [
    { action: 'states:StartExecution', resource: states('stateMachine:other') },
    { action: 'states:StopExecution', resource: states('execution:other/items:1') },
    { action: 's3:GetObject', resource: object('secrets/items.json') },
    { action: 's3:PutObject', resource: object('items/items.json') },
    { action: 's3:PutObject', resource: object('runs/nightly-7/preprocess/train/x.csv') },
  ];
  for (const call of allowed) expect(`${call.action} ${call.resource} → ${await decide('stateMachine', call)}`).toMatch(/→ Allowed$/);
  for (const call of denied) expect(`${call.action} ${call.resource} → ${await decide('stateMachine', call)}`).toMatch(/→ ImplicitlyDenied$/);
});

test("an item's jobs read and write under <execution>/<item>/ and its gate reads the item's report", async () => {
  const item = 'runs/nightly-7/store-42';
  expect(await decide('sageMakerExecution', { action: 's3:GetObject', resource: object('data/raw/store-42/sales.csv') })).toBe('Allowed');
  expect(await decide('sageMakerExecution', { action: 's3:PutObject', resource: object(`${item}/preprocess/train/part.csv`) })).toBe('Allowed');
  expect(await decide('stateMachine', { action: 's3:GetObject', resource: object(`${item}/evaluate/report/evaluation.json`) })).toBe('Allowed');
  expect(await decide('sageMakerExecution', { action: 's3:PutObject', resource: object('data/raw/store-42/sales.csv') })).toBe('ImplicitlyDenied');
});

test('every call the derivation lists, the Map and each item Task, is allowed', async () => {
  const derived = requiredCalls(definition, p);
  expect(new Set(derived.map((c) => c.state))).toEqual(new Set(['fan out', 'preprocess', 'train', 'evaluate', 'evaluate: read report', 'evaluate: publish metric']));
  for (const call of derived) expect(`${call.state}: ${call.action} ${call.resource} → ${await decide(call.role, call)}`).toMatch(/→ Allowed$/);
});
