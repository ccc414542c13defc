/**
 * The hostile-input harness: each case prepares a temp folder the way a user
 * (or an adversary) would, runs one command in it, and asserts
 * - the exit code,
 * - the one-line message (a regex on the line that explains the outcome; no stack trace anywhere),
 * - a before/after hash of everything the user owns: unchanged on refusal, or nothing lost on success.
 *
 * Tables are plain arrays of `HostileCase`; `hostileTable(title, cases)` turns one into jest tests.
 * Commands run as child processes in their own process group (killed whole on timeout), optionally as
 * an unprivileged user (`user: 'nobody'`), or in-process through `run` when starting a process per case
 * would cost too much CPU for what it proves (argument refusals).
 */
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { AWS_ISOLATION } from '../support/aws-isolation.js';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const TSX = path.join(REPO_ROOT, 'node_modules/.bin/tsx');
/** `create-legacy-mlops` from source, as `npx tsx src/cli/create.ts`. */
export const CREATE_BIN = [TSX, path.join(REPO_ROOT, 'src/cli/create.ts')];
/** `legacy-mlops` from source. */
export const LEGACY_MLOPS_BIN = [TSX, path.join(REPO_ROOT, 'src/cli/legacy-mlops.ts')];
/** `create-legacy-mlops` as one Node process (no tsx wrapper process), for signal cases: `node --import tsx`. */
export const CREATE_NODE = [process.execPath, '--import', pathToFileURL(path.join(REPO_ROOT, 'node_modules/tsx/dist/loader.mjs')).href, path.join(REPO_ROOT, 'src/cli/create.ts')];
/** The flags of a create run that needs no network, no prompt and no AWS account (issue 10's `F`). */
export const QUIET_CREATE_FLAGS = ['--yes', '--skip-install', '--no-git', '--region', 'eu-west-1', '--account', '111122223333'];

/** No AWS credentials, a fixed git identity, no global git config, no colour. */
export const HOSTILE_ENV: Readonly<Record<string, string | undefined>> = {
  ...AWS_ISOLATION,
  GIT_AUTHOR_NAME: 'Hostile Test',
  GIT_AUTHOR_EMAIL: 'hostile@example.com',
  GIT_COMMITTER_NAME: 'Hostile Test',
  GIT_COMMITTER_EMAIL: 'hostile@example.com',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  NO_COLOR: '1',
  FORCE_COLOR: '0',
  CI: 'true',
};

export interface CommandResult {
  readonly exitCode: number;
  /** Set when the process ended on a signal the harness did not send itself. */
  readonly signal?: NodeJS.Signals;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut?: boolean;
}

/** What one case sees: its workspace and a place to keep state between setup and checks. */
export interface CaseContext {
  /** The temp folder of this case (the user's working directory). */
  readonly dir: string;
  /** Free-form state that `setup` hands to `command`, `owned` or `check`. */
  readonly state: Record<string, unknown>;
}

export type OwnedExpectation =
  /** Refusal: every owned path is byte for byte, mode for mode, as before. */
  | 'unchanged'
  /** Success: every owned file still exists with the same content, except `mayReplace` (which must then be recoverable: see `check`). */
  | 'kept';

export interface HostileCase {
  readonly name: string;
  /** Builds the user's files in `ctx.dir`. */
  readonly setup?: (ctx: CaseContext) => void | Promise<void>;
  /** argv of a child process (argv[0] the executable), or a function giving one. */
  readonly command?: readonly string[] | ((ctx: CaseContext) => readonly string[]);
  /** In-process alternative to `command`. */
  readonly run?: (ctx: CaseContext) => Promise<CommandResult>;
  /** The command's working directory, relative to the workspace (default: the workspace). */
  readonly cwd?: string;
  readonly env?: Readonly<Record<string, string | undefined>> | ((ctx: CaseContext) => Readonly<Record<string, string | undefined>>);
  /** Run as this unprivileged user when the tests run as root (e.g. `yo`, or permission faults root ignores). */
  readonly user?: string;
  /** Text written to stdin (default: stdin closed). */
  readonly stdin?: string;
  /** A signal sent to the command's process group mid-run (Ctrl-C, SIGTERM). */
  readonly signalWhen?: SignalWhen | ((ctx: CaseContext) => SignalWhen);
  /** Expected exit code; 'non-zero' for any failure. */
  readonly exitCode: number | 'non-zero';
  /** The one line that explains the outcome: matched against each line of stderr (then stdout). */
  readonly message?: RegExp;
  /** Lines that must not appear anywhere in the output. */
  readonly forbid?: readonly RegExp[];
  /** Paths (relative to the workspace) the user owns; default: the whole workspace. */
  readonly owned?: readonly string[] | ((ctx: CaseContext) => readonly string[]);
  /** Default: 'unchanged' for a non-zero exit, 'kept' for exit 0. */
  readonly expectOwned?: OwnedExpectation;
  /** Owned paths (relative to the workspace, prefix match) that may be replaced under 'kept'. */
  readonly mayReplace?: readonly string[];
  /** More assertions after the standard ones. */
  readonly check?: (ctx: CaseContext, result: CommandResult) => void | Promise<void>;
  /** Milliseconds before the process group is killed and the case fails (default 90 s). */
  readonly timeoutMs?: number;
  /** Leave the case out, with the reason printed. */
  readonly skip?: string;
}

