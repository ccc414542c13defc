/**
 * What each stage kind is, as SageMaker sees it: one row per kind. Code that differs by kind asks
 * these facts ("does it produce a model?", "which instances does it run on?") rather than comparing
 * kind names, so a new kind is described here and in the few tables typed `Record<StageKind, …>`
 * that the compiler then names (the states it builds, in src/asl/state-machine.ts).
 */
import { ENDPOINT_INSTANCE_TYPES, JOB_NAME_MAX, PROCESSING_INSTANCE_TYPES, TRAINING_INSTANCE_TYPES, TRANSFORM_INSTANCE_TYPES, TUNING_JOB_NAME_MAX, UUID_LENGTH } from './rules.js';
import type { JSONSchemaType } from 'ajv';
import type { ReportStageProblem } from './errors.js';
import { TUNING_SCHEMA, describeTuning, resolveTuning } from './tuning.js';
import type { KindOptionGroup, KindOptionGroups, ResolvedKindGroups, StageKind, StageOptions } from './types.js';

/**
 * The instance families SageMaker sizes, prices and keeps quotas for ("ml.m5.xlarge for processing job
 * usage"): each kind that starts instances runs on one of them.
 */
export type InstanceFamily = 'processing' | 'training' | 'transform' | 'endpoint';

export interface InstanceFamilyFacts {
  /** Instance types its requests accept (the SDK's enum). */
  readonly instanceTypes: readonly string[];
  /** Word for messages: "not a SageMaker <what> instance type". */
  readonly instanceWhat: string;
  /** Its request sizes a storage volume (transform and endpoint instances use their own storage). */
  readonly volume: boolean;
  /** Its request carries a maximum runtime (a transform's `maxRuntimeSeconds` bounds the Task only). */
  readonly maxRuntimeInRequest: boolean;
}

export const INSTANCE_FAMILIES: Readonly<Record<InstanceFamily, InstanceFamilyFacts>> = {
  processing: { instanceTypes: PROCESSING_INSTANCE_TYPES, instanceWhat: 'processing', volume: true, maxRuntimeInRequest: true },
  training: { instanceTypes: TRAINING_INSTANCE_TYPES, instanceWhat: 'training', volume: true, maxRuntimeInRequest: true },
  transform: { instanceTypes: TRANSFORM_INSTANCE_TYPES, instanceWhat: 'transform', volume: false, maxRuntimeInRequest: false },
  endpoint: { instanceTypes: ENDPOINT_INSTANCE_TYPES, instanceWhat: 'endpoint (production variant)', volume: false, maxRuntimeInRequest: false },
};

/**
 * What a job name's suffix is, computed inside the state so each attempt gets a fresh name: the whole
 * UUID, or, where names are short, the UUID's last group (12 hex digits).
 */
export type JobNameSuffix = 'uuid' | 'uuid-last-group';
export const JOB_NAME_SUFFIX_LENGTH: Readonly<Record<JobNameSuffix, number>> = { uuid: UUID_LENGTH, 'uuid-last-group': 12 };

/** The names a kind's requests give what it starts: `<prefix>-<suffix>`, at most `max` characters. */
export interface JobNameForm {
  readonly max: number;
  readonly suffix: JobNameSuffix;
}

/** The longest prefix a name form leaves room for: max - '-' - suffix. */
export function jobNamePrefixMax(form: JobNameForm): number {
  return form.max - 1 - JOB_NAME_SUFFIX_LENGTH[form.suffix];
}

/** Jobs, models and endpoint configs: 63 characters. */
const LONG_NAME: JobNameForm = { max: JOB_NAME_MAX, suffix: 'uuid' };
/** HyperParameterTuningJobName holds 32 characters: the prefix and the UUID's last group. */
const TUNING_NAME: JobNameForm = { max: TUNING_JOB_NAME_MAX, suffix: 'uuid-last-group' };

/**
 * Where a kind's channels are and what they carry: folders below /opt/ml/processing/, training channels
 * with the model as the one output, one model artifact (model stages), records to score with the
 * predictions out (transform), or no data at all.
 */
export type ChannelLayout = 'processing' | 'training' | 'model' | 'records' | 'none';

