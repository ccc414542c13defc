/**
 * `arn:aws:states:::sagemaker:createTrainingJob.sync` on the local disk, honouring the training contract:
 * channels copied from local S3 to /opt/ml/input/data/<channel>/, hyperparameters.json,
 * inputdataconfig.json and resourceconfig.json in /opt/ml/input/config/, the container command run by the
 * stage's backend, exit code 0 = success, /opt/ml/output/failure as FailureReason, and /opt/ml/model
 * packed into `<S3OutputPath><job name>/output/model.tar.gz`, which the result names in ModelArtifacts.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type { ContainerJob } from '../backends/types.js';
import { TaskError, messageOf } from '../errors.js';
import { stageCodeOf } from '../stage-code.js';
import { endingOf, failedBeforeStart, runHost, runJob, type JobOutcome } from './job-lifecycle.js';
import { SANDBOX_FOLDERS, hostPathOf, type JobSandbox } from './job-sandbox.js';
import { RUNNER_ENV, SKIP_REQUIREMENTS, prepareStageJob, preparedTaskOf, staticImageUri, type JobSetting } from './job-support.js';
import { DEFAULT_MAX_RUNTIME_SECONDS } from './processing-request.js';
import type { LocalRunContext } from '../run-context.js';
import type { PreparedTask, TaskEmulator, TaskStateRef } from './types.js';
import { SAGEMAKER_NAME_PATTERN } from '../../model/rules.js';

const run = promisify(execFile);
const CHANNEL_ROOT = '/opt/ml/input/data';
const MODEL_DIR = '/opt/ml/model';
/** What a custom training image is started with (`docker run <image> train`). */
const TRAIN_ARGUMENT = 'train';

interface Channel {
  readonly ChannelName: string;
  readonly DataSource?: { readonly S3DataSource?: { readonly S3Uri: string; readonly S3DataType?: string; readonly S3DataDistributionType?: string } };
  readonly InputMode?: string;
}

export interface TrainingRequest {
  readonly TrainingJobName: string;
  readonly RoleArn: string;
  readonly AlgorithmSpecification: { readonly TrainingImage: string; readonly TrainingInputMode?: string; readonly ContainerEntrypoint?: string[]; readonly ContainerArguments?: string[] };
  readonly HyperParameters?: Readonly<Record<string, string>>;
  readonly InputDataConfig?: readonly Channel[];
  readonly OutputDataConfig: { readonly S3OutputPath: string };
  readonly ResourceConfig?: { readonly InstanceCount?: number; readonly InstanceType?: string; readonly VolumeSizeInGB?: number };
  readonly StoppingCondition?: { readonly MaxRuntimeInSeconds?: number };
  readonly Environment?: Readonly<Record<string, string>>;
  readonly [other: string]: unknown;
}

export const trainingJobEmulator: TaskEmulator = {
  emulates: 'SageMaker training job',
  async prepare(state: TaskStateRef, context): Promise<PreparedTask> {
    const setting = await prepareTrainingJob(state, context);
    return { handler: (request) => runTrainingJob(request, setting), ...preparedTaskOf(setting) };
  },
};

/** The stage, backend and interpreter a training state's jobs run with (a tuning state's trials too). */
export async function prepareTrainingJob(state: TaskStateRef, context: LocalRunContext): Promise<JobSetting> {
  const parameters = state.definition.Parameters as { AlgorithmSpecification?: unknown } | undefined;
  const stage = stageCodeOf(context.repoRoot, state.name, parameters);
  return prepareStageJob(state, stage, staticImageUri(parameters?.AlgorithmSpecification, 'TrainingImage', context.input), context);
}

