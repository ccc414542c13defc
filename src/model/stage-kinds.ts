/**
 * What each stage kind is, as SageMaker sees it: one row per kind. Code that differs by kind asks
 * these facts ("does it produce a model?") rather than comparing kind names.
 */
import { ENDPOINT_INSTANCE_TYPES, PROCESSING_INSTANCE_TYPES, TRAINING_INSTANCE_TYPES, TRANSFORM_INSTANCE_TYPES } from './rules.js';
import type { StageKind, StageOptions } from './types.js';

export interface KindFacts {
  /** Instance types its request accepts (absent: the kind takes no instance settings). */
  readonly instanceTypes?: readonly string[];
  /** Word for messages: "not a SageMaker <what> instance type". */
  readonly instanceWhat?: string;
  /** Runs a job on instances of its own: count, volume and max runtime apply. */
  readonly runsJob: boolean;
  /** Runs code from stages/<name>/ (script or Dockerfile). */
  readonly hasCode: boolean;
  /** Has an image setting of its own (model stages: the inference image). */
  readonly hasImage: boolean;
  /** Its one output is a model artifact (model.tar.gz), not data: model stages package it, transforms do not score it. */
  readonly producesModel: boolean;
  /** Runs or records the model of an earlier model stage (`modelStage`), whose image it uses. */
  readonly usesModelStage: boolean;
  /** Options only this kind takes, for the "only for" messages. */
  readonly options: readonly (keyof StageOptions)[];
}

const JOB = { runsJob: true, hasCode: true, hasImage: true, producesModel: false, usesModelStage: false } as const;
const CALL = { runsJob: false, hasCode: false, hasImage: false, producesModel: false, usesModelStage: false } as const;

export const KIND_FACTS: Readonly<Record<StageKind, KindFacts>> = {
  processing: { ...JOB, instanceTypes: PROCESSING_INSTANCE_TYPES, instanceWhat: 'processing', options: [] },
  evaluation: { ...JOB, instanceTypes: PROCESSING_INSTANCE_TYPES, instanceWhat: 'processing', options: ['gate'] },
  training: { ...JOB, instanceTypes: TRAINING_INSTANCE_TYPES, instanceWhat: 'training', producesModel: true, options: ['hyperparameters'] },
  // A tuning job runs training jobs on the training stage's settings; its best job's model is the output.
  tuning: { ...JOB, instanceTypes: TRAINING_INSTANCE_TYPES, instanceWhat: 'training', producesModel: true, options: ['hyperparameters', 'tuning'] },
  model: { ...CALL, hasImage: true, options: [] },
  transform: { ...CALL, instanceTypes: TRANSFORM_INSTANCE_TYPES, instanceWhat: 'transform', runsJob: true, usesModelStage: true, options: ['modelStage'] },
  endpoint: { ...CALL, instanceTypes: ENDPOINT_INSTANCE_TYPES, instanceWhat: 'endpoint (production variant)', usesModelStage: true, options: ['modelStage', 'endpointName', 'endpointWait'] },
  register: { ...CALL, usesModelStage: true, options: ['modelStage', 'registry'] },
  approval: { ...CALL, options: ['approval'] },
};

export const STAGE_KINDS = Object.keys(KIND_FACTS) as StageKind[];

/** Options that belong to one or two kinds; set on another kind they are a mistake, not a no-op. */
export const KIND_OPTIONS: readonly (keyof StageOptions)[] = ['gate', 'hyperparameters', 'tuning', 'modelStage', 'endpointName', 'endpointWait', 'registry', 'approval'];

/** Whether `kind` (possibly unknown, from a user's file) produces a model artifact. */
export function producesModel(kind: string | undefined): boolean {
  return kind !== undefined && (KIND_FACTS as Record<string, KindFacts | undefined>)[kind]?.producesModel === true;
}
