/**
 * The checks `legacy-mlops doctor` runs for one environment, derived from the pipeline model alone
 * (pure: no I/O). Each planned check says exactly what will be asked; the modules under `checks/`
 * ask it.
 */
import { stateMachineArn, stateMachineName } from '../construct/deployed-input.js';
import type { EnvironmentPipeline } from '../construct/pipeline-model.js';
import { ECR_IMAGE_PATTERN } from '../model/rules.js';
import { KIND_FACTS, type InstanceFamily } from '../model/stage-kinds.js';
import type { ResolvedPipeline } from '../model/types.js';

/**
 * The bootstrap stack version the generated app's templates require: aws-cdk-lib's
 * DefaultStackSynthesizer writes it into every template's `CheckBootstrapVersion` rule, which reads
 * the SSM parameter `/cdk-bootstrap/<qualifier>/version` (test/doctor/plan.test.ts reads the rule back).
 */
export const MIN_BOOTSTRAP_VERSION = 6;
export const DEFAULT_CDK_QUALIFIER = 'hnb659fds';

/** The job kinds SageMaker keeps an instance quota for, per instance type (Service Quotas, service code `sagemaker`): the instance families. */
export type QuotaUsage = InstanceFamily;

/**
 * The quota's name as Service Quotas lists it, e.g. "ml.m5.xlarge for processing job usage" and
 * "ml.m5.xlarge for endpoint usage" (the names SageMaker's ResourceLimitExceeded errors quote).
 */
export function quotaName(usage: QuotaUsage, instanceType: string): string {
  return usage === 'endpoint' ? `${instanceType} for endpoint usage` : `${instanceType} for ${usage} job usage`;
}

interface Named {
  readonly id: string;
  readonly title: string;
}

export interface IdentityCheck extends Named {
  readonly kind: 'identity';
  readonly account: string;
}

export interface BootstrapCheck extends Named {
  readonly kind: 'bootstrap';
  readonly qualifier: string;
  readonly parameterName: string;
  readonly minimumVersion: number;
  readonly account: string;
  readonly region: string;
}

export interface BucketCheck extends Named {
  readonly kind: 'bucket';
  readonly bucket: string;
  /** `existingBucket: true`: the bucket must exist (the stack never creates it). */
  readonly existing: boolean;
  readonly account: string;
  readonly region: string;
}

export interface QuotaCheck extends Named {
  readonly kind: 'quota';
  readonly usage: QuotaUsage;
  readonly instanceType: string;
  readonly quotaName: string;
  /** Instances one execution runs at once of this type and usage: instance count × fan-out concurrency (× 2 for endpoints). */
  readonly needed: number;
  /** Why more than the instance count is needed, when it is. */
  readonly note?: string;
  readonly stages: readonly string[];
  readonly region: string;
}

export interface ImageCheck extends Named {
  readonly kind: 'image';
  /** A prebuilt SageMaker framework image (AWS's registry) or a stage's `imageUri`. */
  readonly origin: 'framework' | 'uri';
  readonly imageUri: string;
  readonly registryId: string;
  readonly region: string;
  readonly repository: string;
  readonly imageId: { readonly imageTag: string } | { readonly imageDigest: string };
  readonly stages: readonly string[];
  /** A model stage serves it: SageMaker's CreateModel refuses images pushed with OCI media types. */
  readonly servesModel: boolean;
}

export interface RoleCheck extends Named {
  readonly kind: 'role';
  readonly roleArn: string;
  readonly roleName: string;
  /** The service principal the role must trust. */
  readonly service: 'sagemaker.amazonaws.com' | 'states.amazonaws.com';
  readonly option: string;
}

export interface StateMachineCheck extends Named {
  readonly kind: 'state-machine';
  readonly name: string;
  readonly arn: string;
  readonly stackName: string;
}

export type PlannedCheck = IdentityCheck | BootstrapCheck | BucketCheck | QuotaCheck | ImageCheck | RoleCheck | StateMachineCheck;

export function planChecks({ environment, pipeline }: EnvironmentPipeline): PlannedCheck[] {
  const { account, region } = environment;
  const parameterName = `/cdk-bootstrap/${pipeline.cdkQualifier}/version`;
  return [
    { kind: 'identity', id: 'identity', title: 'Credentials', account },
    {
      kind: 'bootstrap',
      id: 'bootstrap',
      title: `CDK bootstrap (qualifier ${pipeline.cdkQualifier})`,
      qualifier: pipeline.cdkQualifier,
      parameterName,
      minimumVersion: MIN_BOOTSTRAP_VERSION,
      account,
      region,
    },
    { kind: 'bucket', id: 'bucket', title: `Bucket ${pipeline.s3.bucket}`, bucket: pipeline.s3.bucket, existing: pipeline.s3.existing, account, region },
    ...quotaChecks(pipeline, region),
    ...imageChecks(pipeline),
    ...roleChecks(pipeline),
    {
      kind: 'state-machine',
      id: 'state-machine',
      title: `State machine ${stateMachineName(pipeline)}`,
      name: stateMachineName(pipeline),
      arn: stateMachineArn(pipeline),
      stackName: environment.stackName,
    },
  ];
}

