/**
 * `arn:aws:states:::sagemaker:createTransformJob.sync` on the local disk: the model CreateModel recorded
 * is unpacked to /opt/ml/model, and the model's inference code (`code/<SAGEMAKER_PROGRAM>` inside the
 * artifact) runs over the input's records through templates/local/transform_driver.py, which plays the
 * serving container (model_fn, then input_fn → predict_fn → output_fn per mini-batch of lines). The
 * answers land in `<S3OutputPath><input file>.out`, as SageMaker assembles them.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { readTemplate } from '../../stages/template-files.js';
import type { ContainerJob } from '../backends/types.js';
import { TaskError, messageOf } from '../errors.js';
import type { StageCode } from '../stage-code.js';
import { endingOf, failedBeforeStart, runHost, runJob, throwIfStopped, type JobOutcome } from './job-lifecycle.js';
import { SANDBOX_FOLDERS, hostPathOf, type JobSandbox } from './job-sandbox.js';
import { RUNNER_ENV, prepareStageJob, preparedTaskOf, type JobSetting } from './job-support.js';
import { DEFAULT_MAX_RUNTIME_SECONDS } from './processing-request.js';
import type { PreparedTask, TaskEmulator, TaskStateRef } from './types.js';
import { SAGEMAKER_NAME_PATTERN, STAGE_TAG_KEY } from '../../model/rules.js';

const run = promisify(execFile);
const DRIVER = readTemplate('local/transform_driver.py');
const DRIVER_PATH = '/opt/ml/legacy-mlops/transform_driver.py';
const MODEL_DIR = '/opt/ml/model';
const INPUT_DIR = '/opt/ml/transform/input';
const OUTPUT_DIR = '/opt/ml/transform/output';
const FAILURE_FILE = '/opt/ml/output/failure';

export interface TransformRequest {
  readonly TransformJobName: string;
  readonly ModelName: string;
  readonly BatchStrategy?: string;
  readonly MaxPayloadInMB?: number;
  readonly TransformInput: { readonly DataSource: { readonly S3DataSource: { readonly S3Uri: string; readonly S3DataType?: string } }; readonly ContentType?: string; readonly SplitType?: string; readonly CompressionType?: string };
  readonly TransformOutput: { readonly S3OutputPath: string; readonly Accept?: string; readonly AssembleWith?: string };
  readonly TransformResources?: { readonly InstanceType?: string; readonly InstanceCount?: number };
  readonly Environment?: Readonly<Record<string, string>>;
  readonly [other: string]: unknown;
}

export const transformJobEmulator: TaskEmulator = {
  emulates: 'SageMaker batch transform job',
  async prepare(state: TaskStateRef, context): Promise<PreparedTask> {
    const tags = (state.definition.Parameters as { Tags?: { Key?: string; Value?: unknown }[] } | undefined)?.Tags ?? [];
    const stageName = String(tags.find((t) => t.Key === STAGE_TAG_KEY)?.Value ?? state.name);
    // The code is the model's, unpacked from its artifact at run time; there is no stage folder to check.
    const stage: StageCode = {
      stateName: state.name,
      stageName,
      stageDir: join(context.repoRoot, 'stages', stageName),
      script: { channel: 'model', localPath: `${MODEL_DIR}/code`, entrypoint: ['python3', DRIVER_PATH], inModelArtifact: true },
    };
    const setting = await prepareStageJob(state, stage, undefined, context, false);
    return { handler: (request) => runTransformJob(request, setting), ...preparedTaskOf(setting) };
  },
};

export function transformRequestProblems(value: unknown): string[] {
  const request = value as Partial<TransformRequest> | null;
  if (!request || typeof request !== 'object') return ['the request is not an object'];
  const problems: string[] = [];
  if (typeof request.TransformJobName !== 'string' || !SAGEMAKER_NAME_PATTERN.test(request.TransformJobName)) problems.push(`TransformJobName '${String(request.TransformJobName)}' must be 1-63 letters, digits or hyphens`);
  if (typeof request.ModelName !== 'string') problems.push('ModelName is missing');
  const source = request.TransformInput?.DataSource?.S3DataSource;
  if (typeof source?.S3Uri !== 'string' || !source.S3Uri.startsWith('s3://')) problems.push('TransformInput.DataSource.S3DataSource.S3Uri must be an s3:// URI');
  if (source?.S3DataType === 'ManifestFile') problems.push('S3DataType ManifestFile is not emulated locally (use S3Prefix)');
  if (request.TransformInput?.CompressionType === 'Gzip') problems.push('CompressionType Gzip is not emulated locally');
  if (typeof request.TransformOutput?.S3OutputPath !== 'string' || !request.TransformOutput.S3OutputPath.startsWith('s3://')) problems.push('TransformOutput.S3OutputPath must be an s3:// URI');
  return problems;
}

async function runTransformJob(value: unknown, setting: JobSetting): Promise<unknown> {
  const { run: context, stage } = setting;
  const problems = transformRequestProblems(value);
  if (problems.length > 0) throw new TaskError('SageMaker.ValidationException', problems.join('; '));
  throwIfStopped(context);
  const request = value as TransformRequest;
  const model = context.models.get(request.ModelName);
  // SageMaker refuses to create the job, before any instance starts.
  if (!model) throw new TaskError('SageMaker.ValidationException', `Could not find model "${request.ModelName}" (models created in this local execution: ${[...context.models.keys()].join(', ') || 'none'})`);
  const name = request.TransformJobName;
  // Same partition, region and account as the model it runs.
  const arn = model.arn.replace(/:model\/.*$/, `:transform-job/${name.toLowerCase()}`);
  const describe = (outcome: JobOutcome) => {
    const { Tags: _tags, ...described } = request;
    return {
      ...described,
      TransformJobArn: arn,
      TransformJobStatus: outcome.status,
      ...(outcome.failureReason !== undefined ? { FailureReason: outcome.failureReason } : {}),
      CreationTime: outcome.createdAt,
      TransformStartTime: outcome.startedAt,
      TransformEndTime: outcome.endedAt,
    };
  };
  return runJob(setting, { jobName: name, jobArn: arn, jobKind: 'transform', sandboxFolders: SANDBOX_FOLDERS.transform, describe }, async ({ sandboxes: [sandbox] }) => {
    const program = model.environment.SAGEMAKER_PROGRAM;
    if (!program) {
      return failedBeforeStart(
        `ClientError: model ${model.name} serves with its image's own code (no SAGEMAKER_PROGRAM): local runs only run inference code packed in the model artifact (script-mode model stages)`,
      );
    }
    try {
      await run('tar', ['-xzf', context.s3.pathOf(model.modelDataUrl), '-C', hostPathOf(sandbox, MODEL_DIR)], { timeout: 600_000 });
    } catch (error) {
      return failedBeforeStart(`ClientError: cannot unpack the model artifact ${model.modelDataUrl}: ${messageOf(error)}`);
    }
    const source = request.TransformInput.DataSource.S3DataSource.S3Uri;
    if (context.s3.download(source, hostPathOf(sandbox, INPUT_DIR)) === 0) {
      return failedBeforeStart(`ClientError: No S3 objects found under S3 URL "${source}" (local S3: ${context.s3.pathOf(source)})`);
    }
    mkdirSync(hostPathOf(sandbox, OUTPUT_DIR), { recursive: true });
    mkdirSync(hostPathOf(sandbox, '/opt/ml/legacy-mlops'), { recursive: true });
    writeFileSync(hostPathOf(sandbox, DRIVER_PATH), DRIVER);

    const startedAt = Date.now();
    // The request has no max runtime; the Task's TimeoutSeconds bounds the job in the state machine.
    const host = await runHost(setting, sandbox, 'algo-1', containerJob(request, model.environment, sandbox, setting), DEFAULT_MAX_RUNTIME_SECONDS, stage.stageName, ENDING_RULES);
    const ending = endingOf([host], startedAt, ENDING_RULES);
    if (ending.status !== 'Completed') return ending;

    const output = request.TransformOutput.S3OutputPath.replace(/\/?$/, '/');
    context.s3.upload(hostPathOf(sandbox, OUTPUT_DIR), output);
    return { ...ending, outputs: [{ name: 'predictions', s3Uri: output, localPath: context.s3.pathOf(output) }] };
  });
}

/**
 * The driver writes the inference code's error to /opt/ml/output/failure. A transform request has no
 * MaxRuntimeInSeconds, so a job stopped at the local limit is a failure of that code.
 */
