/**
 * Building blocks of the integration rows: one grant each, with the concrete call it exists for.
 * Shared by the `.sync` job rows and the request/response rows (models, endpoints, S3 reads).
 */
import { INPUT } from '../asl/input-paths.js';
import type { ResolvedPipeline } from '../model/types.js';
import { literal, logGroupArn, logStreamArn, s3BucketArn, s3ObjectArn } from './arns.js';
import type { S3Prefix } from './s3-locations.js';
import type { Permission } from './types.js';

export const SAGEMAKER_SERVICE = 'sagemaker.amazonaws.com';
/** Sample object names for concrete calls. */
const SAMPLE_INPUT_OBJECT = 'part-00000.csv';
const SAMPLE_OUTPUT_OBJECT = 'result.csv';
/** SageMaker names log streams `<job name>/algo-<n>-<epoch seconds>`. */
const SAMPLE_LOG_STREAM_SUFFIX = '/algo-1-1700000000';

export const asArray = (value: unknown): Record<string, unknown>[] => (Array.isArray(value) ? (value as Record<string, unknown>[]) : []);
export const asObject = (value: unknown): Record<string, unknown> => (value && typeof value === 'object' ? (value as Record<string, unknown>) : {});

/** The role the request passes: `<field>.$` must read the execution input's role, which is the pipeline's execution role. */
export function passedRoleArn(parameters: Readonly<Record<string, unknown>>, field: string, pipeline: ResolvedPipeline, where: string): string {
  const path = parameters[`${field}.$`];
  if (path === INPUT.roleArn) return literal(pipeline.roles.sageMakerExecutionRoleArn, 'execution role ARN');
  if (path === undefined && typeof parameters[field] === 'string') return literal(parameters[field] as string, `${where}: ${field}`);
  throw new Error(`${where}: the role comes from ${JSON.stringify(path ?? parameters[field])}, not '${INPUT.roleArn}'; cannot scope iam:PassRole`);
}

export function passRole(executionRole: string): Permission {
  return {
    sid: 'PassExecutionRoleToSageMaker',
    actions: ['iam:PassRole'],
    resources: [executionRole],
    condition: { operator: 'StringEquals', key: 'iam:PassedToService', values: [SAGEMAKER_SERVICE] },
    calls: [{ action: 'iam:PassRole', resource: executionRole, context: { 'iam:PassedToService': SAGEMAKER_SERVICE } }],
  };
}

/** One statement id per set of actions on SageMaker resources of one kind. */
export function sageMakerActions(sid: string, actions: readonly string[], pattern: string, sample: string): Permission {
  const full = actions.map((a) => `sagemaker:${a}`);
  return { sid, actions: full, resources: [pattern], calls: full.map((action) => ({ action, resource: sample })) };
}

export function readPrefix(partition: string, prefix: S3Prefix, sid = 'ReadStageInputs'): Permission {
  return {
    sid,
    actions: ['s3:GetObject'],
    resources: [s3ObjectArn(partition, prefix.bucket, `${prefix.keyPattern}*`)],
    calls: [{ action: 's3:GetObject', resource: s3ObjectArn(partition, prefix.bucket, `${prefix.sampleKey}${SAMPLE_INPUT_OBJECT}`) }],
  };
}

/** SageMaker lists an S3Prefix input before downloading it; the listing is limited to the input prefixes. */
export function listPrefix(partition: string, prefix: S3Prefix): Permission {
  const bucket = s3BucketArn(partition, prefix.bucket);
  return {
    sid: 'ListStageInputs',
    actions: ['s3:ListBucket'],
    resources: [bucket],
    condition: { operator: 'StringLike', key: 's3:prefix', values: [`${prefix.keyPattern}*`] },
    calls: [{ action: 's3:ListBucket', resource: bucket, context: { 's3:prefix': prefix.sampleKey } }],
  };
}

export function writePrefix(partition: string, prefix: S3Prefix, sid = 'WriteStageOutputs'): Permission {
  return {
    sid,
    actions: ['s3:PutObject'],
    resources: [s3ObjectArn(partition, prefix.bucket, `${prefix.keyPattern}*`)],
    calls: [{ action: 's3:PutObject', resource: s3ObjectArn(partition, prefix.bucket, `${prefix.sampleKey}${SAMPLE_OUTPUT_OBJECT}`) }],
  };
}

export function pullImage(repositoryArn: string): Permission[] {
  const actions = ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'];
  return [
    { sid: 'PullStageImages', actions, resources: [repositoryArn], calls: actions.map((action) => ({ action, resource: repositoryArn })) },
    { sid: 'EcrAuthorizationToken', actions: ['ecr:GetAuthorizationToken'], resources: ['*'], calls: [{ action: 'ecr:GetAuthorizationToken', resource: '*' }] },
  ];
}

/** A log group, and its streams through the `:*` form (which also covers the group ARN CloudWatch Logs checks with a `:*` suffix). */
export function writeLogs(sid: string, pipeline: ResolvedPipeline, logGroup: string, streamOwner: string): Permission {
  const group = logGroupArn(pipeline, logGroup);
  const stream = logStreamArn(pipeline, logGroup, `${streamOwner}${SAMPLE_LOG_STREAM_SUFFIX}`);
  return {
    sid,
    actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
    resources: [group, `${group}:*`],
    calls: [
      { action: 'logs:CreateLogGroup', resource: group },
      { action: 'logs:DescribeLogStreams', resource: group },
      { action: 'logs:CreateLogStream', resource: stream },
      { action: 'logs:PutLogEvents', resource: stream },
    ],
  };
}

export function publishMetrics(sid: string, namespace: string): Permission {
  return {
    sid,
    actions: ['cloudwatch:PutMetricData'],
    resources: ['*'],
    condition: { operator: 'StringEquals', key: 'cloudwatch:namespace', values: [namespace] },
    calls: [{ action: 'cloudwatch:PutMetricData', resource: '*', context: { 'cloudwatch:namespace': namespace } }],
  };
}
