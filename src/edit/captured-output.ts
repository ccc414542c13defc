/**
 * Everything a piece of in-process work prints, kept instead of shown: what it writes to
 * process.stdout and process.stderr (console included), and what the synchronous child processes it
 * starts would print to the inherited terminal (projen's install step runs that way). This is what a
 * child process's captured output held when the same work ran in one (`execa(…, { all: true })`).
 * Written by hand: no library captures output in-process across both the streams and child stdio.
 */
import childProcess from 'node:child_process';
import type * as ChildProcess from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

type Stdio = ChildProcess.StdioOptions | undefined;
type SyncSpawner = 'execFileSync' | 'execSync' | 'spawnSync';
const SPAWNERS: readonly SyncSpawner[] = ['execFileSync', 'execSync', 'spawnSync'];

/** `stdio` with an inherited stdout/stderr sent to `fd` instead (stdin inherited becomes ignored, as no terminal is handed over). */
function redirected(stdio: Stdio, fd: number): ChildProcess.StdioOptions {
  const list: unknown[] = typeof stdio === 'string' ? [stdio, stdio, stdio] : stdio ? [...stdio] : ['pipe', 'pipe', 'pipe'];
  const inherited = (value: unknown, n: number) => value === 'inherit' || value === n || (n === 1 && value === process.stdout) || (n === 2 && value === process.stderr);
  if (inherited(list[0], 0)) list[0] = 'ignore';
  for (const n of [1, 2]) if (inherited(list[n], n)) list[n] = fd;
  return list as ChildProcess.StdioOptions;
}

/** The options argument of a sync spawner call (after an optional args array), with stdio redirected. */
function withRedirectedStdio(name: SyncSpawner, args: unknown[], fd: number): unknown[] {
  const at = name !== 'execSync' && Array.isArray(args[1]) ? 2 : 1;
  const options = (args[at] ?? {}) as { stdio?: Stdio };
  // execSync and execFileSync default to piping stdout and inheriting stderr.
  const fallback: Stdio = name === 'spawnSync' ? 'pipe' : ['pipe', 'pipe', 'inherit'];
  const out = [...args];
  if (at === 2 || args[1] === undefined || (typeof args[1] === 'object' && !Array.isArray(args[1]))) out[at] = { ...options, stdio: redirected(options.stdio ?? fallback, fd) };
  return out;
}

export interface Captured<T> {
  readonly result?: T;
  readonly error?: unknown;
  readonly output: string;
}

/** Runs `work`, keeping its output; it never throws (a failure comes back as `error`, beside the output so far). */
export async function captureOutput<T>(work: () => Promise<T> | T): Promise<Captured<T>> {
  const chunks: string[] = [];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'legacy-mlops-output-'));
  const file = path.join(dir, 'child-output');
  const fd = fs.openSync(file, 'w+');
  const writes = { stdout: process.stdout.write, stderr: process.stderr.write };
  const spawners = Object.fromEntries(SPAWNERS.map((name) => [name, childProcess[name]])) as Record<SyncSpawner, (...args: unknown[]) => unknown>;
  /** Child output so far, moved into `chunks` in order (a child's output lands between the writes around its call). */
  const drain = () => {
    const text = fs.readFileSync(file, 'utf8');
    if (text) chunks.push(text);
    fs.ftruncateSync(fd, 0);
  };
  const keep = (chunk: unknown, encoding?: unknown, callback?: unknown) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString(typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8'));
    const done = typeof encoding === 'function' ? encoding : callback;
    if (typeof done === 'function') queueMicrotask(() => (done as () => void)());
    return true;
  };
  process.stdout.write = keep as typeof process.stdout.write;
  process.stderr.write = keep as typeof process.stderr.write;
  for (const name of SPAWNERS) {
    (childProcess as unknown as Record<string, unknown>)[name] = (...args: unknown[]) => {
      try {
        return spawners[name](...withRedirectedStdio(name, args, fd));
      } finally {
        drain();
      }
    };
  }
  try {
    return { result: await work(), output: chunks.join('') };
  } catch (error) {
    return { error, output: chunks.join('') };
  } finally {
    process.stdout.write = writes.stdout;
    process.stderr.write = writes.stderr;
    for (const name of SPAWNERS) (childProcess as unknown as Record<string, unknown>)[name] = spawners[name];
    fs.closeSync(fd);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
