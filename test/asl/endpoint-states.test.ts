/**
 * The endpoint stage: create-or-update decided on the exact endpoint name, and the bounded
 * Wait/DescribeEndpoint/Choice loop, run by aws-local-stepfunctions against a scripted SageMaker.
 * Every request it sends, the update path included, passes the SageMaker request shapes.
 */
import { StateMachine } from 'aws-local-stepfunctions';
import { buildStateMachine, endpointStateNames, type StateMachineDefinition } from '../../src/asl/index.js';
import { checkAslRules, checkRequestShape, loadSageMakerModel, parseSageMakerResource, type ServiceModel } from '../../src/checks/index.js';
import { buildExecutionInput } from '../../src/input/index.js';
import { LIFECYCLE_STAGES, resolvePipeline, type PipelineOptions } from '../../src/model/index.js';

type Json = Record<string, any>;
const options: PipelineOptions = {
  name: 'demo',
  region: 'eu-west-1',
  account: '111122223333',
  stages: [...LIFECYCLE_STAGES, { name: 'serve', kind: 'endpoint', endpointName: 'churn-live', instanceType: 'ml.t2.medium', endpointWait: { intervalSeconds: 30, maxAttempts: 4 } }],
};
const p = resolvePipeline(options);
const def = buildStateMachine(p);
const names = endpointStateNames(p.stages[5]);

/** A SageMaker whose ListEndpoints knows `existing` and whose DescribeEndpoint answers `statuses` in turn. */
async function deploy(existing: string[], statuses: Json[]) {
  const calls: [string, Json][] = [];
  const answers: Record<string, (r: Json) => Json> = {
    createProcessingJob: (r) => ({ ProcessingJobName: r.ProcessingJobName, ProcessingJobArn: 'arn:x', ProcessingJobStatus: 'Completed' }),
    createTrainingJob: (r) => ({ TrainingJobName: r.TrainingJobName, TrainingJobArn: 'arn:x', TrainingJobStatus: 'Completed', ModelArtifacts: { S3ModelArtifacts: `${r.OutputDataConfig.S3OutputPath}${r.TrainingJobName}/output/model.tar.gz` } }),
    getObject: () => ({ Body: JSON.stringify({ metrics: { accuracy: { value: 0.9 } } }) }),
    putMetricData: () => ({}),
    createModel: (r) => ({ ModelArn: `arn:aws:sagemaker:eu-west-1:111122223333:model/${r.ModelName}` }),
    createTransformJob: (r) => ({ TransformJobName: r.TransformJobName, TransformJobArn: 'arn:x', TransformJobStatus: 'Completed' }),
    createEndpointConfig: (r) => ({ EndpointConfigArn: `arn:aws:sagemaker:eu-west-1:111122223333:endpoint-config/${r.EndpointConfigName}` }),
    listEndpoints: () => ({ Endpoints: existing.map((name) => ({ EndpointName: name, EndpointArn: `arn:aws:sagemaker:eu-west-1:111122223333:endpoint/${name}`, EndpointStatus: 'InService' })) }),
    createEndpoint: (r) => ({ EndpointArn: `arn:aws:sagemaker:eu-west-1:111122223333:endpoint/${r.EndpointName}` }),
    updateEndpoint: (r) => ({ EndpointArn: `arn:aws:sagemaker:eu-west-1:111122223333:endpoint/${r.EndpointName}` }),
    describeEndpoint: (r) => ({ EndpointName: r.EndpointName, ...statuses.shift() }),
  };
  const handlers = Object.fromEntries(
    Object.entries(def.States)
      .filter(([, s]) => s.Type === 'Task')
      .map(([name, s]) => {
        const action = (s as { Resource: string }).Resource.split(':').pop()!.replace('.sync', '');
        return [name, async (request: Json) => (calls.push([name, request]), answers[action](request))];
      }),
  );
  const waits = Object.keys(def.States).filter((n) => def.States[n].Type === 'Wait');
  const execution = new StateMachine(JSON.parse(JSON.stringify(def)) as never).run(JSON.parse(JSON.stringify(buildExecutionInput(p))) as never, {
    overrides: { taskResourceLocalHandlers: handlers as never, waitTimeOverrides: Object.fromEntries(waits.map((n) => [n, 0])) },
    context: { Execution: { Name: 'run-1' } },
  } as never);
  try {
    return { output: (await execution.result) as Json, calls, error: undefined };
  } catch (error) {
    return { output: undefined, calls, error: (error as { cause?: Error }).cause };
  }
}

