/**
 * The typed pipeline model: what a generated repo's `.projenrc.ts` declares.
 *
 * `*Options` interfaces (pipeline-options.ts, re-exported here) are what users write (most fields optional);
 * `Resolved*` interfaces are the fully-defaulted, validated form every
 * derivation function (ASL, IAM, input, docs, stubs) consumes.
 */
import type { FanOutItemsSource, FrameworkName, InputDistribution, ModelSource, ResolvedKindGroups, StageKind, StageMode } from './pipeline-options.js';

export * from './pipeline-options.js';

/** S3 layout of a project, all prefixes ending in `/`. */
export interface ResolvedS3Layout {
  readonly bucket: string;
  /** The bucket exists and is not the stack's: use it, create none. */
  readonly existing: boolean;
  /** `s3://<bucket>/data/raw/`: the raw input data the first stage reads. */
  readonly rawDataUri: string;
  /** `s3://<bucket>/code/`: stage code, one folder per stage. */
  readonly codeUri: string;
  /** `s3://<bucket>/runs/`: every execution writes under `<runsUri><execution name>/<stage>/<output>/`. */
  readonly runsUri: string;
}

export interface ResolvedFramework {
  readonly name: FrameworkName;
  readonly version: string;
  /** Image URI for the project's region. */
  readonly imageUri: string;
  /** ECR repository ARN the image lives in (for the execution role's pull permissions). */
  readonly repositoryArn: string;
}

/** Where a resolved stage's image comes from. */
export type ResolvedImage =
  | { readonly source: 'framework'; readonly framework: ResolvedFramework }
  | { readonly source: 'dockerfile'; readonly dockerfile: string; readonly imageUri: string; readonly repositoryArn: string }
  | { readonly source: 'uri'; readonly imageUri: string; readonly repositoryArn: string }
  /** Transform and endpoint stages run the image of their model stage (the model names it, not the request). */
  | { readonly source: 'model'; readonly modelStage: string; readonly imageUri: string; readonly repositoryArn: string };

export interface ResolvedMetricGate {
  readonly metric: string;
  readonly threshold: number;
  readonly greaterIsBetter: boolean;
  readonly onFail: 'fail' | 'skip';
  /** The stage output the report is in, and its file name there. */
  readonly reportOutput: string;
  readonly reportFile: string;
}

export interface ResolvedStageInput {
  readonly name: string;
  /** `raw` or `<stage>/<output>` (a training stage's `model` output is its model artifact, model.tar.gz). */
  readonly from: string;
  /** Where the job sees it: below /opt/ml/processing/ (processing, evaluation), /opt/ml/input/data/<name> (training); empty for model and transform inputs. */
  readonly localPath: string;
  /** Processing and evaluation inputs: `sharded` (processing only) becomes `ShardedByS3Key`; absent on other kinds. */
  readonly distribution?: InputDistribution;
}

export interface ResolvedStageOutput {
  readonly name: string;
  readonly localPath: string;
}

/** A stage as every derivation reads it; its kind's own option group (e.g. `tuning`) is resolved too. */
export interface ResolvedStage extends ResolvedKindGroups {
  readonly name: string;
  readonly description: string;
  readonly kind: StageKind;
  readonly mode: StageMode;
  readonly image: ResolvedImage;
  /** Folder of the stage's code in the generated repo: `stages/<name>`. */
  readonly codeDir: string;
  readonly entryScript: string;
  /** Job-name prefix; job names are `<prefix>-<uuid>` (at most 63 characters). */
  readonly jobNamePrefix: string;
  readonly instanceType: string;
  readonly instanceCount: number;
  readonly volumeSizeGb: number;
  readonly maxRuntimeSeconds: number;
  /** Task timeout: the job's max runtime plus a margin for queueing and start-up. */
  readonly taskTimeoutSeconds: number;
  readonly environment: Readonly<Record<string, string>>;
  readonly inputs: readonly ResolvedStageInput[];
  readonly outputs: readonly ResolvedStageOutput[];
  /**
   * Script-mode processing and evaluation: where the code input lands (/opt/ml/processing/input/code,
   * or aside when a legacy input takes that path, e.g. /opt/ml/processing/input itself).
   */
  readonly codeLocalPath?: string;
  /** The execution input may switch it off (`stages.<key>.enabled: false`). */
  readonly skippable: boolean;
  /** Training only (empty otherwise). */
  readonly hyperparameters: Readonly<Record<string, string>>;
  /** Evaluation only. */
  readonly gate?: ResolvedMetricGate;
  /** Transform and endpoint: the model stage they run. */
  readonly modelStage?: string;
  /** Endpoint only. */
  readonly endpoint?: { readonly name: string; readonly intervalSeconds: number; readonly maxAttempts: number };
  /** Register only: the group, whether the version starts approved, and the evaluation stage whose report it carries. */
  readonly registry?: ResolvedRegistry;
  /** Approval only. */
  readonly approval?: ResolvedApproval;
}

export interface ResolvedRegistry {
  readonly group: string;
  readonly autoApprove: boolean;
  /** The group is the user's: the CDK app does not create it. */
  readonly existingGroup: boolean;
  /** The nearest earlier evaluation stage: its report becomes the version's model quality statistics. */
  readonly evaluationStage?: string;
}

export interface ResolvedApproval {
  readonly timeoutSeconds: number;
  /** The nearest earlier register stage: its version is marked Approved or Rejected with the decision. */
  readonly registerStage?: string;
}

export interface ResolvedPipeline {
  readonly name: string;
  readonly region: string;
  readonly account: string;
  /** `aws`, `aws-cn` or `aws-us-gov`. */
  readonly partition: string;
  readonly s3: ResolvedS3Layout;
  readonly stages: readonly ResolvedStage[];
  readonly roles: {
    /** True when the user brings existing roles: nothing creates roles. */
    readonly bringYourOwn: boolean;
    readonly stateMachineRoleArn: string;
    readonly sageMakerExecutionRoleArn: string;
  };
  readonly pipelineTimeoutSeconds: number;
  readonly cdkQualifier: string;
  /** Absent when the model has no schedule. */
  readonly schedule?: { readonly expression: string; readonly enabled: boolean };
  /** Absent when the model asks for no failure notifications. */
  readonly notifications?: { readonly email?: string };
  /** At least one; the first is deployed first, each next one after an approval. */
  readonly environments: readonly ResolvedEnvironment[];
  /** Absent when the stage chain runs once per execution. */
  readonly fanOut?: ResolvedFanOut;
  /** The CDK app adds the dashboard and the failed-executions alarm. */
  readonly dashboard: boolean;
}

export interface ResolvedFanOut {
  readonly maxConcurrency: number;
  readonly toleratedFailurePercentage: number;
  readonly itemsFrom: FanOutItemsSource;
}

export interface ResolvedEnvironment {
  readonly name: string;
  readonly account: string;
  readonly region: string;
  /** CloudFormation stack name: `<project>-<environment>`. */
  readonly stackName: string;
  readonly modelSource: ModelSource;
}
