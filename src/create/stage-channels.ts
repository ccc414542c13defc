/**
 * Places each imported stage's input and output folders where its legacy
 * script looks (the `/opt/ml/processing/...` paths it hard-codes), and wires
 * an input to the earlier stage whose script writes the file it reads.
 */
import { CHANNEL_NAME_PATTERN } from '../model/rules.js';
import type { StageInputOptions, StageOptions, StageOutputOptions } from '../model/types.js';
import { stageProblems } from './field-checks.js';
import type { ImportPlan, StageImport } from './legacy-import.js';
import type { ScannedFolder } from './legacy-paths.js';

export interface ChannelPlan {
  /** The stages with entry scripts set and, where scripts name them, their folders. */
  readonly stages: StageOptions[];
  /** What was found, one line each, to show (and confirm) before writing. */
  readonly summary: readonly string[];
  /** Paths the pipeline will not provide as the script expects. */
  readonly warnings: readonly string[];
}

/** Entry scripts only: the stages run the imported scripts, channels stay as they were. */
export function withEntryScripts(stages: readonly StageOptions[], plan: ImportPlan): StageOptions[] {
  return stages.map((s) => {
    const imported = plan.stages.find((i) => i.stage === s.name);
    return imported ? { ...s, entryScript: imported.entryScript } : s;
  });
}

interface Produced {
  readonly stage: string;
  readonly output: string;
  /** Files the script writes in this output's folder. */
  readonly files: readonly string[];
  /** Bare file names the stage's scripts mention (maybe joined onto a folder at run time). */
  readonly mentioned: readonly string[];
}

export function deriveChannels(stages: readonly StageOptions[], plan: ImportPlan, region: string): ChannelPlan {
  const result: StageOptions[] = [];
  const summary: string[] = [];
  const warnings: string[] = [];
  const produced: Produced[] = [];

  withEntryScripts(stages, plan).forEach((stage, index) => {
    const imported = plan.stages.find((i) => i.stage === stage.name);
    if (!imported || imported.channelsFixed) {
      if (imported) summary.push(`${stage.name}: runs stages/${stage.name}/${imported.entryScript || '(its image\'s command)'}; inputs and outputs as the legacy state machine had them`);
      result.push(stage);
      return;
    }
    for (const u of imported.paths.unplaced) warnings.push(`${stage.name}: ${u.path}: ${u.reason}`);
    const outputs = toOutputs(imported.paths.outputs);
    const inputs = toInputs(imported, index, stage, produced, result);
    const patched: StageOptions = {
      ...stage,
      ...(inputs.length > 0 ? { inputs: inputs.map((i) => i.channel) } : {}),
      ...(outputs.length > 0 ? { outputs: outputs.map((o) => o.channel) } : {}),
    };
    const problems = stageProblems([...result, patched], index, region);
    if (problems.length > 0) {
      warnings.push(`${stage.name}: the folders found in its script do not make a valid stage (${problems.join('; ')}); it keeps the default folders, so fix the paths in .projenrc.ts`);
      result.push(stage);
      return;
    }
    const width = Math.max(0, ...[...inputs, ...outputs].map((c) => c.channel.localPath?.length ?? 0));
    summary.push(`${stage.name}: runs stages/${stage.name}/${imported.entryScript}`);
    for (const i of inputs) summary.push(`  input  ${i.channel.name.padEnd(12)} ${(i.channel.localPath ?? '').padEnd(width)}  ${i.note}`);
    for (const o of outputs) {
      summary.push(`  output ${o.channel.name.padEnd(12)} ${(o.channel.localPath ?? '').padEnd(width)}${o.files.length ? `  writes ${o.files.join(', ')}` : ''}`);
      produced.push({ stage: stage.name, output: o.channel.name, files: o.files, mentioned: imported.paths.fileNames });
    }
    if (inputs.length === 0 && outputs.length === 0) summary.push('  no /opt/ml/processing paths found: default folders kept');
    for (const i of inputs) if (i.warning) warnings.push(`${stage.name}: ${i.warning}`);
    result.push(patched);
  });
  return { stages: result, summary, warnings };
}

function toOutputs(folders: readonly ScannedFolder[]): { channel: StageOutputOptions; files: readonly string[] }[] {
  const taken = new Set<string>();
  return folders.map((f) => ({ channel: { name: channelName(f.folder, taken), localPath: f.folder }, files: f.files }));
}

/**
 * The earlier output an input folder reads: the one whose folder holds a file the
 * script reads, else an output of the same name, else a stage whose scripts name that file.
 */
function findProducer(folder: ScannedFolder, name: string, produced: readonly Produced[]): Produced | undefined {
  const latestFirst = [...produced].reverse();
  const reads = (files: readonly string[]) => folder.files.some((file) => files.includes(file.split('/').pop()!));
  return (
    latestFirst.find((p) => reads(p.files)) ??
    latestFirst.find((p) => p.output === name) ??
    latestFirst.find((p) => reads(p.mentioned))
  );
}

function toInputs(
  imported: StageImport,
  index: number,
  stage: StageOptions,
  produced: readonly Produced[],
  earlier: readonly StageOptions[],
): { channel: StageInputOptions; note: string; warning?: string }[] {
  // Script mode delivers the code through an input channel named 'code'.
  const taken = new Set<string>((stage.mode ?? 'script') === 'script' ? ['code'] : []);
  const folders = imported.paths.inputs.map((f) => {
    const name = channelName(f.folder, taken);
    return { folder: f, name, producer: findProducer(f, name, produced) };
  });
  // An input nobody produces gets the previous stage's output only when no other input already does.
  let previousTaken = index === 0 || folders.some((f) => f.producer);
  return folders.map(({ folder: f, name, producer }) => {
    const reads = f.files.length ? `reads ${f.files.join(', ')}` : 'reads this folder';
    if (producer) {
      const from = `${producer.stage}/${producer.output}`;
      return { channel: { name, from, localPath: f.folder }, note: `${reads}, from ${from}` };
    }
    const rawHint = f.files.length ? `: put ${f.files.join(', ')} in data/raw/ (and under data/raw/ in the bucket)` : '';
    if (previousTaken) {
      const channel: StageInputOptions = { name, ...(index === 0 ? {} : { from: 'raw' }), localPath: f.folder };
      const warning = index === 0 ? undefined : `its script reads ${f.folder}, which no earlier stage writes; input '${name}' reads the raw data${rawHint}`;
      return { channel, note: `${reads}, from raw${index === 0 ? rawHint : ''}`, warning };
    }
    previousTaken = true;
    const previous = earlier[earlier.length - 1];
    const fallback = `${previous.name}/${previous.outputs?.[0]?.name ?? 'data'}`;
    const warning = f.files.length
      ? `its script reads ${f.files.map((file) => `${f.folder}/${file}`).join(', ')}, which no earlier imported stage writes; input '${name}' receives ${fallback}: check that it holds ${f.files.length > 1 ? 'those files' : 'that file'}`
      : undefined;
    return { channel: { name, localPath: f.folder }, note: `${reads}, from ${fallback}`, warning };
  });
}

/** A channel name from a folder's last part (`/opt/ml/processing/input/data` → `data`), unique within the stage. */
export function channelName(folder: string, taken: Set<string>): string {
  const base = (folder.split('/').pop() ?? '').replace(/[^A-Za-z0-9_-]/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 60) || 'data';
  let name = CHANNEL_NAME_PATTERN.test(base) ? base : 'data';
  for (let n = 2; taken.has(name); n++) name = `${base}-${n}`;
  taken.add(name);
  return name;
}
