/**
 * Runs one job's process in its own process group, logging to files, and stops the whole group
 * (SIGTERM, then SIGKILL after a grace period) on timeout or abort so no stray process is left.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';

export interface JobProcessSpec {
  readonly argv: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  readonly stdoutLog: string;
  readonly stderrLog: string;
  /** Kill the job when it runs longer (MaxRuntimeInSeconds). */
  readonly maxRuntimeMs: number;
  readonly signal: AbortSignal;
  /** Extra stop action, for a process that does not own the job (the docker client does not own its container). */
  readonly stop?: () => Promise<void>;
  /** Live output, line by line, when the user asked to follow the jobs. */
  readonly onOutput?: (stream: 'stdout' | 'stderr', chunk: Buffer) => void;
  /** Time between SIGTERM and SIGKILL. */
  readonly graceMs?: number;
}

export interface JobProcessResult {
  /** Exit code, or 128 + signal number when killed by a signal (as a container runtime reports it). */
  readonly exitCode: number;
  readonly timedOut: boolean;
  readonly aborted: boolean;
  /** Wall time from spawn to exit. */
  readonly elapsedMs: number;
  /** Set when the process could not start at all. */
  readonly spawnError?: string;
}

const SIGNAL_NUMBERS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };

export async function runJobProcess(spec: JobProcessSpec): Promise<JobProcessResult> {
  const stdout = createWriteStream(spec.stdoutLog);
  const stderr = createWriteStream(spec.stderrLog);
  const started = performance.now();
  const [command, ...args] = spec.argv;
  const child = spawn(command, args, { cwd: spec.cwd, env: spec.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  pipeTo(child.stdout, stdout, (chunk) => spec.onOutput?.('stdout', chunk));
  pipeTo(child.stderr, stderr, (chunk) => spec.onOutput?.('stderr', chunk));

  let timedOut = false;
  let aborted = false;
  let killTimer: NodeJS.Timeout | undefined;
  const stopGroup = () => {
    if (killTimer || child.exitCode !== null || child.signalCode !== null) return;
    void spec.stop?.().catch(() => undefined);
    signalGroup(child.pid, 'SIGTERM');
    killTimer = setTimeout(() => signalGroup(child.pid, 'SIGKILL'), spec.graceMs ?? 5_000);
  };
  const runtimeTimer = setTimeout(() => {
    timedOut = true;
    stopGroup();
  }, spec.maxRuntimeMs);
  const onAbort = () => {
    aborted = true;
    stopGroup();
  };
  if (spec.signal.aborted) onAbort();
  else spec.signal.addEventListener('abort', onAbort, { once: true });

  let spawnError: string | undefined;
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => {
    child.once('exit', (exitCode, exitSignal) => resolve([exitCode, exitSignal]));
    child.once('error', (error) => {
      spawnError = error.message;
      resolve([null, null]);
    });
  });
  // The leader is gone: like a container whose PID 1 exits, nothing it started may outlive it
  // (a leftover child would also keep the log pipes open).
  signalGroup(child.pid, 'SIGKILL');
  if (!spawnError) await closed;
  clearTimeout(runtimeTimer);
  clearTimeout(killTimer);
  spec.signal.removeEventListener('abort', onAbort);
  await Promise.all([closeStream(stdout), closeStream(stderr)]);
  const exitCode = code ?? (signal ? 128 + (SIGNAL_NUMBERS[signal] ?? 0) : 1);
  return { exitCode: spawnError ? 127 : exitCode, timedOut, aborted, elapsedMs: performance.now() - started, spawnError };
}

function pipeTo(source: NodeJS.ReadableStream | null, file: WriteStream, echo: (chunk: Buffer) => void): void {
  source?.on('data', (chunk: Buffer) => {
    file.write(chunk);
    echo(chunk);
  });
}

function signalGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (!pid) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

function closeStream(stream: WriteStream): Promise<void> {
  return new Promise((resolve) => stream.end(resolve));
}
