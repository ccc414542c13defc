/**
 * What a generated repo's `.projenrc.ts` declares: the `*Options` interfaces users write (most fields
 * optional). Their resolved form is in types.ts, which re-exports these.
 */
import type { ResolvedTuning, TuningOptions } from './tuning.js';

/**
 * Stage kinds: `processing` (a SageMaker Processing job), `training` (a training job whose model
 * artifacts later stages read), `evaluation` (a processing job writing a metrics report, plus a
 * metric gate), `model` (CreateModel from a training stage's artifacts), `transform` (a batch
 * transform job on a model stage's model), `endpoint` (a real-time endpoint serving it),
 * `register` (a version of the model stage's model in a SageMaker Model Registry group, carrying
 * the evaluation report as its metrics) and `approval` (the execution waits for a person's decision).
 */
export type StageKind = 'processing' | 'training' | 'tuning' | 'evaluation' | 'model' | 'transform' | 'endpoint' | 'register' | 'approval';

/** How a stage's code gets into its container. */
export type StageMode = 'script' | 'container';

/** Prebuilt SageMaker framework images usable in script mode. */
export type FrameworkName = 'sklearn' | 'xgboost' | 'pytorch';

export interface FrameworkOptions {
  /** Framework of the prebuilt image. */
  readonly name: FrameworkName;
  /** Framework version as SageMaker names it, e.g. `1.2-1` for scikit-learn. Defaults to the newest known. */
  readonly version?: string;
}

/** A named input channel of a stage, copied by SageMaker from S3 to `localPath` before the job starts. */
export interface StageInputOptions {
  /** Channel name (`[A-Za-z0-9_-]`, unique within the stage). */
  readonly name: string;
  /**
   * Where the data comes from: `raw` (the project's raw data prefix) or `<stage>/<output>`
   * (an earlier stage's output). Defaults to the previous stage's first output, or `raw` for the first stage.
   */
  readonly from?: string;
  /** Absolute path under `/opt/ml/processing/`. Defaults to `/opt/ml/processing/input/<name>`. */
  readonly localPath?: string;
  /**
   * Processing stages: `replicated` gives every instance all objects (`FullyReplicated`);
   * `sharded` gives each of the stage's `instanceCount` instances a share of the objects (`ShardedByS3Key`).
   * @default 'replicated'
   */
  readonly distribution?: InputDistribution;
}

/** How SageMaker spreads an input's S3 objects over a job's instances. */
export type InputDistribution = 'replicated' | 'sharded';

/** A named output of a stage, uploaded by SageMaker from `localPath` to S3 when the job ends. */
export interface StageOutputOptions {
  /** Output name (`[A-Za-z0-9_-]`, unique within the stage). */
  readonly name: string;
  /** Absolute path under `/opt/ml/processing/`. Defaults to `/opt/ml/processing/output/<name>`. */
  readonly localPath?: string;
}

/** The metric gate of an evaluation stage: the execution goes on only when the report's metric clears the threshold. */
export interface MetricGateOptions {
  /** Metric name in the report (`metrics.<name>.value`): letters, digits and underscores, e.g. `accuracy`. */
  readonly metric: string;
  /** Default threshold; each execution may override it with `stages.<key>.threshold` in its input. */
  readonly threshold: number;
  /** True when a larger value is better (accuracy, AUC); false for errors (rmse). @default true */
  readonly greaterIsBetter?: boolean;
  /**
   * Below the threshold: `fail` ends the execution in a Fail state naming metric, value and threshold;
   * `skip` ends it successfully without running the stages after the gate. @default 'fail'
   */
  readonly onFail?: 'fail' | 'skip';
  /** Report file inside the stage's first output. @default 'evaluation.json' */
  readonly reportFile?: string;
}

/** How an endpoint stage waits for its endpoint to be InService. */
export interface EndpointWaitOptions {
  /** Seconds between two DescribeEndpoint calls. @default 60 */
  readonly intervalSeconds?: number;
  /** DescribeEndpoint calls before the stage gives up. @default 60 */
  readonly maxAttempts?: number;
}

/**
 * The option groups that belong to one kind each, by option name: what `.projenrc.ts` declares and what
 * it resolves to. A kind's own group is one member here and one row of `KIND_OPTION_GROUPS`
 * (stage-kinds.ts, which the compiler then asks for); `StageOptions` and `ResolvedStage` carry every
 * member, and the schema, the resolution, `.projenrc.ts` and the README derive from the row.
 */
