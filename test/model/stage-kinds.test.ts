/**
 * The tables derived from each kind's facts say what the hand-written per-kind tables said before
 * them (execution-input settings, instance types, quota usage, options), and the job-name forms fit
 * SageMaker's name limits.
 */
import { KIND_SETTINGS } from '../../src/asl/input-paths.js';
import { ENDPOINT_INSTANCE_TYPES, JOB_NAME_MAX, PROCESSING_INSTANCE_TYPES, TRAINING_INSTANCE_TYPES, TRANSFORM_INSTANCE_TYPES, TUNING_JOB_NAME_MAX } from '../../src/model/rules.js';
import { JOB_NAME_SUFFIX_LENGTH, KIND_FACTS, KIND_OPTIONS, KIND_OPTION_GROUP_NAMES, STAGE_KINDS, jobNamePrefixMax, kindRunsOnVolume } from '../../src/model/stage-kinds.js';
import { STAGE_OPTIONS_SCHEMA } from '../../src/model/options-schema.js';
import type { StageKind } from '../../src/model/types.js';

const JOB_SETTINGS = ['imageUri', 'instanceType', 'instanceCount', 'volumeSizeInGB', 'maxRuntimeInSeconds'];

test('the execution-input settings of each kind are those its requests read', () => {
  expect(KIND_SETTINGS).toEqual({
    processing: JOB_SETTINGS,
    training: JOB_SETTINGS,
    tuning: JOB_SETTINGS,
    evaluation: [...JOB_SETTINGS, 'threshold'],
    model: ['imageUri'],
    transform: ['instanceType', 'instanceCount'],
    endpoint: ['instanceType', 'instanceCount'],
    register: [],
    approval: [],
  });
});

test('each kind runs on the instance family (types and quota) of its SageMaker request', () => {
  const family = Object.fromEntries(STAGE_KINDS.map((k) => [k, KIND_FACTS[k].instances]));
  expect(family).toEqual({
    processing: 'processing',
    evaluation: 'processing',
    training: 'training',
    tuning: 'training',
    model: undefined,
    transform: 'transform',
    endpoint: 'endpoint',
    register: undefined,
    approval: undefined,
  });
  const types: Partial<Record<StageKind, readonly string[]>> = {
    processing: PROCESSING_INSTANCE_TYPES,
    evaluation: PROCESSING_INSTANCE_TYPES,
    training: TRAINING_INSTANCE_TYPES,
    tuning: TRAINING_INSTANCE_TYPES,
    transform: TRANSFORM_INSTANCE_TYPES,
    endpoint: ENDPOINT_INSTANCE_TYPES,
  };
  for (const kind of STAGE_KINDS) expect([kind, KIND_FACTS[kind].instanceTypes]).toEqual([kind, types[kind]]);
  expect(STAGE_KINDS.filter(kindRunsOnVolume)).toEqual(['processing', 'evaluation', 'training', 'tuning']);
});

test('kind-only options are every kind’s own options, each kind named once', () => {
  expect(KIND_OPTIONS).toEqual(['gate', 'hyperparameters', 'tuning', 'modelStage', 'endpointName', 'endpointWait', 'registry', 'approval']);
  expect(new Set(STAGE_KINDS).size).toBe(STAGE_KINDS.length);
});

test('each kind option group is some kind’s own option, and in the stage schema', () => {
  expect(KIND_OPTION_GROUP_NAMES).toEqual(['tuning']);
  for (const group of KIND_OPTION_GROUP_NAMES) {
    expect(STAGE_KINDS.filter((kind) => KIND_FACTS[kind].options.includes(group))).not.toEqual([]);
    expect(STAGE_OPTIONS_SCHEMA.properties).toHaveProperty(group);
  }
});

test('job-name forms: 63 characters with the UUID, tuning 32 with its last group; every prefix has room for a stage', () => {
  expect(KIND_FACTS.training.jobName).toEqual({ max: JOB_NAME_MAX, suffix: 'uuid' });
  expect(KIND_FACTS.tuning.jobName).toEqual({ max: TUNING_JOB_NAME_MAX, suffix: 'uuid-last-group' });
  expect(jobNamePrefixMax(KIND_FACTS.training.jobName)).toBe(63 - 1 - 36);
  expect(jobNamePrefixMax(KIND_FACTS.tuning.jobName)).toBe(32 - 1 - 12);
  expect(JOB_NAME_SUFFIX_LENGTH['uuid-last-group']).toBe('0a1b2c3d4e5f'.length);
  for (const kind of STAGE_KINDS) expect(jobNamePrefixMax(KIND_FACTS[kind].jobName)).toBeGreaterThan(1);
});