const endpointCalls = (calls: [string, Json][]) => calls.map(([name]) => name).filter((n) => n.startsWith('serve'));

test('the definition is well-formed and waits a bounded time', () => {
  expect(checkAslRules(def as StateMachineDefinition)).toEqual([]);
  expect(def.States[names.wait]).toEqual({ Type: 'Wait', Seconds: 30, Next: names.status });
  expect(p.stages[5].taskTimeoutSeconds).toBeGreaterThanOrEqual(30 * 4);
});

test('a new endpoint is created, then polled until InService', async () => {
  const run = await deploy(['churn-live-v2', 'old-churn-live'], [{ EndpointStatus: 'Creating' }, { EndpointStatus: 'Creating' }, { EndpointStatus: 'InService' }]);
  expect(run.error).toBeUndefined();
  expect(endpointCalls(run.calls)).toEqual(['serve', names.find, names.create, names.status, names.status, names.status]);
  const config = run.calls.find(([n]) => n === 'serve')![1];
  const create = run.calls.find(([n]) => n === names.create)![1];
  expect(create.EndpointConfigName).toBe(config.EndpointConfigName);
  expect(config.ProductionVariants[0]).toMatchObject({ ModelName: run.output!.results.model.modelName, InstanceType: 'ml.t2.medium', InitialInstanceCount: 1 });
});

test('an existing endpoint of exactly that name is updated instead', async () => {
  const run = await deploy(['churn-live'], [{ EndpointStatus: 'Updating' }, { EndpointStatus: 'InService' }]);
  expect(run.error).toBeUndefined();
  expect(endpointCalls(run.calls)).toEqual(['serve', names.find, names.update, names.status, names.status]);
});

test('a failed endpoint ends in a Fail state carrying the description; a slow one stops after maxAttempts checks', async () => {
  const failed = await deploy([], [{ EndpointStatus: 'Failed', FailureReason: 'The primary container for production variant AllTraffic did not pass the ping health check.' }]);
  expect(failed.error?.name).toBe('EndpointFailed');
  expect(JSON.parse(failed.error!.message)).toMatchObject({ EndpointStatus: 'Failed', FailureReason: expect.stringContaining('ping health check') });

  const slow = await deploy([], Array.from({ length: 10 }, () => ({ EndpointStatus: 'Creating' })));
  expect(slow.error?.name).toBe('EndpointNotInService');
  expect(slow.error?.message).toBe('endpoint churn-live was not InService after 4 checks 30 s apart');
  expect(endpointCalls(slow.calls).filter((n) => n === names.status)).toHaveLength(4);
});

test('every endpoint request, create and update paths, passes the SageMaker request shapes', async () => {
  const lookup = await loadSageMakerModel();
  if (!lookup.found) throw new Error(lookup.hint);
  const model: ServiceModel = lookup.model;
  const created = await deploy([], [{ EndpointStatus: 'InService' }]);
  const updated = await deploy(['churn-live'], [{ EndpointStatus: 'InService' }]);
  const requests = [...created.calls, ...updated.calls].filter(([n]) => n.startsWith('serve'));
  const operations = new Set<string>();
  for (const [name, request] of requests) {
    const resource = (def.States[name] as { Resource: string }).Resource;
    const operation = parseSageMakerResource(resource)!.integration.operation!;
    operations.add(operation);
    expect(checkRequestShape(operation, request, model, name)).toEqual([]);
  }
  expect([...operations].sort()).toEqual(['CreateEndpoint', 'CreateEndpointConfig', 'DescribeEndpoint', 'ListEndpoints', 'UpdateEndpoint']);
});