// ---------------------------------------------------------------------------------------------
// Hashing what the user owns.

/** One entry per path under `root`: kind, mode and content hash (symlinks by their target, never followed). */
export type TreeHash = ReadonlyMap<string, string>;

/** Hashes every file, folder and link under each of `paths` (relative to `root`); missing paths are recorded as missing. */
export function hashTree(root: string, paths: readonly string[] = ['.']): TreeHash {
  const out = new Map<string, string>();
  const visit = (rel: string) => {
    const abs = path.join(root, rel);
    let stat: fs.Stats;
    try {
      stat = fs.lstatSync(abs);
    } catch {
      out.set(rel, 'missing');
      return;
    }
    const mode = (stat.mode & 0o7777).toString(8);
    if (stat.isSymbolicLink()) out.set(rel, `link ${fs.readlinkSync(abs)}`);
    else if (stat.isDirectory()) {
      out.set(rel, `dir ${mode}`);
      for (const entry of safeReaddir(abs).sort()) visit(rel === '.' ? entry : path.join(rel, entry));
    } else if (stat.isFile()) out.set(rel, `file ${mode} ${sha256(abs)}`);
    else out.set(rel, `special ${mode} ${stat.isFIFO() ? 'fifo' : stat.isSocket() ? 'socket' : 'device'}`);
  };
  for (const p of paths) visit(path.normalize(p));
  return out;
}

function safeReaddir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

function sha256(file: string): string {
  try {
    return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
  } catch (error) {
    return `unreadable ${(error as NodeJS.ErrnoException).code}`;
  }
}

/** Human-readable differences between two hashes (empty when equal). */
export function diffTrees(before: TreeHash, after: TreeHash): string[] {
  const lines: string[] = [];
  for (const [p, h] of before) {
    const now = after.get(p);
    if (now === undefined) lines.push(`removed ${p} (${h.split(' ')[0]})`);
    else if (now !== h) lines.push(`changed ${p}: ${h} → ${now}`);
  }
  for (const [p, h] of after) if (!before.has(p)) lines.push(`added ${p} (${h.split(' ')[0]})`);
  return lines;
}

/** Differences that lose something: a file, link or folder that is gone or whose content changed (additions and mode changes of folders are fine). */
export function lostFrom(before: TreeHash, after: TreeHash, mayReplace: readonly string[] = []): string[] {
  const allowed = (p: string) => mayReplace.some((prefix) => p === prefix || p.startsWith(`${prefix}/`));
  const lines: string[] = [];
  for (const [p, h] of before) {
    if (allowed(p)) continue;
    const now = after.get(p);
    if (now === undefined || now === 'missing') {
      if (h !== 'missing') lines.push(`lost ${p} (${h.split(' ')[0]})`);
    } else if (h.startsWith('dir ') ? !now.startsWith('dir ') : now !== h) lines.push(`changed ${p}: ${h} → ${now}`);
  }
  return lines;
}

// ---------------------------------------------------------------------------------------------
// Running a command.

export interface SpawnOptions {
  readonly cwd: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly user?: string;
  readonly stdin?: string;
  readonly timeoutMs?: number;
  /** Called once the child has started (e.g. to send it a signal later). */
  readonly onSpawn?: (pid: number) => void;
  /** Sends `signal` to the command's process group (as a terminal's Ctrl-C does) once its output matches `when`. */
  readonly signalWhen?: SignalWhen;
}

export interface SignalWhen {
  /** Signal once the output matches this… */
  readonly when?: RegExp;
  /** …or once this returns true (polled every 25 ms; e.g. a file a fake tool writes when it starts). */
  readonly whenTrue?: () => boolean;
  readonly signal: NodeJS.Signals;
  /** Milliseconds to wait after the match before signalling (default 0). */
  readonly delayMs?: number;
  /** 'group' (default): the whole process group, as a terminal's Ctrl-C; 'leader': the command's process only, as `kill <pid>`. */
  readonly to?: 'group' | 'leader';
}