const ENDING_RULES = {
  messageFile: 'failure',
  exitFailure: (message: string | undefined) => `ClientError: the model's inference code failed: ${message || 'see the job logs'}`,
} as const;

function containerJob(request: TransformRequest, modelEnvironment: Readonly<Record<string, string>>, sandbox: JobSandbox, setting: JobSetting): ContainerJob {
  const command = ['python3', DRIVER_PATH];
  return {
    jobName: request.TransformJobName,
    stage: setting.stage,
    sandboxDir: sandbox.dir,
    optMlDir: sandbox.optMl,
    imageUri: '',
    containerEntrypoint: command,
    command,
    env: {
      ...RUNNER_ENV,
      ...modelEnvironment,
      ...(request.Environment ?? {}),
      LEGACY_MLOPS_MODEL_DIR: MODEL_DIR,
      LEGACY_MLOPS_TRANSFORM_INPUT: INPUT_DIR,
      LEGACY_MLOPS_TRANSFORM_OUTPUT: OUTPUT_DIR,
      LEGACY_MLOPS_FAILURE_FILE: FAILURE_FILE,
      LEGACY_MLOPS_CONTENT_TYPE: request.TransformInput.ContentType ?? 'application/octet-stream',
      LEGACY_MLOPS_ACCEPT: request.TransformOutput.Accept ?? request.TransformInput.ContentType ?? 'application/octet-stream',
      LEGACY_MLOPS_SPLIT_TYPE: request.TransformInput.SplitType ?? 'None',
      LEGACY_MLOPS_BATCH_STRATEGY: request.BatchStrategy ?? 'MultiRecord',
      LEGACY_MLOPS_MAX_PAYLOAD_MB: String(request.MaxPayloadInMB ?? 6),
      LEGACY_MLOPS_ASSEMBLE_WITH: request.TransformOutput.AssembleWith ?? 'None',
    },
    python: setting.python,
  };
}
