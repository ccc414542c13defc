/**
 * The sample execution input (`pipeline/execution-input.json`) and its JSON Schema
 * (`pipeline/execution-input.schema.json`). Run-specific values live here, not in the ASL,
 * so one deployed state machine serves any bucket, role, image or instance size.
 */
import { KIND_SETTINGS, stageInputKey, type StageSetting } from '../asl/input-paths.js';
import { INSTANCE_COUNT_RANGE, MAX_RUNTIME_RANGE, VOLUME_SIZE_RANGE } from '../model/rules.js';
import { KIND_FACTS } from '../model/stage-kinds.js';
import { ITEM_ID_PATTERN } from '../model/fan-out.js';
import type { ResolvedPipeline, ResolvedStage, StageKind } from '../model/types.js';

/**
 * Run settings of one stage; which ones a stage has depends on its kind (`KIND_SETTINGS`).
 * Processing, training and evaluation jobs and model stages have an `imageUri`; transform and
 * endpoint stages have none (they run the image of their model stage's model).
 */
export interface StageRunSettings {
  readonly imageUri?: string;
  readonly instanceType?: string;
  readonly instanceCount?: number;
  readonly volumeSizeInGB?: number;
  readonly maxRuntimeInSeconds?: number;
  /** Evaluation stages: the gate's threshold for this execution. */
  readonly threshold?: number;
  /** Skippable stages: false skips the stage in this execution (absent means enabled). */
  readonly enabled?: boolean;
}

export interface ExecutionInput {
  readonly roleArn: string;
  readonly rawDataUri: string;
  readonly codeUri: string;
  readonly runsUri: string;
  /** With a metric gate: `runsUri`'s bucket and key prefix (S3 GetObject takes them apart). */
  readonly runsBucket?: string;
  readonly runsKeyPrefix?: string;
  readonly stages: Record<string, StageRunSettings>;
  /** Fan-out from the input: the items, each with an `id` (an S3 key segment) and any other fields. */
  readonly items?: readonly FanOutItem[];
  /** Fan-out from S3: the JSON array of items (`itemsKey`), or the prefix whose every object is one item (`itemsPrefix`). */
  readonly itemsBucket?: string;
  readonly itemsKey?: string;
  readonly itemsPrefix?: string;
}

export interface FanOutItem {
  readonly id: string;
  readonly [field: string]: unknown;
}

/** The sample items: three, each with its own sample data under data/raw/<id>/. */
export const SAMPLE_ITEM_IDS = ['item-1', 'item-2', 'item-3'] as const;
/** Fan-out from S3: the sample's key of the items file, in the project's bucket (seeded from data/items.json locally). */
export const SAMPLE_ITEMS_KEY = 'items/items.json';
/** Items files live under this prefix of the project's bucket: the state machine role may read nothing else there. */
export const ITEMS_KEY_PREFIX = 'items/';

export function stageImageUri(stage: ResolvedStage): string {
  return stage.image.source === 'framework' ? stage.image.framework.imageUri : stage.image.imageUri;
}

/** True when the state machine reads `runsBucket` and `runsKeyPrefix` (a metric gate reads a report, a fan-out writes its results). */
export function needsRunsObjectLocation(pipeline: ResolvedPipeline): boolean {
  return pipeline.fanOut !== undefined || pipeline.stages.some((s) => s.gate);
}

/** `s3://<bucket>/<key prefix>` → its two parts. */
export function splitS3Uri(uri: string): { bucket: string; keyPrefix: string } {
  const match = /^s3:\/\/([^/]+)\/(.*)$/.exec(uri);
  if (!match) throw new Error(`'${uri}' is not an s3://<bucket>/<prefix> URI`);
  return { bucket: match[1], keyPrefix: match[2] };
}

function settingValue(stage: ResolvedStage, setting: StageSetting): string | number | boolean {
  switch (setting) {
    case 'imageUri':
      return stageImageUri(stage);
    case 'instanceType':
      return stage.instanceType;
    case 'instanceCount':
      return stage.instanceCount;
    case 'volumeSizeInGB':
      return stage.volumeSizeGb;
    case 'maxRuntimeInSeconds':
      return stage.maxRuntimeSeconds;
    case 'threshold':
      return stage.gate!.threshold;
    case 'enabled':
      return true;
  }
}

/** The settings a stage's input entry holds, in order. */
export function stageSettings(stage: ResolvedStage): StageSetting[] {
  return [...KIND_SETTINGS[stage.kind], ...(stage.skippable ? (['enabled'] as const) : [])];
}

