/** Which sample logic a stage's stub starts with. */
import type { ResolvedStage } from '../model/index.js';

/** The three roles of the classic sample pipeline, chained by their legacy file names. */
export const SAMPLE_ROLES = ['preprocess', 'predict', 'postprocess'] as const;
export type SampleRole = (typeof SAMPLE_ROLES)[number];
export type StageRole = SampleRole | 'generic';

/**
 * A stage named like a sample role gets that role's logic, but only when it
 * has the sample's layout (one input, one output); otherwise the generic
 * stub, so the stub always matches the stage's actual channels.
 */
export function stageRole(stage: Pick<ResolvedStage, 'name' | 'inputs' | 'outputs'>): StageRole {
  const named = (SAMPLE_ROLES as readonly string[]).includes(stage.name);
  const sampleLayout = stage.inputs.length === 1 && stage.outputs.length === 1;
  return named && sampleLayout ? (stage.name as SampleRole) : 'generic';
}