/** The environment a case's command sees: this process's, the hostile defaults, then the case's own (undefined removes). */
export function caseEnv(extra: Readonly<Record<string, string | undefined>> = {}): Record<string, string> {
  const env: Record<string, string | undefined> = { ...process.env, ...HOSTILE_ENV, ...extra };
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
}

/** Whether the tests can run a command as another user (root with runuser). */
export function canSwitchUser(): boolean {
  return process.getuid?.() === 0 && fs.existsSync('/usr/sbin/runuser');
}

/** Spawns `argv` in its own process group; the whole group is killed on timeout. */
export function spawnCommand(argv: readonly string[], options: SpawnOptions): Promise<CommandResult> {
  const env = caseEnv(options.env);
  let file = argv[0];
  let args = argv.slice(1);
  let home: string | undefined;
  if (options.user && canSwitchUser()) {
    // runuser sets exactly the environment given to env(1); HOME must be writable by that user.
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'hostile-home-'));
    execFileSync('chown', [options.user, home]);
    env.HOME = home;
    args = ['-u', options.user, '--', '/usr/bin/env', '-i', ...Object.entries(env).map(([k, v]) => `${k}=${v}`), file, ...args];
    file = '/usr/sbin/runuser';
  }
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd: options.cwd, env, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let signalled = false;
    const when = options.signalWhen;
    const send = () => {
      signalled = true;
      clearInterval(poll);
      setTimeout(() => (when!.to === 'leader' ? killProcess(child.pid, when!.signal) : killGroup(child.pid, when!.signal)), when!.delayMs ?? 0);
    };
    const watch = () => {
      if (when?.when && !signalled && when.when.test(stdout + stderr)) send();
    };
    const poll = setInterval(() => {
      if (when?.whenTrue && !signalled && when.whenTrue()) send();
    }, 25);
    if (!when?.whenTrue) clearInterval(poll);
    child.stdout.setEncoding('utf8').on('data', (d: string) => ((stdout += d), watch()));
    child.stderr.setEncoding('utf8').on('data', (d: string) => ((stderr += d), watch()));
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.stdin ?? '');
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid, 'SIGKILL');
    }, options.timeoutMs ?? 90_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    if (child.pid) options.onSpawn?.(child.pid);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      clearInterval(poll);
      if (home) fs.rmSync(home, { recursive: true, force: true });
      resolve({ exitCode: code ?? (signal ? 128 + (os.constants.signals[signal] ?? 0) : -1), signal: signal ?? undefined, stdout, stderr, timedOut });
    });
  });
}

/** Sends `signal` to the process group led by `pid`; quiet when it is already gone. */
export function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (!pid) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

/** Sends `signal` to the process `pid` only; quiet when it is already gone. */
export function killProcess(pid: number | undefined, signal: NodeJS.Signals): void {
  if (!pid) return;
  try {
    process.kill(pid, signal);
  } catch {
    // Already gone.
  }
}

/** Whether `pid` is a live process (not a zombie), read from /proc. */
export function isAlive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** Pids of live processes (not zombies) whose process group is `pgid`: orphans left behind when non-empty. */
export function processesInGroup(pgid: number): number[] {
  const pids: number[] = [];
  for (const entry of safeReaddir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the parenthesised command: state ppid pgrp ...
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[0] !== 'Z' && Number(fields[2]) === pgid) pids.push(Number(entry));
    } catch {
      // Ended while reading.
    }
  }
  return pids;
}

/** Live processes whose command line mentions `needle` (e.g. a case's temp folder): what a run left behind. */
export function processesMentioning(needle: string): number[] {
  const pids: number[] = [];
  for (const entry of safeReaddir('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (cmdline.includes(needle) && isAlive(Number(entry))) pids.push(Number(entry));
    } catch {
      // Ended while reading.
    }
  }
  return pids;
}

// ---------------------------------------------------------------------------------------------
// Assertions.

/** The lines of the output that are not blank. */
export function outputLines(result: CommandResult): string[] {
  return `${result.stderr}\n${result.stdout}`.split(/\r?\n/).filter((l) => l.trim() !== '');
}

