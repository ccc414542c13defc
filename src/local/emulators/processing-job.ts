/**
 * `arn:aws:states:::sagemaker:createProcessingJob.sync` on the local disk, honouring the job contract:
 * a fresh sandbox per job, inputs copied from local S3 to their /opt/ml/processing paths, the config
 * files SageMaker writes, the container command run by the stage's backend, exit code 0 = success,
 * /opt/ml/output/message as ExitMessage, outputs copied back to local S3, MaxRuntimeInSeconds enforced.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ContainerJob } from '../backends/types.js';
import { TaskError, messageOf } from '../errors.js';
import type { HostRecord, JobOutputRecord } from '../report.js';
import type { LocalRunContext } from '../run-context.js';
import { stageCodeOf } from '../stage-code.js';
import { RUNNER_ENV, SKIP_REQUIREMENTS, prepareStageJob, preparedTaskOf, recordJobEnd, runInSandbox, staticImageUri, type JobIdentity, type JobSetting } from './job-support.js';
import { boundedAll, filesUnder, hostConcurrency, hostNames, outputCollisions, shardOf } from './processing-hosts.js';
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
  const hosts = hostNames(request.ProcessingResources?.ClusterConfig?.InstanceCount ?? 1);
  const inputs = request.ProcessingInputs ?? [];
  const sharded = inputs.filter((input) => input.S3Input?.S3DataDistributionType === 'ShardedByS3Key');
  if (sharded.length > 0 && hosts.length === 1) {
    run.notice(`${stage.stageName}: input ${sharded.map((i) => `'${i.InputName}'`).join(', ')} is ShardedByS3Key but InstanceCount is 1, so the one host gets every object`);
  }
  // One sandbox per host; a one-host job keeps the plain layout jobs/<job name>/.
  let sandboxes: JobSandbox[];
  try {
    sandboxes = hosts.length === 1 ? [createJobSandbox(run.runDir, request.ProcessingJobName)] : hosts.map((host) => createJobSandbox(run.runDir, join(request.ProcessingJobName, host)));
  } catch (error) {
    throw new TaskError('SageMaker.ResourceInUse', messageOf(error));
  }
  const sandbox = sandboxes[0];
  run.jobs.jobStarted({ stateName: setting.state.name, jobName: request.ProcessingJobName, backend: choice.backend.name });
  const identity: JobIdentity = { stateName: setting.state.name, stageName: stage.stageName, jobName: request.ProcessingJobName, jobArn: arn, backend: choice.backend.name, createdAt, started, sandbox };
  const hostRecords: HostRecord[] = hosts.map((host, i) => ({ host, scriptMs: 0, dir: sandboxes[i].dir, inputObjects: {}, outputFiles: {} }));

  const finish = (outcome: Omit<JobOutcome, 'createdAt' | 'endedAt'>, extra: { exitCode?: number; scriptMs: number; outputs?: JobOutputRecord[] }) => {
    const full: JobOutcome = { ...outcome, createdAt, endedAt: Date.now() };
    for (const other of sandboxes.slice(1)) rmSync(join(other.dir, 'tmp'), { recursive: true, force: true });
    recordJobEnd(run, identity, {
      status: full.status,
      exitCode: extra.exitCode,
      exitMessage: full.exitMessage,
      failureReason: full.failureReason,
      scriptMs: extra.scriptMs,
      outputs: extra.outputs,
      ...(hosts.length > 1 ? { hosts: hostRecords } : {}),
    });
    const described = describeProcessingJob(request, arn, full);
    // A failed `.sync` job surfaces as States.TaskFailed whose cause is the Describe response.
    if (full.status !== 'Completed') throw new TaskError('States.TaskFailed', JSON.stringify(described));
    return described;
  };

  // SageMaker downloads every input before the container starts; an empty prefix fails the job.
  for (const input of inputs) {
    const s3 = input.S3Input!;
    const keys = run.s3.list(s3.S3Uri);
    if (keys.length === 0) {
      return finish(
        { status: 'Failed', startedAt: Date.now(), failureReason: `ClientError: No S3 objects found under S3 URL "${s3.S3Uri}" given in input data source '${input.InputName}' (local S3: ${run.s3.pathOf(s3.S3Uri)})` },
        { scriptMs: 0 },
      );
    }
    hosts.forEach((_, i) => {
      const share = s3.S3DataDistributionType === 'ShardedByS3Key' ? shardOf(keys, i, hosts.length) : keys;
      run.s3.downloadKeys(s3.S3Uri, share, hostPathOf(sandboxes[i], s3.LocalPath));
      (hostRecords[i].inputObjects as Record<string, number>)[input.InputName] = share.length;
    });
  }
  const { Tags: _tags, ...jobConfig } = request;
  hosts.forEach((host, i) => {
    // Output folders exist when the container starts, as on SageMaker.
    for (const output of request.ProcessingOutputConfig?.Outputs ?? []) mkdirSync(hostPathOf(sandboxes[i], output.S3Output!.LocalPath), { recursive: true });
    writeJobConfig(sandboxes[i], { ...jobConfig, ProcessingJobArn: arn }, request.ProcessingResources?.ClusterConfig?.InstanceType, hosts, host);
  });
  if (hosts.length > 1) run.log(`  ${stage.stageName}: ${hosts.length} instances run as ${hosts.length} local hosts (${hostConcurrency()} at a time)`);

  const maxRuntime = request.StoppingCondition?.MaxRuntimeInSeconds ?? DEFAULT_MAX_RUNTIME_SECONDS;
  const startedAt = Date.now();
  const results = await boundedAll(hosts, hostConcurrency(), async (host, i) => {
    const label = hosts.length > 1 ? `${stage.stageName}@${host}` : stage.stageName;
    try {
      const launch = await choice.backend.launch(containerJob(request, sandboxes[i], setting));
      return { host, launch, result: await runInSandbox(run, sandboxes[i], launch, maxRuntime, label), exitMessage: readExitMessage(sandboxes[i]) };
    } catch (error) {
      return { host, launchError: messageOf(error) };
    }
  });
  const scriptMs = Math.max(0, ...results.map((r) => r.result?.elapsedMs ?? 0));
  results.forEach((r, i) => Object.assign(hostRecords[i], { exitCode: r.result?.exitCode, scriptMs: r.result?.elapsedMs ?? 0 }));
  // The job fails when any host fails; SageMaker reports the first failure it sees.
  const on = (host: string) => (hosts.length > 1 ? ` (host ${host})` : '');
  const launchFailure = results.find((r) => r.launchError !== undefined);
  if (launchFailure) return finish({ status: 'Failed', startedAt: Date.now(), failureReason: `ClientError: ${launchFailure.launchError}${on(launchFailure.host)}` }, { scriptMs });
  const timedOut = results.find((r) => r.result?.timedOut);
  const exitCode = (results.find((r) => r.result?.exitCode !== 0) ?? results[0]).result?.exitCode;
  const extra = { exitCode, scriptMs };
  if (timedOut) {
    return finish({ status: 'Stopped', startedAt, exitMessage: timedOut.exitMessage, failureReason: `MaxRuntimeExceeded: the job ran longer than MaxRuntimeInSeconds (${maxRuntime} s) and was stopped${on(timedOut.host)}` }, extra);
  }
  const aborted = results.find((r) => r.result?.aborted);
  if (aborted) return finish({ status: 'Stopped', startedAt, exitMessage: aborted.exitMessage, failureReason: 'Stopped: the local execution was interrupted' }, extra);
  const spawnFailed = results.find((r) => r.result?.spawnError);
  if (spawnFailed) return finish({ status: 'Failed', startedAt, failureReason: `ClientError: cannot start ${spawnFailed.launch!.argv[0]}: ${spawnFailed.result!.spawnError}${on(spawnFailed.host)}` }, extra);
  const failed = results.find((r) => r.result?.exitCode !== 0);
  if (failed) {
    return finish(
      { status: 'Failed', startedAt, exitMessage: failed.exitMessage, failureReason: `AlgorithmError: ${failed.exitMessage || 'See job logs for more information'}, exit code: ${failed.result!.exitCode}${on(failed.host)}` },
      extra,
    );
  }
  // EndOfJob upload: only a completed job's outputs reach S3; every host uploads to the same prefix.
  const outputs: JobOutputRecord[] = [];
  for (const output of request.ProcessingOutputConfig?.Outputs ?? []) {
    const { S3Uri, LocalPath } = output.S3Output!;
    const written = new Map<string, string[]>();
    hosts.forEach((host, i) => {
      const folder = hostPathOf(sandboxes[i], LocalPath);
      written.set(host, filesUnder(folder));
      (hostRecords[i].outputFiles as Record<string, readonly string[]>)[output.OutputName] = written.get(host)!;
      run.s3.upload(folder, S3Uri);
    });
    for (const { file, hosts: writers } of outputCollisions(written)) {
      run.notice(`${stage.stageName}: hosts ${writers.join(', ')} all wrote '${file}' to output '${output.OutputName}'; S3 keeps only one (${writers[writers.length - 1]}'s here): write per-host file names`);
    }
    outputs.push({ name: output.OutputName, s3Uri: S3Uri, localPath: run.s3.pathOf(S3Uri) });
  }
  return finish({ status: 'Completed', startedAt, exitMessage: results[0].exitMessage }, { ...extra, outputs });
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
