/**
 * Finds the `/opt/ml/...` paths a legacy script hard-codes and sorts them into
 * the folders a SageMaker Processing job must provide (inputs) and collect
 * (outputs), so the stage's channels can be placed where the script looks.
 */
import { posix } from 'node:path';
import { CODE_LOCAL_PATH } from '../model/defaults.js';

const INPUT_ROOT = '/opt/ml/processing/input';
const OUTPUT_ROOT = '/opt/ml/processing/output';
/** Paths a Processing container has without any channel: its failure message and job config. */
const CONTAINER_OWN = ['/opt/ml/output', '/opt/ml/config'];
/** A path literal ends where a string, an f-string hole or an expression does. */
const OPT_ML_LITERAL = /\/opt\/ml(?:\/[A-Za-z0-9_.\-]*)*/g;

export interface ScannedFolder {
  /** Absolute folder, no trailing slash. */
  readonly folder: string;
  /** Files the script names inside it, relative to the folder. */
  readonly files: readonly string[];
}

export interface ScannedPaths {
  /** Folders under /opt/ml/processing/input (itself included), in order of first use. */
  readonly inputs: readonly ScannedFolder[];
  /** Folders under /opt/ml/processing/output (itself included), in order of first use. */
  readonly outputs: readonly ScannedFolder[];
  /** Paths no channel can serve as written, each with the reason. */
  readonly unplaced: readonly { readonly path: string; readonly reason: string }[];
  /** Bare file names in quotes (`"predictions_output.csv"`): files the script may join onto a folder at run time. */
  readonly fileNames: readonly string[];
}

/** A quoted bare data-file name; Python sources are left out (imports, not data). */
const FILE_NAME_LITERAL = /["']([A-Za-z0-9_][A-Za-z0-9_.-]*\.(?!py["'])[A-Za-z0-9]{1,8})["']/g;

export function findFileNameLiterals(text: string): string[] {
  return [...new Set([...text.matchAll(FILE_NAME_LITERAL)].map((m) => m[1]))];
}

/** Every `/opt/ml...` literal in a script's text, in order, without duplicates. */
export function findOptMlLiterals(text: string): string[] {
  return [...new Set(text.match(OPT_ML_LITERAL) ?? [])];
}

export function scanScript(text: string): ScannedPaths {
  return { ...classifyPaths(findOptMlLiterals(text)), fileNames: findFileNameLiterals(text) };
}

/** Splits literal paths into input and output folders; a path whose last part has a dot is a file. */
export function classifyPaths(literals: readonly string[]): Omit<ScannedPaths, 'fileNames'> {
  const inputs = new Map<string, Set<string>>();
  const outputs = new Map<string, Set<string>>();
  const unplaced: { path: string; reason: string }[] = [];
  for (const literal of literals) {
    const path = literal.replace(/\/+$/, '');
    const isFile = !literal.endsWith('/') && posix.basename(path).includes('.');
    const folder = isFile ? posix.dirname(path) : path;
    const file = isFile ? posix.basename(path) : undefined;
    if (within(folder, CODE_LOCAL_PATH) || CONTAINER_OWN.some((root) => within(folder, root))) continue;
    // SageMaker accepts any LocalPath below /opt/ml/processing/, the input and output folders themselves included.
    if (within(folder, INPUT_ROOT)) add(inputs, folder, file);
    else if (within(folder, OUTPUT_ROOT)) add(outputs, folder, file);
    else if (within(folder, '/opt/ml/processing')) {
      unplaced.push({ path, reason: folder === '/opt/ml/processing' ? 'the path is built at run time: set its inputs and outputs by hand' : 'it is neither under input/ nor output/: set it as an input or an output by hand' });
    } else unplaced.push({ path, reason: 'a Processing job provides only /opt/ml/processing/... folders (this looks like a training-job path)' });
  }
  return { inputs: outermost(inputs), outputs: outermost(outputs), unplaced };
}

function within(path: string, root: string): boolean {
  return path === root || path.startsWith(`${root}/`);
}

function add(map: Map<string, Set<string>>, folder: string, file: string | undefined) {
  const files = map.get(folder) ?? new Set<string>();
  if (file) files.add(file);
  map.set(folder, files);
}

/** Nested folders fold into the outermost one (channels must not overlap), their files kept relative to it. */
function outermost(map: Map<string, Set<string>>): ScannedFolder[] {
  const folders = [...map.keys()];
  const result = new Map<string, string[]>();
  for (const folder of folders) {
    const outer = folders.filter((f) => f !== folder && folder.startsWith(`${f}/`)).sort((a, b) => a.length - b.length)[0] ?? folder;
    const relative = outer === folder ? '' : `${folder.slice(outer.length + 1)}/`;
    const files = result.get(outer) ?? [];
    files.push(...[...map.get(folder)!].map((f) => `${relative}${f}`));
    result.set(outer, files);
  }
  return [...result.entries()].map(([folder, files]) => ({ folder, files }));
}