/** Problems SageMaker would reject the request for, or that a local run cannot emulate. */
export function trainingRequestProblems(value: unknown): string[] {
  const request = value as Partial<TrainingRequest> | null;
  if (!request || typeof request !== 'object') return ['the request is not an object'];
  const problems: string[] = [];
  if (typeof request.TrainingJobName !== 'string' || !SAGEMAKER_NAME_PATTERN.test(request.TrainingJobName)) problems.push(`TrainingJobName '${String(request.TrainingJobName)}' must be 1-63 letters, digits or hyphens`);
  if (typeof request.AlgorithmSpecification?.TrainingImage !== 'string') problems.push('AlgorithmSpecification.TrainingImage is missing');
  if (typeof request.OutputDataConfig?.S3OutputPath !== 'string' || !request.OutputDataConfig.S3OutputPath.startsWith('s3://')) problems.push('OutputDataConfig.S3OutputPath must be an s3:// URI');
  for (const channel of request.InputDataConfig ?? []) {
    const s3 = channel.DataSource?.S3DataSource;
    if (!s3) problems.push(`channel '${channel.ChannelName}': only S3DataSource is emulated locally`);
    else if (s3.S3DataType === 'ManifestFile' || s3.S3DataType === 'AugmentedManifestFile') problems.push(`channel '${channel.ChannelName}': S3DataType ${s3.S3DataType} is not emulated locally (use S3Prefix)`);
    if ((channel.InputMode ?? request.AlgorithmSpecification?.TrainingInputMode) === 'Pipe') problems.push(`channel '${channel.ChannelName}': Pipe input mode is not emulated locally (use File)`);
  }
  return problems;
}

/** Runs one training job (a `.sync` Task's request) and returns its DescribeTrainingJob response. */
export async function runTrainingJob(value: unknown, setting: JobSetting): Promise<unknown> {
  const { run: context, stage } = setting;
  const problems = trainingRequestProblems(value);
  if (problems.length > 0) throw new TaskError('SageMaker.ValidationException', problems.join('; '));
  const request = value as TrainingRequest;
  const name = request.TrainingJobName;
  const arn = sageMakerArn(request.RoleArn, request.AlgorithmSpecification.TrainingImage, 'training-job', name);
  const artifact = `${request.OutputDataConfig.S3OutputPath.replace(/\/?$/, '/')}${name}/output/model.tar.gz`;
  const describe = (outcome: JobOutcome) => {
    const { Tags: _tags, ...described } = request;
    return {
      ...described,
      TrainingJobArn: arn,
      TrainingJobStatus: outcome.status,
      SecondaryStatus: outcome.status,
      ...(outcome.status === 'Completed' ? { ModelArtifacts: { S3ModelArtifacts: artifact } } : {}),
      ...(outcome.failureReason !== undefined ? { FailureReason: outcome.failureReason } : {}),
      CreationTime: outcome.createdAt,
      TrainingStartTime: outcome.startedAt,
      TrainingEndTime: outcome.endedAt,
      LastModifiedTime: outcome.endedAt,
    };
  };
  return runJob(setting, { jobName: name, jobArn: arn, jobKind: 'training', sandboxFolders: SANDBOX_FOLDERS.training, describe }, async ({ sandboxes: [sandbox] }) => {
    // SageMaker downloads every channel before the container starts; an empty prefix fails the job.
    for (const channel of request.InputDataConfig ?? []) {
      const uri = channel.DataSource!.S3DataSource!.S3Uri;
      if (context.s3.download(uri, hostPathOf(sandbox, `${CHANNEL_ROOT}/${channel.ChannelName}`)) === 0) {
        return failedBeforeStart(`ClientError: No S3 objects found under S3 URL "${uri}" given in input data source for channel '${channel.ChannelName}' (local S3: ${context.s3.pathOf(uri)})`);
      }
    }
    writeTrainingConfig(sandbox, request);
    const count = request.ResourceConfig?.InstanceCount ?? 1;
    if (count > 1) context.log(`  ${stage.stageName}: InstanceCount ${count} runs as one local host (algo-1)`);

    const rules = { ...ENDING_RULES, maxRuntimeSeconds: request.StoppingCondition?.MaxRuntimeInSeconds ?? DEFAULT_MAX_RUNTIME_SECONDS };
    const startedAt = Date.now();
    const ending = endingOf([await runHost(setting, sandbox, 'algo-1', containerJob(request, sandbox, setting), rules.maxRuntimeSeconds, stage.stageName, rules)], startedAt, rules);
    if (ending.status !== 'Completed') return ending;

    // Only a completed job's model reaches S3, packed as SageMaker packs it.
    const target = context.s3.pathOf(artifact);
    try {
      mkdirSync(dirname(target), { recursive: true });
      const modelDir = hostPathOf(sandbox, MODEL_DIR);
      await run('tar', ['-czf', target, '-C', modelDir, '.'], { timeout: 600_000 });
    } catch (error) {
      return { ...ending, status: 'Failed', failureReason: `ClientError: cannot pack ${MODEL_DIR} into model.tar.gz: ${messageOf(error)}` };
    }
    return { ...ending, outputs: [{ name: 'model', s3Uri: artifact, localPath: target }] };
  });
}

