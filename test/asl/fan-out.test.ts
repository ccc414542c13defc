/**
 * Fan-out: the stage chain once per item inside a Distributed Map. Checked by asl-validator, each
 * item's Task requests resolved by aws-local-stepfunctions and checked against the SageMaker request
 * shapes, and a local run over the three sample items with one item made to fail, where
 * toleratedFailurePercentage decides the outcome; outputs checked item by item.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { buildStateMachine } from '../../src/asl/index.js';
import { captureTaskRequests, checkAsl, checkAslRules, checkExecutionInput, checkRequestShape, loadSageMakerModel } from '../../src/checks/index.js';
import { buildExecutionInput, buildExecutionInputSchema } from '../../src/input/index.js';
import { resolvePipeline, validatePipeline, type PipelineOptions } from '../../src/model/index.js';
import { PIPELINE_FILES } from '../../src/model/repo-layout.js';
import { PYTHON, generatedRepo, parseCsv, runQuietly } from '../support/generated-repo.js';

const BASE = { name: 'demo', region: 'eu-west-1', account: '111122223333' } as const;
const CLASSIC: PipelineOptions = { ...BASE, fanOut: { toleratedFailurePercentage: 34 } };
const LIFECYCLE: PipelineOptions = {
  ...BASE,
  fanOut: { itemsFrom: 's3', maxConcurrency: 20 },
  stages: [
    { name: 'preprocess', outputs: [{ name: 'train' }, { name: 'test' }] },
    { name: 'train', kind: 'training', inputs: [{ name: 'train', from: 'preprocess/train' }] },
    { name: 'evaluate', kind: 'evaluation', inputs: [{ name: 'model', from: 'train/model' }, { name: 'test', from: 'preprocess/test' }], gate: { metric: 'accuracy', threshold: 0.7 } },
    { name: 'model', kind: 'model' },
    { name: 'transform', kind: 'transform', inputs: [{ name: 'data', from: 'preprocess/test' }] },
  ],
};

describe('fan-out in the model, the ASL and the execution input', () => {
  test.each([
    ['input', CLASSIC],
    ['s3', LIFECYCLE],
  ])('items from %s: a Distributed Map around the whole chain passes asl-validator and our ASL rules', (itemsFrom, options) => {
    const pipeline = resolvePipeline(options);
    const definition = buildStateMachine(pipeline);
    expect(checkAsl(definition)).toEqual([]);
    expect(checkAslRules(definition)).toEqual([]);
    const map = definition.States['fan out'] as unknown as Record<string, any>;
    expect(map.Type).toBe('Map');
    expect(map.ItemProcessor.ProcessorConfig).toEqual({ Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' });
    expect(map.ToleratedFailurePercentage).toBe(options.fanOut!.toleratedFailurePercentage ?? 0);
    expect(map.MaxConcurrency).toBe(options.fanOut!.maxConcurrency ?? 5);
    if (itemsFrom === 's3') expect(map.ItemReader).toMatchObject({ Resource: 'arn:aws:states:::s3:getObject', ReaderConfig: { InputType: 'JSON' } });
    else expect(map.ItemsPath).toBe('$.items');
    expect(Object.keys(map.ItemProcessor.States)).toEqual(expect.arrayContaining(pipeline.stages.map((s) => s.name)));
    expect(checkExecutionInput(buildExecutionInput(pipeline), buildExecutionInputSchema(pipeline))).toEqual([]);
  });

  test('the sample input has three items; the schema refuses an item id that is no S3 key segment', () => {
    const pipeline = resolvePipeline(CLASSIC);
    const input = buildExecutionInput(pipeline) as unknown as { items: { id: string }[] };
    expect(input.items).toEqual([{ id: 'item-1' }, { id: 'item-2' }, { id: 'item-3' }]);
    const bad = { ...input, items: [{ id: 'store/1' }] };
    expect(checkExecutionInput(bad, buildExecutionInputSchema(pipeline)).length).toBeGreaterThan(0);
  });

  test('bad fan-out options are refused, one line each', () => {
    const problems = validatePipeline({ ...BASE, fanOut: { maxConcurrency: 0, toleratedFailurePercentage: 150 } });
    expect(problems.map((p) => p.path)).toEqual(['fanOut.maxConcurrency', 'fanOut.toleratedFailurePercentage']);
    const endpoint = validatePipeline({ ...LIFECYCLE, stages: [...LIFECYCLE.stages!, { name: 'serve', kind: 'endpoint' }] });
    expect(endpoint.map((p) => `${p.path}: ${p.message}`)).toEqual([expect.stringMatching(/^stages\[5\] \(serve\)\.kind: a fan-out runs the stages once per item/)]);
  });

  test.each([
    ['classic', CLASSIC],
    ['lifecycle, items from S3', LIFECYCLE],
  ])('%s: every Task request of every item matches the SageMaker API model', async (_label, options) => {
    const lookup = await loadSageMakerModel([PYTHON]);
    expect(lookup.found).toBe(true);
    if (!lookup.found) return;
    const pipeline = resolvePipeline(options);
    const requests = await captureTaskRequests(buildStateMachine(pipeline), buildExecutionInput(pipeline), 'exec-0001');
    const sageMaker = requests.filter((r) => /:sagemaker:/.test(r.resource));
    // Each item runs every job stage once.
    expect(sageMaker).toHaveLength(3 * pipeline.stages.length);
    const operation = (resource: string) => ({ createProcessingJob: 'CreateProcessingJob', createTrainingJob: 'CreateTrainingJob', createModel: 'CreateModel', createTransformJob: 'CreateTransformJob' })[/sagemaker:(\w+)/.exec(resource)![1]]!;
    expect(sageMaker.flatMap((r) => checkRequestShape(operation(r.resource), r.request, lookup.model, r.stateName))).toEqual([]);
    // Item by item: its own prefixes, its own tags, unique job names.
    for (const id of ['item-1', 'item-2', 'item-3']) {
      const mine = sageMaker.filter((r) => JSON.stringify(r.request).includes(`"Value":"${id}"`));
      expect(mine).toHaveLength(pipeline.stages.length);
      const text = JSON.stringify(mine);
      expect(text).toContain(`s3://demo-111122223333-eu-west-1/runs/exec-0001/${id}/preprocess/`);
      expect(text).not.toMatch(new RegExp(`runs/exec-0001/(?!${id}/)`));
    }
  });
});

/** The classic pipeline's postprocess fails for item-2 (its raw data is made unreadable for preprocess instead). */
async function fanOutRun(tolerated: number) {
  const repo = generatedRepo({ ...CLASSIC, fanOut: { toleratedFailurePercentage: tolerated } });
  repo.write('data/raw/item-2/pre_processing_input.csv', 'not,the,expected,columns\n1,2,3,4\n');
  return { repo, ...(await runQuietly(repo)) };
}

