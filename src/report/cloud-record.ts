/**
 * The run record of a cloud execution, from its Step Functions execution history (GetExecutionHistory)
 * and the definition that ran (DescribeStateMachineForExecution). Pure: the caller fetches both.
 * Job facts come from the `.sync` Task results, which are the jobs' Describe*Job responses.
 */
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { metricGates } from './metric-gates.js';
import type { JobView, OutputView, RunRecord, StateOutcome } from './run-record.js';

interface MutableState {
  name: string;
  type: string;
  outcome: StateOutcome;
  enteredAt: number;
  durationMs?: number;
  attempts: number;
  error?: { error: string; cause: string };
  input?: unknown;
}

interface MutableJob {
  state: string;
  name?: string;
  kind?: string;
  status: string;
  submittedAt: number;
  endedAt?: number;
  describe?: Record<string, unknown>;
}

const STATUS_BY_EVENT: Record<string, string> = {
  ExecutionSucceeded: 'SUCCEEDED',
  ExecutionFailed: 'FAILED',
  ExecutionTimedOut: 'TIMED_OUT',
  ExecutionAborted: 'ABORTED',
};

export interface CloudRunFacts {
  readonly executionName: string;
  /** The Step Functions console page of the execution. */
  readonly consoleUrl?: string;
  /** Where it ran: environment, account, region. */
  readonly where?: string;
}

/** @param events the whole history, oldest first */
export function cloudRunRecord(events: readonly HistoryEvent[], definition: unknown, facts: CloudRunFacts): RunRecord {
  const states: MutableState[] = [];
  const jobs: MutableJob[] = [];
  const outputs: OutputView[] = [];
  let current: MutableState | undefined;
  let job: MutableJob | undefined;
  let status = 'RUNNING';
  let startedAt = events[0]?.timestamp?.getTime() ?? 0;
  let endedAt: number | undefined;
  let error: RunRecord['error'];
  const time = (event: HistoryEvent) => event.timestamp?.getTime() ?? startedAt;

  for (const event of events) {
    const type = event.type ?? '';
    if (type === 'ExecutionStarted') startedAt = time(event);
    else if (type.endsWith('StateEntered') && event.stateEnteredEventDetails?.name) {
      current = { name: event.stateEnteredEventDetails.name, type: type.slice(0, -'StateEntered'.length), outcome: 'running', enteredAt: time(event), attempts: 1 };
      if (current.type === 'Choice') current.input = parseJson(event.stateEnteredEventDetails.input);
      if (current.type === 'Fail') current.outcome = 'failed';
      states.push(current);
    } else if (type.endsWith('StateExited') && event.stateExitedEventDetails?.name) {
      const state = [...states].reverse().find((s) => s.name === event.stateExitedEventDetails?.name);
      if (state) {
        state.durationMs = time(event) - state.enteredAt;
        // Exiting after a failure means a Catch took the error.
        if (state.outcome === 'running') state.outcome = state.error ? 'caught' : 'succeeded';
      }
    } else if (type === 'TaskScheduled' && current) {
      if (jobs.some((j) => j.state === current?.name && j.submittedAt >= current.enteredAt)) current.attempts += 1;
      current.error = undefined;
      job = undefined;
    } else if (type === 'TaskSubmitted' && current) {
      const submitted = parseJson(event.taskSubmittedEventDetails?.output) as Record<string, unknown> | undefined;
      job = { state: current.name, status: 'InProgress', submittedAt: time(event), ...jobIdentity(submitted ?? {}, event.taskSubmittedEventDetails?.resource) };
      jobs.push(job);
    } else if (type === 'TaskSucceeded' && current) {
      const describe = parseJson(event.taskSucceededEventDetails?.output) as Record<string, unknown> | undefined;
      if (job && describe) finishJob(job, describe, time(event));
      if (job && describe) outputs.push(...outputsOf(current.name, describe));
    } else if ((type === 'TaskFailed' || type === 'TaskTimedOut') && current) {
      const details = event.taskFailedEventDetails ?? event.taskTimedOutEventDetails;
      current.error = { error: details?.error ?? type, cause: details?.cause ?? '' };
      const describe = parseJson(details?.cause) as Record<string, unknown> | undefined;
      if (job) finishJob(job, describe ?? {}, time(event), type === 'TaskTimedOut' ? 'Stopped' : 'Failed');
    } else if (type === 'ExecutionFailed' || type === 'ExecutionTimedOut' || type === 'ExecutionAborted' || type === 'ExecutionSucceeded') {
      status = STATUS_BY_EVENT[type];
      endedAt = time(event);
      const details = event.executionFailedEventDetails ?? event.executionTimedOutEventDetails ?? event.executionAbortedEventDetails;
      if (type !== 'ExecutionSucceeded') {
        const failed = [...states].reverse().find((s) => s.outcome === 'running' || s.outcome === 'failed');
        if (failed?.outcome === 'running') failed.outcome = 'failed';
        error = { error: details?.error ?? type, cause: details?.cause ?? '', ...(failed ? { state: failed.name } : {}) };
      }
    }
  }
  const lastChoice = new Map(states.filter((s) => s.type === 'Choice').map((s) => [s.name, s.input]));
  return {
    source: 'cloud',
    executionName: facts.executionName,
    status,
    startedAt: new Date(startedAt).toISOString(),
    durationMs: (endedAt ?? events[events.length - 1]?.timestamp?.getTime() ?? startedAt) - startedAt,
    definition,
    states: states.map(({ name, type, outcome, durationMs, attempts, error: stateError }) => ({ name, type, outcome, durationMs, attempts, ...(stateError ? { error: stateError } : {}) })),
    jobs: jobs.map(jobView),
    outputs,
    gates: metricGates(definition, (state) => lastChoice.get(state)),
    ...(error ? { error } : {}),
    facts: [...(facts.where ? [{ label: 'ran on', value: facts.where }] : []), ...(facts.consoleUrl ? [{ label: 'console', value: 'Step Functions', href: facts.consoleUrl }] : [])],
  };
}

