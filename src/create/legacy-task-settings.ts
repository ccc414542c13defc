/**
 * The settings one legacy SageMaker task passed to SageMaker (its resolved Parameters), as the
 * stage options of our model: instance type and count, volume, runtime, environment, each input's
 * and output's LocalPath with its legacy S3 URI (for wiring), the image, the script its entrypoint
 * runs. Whatever has no place in the model goes to the migration report with why.
 */
import { posix } from 'node:path';
import { CODE_CHANNEL } from '../model/defaults.js';
import { CHANNEL_NAME_PATTERN } from '../model/rules.js';
import type { StageKind, StageOptions } from '../model/types.js';
import { isObject, type Json, type LegacyTask } from './legacy-asl.js';
import type { MigrationItem } from './migration-report.js';

export interface LegacyChannel {
  readonly name: string;
  readonly uri: string;
  readonly localPath?: string;
  /** Each instance reads a share of the objects (`ShardedByS3Key`). */
  readonly sharded?: boolean;
  /** `<stage>/<output>` once wired to an earlier stage. */
  from?: string;
}

export interface TaskSettings {
  readonly kind: StageKind;
  /** Settings with a place in StageOptions (inputs and outputs are built from the channels after wiring). */
  readonly options: Partial<StageOptions>;
  readonly imageUri?: string;
  /** The script path the entrypoint (or `sagemaker_program`) names. */
  readonly entryScript?: string;
  readonly roleArn?: string;
  readonly inputUris: LegacyChannel[];
  readonly outputUris: LegacyChannel[];
  readonly report: MigrationItem[];
}

type Obj = { [key: string]: Json };

