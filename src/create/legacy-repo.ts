/**
 * `--from <legacy repository>`: turns what scanRepository found into the pipeline's stages (order,
 * kind and settings from the legacy state machine when there is one), the files each stage gets
 * (copied byte for byte), the sample data, and the migration report. Reads, never writes.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { recogniseFrameworkImage } from '../model/framework-images.js';
import { ENTRY_SCRIPT_PATTERN, RESERVED_STAGE_NAMES, STAGE_NAME_MAX } from '../model/rules.js';
import type { StageOptions } from '../model/types.js';
import { isObject, resolveTaskValues, type Json, type LegacyTask } from './legacy-asl.js';
import type { CopiedFile, StageImport } from './import-types.js';
import { scanScript } from './legacy-paths.js';
import { scanRepository, type RepoScan, type ScannedContainer, type ScannedScriptFolder } from './legacy-repo-scan.js';
import { settingsOf, type TaskSettings } from './legacy-task-settings.js';
import { launchLegacyTraining } from './legacy-training-launcher.js';
import type { MigrationItem } from './migration-report.js';
import { CreateError } from './errors.js';
import { catalogStage } from './stage-catalog.js';

/** Data files up to this size become the repo's sample data; bigger ones are referenced. */
export const SAMPLE_DATA_CAP_BYTES = 10 * 1024 * 1024;

export interface RepoImport {
  /** The pipeline's stages, in the legacy order (undefined: no state machine, the caller's stages stay). */
  readonly stages?: StageOptions[];
  /** Without a state machine: what the imported code sets on the caller's stages (mode, entry script). */
  readonly overrides?: StageOptions[];
  /** Files per stage (their channels already set when a state machine gave them). */
  readonly imports: StageImport[];
  /** Files written beside the legacy code (never inside it), relative to the stage folder. */
  readonly generated: readonly { readonly stage: string; readonly target: string; readonly content: string }[];
  /** Legacy data files that become `data/raw/<name>`. */
  readonly data: readonly CopiedFile[];
  readonly report: readonly MigrationItem[];
}

type Unit = { kind: 'scripts'; folder: ScannedScriptFolder; script: string } | { kind: 'container'; container: ScannedContainer };

export interface ImportTarget {
  readonly account?: string;
  readonly stageNames: readonly string[];
  /** `stage=folder`: the folder's code goes to this stage whatever its names say. */
  readonly explicitStage?: string;
}

export function importLegacyRepository(root: string, origin: string, target: ImportTarget): RepoImport {
  const scan = scanRepository(root, origin);
  const report: MigrationItem[] = scan.skipped.map((s) => ({ legacy: s.item, outcome: 'not imported', why: s.why, action: 'check that the file is what you meant; nothing else depends on it' }));
  for (const c of scan.containers) {
    if (c.analysis.problem) throw new CreateError(`Invalid ${origin}: ${path.posix.join(c.dir, c.dockerfile)}: ${c.analysis.problem}; add an ENTRYPOINT or CMD that runs the stage's script`);
  }
  if (scan.machines.length > 1) throw new CreateError(`Invalid ${origin}: ${scan.machines.map((m) => m.file).join(' and ')} are both state machines with SageMaker tasks; point --from at a folder holding one`);
  const result = scan.machines.length === 1 ? fromStateMachine(scan, origin, target, report) : fromFolders(scan, origin, target, report);
  const data = sampleData(scan, report);
  return { ...result, data, report };
}

