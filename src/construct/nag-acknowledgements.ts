/**
 * cdk-nag v3 reads acknowledgements from CDK's own `Validations` metadata, so the construct records
 * them without depending on cdk-nag at run time. Each carries its reason; each wildcard-resource
 * finding is acknowledged one by one, so a new wildcard (or any wildcard action) still fails the check.
 */
import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

export interface NagAcknowledgement {
  /** cdk-nag rule id, optionally with a finding: `AwsSolutions-IAM5[Resource::arn:...]`. */
  readonly id: string;
  /** Why the finding is acceptable here. Never empty. */
  readonly reason: string;
}

export function acknowledgeNagFindings(scope: IConstruct, acknowledgements: readonly NagAcknowledgement[]): void {
  for (const ack of acknowledgements) {
    if (!ack.reason.trim()) throw new Error(`cdk-nag acknowledgement ${ack.id} on ${scope.node.path} has no reason`);
    Validations.of(scope).acknowledge({ id: ack.id, reason: ack.reason });
  }
}

/** One `AwsSolutions-IAM5` acknowledgement per wildcard resource of the given statements. */
export function wildcardResourceAcknowledgements(
  statements: readonly { readonly Resource: string | readonly string[] }[],
  reason: (resource: string) => string,
): NagAcknowledgement[] {
  const resources = new Set(statements.flatMap((s) => (typeof s.Resource === 'string' ? [s.Resource] : s.Resource)).filter((r) => r.includes('*')));
  return [...resources].map((resource) => ({ id: `AwsSolutions-IAM5[Resource::${resource}]`, reason: reason(resource) }));
}
