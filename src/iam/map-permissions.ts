/**
 * What a Distributed Map needs from the state machine role (Step Functions guide, "IAM policies for
 * using Distributed Map states"): starting child executions of its own state machine, describing and
 * stopping them, reading the ItemReader's object and writing the ResultWriter's files.
 */
import { FAN_OUT_RESULTS_FOLDER, S3_LIST_OBJECTS_ITEMS_RESOURCE } from '../asl/fan-out.js';
import { stateMachineName } from '../construct/deployed-input.js';
import { ITEMS_KEY_PREFIX, SAMPLE_ITEMS_KEY, rawKeyPrefix } from '../input/execution-input.js';
import type { ResolvedPipeline } from '../model/types.js';
import { literal, s3BucketArn, s3ObjectArn } from './arns.js';
import type { Permission, SampleNames } from './types.js';

/** The ResultWriter's multipart upload of result files needs these besides PutObject. */
const RESULT_WRITER_ACTIONS = ['s3:PutObject', 's3:GetObject', 's3:ListMultipartUploadParts', 's3:AbortMultipartUpload'];

export function distributedMapPermissions(map: Readonly<Record<string, unknown>>, pipeline: ResolvedPipeline, samples: SampleNames): Permission[] {
  const where = `arn:${pipeline.partition}:states:${pipeline.region}:${pipeline.account}`;
  const name = literal(stateMachineName(pipeline), 'state machine name');
  const stateMachine = `${where}:stateMachine:${name}`;
  // Child executions are named `<state machine>/<map run label>:<child name>`.
  const childPattern = `${where}:execution:${name}/*`;
  const childSample = `${where}:execution:${name}/items:${samples.jobId}`;
  const permissions: Permission[] = [
    { sid: 'StartFanOutItems', actions: ['states:StartExecution'], resources: [stateMachine], calls: [{ action: 'states:StartExecution', resource: stateMachine }] },
    {
      sid: 'WatchFanOutItems',
      actions: ['states:DescribeExecution', 'states:StopExecution'],
      resources: [childPattern],
      calls: ['states:DescribeExecution', 'states:StopExecution'].map((action) => ({ action, resource: childSample })),
    },
  ];
  const { bucket, keyPrefix } = splitRuns(pipeline.s3.runsUri);
  const reader = map.ItemReader as { Resource?: unknown } | undefined;
  if (reader && String(reader.Resource).endsWith(S3_LIST_OBJECTS_ITEMS_RESOURCE.split(':::')[1])) {
    // Listing the raw-data prefix (the input's schema keeps itemsPrefix inside it): ListObjectsV2 is
    // authorized as s3:ListBucket on the bucket, narrowed to that prefix by the s3:prefix condition key.
    const bucketArn = s3BucketArn(pipeline.partition, literal(pipeline.s3.bucket, 'bucket'));
    const prefix = literal(rawKeyPrefix(pipeline), 'raw data prefix');
    permissions.push({
      sid: 'ListFanOutItems',
      actions: ['s3:ListBucket'],
      resources: [bucketArn],
      condition: { operator: 'StringLike', key: 's3:prefix', values: [`${prefix}*`] },
      calls: [{ action: 's3:ListBucket', resource: bucketArn, context: { 's3:prefix': prefix } }],
    });
  } else if (reader) {
    // The items file's key comes from the input; its schema keeps it under items/ in the project's bucket.
    const bucketName = literal(pipeline.s3.bucket, 'bucket');
    permissions.push({
      sid: 'ReadFanOutItems',
      actions: ['s3:GetObject'],
      resources: [s3ObjectArn(pipeline.partition, bucketName, `${ITEMS_KEY_PREFIX}*`)],
      calls: [{ action: 's3:GetObject', resource: s3ObjectArn(pipeline.partition, bucketName, SAMPLE_ITEMS_KEY) }],
    });
  }
  if (map.ResultWriter) {
    const pattern = s3ObjectArn(pipeline.partition, bucket, `${keyPrefix}*/${FAN_OUT_RESULTS_FOLDER}/*`);
    const sample = s3ObjectArn(pipeline.partition, bucket, `${keyPrefix}${samples.executionName}/${FAN_OUT_RESULTS_FOLDER}/${samples.jobId}/manifest.json`);
    permissions.push({ sid: 'WriteFanOutResults', actions: RESULT_WRITER_ACTIONS, resources: [pattern], calls: RESULT_WRITER_ACTIONS.map((action) => ({ action, resource: sample })) });
  }
  return permissions;
}

function splitRuns(runsUri: string): { bucket: string; keyPrefix: string } {
  const match = /^s3:\/\/([^/]+)\/(.*)$/.exec(runsUri);
  if (!match) throw new Error(`'${runsUri}' is not an s3://<bucket>/<prefix> URI`);
  return { bucket: literal(match[1], 'runs bucket'), keyPrefix: literal(match[2], 'runs key prefix') };
}