function fromStateMachine(scan: RepoScan, origin: string, target: { account?: string }, report: MigrationItem[]): Omit<RepoImport, 'data' | 'report'> {
  const { file, machine: unresolved, raw } = scan.machines[0];
  const params = pickParameters(scan, file);
  const machine = resolveTaskValues(unresolved, raw, params?.value);
  report.push({ legacy: file, outcome: `state machine: ${machine.tasks.length} SageMaker task(s) became the stages below, in its order` });
  if (params) report.push({ legacy: params.file, outcome: 'input parameters: the values the state machine read from its input (instance types, sizes, images) are set on the stages' });
  const polling = endpointPolling(raw, machine.tasks.some((t) => t.kind === 'endpoint'));
  for (const other of machine.otherStates) {
    if (['Pass', 'Succeed', 'Fail', 'Wait'].includes(other.type)) continue;
    if (polling.has(other.name)) {
      report.push({ legacy: `${file}: state ${other.name} (${other.type}${other.resource ? ` ${other.resource}` : ''})`, outcome: 'replaced', why: 'it waited for the endpoint to be InService; the endpoint stage polls DescribeEndpoint itself (endpointWait in .projenrc.ts)' });
      continue;
    }
    report.push({ legacy: `${file}: state ${other.name} (${other.type}${other.resource ? ` ${other.resource}` : ''})`, outcome: 'left behind', why: 'it is not a SageMaker task', action: 'add it to pipeline/ by hand, or run it before or after the pipeline' });
  }
  const names = stageNamesFor(machine.tasks);
  const units = unitsOf(scan);
  const used = new Set<Unit>();
  const settings = machine.tasks.map((task, i) => settingsOf(task, names[i]));
  wireStages(settings, names, origin);

  const stages: StageOptions[] = [];
  const imports: StageImport[] = [];
  const generated: { stage: string; target: string; content: string }[] = [];
  machine.tasks.forEach((task, i) => {
    const s = settings[i];
    const name = names[i];
    // A value read from an earlier task's result (the model artifact) is wired, not missing.
    const [context, fromInput] = partition(task.unresolved.filter((u) => !(s.kind === 'model' && u.startsWith('PrimaryContainer.ModelDataUrl'))), (u) => u.includes('($$.'));
    if (context.length > 0) report.push({ legacy: `${file}: ${task.stateName}: ${context.join(', ')}`, outcome: 'replaced', why: 'values from the execution context (names per execution); the pipeline names its jobs, models and endpoint configs per execution itself' });
    for (const path of fromInput) report.push({ legacy: `${file}: ${task.stateName}.${path}`, outcome: 'left behind', why: 'the value comes from the execution input and no input-parameters file beside the state machine holds it', action: 'the stage keeps the default; set it in .projenrc.ts' });
    report.push(...s.report.map((r) => ({ ...r, legacy: `${task.stateName}: ${r.legacy}` })));
    if (s.roleArn && !stages.some((_, j) => settings[j].roleArn === s.roleArn)) {
      const other = target.account && !s.roleArn.includes(`::${target.account}:`) ? "another account's role" : 'a hand-made role';
      report.push({ legacy: `${task.stateName}: role ${s.roleArn}`, outcome: 'left behind', why: `${other}; the project creates least-privilege roles for its own stages`, action: 'to keep it, set existingRoles.sageMakerExecutionRoleArn in .projenrc.ts' });
    }
    const unit = s.kind === 'transform' || s.kind === 'endpoint' || (s.kind === 'model' && !s.entryScript) ? undefined : matchUnit(task, s, name, units, used);
    if (unit) used.add(unit);
    const { stage, stageImport, extra } = stageFrom(scan.root, task, s, name, unit, report, stages);
    stages.push(stage);
    if (stageImport) imports.push(stageImport);
    generated.push(...extra);
  });
  launchLegacyTraining(stages, imports, generated, report);
  const rawUris = [...new Set(settings.flatMap((s) => s.inputUris.filter((i) => !i.from && i.uri).map((i) => i.uri)))];
  if (rawUris.length > 1) {
    report.push({ legacy: `S3 locations ${rawUris.join(', ')}`, outcome: 'all read from s3://<bucket>/data/raw/ (data/raw/ locally)', why: 'the project has one raw-data prefix', action: 'check that each stage reads only its own files there (by file name)' });
    // A transform cannot pick files by name: it answers every object under its input.
    settings.forEach((s, i) => {
      const own = s.kind === 'transform' ? s.inputUris.find((u) => !u.from && u.uri) : undefined;
      if (own) report.push({ legacy: `${machine.tasks[i].stateName}: input ${own.uri}`, outcome: 'left behind', why: `the legacy transform read only that prefix; stage ${names[i]} transforms every file under data/raw/, the other stages' raw files too`, action: 'keep only the data to score in data/raw/ for such runs, or put a processing stage before it that writes the files to score' });
    });
  }
  for (const unit of units.filter((u) => !used.has(u))) {
    const where = unit.kind === 'container' ? `${unit.container.dir}/` : path.posix.join(unit.folder.dir, unit.script);
    report.push({ legacy: where, outcome: 'not imported', why: 'no task of the state machine runs it', action: `add a stage for it with: npx yo legacy-mlops:stage --from ${where}` });
  }
  return { stages, imports, generated };
}

