/**
 * Prebuilt SageMaker framework images, as data.
 *
 * Source: the SageMaker Python SDK's `image_uri_config/{sklearn,xgboost,pytorch}.json`
 * (sagemaker-core/src/sagemaker/core/image_uri_config/), summarised in ../shared/REFERENCE.md §4.
 * No library resolves these offline from Node, so the table is kept here by hand;
 * update it when SageMaker publishes new versions.
 */
import type { FrameworkName } from './types.js';

/** Region → AWS-owned account that hosts the scikit-learn and XGBoost images (one map for all versions). */
const SKLEARN_XGBOOST_ACCOUNTS: Readonly<Record<string, string>> = {
  'us-east-1': '683313688378',
  'us-east-2': '257758044811',
  'us-west-1': '746614075791',
  'us-west-2': '246618743249',
  'eu-west-1': '141502667606',
  'eu-west-2': '764974769150',
  'eu-west-3': '659782779980',
  'eu-central-1': '492215442770',
  'eu-central-2': '680994064768',
  'eu-north-1': '662702820516',
  'eu-south-1': '978288397137',
  'eu-south-2': '104374241257',
  'ap-northeast-1': '354813040037',
  'ap-northeast-2': '366743142698',
  'ap-northeast-3': '867004704886',
  'ap-south-1': '720646828776',
  'ap-south-2': '628508329040',
  'ap-southeast-1': '121021644041',
  'ap-southeast-2': '783357654285',
  'ap-southeast-3': '951798379941',
  'ap-southeast-4': '106583098589',
  'ap-east-1': '651117190479',
  'af-south-1': '510948584623',
  'ca-central-1': '341280168497',
  'ca-west-1': '190319476487',
  'sa-east-1': '737474898029',
  'me-south-1': '801668240914',
  'me-central-1': '272398656194',
  'il-central-1': '898809789911',
  'cn-north-1': '450853457545',
  'cn-northwest-1': '451049120500',
  'us-gov-west-1': '414596584902',
  'us-gov-east-1': '237065988967',
};

/**
 * Region → account hosting the AWS Deep Learning Containers (PyTorch); 763104351884 unless listed.
 * us-gov-east-1 is left out: its DLC account could not be confirmed from the SDK tables.
 */
const DLC_ACCOUNT_DEFAULT = '763104351884';
const DLC_ACCOUNT_EXCEPTIONS: Readonly<Record<string, string>> = {
  'af-south-1': '626614931356',
  'ap-east-1': '871362719292',
  'ap-northeast-3': '364406365360',
  'ap-south-2': '772153158452',
  'ap-southeast-3': '907027046896',
  'ap-southeast-4': '457447274322',
  'ca-west-1': '204538143572',
  'eu-central-2': '380420809688',
  'eu-south-1': '692866216735',
  'eu-south-2': '503227376785',
  'il-central-1': '780543022126',
  'me-central-1': '914824155844',
  'me-south-1': '217643126080',
  'cn-north-1': '727897471807',
  'cn-northwest-1': '727897471807',
  'us-gov-west-1': '442386744353',
};
const DLC_UNCONFIRMED_REGIONS = ['us-gov-east-1'];

export interface FrameworkVersionInfo {
  readonly version: string;
  /** Image tag in the repository. */
  readonly tag: string;
}

export interface FrameworkTable {
  readonly name: FrameworkName;
  /** Human label for prompts and docs. */
  readonly label: string;
  readonly repository: string;
  /**
   * Repository of the serving image, when the framework publishes one apart from its training image
   * (PyTorch: `pytorch-inference`, same tags; scikit-learn and XGBoost serve from the same image).
   */
  readonly inferenceRepository?: string;
  /** Oldest first; the last one is the default. */
  readonly versions: readonly FrameworkVersionInfo[];
  readonly accountFor: (region: string) => string | undefined;
}

const sklearnAccount = (region: string) => SKLEARN_XGBOOST_ACCOUNTS[region];
const dlcAccount = (region: string) =>
  region in SKLEARN_XGBOOST_ACCOUNTS && !DLC_UNCONFIRMED_REGIONS.includes(region)
    ? (DLC_ACCOUNT_EXCEPTIONS[region] ?? DLC_ACCOUNT_DEFAULT)
    : undefined;

export const FRAMEWORKS: Readonly<Record<FrameworkName, FrameworkTable>> = {
  sklearn: {
    name: 'sklearn',
    label: 'scikit-learn',
    repository: 'sagemaker-scikit-learn',
    versions: ['0.23-1', '1.0-1', '1.2-1', '1.4-2'].map((v) => ({ version: v, tag: `${v}-cpu-py3` })),
    accountFor: sklearnAccount,
  },
  xgboost: {
    name: 'xgboost',
    label: 'XGBoost',
    repository: 'sagemaker-xgboost',
    versions: ['1.2-2', '1.3-1', '1.5-1', '1.7-1', '3.0-5'].map((v) => ({ version: v, tag: v })),
    accountFor: sklearnAccount,
  },
  pytorch: {
    name: 'pytorch',
    label: 'PyTorch',
    repository: 'pytorch-training',
    inferenceRepository: 'pytorch-inference',
    versions: [
      { version: '2.1.0', tag: '2.1.0-cpu-py310' },
      { version: '2.2.0', tag: '2.2.0-cpu-py310' },
      { version: '2.3.0', tag: '2.3.0-cpu-py311' },
      { version: '2.4.0', tag: '2.4.0-cpu-py311' },
      { version: '2.5.1', tag: '2.5.1-cpu-py311' },
    ],
    accountFor: dlcAccount,
  },
};

export const FRAMEWORK_NAMES = Object.keys(FRAMEWORKS) as FrameworkName[];

/** Every region the image tables cover. */
export const KNOWN_REGIONS: readonly string[] = Object.keys(SKLEARN_XGBOOST_ACCOUNTS);

export function partitionOf(region: string): 'aws' | 'aws-cn' | 'aws-us-gov' {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

export function ecrDomain(region: string): string {
  return partitionOf(region) === 'aws-cn' ? `dkr.ecr.${region}.amazonaws.com.cn` : `dkr.ecr.${region}.amazonaws.com`;
}

export function defaultFrameworkVersion(name: FrameworkName): string {
  const versions = FRAMEWORKS[name].versions;
  return versions[versions.length - 1].version;
}

export interface FrameworkImageRef {
  readonly imageUri: string;
  readonly repositoryArn: string;
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
  const info = table.versions.find((v) => v.version === version);
  if (!info) {
    return { error: `${table.label} version '${version}' is not known (allowed: ${table.versions.map((v) => v.version).join(', ')})` };
  }
  const account = table.accountFor(region);
  if (!account) return { error: `${table.label} images are not published in region '${region}'` };
  const repository = purpose === 'inference' ? (table.inferenceRepository ?? table.repository) : table.repository;
  return {
    imageUri: `${account}.${ecrDomain(region)}/${repository}:${info.tag}`,
    repositoryArn: `arn:${partitionOf(region)}:ecr:${region}:${account}:repository/${repository}`,
  };
}
