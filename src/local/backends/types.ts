/** Isolation backends: how a job's container command runs on this machine. */
import type { PythonInterpreter } from '../python-env.js';
import type { StageCode } from '../stage-code.js';

export const BACKEND_NAMES = ['docker', 'bwrap', 'direct'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

/** One job, in container terms: paths are as the container sees them (under /opt/ml). */
export interface ContainerJob {
  readonly jobName: string;
  readonly stage: StageCode;
  /** The job's folder on this machine; `opt/ml` inside it is the container's /opt/ml. */
  readonly sandboxDir: string;
  readonly optMlDir: string;
  /** The request's image (docker runs it when the stage has no Dockerfile). */
  readonly imageUri: string;
  /** The request's ContainerEntrypoint and ContainerArguments, for a backend that hands them to a real image. */
  readonly containerEntrypoint?: readonly string[];
  readonly containerArguments?: readonly string[];
  /** The full command the container runs (entrypoint rules already applied), for backends without images. */
  readonly command?: readonly string[];
  readonly workdir?: string;
  /** The container's environment: image ENV, the request's Environment, the runner's variables. */
  readonly env: Readonly<Record<string, string>>;
  /** Interpreter `python3` must resolve to (backends that run on this machine's Python). */
  readonly python?: PythonInterpreter;
}

/** A process to spawn for the job, plus how to stop it when its process group is not enough. */
export interface LaunchPlan {
  readonly argv: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  readonly stop?: () => Promise<void>;
}

export interface BackendProbe {
  readonly available: boolean;
  /** Why, in a few words (shown per stage). */
  readonly detail: string;
  /** The tool's own words, shown when the user forced this backend. */
  readonly diagnostic?: string;
}

export interface IsolationBackend {
  readonly name: BackendName;
  /** Whether the backend works on this machine (called once per run). */
  probe(): Promise<BackendProbe>;
  /** Why this backend cannot run the stage (whose image is `imageUri` when known), or undefined when it can. */
  cannotRun(stage: StageCode, imageUri: string | undefined): Promise<string | undefined> | string | undefined;
  /** True when jobs run on this machine's Python (so the runner provides an interpreter). */
  readonly usesLocalPython: boolean;
  /** One-time work per stage before the run (building an image). */
  prepareStage?(stage: StageCode, log: (line: string) => void): Promise<void>;
  launch(job: ContainerJob): Promise<LaunchPlan>;
}
