/**
 * CloudWatch PutMetricData in a local run: each datapoint is appended to
 * `.local/metrics/<namespace>/<metric>.jsonl` (kept across runs, like the metric in CloudWatch), with
 * the execution that published it, so a series of local runs shows the gate's metric over time.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { LOCAL_METRICS_DIR } from '../../model/repo-layout.js';
import { TaskError } from '../errors.js';
import { asObject, callEmulator } from './call-emulator.js';

/** One datapoint as the local store keeps it. */
export interface LocalDatapoint {
  readonly timestamp: string;
  readonly execution: string;
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly value: number;
  readonly unit: string;
}

/** CloudWatch's own namespace rule (botocore: 1-255 characters, not starting with ':'); `AWS/` is reserved. */
const NAMESPACE = /^[^:][^\0]{0,254}$/;

/** Where a metric's datapoints are kept; the namespace's `/` become folders. */
export function localMetricFile(repoRoot: string, namespace: string, metricName: string): string {
  return join(repoRoot, LOCAL_METRICS_DIR, ...namespace.split('/'), `${metricName}.jsonl`);
}

export const putMetricDataEmulator = callEmulator('CloudWatch PutMetricData (local metrics under .local/metrics)', (request, state, run) => {
  const namespace = String(request.Namespace ?? '');
  if (!NAMESPACE.test(namespace) || namespace.startsWith('AWS/') || namespace.split('/').some((part) => part === '..' || part === '.' || part === '')) {
    throw new TaskError('CloudWatch.InvalidParameterValueException', `Namespace '${namespace}' is not one a pipeline may publish to`);
  }
  const data = Array.isArray(request.MetricData) ? request.MetricData.map(asObject) : [];
  const at = new Date().toISOString();
  for (const datum of data) {
    const metricValue = datum.Value;
    if (typeof metricValue !== 'number' || !Number.isFinite(metricValue)) {
      throw new TaskError('CloudWatch.InvalidParameterValueException', `The value ${JSON.stringify(metricValue)} of ${String(datum.MetricName)} is not a number`);
    }
    const dimensions = Object.fromEntries((Array.isArray(datum.Dimensions) ? datum.Dimensions : []).map(asObject).map((d) => [String(d.Name), String(d.Value)]));
    const point: LocalDatapoint = { timestamp: at, execution: run.executionName, namespace, metricName: String(datum.MetricName), dimensions, value: metricValue, unit: String(datum.Unit ?? 'None') };
    const file = localMetricFile(run.repoRoot, namespace, point.metricName);
    mkdirSync(join(file, '..'), { recursive: true });
    appendFileSync(file, `${JSON.stringify(point)}\n`);
    const shown = Object.entries(dimensions).map(([k, v]) => `${k}=${v}`).join(', ');
    run.log(`  ${state.name}: ${point.metricName} = ${metricValue} (${shown}) → ${join(LOCAL_METRICS_DIR, ...namespace.split('/'), `${point.metricName}.jsonl`)}`);
  }
  return {};
});
