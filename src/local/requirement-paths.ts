/**
 * Requirement lines that name something on disk — `./wheels/x.whl`, `../lib`, `-e .`, `file:` URLs,
 * `name @ file:…`, `-f ./wheels` — so that what they point at is part of a stage environment's cache
 * key (a changed wheel or source tree rebuilds the environment) and the installer is handed an
 * absolute path whatever folder it runs in. Paths are taken relative to the requirements file that
 * lists them, as when `pip install -r requirements.txt` runs beside it. Written by hand: pip has no
 * API for classifying its requirement lines.
 */
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface LocalPathLine {
  /** The line with its path made absolute, as handed to the installer. */
  readonly line: string;
  /** The file or folder it names. */
  readonly path: string;
}

/** Folders never part of a source tree's content: caches, VCS data, environments, build output. */
const SKIPPED_DIRS = new Set(['.git', '.hg', '.svn', '.local', '__pycache__', 'node_modules', '.venv', 'venv', '.tox', '.nox', '.eggs', '.pytest_cache', '.mypy_cache', '.ruff_cache', 'build']);

const OPTION = /^(-e|--editable|-f|--find-links)(?:\s*=\s*|\s+)(\S+)(.*)$/;
const DIRECT_REFERENCE = /^([A-Za-z0-9][A-Za-z0-9._-]*(?:\[[^\]]*\])?)\s*@\s*(file:\S+)(.*)$/;
const URL_SCHEME = /^[a-z][a-z0-9+.-]*:/i;

/** The path a requirement line names on disk, or undefined for a package name, a remote URL or another option. */
export function localPathLine(text: string, requirementsFile: string): LocalPathLine | undefined {
  const folder = dirname(requirementsFile);
  const option = OPTION.exec(text);
  if (option) {
    const target = located(option[2], folder);
    return target && { line: `${option[1]} ${target.written}${option[3]}`, path: target.path };
  }
  const direct = DIRECT_REFERENCE.exec(text);
  if (direct) {
    const target = located(direct[2], folder);
    return target && { line: `${direct[1]} @ ${target.written}${direct[3]}`, path: target.path };
  }
  if (text.startsWith('-')) return undefined;
  // pip's own test: a path when it holds a separator or starts with a dot (else it is a name).
  const word = /^(\S+?)(\[[^\]]*\])?(\s*;.*|\s+.*)?$/.exec(text);
  if (!word || !(word[1].startsWith('file:') || word[1].startsWith('.') || word[1].includes('/'))) return undefined;
  const target = located(word[1], folder);
  return target && { line: `${target.written}${word[2] ?? ''}${word[3] ?? ''}`, path: target.path };
}

/** A path or `file:` URL resolved against `folder`; undefined for remote URLs (https:, git+…). */
function located(target: string, folder: string): { path: string; written: string } | undefined {
  if (target.startsWith('file:')) {
    const url = new URL(target, pathToFileURL(`${folder}/`));
    const fragment = url.hash;
    url.hash = '';
    const path = fileURLToPath(url);
    return { path, written: `${pathToFileURL(path).href}${fragment}` };
  }
  if (URL_SCHEME.test(target)) return undefined;
  const path = resolve(folder, target);
  return { path, written: path };
}

/** sha256 of a file's bytes, or of a folder's tree (names and bytes, sorted; see SKIPPED_DIRS); undefined when absent. */
export function contentDigest(path: string): string | undefined {
  if (!existsSync(path)) return undefined;
  const hash = createHash('sha256');
  const visit = (absolute: string, shown: string) => {
    const stat = lstatSync(absolute);
    if (stat.isSymbolicLink()) {
      hash.update(`link ${shown} ${readlinkSync(absolute)}\0`);
    } else if (stat.isDirectory()) {
      const entries = readdirSync(absolute).sort();
      // A virtual environment inside the tree (any name) is not source.
      if (shown !== '' && entries.includes('pyvenv.cfg')) return;
      for (const name of entries) {
        const child = join(absolute, name);
        if ((SKIPPED_DIRS.has(name) || name.endsWith('.egg-info')) && lstatSync(child).isDirectory()) continue;
        visit(child, shown === '' ? name : `${shown}/${name}`);
      }
    } else if (stat.isFile()) {
      hash.update(`file ${shown} ${stat.size}\0`);
      hash.update(readFileSync(absolute));
    }
  };
  visit(path, '');
  return hash.digest('hex');
}
