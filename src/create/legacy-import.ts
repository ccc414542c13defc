/**
 * `--from <dir-or-files>`: which of the user's legacy scripts becomes which
 * stage, and what gets copied into `stages/<name>/`. Reads the file system
 * but writes nothing; every unreadable or ambiguous source is an error before
 * anything is written.
 *
 * Accepted: a folder (its `<stage>.py` files and `<stage>/` subfolders, by
 * stage name or a common alias), single `.py` files named like a stage, and
 * explicit `stage=path` items (a file, or a folder copied whole). Items are
 * separated by commas.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ENTRY_SCRIPT_PATTERN } from '../model/rules.js';
import { CreateError } from './errors.js';
import { describeKind, FileKindError, followedKind, kindOf, listFolder, readRegularFile } from './file-kind.js';
import type { StageImport } from './import-types.js';
import { scanScript, type ScannedPaths, type ScannedFolder } from './legacy-paths.js';
import { importLegacyRepository, type RepoImport } from './legacy-repo.js';
import { looksLikeLegacyRepository } from './legacy-repo-scan.js';
import { catalogStage } from './stage-catalog.js';

/** Folders never copied from a legacy code folder. */
const SKIPPED = new Set(['__pycache__', '.git', '.venv', 'venv', 'node_modules', '.ipynb_checkpoints', '.mypy_cache', '.pytest_cache']);

export interface FromItem {
  /** Explicit target stage (`stage=path`), else matched by name. */
  readonly stage?: string;
  /** Absolute path. */
  readonly path: string;
}

export type { CopiedFile, StageImport } from './import-types.js';

export interface ImportPlan {
  readonly stages: readonly StageImport[];
  /** A whole legacy repository: its stages, files written beside the legacy code, sample data and report. */
  readonly repository?: RepoImport & { readonly source: string };
  /** Things worth saying: renamed scripts, files left out. */
  readonly notes: readonly string[];
}

export function parseFromSpec(text: string, baseDir: string, origin: string): FromItem[] {
  const items = text.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (items.length === 0) throw new CreateError(`Invalid ${origin}: give a folder, .py files, or stage=path items separated by commas`);
  return items.map((item) => {
    const eq = item.indexOf('=');
    const stage = eq > 0 ? item.slice(0, eq) : undefined;
    const rawPath = eq > 0 ? item.slice(eq + 1) : item;
    return { ...(stage ? { stage } : {}), path: path.resolve(baseDir, rawPath) };
  });
}

/** Fails now when any item cannot be read, before a question is asked. */
export function checkReadable(items: readonly FromItem[], origin: string): void {
  for (const item of items) statKind(item.path, origin);
}

/**
 * Maps the items to the pipeline's stages and lists the copies. A single folder holding a state
 * machine or a Dockerfile is a whole legacy repository (see legacy-repo.ts), and so is a
 * `stage=folder` item whose folder holds a Dockerfile (a container stage).
 */