/** Without a state machine: each script folder, loose script and container goes to the stage its names match. */
function fromFolders(scan: RepoScan, origin: string, target: ImportTarget, report: MigrationItem[]): Omit<RepoImport, 'data' | 'report'> {
  const stageNames = target.explicitStage ? [target.explicitStage] : target.stageNames;
  const imports: StageImport[] = [];
  const generated: { stage: string; target: string; content: string }[] = [];
  const stages: StageOptions[] = [];
  const taken = new Set<string>();
  for (const unit of unitsOf(scan)) {
    const candidates = unit.kind === 'container'
      ? [path.posix.basename(unit.container.dir), unit.container.analysis.entryFile ?? '']
      : [unit.script, path.posix.basename(unit.folder.dir)];
    const stage = target.explicitStage
      ? (taken.size === 0 ? target.explicitStage : undefined)
      : stageNames.find((s) => !taken.has(s) && candidates.some((c) => namesMatch(c, s)));
    const where = unit.kind === 'container' ? `${unit.container.dir}/` : path.posix.join(unit.folder.dir, unit.script);
    if (!stage) {
      report.push({ legacy: where, outcome: 'not imported', why: `its name matches no stage (stages: ${stageNames.join(', ')})`, action: `map it with --from <stage>=${where}` });
      continue;
    }
    taken.add(stage);
    const { stageImport, extra, stage: options } = stageFrom(scan.root, undefined, undefined, stage, unit, report);
    if (stageImport) imports.push(stageImport);
    generated.push(...extra);
    stages.push(options);
  }
  if (imports.length === 0) throw new CreateError(`Invalid ${origin}: nothing in ${scan.root} matches a stage (stages: ${stageNames.join(', ')}); name scripts <stage>.py or write <stage>=<path>`);
  return { overrides: stages, imports, generated };
}

