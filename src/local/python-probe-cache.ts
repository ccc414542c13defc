/**
 * Remembers what an interpreter answered to the probe of python-env.ts, so a repeated local run starts
 * no Python process only to learn it again (a pyenv shim takes 0.4–0.9 s to answer on a busy machine,
 * more than the rest of a cached run's preparation). The answer is reused only while nothing that
 * decides it has changed:
 * - the command's file found on PATH, the file it resolves to, a venv's `pyvenv.cfg` beside it, PATH
 *   and PYTHONHOME;
 * - for a pyenv or asdf shim, what chooses its version: their variables and version files from the
 *   working folder up, and their global version files. Any other launcher script is probed every time;
 * - the interpreter's own file, unchanged since it answered.
 * No library covers this: interpreter discovery tools (virtualenv's, uv's) cache by a binary's path and
 * stat, which a version-manager shim does not change.
 */
import { createHash } from 'node:crypto';
import { accessSync, closeSync, constants, mkdirSync, openSync, readFileSync, readSync, realpathSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';

export interface ProbeAnswer {
  readonly executable: string;
  readonly prefixes: readonly string[];
  readonly version: string;
}

interface CacheEntry extends ProbeAnswer {
  /** stat of `executable` when it answered. */
  readonly stamp: string;
}

/** Files that choose a version manager's Python, looked for in the working folder and each one above it. */
const VERSION_FILES = ['.python-version', '.tool-versions'];
const SHIM = /\b(pyenv|asdf)\b[^\n]*\bexec\b/;

/**
 * A key for everything that decides the probe's answer, or undefined when that cannot be known without
 * running the command (a launcher script of another kind, a command not found).
 */
export function probeFingerprint(command: string, env: NodeJS.ProcessEnv, cwd: string = process.cwd()): string | undefined {
  const located = locate(command, env, cwd);
  if (!located) return undefined;
  const real = safe(() => realpathSync(located));
  if (!real) return undefined;
  const parts: unknown[] = [command, located, real, stamp(real), env.PATH ?? '', env.PYTHONHOME ?? ''];
  // A venv's python is a link to its base: the venv is found through the pyvenv.cfg next to the link.
  for (const cfg of [join(dirname(located), 'pyvenv.cfg'), join(dirname(dirname(located)), 'pyvenv.cfg')]) parts.push(readOrEmpty(cfg));
  const head = readHead(real);
  if (head.startsWith('#!')) {
    if (!SHIM.test(head)) return undefined;
    parts.push(head, versionManagerInputs(env, cwd));
  }
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 32);
}

/** The answer recorded under this fingerprint, if the interpreter it names is still the same file. */
export function cachedProbe(cacheDir: string, fingerprint: string): ProbeAnswer | undefined {
  try {
    const entry = JSON.parse(readFileSync(entryPath(cacheDir, fingerprint), 'utf8')) as CacheEntry;
    if (stamp(entry.executable) !== entry.stamp) return undefined;
    return { executable: entry.executable, prefixes: entry.prefixes, version: entry.version };
  } catch {
    return undefined;
  }
}

export function recordProbe(cacheDir: string, fingerprint: string, answer: ProbeAnswer): void {
  try {
    mkdirSync(cacheDir, { recursive: true });
    const path = entryPath(cacheDir, fingerprint);
    const entry: CacheEntry = { ...answer, stamp: stamp(answer.executable) };
    writeFileSync(`${path}.tmp`, JSON.stringify(entry));
    renameSync(`${path}.tmp`, path);
  } catch {
    // A cache that cannot be written only costs time.
  }
}

function entryPath(cacheDir: string, fingerprint: string): string {
  return join(cacheDir, `python-${fingerprint}.json`);
}

/** Where the shell would find the command: a path as given, else the first executable file of that name on PATH. */
function locate(command: string, env: NodeJS.ProcessEnv, cwd: string): string | undefined {
  if (command.includes('/')) return isExecutableFile(resolve(cwd, command)) ? resolve(cwd, command) : undefined;
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    const candidate = resolve(cwd, dir || '.', command);
    if (isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

/** pyenv: PYENV_VERSION, `.python-version` from PYENV_DIR or the working folder up, `$PYENV_ROOT/version`; asdf: its variables and `.tool-versions`. */
function versionManagerInputs(env: NodeJS.ProcessEnv, cwd: string): unknown[] {
  const variables = Object.entries(env)
    .filter(([name]) => /^(PYENV|ASDF)_/.test(name))
    .sort(([a], [b]) => a.localeCompare(b));
  const files: string[] = [];
  for (const start of new Set([env.PYENV_DIR && isAbsolute(env.PYENV_DIR) ? env.PYENV_DIR : cwd, cwd])) {
    for (let dir = resolve(start); ; dir = dirname(dir)) {
      for (const name of VERSION_FILES) files.push(readOrEmpty(join(dir, name)));
      if (dir === dirname(dir)) break;
    }
  }
  const home = env.HOME ?? homedir();
  const pyenvRoot = env.PYENV_ROOT ?? join(home, '.pyenv');
  files.push(readOrEmpty(join(pyenvRoot, 'version')), readOrEmpty(join(home, '.tool-versions')));
  return [variables, files];
}

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function stamp(path: string): string {
  const s = safe(() => statSync(path));
  return s ? `${s.dev}:${s.ino}:${s.size}:${s.mtimeMs}` : 'missing';
}

function readHead(path: string): string {
  const fd = safe(() => openSync(path, 'r'));
  if (fd === undefined) return '';
  try {
    const buffer = Buffer.alloc(4096);
    const length = readSync(fd, buffer, 0, buffer.length, 0);
    return buffer.subarray(0, length).toString('latin1');
  } finally {
    closeSync(fd);
  }
}

function readOrEmpty(path: string): string {
  return safe(() => readFileSync(path, 'utf8')) ?? '';
}

function safe<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}