export interface KindOptionGroups {
  /** Tuning: the hyperparameter tuning job (objective, strategy, ranges, job counts). */
  readonly tuning: { readonly options: TuningOptions; readonly resolved: ResolvedTuning };
}

/** The name of a kind's own option group. */
export type KindOptionGroup = keyof KindOptionGroups;

/** Each kind's own option group, as `.projenrc.ts` declares it. */
export type KindGroupOptions = { readonly [K in KindOptionGroup]?: KindOptionGroups[K]['options'] };

/** Each kind's own option group, resolved (on stages of that kind only). */
export type ResolvedKindGroups = { readonly [K in KindOptionGroup]?: KindOptionGroups[K]['resolved'] };

export interface StageOptions extends KindGroupOptions {
  /** Stage name: lowercase letters, digits and single hyphens, starting with a letter, at most 20 characters. */
  readonly name: string;
  /** What a short sentence says this stage does (shown in the README). */
  readonly description?: string;
  /** @default 'processing' */
  readonly kind?: StageKind;
  /** @default 'script' */
  readonly mode?: StageMode;
  /** Script mode: the prebuilt framework image. @default { name: 'sklearn' } */
  readonly framework?: FrameworkOptions;
  /**
   * Container mode: an existing image URI. When absent, the image is built from
   * `stages/<name>/Dockerfile`.
   */
  readonly imageUri?: string;
  /** Entry script inside `stages/<name>/`. @default '<name>.py' (hyphens become underscores) */
  readonly entryScript?: string;
  /** Validated against the SageMaker SDK's `ProcessingInstanceType` enum. @default 'ml.m5.large' */
  readonly instanceType?: string;
  /** @default 1 */
  readonly instanceCount?: number;
  /** @default 30 */
  readonly volumeSizeGb?: number;
  /** @default 3600 */
  readonly maxRuntimeSeconds?: number;
  /** Environment variables for the job container. */
  readonly environment?: Record<string, string>;
  /** Input channels. @default one channel `input` from the previous stage's output (or `raw`) */
  readonly inputs?: StageInputOptions[];
  /** Outputs. @default one output `output` */
  readonly outputs?: StageOutputOptions[];
  /**
   * The stage may be skipped per execution with `stages.<key>.enabled: false` in the input (a Choice
   * state before it). A skipped stage whose output a later, enabled stage reads is an input error.
   * @default false
   */
  readonly skippable?: boolean;
  /** Training: hyperparameters, written to /opt/ml/input/config/hyperparameters.json (values are strings). */
  readonly hyperparameters?: Record<string, string>;
  /** Evaluation: the metric gate after the job. Required for evaluation stages. */
  readonly gate?: MetricGateOptions;
  /** Transform and endpoint: the model stage whose model they run. @default the nearest earlier model stage */
  readonly modelStage?: string;
  /** Endpoint: the endpoint's name, stable across executions (created once, then updated). @default '<project>-<stage>' */
  readonly endpointName?: string;
  /** Endpoint: how long to wait for InService. */
  readonly endpointWait?: EndpointWaitOptions;
  /** Register: the model registry settings of the version it creates. */
  readonly registry?: RegistryOptions;
  /** Approval: how long a person has to decide. */
  readonly approval?: ApprovalOptions;
}

/** Where and how a register stage records a model version. */
export interface RegistryOptions {
  /** Model package group (created by the CDK app). @default the project name */
  readonly group?: string;
  /**
   * Register the version as `Approved` (the metric gate before it passed, or the execution would not be
   * here); otherwise it waits as `PendingManualApproval`. Needs an evaluation stage before it. @default false
   */
  readonly autoApprove?: boolean;
  /**
   * `group` exists already and is not this stack's: the CDK app creates none (and changes nothing on it).
   * Otherwise the app creates the group and keeps it when the stack is destroyed (its versions are history).
   * @default false
   */
  readonly existingGroup?: boolean;
}

/** How an approval stage waits for a person. */
export interface ApprovalOptions {
  /** Seconds before an undecided approval ends the execution in a Fail state. @default 604800 (7 days) */
  readonly timeoutSeconds?: number;
}