/**
 * UpdateEndpoint deploys the new endpoint config to a new fleet and deletes the old one after traffic
 * has shifted (blue/green, all at once, when no policy is given: SageMaker API reference, UpdateEndpoint
 * and BlueGreenUpdatePolicy): every run after the first holds both fleets for a while.
 */
const ENDPOINT_UPDATE_FLEETS = 2;

/**
 * One check per (usage, instance type). Stages run one after another, so one execution needs the
 * largest instance count among them, times the fan-out's concurrency (every item runs the chain); a
 * tuning stage runs up to `maxParallelJobs` training jobs of its instance count at once.
 */
function quotaChecks(pipeline: ResolvedPipeline, region: string): QuotaCheck[] {
  const concurrency = pipeline.fanOut?.maxConcurrency ?? 1;
  const byQuota = new Map<string, { usage: QuotaUsage; instanceType: string; needed: number; stages: string[] }>();
  for (const stage of pipeline.stages) {
    const usage = KIND_FACTS[stage.kind].instances;
    if (!usage) continue;
    const name = quotaName(usage, stage.instanceType);
    const entry = byQuota.get(name) ?? { usage, instanceType: stage.instanceType, needed: 0, stages: [] };
    const parallelJobs = stage.tuning?.maxParallelJobs ?? 1;
    entry.needed = Math.max(entry.needed, stage.instanceCount * parallelJobs * concurrency * (usage === 'endpoint' ? ENDPOINT_UPDATE_FLEETS : 1));
    entry.stages.push(stage.name);
    byQuota.set(name, entry);
  }
  return [...byQuota].map(([name, q]) => ({
    kind: 'quota',
    id: `quota:${q.usage}:${q.instanceType}`,
    title: `Quota ${name}`,
    usage: q.usage,
    instanceType: q.instanceType,
    quotaName: name,
    needed: q.needed,
    ...(q.usage === 'endpoint' ? { note: 'a blue/green update runs the new fleet beside the old one' } : {}),
    stages: q.stages,
    region,
  }));
}

/**
 * Framework images and `imageUri` images, once per URI. Images CDK builds from a Dockerfile do not
 * exist before the deploy (the bootstrap check covers their repository); a model stage's image is
 * its own stage's.
 */
function imageChecks(pipeline: ResolvedPipeline): ImageCheck[] {
  const byUri = new Map<string, { origin: 'framework' | 'uri'; stages: string[]; servesModel: boolean }>();
  for (const stage of pipeline.stages) {
    const image = stage.image;
    const found = image.source === 'framework' ? { origin: 'framework' as const, uri: image.framework.imageUri } : image.source === 'uri' ? { origin: 'uri' as const, uri: image.imageUri } : undefined;
    if (!found) continue;
    const entry = byUri.get(found.uri) ?? { origin: found.origin, stages: [], servesModel: false };
    entry.stages.push(stage.name);
    entry.servesModel ||= KIND_FACTS[stage.kind].servesModel;
    byUri.set(found.uri, entry);
  }
  const checks: ImageCheck[] = [];
  for (const [uri, { origin, stages, servesModel }] of byUri) {
    const parsed = parseEcrImage(uri);
    if (!parsed) continue; // the model accepts ECR URIs only
    checks.push({ kind: 'image', id: `image:${uri}`, title: `${origin === 'framework' ? 'Framework image' : 'Image'} ${parsed.repository}${'imageTag' in parsed.imageId ? `:${parsed.imageId.imageTag}` : `@${parsed.imageId.imageDigest.slice(0, 19)}…`}`, origin, imageUri: uri, ...parsed, stages, servesModel });
  }
  return checks;
}

export function parseEcrImage(uri: string): Pick<ImageCheck, 'registryId' | 'region' | 'repository' | 'imageId'> | undefined {
  const m = ECR_IMAGE_PATTERN.exec(uri);
  if (!m) return undefined;
  const [, registryId, region, , repository, reference] = m;
  // No tag means `latest`, as for docker pull.
  const imageId = reference?.startsWith('@') ? { imageDigest: reference.slice(1) } : { imageTag: reference ? reference.slice(1) : 'latest' };
  return { registryId, region, repository, imageId };
}

/** Bring-your-own roles only: the roles the stack creates do not exist before the deploy. */
function roleChecks(pipeline: ResolvedPipeline): RoleCheck[] {
  if (!pipeline.roles.bringYourOwn) return [];
  const role = (option: 'sageMakerExecutionRoleArn' | 'stateMachineRoleArn', service: RoleCheck['service']): RoleCheck => {
    const roleArn = pipeline.roles[option];
    const roleName = roleArn.slice(roleArn.lastIndexOf('/') + 1);
    return { kind: 'role', id: `role:${option}`, title: `Role ${roleName}`, roleArn, roleName, service, option: `existingRoles.${option}` };
  };
  return [role('sageMakerExecutionRoleArn', 'sagemaker.amazonaws.com'), role('stateMachineRoleArn', 'states.amazonaws.com')];
}
