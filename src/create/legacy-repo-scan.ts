/**
 * Walks a legacy repository (folders up to three deep) and sorts what it holds: state machines
 * and their input-parameters files, container build contexts (a folder with a Dockerfile), script
 * folders, loose scripts and data files. Reads only; every unreadable or ambiguous item is an
 * error before anything is written.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyseDockerfile, type ContainerAnalysis } from './legacy-dockerfile.js';
import { parseLegacyAsl, parseStructured, isObject, type Json, type LegacyStateMachine } from './legacy-asl.js';
import { CreateError } from './errors.js';
import { describeKind, kindOf, readRegularFile } from './file-kind.js';

/** Folders never read: caches, environments, version control. */
export const SKIPPED_FOLDERS = new Set(['__pycache__', '.git', '.venv', 'venv', 'env', 'node_modules', '.ipynb_checkpoints', '.mypy_cache', '.pytest_cache', '.idea', '.vscode']);
const MAX_DEPTH = 3;
const DATA_EXTENSIONS = /\.(csv|tsv|parquet|jsonl|xlsx?|feather|pkl|npy|npz|txt)$/i;
const STRUCTURED = /\.(json|ya?ml)$/i;
const DOCKERFILE = /^(Dockerfile(\..+)?|.+\.Dockerfile)$/;

export interface ScannedContainer {
  /** Build context folder, relative to the repository (the Dockerfile's folder). */
  readonly dir: string;
  readonly dockerfile: string;
  /** Every file of the build context, relative to it. */
  readonly files: readonly string[];
  readonly analysis: ContainerAnalysis;
}

export interface ScannedScriptFolder {
  /** Relative to the repository; '' for the repository's own top level (loose scripts). */
  readonly dir: string;
  /** Every file under it (relative to it), scripts and requirements included. */
  readonly files: readonly string[];
  /** Top-level `.py` files. */
  readonly scripts: readonly string[];
}

export interface ScannedMachine {
  readonly file: string;
  readonly machine: LegacyStateMachine;
  readonly raw: { [key: string]: Json };
}

export interface RepoScan {
  readonly root: string;
  readonly machines: readonly ScannedMachine[];
  /** JSON/YAML objects that are not state machines (candidate input-parameters files). */
  readonly structured: readonly { readonly file: string; readonly value: Json }[];
  readonly containers: readonly ScannedContainer[];
  readonly scriptFolders: readonly ScannedScriptFolder[];
  readonly dataFiles: readonly { readonly file: string; readonly size: number }[];
  /** Items read but not usable, with why (a JSON that is not ASL, an ASL with no SageMaker task, ...). */
  readonly skipped: readonly { readonly item: string; readonly why: string }[];
}

/** True when the folder looks like a whole legacy repository: a state machine or a Dockerfile in it. */
export function looksLikeLegacyRepository(root: string): boolean {
  const files = listTree(root, '', 0);
  return files.some((f) => DOCKERFILE.test(path.basename(f))) || files.some((f) => STRUCTURED.test(f) && isAslText(read(path.join(root, f)), f));
}

