/**
 * The state machine's name is free in the account and region, or is this environment's stack's
 * (Step Functions names are unique per account and region: another one of that name makes the deploy fail).
 * Ownership comes from CloudFormation (DescribeStackResources by physical id, which for a state
 * machine is its ARN): stack-level tags do not propagate to every resource type.
 */
import { DescribeStackResourcesCommand, type CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { DescribeStateMachineCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { StateMachineCheck } from '../plan.js';
import { errorMessage, errorName, whyNotChecked } from '../aws-errors.js';
import { couldNotCheck, fail, pass, type CheckResult } from '../types.js';

export async function checkStateMachine(check: StateMachineCheck, sfn: SFNClient, cloudFormation: CloudFormationClient): Promise<CheckResult> {
  try {
    await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: check.arn }));
  } catch (error) {
    if (errorName(error) === 'StateMachineDoesNotExist') return pass(check, 'the name is free: the stack creates it');
    return couldNotCheck(check, whyNotChecked(error, `states:DescribeStateMachine on ${check.arn}`));
  }
  const rename = 'rename the project (name in .projenrc.ts), or delete that state machine';
  try {
    const { StackResources = [] } = await cloudFormation.send(new DescribeStackResourcesCommand({ PhysicalResourceId: check.arn }));
    const stack = StackResources[0]?.StackName;
    if (stack === check.stackName) return pass(check, `exists, deployed by this environment's stack ${stack}: the deploy updates it`);
    if (stack) return fail(check, `a state machine named ${check.name} already exists, deployed by stack ${stack}, not ${check.stackName}`, rename);
  } catch (error) {
    // CloudFormation answers ValidationError "Stack for <id> does not exist" for a resource no stack owns.
    if (!(errorName(error) === 'ValidationError' && /does not exist/i.test(errorMessage(error)))) {
      return couldNotCheck(check, `a state machine named ${check.name} exists; whose it is: ${whyNotChecked(error, 'cloudformation:DescribeStackResources')}`);
    }
  }
  return fail(check, `a state machine named ${check.name} already exists and no CloudFormation stack owns it`, rename);
}
