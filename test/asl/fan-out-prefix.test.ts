/**
 * Fan-out over the objects under an S3 prefix (`itemsFrom: 's3-prefix'`): the Distributed Map's
 * ItemReader lists the raw-data prefix with s3:listObjectsV2, one item per object. Checked by
 * asl-validator, each item's Task requests against the SageMaker request shapes, iam-simulate (the
 * listing allowed only inside the raw-data prefix), and a local run whose items are the files under
 * the local prefix, outputs checked item by item.
 */
import { validateIdentityPolicy } from '@cloud-copilot/iam-policy';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { buildStateMachine } from '../../src/asl/index.js';
import { captureTaskRequests, checkAsl, checkAslRules, checkExecutionInput, checkRequestShape, loadSageMakerModel } from '../../src/checks/index.js';
import { buildIamDocuments, type ApiCall } from '../../src/iam/index.js';
import { buildExecutionInput, buildExecutionInputSchema } from '../../src/input/index.js';
import { resolvePipeline, type PipelineOptions } from '../../src/model/index.js';
import { PIPELINE_FILES } from '../../src/model/repo-layout.js';
import { PYTHON, generatedRepo, parseCsv, runQuietly } from '../support/generated-repo.js';
import { pipelineRoleDecides } from '../support/iam-simulation.js';

const ACCOUNT = '111122223333';
const REGION = 'eu-west-1';
const OPTIONS: PipelineOptions = { name: 'demo', region: REGION, account: ACCOUNT, fanOut: { itemsFrom: 's3-prefix', toleratedFailurePercentage: 0 } };
const pipeline = resolvePipeline(OPTIONS);
const definition = buildStateMachine(pipeline);
const BUCKET = pipeline.s3.bucket;
const map = definition.States['fan out'] as unknown as Record<string, any>;

describe('the ASL and the execution input', () => {
  test('a Distributed Map listing the raw-data prefix passes asl-validator and our ASL rules', () => {
    expect(checkAsl(definition)).toEqual([]);
    expect(checkAslRules(definition)).toEqual([]);
    expect(map.ItemReader).toEqual({ Resource: 'arn:aws:states:::s3:listObjectsV2', Parameters: { 'Bucket.$': '$.itemsBucket', 'Prefix.$': '$.itemsPrefix' } });
    expect(map.ItemsPath).toBeUndefined();
    // Each object becomes { id: <file name>, key, size }, and its raw data is the object itself.
    expect(map.ItemSelector.item['key.$']).toBe('$$.Map.Item.Value.Key');
    expect(map.ItemSelector['rawDataUri.$']).toBe("States.Format('s3://{}/{}', $.itemsBucket, $$.Map.Item.Value.Key)");
    // Folder markers end at once.
    expect(map.ItemProcessor.StartAt).toBe('object or folder');
    expect(map.ItemProcessor.States['object or folder'].Choices[0]).toEqual({ Variable: '$.item.key', StringMatches: '*/', Next: 'folder skipped' });
  });

  test('the sample input lists data/raw/; the schema refuses a prefix outside it', () => {
    const input = buildExecutionInput(pipeline) as unknown as Record<string, unknown>;
    expect({ itemsBucket: input.itemsBucket, itemsPrefix: input.itemsPrefix }).toEqual({ itemsBucket: BUCKET, itemsPrefix: 'data/raw/' });
    const schema = buildExecutionInputSchema(pipeline);
    expect(checkExecutionInput(input, schema)).toEqual([]);
    expect(checkExecutionInput({ ...input, itemsPrefix: 'data/raw/stores/2026-' }, schema)).toEqual([]);
    expect(checkExecutionInput({ ...input, itemsPrefix: 'secrets/' }, schema).length).toBeGreaterThan(0);
    expect(checkExecutionInput({ ...input, itemsBucket: 'someone-elses-bucket' }, schema).length).toBeGreaterThan(0);
  });

  test("every item's Task requests match the SageMaker API model, each reading its own object", async () => {
    const lookup = await loadSageMakerModel([PYTHON]);
    expect(lookup.found).toBe(true);
    if (!lookup.found) return;
    const requests = await captureTaskRequests(definition, buildExecutionInput(pipeline), 'exec-0001');
    const sageMaker = requests.filter((r) => /:sagemaker:/.test(r.resource));
    expect(sageMaker).toHaveLength(3 * pipeline.stages.length);
    expect(sageMaker.flatMap((r) => checkRequestShape('CreateProcessingJob', r.request, lookup.model, r.stateName))).toEqual([]);
    for (const id of ['item-1.csv', 'item-2.csv', 'item-3.csv']) {
      const mine = sageMaker.filter((r) => JSON.stringify(r.request).includes(`"Value":"${id}"`));
      expect(mine).toHaveLength(pipeline.stages.length);
      const text = JSON.stringify(mine);
      expect(text).toContain(`"S3Uri":"s3://${BUCKET}/data/raw/${id}"`);
      expect(text).toContain(`s3://${BUCKET}/runs/exec-0001/${id}/preprocess/`);
    }
  });
});

