/**
 * Runs one job's process in its own process group and session, logging to files, and stops the whole
 * group (SIGTERM, then SIGKILL after a grace period) on timeout or abort so no stray process is left.
 *
 * Like a container whose PID 1 exits, the job ends when its main process exits: whatever it left
 * running is killed then, including a grandchild that left the group with `setsid` (found by a marker
 * variable in its environment, since its parent link is gone once it is re-parented; `ps`-tree style
 * libraries follow parent links only). Its output pipes are not waited on beyond a short drain.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createWriteStream, readdirSync, readFileSync, type WriteStream } from 'node:fs';

/** Every job's process carries this variable; descendants inherit it, whatever group or session they move to. */
export const JOB_MARKER_VARIABLE = 'LEGACY_MLOPS_JOB_ID';
/** After the main process exited: how long its output may still drain before the pipes are closed. */
const DRAIN_MS = 1_000;

/** Running jobs, so a second Ctrl-C can kill them all at once. */
const running = new Set<{ readonly pid: number; readonly marker: string }>();

/** Kills every running job's processes now (SIGKILL): the second Ctrl-C. */
export function killAllJobsNow(): void {
  for (const job of running) killJob(job.pid, job.marker, 'SIGKILL');
}

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
  const marker = randomUUID();
  // detached: a new session (setsid), so the job is its own process group and has no controlling terminal.
  const child = spawn(command, args, { cwd: spec.cwd, env: { ...spec.env, [JOB_MARKER_VARIABLE]: marker }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const entry = child.pid ? { pid: child.pid, marker } : undefined;
  if (entry) running.add(entry);
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  pipeTo(child.stdout, stdout, (chunk) => spec.onOutput?.('stdout', chunk));
  pipeTo(child.stderr, stderr, (chunk) => spec.onOutput?.('stderr', chunk));

  let timedOut = false;
  let aborted = false;
  let killTimer: NodeJS.Timeout | undefined;
  const stopGroup = () => {
    if (killTimer || child.exitCode !== null || child.signalCode !== null) return;
    void spec.stop?.().catch(() => undefined);
    killJob(child.pid, marker, 'SIGTERM');
    killTimer = setTimeout(() => killJob(child.pid, marker, 'SIGKILL'), spec.graceMs ?? 5_000);
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
  // The main process is gone: the job's time is over (what follows is not its runtime).
  clearTimeout(runtimeTimer);
  clearTimeout(killTimer);
  // Like a container whose PID 1 exits, nothing it started may outlive it.
  killJob(child.pid, marker, 'SIGKILL');
  if (entry) running.delete(entry);
  // A process that escaped the kill (another user's, a setuid one) may hold the pipes: drain briefly, then close them.
  if (!spawnError) await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, DRAIN_MS).unref())]);
  child.stdout?.destroy();
  child.stderr?.destroy();
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

/** Signals the job's process group and every process carrying its marker (those that left the group). */
function killJob(pid: number | undefined, marker: string, signal: NodeJS.Signals): void {
  if (!pid) return;
  signalPid(-pid, signal);
  for (const other of markedProcesses(marker)) signalPid(other, signal);
}

function signalPid(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // ESRCH: already gone; EPERM: not ours to signal.
  }
}

/** Pids whose environment holds `<JOB_MARKER_VARIABLE>=<marker>` (Linux /proc; none elsewhere). */
export function markedProcesses(marker: string): number[] {
  const needle = Buffer.from(`${JOB_MARKER_VARIABLE}=${marker}\0`);
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const pids: number[] = [];
  for (const name of entries) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${name}/environ`).includes(needle)) pids.push(Number(name));
    } catch {
      // Gone meanwhile, or another user's process.
    }
  }
  return pids;
}

function closeStream(stream: WriteStream): Promise<void> {
  return new Promise((resolve) => stream.end(resolve));
}
