/** The machine-readable record of one local execution: `.local/runs/<execution>/report.json`. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export type ExecutionStatus = 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

export interface JobOutputRecord {
  readonly name: string;
  readonly s3Uri: string;
  /** Where the output landed in the local S3 folder. */
  readonly localPath: string;
}

export interface JobRecord {
  readonly stateName: string;
  readonly stageName: string;
  /** Processing, training or transform: which SageMaker job it stands in for. */
  readonly jobKind?: 'processing' | 'training' | 'transform';
  readonly jobName: string;
  readonly jobArn: string;
  readonly backend: string;
  /** The Describe*Job status: Completed, Failed or Stopped. */
  readonly status: 'Completed' | 'Failed' | 'Stopped';
  readonly exitCode?: number;
  readonly exitMessage?: string;
  readonly failureReason?: string;
  readonly startedAt: string;
  /** The whole job: sandbox, inputs, process, outputs. */
  readonly durationMs: number;
  /** Time inside the job's process (spawn to exit): the script's own time. */
  readonly scriptMs: number;
  readonly dir: string;
  readonly stdoutLog: string;
  readonly stderrLog: string;
  readonly outputs: readonly JobOutputRecord[];
  /** Jobs on several instances: one entry per local host (dir and logs above are the first host's). */
  readonly hosts?: readonly HostRecord[];
}

/** One instance of a multi-instance job, run as its own local process. */
export interface HostRecord {
  readonly host: string;
  readonly exitCode?: number;
  readonly scriptMs: number;
  readonly dir: string;
  /** Objects each input gave this host (a sharded input gives a share). */
  readonly inputObjects: Readonly<Record<string, number>>;
  /** Files this host wrote, per output. */
  readonly outputFiles: Readonly<Record<string, readonly string[]>>;
}

export interface StateRecord {
  readonly name: string;
  readonly type: string;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CAUGHT';
  readonly startedAt: string;
  durationMs?: number;
  attempts: number;
  /** Jobs the state ran (more than one when it was retried). */
  jobs: JobRecord[];
  error?: { readonly error: string; readonly cause: string };
  /** The state a Catch sent the execution to. */
  caughtTo?: string;
  /** Choice states only: the input it compared. */
  input?: unknown;
}

/** A fan-out item's outcome (the local Map Run is src/local/distributed-map.ts). */
export interface ItemOutcome {
  readonly id: string;
  readonly index: number;
  readonly status: 'SUCCEEDED' | 'FAILED' | 'ABORTED';
  /** The child execution's name (`<map state>-<index>`). */
  readonly executionName: string;
  readonly durationMs: number;
  readonly output?: unknown;
  readonly error?: string;
  readonly cause?: string;
}

export interface LocalRunReport {
  readonly executionName: string;
  status: ExecutionStatus;
  readonly startedAt: string;
  /** Wall time of the whole command: checks, seeding, state machine, jobs. */
  wallMs: number;
  /** Sum of the jobs' scriptMs: time spent inside the stage scripts. */
  scriptMs: number;
  /** wallMs - scriptMs: what the local runner itself costs. */
  overheadMs: number;
  readonly stateMachine: string;
  readonly input: string;
  readonly s3Root: string;
  readonly runDir: string;
  /** Backend per stage and why it was chosen. */
  readonly backends: Record<string, { backend: string; reason: string }>;
  states: StateRecord[];
  /** What the local run did not emulate (an endpoint stage's calls), one line each. */
  notices?: string[];
  /** Fan-out: each item's outcome, in item order. */
  items?: ItemOutcome[];
  output?: unknown;
  error?: { readonly error: string; readonly cause: string; readonly state?: string };
}

export function writeReport(report: LocalRunReport): string {
  mkdirSync(report.runDir, { recursive: true });
  const path = join(report.runDir, 'report.json');
  writeFileSync(path, `${JSON.stringify(report, null, 2)}\n`);
  return path;
}