describe('IAM: listing allowed only inside the raw-data prefix', () => {
  const docs = buildIamDocuments(definition, pipeline);

  async function decide(role: 'stateMachine' | 'sageMakerExecution', call: ApiCall): Promise<string> {
    return pipelineRoleDecides(pipeline, docs, role, call);
  }

  test('the policies validate', () => {
    expect(validateIdentityPolicy(docs.stateMachineRolePolicy)).toEqual([]);
    expect(validateIdentityPolicy(docs.sageMakerExecutionRolePolicy)).toEqual([]);
  });

  test.each<[string, ApiCall, 'Allowed' | 'ImplicitlyDenied']>([
    ['the sample prefix', { action: 's3:ListBucket', resource: `arn:aws:s3:::${BUCKET}`, context: { 's3:prefix': 'data/raw/' } }, 'Allowed'],
    ['a narrower prefix', { action: 's3:ListBucket', resource: `arn:aws:s3:::${BUCKET}`, context: { 's3:prefix': 'data/raw/stores/' } }, 'Allowed'],
    ['another prefix', { action: 's3:ListBucket', resource: `arn:aws:s3:::${BUCKET}`, context: { 's3:prefix': 'runs/' } }, 'ImplicitlyDenied'],
    ['the whole bucket', { action: 's3:ListBucket', resource: `arn:aws:s3:::${BUCKET}` }, 'ImplicitlyDenied'],
    ['another bucket', { action: 's3:ListBucket', resource: 'arn:aws:s3:::other-bucket', context: { 's3:prefix': 'data/raw/' } }, 'ImplicitlyDenied'],
    ['the raw objects themselves (the jobs read them, not the state machine)', { action: 's3:GetObject', resource: `arn:aws:s3:::${BUCKET}/data/raw/item-1.csv` }, 'ImplicitlyDenied'],
  ])('state machine role, %s', async (_label, call, expected) => {
    expect(await decide('stateMachine', call)).toBe(expected);
  });

  test("an item's jobs read its object and write under <execution>/<item>/", async () => {
    expect(await decide('sageMakerExecution', { action: 's3:GetObject', resource: `arn:aws:s3:::${BUCKET}/data/raw/store-42.csv` })).toBe('Allowed');
    expect(await decide('sageMakerExecution', { action: 's3:PutObject', resource: `arn:aws:s3:::${BUCKET}/runs/nightly-7/store-42.csv/preprocess/data/part.csv` })).toBe('Allowed');
    expect(await decide('sageMakerExecution', { action: 's3:PutObject', resource: `arn:aws:s3:::${BUCKET}/data/raw/store-42.csv` })).toBe('ImplicitlyDenied');
  });
});

describe('local run: the items are the files under the local prefix', () => {
  test('one sample file per item, plus one added: four items, each output from its own file', async () => {
    const repo = generatedRepo(OPTIONS);
    expect(readdirSync(join(repo.dir, 'data/raw')).sort()).toEqual(['item-1.csv', 'item-2.csv', 'item-3.csv']);
    expect((repo.readJson(PIPELINE_FILES.executionInput) as { itemsPrefix: string }).itemsPrefix).toBe('data/raw/');
    repo.write('data/raw/store-9.csv', repo.read('data/raw/item-1.csv'));
    const { report } = await runQuietly(repo);
    expect({ status: report.status, error: report.error }).toEqual({ status: 'SUCCEEDED', error: undefined });
    const ids = ['item-1.csv', 'item-2.csv', 'item-3.csv', 'store-9.csv'];
    expect(report.items?.map((i) => [i.id, i.status])).toEqual(ids.map((id) => [id, 'SUCCEEDED']));
    const runs = join(report.s3Root, BUCKET, 'runs', report.executionName);
    for (const id of ids) {
      const final = join(runs, id, 'postprocess', 'data');
      const file = readdirSync(final).find((f) => f.endsWith('.csv'))!;
      const rawIds = parseCsv(repo.read(`data/raw/${id}`)).map((r) => r.customer_id).sort();
      expect(parseCsv(readFileSync(join(final, file), 'utf8')).map((r) => r.customer_id).sort()).toEqual(rawIds);
    }
  }, 300_000);

  test('two objects with the same file name under the prefix: the run fails naming them', async () => {
    const repo = generatedRepo(OPTIONS);
    repo.write('data/raw/east/item-1.csv', repo.read('data/raw/item-1.csv'));
    const { report } = await runQuietly(repo);
    expect(report.status).toBe('FAILED');
    expect(report.error?.cause).toMatch(/item id 'item-1\.csv' is used twice \(two objects with this file name under the listed prefix\)/);
  }, 300_000);
});
