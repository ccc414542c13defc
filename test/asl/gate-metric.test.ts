/**
 * The gate's metric, published by the state machine: read report → metric present? → PutMetricData →
 * gate. The request is resolved by the engine against the sample input and checked against botocore's
 * CloudWatch model; the role's grant is simulated (its namespace only); the engine shows that a missing
 * metric publishes nothing and a failing one is still published; the local emulator keeps the datapoints.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import validator from 'asl-validator';
import { StateMachine } from 'aws-local-stepfunctions';
import { PUT_METRIC_DATA_RESOURCE, buildStateMachine, gateStateNames, type StateMachineDefinition } from '../../src/asl/index.js';
import { captureTaskRequests, checkAslRules, checkRequestShape, loadServiceModel, parseSageMakerResource } from '../../src/checks/index.js';
import { buildIamDocuments, requiredCalls, type ApiCall } from '../../src/iam/index.js';
import { buildExecutionInput } from '../../src/input/index.js';
import { localMetricFile, putMetricDataEmulator } from '../../src/local/emulators/metric-calls.js';
import type { LocalRunContext } from '../../src/local/run-context.js';
import { LIFECYCLE_STAGES, resolvePipeline, type PipelineOptions } from '../../src/model/index.js';
import { simulateCall } from '../support/iam-simulation.js';

const ACCOUNT = '111122223333';
const REGION = 'eu-west-1';
const options: PipelineOptions = { name: 'demo', region: REGION, account: ACCOUNT, stages: LIFECYCLE_STAGES.map((s) => ({ ...s, skippable: false })) };
const p = resolvePipeline(options);
const def = buildStateMachine(p);
const input = buildExecutionInput(p);
const names = gateStateNames(p.stages.find((s) => s.name === 'evaluate')!);
const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
type Json = Record<string, any>;

describe('the definition', () => {
  test('read report → metric present → publish metric → gate; asl-validator finds nothing', () => {
    const states = def.States as Record<string, Json>;
    expect(states[names.read].Next).toBe(names.present);
    expect(states[names.present].Choices[0].Next).toBe(names.publish);
    expect(states[names.present].Default).toBe(names.missing);
    expect(states[names.publish]).toMatchObject({
      Resource: PUT_METRIC_DATA_RESOURCE,
      ResultPath: null,
      Next: names.check,
      Retry: [expect.objectContaining({ ErrorEquals: ['CloudWatch.InternalServiceFaultException', 'CloudWatch.ThrottlingException', 'CloudWatch.ServiceUnavailableException'], MaxAttempts: 3 })],
      Catch: [expect.objectContaining({ Next: 'evaluate failed' })],
    });
    const result = (validator as unknown as (d: unknown, o: object) => { isValid: boolean; errors: unknown[] })(clone(def), { checkPaths: true, checkArn: true });
    expect(result.errors).toEqual([]);
    expect(checkAslRules(def)).toEqual([]);
    // Retrying every error (an access denial, a bad parameter) would be reported.
    const retryAll = clone(def) as Json;
    retryAll.States[names.publish].Retry[0].ErrorEquals = ['States.ALL'];
    expect(checkAslRules(retryAll).map((f) => f.location)).toEqual([`States.${names.publish}.Retry[0].ErrorEquals`]);
  });

  test('the request, resolved against the sample input, passes the CloudWatch PutMetricData shape (and a broken one does not)', async () => {
    const cloudwatch = await loadServiceModel('cloudwatch');
    if (!cloudwatch.found) throw new Error('botocore models are needed (LEGACY_MLOPS_PYTHON=/usr/bin/python3)');
    const requests = await captureTaskRequests(def, input, 'nightly-1');
    const publish = requests.find((r) => r.stateName === names.publish)!;
    const integration = parseSageMakerResource(publish.resource)!.integration;
    expect([integration.service, integration.operation]).toEqual(['cloudwatch', 'PutMetricData']);
    // The sample's passing report carries the threshold as the metric.
    expect(publish.request).toEqual({
      Namespace: 'legacy-mlops/demo',
      MetricData: [{ MetricName: 'accuracy', Dimensions: [{ Name: 'Pipeline', Value: 'demo' }, { Name: 'Stage', Value: 'evaluate' }], Value: 0.7, Unit: 'None' }],
    });
    expect(checkRequestShape('PutMetricData', publish.request, cloudwatch.model, publish.stateName)).toEqual([]);
    const broken = { ...(publish.request as Json), MetricData: [{ ...(publish.request as Json).MetricData[0], Unit: 'Percentage' }] };
    expect(checkRequestShape('PutMetricData', broken, cloudwatch.model, publish.stateName)).not.toEqual([]);
    expect(checkRequestShape('PutMetricData', { MetricData: [] }, cloudwatch.model, publish.stateName)).not.toEqual([]);
  });

  test('in a fan-out, one datapoint for the pipeline and one for the item', async () => {
    const fanned = resolvePipeline({ ...options, fanOut: {} });
    const requests = await captureTaskRequests(buildStateMachine(fanned), buildExecutionInput(fanned), 'nightly-1');
    const publishes = requests.filter((r) => r.resource === PUT_METRIC_DATA_RESOURCE);
    expect(publishes.length).toBeGreaterThan(0);
    const data = (publishes[0].request as Json).MetricData;
    expect(data.map((d: Json) => d.Dimensions.map((x: Json) => x.Name))).toEqual([['Pipeline', 'Stage'], ['Pipeline', 'Stage', 'Item']]);
    expect(typeof data[1].Dimensions[2].Value).toBe('string');
  });
});

describe('the engine', () => {
  async function run(definition: StateMachineDefinition, report: Json) {
    const calls: [string, Json][] = [];
    const handlers: Record<string, (r: Json) => Promise<Json>> = {};
    for (const [name, state] of Object.entries(definition.States as Record<string, Json>)) {
      if (state.Type !== 'Task') continue;
      handlers[name] = async (request) => {
        calls.push([name, request]);
        if (state.Resource.includes('getObject')) return { Body: JSON.stringify(report) };
        const parsed = parseSageMakerResource(state.Resource)!;
        return parsed.integration.response(request, parsed.sync, (kind, n) => `arn:aws:sagemaker:${REGION}:${ACCOUNT}:${kind}/${n}`) as Json;
      };
    }
    const execution = new StateMachine(clone(definition) as never).run(clone(input) as never, {
      overrides: { taskResourceLocalHandlers: handlers as never },
      context: { Execution: { Name: 'run-1', Id: `arn:aws:states:${REGION}:${ACCOUNT}:execution:demo:run-1` } },
    } as never);
    try {
      await execution.result;
      return { calls, error: undefined };
    } catch (error) {
      return { calls, error: error as Error };
    }
  }
  const published = (calls: [string, Json][]) => calls.filter(([name]) => name === names.publish).map(([, r]) => r.MetricData[0].Value);

  test('a passing value is published, then the pipeline goes on', async () => {
    const { calls, error } = await run(def, { metrics: { accuracy: { value: 0.9 } } });
    expect(error).toBeUndefined();
    expect(published(calls)).toEqual([0.9]);
    expect(calls.map(([n]) => n)).toContain('transform');
  });

  test('a failing value is published too, then the gate fails', async () => {
    const { calls, error } = await run(def, { metrics: { accuracy: { value: 0.4 } } });
    expect(published(calls)).toEqual([0.4]);
    expect(String((error as any)?.cause?.name ?? error?.message) + String(error?.message)).toContain('MetricBelowThreshold');
  });

  test('a missing or non-numeric metric publishes nothing and ends in MetricMissing', async () => {
    for (const report of [{ metrics: {} }, { metrics: { accuracy: { value: 'high' } } }]) {
      const { calls, error } = await run(def, report);
      expect(published(calls)).toEqual([]);
      expect(String((error as any)?.cause?.name ?? '') + String(error?.message)).toContain('MetricMissing');
    }
  });
});

describe('IAM', () => {
  const docs = buildIamDocuments(def, p);
  const decide = (call: ApiCall): Promise<string> => simulateCall(p.roles.stateMachineRoleArn, docs.stateMachineRolePolicy, call, { account: ACCOUNT });

  test('the state machine role may publish to the pipeline\'s namespace, and to no other', async () => {
    const calls = requiredCalls(def, p).filter((c) => c.state === names.publish);
    expect(calls.map((c) => [c.role, c.action, c.context])).toEqual([['stateMachine', 'cloudwatch:PutMetricData', { 'cloudwatch:namespace': 'legacy-mlops/demo' }]]);
    expect(await decide(calls[0])).toBe('Allowed');
    expect(await decide({ ...calls[0], context: { 'cloudwatch:namespace': 'legacy-mlops/other' } })).toBe('ImplicitlyDenied');
    expect(await decide({ ...calls[0], context: { 'cloudwatch:namespace': 'AWS/SageMaker' } })).toBe('ImplicitlyDenied');
    expect(await decide({ action: 'cloudwatch:PutMetricData', resource: '*' })).toBe('ImplicitlyDenied');
    expect(JSON.stringify(docs.sageMakerExecutionRolePolicy)).not.toContain('legacy-mlops/demo');
  });

  test('a Namespace other than the pipeline\'s own is refused when the policy is derived', () => {
    const edited = clone(def) as Json;
    edited.States[names.publish].Parameters.Namespace = 'AWS/SageMaker';
    expect(() => buildIamDocuments(edited as StateMachineDefinition, p)).toThrow(/Namespace must be the pipeline's own namespace 'legacy-mlops\/demo'/);
  });
});

describe('the local emulator', () => {
  test('appends each datapoint to .local/metrics/<namespace>/<metric>.jsonl, kept across runs; refuses what CloudWatch refuses', async () => {
    const root = mkdtempSync(join(tmpdir(), 'gate-metric-'));
    try {
      const lines: string[] = [];
      const run = (executionName: string) => ({ repoRoot: root, executionName, log: (l: string) => lines.push(l) }) as unknown as LocalRunContext;
      const request = (value: unknown) => ({ Namespace: 'legacy-mlops/demo', MetricData: [{ MetricName: 'accuracy', Dimensions: [{ Name: 'Pipeline', Value: 'demo' }, { Name: 'Stage', Value: 'evaluate' }], Value: value, Unit: 'None' }] });
      const state = { name: names.publish, resource: PUT_METRIC_DATA_RESOURCE, definition: {} };
      await (await putMetricDataEmulator.prepare(state, run('run-1'))).handler(request(0.82));
      await (await putMetricDataEmulator.prepare(state, run('run-2'))).handler(request(0.64));
      const file = localMetricFile(root, 'legacy-mlops/demo', 'accuracy');
      expect(file).toBe(join(root, '.local/metrics/legacy-mlops/demo/accuracy.jsonl'));
      const points = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      expect(points.map((pt) => [pt.execution, pt.value, pt.dimensions])).toEqual([
        ['run-1', 0.82, { Pipeline: 'demo', Stage: 'evaluate' }],
        ['run-2', 0.64, { Pipeline: 'demo', Stage: 'evaluate' }],
      ]);
      expect(lines[0]).toContain('accuracy = 0.82 (Pipeline=demo, Stage=evaluate) → .local/metrics/legacy-mlops/demo/accuracy.jsonl');
      const handler = (await putMetricDataEmulator.prepare(state, run('run-3'))).handler;
      await expect(handler(request('0.9'))).rejects.toMatchObject({ name: 'CloudWatch.InvalidParameterValueException' });
      await expect(handler({ ...request(1), Namespace: 'AWS/SageMaker' })).rejects.toMatchObject({ name: 'CloudWatch.InvalidParameterValueException' });
      await expect(handler({ ...request(1), Namespace: 'a/../../../etc' })).rejects.toMatchObject({ name: 'CloudWatch.InvalidParameterValueException' });
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
