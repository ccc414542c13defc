/**
 * SageMaker instance quotas (Service Quotas, service code `sagemaker`): one quota per instance type
 * and job kind, matched by name. A new account often has 0 for most types, the most common reason a
 * first run fails (ResourceLimitExceeded).
 *
 * ListServiceQuotas gives the account's applied values; a quota it does not list (no applied value
 * is available) has its default value, from ListAWSDefaultServiceQuotas. Both are read once per run.
 */
import { ListAWSDefaultServiceQuotasCommand, ListServiceQuotasCommand, type ServiceQuota, type ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import type { QuotaCheck } from '../plan.js';
import { whyNotChecked } from '../aws-errors.js';
import { couldNotCheck, fail, pass, type CheckResult } from '../types.js';

export const SAGEMAKER_SERVICE_CODE = 'sagemaker';
/** Pages read per listing (100 quotas each; SageMaker has about 1,500 today). */
const MAX_PAGES = 40;

type Listing = { readonly ok: true; readonly quotas: ReadonlyMap<string, ServiceQuota> } | { readonly ok: false; readonly why: string };

/** The two listings of the region's SageMaker quotas, each fetched on first use and shared by every quota check. */
export class SageMakerQuotas {
  private applied?: Promise<Listing>;
  private defaults?: Promise<Listing>;

  constructor(private readonly client: ServiceQuotasClient) {}

  appliedQuotas(): Promise<Listing> {
    return (this.applied ??= this.list('applied'));
  }

  defaultQuotas(): Promise<Listing> {
    return (this.defaults ??= this.list('default'));
  }

  private async list(which: 'applied' | 'default'): Promise<Listing> {
    const quotas = new Map<string, ServiceQuota>();
    let token: string | undefined;
    try {
      for (let page = 0; page < MAX_PAGES; page++) {
        const input = { ServiceCode: SAGEMAKER_SERVICE_CODE, MaxResults: 100, NextToken: token };
        const answer = await this.client.send(which === 'applied' ? new ListServiceQuotasCommand(input) : new ListAWSDefaultServiceQuotasCommand(input));
        for (const quota of answer.Quotas ?? []) if (quota.QuotaName) quotas.set(quota.QuotaName, quota);
        token = answer.NextToken;
        if (!token) break;
      }
    } catch (error) {
      return { ok: false, why: whyNotChecked(error, `servicequotas:${which === 'applied' ? 'ListServiceQuotas' : 'ListAWSDefaultServiceQuotas'}`) };
    }
    return { ok: true, quotas };
  }
}

export async function checkQuota(check: QuotaCheck, quotas: SageMakerQuotas): Promise<CheckResult> {
  const applied = await quotas.appliedQuotas();
  if (!applied.ok) return couldNotCheck(check, applied.why);
  let quota = applied.quotas.get(check.quotaName);
  let source = 'applied';
  if (quota?.Value === undefined) {
    const defaults = await quotas.defaultQuotas();
    if (!defaults.ok) return couldNotCheck(check, `no applied value listed, and ${defaults.why}`);
    quota = defaults.quotas.get(check.quotaName) ?? quota;
    source = 'default';
  }
  if (!quota) {
    return couldNotCheck(check, `Service Quotas lists no quota '${check.quotaName}' in ${check.region}: ${check.instanceType} may not be offered there for ${check.usage} (stages ${check.stages.join(', ')})`);
  }
  if (quota.Value === undefined) {
    return couldNotCheck(check, `Service Quotas has no value for '${check.quotaName}'${quota.ErrorReason ? ` (${quota.ErrorReason.ErrorCode}: ${quota.ErrorReason.ErrorMessage})` : ''}`);
  }
  const value = quota.Value;
  const stages = `stage${check.stages.length > 1 ? 's' : ''} ${check.stages.join(', ')}`;
  if (value < check.needed) {
    const request = quota.QuotaCode
      ? `aws service-quotas request-service-quota-increase --region ${check.region} --service-code ${SAGEMAKER_SERVICE_CODE} --quota-code ${quota.QuotaCode} --desired-value ${check.needed}`
      : `request '${check.quotaName}' of at least ${check.needed} in the Service Quotas console (${check.region})`;
    const note = check.note ? ` (${check.note})` : '';
    return fail(check, `quota is ${value} (${source}), ${stages} need${check.stages.length > 1 ? '' : 's'} ${check.needed} instance${check.needed > 1 ? 's' : ''}${note}`, `${request}, or use an instance type with quota`);
  }
  return pass(check, `quota ${value} (${source}) ≥ ${check.needed} needed by ${stages}${check.note ? `, as ${check.note}` : ''} (running jobs of other pipelines count too)`);
}
