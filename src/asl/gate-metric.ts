/**
 * The gate's metric, published by the pipeline itself: once the report's metric is known to be a
 * number, one `cloudwatch:putMetricData` (AWS SDK integration) writes it to the pipeline's own
 * namespace, before the gate compares it. Every evaluated value is published, passing or not: a
 * failing model is the point on the graph people look for. The dashboard graphs this metric.
 */
import { PUT_METRIC_DATA_RESOURCE, taskResourceArn } from './task-resources.js';
import type { ResolvedMetricGate, ResolvedPipeline, ResolvedStage } from '../model/types.js';
import { ITEM_INPUT } from './input-paths.js';
import { catchIntoFailState } from './task-common.js';
import type { JsonObject, RetryRule, TaskState } from './types.js';

/** Dimension names of every datapoint (and `Item` inside a fan-out). */
export const GATE_METRIC_DIMENSIONS = { pipeline: 'Pipeline', stage: 'Stage', item: 'Item' } as const;
/** One small request: a minute is plenty. */
const PUBLISH_TIMEOUT_SECONDS = 60;

/**
 * CloudWatch's errors a retry can cure, named as Step Functions names AWS SDK errors (`<Service>.<error
 * of the API reference>` plus the `Exception` suffix): PutMetricData's InternalServiceFault (HTTP 500)
 * and the common Throttling and ServiceUnavailable errors (not observed on AWS). Invalid or missing
 * parameters and access denials fail the same way every time and are not retried.
 */
export const TRANSIENT_CLOUDWATCH_ERRORS: readonly string[] = [
  'CloudWatch.InternalServiceFaultException',
  'CloudWatch.ThrottlingException',
  'CloudWatch.ServiceUnavailableException',
];

/**
 * Retried a few times, then the stage fails like any other call of it. A retry after a lost answer adds
 * one more sample of the same value to the period: its average, minimum and maximum are unchanged.
 */
export const PUBLISH_RETRY: RetryRule = {
  ErrorEquals: [...TRANSIENT_CLOUDWATCH_ERRORS],
  IntervalSeconds: 2,
  MaxAttempts: 3,
  BackoffRate: 2,
  JitterStrategy: 'FULL',
};

/** The pipeline's own namespace (CloudWatch reserves `AWS/`; `/`, `-` and letters are allowed). */
export function gateMetricNamespace(pipeline: Pick<ResolvedPipeline, 'name'>): string {
  return `legacy-mlops/${pipeline.name}`;
}

/** The dimensions the dashboard reads: the pipeline and the evaluation stage. */
export function gateMetricDimensions(pipeline: Pick<ResolvedPipeline, 'name'>, stage: Pick<ResolvedStage, 'name'>): Record<string, string> {
  return { [GATE_METRIC_DIMENSIONS.pipeline]: pipeline.name, [GATE_METRIC_DIMENSIONS.stage]: stage.name };
}

/** `valuePath`: where the checked metric value is in the state data. */
export function publishGateMetricState(stage: ResolvedStage, gate: ResolvedMetricGate, pipeline: ResolvedPipeline, valuePath: string, next: string): TaskState {
  const dimensions = Object.entries(gateMetricDimensions(pipeline, stage)).map(([Name, Value]) => ({ Name, Value }));
  const datum = (extra: JsonObject[]): JsonObject => ({ MetricName: gate.metric, Dimensions: [...dimensions, ...extra], 'Value.$': valuePath, Unit: 'None' });
  // Inside a fan-out: one datapoint for the pipeline (what the dashboard graphs) and one per item.
  const data = pipeline.fanOut ? [datum([]), datum([{ Name: GATE_METRIC_DIMENSIONS.item, 'Value.$': ITEM_INPUT.itemId }])] : [datum([])];
  return {
    Type: 'Task',
    Comment: `Publishes ${gate.metric} to CloudWatch (${gateMetricNamespace(pipeline)}), passing or not: the dashboard graphs it over time.`,
    Resource: taskResourceArn(PUT_METRIC_DATA_RESOURCE, pipeline.partition),
    Parameters: { Namespace: gateMetricNamespace(pipeline), MetricData: data },
    ResultPath: null,
    TimeoutSeconds: PUBLISH_TIMEOUT_SECONDS,
    Retry: [PUBLISH_RETRY],
    Catch: catchIntoFailState(stage),
    Next: next,
  };
}
