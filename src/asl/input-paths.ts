import { INSTANCE_FAMILIES, perKind, type KindFacts } from '../model/stage-kinds.js';
import type { StageKind } from '../model/types.js';

/**
 * Where each run-specific value lives in the execution input: the one contract
 * shared by the ASL (which reads it), the sample input and its schema (which write it),
 * and the local runner. JSONPath keys avoid hyphens, so stage keys use underscores.
 */
export const INPUT = {
  roleArn: '$.roleArn',
  rawDataUri: '$.rawDataUri',
  codeUri: '$.codeUri',
  runsUri: '$.runsUri',
  /**
   * `runsUri` split into bucket and key prefix, present when a metric gate reads a report: the S3
   * GetObject call takes Bucket and Key, and no intrinsic function can cut a URI into them.
   */
  runsBucket: '$.runsBucket',
  runsKeyPrefix: '$.runsKeyPrefix',
  /** Fan-out with `itemsFrom: 'input'`: the items, each `{ "id": … }`. */
  items: '$.items',
  /** Fan-out with `itemsFrom: 's3'`: where the JSON array of items is. */
  itemsBucket: '$.itemsBucket',
  itemsKey: '$.itemsKey',
  /** Fan-out with `itemsFrom: 's3-prefix'`: the prefix (in `itemsBucket`) whose every object is one item. */
  itemsPrefix: '$.itemsPrefix',
} as const;

/**
 * Inside a fan-out item (a Distributed Map child execution, whose own `$$.Execution.Name` is not the
 * parent's), the Map's ItemSelector hands each item the parent's execution name and the item itself.
 */
export const ITEM_INPUT = {
  executionName: '$.executionName',
  item: '$.item',
  itemId: '$.item.id',
} as const;

/** The execution name run outputs are keyed by: the context's, or inside a fan-out item the parent's. */
export function executionNamePath(pipeline: { readonly fanOut?: unknown }): string {
  return pipeline.fanOut ? ITEM_INPUT.executionName : '$$.Execution.Name';
}

/** Key of a stage under `stages` in the execution input (stage names never contain `_`, so this is reversible). */
export function stageInputKey(stageName: string): string {
  return stageName.replace(/-/g, '_');
}

/** Per-stage settings read from `$.stages.<key>` by processing and training jobs. */
export const STAGE_SETTINGS = ['imageUri', 'instanceType', 'instanceCount', 'volumeSizeInGB', 'maxRuntimeInSeconds'] as const;

/**
 * The settings a kind reads from `$.stages.<key>` (besides `enabled` on skippable stages), in this
 * order: its own image, its instances, the volume and runtime its family's request carries, a gate's threshold.
 */
function kindSettings(facts: KindFacts): StageSetting[] {
  const family = facts.instances && INSTANCE_FAMILIES[facts.instances];
  return [
    ...(facts.hasImage ? (['imageUri'] as const) : []),
    ...(family ? (['instanceType', 'instanceCount'] as const) : []),
    ...(family?.volume ? (['volumeSizeInGB'] as const) : []),
    ...(family?.maxRuntimeInRequest ? (['maxRuntimeInSeconds'] as const) : []),
    ...(facts.scoresModel ? (['threshold'] as const) : []),
  ];
}

/** The settings each kind reads, from its facts. */
export const KIND_SETTINGS: Readonly<Record<StageKind, readonly StageSetting[]>> = perKind(kindSettings);
export type StageSetting = (typeof STAGE_SETTINGS)[number] | 'threshold' | 'enabled';

export function stageSettingPath(stageName: string, setting: StageSetting): string {
  return `$.stages.${stageInputKey(stageName)}.${setting}`;
}

/** Where a task's trimmed result lands in the state data. */
export function stageResultPath(stageName: string): string {
  return `$.results.${stageInputKey(stageName)}`;
}

/** A training stage's model artifact, `s3://…/<job name>/output/model.tar.gz`, as its Task's result names it. */
export function modelArtifactsPath(trainingStage: string): string {
  return `${stageResultPath(trainingStage)}.modelArtifacts`;
}

/** The SageMaker model name a model stage created (read back from CreateModel's ModelArn). */
export function modelNamePath(modelStage: string): string {
  return `${stageResultPath(modelStage)}.modelName`;
}

/** Where a caught error lands before the Fail state reads it. */
export const ERROR_PATH = '$.error';
