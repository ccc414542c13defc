/** What every Task emulator of one local execution shares. */
import type { BackendSelector } from './backends/select.js';
import type { LocalS3 } from './local-s3.js';
import type { PythonInterpreter } from './python-env.js';
import type { JobRecord } from './report.js';

export interface JobObserver {
  jobStarted(job: { stateName: string; jobName: string; backend: string }): void;
  jobEnded(record: JobRecord): void;
}

/** A model CreateModel recorded: what a local transform job runs. */
export interface LocalModel {
  readonly name: string;
  readonly arn: string;
  readonly stateName: string;
  readonly image: string;
  readonly modelDataUrl: string;
  readonly environment: Readonly<Record<string, string>>;
}

export interface LocalRunContext {
  readonly repoRoot: string;
  readonly executionName: string;
  /** `.local/runs/<execution>`: report.json and one folder per job under `jobs/`. */
  readonly runDir: string;
  readonly s3: LocalS3;
  /** The validated execution input. */
  readonly input: unknown;
  readonly backends: BackendSelector;
  /** The interpreter jobs on this machine run (resolved once, only when a stage needs it). */
  readonly python: () => Promise<PythonInterpreter>;
  /** `--install` (older runs): the script entrypoint's own `pip install -r requirements.txt` runs in the job. */
  readonly install: boolean;
  readonly venvsDir: string;
  /** Each stage runs in its own Python environment, like its image (off with --no-envs). */
  readonly envs: boolean;
  /** `.local/envs`: the environments, by content hash. */
  readonly envsDir: string;
  /** Aborted on Ctrl-C or when the execution ends: running jobs stop. */
  readonly signal: AbortSignal;
  /** Stream job output live (`--follow`). */
  readonly follow: boolean;
  readonly log: (line: string) => void;
  readonly jobs: JobObserver;
  /** Models created in this execution, by name (CreateModel records them, transform jobs run them). */
  readonly models: Map<string, LocalModel>;
  /**
   * Something the run did not do as the cloud would (an endpoint it did not deploy): logged and kept in
   * the report. `remindedIn`: a notice shown before and listed in that file; kept in the report, and the
   * run prints one line pointing to the files instead (stage environments' notices).
   */
  readonly notice: (text: string, remindedIn?: string) => void;
  /** How approval stages decide (`--approve-all`, `--reject-all`, or ask). */
  readonly approvals: ApprovalMode;
  /** `.local/registry`: the emulated model registry, one folder per model package group, kept across runs. */
  readonly registryDir: string;
}

export type ApprovalMode = 'ask' | 'approve-all' | 'reject-all';
