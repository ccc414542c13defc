/** Task resource ARNs across partitions: tables are keyed in the `aws` partition; tasks carry their own (aws-cn, aws-us-gov). */

/** The integration ARN in a given partition. */
export function integrationArn(canonical: string, partition: string): string {
  return canonical.replace(/^arn:aws:/, `arn:${partition}:`);
}

/** A Task resource mapped back to the `aws` partition, for lookups in tables keyed by the canonical ARN. */
export function canonicalTaskResource(resource: string): string {
  return resource.replace(/^arn:aws(-cn|-us-gov)?:states:::/, 'arn:aws:states:::');
}
