/** The project bucket (raw data, stage code, run outputs) and the bucket its access logs go to. */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

export interface PipelineBucketProps {
  /** Fixed by the model: the IAM documents under `pipeline/iam/` name it. */
  readonly bucketName: string;
}

export class PipelineBucket extends Construct {
  public readonly bucket: s3.Bucket;
  public readonly accessLogsBucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: PipelineBucketProps) {
    super(scope, id);
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
