/**
 * Uploads each script-mode stage's folder to `s3://<bucket>/code/<stage>/`, where its Task state
 * reads it (`<codeUri><stage>/`). BucketDeployment syncs the CDK asset into the bucket on every
 * deploy (and prunes files removed from the folder); it runs with a role of our own whose policy
 * names each action and resource, instead of the wildcard grants CDK would add.
 */
import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { join, relative } from 'node:path';
import type { ResolvedPipeline } from '../model/types.js';
import { stageTestPath } from '../stages/render-stage-test.js';
import { acknowledgeNagFindings } from './nag-acknowledgements.js';

const STAGES_DIR = 'stages';
/** Where the Task states read script code from: `<codeUri><stage>/`, `codeUri` being `s3://<bucket>/code/`. */
const CODE_PREFIX = 'code/';

/** Local leftovers that are not stage code. */
export const STAGE_CODE_EXCLUDES = ['__pycache__', '*.pyc', '.pytest_cache', '.venv', '.DS_Store'];

export interface StageCodeUploadProps {
  readonly pipeline: ResolvedPipeline;
  readonly bucket: s3.IBucket;
  /** Root of the generated repo (holds `stages/<name>/`). */
  readonly projectDir: string;
}

export class StageCodeUpload extends Construct {
  /** Absent when no stage runs in script mode. */
  public readonly deployment?: s3deploy.BucketDeployment;

  constructor(scope: Construct, id: string, props: StageCodeUploadProps) {
    super(scope, id);
    const { pipeline } = props;
    const scriptStages = pipeline.stages.filter((stage) => stage.mode === 'script');
    if (scriptStages.length === 0) return;

    // One asset of `stages/` (so one deployment and one CLI layer): each script stage's folder lands
    // in `code/<stage>/`; container stages' folders are built into images instead and left out.
    const containerFolders = pipeline.stages.filter((stage) => stage.mode !== 'script').map((stage) => stage.name);
    // The starter tests run on the developer's machine and in CI, never in a job.
    const starterTests = scriptStages.map((stage) => relative(STAGES_DIR, stageTestPath(stage.name)));
    const asset = new s3assets.Asset(this, 'Code', {
      path: join(props.projectDir, STAGES_DIR),
      exclude: [...STAGE_CODE_EXCLUDES, ...containerFolders, ...starterTests],
    });
    const logGroup = new logs.LogGroup(this, 'Logs', { retention: logs.RetentionDays.ONE_YEAR, removalPolicy: RemovalPolicy.DESTROY });
    const policy = new iam.PolicyDocument({
      statements: [
        new iam.PolicyStatement({ sid: 'ReadStageCodeAsset', actions: ['s3:GetObject'], resources: [asset.bucket.arnForObjects(asset.s3ObjectKey)] }),
        new iam.PolicyStatement({
          sid: 'ListStageCode',
          actions: ['s3:ListBucket'],
          resources: [props.bucket.bucketArn],
          conditions: { StringLike: { 's3:prefix': [CODE_PREFIX, `${CODE_PREFIX}*`] } },
        }),
        new iam.PolicyStatement({ sid: 'WriteStageCode', actions: ['s3:PutObject', 's3:DeleteObject'], resources: [props.bucket.arnForObjects(`${CODE_PREFIX}*`)] }),
        new iam.PolicyStatement({ sid: 'WriteUploadLogs', actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }),
      ],
    });
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'legacy-mlops: copies the script-mode stage code into the pipeline bucket at deploy time',
      inlinePolicies: { 'stage-code-upload': policy },
    });

    this.deployment = new s3deploy.BucketDeployment(this, 'Upload', {
      sources: [s3deploy.Source.bucket(asset.bucket, asset.s3ObjectKey)],
      destinationBucket: props.bucket,
      destinationKeyPrefix: CODE_PREFIX,
      // The grants BucketDeployment would add (s3:GetObject*, s3:List*, ...) are dropped: the policy above names what it does.
      role: role.withoutPolicyUpdates(),
      logGroup,
      // Files removed from a stage folder disappear from the bucket too.
      prune: true,
      retainOnDelete: true,
    });

    // cdk-nag names a created bucket by its logical id, an existing one by its literal ARN.
    const created = props.bucket.node.defaultChild as s3.CfnBucket | undefined;
    const bucketArn = created ? `<${Stack.of(this).getLogicalId(created)}.Arn>` : `arn:<AWS::Partition>:s3:::${props.bucket.bucketName}`;
    acknowledgeNagFindings(role, [
      { id: `AwsSolutions-IAM5[Resource::${bucketArn}/${CODE_PREFIX}*]`, reason: `The upload syncs the stage folders file by file under ${CODE_PREFIX}; the file names are the user's.` },
    ]);
    // The handler is a stack-level singleton whose runtime aws-cdk-lib pins (and updates with new releases).
    const handler = Stack.of(this).node.children.find((child) => child.node.id.startsWith('Custom::CDKBucketDeployment'));
    if (handler) {
      acknowledgeNagFindings(handler, [
        { id: 'AwsSolutions-L1', reason: "The BucketDeployment handler's runtime is chosen by aws-cdk-lib, which updates it; it runs only while deploying." },
      ]);
    }
  }
}
