/**
 * `arn:aws:states:::sagemaker:createProcessingJob.sync` on the local disk, honouring the job contract:
 * a fresh sandbox per job, inputs copied from local S3 to their /opt/ml/processing paths, the config
 * files SageMaker writes, the container command run by the stage's backend, exit code 0 = success,
 * /opt/ml/output/message as ExitMessage, outputs copied back to local S3, MaxRuntimeInSeconds enforced.
 */
import { mkdirSync } from 'node:fs';
import type { ContainerJob } from '../backends/types.js';
import { TaskError, messageOf } from '../errors.js';
import type { JobOutputRecord } from '../report.js';
import type { LocalRunContext } from '../run-context.js';
import { stageCodeOf } from '../stage-code.js';
import { RUNNER_ENV, SKIP_REQUIREMENTS, prepareStageJob, preparedTaskOf, recordJobEnd, runInSandbox, staticImageUri, type JobIdentity, type JobSetting } from './job-support.js';
import { createJobSandbox, hostPathOf, readExitMessage, writeJobConfig, type JobSandbox } from './job-sandbox.js';
import {
  DEFAULT_MAX_RUNTIME_SECONDS,
  describeProcessingJob,
  processingJobArn,
  processingRequestProblems,
  type JobOutcome,
  type ProcessingRequest,
} from './processing-request.js';
import type { PreparedTask, TaskEmulator, TaskStateRef } from './types.js';

export const processingJobEmulator: TaskEmulator = {
  emulates: 'SageMaker processing job',
  async prepare(state: TaskStateRef, run: LocalRunContext): Promise<PreparedTask> {
    const stage = stageCodeOf(run.repoRoot, state.name, state.definition.Parameters);
    const image = staticImageUri((state.definition.Parameters as { AppSpecification?: Record<string, unknown> } | undefined)?.AppSpecification, 'ImageUri', run.input);
    const setting = await prepareStageJob(state, stage, image, run);
    return {
      handler: (request) => runProcessingJob(request, setting),
      ...preparedTaskOf(setting),
    };
  },
};