function stageFrom(root: string, task: LegacyTask | undefined, s: TaskSettings | undefined, name: string, unit: Unit | undefined, report: MigrationItem[], earlier: readonly StageOptions[] = []) {
  const extra: { stage: string; target: string; content: string }[] = [];
  let stage: StageOptions = { name, ...(s?.options ?? {}), ...(s ? channelsOf(s, earlier) : {}) };
  let stageImport: StageImport | undefined;
  const framework = s?.imageUri ? recogniseFrameworkImage(s.imageUri) : undefined;
  if (unit?.kind === 'container') {
    const c = unit.container;
    const files = c.files.map((f) => ({ source: path.join(root, c.dir, f), target: f === c.dockerfile ? 'Dockerfile' : f }));
    const entry = c.analysis.entryFile && ENTRY_SCRIPT_PATTERN.test(c.analysis.entryFile) ? c.analysis.entryFile : undefined;
    stage = { ...stage, mode: 'container', ...(entry ? { entryScript: entry } : {}) };
    delete (stage as { imageUri?: string }).imageUri;
    delete (stage as { framework?: unknown }).framework;
    // Without a state machine, the container's scripts say where its folders are, as for script stages.
    const paths = task ? emptyPaths() : scanScript(c.files.filter((f) => f.endsWith('.py')).map((f) => readFileSync(path.join(root, c.dir, f), 'utf8')).join('\n'));
    stageImport = { stage: name, files, entryScript: entry ?? '', paths, channelsFixed: Boolean(task) };
    // The container folder itself (`--from <container folder>`) is named by its own name.
    const shownDir = c.dir || path.basename(root);
    report.push({ legacy: `${shownDir}/ (${c.dockerfile})`, outcome: `stages/${name}/: the whole build context, byte for byte; the image is built from its Dockerfile${entry ? `, which runs ${entry}` : ''}` });
    if (s?.imageUri && !framework) report.push({ legacy: `${task?.stateName}: image ${s.imageUri}`, outcome: 'replaced', why: 'the Dockerfile that builds it is imported, so the pipeline builds and pushes the image itself (the Dockerfile wins)' });
    const requirements = c.analysis.requirementsFiles;
    if (requirements.length > 0 && !c.files.includes('requirements.txt')) {
      extra.push({ stage: name, target: 'requirements.txt', content: `# Written by legacy-mlops beside the legacy code: the packages its Dockerfile installs,\n# so a local run installs the same ones (npx projen local --install).\n${requirements.map((r) => `-r ${r}`).join('\n')}\n` });
      report.push({ legacy: requirements.map((r) => path.posix.join(shownDir, r)).join(', '), outcome: `the stage's requirements: stages/${name}/requirements.txt points at ${requirements.join(', ')} (read from the Dockerfile's pip install lines)` });
    }
    if (c.analysis.packages.length > 0) report.push({ legacy: path.posix.join(shownDir, c.dockerfile), outcome: `also installs ${c.analysis.packages.join(', ')} on its pip install lines (kept in the image)` });
  } else if (unit?.kind === 'scripts') {
    const f = unit.folder;
    const entry = ENTRY_SCRIPT_PATTERN.test(unit.script) ? unit.script : unit.script.replace(/[^A-Za-z0-9_.]/g, '_');
    // A script folder is copied whole; a loose script at the top comes alone.
    const files = f.files.filter((file) => f.dir !== '' || file === unit.script)
      .map((file) => ({ source: path.join(root, f.dir, file), target: file === unit.script ? entry : file }));
    if (!files.some((x) => x.target === entry)) files.push({ source: path.join(root, f.dir, unit.script), target: entry });
    stage = { ...stage, entryScript: entry, ...(stage.mode ? {} : { mode: 'script' }) };
    if (framework) stage = { ...stage, mode: 'script', framework: { name: framework.name, version: framework.version } };
    stageImport = { stage: name, files, entryScript: entry, paths: emptyPaths(), channelsFixed: Boolean(task) };
    report.push({ legacy: path.posix.join(f.dir, unit.script), outcome: `stages/${name}/${entry}${f.dir ? ` with the rest of ${f.dir}/ (requirements.txt included)` : ''}, byte for byte` });
  } else if (s && s.kind !== 'model' && s.kind !== 'transform' && s.kind !== 'endpoint') {
    report.push({ legacy: `${task?.stateName}`, outcome: `stages/${name}/ gets a stub script`, why: 'no script or Dockerfile of the repository matches this task', action: `put the legacy script in stages/${name}/` });
  }
  if (framework && unit?.kind !== 'container') {
    stage = { ...stage, mode: 'script', framework: { name: framework.name, version: framework.version } };
    delete (stage as { imageUri?: string }).imageUri;
    report.push({ legacy: `${task?.stateName ?? name}: image ${s!.imageUri}`, outcome: `script mode on the prebuilt ${framework.name} ${framework.version} image (resolved for the project's region)` });
  } else if (s?.imageUri && unit?.kind !== 'container' && s.kind !== 'transform' && s.kind !== 'endpoint') {
    stage = { ...stage, mode: 'container', imageUri: s.imageUri };
    report.push({ legacy: `${task?.stateName}: image ${s.imageUri}`, outcome: "the stage's imageUri (no Dockerfile for it is in the repository)", action: 'the execution role is granted pull access to it; an image in another account also needs a repository policy there' });
  }
  return { stage, stageImport, extra };
}

function unitsOf(scan: RepoScan): Unit[] {
  return [
    ...scan.containers.map((container): Unit => ({ kind: 'container', container })),
    ...scan.scriptFolders.flatMap((folder) => folder.scripts.map((script): Unit => ({ kind: 'scripts', folder, script }))),
  ];
}

/** The script or container a task runs: its entrypoint's script name, else the task's and folders' names. */
function matchUnit(task: LegacyTask, s: TaskSettings, name: string, units: readonly Unit[], used: Set<Unit>): Unit | undefined {
  const free = units.filter((u) => !used.has(u));
  const script = s.entryScript ? path.posix.basename(s.entryScript) : undefined;
  if (script) {
    const byScript = free.find((u) => (u.kind === 'scripts' ? u.script : path.posix.basename(u.container.analysis.entryFile ?? '')) === script);
    if (byScript) return byScript;
  }
  const names = [task.stateName, name];
  const byName = (u: Unit) => u.kind === 'container'
    ? [path.posix.basename(u.container.dir), u.container.analysis.entryFile ?? '']
    : [u.script, path.posix.basename(u.folder.dir)];
  // A private image with no entrypoint runs its own CMD: prefer a container; a framework image runs a script.
  const prefer = s.imageUri && !recogniseFrameworkImage(s.imageUri) && !script ? 'container' : 'scripts';
  const matches = free.filter((u) => byName(u).some((n) => names.some((t) => namesMatch(n, t))));
  return matches.find((u) => u.kind === prefer) ?? matches[0];
}

