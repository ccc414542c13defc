/**
 * What the state machine itself needs beyond its Tasks: it is a STANDARD workflow that logs ALL
 * events to CloudWatch Logs and traces with X-Ray. These APIs have no resource-level permissions,
 * so the resource is `*` (the actions stay explicit).
 * Source: the Step Functions guide on logging to CloudWatch Logs and on X-Ray tracing.
 */
import type { Permission } from './types.js';

const LOG_DELIVERY_ACTIONS = [
  'logs:CreateLogDelivery',
  'logs:GetLogDelivery',
  'logs:UpdateLogDelivery',
  'logs:DeleteLogDelivery',
  'logs:ListLogDeliveries',
  'logs:PutResourcePolicy',
  'logs:DescribeResourcePolicies',
  'logs:DescribeLogGroups',
];

const XRAY_ACTIONS = ['xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'xray:GetSamplingRules', 'xray:GetSamplingTargets'];

export function stateMachineFeaturePermissions(): Permission[] {
  const unscoped = (sid: string, actions: string[]): Permission => ({
    sid,
    actions,
    resources: ['*'],
    calls: actions.map((action) => ({ action, resource: '*' })),
  });
  return [unscoped('StateMachineLogDelivery', LOG_DELIVERY_ACTIONS), unscoped('StateMachineXRayTracing', XRAY_ACTIONS)];
}
