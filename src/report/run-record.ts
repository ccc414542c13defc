/**
 * What the run report page shows, whatever ran the pipeline: a local run (`.local/runs/<execution>/report.json`)
 * or a cloud execution (its Step Functions history). Adapters build it; `renderReportPage` draws it.
 * New kinds of work (fan-out items, shards, approvals) extend it with optional fields.
 */

/** How a state ended, as the graph colours it. */
export type StateOutcome = 'succeeded' | 'failed' | 'caught' | 'skipped' | 'not-reached' | 'running';

export interface StateView {
  readonly name: string;
  readonly type: string;
  readonly outcome: StateOutcome;
  readonly durationMs?: number;
  /** More than 1 when the state was retried. */
  readonly attempts?: number;
  readonly error?: { readonly error: string; readonly cause: string };
  /** The state a Catch sent the execution to. */
  readonly caughtTo?: string;
}

export interface JobView {
  /** The state that ran the job. */
  readonly state: string;
  readonly name: string;
  /** processing, training, transform. */
  readonly kind?: string;
  /** Which part of the state's work this job is, when a state runs several: a host, an item, a shard. */
  readonly part?: string;
  /** Completed, Failed, Stopped. */
  readonly status: string;
  readonly startedAt: string;
  readonly durationMs: number;
  readonly exitCode?: number;
  readonly exitMessage?: string;
  readonly failureReason?: string;
  /** Where it ran: a local backend (docker, bwrap, direct) or SageMaker. */
  readonly backend?: string;
  /** The last lines of its log, and which log they come from. */
  readonly logTail?: { readonly source: string; readonly lines: readonly string[] };
  /** Why the log could not be shown (`logs not readable: <reason>`, no stream yet). */
  readonly logProblem?: string;
}

export interface OutputFileView {
  /** Relative to the output's folder. */
  readonly path: string;
  readonly bytes: number;
}

export interface OutputView {
  readonly state: string;
  readonly name: string;
  /** The S3 location the output was written to. */
  readonly uri: string;
  /** Where it is on this machine (local runs). */
  readonly localPath?: string;
  readonly files?: readonly OutputFileView[];
  /** More files than listed. */
  readonly moreFiles?: number;
  /** The first rows of a CSV file of the output. */
  readonly preview?: { readonly file: string; readonly rows: readonly (readonly string[])[] };
}

export interface GateView {
  /** The Choice state that compares. */
  readonly state: string;
  readonly metric: string;
  readonly value?: number;
  readonly threshold?: number;
  /** `>=` when higher is better, `<=` when lower is. */
  readonly comparison: '>=' | '<=' | '>' | '<';
  /** Undefined when the gate was not reached. */
  readonly passed?: boolean;
}

export interface RunRecord {
  /** Local run or cloud execution. */
  readonly source: 'local' | 'cloud';
  readonly executionName: string;
  /** SUCCEEDED, FAILED, TIMED_OUT, ABORTED, RUNNING. */
  readonly status: string;
  readonly startedAt: string;
  readonly durationMs?: number;
  /** The state machine (ASL) that ran: the graph is drawn from it. */
  readonly definition: unknown;
  /** Every state entered, in order (a state entered twice appears twice). */
  readonly states: readonly StateView[];
  readonly jobs: readonly JobView[];
  readonly outputs: readonly OutputView[];
  readonly gates: readonly GateView[];
  readonly error?: { readonly error: string; readonly cause: string; readonly state?: string };
  /** What a local run did not do as the cloud would, one line each. */
  readonly notices?: readonly string[];
  /** Extra facts shown under the title (backend, where the state machine is, a console link). */
  readonly facts?: readonly { readonly label: string; readonly value: string; readonly href?: string }[];
}