/** Two names mean the same stage: equal or containing each other once normalised, or aliases of one catalog stage. */
export function namesMatch(a: string, b: string): boolean {
  const norm = (s: string) => path.posix.basename(s).replace(/\.py$/, '').toLowerCase().replace(/[^a-z0-9]/g, '');
  const [x, y] = [norm(a), norm(b)];
  if (!x || !y) return false;
  if (x === y || (x.length >= 4 && y.includes(x)) || (y.length >= 4 && x.includes(y))) return true;
  const catalogOf = (n: string) => ['preprocess', 'predict', 'postprocess', 'evaluate'].find((c) => c === n || catalogStage(c)?.aliases.some((alias) => alias.replace(/-/g, '') === n || (alias.length >= 5 && n.includes(alias.replace(/-/g, '')))));
  const [cx, cy] = [catalogOf(x), catalogOf(y)];
  return cx !== undefined && cx === cy;
}

/** State names as stage names: `PreProcessing` → `pre-processing`, unique, at most 20 characters. */
export function stageNamesFor(tasks: readonly LegacyTask[]): string[] {
  const names: string[] = [];
  for (const task of tasks) {
    let base = task.stateName.replace(/([a-z0-9])([A-Z])/g, '$1-$2').replace(/([A-Z]+)([A-Z][a-z])/g, '$1-$2').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^[^a-z]+|-+$/g, '');
    if (base.length > STAGE_NAME_MAX) base = base.slice(0, STAGE_NAME_MAX).replace(/-+$/, '');
    if (!base) base = task.kind;
    if (RESERVED_STAGE_NAMES.includes(base)) base = `${base}-stage`;
    let name = base;
    for (let n = 2; names.includes(name); n++) name = `${base.slice(0, STAGE_NAME_MAX - String(n).length - 1)}-${n}`;
    names.push(name);
  }
  return names;
}

/** Stage B reads stage A's output when B's S3 input lies in (or holds) A's output prefix; a cycle is an error. */
function wireStages(settings: TaskSettings[], names: readonly string[], origin: string) {
  const producers = settings.flatMap((s, i) => s.outputUris.map((o) => ({ index: i, output: o.name, uri: o.uri })));
  const edges = new Map<number, Set<number>>();
  settings.forEach((s, i) => {
    for (const input of s.inputUris) {
      const related = (a: string, b: string) => { const [x, y] = [a.replace(/\/?$/, '/'), b.replace(/\/?$/, '/')]; return x.startsWith(y) || y.startsWith(x); };
      const hits = producers.filter((p) => p.index !== i && related(input.uri, p.uri));
      const producer = hits.filter((p) => p.index < i).pop() ?? hits[0];
      if (!producer) continue;
      edges.set(i, new Set([...(edges.get(i) ?? []), producer.index]));
      input.from = `${names[producer.index]}/${producer.output}`;
    }
  });
  const cycle = findCycle(edges, settings.length);
  if (cycle) throw new CreateError(`Invalid ${origin}: the legacy S3 locations form a cycle (${cycle.map((i) => names[i]).join(' → ')}): each stage reads the other's output; fix the input-parameters file so one of them reads data written before`);
  settings.forEach((s, i) => {
    for (const input of s.inputUris) if (input.from && input.from.split('/')[0] && names.indexOf(input.from.split('/')[0]) > i) throw new CreateError(`Invalid ${origin}: stage '${names[i]}' reads ${input.uri}, which only the later stage '${input.from.split('/')[0]}' writes; the pipeline runs stages in order`);
  });
}

function findCycle(edges: Map<number, Set<number>>, count: number): number[] | undefined {
  const state = new Array<number>(count).fill(0);
  const stack: number[] = [];
  const visit = (n: number): number[] | undefined => {
    state[n] = 1;
    stack.push(n);
    for (const m of edges.get(n) ?? []) {
      if (state[m] === 1) return [...stack.slice(stack.indexOf(m)), m];
      if (state[m] === 0) {
        const found = visit(m);
        if (found) return found;
      }
    }
    stack.pop();
    state[n] = 2;
    return undefined;
  };
  for (let n = 0; n < count; n++) if (state[n] === 0) { const c = visit(n); if (c) return c; }
  return undefined;
}

