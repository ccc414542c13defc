/** Who the credentials are, and whether that is the environment's account (STS GetCallerIdentity). */
import { GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts';
import type { IdentityCheck } from '../plan.js';
import { classifyAwsError, whyNotChecked } from '../aws-errors.js';
import { couldNotCheck, fail, pass, type CheckResult } from '../types.js';

export type IdentityAnswer =
  /** No credentials anywhere in the chain: doctor says so in one line and stops. */
  | { readonly kind: 'no-credentials'; readonly message: string }
  /** The other checks ask on behalf of `arn` only when `sameAccount`. */
  | { readonly kind: 'answered'; readonly result: CheckResult; readonly sameAccount: boolean };

export async function checkIdentity(check: IdentityCheck, sts: STSClient): Promise<IdentityAnswer> {
  try {
    const identity = await sts.send(new GetCallerIdentityCommand({}));
    if (identity.Account !== check.account) {
      return {
        kind: 'answered',
        sameAccount: false,
        result: fail(check, `signed in as ${identity.Arn} in account ${identity.Account}, not the environment's account ${check.account}`, `sign in to account ${check.account} (e.g. AWS_PROFILE=<its profile>), or pass --env <the environment of account ${identity.Account}>`),
      };
    }
    return { kind: 'answered', sameAccount: true, result: pass(check, `${identity.Arn} (account ${identity.Account})`) };
  } catch (error) {
    return identityFailure(check, error);
  }
}

/** No credentials, credentials AWS refuses, or no answer. */
export function identityFailure(check: IdentityCheck, error: unknown): IdentityAnswer {
  const problem = classifyAwsError(error);
  if (problem.kind === 'no-credentials') return { kind: 'no-credentials', message: problem.message };
  if (problem.kind === 'rejected-credentials') {
    return { kind: 'answered', sameAccount: false, result: fail(check, `AWS rejected the credentials (${problem.name}): ${problem.message.split('\n')[0]}`, 'sign in again (e.g. `aws sso login`) or refresh the access keys') };
  }
  return { kind: 'answered', sameAccount: false, result: couldNotCheck(check, whyNotChecked(error, 'sts:GetCallerIdentity')) };
}