export interface PipelineOptions {
  /** Project name: lowercase letters, digits and hyphens (it prefixes job names, roles and the bucket). */
  readonly name: string;
  /** AWS region, e.g. `eu-west-1`. */
  readonly region: string;
  /** 12-digit AWS account id. */
  readonly account: string;
  /** S3 bucket. @default '<name>-<account>-<region>' */
  readonly bucket?: string;
  /**
   * `bucket` names a bucket that exists already and is not this stack's: the stack uses it as it is and
   * creates none (no encryption, versioning, logging or policy is changed on it). @default false
   */
  readonly existingBucket?: boolean;
  /** Stages in order. @default the classic preprocess → predict → postprocess pipeline */
  readonly stages?: StageOptions[];
  /**
   * Bring your own role: existing role ARNs. When given, no role is created,
   * and the policies under `pipeline/iam/` are for an administrator to attach.
   */
  readonly existingRoles?: {
    readonly stateMachineRoleArn?: string;
    readonly sageMakerExecutionRoleArn?: string;
  };
  /** Timeout of the whole state machine. @default the sum of the stage task timeouts plus 10 minutes */
  readonly pipelineTimeoutSeconds?: number;
  /** CDK bootstrap qualifier (images built from Dockerfiles are pushed to its asset repository). @default 'hnb659fds' */
  readonly cdkQualifier?: string;
  /** Run the deployed pipeline on a schedule (an EventBridge rule starting an execution). @default no schedule */
  readonly schedule?: ScheduleOptions;
  /** Notify on failed, timed-out or aborted executions (EventBridge rule → encrypted SNS topic). @default no notifications */
  readonly notifications?: NotificationOptions;
  /**
   * Where the pipeline is deployed, in promotion order (e.g. preprod, then prod): one stack per environment.
   * Each environment has its own account, since the roles are named after the project.
   * @default one environment 'default' with the project's account and region
   */
  readonly environments?: EnvironmentOptions[];
  /**
   * Fan-out: run the whole stage chain once per item (one model per store, product line, region…)
   * inside a Step Functions Distributed Map. @default no fan-out: one run per execution
   */
  readonly fanOut?: FanOutOptions;
  /**
   * A CloudWatch dashboard for the pipeline (executions, durations, failures by stage, the gate's metric)
   * and an alarm on failed or timed-out executions, published to the notifications topic when there is one.
   * @default true
   */
  readonly dashboard?: boolean;
}

/** Where a fan-out's items come from. */
export type FanOutItemsSource = 'input' | 's3' | 's3-prefix';

export interface FanOutOptions {
  /**
   * Items whose stage chains run at once. SageMaker's quotas are the real limit: each running item
   * holds its current job's instances, and a new account's per-instance-type job quotas are often
   * in single digits. @default 5
   */
  readonly maxConcurrency?: number;
  /** Percentage of items that may fail (each failure ends that item only) before the execution fails. @default 0 */
  readonly toleratedFailurePercentage?: number;
  /**
   * `input`: the execution input's `items` array (up to the 256 KiB input limit, a few thousand items);
   * `s3`: a JSON array in S3 (`itemsBucket`/`itemsKey` in the input), read by the Map's ItemReader;
   * `s3-prefix`: one item per object under the raw-data prefix (`itemsBucket`/`itemsPrefix` in the input,
   * listed by the Map's ItemReader): the item's id is the object's file name, its raw data the object itself. @default 'input'
   */
  readonly itemsFrom?: FanOutItemsSource;
}

export interface ScheduleOptions {
  /** EventBridge schedule expression: `cron(<min> <hour> <day-of-month> <month> <day-of-week> <year>)` or `rate(<n> <unit>)`. */
  readonly expression: string;
  /** False deploys the rule disabled (switch it on later without a redeploy of anything else). @default true */
  readonly enabled?: boolean;
}

export interface NotificationOptions {
  /** E-mail address subscribed to the failure topic (AWS sends it a confirmation link first). @default no subscription */
  readonly email?: string;
}

export interface EnvironmentOptions {
  /** Lowercase letters, digits and single hyphens (e.g. 'prod'): names the stack and the GitHub Environment of its deploy job. */
  readonly name: string;
  /** 12-digit AWS account id. */
  readonly account: string;
  /** AWS region, e.g. `eu-west-1`. */
  readonly region: string;
  /**
   * Which model the stages that serve a registered model (transform, endpoint) run in this environment:
   * `this-run`, the model the execution made; `latest-approved`, the newest Approved version of the
   * register stage's model package group (none approved: the execution fails saying so).
   * @default 'latest-approved' for the last of several environments when a stage registers the model, else 'this-run'
   */
  readonly modelSource?: ModelSource;
}

/** Where an environment's serving stages get their model. */
export type ModelSource = 'this-run' | 'latest-approved';