/** The input-parameters file: beside the state machine, the object that resolves most of its input paths. */
function pickParameters(scan: RepoScan, machineFile: string): { file: string; value: Json } | undefined {
  const dir = path.posix.dirname(machineFile);
  const beside = scan.structured.filter((s) => path.posix.dirname(s.file) === dir);
  const candidates = beside.length > 0 ? beside : scan.structured;
  const score = (value: Json) => {
    const machine = scan.machines[0];
    return resolveTaskValues(machine.machine, machine.raw, value).tasks.reduce((n, t) => n - t.unresolved.length, 0);
  };
  return candidates.map((c) => ({ c, s: score(c.value) })).sort((a, b) => b.s - a.s)[0]?.c;
}

function sampleData(scan: RepoScan, report: MigrationItem[]): CopiedFile[] {
  const copied: CopiedFile[] = [];
  for (const d of scan.dataFiles) {
    const name = path.posix.basename(d.file);
    if (d.size > SAMPLE_DATA_CAP_BYTES) {
      report.push({ legacy: d.file, outcome: 'referenced, not copied', why: `${(d.size / 1048576).toFixed(1)} MB is over the ${SAMPLE_DATA_CAP_BYTES / 1048576} MB sample-data cap`, action: `copy it to data/raw/ for local runs, and to s3://<bucket>/data/raw/ before the first cloud run` });
    } else if (copied.some((c) => c.target === name)) {
      report.push({ legacy: d.file, outcome: 'not copied', why: `another data file is already data/raw/${name}`, action: 'rename one of them and copy it by hand' });
    } else {
      copied.push({ source: path.join(scan.root, d.file), target: name });
      report.push({ legacy: d.file, outcome: `data/raw/${name}: the sample raw data local runs read (upload it to s3://<bucket>/data/raw/ for cloud runs)` });
    }
  }
  return copied;
}

/** The stage's inputs and outputs as the legacy task had them, wired by S3 location (see wireStages). */
function channelsOf(s: TaskSettings, earlier: readonly StageOptions[]): Partial<StageOptions> {
  const nearest = (kind: string) => [...earlier].reverse().find((e) => e.kind === kind);
  if (s.kind === 'model') {
    const train = nearest('training');
    const from = s.inputUris[0]?.from ?? (train ? `${train.name}/model` : undefined);
    return from ? { inputs: [{ name: 'model', from }] } : {};
  }
  if (s.kind === 'transform' || s.kind === 'endpoint') {
    const model = nearest('model');
    return {
      ...(model ? { modelStage: model.name } : {}),
      ...(s.kind === 'transform' ? { inputs: s.inputUris.map((i) => ({ name: i.name, from: i.from ?? 'raw' })), outputs: s.outputUris.map((o) => ({ name: o.name })) } : {}),
    };
  }
  const inputs = s.inputUris.map((i) => ({ name: i.name, from: i.from ?? 'raw', ...(s.kind === 'processing' && i.localPath ? { localPath: i.localPath } : {}), ...(i.sharded ? { distribution: 'sharded' as const } : {}) }));
  const outputs = s.kind === 'processing' ? s.outputUris.map((o) => ({ name: o.name, ...(o.localPath ? { localPath: o.localPath } : {}) })) : undefined;
  return { ...(inputs.length > 0 ? { inputs } : {}), ...(outputs && outputs.length > 0 ? { outputs } : {}) };
}

function partition<T>(items: readonly T[], test: (item: T) => boolean): [T[], T[]] {
  return [items.filter(test), items.filter((i) => !test(i))];
}

/** The DescribeEndpoint states of a legacy wait-for-InService loop, and the Choice states right after them. */
function endpointPolling(raw: { [key: string]: Json }, hasEndpoint: boolean): Set<string> {
  const found = new Set<string>();
  if (!hasEndpoint || !isObject(raw.States)) return found;
  for (const [name, state] of Object.entries(raw.States)) {
    if (!isObject(state) || typeof state.Resource !== 'string' || !/:sagemaker:describeEndpoint$/.test(state.Resource)) continue;
    found.add(name);
    const next = typeof state.Next === 'string' ? raw.States[state.Next] : undefined;
    if (isObject(next) && next.Type === 'Choice') found.add(state.Next as string);
  }
  return found;
}

function emptyPaths() {
  return { inputs: [], outputs: [], unplaced: [], fileNames: [] };
}
