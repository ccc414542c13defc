/**
 * Runs the planned checks against AWS: the identity first (every other answer is about the account
 * the credentials belong to), then the rest at once.
 */
import type { EnvironmentPipeline } from '../construct/pipeline-model.js';
import type { AccountCheck } from './account-checks.js';
import type { DoctorClients } from './clients.js';
import { checkIdentity, identityFailure } from './checks/identity.js';
import { planChecks } from './plan.js';
import { skipped, type CheckResult, type DoctorReport } from './types.js';

/** How long the identity may take before doctor gives up (no credentials must answer within 5 s). */
export const IDENTITY_DEADLINE_MS = 4_000;

export type DoctorOutcome = { readonly kind: 'report'; readonly report: DoctorReport } | { readonly kind: 'no-credentials'; readonly message: string };

export async function runDoctor(target: EnvironmentPipeline, clients: DoctorClients): Promise<DoctorOutcome> {
  const [identityCheck, ...rest] = planChecks(target);
  if (identityCheck.kind !== 'identity') throw new Error('the plan starts with the identity check');
  const report = (checks: CheckResult[]): DoctorOutcome => ({
    kind: 'report',
    report: { environment: target.environment.name, account: target.environment.account, region: target.environment.region, checks },
  });
  const identity = await withDeadline(
    clients.credentials().then(
      async () => checkIdentity(identityCheck, await clients.sts()),
      (error: unknown) => identityFailure(identityCheck, error),
    ),
    IDENTITY_DEADLINE_MS,
  );
  if (identity === 'timeout') return { kind: 'no-credentials', message: `no answer from AWS STS within ${IDENTITY_DEADLINE_MS / 1000} s (credentials or network)` };
  if (identity.kind === 'no-credentials') return identity;
  if (!identity.sameAccount) {
    const why = identity.result.status === 'fail' ? "not asked: the credentials are not the environment account's" : "not asked: the credentials' account is unknown";
    return report([identity.result, ...rest.map((check) => skipped(check, why))]);
  }
  const [{ runAccountChecks }, account] = await Promise.all([import('./account-checks.js'), clients.account()]);
  return report([identity.result, ...(await runAccountChecks(rest as AccountCheck[], account))]);
}

async function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