export interface KindFacts {
  /** The instance family it runs on (absent: the kind takes no instance settings). */
  readonly instances?: InstanceFamily;
  /** Instance types its request accepts: its family's. */
  readonly instanceTypes?: readonly string[];
  /** Word for messages: its family's. */
  readonly instanceWhat?: string;
  /** Runs a job on instances of its own: count, volume and max runtime apply. */
  readonly runsJob: boolean;
  /** Runs code from stages/<name>/ (script or Dockerfile). */
  readonly hasCode: boolean;
  /** Has an image setting of its own (model stages: the inference image). */
  readonly hasImage: boolean;
  /** Its one output is a model artifact (model.tar.gz), not data: model stages package it, transforms do not score it. */
  readonly producesModel: boolean;
  /** Reads a model artifact and writes the report a metric gate reads (evaluation). */
  readonly scoresModel: boolean;
  /** Its image and code serve the model (the inference image and script that hosting and transforms run). */
  readonly servesModel: boolean;
  /** Runs or records the model of an earlier model stage (`modelStage`), whose image it uses. */
  readonly usesModelStage: boolean;
  /** Its channels. */
  readonly channels: ChannelLayout;
  /** The names of what it starts. */
  readonly jobName: JobNameForm;
  /** Options only this kind takes, for the "only for" messages. */
  readonly options: readonly (keyof StageOptions)[];
}

/** The instance facts of a kind that runs on `family`. */
function on(family: InstanceFamily) {
  const { instanceTypes, instanceWhat } = INSTANCE_FAMILIES[family];
  return { instances: family, instanceTypes, instanceWhat };
}

const NEITHER = { producesModel: false, scoresModel: false, servesModel: false, usesModelStage: false, jobName: LONG_NAME } as const;
const JOB = { ...NEITHER, runsJob: true, hasCode: true, hasImage: true } as const;
const CALL = { ...NEITHER, runsJob: false, hasCode: false, hasImage: false, channels: 'none' } as const;

export const KIND_FACTS: Readonly<Record<StageKind, KindFacts>> = {
  processing: { ...JOB, ...on('processing'), channels: 'processing', options: [] },
  evaluation: { ...JOB, ...on('processing'), channels: 'processing', scoresModel: true, options: ['gate'] },
  training: { ...JOB, ...on('training'), channels: 'training', producesModel: true, options: ['hyperparameters'] },
  // A tuning job runs training jobs on the training stage's settings; its best job's model is the output.
  tuning: { ...JOB, ...on('training'), channels: 'training', producesModel: true, jobName: TUNING_NAME, options: ['hyperparameters', 'tuning'] },
  model: { ...CALL, hasImage: true, servesModel: true, channels: 'model', options: [] },
  transform: { ...CALL, ...on('transform'), runsJob: true, usesModelStage: true, channels: 'records', options: ['modelStage'] },
  endpoint: { ...CALL, ...on('endpoint'), usesModelStage: true, options: ['modelStage', 'endpointName', 'endpointWait'] },
  register: { ...CALL, usesModelStage: true, options: ['modelStage', 'registry'] },
  approval: { ...CALL, options: ['approval'] },
};

export const STAGE_KINDS = Object.keys(KIND_FACTS) as StageKind[];

/** A table with one row per kind, each made from the kind's facts. */
export function perKind<T>(row: (facts: KindFacts, kind: StageKind) => T): Readonly<Record<StageKind, T>> {
  return Object.fromEntries(STAGE_KINDS.map((kind) => [kind, row(KIND_FACTS[kind], kind)])) as unknown as Record<StageKind, T>;
}

/** Options that belong to one or two kinds (every kind's `options`); set on another kind they are a mistake, not a no-op. */
export const KIND_OPTIONS: readonly (keyof StageOptions)[] = [...new Set(STAGE_KINDS.flatMap((kind) => KIND_FACTS[kind].options))];

/** Whether `kind` (possibly unknown, from a user's file) produces a model artifact. */
export function producesModel(kind: string | undefined): boolean {
  return kind !== undefined && (KIND_FACTS as Record<string, KindFacts | undefined>)[kind]?.producesModel === true;
}

/** Its instances' request sizes a storage volume (transform and endpoint instances use their own storage). */
export function kindRunsOnVolume(kind: StageKind): boolean {
  const family = KIND_FACTS[kind].instances;
  return family !== undefined && INSTANCE_FAMILIES[family].volume;
}

