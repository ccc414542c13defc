/**
 * The life of one emulated SageMaker job, the same for every kind (processing, training, transform, tuning):
 * refused once the run is stopping, a fresh sandbox per host (an existing one means the name was used:
 * ResourceInUse), "started" for the live display, the kind's own work, then the end recorded in the
 * report and the Describe response returned, or thrown as States.TaskFailed when the job did not
 * complete, as a `.sync` task surfaces it. The container's end maps to SageMaker's status here too.
 * The emulators keep only what is particular to their kind: the request, the inputs, the command,
 * what a completed job uploads and its Describe response.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { ContainerJob } from '../backends/types.js';
import { TaskError, messageOf } from '../errors.js';
import type { JobProcessResult } from '../job-process.js';
import type { HostRecord, JobOutputRecord, JobRecord } from '../report.js';
import type { LocalRunContext } from '../run-context.js';
import { createJobSandbox, readExitMessage, type JobSandbox } from './job-sandbox.js';
import { runInSandbox, type JobSetting } from './job-support.js';

export type JobStatus = 'Completed' | 'Failed' | 'Stopped';

/** What every emulated job knows about itself from start to end. */
export interface JobIdentity {
  readonly stateName: string;
  readonly stageName: string;
  readonly jobKind?: JobRecord['jobKind'];
  readonly jobName: string;
  readonly jobArn: string;
  readonly backend: string;
  /** Epoch ms when the job was created, and `performance.now()` then. */
  readonly createdAt: number;
  readonly started: number;
  readonly sandbox: JobSandbox;
}

/** How a job ended, as the kind's work reports it. */
export interface JobEnding {
  readonly status: JobStatus;
  /** Epoch ms the container started (when it never did: when the job gave up). */
  readonly startedAt: number;
  readonly failureReason?: string;
  /** Processing only: the first 1 KB of /opt/ml/output/message (ExitMessage). */
  readonly exitMessage?: string;
  readonly exitCode?: number;
  readonly scriptMs: number;
  readonly outputs?: JobOutputRecord[];
  /** Set for a job of more than one host. */
  readonly hosts?: HostRecord[];
}

/** An ended job's times and outcome, from which each kind writes its Describe response. */
export interface JobOutcome {
  readonly status: JobStatus;
  readonly createdAt: number;
  readonly startedAt: number;
  readonly endedAt: number;
  readonly exitMessage?: string;
  readonly failureReason?: string;
}

export interface JobSpec {
  readonly jobName: string;
  readonly jobArn: string;
  /** Recorded in the report (processing jobs leave it out). */
  readonly jobKind?: JobRecord['jobKind'];
  /** Sandbox names below jobs/, one per host; default: the job name alone. */
  readonly sandboxNames?: readonly string[];
  /** The folders below /opt/ml SageMaker creates for this kind of job; default: a processing job's. */
  readonly sandboxFolders?: readonly string[];
  /**
   * False for a job whose work is other jobs, each recorded on its own (a tuning job's trials are
   * training jobs): it is neither announced nor recorded itself. Default: true.
   */
  readonly recorded?: boolean;
  /** The kind's Describe<Kind>Job response. */
  describe(outcome: JobOutcome): Record<string, unknown>;
}

export interface StartedJob {
  readonly identity: JobIdentity;
  /** One per host, in host order. */
  readonly sandboxes: readonly JobSandbox[];
}

/** Refuses to start anything once the run is stopping. */
export function throwIfStopped(run: LocalRunContext): void {
  if (run.signal.aborted) throw new TaskError('States.TaskFailed', 'the local execution was stopped');
}

/** A `.sync` task's result: the Describe response of a completed job; any other status fails the Task with it as the cause. */
export function syncResult(status: string, description: Record<string, unknown>): Record<string, unknown> {
  if (status !== 'Completed') throw new TaskError('States.TaskFailed', JSON.stringify(description));
  return description;
}

/** Runs one job through its life; `work` does what the kind does in its sandboxes and says how it ended. */
export async function runJob(setting: JobSetting, spec: JobSpec, work: (job: StartedJob) => Promise<JobEnding>): Promise<Record<string, unknown>> {
  const { run, state, stage, choice } = setting;
  throwIfStopped(run);
  const createdAt = Date.now();
  const started = performance.now();
  let sandboxes: JobSandbox[];
  try {
    sandboxes = (spec.sandboxNames ?? [spec.jobName]).map((name) => createJobSandbox(run.runDir, name, spec.sandboxFolders));
  } catch (error) {
    throw new TaskError('SageMaker.ResourceInUse', messageOf(error));
  }
  const recorded = spec.recorded ?? true;
  if (recorded) run.jobs.jobStarted({ stateName: state.name, jobName: spec.jobName, backend: choice.backend.name });
  const identity: JobIdentity = {
    stateName: state.name,
    stageName: stage.stageName,
    ...(spec.jobKind ? { jobKind: spec.jobKind } : {}),
    jobName: spec.jobName,
    jobArn: spec.jobArn,
    backend: choice.backend.name,
    createdAt,
    started,
    sandbox: sandboxes[0],
  };
  const ending = await work({ identity, sandboxes });
  const endedAt = Date.now();
  // Like a container's, a host's /tmp does not outlive the job.
  for (const other of sandboxes.slice(1)) rmSync(join(other.dir, 'tmp'), { recursive: true, force: true });
  if (recorded) recordJobEnd(run, identity, ending);
  else rmSync(join(identity.sandbox.dir, 'tmp'), { recursive: true, force: true });
  const description = spec.describe({ status: ending.status, createdAt, startedAt: ending.startedAt, endedAt, exitMessage: ending.exitMessage, failureReason: ending.failureReason });
  return syncResult(ending.status, description);
}