const KIND_BY_RESOURCE: [RegExp, string][] = [
  [/createProcessingJob/, 'processing'],
  [/createTrainingJob/, 'training'],
  [/createTransformJob/, 'transform'],
];

function jobIdentity(submitted: Record<string, unknown>, resource: string | undefined): { name?: string; kind?: string } {
  const kind = KIND_BY_RESOURCE.find(([pattern]) => pattern.test(resource ?? ''))?.[1];
  const arn = [submitted.ProcessingJobArn, submitted.TrainingJobArn, submitted.TransformJobArn].find((v) => typeof v === 'string') as string | undefined;
  return { ...(arn ? { name: arn.slice(arn.lastIndexOf('/') + 1) } : {}), ...(kind ? { kind } : {}) };
}

/** The Describe*Job response: its own status, times and messages. */
function finishJob(job: MutableJob, describe: Record<string, unknown>, at: number, fallbackStatus = 'Completed'): void {
  job.describe = describe;
  job.endedAt = at;
  const status = describe.ProcessingJobStatus ?? describe.TrainingJobStatus ?? describe.TransformJobStatus;
  job.status = typeof status === 'string' ? status : fallbackStatus;
  const name = describe.ProcessingJobName ?? describe.TrainingJobName ?? describe.TransformJobName;
  if (typeof name === 'string') job.name = name;
}

function jobView(job: MutableJob): JobView {
  const d = job.describe ?? {};
  const start = dateOf(d.ProcessingStartTime ?? d.TrainingStartTime ?? d.TransformStartTime) ?? job.submittedAt;
  const end = dateOf(d.ProcessingEndTime ?? d.TrainingEndTime ?? d.TransformEndTime) ?? job.endedAt ?? start;
  return {
    state: job.state,
    name: job.name ?? `${job.state} job`,
    ...(job.kind ? { kind: job.kind } : {}),
    status: job.status,
    startedAt: new Date(start).toISOString(),
    durationMs: Math.max(0, end - start),
    ...(typeof d.ExitMessage === 'string' ? { exitMessage: d.ExitMessage } : {}),
    ...(typeof d.FailureReason === 'string' ? { failureReason: d.FailureReason } : {}),
    backend: 'SageMaker',
  };
}

/** Where each job wrote: processing outputs, the training job's model artifact, the transform's output path. */
function outputsOf(state: string, d: Record<string, unknown>): OutputView[] {
  const config = d.ProcessingOutputConfig as { Outputs?: { OutputName?: string; S3Output?: { S3Uri?: string } }[] } | undefined;
  const found: OutputView[] = (config?.Outputs ?? []).flatMap((o) => (o.S3Output?.S3Uri ? [{ state, name: o.OutputName ?? 'output', uri: o.S3Output.S3Uri }] : []));
  const model = (d.ModelArtifacts as { S3ModelArtifacts?: string } | undefined)?.S3ModelArtifacts;
  if (model) found.push({ state, name: 'model', uri: model });
  const transform = (d.TransformOutput as { S3OutputPath?: string } | undefined)?.S3OutputPath;
  if (transform) found.push({ state, name: 'predictions', uri: transform });
  return found;
}

/** SDK responses carry dates as epoch milliseconds (Step Functions serializes them so) or ISO text. */
function dateOf(value: unknown): number | undefined {
  if (typeof value === 'number') return value < 1e11 ? value * 1000 : value;
  if (typeof value === 'string') {
    const parsed = Date.parse(value);
    return Number.isNaN(parsed) ? undefined : parsed;
  }
  return undefined;
}

function parseJson(text: string | undefined): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
