/**
 * One answer checked against the pipeline model, so every prompt and flag
 * says exactly what `validatePipeline` would say: the model is the one source
 * of rules, the scaffolder never copies them.
 */
import type { ModelProblem } from '../model/errors.js';
import { validatePipeline } from '../model/resolve.js';
import type { PipelineOptions, StageOptions } from '../model/types.js';

/** A valid project the checked field is dropped into. */
const PROBE: PipelineOptions = { name: 'probe', region: 'us-east-1', account: '111122223333', stages: [{ name: 'probe', mode: 'container' }] };

export type ProjectField = 'name' | 'region' | 'account' | 'bucket';

/** The model's message for one project-level answer, or undefined when it is valid. */
export function projectFieldProblem(field: ProjectField, value: string): string | undefined {
  return validatePipeline({ ...PROBE, [field]: value }).find((p) => p.path === field)?.message;
}

/** The part of a problem path after the stage, e.g. `instanceType` from `stages[0] (prep).instanceType`. */
export function stageFieldOf(problem: ModelProblem): { index: number; field: string } | undefined {
  const m = /^stages\[(\d+)\] \([^)]*\)\.?(.*)$/.exec(problem.path);
  return m ? { index: Number(m[1]), field: m[2] } : undefined;
}

/**
 * The model's message for one field of a stage, checked as the only stage of a
 * pipeline in `region` (framework images depend on it).
 */
export function stageFieldProblem(stage: StageOptions, field: keyof StageOptions, region = PROBE.region): string | undefined {
  const problems = validatePipeline({ ...PROBE, region, stages: [stage] });
  const hit = problems.find((p) => {
    const at = stageFieldOf(p);
    return at !== undefined && (at.field === field || at.field.startsWith(`${field}.`) || at.field.startsWith(`${field}[`));
  });
  return hit?.message;
}

/**
 * Every problem of stage `index` among `stages` (earlier stages matter: inputs
 * name their outputs), as `field: message` lines; empty when valid.
 */
export function stageProblems(stages: readonly StageOptions[], index: number, region = PROBE.region): string[] {
  return validatePipeline({ ...PROBE, region, stages: [...stages] })
    .map((p) => ({ at: stageFieldOf(p), message: p.message }))
    .filter((p) => p.at?.index === index)
    .map((p) => (p.at!.field ? `${p.at!.field}: ${p.message}` : p.message));
}

/** Adapts a check to inquirer's validate(): true, or the message to show. */
export function asPromptValidation(problem: string | undefined): true | string {
  return problem ?? true;
}
