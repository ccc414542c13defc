/**
 * The option validators compiled ahead of time (src/model/options-validators.ts, ajv standalone code):
 * current with the schemas, and deciding every document exactly as a validator compiled now from the same
 * schema does (same verdict, same errors), so moving the compile to build time changed no message.
 */
import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import { defaultStages } from '../../src/create/stage-catalog.js';
import { LIFECYCLE_STAGES, type PipelineOptions } from '../../src/model/index.js';
import { runtimeSchema } from '../../src/model/options-schema.js';
import * as standalone from '../../src/model/options-validators.js';
import { VALIDATED_SCHEMAS, VALIDATORS_FILE, VALIDATOR_OPTIONS, renderValidators, schemaHash } from '../tools/generate-validators.js';
import { DEMO } from '../support/stage-generator-fixtures.js';
import { TUNING_STAGE, tunedLifecycle } from '../support/tuning-fixtures.js';

const base: PipelineOptions = { name: 'demo', region: 'eu-west-1', account: '111122223333' };

const VALID_PIPELINES: ReadonlyArray<[string, unknown]> = [
  ['the smallest pipeline', base],
  ['the demo fixture (3 stages)', DEMO.pipeline],
  ['the default stages', { ...base, stages: defaultStages() }],
  ['the lifecycle', { ...base, stages: [...LIFECYCLE_STAGES] }],
  ['the lifecycle with tuning', { ...base, stages: tunedLifecycle() }],
  [
    'every top-level option',
    {
      ...base,
      bucket: 'b',
      existingBucket: true,
      existingRoles: { stateMachineRoleArn: 'arn:aws:iam::111122223333:role/a' },
      pipelineTimeoutSeconds: 600,
      cdkQualifier: 'q',
      schedule: { expression: 'rate(1 day)', enabled: false },
      notifications: { email: 'a@example.com' },
      environments: [{ name: 'prod', account: '111122223333', region: 'eu-west-1', modelSource: 'latest-approved' }],
      fanOut: { maxConcurrency: 2, itemsFrom: 's3-prefix' },
      dashboard: true,
    },
  ],
];

const INVALID_PIPELINES: ReadonlyArray<[string, unknown]> = [
  ['not an object', 'demo'],
  ['null', null],
  ['a list', [base]],
  ['a missing required key', { name: 'demo', region: 'eu-west-1' }],
  ['a misspelt top-level key', { ...base, stagez: [] }],
  ['a null option', { ...base, bucket: null }],
  ['a wrong type', { ...base, pipelineTimeoutSeconds: '600' }],
  ['a stage kind that does not exist', { ...base, stages: [{ name: 'a', kind: 'trainig' }] }],
  ['a framework given as a string', { ...base, stages: [{ name: 'a', framework: 'xgboost' }] }],
  ['a non-string environment value', { ...base, stages: [{ name: 'a', environment: { A: 1 } }] }],
  ['a misspelt key in an input', { ...base, stages: [{ name: 'a', inputs: [{ name: 'data', form: 'b' }] }] }],
  ['a gate without a threshold', { ...base, stages: [{ name: 'e', kind: 'evaluation', gate: { metric: 'acc' } }] }],
  ['a tuning range of an unknown type', { ...base, stages: [{ ...TUNING_STAGE, tuning: { ...TUNING_STAGE.tuning, ranges: { C: { type: 'linear', min: 0, max: 1 } } } }] }],
  ['several mistakes at once', { name: 1, region: 'eu-west-1', stages: [{ name: 'a', mode: 'scrip', skippable: 'yes', outputs: [{}] }], environments: [{ name: 'x' }] }],
];

const STAGES: ReadonlyArray<[string, unknown]> = [
  ['a valid stage', defaultStages()[0]],
  ['the tuning stage', TUNING_STAGE],
  ['a stage without a name', { mode: 'script' }],
  ['a stage with a misspelt key', { name: 'a', entryScipt: 'a.py' }],
  ['a stage with a wrong type', { name: 'a', instanceCount: '2' }],
];

/** A validator compiled now, as options-schema.ts compiled them before they moved to build time. */
function compiledNow(name: string): ValidateFunction {
  return new Ajv(VALIDATOR_OPTIONS).compile(runtimeSchema(VALIDATED_SCHEMAS[name]) as object);
}

function verdict(validate: ValidateFunction, document: unknown): { valid: boolean; errors: unknown } {
  const valid = validate(structuredClone(document)) as boolean;
  return { valid, errors: structuredClone(validate.errors ?? null) };
}

describe('option validators compiled at build time', () => {
  test('the committed file was generated from the current schemas (run `npx projen validators` when this fails)', () => {
    expect(standalone.SCHEMA_HASH).toBe(schemaHash());
    expect(readFileSync(VALIDATORS_FILE, 'utf8')).toBe(renderValidators());
  });

  test('it loads nothing of ajv at run time', () => {
    expect(readFileSync(VALIDATORS_FILE, 'utf8')).not.toMatch(/\brequire\(|^import /m);
    expect(readFileSync(new URL('../../src/model/options-schema.ts', import.meta.url), 'utf8')).not.toMatch(/^import (?!type )[^;]*from 'ajv'/m);
  });

  const pipelineNow = compiledNow('validatePipelineShape');
  test.each([...VALID_PIPELINES, ...INVALID_PIPELINES])('pipeline: %s — same verdict and errors as a freshly compiled validator', (label, document) => {
    const expected = verdict(pipelineNow, document);
    expect(verdict(standalone.validatePipelineShape as ValidateFunction, document)).toEqual(expected);
    expect(expected.valid).toBe(VALID_PIPELINES.some(([l]) => l === label));
  });

  const stageNow = compiledNow('validateStageShape');
  test.each(STAGES)('stage: %s — same verdict and errors as a freshly compiled validator', (label, document) => {
    const expected = verdict(stageNow, document);
    expect(verdict(standalone.validateStageShape as ValidateFunction, document)).toEqual(expected);
    expect(expected.valid).toBe(label.startsWith('a valid') || label.startsWith('the '));
  });
});