export function scanRepository(root: string, origin: string): RepoScan {
  const links: string[] = [];
  const files = listTree(root, '', 0, links, origin);
  const machines: ScannedMachine[] = [];
  const structured: { file: string; value: Json }[] = [];
  const skipped: { item: string; why: string }[] = links.map((item) => ({ item, why: 'it is a symbolic link, and links are never followed' }));

  const dockerfiles = files.filter((f) => DOCKERFILE.test(path.basename(f)));
  const byFolder = new Map<string, string[]>();
  for (const d of dockerfiles) byFolder.set(path.posix.dirname(d), [...(byFolder.get(path.posix.dirname(d)) ?? []), d]);
  const containers: ScannedContainer[] = [];
  for (const [dir, found] of byFolder) {
    if (found.length > 1) throw new CreateError(`Invalid ${origin}: ${dir === '.' ? 'the top folder' : `${dir}/`} holds two Dockerfiles (${found.map((f) => path.posix.basename(f)).join(', ')}) for one stage; move one into a folder of its own`);
    const context = dir === '.' ? '' : `${dir}/`;
    const contextFiles = files.filter((f) => f.startsWith(context)).map((f) => f.slice(context.length));
    const dockerfile = path.posix.basename(found[0]);
    containers.push({ dir: dir === '.' ? '' : dir, dockerfile, files: contextFiles, analysis: analyseDockerfile(read(path.join(root, found[0]), origin), contextFiles) });
  }
  const inContainer = (f: string) => containers.some((c) => c.dir === '' ? true : f.startsWith(`${c.dir}/`));

  for (const file of files.filter((f) => STRUCTURED.test(f) && !inContainer(f))) {
    const text = read(path.join(root, file), origin);
    const asl = parseLegacyAsl(text, file);
    if ('machine' in asl) machines.push({ file, machine: asl.machine, raw: asl.raw });
    else if ('problem' in asl) skipped.push({ item: file, why: asl.problem });
    else {
      const parsed = parseStructured(text, file);
      if ('value' in parsed && isObject(parsed.value)) structured.push({ file, value: parsed.value });
      else skipped.push({ item: file, why: 'error' in parsed ? parsed.error : `${file} is not a state machine (no StartAt and States)` });
    }
  }

  const dataFiles = files
    .filter((f) => !inContainer(f) && (DATA_EXTENSIONS.test(f) && !/(^|\/)requirements[^/]*\.txt$/.test(f)))
    .map((file) => ({ file, size: fs.statSync(path.join(root, file)).size }));

  const scriptDirs = new Set(files.filter((f) => f.endsWith('.py') && !inContainer(f)).map((f) => topFolderOf(f)));
  const scriptFolders: ScannedScriptFolder[] = [...scriptDirs].sort().map((dir) => {
    const prefix = dir === '' ? '' : `${dir}/`;
    const under = files.filter((f) => f.startsWith(prefix) && !inContainer(f) && !dataFiles.some((d) => d.file === f) && !STRUCTURED.test(f));
    const own = dir === '' ? under.filter((f) => !f.includes('/')) : under.map((f) => f.slice(prefix.length));
    return { dir, files: own, scripts: own.filter((f) => !f.includes('/') && f.endsWith('.py')) };
  });
  return { root, machines, structured, containers, scriptFolders, dataFiles, skipped };
}

/** A script's folder: its first-level folder under the repository, or '' for a script at the top. */
function topFolderOf(file: string): string {
  const parts = file.split('/');
  return parts.length === 1 ? '' : parts.slice(0, -1).join('/');
}

/**
 * Every regular file up to MAX_DEPTH folders down, relative with `/`, skipping caches, VCS and hidden
 * folders. Symbolic links are collected (reported, never followed); a FIFO, socket or device is refused.
 */
function listTree(root: string, prefix: string, depth: number, links: string[] = [], origin = '--from'): string[] {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(path.join(root, prefix), { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
  } catch (error) {
    throw new CreateError(`Invalid --from: cannot read the folder ${path.join(root, prefix)} (${(error as NodeJS.ErrnoException).code})`);
  }
  return entries.flatMap((entry) => {
    if (SKIPPED_FOLDERS.has(entry.name) || entry.name === '.DS_Store' || (entry.isDirectory() && entry.name.startsWith('.'))) return [];
    const relative = `${prefix}${entry.name}`;
    const kind = kindOf(entry);
    if (kind === 'folder') return depth < MAX_DEPTH ? listTree(root, `${relative}/`, depth + 1, links, origin) : [];
    if (kind === 'symlink') links.push(relative);
    else if (kind !== 'file') throw new CreateError(`Invalid ${origin}: ${path.join(root, relative)} is ${describeKind(kind)}, not a regular file; move it out of the folder`);
    return kind === 'file' ? [relative] : [];
  });
}

function isAslText(text: string, file: string): boolean {
  const parsed = parseStructured(text, file);
  return 'value' in parsed && isObject(parsed.value) && typeof parsed.value.StartAt === 'string' && isObject(parsed.value.States);
}

function read(file: string, origin = '--from'): string {
  try {
    return readRegularFile(file).toString('utf8');
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    throw new CreateError(`Invalid ${origin}: cannot read ${file} (${e.code ?? e.message})`);
  }
}
