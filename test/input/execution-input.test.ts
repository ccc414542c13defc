/**
 * The execution-input schema's words for each stage's run settings (src/input/execution-input.ts):
 * an instance type is named by the family it belongs to, and a tuning stage's settings say they are
 * those of the tuning job's training jobs (there is no "tuning instance type" in SageMaker).
 */
import { buildExecutionInputSchema } from '../../src/input/index.js';
import { LIFECYCLE_STAGES, resolvePipeline, type StageOptions } from '../../src/model/index.js';
import { tunedLifecycle } from '../support/tuning-fixtures.js';

type Json = Record<string, any>;


function definitionOf(stages: readonly StageOptions[], name: string): Json {
  const schema = buildExecutionInputSchema(resolvePipeline({ name: 'demo', region: 'eu-west-1', account: '111122223333', stages: [...stages] })) as Json;
  const ref: string = schema.properties.stages.properties[name].$ref;
  return schema.definitions[ref.replace('#/definitions/', '')];
}

const descriptions = (definition: Json) => Object.fromEntries(Object.entries(definition.properties as Json).map(([key, value]) => [key, (value as Json).description]));

test("a tuning stage's settings are those of each of its training jobs, on training instances", () => {
  const stages = tunedLifecycle();
  const tuning = definitionOf(stages, 'train');
  expect(descriptions(tuning)).toEqual({
    imageUri: "Amazon ECR image each of the tuning job's training jobs runs.",
    instanceType: "SageMaker training instance type, for each of the tuning job's training jobs.",
    instanceCount: "Number of instances, for each of the tuning job's training jobs.",
    volumeSizeInGB: "Storage volume per instance in GB, for each of the tuning job's training jobs.",
    maxRuntimeInSeconds: "Seconds each of the tuning job's training jobs may run before SageMaker stops it.",
  });
  // The training family's instance types: the tuning request's ResourceConfig takes those.
  expect(tuning.properties.instanceType.enum).toEqual(definitionOf(LIFECYCLE_STAGES, 'train').properties.instanceType.enum);
  expect(JSON.stringify(buildExecutionInputSchema(resolvePipeline({ name: 'demo', region: 'eu-west-1', account: '111122223333', stages })))).not.toMatch(/tuning instance/i);
});

test('other kinds: the family names the instance type (an evaluation runs on processing instances), and the job is the subject', () => {
  const byName = (name: string) => descriptions(definitionOf(LIFECYCLE_STAGES, name));
  const evaluation = LIFECYCLE_STAGES.find((s) => s.kind === 'evaluation')!.name;
  const transform = LIFECYCLE_STAGES.find((s) => s.kind === 'transform')!.name;
  expect(byName(evaluation)).toMatchObject({ instanceType: 'SageMaker processing instance type.', imageUri: 'Amazon ECR image the job runs.', maxRuntimeInSeconds: 'Seconds the job may run before SageMaker stops it.' });
  expect(byName('train')).toMatchObject({ instanceType: 'SageMaker training instance type.', instanceCount: 'Number of instances, for the job.' });
  expect(byName(transform)).toMatchObject({ instanceType: 'SageMaker transform instance type.' });
  const endpoint = descriptions(definitionOf([...LIFECYCLE_STAGES, { name: 'serve', kind: 'endpoint' }], 'serve'));
  expect(endpoint).toMatchObject({ instanceType: 'SageMaker endpoint instance type.', instanceCount: 'Number of instances, for the endpoint.' });
});
