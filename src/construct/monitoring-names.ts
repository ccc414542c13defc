/** Names of the dashboard and the alarm, fixed by the model (no CDK import: the README states them too). */
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
