/**
 * The checks asked once the credentials are known to be the environment account's. A module of its
 * own so that its SDK clients load only then (doctor without credentials answers in one line, fast).
 */
import type { AccountClients } from './clients.js';
import { checkBootstrap } from './checks/bootstrap.js';
import { checkBucket } from './checks/bucket.js';
import { checkImage } from './checks/images.js';
import { checkQuota, SageMakerQuotas } from './checks/quotas.js';
import { checkRole } from './checks/roles.js';
import { checkStateMachine } from './checks/state-machine.js';
import type { PlannedCheck } from './plan.js';
import type { CheckResult } from './types.js';

export type AccountCheck = Exclude<PlannedCheck, { kind: 'identity' }>;

/** Every check at once; the SageMaker quota listings are read once for all quota checks. */
export function runAccountChecks(checks: readonly AccountCheck[], clients: AccountClients): Promise<CheckResult[]> {
  const quotas = new SageMakerQuotas(clients.serviceQuotas);
  return Promise.all(checks.map((check) => runCheck(check, clients, quotas)));
}

function runCheck(check: AccountCheck, clients: AccountClients, quotas: SageMakerQuotas): Promise<CheckResult> {
  switch (check.kind) {
    case 'bootstrap':
      return checkBootstrap(check, clients.ssm);
    case 'bucket':
      return checkBucket(check, clients.s3);
    case 'quota':
      return checkQuota(check, quotas);
    case 'image':
      return checkImage(check, clients.ecr(check.region));
    case 'role':
      return checkRole(check, clients.iam);
    case 'state-machine':
      return checkStateMachine(check, clients.sfn, clients.cloudFormation);
  }
}
