/**
 * What each planned check asks and what passes, in words (pure): the generated README's doctor
 * section, and the IAM actions a caller needs to get answers instead of "could not check".
 */
import type { PlannedCheck } from './plan.js';

export function whatPasses(check: PlannedCheck): string {
  switch (check.kind) {
    case 'identity':
      return `the credentials are account ${check.account}'s`;
    case 'bootstrap':
      return `\`${check.parameterName}\` is ${check.minimumVersion} or later`;
    case 'bucket':
      return check.existing ? `\`${check.bucket}\` exists in ${check.region} and is account ${check.account}'s` : `\`${check.bucket}\` is absent, or is account ${check.account}'s (a retained bucket is taken back)`;
    case 'quota':
      return `'${check.quotaName}' is at least ${check.needed} (${check.stages.join(', ')}${check.note ? `; ${check.note}` : ''})`;
    case 'image':
      return `\`${check.imageUri}\` exists (${check.stages.join(', ')})`;
    case 'role':
      return `\`${check.roleArn}\` exists and trusts \`${check.service}\``;
    case 'state-machine':
      return `no state machine \`${check.name}\`, or the one of stack \`${check.stackName}\``;
  }
}

/** The IAM actions the check calls (all read-only). */
export function actionsAsked(check: PlannedCheck): readonly string[] {
  switch (check.kind) {
    case 'identity':
      return ['sts:GetCallerIdentity'];
    case 'bootstrap':
      return ['ssm:GetParameter'];
    case 'bucket':
      return ['s3:ListBucket', 's3:ListAllMyBuckets'];
    case 'quota':
      return ['servicequotas:ListServiceQuotas', 'servicequotas:ListAWSDefaultServiceQuotas'];
    case 'image':
      return ['ecr:BatchGetImage'];
    case 'role':
      return ['iam:GetRole'];
    case 'state-machine':
      return ['states:DescribeStateMachine', 'cloudformation:DescribeStackResources'];
  }
}
