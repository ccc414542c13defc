/** A bring-your-own role exists and its trust policy lets the service assume it (IAM GetRole). */
import { GetRoleCommand, type IAMClient } from '@aws-sdk/client-iam';
import type { RoleCheck } from '../plan.js';
import { errorName, whyNotChecked } from '../aws-errors.js';
import { couldNotCheck, fail, pass, type CheckResult } from '../types.js';

export async function checkRole(check: RoleCheck, iam: IAMClient): Promise<CheckResult> {
  let document: string | undefined;
  try {
    document = (await iam.send(new GetRoleCommand({ RoleName: check.roleName }))).Role?.AssumeRolePolicyDocument;
  } catch (error) {
    if (errorName(error) === 'NoSuchEntityException' || errorName(error) === 'NoSuchEntity') {
      return fail(check, `role ${check.roleArn} does not exist`, `create it (trusting ${check.service}; its policies are under pipeline/iam/) or correct ${check.option} in .projenrc.ts`);
    }
    return couldNotCheck(check, whyNotChecked(error, `iam:GetRole on ${check.roleName}`));
  }
  let policy: unknown;
  try {
    // IAM returns the trust policy URL-encoded.
    policy = JSON.parse(decodeURIComponent(document ?? ''));
  } catch {
    return couldNotCheck(check, `the trust policy of ${check.roleName} is not readable JSON`);
  }
  const trust = trustOf(policy, check.service);
  if (trust === 'none') {
    return fail(check, `role ${check.roleName} does not trust ${check.service} (no Allow of sts:AssumeRole for that service principal)`, `add a trust statement: Allow, Principal { "Service": "${check.service}" }, Action "sts:AssumeRole"`);
  }
  return pass(check, `exists and trusts ${check.service}${trust === 'conditional' ? ' (with conditions, not evaluated here)' : ''}`);
}

type Trust = 'none' | 'conditional' | 'unconditional';

/** Whether an Allow statement lets `service` call sts:AssumeRole; Deny statements are not weighed. */
export function trustOf(policy: unknown, service: string): Trust {
  const statements = asArray((policy as { Statement?: unknown } | undefined)?.Statement);
  let best: Trust = 'none';
  for (const s of statements as { Effect?: unknown; Principal?: unknown; Action?: unknown; Condition?: unknown }[]) {
    if (s?.Effect !== 'Allow') continue;
    const actions = asArray(s.Action).map(String);
    if (!actions.some((a) => a === '*' || a === 'sts:*' || a.toLowerCase() === 'sts:assumerole')) continue;
    const services = asArray((s.Principal as { Service?: unknown } | undefined)?.Service).map(String);
    // China's partition also names service principals with .amazonaws.com.cn.
    if (!services.some((p) => p === service || p === `${service}.cn`)) continue;
    const conditional = s.Condition !== undefined && Object.keys(s.Condition as object).length > 0;
    if (!conditional) return 'unconditional';
    best = 'conditional';
  }
  return best;
}

function asArray(value: unknown): unknown[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}
