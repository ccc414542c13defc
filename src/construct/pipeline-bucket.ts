/**
 * The project bucket (raw data, stage code, run outputs) and the bucket its access logs go to; or, in
 * existing-bucket mode, the user's bucket as it is (nothing created, nothing changed on it).
 *
 * The created bucket has a fixed name and is retained when the stack is destroyed, so a later deploy
 * finds it there: `npx projen deploy` passes `--import-existing-resources`, and CloudFormation adopts
 * the retained bucket (a custom-named resource with DeletionPolicy Retain) instead of failing with
 * "already exists" (CloudFormation CreateChangeSet, ImportExistingResources).
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

export interface PipelineBucketProps {
  /** Fixed by the model: the IAM documents under `pipeline/iam/` name it. */
  readonly bucketName: string;
  /** Use the existing bucket of this name; create nothing. @default false */
  readonly existing?: boolean;
}

export class PipelineBucket extends Construct {
  public readonly bucket: s3.IBucket;
  /** Absent in existing-bucket mode: how the user's bucket logs is the user's choice. */
  public readonly accessLogsBucket?: s3.Bucket;

  constructor(scope: Construct, id: string, props: PipelineBucketProps) {
    super(scope, id);
    if (props.existing) {
      this.bucket = s3.Bucket.fromBucketName(this, 'Bucket', props.bucketName);
      return;
    }
    // Server access logs only support SSE-S3 on the target bucket. (cdk-nag's S1 does not ask a log target to log itself.)
    this.accessLogsBucket = new s3.Bucket(this, 'AccessLogs', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      lifecycleRules: [{ expiration: Duration.days(365) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.bucket = new s3.Bucket(this, 'Bucket', {
      bucketName: props.bucketName,
      // SSE-S3, not KMS: the SageMaker execution role's documents grant no kms:* (a customer key would need them).
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      versioned: true,
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: `${props.bucketName}/`,
      // Versioning guards against overwrites; old versions of run outputs need not live forever.
      lifecycleRules: [{ noncurrentVersionExpiration: Duration.days(90), abortIncompleteMultipartUploadAfter: Duration.days(7) }],
      // The data outlives the stack: `npx projen destroy` leaves the bucket.
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}
