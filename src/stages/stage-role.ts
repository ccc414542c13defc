/** Which sample logic a stage's stub starts with. */
import type { ResolvedStage, StageKind } from '../model/index.js';
import { KIND_FACTS, trainsModel } from '../model/stage-kinds.js';

/** The three roles of the classic sample pipeline, chained by their legacy file names. */
export const SAMPLE_ROLES = ['preprocess', 'predict', 'postprocess'] as const;
export type SampleRole = (typeof SAMPLE_ROLES)[number];
/**
 * Lifecycle roles: `split` prepares labelled data (a processing stage with `train`, `test` and `score`
 * outputs), `train` is any stage that trains a model (training, tuning), `evaluate` any that scores one (evaluation).
 */
export type LifecycleRole = 'split' | 'train' | 'evaluate';
export type StageRole = SampleRole | LifecycleRole | 'generic';

/** The outputs a processing stage needs for the lifecycle preparation logic. */
export const SPLIT_OUTPUTS = ['train', 'test', 'score'] as const;

/**
 * Training and evaluation stages get their kind's logic. A processing stage named like a sample role
 * gets that role's logic when it has the sample's layout (one input, one output); one with one input
 * and the train/test/score outputs gets the lifecycle preparation; otherwise the generic stub, so the
 * stub always matches the stage's actual channels.
 */
export function stageRole(stage: Pick<ResolvedStage, 'name' | 'inputs' | 'outputs'> & { readonly kind?: StageKind }): StageRole {
  if (stage.kind && trainsModel(stage.kind)) return 'train';
  if (stage.kind && KIND_FACTS[stage.kind].scoresModel) return 'evaluate';
  const outputs = stage.outputs.map((o) => o.name);
  if (stage.inputs.length === 1 && SPLIT_OUTPUTS.every((name) => outputs.includes(name))) return 'split';
  const named = (SAMPLE_ROLES as readonly string[]).includes(stage.name);
  const sampleLayout = stage.inputs.length === 1 && stage.outputs.length === 1;
  return named && sampleLayout ? (stage.name as SampleRole) : 'generic';
}
