/**
 * Prebuilt SageMaker framework images: which versions exist, their tags and the AWS accounts that host them per region.
 *
 * The facts live in ./framework-image-data.ts, generated from the SageMaker Python SDK's image tables (source noted
 * there); this module only looks things up. No library resolves these offline from Node.
 */
import { IMAGE_TABLE_SOURCE, PUBLISHED_IMAGES, type PublishedVersion } from './framework-image-data.js';
import type { FrameworkName } from './types.js';

export { IMAGE_TABLE_SOURCE };

export interface FrameworkVersionInfo {
  readonly version: string;
  /** Image tag in the repository. */
  readonly tag: string;
}

export interface FrameworkTable {
  readonly name: FrameworkName;
  /** Human label for prompts and docs. */
  readonly label: string;
  /** Repository of the newest version's job image. */
  readonly repository: string;
  /** Every version AWS publishes for jobs (processing, training), oldest first. */
  readonly versions: readonly FrameworkVersionInfo[];
  /** The version a new stage gets: one our stubs and local package sets are known to work with. */
  readonly defaultVersion: string;
  /** The account hosting the default version's image in a region. */
  readonly accountFor: (region: string) => string | undefined;
}

/** Regions of the partitions legacy-mlops deploys to (the isolated partitions' rows stay in the data; see isolatedRegionProblem). */
function supportedRegion(region: string): boolean {
  return isolatedPartition(region) === undefined;
}

function table(name: FrameworkName, label: string, defaultVersion: string): FrameworkTable {
  const published = PUBLISHED_IMAGES[name];
  const latest = published[published.length - 1];
  const byDefault = published.find((v) => v.version === defaultVersion)!;
  return {
    name,
    label,
    repository: latest.repository,
    versions: published.map((v) => ({ version: v.version, tag: v.tag })),
    defaultVersion,
    accountFor: (region) => (supportedRegion(region) ? byDefault.regions[region] : undefined),
  };
}

export const FRAMEWORKS: Readonly<Record<FrameworkName, FrameworkTable>> = {
  sklearn: table('sklearn', 'scikit-learn', '1.4-2'),
  xgboost: table('xgboost', 'XGBoost', '3.0-5'),
  pytorch: table('pytorch', 'PyTorch', '2.5.1'),
};

/** The published facts of one version, or undefined. */
export function publishedVersion(name: FrameworkName, version: string): PublishedVersion | undefined {
  return PUBLISHED_IMAGES[name]?.find((v) => v.version === version);
}

export const FRAMEWORK_NAMES = Object.keys(FRAMEWORKS) as FrameworkName[];

/** Every region of a supported partition where the default scikit-learn image is published. */
export const KNOWN_REGIONS: readonly string[] = Object.keys(PUBLISHED_IMAGES.sklearn.find((v) => v.version === FRAMEWORKS.sklearn.defaultVersion)!.regions).filter((r) => supportedRegion(r));

/** The isolated partition of a region (`us-iso-east-1` → `aws-iso`), or undefined for the partitions we deploy to. */
export function isolatedPartition(region: string): string | undefined {
  const match = /^[a-z]{2}-iso([a-z]?)-/.exec(region);
  return match ? `aws-iso${match[1] ? `-${match[1]}` : ''}` : undefined;
}

/**
 * Isolated regions are refused in one line rather than half supported: their ARNs, service endpoints and
 * image registry domains differ, and which SageMaker integrations and images exist there cannot be
 * checked offline. The image table keeps their rows (they are published), but no lookup returns them.
 */
export function isolatedRegionProblem(region: string): string | undefined {
  const partition = isolatedPartition(region);
  if (!partition) return undefined;
  return `'${region}' is in the isolated partition ${partition}: legacy-mlops does not deploy there (its ARNs, service endpoints and image registries differ and cannot be checked offline); use a region of the aws, aws-cn or aws-us-gov partition`;
}

export function partitionOf(region: string): 'aws' | 'aws-cn' | 'aws-us-gov' {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

export function ecrDomain(region: string): string {
  return partitionOf(region) === 'aws-cn' ? `dkr.ecr.${region}.amazonaws.com.cn` : `dkr.ecr.${region}.amazonaws.com`;
}

export function defaultFrameworkVersion(name: FrameworkName): string {
  return FRAMEWORKS[name].defaultVersion;
}

export interface FrameworkImageRef {
  readonly imageUri: string;
  readonly repositoryArn: string;
}

/**
 * The image that serves a version's models: only one the SageMaker Python SDK lists in its inference scope.
 * scikit-learn 1.4-2 is listed for training only; the SDK serves it from the `1.4-2-py312` image (same
 * scikit-learn, newer Python), so a version without its own serving image uses a `<version>-<variant>` that has one.
 */
function servingImage(name: FrameworkName, info: PublishedVersion) {
  if (info.inference) return info.inference;
  return PUBLISHED_IMAGES[name]?.find((v) => v.version.startsWith(`${info.version}-`) && v.inference)?.inference;
}

/** Resolves a framework image for a region (the one that runs jobs, or the one that serves models), or returns why it cannot. */
export function resolveFrameworkImage(
  name: FrameworkName,
  version: string,
  region: string,
  purpose: 'job' | 'inference' = 'job',
): FrameworkImageRef | { readonly error: string } {
  const table = FRAMEWORKS[name];
  if (!table) return { error: `unknown framework '${name}' (allowed: ${FRAMEWORK_NAMES.join(', ')})` };
  const info = publishedVersion(name, version);
  if (!info) {
    return { error: `${table.label} version '${version}' is not known (allowed: ${table.versions.map((v) => v.version).join(', ')})` };
  }
  const image = purpose === 'inference' ? servingImage(name, info) : info;
  if (!image) return { error: `${table.label} ${version} has no serving image (AWS publishes it for jobs only); pick a version with one` };
  const account = supportedRegion(region) ? image.regions[region] : undefined;
  if (!account) return { error: `${table.label} ${version} images are not published in region '${region}'` };
  return {
    imageUri: `${account}.${ecrDomain(region)}/${image.repository}:${image.tag}`,
    repositoryArn: `arn:${partitionOf(region)}:ecr:${region}:${account}:repository/${image.repository}`,
  };
}

/** A prebuilt framework image recognised from its URI (any published version, region or serving variant). */
export interface RecognisedFrameworkImage {
  readonly name: FrameworkName;
  readonly version: string;
  readonly region: string;
}

/**
 * Which framework version an image URI is, e.g. `683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:0.23-1-cpu-py3`
 * → scikit-learn 0.23-1. A GPU tag (`-gpu-`) matches its CPU twin's version; undefined for anything else.
 */
export function recogniseFrameworkImage(uri: string): RecognisedFrameworkImage | undefined {
  const match = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.[a-z0-9.-]+\/([a-z0-9._/-]+):([\w.-]+)$/.exec(uri.trim());
  if (!match) return undefined;
  const [, account, region, repository, tag] = match;
  const cpuTag = tag.replace('-gpu-', '-cpu-');
  for (const name of FRAMEWORK_NAMES) {
    for (const v of PUBLISHED_IMAGES[name]) {
      const images = [v, ...(v.inference ? [v.inference] : [])];
      const hit = images.some((image) => image.repository === repository && image.regions[region] === account && (image.tag === cpuTag || cpuTag.startsWith(`${v.version}-cpu-`)));
      if (hit) return { name, version: v.version, region };
    }
  }
  return undefined;
}
