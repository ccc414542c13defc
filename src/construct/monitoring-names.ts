/** Names of the dashboard and the alarm, and the alarm's rule, fixed by the model (no CDK import: the README states them too). */
import type { ResolvedPipeline } from '../model/types.js';

/** Names the policies can state before the resources exist (no token, no dependency cycle). */
export function dashboardName(pipeline: Pick<ResolvedPipeline, 'name'>): string {
  return pipeline.name;
}

export function failedExecutionsAlarmName(pipeline: Pick<ResolvedPipeline, 'name'>): string {
  return `${pipeline.name}-failed-executions`;
}

export function failedExecutionsAlarmArn(pipeline: Pick<ResolvedPipeline, 'name' | 'partition' | 'region' | 'account'>): string {
  return `arn:${pipeline.partition}:cloudwatch:${pipeline.region}:${pipeline.account}:alarm:${failedExecutionsAlarmName(pipeline)}`;
}

/**
 * When the failed-executions alarm goes off: failed or timed-out executions in at least
 * `datapointsToAlarm` of the `evaluationPeriods` five-minute periods of the last 24 hours.
 *
 * Why not on the first failure: the execution-status rule already sends one message per failed
 * execution, naming it; an alarm that also fired on each failure sent every failure twice. The alarm
 * says something the rule cannot: the pipeline keeps failing (a re-run failed too, or the schedule
 * failed again), once, when it turns red.
 */
export const FAILED_EXECUTIONS_ALARM = { periodMinutes: 5, evaluationPeriods: 288, datapointsToAlarm: 2 } as const;
