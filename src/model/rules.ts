/**
 * Naming and range rules of S3, IAM and SageMaker that the model enforces,
 * taken from the SageMaker API request shapes and the S3/IAM documentation.
 */

/** Valid instance types per job kind: generated from the SDK's enums (never hand-maintained). */
export {
  ENDPOINT_INSTANCE_TYPES,
  PROCESSING_INSTANCE_TYPES,
  TRAINING_INSTANCE_TYPES,
  TRANSFORM_INSTANCE_TYPES,
} from './instance-types.js';

export const PROJECT_NAME_PATTERN = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
export const PROJECT_NAME_MAX = 32;
export const STAGE_NAME_PATTERN = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
export const STAGE_NAME_MAX = 20;
/**
 * SageMaker's name pattern (EntityName in the API) for names of at most `max` characters: 63 for jobs,
 * models, endpoint configs, endpoints and model package groups; 32 for hyperparameter tuning jobs.
 */
export function sageMakerNamePattern(max: number): RegExp {
  return new RegExp(`^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,${max - 1}}$`);
}
export const JOB_NAME_MAX = 63;
/** CreateHyperParameterTuningJob's HyperParameterTuningJobName. */
export const TUNING_JOB_NAME_MAX = 32;
/** SageMaker's name pattern for jobs, models, endpoint configs and endpoints. */
export const SAGEMAKER_NAME_PATTERN = sageMakerNamePattern(JOB_NAME_MAX);
/** SageMaker job names; ours are `<prefix>-<suffix>` (each kind's `jobName` form, in stage-kinds.ts). */
export const JOB_NAME_PATTERN = SAGEMAKER_NAME_PATTERN;
/** The tag every job and model carries, naming the stage that started it (read back by the local runner). */
export const STAGE_TAG_KEY = 'legacy-mlops:stage';
export const UUID_LENGTH = 36;
/** 63 - '-' - UUID. */
export const JOB_NAME_PREFIX_MAX = JOB_NAME_MAX - 1 - UUID_LENGTH;

export const CHANNEL_NAME_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9_-]{0,63}$/;
/** A relative Python path; at most 200 characters so the entrypoint item stays within SageMaker's 256. */
export const ENTRY_SCRIPT_MAX = 200;
export const ENTRY_SCRIPT_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*(\/[A-Za-z_][A-Za-z0-9_]*)*\.py$/;
export const ENV_KEY_PATTERN = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
export const ENV_MAX_ENTRIES = 100;
export const ENV_VALUE_MAX = 256;
export const ACCOUNT_PATTERN = /^\d{12}$/;
export const REGION_PATTERN = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$/;
export const ROLE_ARN_PATTERN = /^arn:aws(-cn|-us-gov)?:iam::(\d{12}):role\/[\w+=,.@/-]{1,512}$/;
/** ECR image URI: `<account>.dkr.ecr.<region>.amazonaws.com[.cn]/<repository>[:tag|@sha256:digest]`. */
export const ECR_IMAGE_PATTERN =
  /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?\/([a-z0-9]+(?:[._/-][a-z0-9]+)*)(:[\w][\w.-]{0,127}|@sha256:[a-f0-9]{64})?$/;
export const PROCESSING_LOCAL_PATH_PREFIX = '/opt/ml/processing/';
export const PROCESSING_LOCAL_PATH_MAX = 256;
export const MAX_PROCESSING_INPUTS = 10;
/** CreateTrainingJob's InputDataConfig holds at most 20 channels. */
export const MAX_TRAINING_CHANNELS = 20;
export const TRAINING_CHANNEL_ROOT = '/opt/ml/input/data/';
/** What SageMaker packs into model.tar.gz when a training job ends. */
export const TRAINING_MODEL_DIR = '/opt/ml/model';
/** Gate metric names become JSONPath segments, so they are plain identifiers. */
export const METRIC_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
export const REPORT_FILE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}\.json$/;
/** SageMaker endpoint (and model, endpoint config) names. */
export const ENDPOINT_NAME_PATTERN = SAGEMAKER_NAME_PATTERN;
export const ENDPOINT_WAIT_INTERVAL_RANGE = [1, 3600] as const;
export const ENDPOINT_WAIT_ATTEMPTS_RANGE = [1, 1000] as const;
export const MAX_PROCESSING_OUTPUTS = 10;
export const INSTANCE_COUNT_RANGE = [1, 100] as const;
export const VOLUME_SIZE_RANGE = [1, 16384] as const;
export const MAX_RUNTIME_RANGE = [1, 604800] as const;
/** Step Functions standard workflows run for at most one year. */
export const PIPELINE_TIMEOUT_MAX = 31_536_000;
/**
 * Stages in one pipeline. Not an AWS limit itself: it keeps the state machine inside Step Functions'
 * 1 MiB definition quota (and the CloudFormation template that carries it) for every mix of stage
 * kinds: measured 2.4 KB of ASL per processing stage and 5.5 KB per evaluation stage with its gate,
 * so 100 of the largest stay near half the quota.
 */
export const MAX_STAGES = 100;

/** The one line a pipeline over {@link MAX_STAGES} gets: the cap, the count, what it protects, what to do. */
export function tooManyStagesMessage(count: number): string {
  return (
    `${count} stages is more than the ${MAX_STAGES} a pipeline may have (the cap keeps the state machine well inside Step Functions' 1 MiB definition quota): ` +
    'split the stages into several pipelines, or run one stage chain per item with fanOut'
  );
}
/** Names a stage may not take: they mean something else in `from`. */
export const RESERVED_STAGE_NAMES = ['raw', 'code', 'runs', 'data'];

/** S3 bucket naming rules (general purpose buckets). Returns the broken rule, or undefined. */
export function bucketNameProblem(bucket: string): string | undefined {
  if (bucket.length < 3 || bucket.length > 63) return 'must be 3 to 63 characters long';
  if (!/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(bucket)) {
    return 'may contain only lowercase letters, digits, dots and hyphens, and must begin and end with a letter or digit';
  }
  if (bucket.includes('..')) return 'must not contain two adjacent dots';
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(bucket)) return 'must not look like an IP address';
  if (bucket.startsWith('xn--') || bucket.startsWith('sthree-')) return "must not begin with 'xn--' or 'sthree-'";
  if (bucket.endsWith('-s3alias') || bucket.endsWith('--ol-s3') || bucket.endsWith('--x-s3')) {
    return "must not end with '-s3alias', '--ol-s3' or '--x-s3'";
  }
  return undefined;
}
/** CreateModelPackageGroup's ModelPackageGroupName (EntityName). */
export const MODEL_PACKAGE_GROUP_PATTERN = SAGEMAKER_NAME_PATTERN;
/** An approval waits at most 30 days (a person on holiday should not hold an execution for a year). */
export const APPROVAL_TIMEOUT_RANGE = [60, 2_592_000] as const;
export const DEFAULT_APPROVAL_TIMEOUT_SECONDS = 604_800;

/** A whole number in [min, max]: the shape of every count, size and duration SageMaker takes. */
export function isIntIn(value: unknown, min: number, max: number): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}