/** A stack trace, a Node internal error dump or a source excerpt: never shown to a user. */
export const STACK_TRACE = /^\s+at .+[(:]\d+|^node:internal|^\s*\^+\s*$|Error: .*\n\s+at /m;

/** Runs one case in a fresh workspace and asserts everything it declares. Returns what happened for extra checks. */
export async function runHostileCase(c: HostileCase, workspace?: string): Promise<{ ctx: CaseContext; result: CommandResult }> {
  const dir = workspace ?? fs.mkdtempSync(path.join(os.tmpdir(), 'hostile-'));
  const ctx: CaseContext = { dir, state: {} };
  await c.setup?.(ctx);
  if (c.user && canSwitchUser()) {
    fs.chmodSync(dir, 0o755);
    execFileSync('chown', ['-R', '--no-dereference', c.user, dir]);
  }
  const owned = typeof c.owned === 'function' ? c.owned(ctx) : (c.owned ?? ['.']);
  const before = hashTree(dir, owned);
  let result: CommandResult;
  if (c.run) result = await c.run(ctx);
  else {
    if (!c.command) throw new Error(`case '${c.name}' has neither command nor run`);
    const argv = typeof c.command === 'function' ? c.command(ctx) : c.command;
    const env = typeof c.env === 'function' ? c.env(ctx) : c.env;
    result = await spawnCommand(argv, { cwd: path.join(dir, c.cwd ?? '.'), env, user: c.user, stdin: c.stdin, timeoutMs: c.timeoutMs, signalWhen: typeof c.signalWhen === 'function' ? c.signalWhen(ctx) : c.signalWhen, onSpawn: (pid) => (ctx.state.pid = pid) });
  }
  const after = hashTree(dir, owned);
  const shown = `exit ${result.exitCode}${result.timedOut ? ' (timed out)' : ''}\n--- stderr\n${result.stderr}\n--- stdout\n${result.stdout}`;

  if (result.timedOut) throw new Error(`'${c.name}' did not finish in ${c.timeoutMs ?? 90_000} ms (it hangs)\n${shown}`);
  const exitOk = c.exitCode === 'non-zero' ? result.exitCode !== 0 : result.exitCode === c.exitCode;
  if (!exitOk) throw new Error(`'${c.name}': expected exit ${c.exitCode}, got ${result.exitCode}\n${shown}`);
  if (c.message && !outputLines(result).some((line) => c.message!.test(line))) {
    throw new Error(`'${c.name}': no output line matches ${c.message}\n${shown}`);
  }
  if (STACK_TRACE.test(`${result.stderr}\n${result.stdout}`)) throw new Error(`'${c.name}': the output holds a stack trace or source dump\n${shown}`);
  for (const pattern of c.forbid ?? []) {
    const hit = outputLines(result).find((line) => pattern.test(line));
    if (hit) throw new Error(`'${c.name}': forbidden output line ${JSON.stringify(hit)} (matches ${pattern})\n${shown}`);
  }
  const expectation = c.expectOwned ?? (result.exitCode === 0 ? 'kept' : 'unchanged');
  const problems = expectation === 'unchanged' ? diffTrees(before, after) : lostFrom(before, after, c.mayReplace);
  if (problems.length > 0) {
    throw new Error(`'${c.name}': the user's files were ${expectation === 'unchanged' ? 'changed on refusal' : 'not kept'}:\n  ${problems.slice(0, 20).join('\n  ')}\n${shown}`);
  }
  await c.check?.(ctx, result);
  return { ctx, result };
}

/** Registers one jest test per case under `title` (skipped cases print their reason). */
export function hostileTable(title: string, cases: readonly HostileCase[]): void {
  const names = new Set<string>();
  for (const c of cases) {
    if (names.has(c.name)) throw new Error(`duplicate hostile case name '${c.name}' in ${title}`);
    names.add(c.name);
  }
  const made: string[] = [];
  describe(title, () => {
    afterAll(() => {
      for (const dir of made) {
        // Permission faults may leave folders root cannot list as another user: make them removable first.
        try {
          execFileSync('chmod', ['-R', 'u+rwX', dir], { stdio: 'ignore' });
        } catch {
          // Best effort.
        }
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
    for (const c of cases) {
      if (c.skip) {
        test.skip(`${c.name} (skipped: ${c.skip})`, () => undefined);
        continue;
      }
      test(c.name, async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hostile-'));
        made.push(dir);
        await runHostileCase(c, dir);
      }, (c.timeoutMs ?? 90_000) + 60_000);
    }
  });
}

/** Writes `files` (relative path → content) under `dir`, making folders as needed. */
export function writeFiles(dir: string, files: Readonly<Record<string, string | Buffer>>): void {
  for (const [rel, content] of Object.entries(files)) {
    const file = path.join(dir, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  }
}
