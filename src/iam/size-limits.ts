/**
 * IAM size quotas the documents must fit (IAM User Guide, "IAM and AWS STS quotas"): sizes count
 * characters without whitespace. A managed policy holds 6,144 (an inline one fits in the role's
 * 10,240 aggregate too); a role trust policy holds 2,048 by default.
 */
export const POLICY_SIZE_MAX = 6144;
export const TRUST_POLICY_SIZE_MAX = 2048;

export function policySize(document: unknown): number {
  return JSON.stringify(document).replace(/\s/g, '').length;
}

/** Throws a clear error at generation time instead of a failed deployment. */
export function checkSize<T>(document: T, max: number, what: string): T {
  const size = policySize(document);
  if (size > max) throw new Error(`${what} is ${size} characters, over IAM's ${max}; the pipeline has too many stages for one policy`);
  return document;
}