/** FailureReason of a job the run's stop (Ctrl-C) ended. */
export const STOPPED_REASON = 'Stopped: the local execution was interrupted';

/** A job that fails before its container starts (an input missing, a launch refused). */
export function failedBeforeStart(failureReason: string): JobEnding {
  return { status: 'Failed', startedAt: Date.now(), scriptMs: 0, failureReason };
}

/** One host's container run, or why it could not be launched. */
export interface HostRun {
  readonly host: string;
  readonly launchError?: string;
  readonly argv0?: string;
  readonly result?: JobProcessResult;
  /** The first 1 KB of the file the container explains itself in (see EndingRules.messageFile). */
  readonly message?: string;
}

/** Launches the container on the stage's backend and runs it in the host's sandbox; a backend that throws fails the launch. */
export async function runHost(setting: JobSetting, sandbox: JobSandbox, host: string, container: ContainerJob, maxRuntimeSeconds: number, label: string, rules: Pick<EndingRules, 'messageFile'>): Promise<HostRun> {
  try {
    const launch = await setting.choice.backend.launch(container);
    const result = await runInSandbox(setting.run, sandbox, launch, maxRuntimeSeconds, label);
    return { host, argv0: launch.argv[0], result, message: readExitMessage(sandbox, rules.messageFile) };
  } catch (error) {
    return { host, launchError: messageOf(error) };
  }
}

/** How a kind of job reads its containers' ends. */
export interface EndingRules {
  /** `message` (processing: reported as ExitMessage) or `failure` (training, transform: read into FailureReason only). */
  readonly messageFile: 'message' | 'failure';
  /** The request's MaxRuntimeInSeconds; undefined when the kind has none (transform), so a timeout is a failure of its code. */
  readonly maxRuntimeSeconds?: number;
  /** FailureReason of a container that exited non-zero. */
  exitFailure(message: string | undefined, exitCode: number): string;
}

/**
 * SageMaker's status for the hosts' runs: the job fails when any host fails, and it reports the first
 * failure in this order: a launch refused, the runtime limit, a stop, a command that cannot start, a
 * non-zero exit. A job of several hosts names the host in its FailureReason.
 */
export function endingOf(runs: readonly HostRun[], startedAt: number, rules: EndingRules): JobEnding {
  const on = (run: HostRun) => (runs.length > 1 ? ` (host ${run.host})` : '');
  const scriptMs = Math.max(0, ...runs.map((r) => r.result?.elapsedMs ?? 0));
  const launchFailure = runs.find((r) => r.launchError !== undefined);
  if (launchFailure) return { status: 'Failed', startedAt: Date.now(), scriptMs, failureReason: `ClientError: ${launchFailure.launchError}${on(launchFailure)}` };
  const exitCode = (runs.find((r) => r.result!.exitCode !== 0) ?? runs[0]).result!.exitCode;
  const shown = (run: HostRun) => (rules.messageFile === 'message' ? { exitMessage: run.message } : {});
  const base = { startedAt, exitCode, scriptMs };
  const timedOut = rules.maxRuntimeSeconds === undefined ? undefined : runs.find((r) => r.result!.timedOut);
  if (timedOut) {
    return { ...base, status: 'Stopped', ...shown(timedOut), failureReason: `MaxRuntimeExceeded: the job ran longer than MaxRuntimeInSeconds (${rules.maxRuntimeSeconds} s) and was stopped${on(timedOut)}` };
  }
  const aborted = runs.find((r) => r.result!.aborted);
  if (aborted) return { ...base, status: 'Stopped', ...shown(aborted), failureReason: STOPPED_REASON };
  const spawnFailed = runs.find((r) => r.result!.spawnError);
  if (spawnFailed) return { ...base, status: 'Failed', failureReason: `ClientError: cannot start ${spawnFailed.argv0}: ${spawnFailed.result!.spawnError}${on(spawnFailed)}` };
  const failed = runs.find((r) => r.result!.exitCode !== 0);
  if (failed) return { ...base, status: 'Failed', ...shown(failed), failureReason: `${rules.exitFailure(failed.message, failed.result!.exitCode)}${on(failed)}` };
  return { ...base, status: 'Completed', ...shown(runs[0]) };
}

/** Records a finished job in the report and clears its /tmp (like a container's, it does not outlive the job). */
function recordJobEnd(run: LocalRunContext, job: JobIdentity, end: JobEnding): JobRecord {
  const record: JobRecord = {
    stateName: job.stateName,
    stageName: job.stageName,
    ...(job.jobKind ? { jobKind: job.jobKind } : {}),
    jobName: job.jobName,
    jobArn: job.jobArn,
    backend: job.backend,
    status: end.status,
    exitCode: end.exitCode,
    ...(end.exitMessage !== undefined ? { exitMessage: end.exitMessage } : {}),
    failureReason: end.failureReason,
    startedAt: new Date(job.createdAt).toISOString(),
    durationMs: performance.now() - job.started,
    scriptMs: end.scriptMs,
    dir: job.sandbox.dir,
    stdoutLog: job.sandbox.stdoutLog,
    stderrLog: job.sandbox.stderrLog,
    outputs: end.outputs ?? [],
    ...(end.hosts ? { hosts: end.hosts } : {}),
  };
  rmSync(join(job.sandbox.dir, 'tmp'), { recursive: true, force: true });
  run.jobs.jobEnded(record);
  return record;
}