export function planImport(items: readonly FromItem[], stageNames: readonly string[], origin: string, account?: string): ImportPlan {
  if (items.length === 1 && statKind(items[0].path, origin) === 'folder' && looksLikeLegacyRepository(items[0].path)) {
    const explicitStage = items[0].stage;
    if (explicitStage && !stageNames.includes(explicitStage)) {
      throw new CreateError(`Invalid ${origin}: '${explicitStage}=' names no stage of this pipeline (stages: ${stageNames.join(', ')}); add it with --stages`);
    }
    const repository = importLegacyRepository(items[0].path, origin, { stageNames, account, ...(explicitStage ? { explicitStage } : {}) });
    return { stages: repository.imports, notes: [], repository: { ...repository, source: items[0].path } };
  }
  const notes: string[] = [];
  const byStage = new Map<string, { source: string; kind: 'file' | 'folder' }>();
  const assign = (stage: string, source: string, kind: 'file' | 'folder') => {
    const already = byStage.get(stage);
    if (already) throw new CreateError(`Invalid ${origin}: stage '${stage}' gets both ${already.source} and ${source}; map one of them to another stage with stage=path`);
    byStage.set(stage, { source, kind });
  };

  // Explicit stage=path items first: a folder scan never overrides them.
  const explicit = items.filter((i) => i.stage !== undefined);
  for (const item of explicit) {
    const kind = statKind(item.path, origin);
    if (!stageNames.includes(item.stage!)) {
      throw new CreateError(`Invalid ${origin}: '${item.stage}=' names no stage of this pipeline (stages: ${stageNames.join(', ')}); add it with --stages`);
    }
    if (kind === 'file' && !item.path.endsWith('.py')) throw new CreateError(`Invalid ${origin}: ${item.path} is not a Python (.py) file`);
    assign(item.stage!, item.path, kind);
  }
  const mapped = new Set(explicit.map((i) => i.stage!));
  const explicitPaths = new Set(explicit.map((i) => i.path));

  for (const item of items.filter((i) => i.stage === undefined)) {
    const kind = statKind(item.path, origin);
    if (kind === 'file') {
      const stage = matchStage(path.basename(item.path), stageNames);
      if (!item.path.endsWith('.py') || !stage) {
        throw new CreateError(`Invalid ${origin}: cannot tell which stage ${path.basename(item.path)} is (stages: ${stageNames.join(', ')}); write it as <stage>=${item.path}`);
      }
      assign(stage, item.path, 'file');
    } else {
      const left: string[] = [];
      const links: string[] = [];
      for (const entry of readFolder(item.path, origin)) {
        if (entry.name.startsWith('.') || SKIPPED.has(entry.name)) continue;
        const full = path.join(item.path, entry.name);
        if (explicitPaths.has(full)) continue;
        const entryKind = kindOf(entry);
        if (entryKind === 'symlink') {
          links.push(`${entry.name} -> ${fs.readlinkSync(full)}`);
          continue;
        }
        if (entryKind !== 'file' && entryKind !== 'folder') throw new CreateError(`Invalid ${origin}: ${full} is ${describeKind(entryKind)}: only regular files are imported (move it out of the folder)`);
        const stage = (entry.isDirectory() || entry.name.endsWith('.py')) ? matchStage(entry.name, stageNames) : undefined;
        if (stage && !mapped.has(stage)) assign(stage, full, entry.isDirectory() ? 'folder' : 'file');
        else left.push(entry.isDirectory() ? `${entry.name}/` : entry.name);
      }
      if (links.length > 0) notes.push(`symbolic links not followed in ${item.path}: ${links.join(', ')} (to import one, copy the file it points at in its place, or map it with --from <stage>=<path>)`);
      if (left.length > 0) notes.push(`not imported from ${item.path}: ${left.join(', ')} (to use one, copy it into a stage folder, or map it with --from <stage>=<path>)`);
    }
  }

  const stages = stageNames.filter((s) => byStage.has(s)).map((stage) => {
    const { source, kind } = byStage.get(stage)!;
    return kind === 'file' ? importFile(stage, source, origin, notes) : importFolder(stage, source, origin, notes);
  });
  if (stages.length === 0) {
    throw new CreateError(`Invalid ${origin}: no script matches a stage (stages: ${stageNames.join(', ')}); name files <stage>.py or write <stage>=<path>`);
  }
  return { stages, notes };
}

/** A file or folder name that means a stage: its name or a catalog alias, `_` read as `-`. */
export function matchStage(fileName: string, stageNames: readonly string[]): string | undefined {
  const stem = fileName.replace(/\.py$/, '').toLowerCase().replace(/_/g, '-');
  const head = stem.split('-')[0];
  return (
    stageNames.find((s) => s === stem) ??
    stageNames.find((s) => catalogStage(s)?.aliases.includes(stem)) ??
    // `clean_data.py`: the first word names the stage.
    stageNames.find((s) => s === head || catalogStage(s)?.aliases.includes(head))
  );
}

/** A script name SageMaker's `python3 <script>` and the model accept: `pre-processing.py` → `pre_processing.py`. */
export function entryScriptName(fileName: string): string {
  const stem = fileName.replace(/\.py$/, '').replace(/[^A-Za-z0-9_]/g, '_');
  return `${/^[A-Za-z_]/.test(stem) ? stem : `_${stem}`}.py`;
}

function importFile(stage: string, source: string, origin: string, notes: string[]): StageImport {
  const entryScript = entryScriptName(path.basename(source));
  if (entryScript !== path.basename(source)) notes.push(`${path.basename(source)} is copied as stages/${stage}/${entryScript} (script names use letters, digits and underscores)`);
  return { stage, files: [{ source, target: entryScript }], entryScript, paths: scanScript(readText(source, origin)) };
}

