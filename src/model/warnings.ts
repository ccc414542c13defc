/**
 * `pipelineWarnings`: what is valid but probably not what the user meant. Pure; shown by synthesis
 * (`npx projen`), the local runner and `legacy-mlops validate`, never an error.
 */
import type { ResolvedPipeline } from './types.js';

export function pipelineWarnings(pipeline: ResolvedPipeline): string[] {
  const warnings: string[] = [];
  for (const stage of pipeline.stages) {
    const sharded = stage.inputs.filter((i) => i.distribution === 'sharded').map((i) => i.name);
    if (sharded.length > 0 && stage.instanceCount === 1) {
      warnings.push(
        `stage '${stage.name}': input ${sharded.map((n) => `'${n}'`).join(', ')} is sharded, but the stage runs on one instance, which gets every object; set instanceCount above 1 to split the work`,
      );
    }
  }
  return warnings;
}
