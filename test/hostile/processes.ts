/**
 * Running a hostile case's command as a child process: in its own process group (killed whole on
 * timeout), optionally as an unprivileged user, with a signal sent mid-run on a condition; and reading
 * the process table afterwards for what the run left behind.
 */
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AWS_ISOLATION } from '../support/aws-isolation.js';
import { safeReaddir } from './tree-hash.js';

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