/** A training container explains a failure in /opt/ml/output/failure, which SageMaker reports in FailureReason. */
const ENDING_RULES = {
  messageFile: 'failure',
  exitFailure: (message: string | undefined, exitCode: number) => `AlgorithmError: ${message || 'See job logs for more information'}, exit code: ${exitCode}`,
} as const;

/** /opt/ml/input/config/*.json, as SageMaker writes them for a one-host job. */
function writeTrainingConfig(sandbox: JobSandbox, request: TrainingRequest): void {
  const config = hostPathOf(sandbox, '/opt/ml/input/config');
  writeFileSync(join(config, 'hyperparameters.json'), JSON.stringify(request.HyperParameters ?? {}, null, 2));
  const channels = Object.fromEntries(
    (request.InputDataConfig ?? []).map((c) => [
      c.ChannelName,
      { TrainingInputMode: c.InputMode ?? request.AlgorithmSpecification.TrainingInputMode ?? 'File', S3DistributionType: c.DataSource?.S3DataSource?.S3DataDistributionType ?? 'FullyReplicated', RecordWrapperType: 'None' },
    ]),
  );
  writeFileSync(join(config, 'inputdataconfig.json'), JSON.stringify(channels, null, 2));
  const resourceConfig = { current_host: 'algo-1', current_instance_type: request.ResourceConfig?.InstanceType, current_group_name: 'homogeneousCluster', hosts: ['algo-1'], network_interface_name: 'eth0' };
  writeFileSync(join(config, 'resourceconfig.json'), JSON.stringify(resourceConfig, null, 2));
}

/** The job in container terms: ContainerEntrypoint when given, else the image's ENTRYPOINT started with `train`. */
function containerJob(request: TrainingRequest, sandbox: JobSandbox, setting: JobSetting): ContainerJob {
  const { stage, python } = setting;
  const algorithm = request.AlgorithmSpecification;
  const image = stage.script ? undefined : stage.dockerfile?.info;
  let command: string[] | undefined;
  if (algorithm.ContainerEntrypoint) command = [...algorithm.ContainerEntrypoint, ...(algorithm.ContainerArguments ?? [])];
  else if (image?.entrypoint) command = [...image.entrypoint, ...(algorithm.ContainerArguments ?? [TRAIN_ARGUMENT])];
  else if (image) command = [TRAIN_ARGUMENT];
  return {
    jobName: request.TrainingJobName,
    stage,
    sandboxDir: sandbox.dir,
    optMlDir: sandbox.optMl,
    imageUri: algorithm.TrainingImage,
    containerEntrypoint: algorithm.ContainerEntrypoint,
    containerArguments: algorithm.ContainerArguments ?? (algorithm.ContainerEntrypoint ? undefined : [TRAIN_ARGUMENT]),
    command,
    workdir: image?.workdir,
    env: { ...RUNNER_ENV, ...(image?.env ?? {}), ...(request.Environment ?? {}), ...(setting.run.install ? {} : SKIP_REQUIREMENTS) },
    python,
  };
}

/** `arn:<partition>:sagemaker:<region>:<account>:<type>/<name>`, region from the image, account from the role. */
export function sageMakerArn(roleArn: string | undefined, imageUri: string | undefined, type: string, name: string): string {
  const role = /^arn:(aws[\w-]*):iam::(\d{12}):/.exec(roleArn ?? '');
  const region = /\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com/.exec(imageUri ?? '')?.[1] ?? 'us-east-1';
  return `arn:${role?.[1] ?? 'aws'}:sagemaker:${region}:${role?.[2] ?? '000000000000'}:${type}/${name.toLowerCase()}`;
}
