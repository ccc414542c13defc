/** The fan-out option: defaults and checks. Pure; problems are reported, never thrown. */
import type { FanOutItemsSource, FanOutOptions, ResolvedFanOut, StageOptions } from './types.js';

export const FAN_OUT_ITEM_SOURCES: readonly FanOutItemsSource[] = ['input', 's3', 's3-prefix'];

/** Items running at once unless the model says otherwise: safe under a new account's SageMaker job quotas. */
export const DEFAULT_FAN_OUT_CONCURRENCY = 5;
/** A Distributed Map runs at most 10,000 child executions at once. */
export const FAN_OUT_CONCURRENCY_MAX = 10_000;
/** Item ids become S3 key segments and tag values: letters, digits, '.', '_' and '-'. */
export const ITEM_ID_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$';

export function resolveFanOut(
  options: FanOutOptions | undefined,
  stages: readonly StageOptions[],
  report: (path: string, message: string) => void,
): ResolvedFanOut | undefined {
  if (options === undefined) return undefined;
  const o = (options ?? {}) as FanOutOptions;
  const maxConcurrency = o.maxConcurrency ?? DEFAULT_FAN_OUT_CONCURRENCY;
  if (!Number.isInteger(maxConcurrency) || maxConcurrency < 1 || maxConcurrency > FAN_OUT_CONCURRENCY_MAX) {
    report('fanOut.maxConcurrency', `${maxConcurrency} must be a whole number of items from 1 to ${FAN_OUT_CONCURRENCY_MAX} (SageMaker's job quotas are the real limit: start low)`);
  }
  const toleratedFailurePercentage = o.toleratedFailurePercentage ?? 0;
  if (typeof toleratedFailurePercentage !== 'number' || !(toleratedFailurePercentage >= 0 && toleratedFailurePercentage <= 100)) {
    report('fanOut.toleratedFailurePercentage', `${toleratedFailurePercentage} must be a percentage from 0 (any failed item fails the execution) to 100 (never)`);
  }
  const itemsFrom = o.itemsFrom ?? 'input';
  if (!(FAN_OUT_ITEM_SOURCES as readonly string[]).includes(itemsFrom)) report('fanOut.itemsFrom', `'${String(itemsFrom)}' must be 'input' (the execution input's items), 's3' (a JSON array in S3) or 's3-prefix' (one item per object under the raw-data prefix)`);
  // One endpoint name is stable across executions: every item would update the same endpoint.
  stages.forEach((stage, index) => {
    if (stage?.kind === 'endpoint') {
      report(`stages[${index}] (${stage.name}).kind`, 'a fan-out runs the stages once per item, and an endpoint stage would update one endpoint from every item; remove the endpoint stage or the fan-out');
    }
  });
  return { maxConcurrency, toleratedFailurePercentage, itemsFrom };
}