async function runProcessingJob(value: unknown, setting: JobSetting): Promise<unknown> {
  const { run, stage, choice } = setting;
  const problems = processingRequestProblems(value);
  // Locally a rejected request is never transient, so it is not named like SageMaker's retried service errors.
  if (problems.length > 0) throw new TaskError('SageMaker.ValidationException', problems.join('; '));
  if (run.signal.aborted) throw new TaskError('States.TaskFailed', 'the local execution was stopped');
  const request = value as ProcessingRequest;
  const arn = processingJobArn(request);
  const createdAt = Date.now();
  const started = performance.now();
  let sandbox: JobSandbox;
  try {
    sandbox = createJobSandbox(run.runDir, request.ProcessingJobName);
  } catch (error) {
    throw new TaskError('SageMaker.ResourceInUse', messageOf(error));
  }
  run.jobs.jobStarted({ stateName: setting.state.name, jobName: request.ProcessingJobName, backend: choice.backend.name });
  const identity: JobIdentity = { stateName: setting.state.name, stageName: stage.stageName, jobName: request.ProcessingJobName, jobArn: arn, backend: choice.backend.name, createdAt, started, sandbox };

  const finish = (outcome: Omit<JobOutcome, 'createdAt' | 'endedAt'>, extra: { exitCode?: number; scriptMs: number; outputs?: JobOutputRecord[] }) => {
    const full: JobOutcome = { ...outcome, createdAt, endedAt: Date.now() };
    recordJobEnd(run, identity, { status: full.status, exitCode: extra.exitCode, exitMessage: full.exitMessage, failureReason: full.failureReason, scriptMs: extra.scriptMs, outputs: extra.outputs });
    const described = describeProcessingJob(request, arn, full);
    // A failed `.sync` job surfaces as States.TaskFailed whose cause is the Describe response.
    if (full.status !== 'Completed') throw new TaskError('States.TaskFailed', JSON.stringify(described));
    return described;
  };

  // SageMaker downloads every input before the container starts; an empty prefix fails the job.
  for (const input of request.ProcessingInputs ?? []) {
    const s3 = input.S3Input!;
    if (run.s3.download(s3.S3Uri, hostPathOf(sandbox, s3.LocalPath)) === 0) {
      return finish(
        { status: 'Failed', startedAt: Date.now(), failureReason: `ClientError: No S3 objects found under S3 URL "${s3.S3Uri}" given in input data source '${input.InputName}' (local S3: ${run.s3.pathOf(s3.S3Uri)})` },
        { scriptMs: 0 },
      );
    }
  }
  // Output folders exist when the container starts, as on SageMaker.
  for (const output of request.ProcessingOutputConfig?.Outputs ?? []) {
    mkdirSync(hostPathOf(sandbox, output.S3Output!.LocalPath), { recursive: true });
  }
  const { Tags: _tags, ...jobConfig } = request;
  writeJobConfig(sandbox, { ...jobConfig, ProcessingJobArn: arn }, request.ProcessingResources?.ClusterConfig?.InstanceType);
  const count = request.ProcessingResources?.ClusterConfig?.InstanceCount ?? 1;
  if (count > 1) run.log(`  ${stage.stageName}: InstanceCount ${count} runs as one local host (algo-1)`);

  const job = containerJob(request, sandbox, setting);
  let launch;
  try {
    launch = await choice.backend.launch(job);
  } catch (error) {
    return finish({ status: 'Failed', startedAt: Date.now(), failureReason: `ClientError: ${messageOf(error)}` }, { scriptMs: 0 });
  }
  const maxRuntime = request.StoppingCondition?.MaxRuntimeInSeconds ?? DEFAULT_MAX_RUNTIME_SECONDS;
  const startedAt = Date.now();
  const result = await runInSandbox(run, sandbox, launch, maxRuntime, stage.stageName);
  const exitMessage = readExitMessage(sandbox);
  const extra = { exitCode: result.exitCode, scriptMs: result.elapsedMs };
  if (result.timedOut) {
    return finish({ status: 'Stopped', startedAt, exitMessage, failureReason: `MaxRuntimeExceeded: the job ran longer than MaxRuntimeInSeconds (${maxRuntime} s) and was stopped` }, extra);
  }
  if (result.aborted) return finish({ status: 'Stopped', startedAt, exitMessage, failureReason: 'Stopped: the local execution was interrupted' }, extra);
  if (result.spawnError) return finish({ status: 'Failed', startedAt, failureReason: `ClientError: cannot start ${launch.argv[0]}: ${result.spawnError}` }, extra);
  if (result.exitCode !== 0) {
    return finish({ status: 'Failed', startedAt, exitMessage, failureReason: `AlgorithmError: ${exitMessage || 'See job logs for more information'}, exit code: ${result.exitCode}` }, extra);
  }
  // EndOfJob upload: only a completed job's outputs reach S3.
  const outputs: JobOutputRecord[] = [];
  for (const output of request.ProcessingOutputConfig?.Outputs ?? []) {
    const { S3Uri, LocalPath } = output.S3Output!;
    run.s3.upload(hostPathOf(sandbox, LocalPath), S3Uri);
    outputs.push({ name: output.OutputName, s3Uri: S3Uri, localPath: run.s3.pathOf(S3Uri) });
  }
  return finish({ status: 'Completed', startedAt, exitMessage }, { ...extra, outputs });
}

/** The job in container terms, applying SageMaker's entrypoint rules to what the stage's image would run. */
function containerJob(request: ProcessingRequest, sandbox: JobSandbox, setting: JobSetting): ContainerJob {
  const { stage, python } = setting;
  const app = request.AppSpecification;
  // The stage's own image is the one built from its Dockerfile; a script stage runs on a framework image instead.
  const image = stage.script ? undefined : stage.dockerfile?.info;
  let command: string[] | undefined;
  if (app.ContainerEntrypoint) command = [...app.ContainerEntrypoint, ...(app.ContainerArguments ?? [])];
  else if (image && (image.entrypoint || image.cmd)) command = [...(image.entrypoint ?? []), ...(app.ContainerArguments ?? image.cmd ?? [])];
  return {
    jobName: request.ProcessingJobName,
    stage,
    sandboxDir: sandbox.dir,
    optMlDir: sandbox.optMl,
    imageUri: app.ImageUri,
    containerEntrypoint: app.ContainerEntrypoint,
    containerArguments: app.ContainerArguments,
    command,
    workdir: image?.workdir,
    env: { ...RUNNER_ENV, ...(image?.env ?? {}), ...(request.Environment ?? {}), ...(setting.run.install ? {} : SKIP_REQUIREMENTS) },
    python,
  };
}