export function buildExecutionInput(pipeline: ResolvedPipeline): ExecutionInput {
  const stages: Record<string, StageRunSettings> = {};
  for (const stage of pipeline.stages) {
    stages[stageInputKey(stage.name)] = Object.fromEntries(stageSettings(stage).map((s) => [s, settingValue(stage, s)])) as unknown as StageRunSettings;
  }
  const runs = needsRunsObjectLocation(pipeline) ? splitS3Uri(pipeline.s3.runsUri) : undefined;
  return {
    roleArn: pipeline.roles.sageMakerExecutionRoleArn,
    rawDataUri: pipeline.s3.rawDataUri,
    codeUri: pipeline.s3.codeUri,
    runsUri: pipeline.s3.runsUri,
    ...(runs ? { runsBucket: runs.bucket, runsKeyPrefix: runs.keyPrefix } : {}),
    stages,
    ...(pipeline.fanOut?.itemsFrom === 'input' ? { items: SAMPLE_ITEM_IDS.map((id) => ({ id })) } : {}),
    ...(pipeline.fanOut?.itemsFrom === 's3' ? { itemsBucket: pipeline.s3.bucket, itemsKey: SAMPLE_ITEMS_KEY } : {}),
    ...(pipeline.fanOut?.itemsFrom === 's3-prefix' ? { itemsBucket: pipeline.s3.bucket, itemsPrefix: rawKeyPrefix(pipeline) } : {}),
  };
}

/** `data/raw/`: the raw-data prefix inside the project's bucket, which a per-object fan-out lists. */
export function rawKeyPrefix(pipeline: Pick<ResolvedPipeline, 's3'>): string {
  return splitS3Uri(pipeline.s3.rawDataUri).keyPrefix;
}

/** Schema of the fan-out fields of the input. */
function fanOutSchema(pipeline: ResolvedPipeline): { required: string[]; properties: Record<string, unknown> } {
  if (!pipeline.fanOut) return { required: [], properties: {} };
  if (pipeline.fanOut.itemsFrom === 's3') {
    return {
      required: ['itemsBucket', 'itemsKey'],
      properties: {
        itemsBucket: { type: 'string', const: pipeline.s3.bucket, description: "The project's bucket, which holds the JSON file listing the items." },
        itemsKey: { type: 'string', pattern: `^${ITEMS_KEY_PREFIX}[^*?]+$`, description: `Key of the JSON file, under ${ITEMS_KEY_PREFIX} (the only prefix the state machine may read it from): an array of items, each {"id": "<letters, digits, ., _, ->", …}.` },
      },
    };
  }
  if (pipeline.fanOut.itemsFrom === 's3-prefix') {
    const prefix = rawKeyPrefix(pipeline);
    return {
      required: ['itemsBucket', 'itemsPrefix'],
      properties: {
        itemsBucket: { type: 'string', const: pipeline.s3.bucket, description: "The project's bucket, which holds the raw data." },
        itemsPrefix: {
          type: 'string',
          pattern: `^${prefix}[^*?]*$`,
          description: `Every object under this prefix (within ${prefix}, the only data the roles may list and read) is one item: its file name is the item id, and the object is that item's raw data.`,
        },
      },
    };
  }
  return {
    required: ['items'],
    properties: {
      items: {
        type: 'array',
        minItems: 1,
        description: 'The items the stages run for, once each; every item reads its raw data from <rawDataUri><id>/ and writes under <runsUri><execution>/<id>/.',
        items: {
          type: 'object',
          required: ['id'],
          properties: { id: { type: 'string', pattern: ITEM_ID_PATTERN, description: 'Item id: an S3 key segment and a tag value.' } },
        },
      },
    },
  };
}

/** S3 prefix URI: `s3://<bucket>/<key prefix>/`, always ending in `/`. */
const S3_PREFIX_PATTERN = '^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]/([^/]+/)*$';
const BUCKET_PATTERN = '^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$';
const KEY_PREFIX_PATTERN = '^([^/]+/)*$';
const ROLE_ARN_PATTERN = '^arn:aws(-cn|-us-gov)?:iam::\\d{12}:role/[\\w+=,.@/-]{1,512}$';
const ECR_IMAGE_PATTERN = '^\\d{12}\\.dkr\\.ecr\\.[a-z0-9-]+\\.amazonaws\\.com(\\.cn)?/[a-z0-9]+([._/-][a-z0-9]+)*(:[\\w][\\w.-]{0,127}|@sha256:[a-f0-9]{64})?$';

/**
 * What runs on a kind's instances, where it is not the stage's own job: a tuning stage's settings are
 * those of every training job its tuning job starts.
 */
const RUNS_ON: Partial<Record<StageKind, string>> = { tuning: "each of the tuning job's training jobs" };

