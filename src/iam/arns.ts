/** ARN builders for the resources the two roles act on. */
import type { ResolvedPipeline } from '../model/types.js';

type Where = Pick<ResolvedPipeline, 'partition' | 'region' | 'account'>;

/** Characters IAM reads as wildcards or policy variables in a Resource or a `*Like` condition. */
const IAM_SPECIAL = /[*?$]/;

/** Guards a literal that goes into a pattern: a `*`, `?` or `${` in it would silently widen the grant. */
export function literal(value: string, what: string): string {
  if (IAM_SPECIAL.test(value)) throw new Error(`${what} '${value}' contains '*', '?' or '$', which IAM would read as a wildcard or a policy variable`);
  return value;
}

/**
 * SageMaker writes resource names in lowercase inside its ARNs (an endpoint created as `ChurnEndpoint`
 * is `…:endpoint/churnendpoint`; the CDK's SageMaker task constructs lowercase for the same reason), so
 * a grant or a trust condition built from a user-given name must be lowercased or IAM denies the call.
 * Lowercasing leaves the `?`/`*` wildcards of a name pattern as they are.
 */
export function sageMakerArn(where: Where, resourceType: string, name: string): string {
  return `arn:${where.partition}:sagemaker:${where.region}:${where.account}:${resourceType}/${name.toLowerCase()}`;
}

/**
 * Every SageMaker resource of the account and region: what AWS recommends for `aws:SourceArn` in a
 * trust policy when the ARN the service presents is not documented (IAM guide, "The confused deputy
 * problem"; SageMaker guide, "Cross-service confused deputy prevention").
 */
export function sageMakerAccountArnPattern(where: Where): string {
  return `arn:${where.partition}:sagemaker:${where.region}:${where.account}:*`;
}

export function eventsRuleArn(where: Where, ruleName: string): string {
  return `arn:${where.partition}:events:${where.region}:${where.account}:rule/${ruleName}`;
}

export function logGroupArn(where: Where, logGroup: string): string {
  return `arn:${where.partition}:logs:${where.region}:${where.account}:log-group:${logGroup}`;
}

export function logStreamArn(where: Where, logGroup: string, stream: string): string {
  return `${logGroupArn(where, logGroup)}:log-stream:${stream}`;
}

export function stateMachinesArnPattern(where: Where): string {
  return `arn:${where.partition}:states:${where.region}:${where.account}:stateMachine:*`;
}

/** S3 ARNs carry neither region nor account. */
export function s3BucketArn(partition: string, bucket: string): string {
  return `arn:${partition}:s3:::${bucket}`;
}

export function s3ObjectArn(partition: string, bucket: string, key: string): string {
  return `arn:${partition}:s3:::${bucket}/${key}`;
}
