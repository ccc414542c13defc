/**
 * The CDK bootstrap stack of the project's qualifier, through the SSM parameter its templates'
 * `CheckBootstrapVersion` rule reads (`/cdk-bootstrap/<qualifier>/version`): it exists whatever the
 * bootstrap stack is named (`CDKToolkit` by default).
 */
import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { DEFAULT_CDK_QUALIFIER, type BootstrapCheck } from '../plan.js';
import { errorName, whyNotChecked } from '../aws-errors.js';
import { couldNotCheck, fail, pass, type CheckResult } from '../types.js';

export async function checkBootstrap(check: BootstrapCheck, ssm: SSMClient): Promise<CheckResult> {
  const command = `npx cdk bootstrap aws://${check.account}/${check.region}${check.qualifier === DEFAULT_CDK_QUALIFIER ? '' : ` --qualifier ${check.qualifier}`}`;
  let value: string | undefined;
  try {
    value = (await ssm.send(new GetParameterCommand({ Name: check.parameterName }))).Parameter?.Value;
  } catch (error) {
    if (errorName(error) === 'ParameterNotFound') {
      return fail(check, `account ${check.account} is not bootstrapped in ${check.region} for qualifier ${check.qualifier} (no SSM parameter ${check.parameterName})`, `run \`${command}\` with administrator credentials`);
    }
    return couldNotCheck(check, whyNotChecked(error, `ssm:GetParameter on ${check.parameterName}`));
  }
  const version = Number(value);
  if (!Number.isInteger(version)) return couldNotCheck(check, `${check.parameterName} holds '${value}', not a version number`);
  if (version < check.minimumVersion) {
    return fail(check, `bootstrap version ${version}; the templates need version ${check.minimumVersion} or later`, `run \`${command}\` again to upgrade the bootstrap stack`);
  }
  return pass(check, `version ${version} (${check.parameterName}; at least ${check.minimumVersion} needed)`);
}