export function settingsOf(task: LegacyTask, stageName: string): TaskSettings {
  const p = task.parameters;
  const report: MigrationItem[] = [];
  const options: Record<string, unknown> = { kind: task.kind === 'processing' ? undefined : task.kind };
  const set = (field: keyof StageOptions, value: Json | undefined, type: 'string' | 'number') => {
    if (typeof value === type) options[field] = value;
  };
  const inputUris: LegacyChannel[] = [];
  const outputUris: LegacyChannel[] = [];
  let imageUri: string | undefined;
  let entryScript: string | undefined;
  const jobName = (key: string) => {
    if (typeof p[key] === 'string') report.push({ legacy: `fixed ${key} '${p[key]}'`, outcome: 'replaced', why: 'a fixed name collides on the second run (SageMaker job names are unique forever)', action: `none: every execution names its job ${stageName}-<uuid>` });
  };

  if (task.kind === 'processing') {
    const app = obj(p.AppSpecification);
    const cluster = obj(obj(p.ProcessingResources).ClusterConfig);
    imageUri = str(app.ImageUri);
    const entry = strings(app.ContainerEntrypoint);
    entryScript = entry?.find((w) => /\.py$/.test(w));
    if (strings(app.ContainerArguments)) report.push({ legacy: `ContainerArguments ${JSON.stringify(app.ContainerArguments)}`, outcome: 'left behind', why: 'stages run their script without arguments', action: 'read them from environment variables (stage environment in .projenrc.ts) instead' });
    set('instanceType', cluster.InstanceType, 'string');
    set('instanceCount', cluster.InstanceCount, 'number');
    set('volumeSizeGb', cluster.VolumeSizeInGB, 'number');
    set('maxRuntimeSeconds', obj(p.StoppingCondition).MaxRuntimeInSeconds, 'number');
    if (isObject(p.Environment)) options.environment = p.Environment;
    jobName('ProcessingJobName');
    const codeDir = entryScript ? posix.dirname(entryScript) : undefined;
    for (const input of Array.isArray(p.ProcessingInputs) ? p.ProcessingInputs.map(obj) : []) {
      const s3 = obj(input.S3Input);
      const localPath = str(s3.LocalPath)?.replace(/\/+$/, '');
      const uri = str(s3.S3Uri) ?? '';
      if ((codeDir && localPath === codeDir) || (entryScript && uri.endsWith(`/${posix.basename(entryScript)}`))) {
        report.push({ legacy: `input ${str(input.InputName)} (${uri || 'code'} → ${localPath})`, outcome: 'replaced', why: "it delivered the script; the project uploads the stage folder as the stage's code input", action: 'none' });
        continue;
      }
      inputUris.push({ name: channel(str(input.InputName), inputUris, true), uri, ...(localPath ? { localPath } : {}), ...(s3.S3DataDistributionType === 'ShardedByS3Key' ? { sharded: true } : {}) });
    }
    for (const output of Array.isArray(obj(p.ProcessingOutputConfig).Outputs) ? (obj(p.ProcessingOutputConfig).Outputs as Json[]).map(obj) : []) {
      const s3 = obj(output.S3Output);
      outputUris.push({ name: channel(str(output.OutputName), outputUris, false), uri: str(s3.S3Uri) ?? '', ...(str(s3.LocalPath) ? { localPath: str(s3.LocalPath)!.replace(/(.)\/+$/, '$1') } : {}) });
    }
  } else if (task.kind === 'training') {
    const algorithm = obj(p.AlgorithmSpecification);
    const resources = obj(p.ResourceConfig);
    imageUri = str(algorithm.TrainingImage);
    const hyper = obj(p.HyperParameters);
    entryScript = strings(algorithm.ContainerEntrypoint)?.find((w) => /\.py$/.test(w)) ?? str(hyper.sagemaker_program);
    const kept = Object.entries(hyper).filter(([k, v]) => !k.startsWith('sagemaker_') && typeof v === 'string');
    if (kept.length > 0) options.hyperparameters = Object.fromEntries(kept);
    const dropped = Object.keys(hyper).filter((k) => k.startsWith('sagemaker_'));
    if (dropped.length > 0) report.push({ legacy: `hyperparameters ${dropped.join(', ')}`, outcome: 'replaced', why: 'they told the SDK container where the script was; the project delivers and runs it itself', action: 'none' });
    set('instanceType', resources.InstanceType, 'string');
    set('instanceCount', resources.InstanceCount, 'number');
    set('volumeSizeGb', resources.VolumeSizeInGB, 'number');
    set('maxRuntimeSeconds', obj(p.StoppingCondition).MaxRuntimeInSeconds, 'number');
    if (isObject(p.Environment)) options.environment = p.Environment;
    jobName('TrainingJobName');
    for (const c of Array.isArray(p.InputDataConfig) ? p.InputDataConfig.map(obj) : []) {
      if (str(c.ChannelName) === CODE_CHANNEL) continue;
      inputUris.push({ name: channel(str(c.ChannelName), inputUris, true), uri: str(obj(obj(c.DataSource).S3DataSource).S3Uri) ?? '' });
    }
    outputUris.push({ name: 'model', uri: str(obj(p.OutputDataConfig).S3OutputPath) ?? '' });
  } else if (task.kind === 'model') {
    const container = obj(p.PrimaryContainer ?? (Array.isArray(p.Containers) ? p.Containers[0] : undefined));
    imageUri = str(container.Image);
    const env = obj(container.Environment);
    entryScript = str(env.SAGEMAKER_PROGRAM);
    inputUris.push({ name: 'model', uri: str(container.ModelDataUrl) ?? '' });
    if (typeof p.ModelName === 'string') report.push({ legacy: `fixed ModelName '${p.ModelName}'`, outcome: 'replaced', why: 'a second CreateModel with the same name fails', action: 'none: every execution names its model after the execution' });
  } else if (task.kind === 'transform') {
    const resources = obj(p.TransformResources);
    set('instanceType', resources.InstanceType, 'string');
    set('instanceCount', resources.InstanceCount, 'number');
    if (isObject(p.Environment)) options.environment = p.Environment;
    jobName('TransformJobName');
    inputUris.push({ name: 'data', uri: str(obj(obj(obj(p.TransformInput).DataSource).S3DataSource).S3Uri) ?? '' });
    outputUris.push({ name: 'predictions', uri: str(obj(p.TransformOutput).S3OutputPath) ?? '' });
  } else {
    report.push({ legacy: `${task.resource}`, outcome: 'imported as an endpoint stage with default settings', why: 'endpoint settings live in the endpoint config, which is not read', action: 'check instanceType in .projenrc.ts' });
  }
  const uris = [...inputUris, ...outputUris].map((c) => c.uri).filter((u) => u.startsWith('s3://'));
  if (uris.length > 0) {
    report.push({ legacy: `S3 locations ${uris.join(', ')}`, outcome: 'replaced', why: 'the project keeps raw data under s3://<bucket>/data/raw/ and each run under s3://<bucket>/runs/<execution>/<stage>/<output>/; stages are wired by these legacy locations', action: 'copy data the first stage reads to s3://<bucket>/data/raw/ before the first cloud run' });
  }
  const roleArn = str(p.RoleArn) ?? str(p.ExecutionRoleArn);
  return { kind: task.kind, options: Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as Partial<StageOptions>, imageUri, entryScript, roleArn, inputUris, outputUris, report };
}

/** A legacy channel name our model accepts, unique within its list ('code' stays free for script mode). */
function channel(name: string | undefined, taken: readonly LegacyChannel[], input: boolean): string {
  let base = (name ?? '').replace(/[^A-Za-z0-9_-]/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 60) || (input ? 'input' : 'output');
  if (!CHANNEL_NAME_PATTERN.test(base)) base = input ? 'input' : 'output';
  if (input && base === CODE_CHANNEL) base = 'code-data';
  let result = base;
  for (let n = 2; taken.some((c) => c.name === result); n++) result = `${base}-${n}`;
  return result;
}

function obj(value: Json | undefined): Obj {
  return isObject(value) ? value : {};
}

function str(value: Json | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function strings(value: Json | undefined): string[] | undefined {
  return Array.isArray(value) && value.every((v) => typeof v === 'string') ? (value as string[]) : undefined;
}