/** Runs a job whose output is a model (training, tuning): its stub is the training logic. */
export function trainsModel(kind: StageKind): boolean {
  return KIND_FACTS[kind].producesModel && KIND_FACTS[kind].runsJob;
}

/** What a kind's own option group reads from the rest of its stage while it resolves. */
export interface KindGroupContext {
  /** The stage's fixed hyperparameters (a tuning range may not also be one). */
  readonly hyperparameters: Readonly<Record<string, string>>;
}

/** A field of group `G` (of any group, for the union): distributed, so the keys of every group count. */
type GroupKey<G extends KindOptionGroup> = G extends KindOptionGroup ? keyof KindOptionGroups[G]['options'] & string : never;

/**
 * One field of a kind's option group that a flag of `yo legacy-mlops:stage` sets (and asks for): the flag
 * and its question derive from it. Groups whose conversation is richer (tuning) write their own.
 */
export interface KindGroupField<G extends KindOptionGroup = KindOptionGroup> {
  /** The field: `stages[].<group>.<key>`. */
  readonly key: GroupKey<G>;
  /** The flag, kebab-case, without `--`. */
  readonly flag: string;
  /** The value's placeholder in the help: `<arn>`. */
  readonly value: string;
  /** Help text and question, e.g. 'the work team that labels the data (its ARN)'. */
  readonly description: string;
  /** How the text reads before the model checks it. @default 'text' */
  readonly syntax?: 'text' | 'whole-number' | 'number';
  /** The group cannot do without it: asked for, or named in the one line when not given. */
  readonly required: boolean;
  /** A valid value, standing in for it while another field's answer is checked (required fields). */
  readonly sample?: unknown;
}

/** A kind's own option group: its schema, its resolution (one-line problems) and how the README says what it runs. */
export interface KindOptionGroupFacts<G extends KindOptionGroup> {
  readonly schema: JSONSchemaType<KindOptionGroups[G]['options']>;
  /** The fields flags set and questions ask (none: the group's conversation is written by hand, as tuning's is). */
  readonly fields?: readonly KindGroupField<G>[];
  resolve(options: KindOptionGroups[G]['options'] | undefined, context: KindGroupContext, fail: ReportStageProblem): KindOptionGroups[G]['resolved'] | undefined;
  /** What a stage of it runs, in words (Markdown); `onInstances` is the instance line when the kind runs on instances. */
  describe(resolved: KindOptionGroups[G]['resolved'], onInstances: string | undefined): string;
}

/** One row per member of `KindOptionGroups`: the schema, the resolution, `.projenrc.ts` and the README derive from it. */
export const KIND_OPTION_GROUPS: { readonly [G in KindOptionGroup]: KindOptionGroupFacts<G> } = {
  tuning: { schema: TUNING_SCHEMA, resolve: (options, context, fail) => resolveTuning(options, context.hyperparameters, fail), describe: describeTuning },
};

export const KIND_OPTION_GROUP_NAMES = Object.keys(KIND_OPTION_GROUPS) as KindOptionGroup[];

/** The row of a group, typed for readers that do not care which group it is. */
export function groupFacts(group: KindOptionGroup): KindOptionGroupFacts<KindOptionGroup> {
  return KIND_OPTION_GROUPS[group] as unknown as KindOptionGroupFacts<KindOptionGroup>;
}

/** Resolves the groups `kind` takes (a group on another kind is refused with the other kinds' options). */
export function resolveKindGroups(s: StageOptions, kind: StageKind, context: KindGroupContext, fail: ReportStageProblem): ResolvedKindGroups {
  const resolved: Record<string, unknown> = {};
  for (const group of KIND_OPTION_GROUP_NAMES) {
    if (!KIND_FACTS[kind].options.includes(group)) continue;
    const value = groupFacts(group).resolve(s[group], context, fail);
    if (value !== undefined) resolved[group] = value;
  }
  return resolved as ResolvedKindGroups;
}

/** What a stage's own option group says it runs, when its kind has one. */
export function describeKindGroup(stage: ResolvedKindGroups & { readonly kind: StageKind }, onInstances: string | undefined): string | undefined {
  const group = KIND_OPTION_GROUP_NAMES.find((g) => KIND_FACTS[stage.kind].options.includes(g) && stage[g] !== undefined);
  return group && groupFacts(group).describe(stage[group]!, onInstances);
}