describe('local fan-out run over the three sample items', () => {
  test('one failed item of three, 34% tolerated: the execution succeeds and lists each item', async () => {
    const { repo, report, output } = await fanOutRun(34);
    expect({ status: report.status, error: report.error }).toEqual({ status: 'SUCCEEDED', error: undefined });
    expect(report.items?.map((i) => [i.id, i.status])).toEqual([
      ['item-1', 'SUCCEEDED'],
      ['item-2', 'FAILED'],
      ['item-3', 'SUCCEEDED'],
    ]);
    expect(report.items?.[1].cause).toMatch(/lacks the column/);
    expect(output).toMatch(/items: 2 of 3 succeeded; failed: item-2/);
    const runs = join(report.s3Root, repo.pipeline.s3.bucket, 'runs', report.executionName);
    // Item by item: each successful item's final output holds its own rows (the sample data is dealt out).
    for (const id of ['item-1', 'item-3']) {
      const final = join(runs, id, 'postprocess', 'data');
      const file = readdirSync(final).find((f) => f.endsWith('.csv'))!;
      const rawIds = parseCsv(repo.read(`data/raw/${id}/pre_processing_input.csv`)).map((r) => r.customer_id).sort();
      expect(parseCsv(readFileSync(join(final, file), 'utf8')).map((r) => r.customer_id).sort()).toEqual(rawIds);
    }
    expect(existsSync(join(runs, 'item-2', 'postprocess'))).toBe(false);
    // The Map Run's result files list each outcome.
    const results = join(runs, 'fan-out');
    const [mapRun] = readdirSync(results);
    const manifest = JSON.parse(readFileSync(join(results, mapRun, 'manifest.json'), 'utf8'));
    expect(manifest.ResultFiles.FAILED).toHaveLength(1);
    const failed = JSON.parse(readFileSync(join(results, mapRun, 'FAILED_0.json'), 'utf8'));
    expect(failed.map((f: { Input: string }) => JSON.parse(f.Input).item.id)).toEqual(['item-2']);
    const succeeded = JSON.parse(readFileSync(join(results, mapRun, 'SUCCEEDED_0.json'), 'utf8'));
    expect(succeeded.map((f: { Output: string }) => JSON.parse(f.Output).id).sort()).toEqual(['item-1', 'item-3']);
    // Jobs are reported per item.
    expect(report.states.map((s) => s.name)).toEqual(expect.arrayContaining(['item-1 › preprocess', 'item-2 › preprocess', 'item-3 › postprocess']));
    expect(report.states.find((s) => s.name === 'item-1 › preprocess')!.jobs).toHaveLength(1);
  }, 300_000);

  test('the same failure with 0% tolerated fails the execution, naming the item', async () => {
    const { report } = await fanOutRun(0);
    expect(report.status).toBe('FAILED');
    expect(report.error?.error).toBe('States.ExceedToleratedFailureThreshold');
    expect(report.error?.cause).toMatch(/1 of 3 items failed .*item-2/);
    expect(report.items?.filter((i) => i.status === 'SUCCEEDED').map((i) => i.id)).toEqual(['item-1', 'item-3']);
  }, 300_000);

  test('items from S3: the runner seeds data/items.json and reads it with the ItemReader', async () => {
    const repo = generatedRepo({ ...BASE, fanOut: { itemsFrom: 's3' }, stages: [{ name: 'preprocess' }] });
    const input = repo.readJson(PIPELINE_FILES.executionInput) as { itemsBucket: string; itemsKey: string };
    expect(input.itemsKey).toBe('items/items.json');
    const { report, output } = await runQuietly(repo);
    expect(report.status).toBe('SUCCEEDED');
    expect(output).toMatch(/seeded s3:\/\/demo-111122223333-eu-west-1\/items\/items.json from data\/items.json/);
    expect(report.items?.map((i) => i.id)).toEqual(['item-1', 'item-2', 'item-3']);
  }, 300_000);
});
