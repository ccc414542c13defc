/**
 * The settings one legacy SageMaker task passed to SageMaker (its resolved Parameters), as the
 * stage options of our model: instance type and count, volume, runtime, environment, each input's
 * and output's LocalPath with its legacy S3 URI (for wiring), the image, the script its entrypoint
 * runs. Whatever has no place in the model goes to the migration report with why.
 */
import { posix } from 'node:path';
import { CODE_CHANNEL } from '../model/defaults.js';
import { CHANNEL_NAME_PATTERN, ENDPOINT_NAME_PATTERN } from '../model/rules.js';
import { ENDPOINT_INSTANCE_TYPES } from '../model/instance-types.js';
import { ENDPOINT_VARIANT } from '../asl/endpoint-states.js';
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
    endpointSettings(task, options, report);
  }
  const uris = [...inputUris, ...outputUris].map((c) => c.uri).filter((u) => u.startsWith('s3://'));
  if (uris.length > 0) {
    report.push({ legacy: `S3 locations ${uris.join(', ')}`, outcome: 'replaced', why: 'the project keeps raw data under s3://<bucket>/data/raw/ and each run under s3://<bucket>/runs/<execution>/<stage>/<output>/; stages are wired by these legacy locations', action: 'copy data the first stage reads to s3://<bucket>/data/raw/ before the first cloud run' });
  }
  const roleArn = str(p.RoleArn) ?? str(p.ExecutionRoleArn);
  return { kind: task.kind, options: Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as Partial<StageOptions>, imageUri, entryScript, roleArn, inputUris, outputUris, report };
}

/** Production variant fields with a place in the endpoint stage, or wired to the model stage. */
const VARIANT_FIELDS = ['VariantName', 'ModelName', 'InstanceType', 'InitialInstanceCount', 'InitialVariantWeight'];
const UNSUPPORTED = 'the endpoint stage has no setting for it: the endpoint the pipeline deploys runs without it (set by hand, the next run\'s new endpoint config undoes it)';
const UNSUPPORTED_ACTION = 'decide whether the endpoint can do without it before moving its clients to the new pipeline';
/** Endpoint config fields the pipeline sets itself. */
const CONFIG_FIELDS = ['EndpointConfigName', 'ProductionVariants', 'Tags'];

/**
 * CreateEndpoint (or UpdateEndpoint) with its CreateEndpointConfig: the endpoint's name, and the
 * production variant's instance type and count. Whatever the endpoint stage cannot express
 * (serverless, data capture, KMS key, more variants, ...) is reported by name, never dropped silently.
 */
function endpointSettings(task: LegacyTask, options: Record<string, unknown>, report: MigrationItem[]): void {
  const p = task.parameters;
  const endpointName = str(p.EndpointName);
  if (endpointName && ENDPOINT_NAME_PATTERN.test(endpointName)) {
    options.endpointName = endpointName;
    report.push({ legacy: `EndpointName '${endpointName}'`, outcome: "the endpoint stage's endpointName", why: 'clients call the endpoint by its name: the pipeline creates it on the first run and updates it on later ones' });
  }
  const config = task.endpointConfig;
  if (!config) {
    report.push({ legacy: task.resource, outcome: 'imported as an endpoint stage with default settings', why: 'no CreateEndpointConfig state of the state machine goes with it', action: 'check instanceType and instanceCount in .projenrc.ts' });
    return;
  }
  const c = config.parameters;
  const where = `${config.stateName}`;
  const variants = Array.isArray(c.ProductionVariants) ? c.ProductionVariants.map(obj) : [];
  const variant = variants[0] ?? {};
  const instanceType = str(variant.InstanceType);
  if (instanceType && ENDPOINT_INSTANCE_TYPES.includes(instanceType)) options.instanceType = instanceType;
  else if (instanceType) report.push({ legacy: `${where}: InstanceType ${instanceType}`, outcome: 'left behind', why: 'it is not an instance type SageMaker hosting lists', action: 'set instanceType in .projenrc.ts' });
  if (typeof variant.InitialInstanceCount === 'number') options.instanceCount = variant.InitialInstanceCount;
  report.push({ legacy: `${where} (CreateEndpointConfig)`, outcome: `the endpoint stage's settings: ${[instanceType && `instanceType ${instanceType}`, typeof variant.InitialInstanceCount === 'number' && `instanceCount ${variant.InitialInstanceCount}`].filter(Boolean).join(', ') || 'none set'}; the model is the model stage's` });
  if (typeof c.EndpointConfigName === 'string') report.push({ legacy: `${where}: fixed EndpointConfigName '${c.EndpointConfigName}'`, outcome: 'replaced', why: 'a second CreateEndpointConfig with the same name fails', action: 'none: every execution names its endpoint config after the execution' });
  const variantName = str(variant.VariantName);
  if (variantName && variantName !== ENDPOINT_VARIANT) report.push({ legacy: `${where}: VariantName '${variantName}'`, outcome: 'replaced', why: `the pipeline names its one variant ${ENDPOINT_VARIANT}`, action: `clients that pass TargetVariant must pass ${ENDPOINT_VARIANT}` });
  if (typeof variant.InitialVariantWeight === 'number' && variants.length === 1 && variant.InitialVariantWeight !== 1) report.push({ legacy: `${where}: InitialVariantWeight ${variant.InitialVariantWeight}`, outcome: 'replaced', why: 'one variant takes all traffic whatever its weight', action: 'none' });
  for (const field of Object.keys(variant).filter((k) => !VARIANT_FIELDS.includes(k.replace(/\.\$$/, '')))) {
    report.push({ legacy: `${where}: ProductionVariants[0].${field} ${JSON.stringify(variant[field])}`, outcome: 'left behind', why: UNSUPPORTED, action: UNSUPPORTED_ACTION });
  }
  for (const [i, extra] of variants.slice(1).entries()) {
    report.push({ legacy: `${where}: ProductionVariants[${i + 1}] ${str(extra.VariantName) ?? ''}`.trimEnd(), outcome: 'left behind', why: 'the endpoint stage serves one variant (the model stage\'s model)', action: 'add a second endpoint stage for another model, or split traffic by hand' });
  }
  for (const field of Object.keys(c).filter((k) => !CONFIG_FIELDS.includes(k) && !k.endsWith('.$'))) {
    report.push({ legacy: `${where}: ${field} ${JSON.stringify(c[field])}`, outcome: 'left behind', why: UNSUPPORTED, action: UNSUPPORTED_ACTION });
  }
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
