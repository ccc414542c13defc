/**
 * `arn:aws:states:::sagemaker:createProcessingJob.sync` on the local disk, honouring the job contract:
 * a fresh sandbox per job, inputs copied from local S3 to their /opt/ml/processing paths, the config
 * files SageMaker writes, the container command run by the stage's backend, exit code 0 = success,
 * /opt/ml/output/message as ExitMessage, outputs copied back to local S3, MaxRuntimeInSeconds enforced.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ContainerJob } from '../backends/types.js';
import { TaskError } from '../errors.js';
import type { HostRecord, JobOutputRecord } from '../report.js';
import type { LocalRunContext } from '../run-context.js';
import { stageCodeOf } from '../stage-code.js';
import { endingOf, failedBeforeStart, runHost, runJob, type JobEnding, type JobOutcome } from './job-lifecycle.js';
import { RUNNER_ENV, SKIP_REQUIREMENTS, prepareStageJob, preparedTaskOf, staticImageUri, type JobSetting } from './job-support.js';
import { boundedAll, filesUnder, hostConcurrency, hostNames, outputCollisions, shardOf } from './processing-hosts.js';
import { hostPathOf, writeJobConfig, type JobSandbox } from './job-sandbox.js';
import {
  DEFAULT_MAX_RUNTIME_SECONDS,
  describeProcessingJob,
  processingJobArn,
  processingRequestProblems,
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
  const { run, stage } = setting;
  const problems = processingRequestProblems(value);
  // Locally a rejected request is never transient, so it is not named like SageMaker's retried service errors.
  if (problems.length > 0) throw new TaskError('SageMaker.ValidationException', problems.join('; '));
  const request = value as ProcessingRequest;
  const arn = processingJobArn(request);
  const hosts = hostNames(request.ProcessingResources?.ClusterConfig?.InstanceCount ?? 1);
  // One sandbox per host; a one-host job keeps the plain layout jobs/<job name>/.
  const sandboxNames = hosts.length === 1 ? [request.ProcessingJobName] : hosts.map((host) => join(request.ProcessingJobName, host));
  const spec = { jobName: request.ProcessingJobName, jobArn: arn, sandboxNames, describe: (outcome: JobOutcome) => describeProcessingJob(request, arn, outcome) };
  return runJob(setting, spec, async ({ sandboxes }) => {
    const inputs = request.ProcessingInputs ?? [];
    const sharded = inputs.filter((input) => input.S3Input?.S3DataDistributionType === 'ShardedByS3Key');
    if (sharded.length > 0 && hosts.length === 1) {
      run.notice(`${stage.stageName}: input ${sharded.map((i) => `'${i.InputName}'`).join(', ')} is ShardedByS3Key but InstanceCount is 1, so the one host gets every object`);
    }
    const hostRecords: HostRecord[] = hosts.map((host, i) => ({ host, scriptMs: 0, dir: sandboxes[i].dir, inputObjects: {}, outputFiles: {} }));
    const withHosts = (ending: JobEnding): JobEnding => (hosts.length > 1 ? { ...ending, hosts: hostRecords } : ending);

    // SageMaker downloads every input before the container starts; an empty prefix fails the job.
    for (const input of inputs) {
      const s3 = input.S3Input!;
      const keys = run.s3.list(s3.S3Uri);
      if (keys.length === 0) {
        return withHosts(failedBeforeStart(`ClientError: No S3 objects found under S3 URL "${s3.S3Uri}" given in input data source '${input.InputName}' (local S3: ${run.s3.pathOf(s3.S3Uri)})`));
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

    const rules = { ...ENDING_RULES, maxRuntimeSeconds: request.StoppingCondition?.MaxRuntimeInSeconds ?? DEFAULT_MAX_RUNTIME_SECONDS };
    const startedAt = Date.now();
    const results = await boundedAll(hosts, hostConcurrency(), (host, i) =>
      runHost(setting, sandboxes[i], host, containerJob(request, sandboxes[i], setting), rules.maxRuntimeSeconds, hosts.length > 1 ? `${stage.stageName}@${host}` : stage.stageName, rules),
    );
    results.forEach((r, i) => Object.assign(hostRecords[i], { exitCode: r.result?.exitCode, scriptMs: r.result?.elapsedMs ?? 0 }));
    const ending = endingOf(results, startedAt, rules);
    if (ending.status !== 'Completed') return withHosts(ending);

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
    return withHosts({ ...ending, outputs });
  });
}

/** A processing container explains a failure in /opt/ml/output/message, which SageMaker reports as ExitMessage. */
const ENDING_RULES = {
  messageFile: 'message',
  exitFailure: (message: string | undefined, exitCode: number) => `AlgorithmError: ${message || 'See job logs for more information'}, exit code: ${exitCode}`,
} as const;

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
