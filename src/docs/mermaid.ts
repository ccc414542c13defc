/** Mermaid flowchart of a pipeline (GitHub renders it in the README). */
import { promotions, type Promotion } from '../asl/promotion-states.js';
import { KIND_FACTS } from '../model/stage-kinds.js';
import type { ResolvedPipeline, ResolvedStage } from '../model/types.js';

/** Mermaid node ids must be plain identifiers. */
const nodeId = (name: string) => `stage_${name.replace(/-/g, '_')}`;

/** Register and approval stages run no job: what they do instead. */
function governanceLabel(stage: ResolvedStage): string | undefined {
  if (stage.registry) {
    return `${stage.name}<br/><small>register · version in group ${stage.registry.group} · ${stage.registry.autoApprove ? 'Approved' : 'PendingManualApproval'}</small>`;
  }
  if (stage.approval) {
    const days = Math.round((stage.approval.timeoutSeconds / 86400) * 10) / 10;
    return `${stage.name}<br/><small>approval · a person decides within ${days} d</small>`;
  }
  return undefined;
}

function stageLabel(stage: ResolvedStage, promotion?: Promotion, servedIn?: string): string {
  const governance = governanceLabel(stage);
  if (governance) return governance;
  const runs =
    stage.image.source === 'model'
      ? `${stage.kind} · model of ${stage.image.modelStage}${promotion ? ` (${servedIn}: newest Approved version of ${promotion.group})` : ''}`
      : stage.image.source === 'framework'
        ? `${stage.kind === 'processing' ? '' : `${stage.kind} · `}${stage.image.framework.name} ${stage.image.framework.version} · ${stage.entryScript}`
        : stage.image.source === 'dockerfile'
          ? `container · ${stage.image.dockerfile}`
          : KIND_FACTS[stage.kind].hasImage
            ? 'container · existing image'
            : `${stage.kind} · no image of its own`;
  const instances = !KIND_FACTS[stage.kind].instances ? '' : `<br/>${stage.instanceCount}× ${stage.instanceType}`;
  return `${stage.name}<br/><small>${runs}${instances}</small>`;
}

export function pipelineMermaid(pipeline: ResolvedPipeline): string {
  const fanOut = pipeline.fanOut;
  const rawFolder = !fanOut ? '' : fanOut.itemsFrom === 's3-prefix' ? '&lt;item&gt;' : '&lt;item&gt;/';
  const lines = ['flowchart LR', `  raw[("raw data<br/><small>data/raw/${rawFolder}</small>")]`];
  // A fan-out runs the whole chain once per item: its stages sit in one box.
  if (fanOut) {
    const source = { s3: 'item of s3://&lt;itemsBucket&gt;/&lt;itemsKey&gt;', 's3-prefix': 'object under s3://&lt;itemsBucket&gt;/&lt;itemsPrefix&gt;', input: 'item of input items' }[fanOut.itemsFrom];
    lines.push(`  subgraph fan_out["for each ${source}: ${fanOut.maxConcurrency} at a time, ${fanOut.toleratedFailurePercentage}% may fail"]`);
  }
  // In a latest-approved environment, the first stage serving a registered model serves the approved version, and so do the later ones.
  const promoted = promotions(pipeline);
  const servedIn = pipeline.environments.filter((e) => e.modelSource === 'latest-approved').map((e) => e.name).join(', ');
  for (const stage of pipeline.stages) {
    const promotion = promoted.find((p) => p.modelStage.name === stage.modelStage && !stage.registry && pipeline.stages.indexOf(stage) >= pipeline.stages.indexOf(p.servingStage));
    const label = stageLabel(stage, promotion, servedIn);
    // An approval is a decision: a rhombus.
    lines.push(stage.approval ? `  ${nodeId(stage.name)}{"${label}"}` : `  ${nodeId(stage.name)}["${label}"]`);
    lines.push(`  ${nodeId(stage.name)}_failed(["${stage.name} failed"])`);
  }
  if (fanOut) lines.push('  end');
  lines.push('  done(["succeeded"])');
  pipeline.stages.forEach((stage, index) => {
    // An approval reads no data: it sits between the stage before it and the stage it lets through.
    const before = pipeline.stages[index - 1];
    const after = pipeline.stages[index + 1];
    if (stage.approval && before) lines.push(`  ${nodeId(before.name)} --> ${nodeId(stage.name)}`);
    if (stage.approval && after) lines.push(`  ${nodeId(stage.name)} -- "approved" --> ${nodeId(after.name)}`);
    for (const input of stage.inputs) {
      const source = input.from === 'raw' ? 'raw' : nodeId(input.from.split('/')[0]);
      const label = input.from === 'raw' ? input.name : `${input.from.split('/')[1]} → ${input.name}`;
      lines.push(`  ${source} -- "${label}" --> ${nodeId(stage.name)}`);
    }
    if (stage.modelStage) lines.push(`  ${nodeId(stage.modelStage)} -- "model" --> ${nodeId(stage.name)}`);
    lines.push(`  ${nodeId(stage.name)} -. error .-> ${nodeId(stage.name)}_failed`);
    if (stage.approval) lines.push(`  ${nodeId(stage.name)} -. "rejected or no decision" .-> ${nodeId(stage.name)}_failed`);
    if (stage.registry) lines.push(`  ${nodeId(stage.name)} -- "version" --> registry_${stage.registry.group.replace(/-/g, '_')}[("model registry<br/><small>${stage.registry.group}</small>")]`);
    if (stage.gate) lines.push(`  ${nodeId(stage.name)} -. "${stage.gate.metric} ${stage.gate.greaterIsBetter ? '<' : '>'} threshold" .-> ${nodeId(stage.name)}_failed`);
  });
  const last = pipeline.stages[pipeline.stages.length - 1];
  lines.push(`  ${nodeId(last.name)} --> done`);
  lines.push('  classDef fail fill:#fde2e1,stroke:#c0392b;');
  lines.push(`  class ${pipeline.stages.map((s) => `${nodeId(s.name)}_failed`).join(',')} fail;`);
  return lines.join('\n');
}
