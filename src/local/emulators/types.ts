/** A Task emulator runs one kind of Task resource (a service integration) on the local disk. */
import type { LocalRunContext } from '../run-context.js';

/** A Task state of the definition, as written (Parameters not yet resolved). */
export interface TaskStateRef {
  readonly name: string;
  readonly resource: string;
  readonly definition: Readonly<Record<string, unknown>>;
}

/** The handler aws-local-stepfunctions calls with the state's resolved Parameters. */
export type TaskHandler = (request: unknown) => Promise<unknown>;

export interface PreparedTask {
  readonly handler: TaskHandler;
  /** Where its jobs run and why, for the progress output and the report. */
  readonly backend?: { readonly name: string; readonly reason: string };
  /** The stage the state runs, when it has one. */
  readonly stageName?: string;
  /** Runs once all states are prepared, before the execution starts (uploading the stage's code). */
  readonly beforeRun?: () => void;
}

export interface TaskEmulator {
  /** What it stands in for, in words: `SageMaker processing job`. */
  readonly emulates: string;
  /**
   * Checks the state and prepares what its runs need, before any job starts.
   * Throws LocalRunRefused with the problems that would make the run fail.
   */
  prepare(state: TaskStateRef, run: LocalRunContext): Promise<PreparedTask>;
}