function importFolder(stage: string, folder: string, origin: string, notes: string[]): StageImport {
  const files = listFiles(folder, origin, notes);
  const scripts = files.filter((f) => !f.includes('/') && f.endsWith('.py'));
  const entry = scripts.find((f) => matchStage(f, [stage])) ?? (scripts.length === 1 ? scripts[0] : undefined);
  if (!entry) {
    const found = scripts.length > 0 ? `found ${scripts.join(', ')}` : 'it has no .py file at its top level';
    throw new CreateError(`Invalid ${origin}: cannot tell which script in ${folder} runs stage '${stage}' (${found}); name it ${stage.replace(/-/g, '_')}.py or write ${stage}=${folder}/<script>.py`);
  }
  const entryScript = ENTRY_SCRIPT_PATTERN.test(entry) ? entry : entryScriptName(entry);
  if (entryScript !== entry) notes.push(`${entry} is copied as stages/${stage}/${entryScript} (script names use letters, digits and underscores)`);
  const copies = files.map((f) => ({ source: path.join(folder, f), target: f === entry ? entryScript : f }));
  const scanned = copies.filter((c) => c.target.endsWith('.py')).map((c) => scanScript(readText(c.source, origin)));
  return { stage, files: copies, entryScript, paths: mergeScans(scanned) };
}

/** Combines the scans of a stage's Python files, keeping the order of first use. */
export function mergeScans(scans: readonly ScannedPaths[]): ScannedPaths {
  const merge = (lists: (readonly ScannedFolder[])[]) => {
    const map = new Map<string, Set<string>>();
    for (const list of lists) for (const f of list) map.set(f.folder, new Set([...(map.get(f.folder) ?? []), ...f.files]));
    return [...map.entries()].map(([folder, files]) => ({ folder, files: [...files] }));
  };
  return {
    inputs: merge(scans.map((s) => s.inputs)),
    outputs: merge(scans.map((s) => s.outputs)),
    unplaced: scans.flatMap((s) => s.unplaced),
    fileNames: [...new Set(scans.flatMap((s) => s.fileNames))],
  };
}

function statKind(p: string, origin: string): 'file' | 'folder' {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(p);
    fs.accessSync(p, fs.constants.R_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CreateError(`Invalid ${origin}: cannot read ${p} (${code === 'ENOENT' ? 'it does not exist' : code === 'EACCES' ? 'permission denied' : code})`);
  }
  if (stat.isFile()) return 'file';
  if (stat.isDirectory()) return 'folder';
  throw new CreateError(`Invalid ${origin}: ${p} is ${describeKind(followedKind(p))}: only regular files and folders are imported`);
}

function readFolder(folder: string, origin: string): fs.Dirent[] {
  try {
    return fs.readdirSync(folder, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
  } catch (error) {
    throw new CreateError(`Invalid ${origin}: cannot read the folder ${folder} (${(error as NodeJS.ErrnoException).code})`);
  }
}

/** Every regular file under a folder, relative and with `/` separators, skipping caches and VCS folders; links are noted, pipes and devices refused. */
function listFiles(folder: string, origin: string, notes: string[]): string[] {
  let listing: ReturnType<typeof listFolder>;
  try {
    listing = listFolder(folder, (name) => SKIPPED.has(name) || name === '.DS_Store');
  } catch (error) {
    throw new CreateError(`Invalid ${origin}: cannot read the folder ${folder} (${(error as NodeJS.ErrnoException).code})`);
  }
  const special = listing.special[0];
  if (special) throw new CreateError(`Invalid ${origin}: ${path.join(folder, special.path)} is ${describeKind(special.kind)}: only regular files are imported (move it out of the folder)`);
  if (listing.symlinks.length > 0) {
    notes.push(`symbolic links not followed in ${folder}: ${listing.symlinks.map((l) => `${l.path} -> ${l.target}`).join(', ')} (to import one, copy the file it points at in its place)`);
  }
  return [...listing.files];
}

function readText(file: string, origin: string): string {
  try {
    return readRegularFile(file).toString('utf8');
  } catch (error) {
    if (error instanceof FileKindError) throw new CreateError(`Invalid ${origin}: ${error.message}`);
    throw new CreateError(`Invalid ${origin}: cannot read ${file} (${(error as NodeJS.ErrnoException).code})`);
  }
}