/** Schema of one setting for a kind. */
function settingSchema(kind: StageKind, setting: StageSetting): Record<string, unknown> {
  const facts = KIND_FACTS[kind];
  const runsOn = RUNS_ON[kind] ?? (facts.runsJob ? 'the job' : `the ${kind}`);
  switch (setting) {
    case 'imageUri':
      return { type: 'string', pattern: ECR_IMAGE_PATTERN, description: facts.servesModel ? 'Amazon ECR image that serves the model.' : `Amazon ECR image ${runsOn} runs.` };
    case 'instanceType':
      // The family's word: an evaluation runs on processing instances, a tuning job's training jobs on training instances.
      return { type: 'string', enum: [...(facts.instanceTypes ?? [])], description: `SageMaker ${facts.instances} instance type${RUNS_ON[kind] ? `, for ${runsOn}` : ''}.` };
    case 'instanceCount':
      return { type: 'integer', minimum: INSTANCE_COUNT_RANGE[0], maximum: INSTANCE_COUNT_RANGE[1], description: `Number of instances, for ${runsOn}.` };
    case 'volumeSizeInGB':
      return { type: 'integer', minimum: VOLUME_SIZE_RANGE[0], maximum: VOLUME_SIZE_RANGE[1], description: `Storage volume per instance in GB, for ${runsOn}.` };
    case 'maxRuntimeInSeconds':
      return { type: 'integer', minimum: MAX_RUNTIME_RANGE[0], maximum: MAX_RUNTIME_RANGE[1], description: `Seconds ${runsOn} may run before SageMaker stops it.` };
    case 'threshold':
      return { type: 'number', description: "The gate's threshold: the least (or, when lower is better, the most) acceptable value of the metric." };
    case 'enabled':
      return { type: 'boolean', description: 'false skips this stage in this execution (absent means enabled); no enabled later stage may need its output.' };
  }
}

/** Definition name per kind (and skippable variant): `processingStage`, `skippableTrainingStage`, … */
export function stageDefinitionName(stage: Pick<ResolvedStage, 'kind' | 'skippable'>): string {
  return stage.skippable ? `skippable${stage.kind[0].toUpperCase()}${stage.kind.slice(1)}Stage` : `${stage.kind}Stage`;
}

/** JSON Schema (draft-07) for the execution input; the sample must validate against it. */
export function buildExecutionInputSchema(pipeline: ResolvedPipeline): Record<string, unknown> {
  // One shared definition per kind keeps the schema small however many stages there are.
  const definitions: Record<string, unknown> = {};
  for (const stage of pipeline.stages) {
    const name = stageDefinitionName(stage);
    if (definitions[name]) continue;
    const settings = stageSettings(stage);
    definitions[name] = {
      type: 'object',
      additionalProperties: false,
      required: settings.filter((s) => s !== 'enabled'),
      properties: Object.fromEntries(settings.map((s) => [s, settingSchema(stage.kind, s)])),
    };
  }
  const stageSchema = (stage: ResolvedStage) => ({
    description: `Run settings of the ${stage.name} stage (${stage.kind}).`,
    $ref: `#/definitions/${stageDefinitionName(stage)}`,
  });
  const stageKeys = pipeline.stages.map((s) => stageInputKey(s.name));
  const runsObject = needsRunsObjectLocation(pipeline);
  const fanOut = fanOutSchema(pipeline);
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: `urn:legacy-mlops:${pipeline.name}:execution-input`,
    title: `${pipeline.name} execution input`,
    description: 'Input of one execution of the state machine in pipeline/state-machine.asl.json (generated; do not edit).',
    type: 'object',
    definitions,
    additionalProperties: false,
    required: ['roleArn', 'rawDataUri', 'codeUri', 'runsUri', ...(runsObject ? ['runsBucket', 'runsKeyPrefix'] : []), 'stages', ...fanOut.required],
    properties: {
      roleArn: { type: 'string', pattern: ROLE_ARN_PATTERN, description: 'SageMaker execution role the jobs run as.' },
      rawDataUri: { type: 'string', pattern: S3_PREFIX_PATTERN, description: 'S3 prefix of the raw input data.' },
      codeUri: { type: 'string', pattern: S3_PREFIX_PATTERN, description: 'S3 prefix holding one folder of code per script-mode stage.' },
      runsUri: { type: 'string', pattern: S3_PREFIX_PATTERN, description: 'S3 prefix under which each execution writes <execution name>/<stage>/<output>/.' },
      ...(runsObject
        ? {
            runsBucket: { type: 'string', pattern: BUCKET_PATTERN, description: "runsUri's bucket (the metric gate reads its report with S3 GetObject)." },
            runsKeyPrefix: { type: 'string', pattern: KEY_PREFIX_PATTERN, description: "runsUri's key prefix: runsUri is s3://<runsBucket>/<runsKeyPrefix>." },
          }
        : {}),
      stages: {
        type: 'object',
        additionalProperties: false,
        required: stageKeys,
        properties: Object.fromEntries(pipeline.stages.map((s) => [stageInputKey(s.name), stageSchema(s)])),
      },
      ...fanOut.properties,
    },
  };
}
