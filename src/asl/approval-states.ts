/**
 * An approval stage: the execution pauses on an SNS publish with `.waitForTaskToken` until a person
 * decides, then (when a register stage came before) records the decision on the registered version.
 *
 * Why a task token on the notifications topic: the person must be told anyway, and the token then
 * lives in two places only the project's principals read, the e-mail and the execution history
 * (the TaskScheduled event's parameters), so `legacy-mlops approve <execution>` finds it without a
 * table of its own. Approving sends SendTaskSuccess with `{decision, by, at, reason}`; rejecting
 * sends SendTaskFailure with the error `ApprovalRejected` and that JSON as its cause.
 */
import { APPROVAL_ATTRIBUTES, APPROVAL_REJECTED_ERROR, SNS_PUBLISH_WAIT_RESOURCE } from '../approval/approval-contract.js';
import { UPDATE_MODEL_PACKAGE_RESOURCE, taskResourceArn } from './task-resources.js';
import type { ResolvedPipeline, ResolvedStage } from '../model/types.js';
import { ERROR_PATH, stageResultPath } from './input-paths.js';
import { metricValuePath } from './metric-gate.js';
import { catchIntoFailState } from './task-common.js';
import { modelPackageArnPath } from './register-task.js';
import type { JsonObject, State, TaskState } from './types.js';

export { APPROVAL_ATTRIBUTES, APPROVAL_REJECTED_ERROR, SNS_PUBLISH_WAIT_RESOURCE };
const CALL_TIMEOUT_SECONDS = 300;

/** The topic approvals and failures are published to (named, so the policies can name it). */
export function notificationTopicName(pipeline: Pick<ResolvedPipeline, 'name'>): string {
  return `${pipeline.name}-notifications`;
}

export function notificationTopicArn(pipeline: Pick<ResolvedPipeline, 'name' | 'partition' | 'region' | 'account'>): string {
  return `arn:${pipeline.partition}:sns:${pipeline.region}:${pipeline.account}:${notificationTopicName(pipeline)}`;
}

export function approvalStateNames(stage: ResolvedStage) {
  const n = stage.name;
  return {
    ask: n,
    approveVersion: `${n}: approve version`,
    rejectVersion: `${n}: reject version`,
    rejected: `${n}: rejected`,
    timedOut: `${n}: no decision in time`,
  };
}

/**
 * The registry path (src/construct/registry-approvals.ts) is deployed when the approval decides a
 * registered version and the stack creates roles: the request says so.
 */
function registryLine(stage: ResolvedStage, pipeline: ResolvedPipeline): string[] {
  const register = pipeline.stages.find((s) => s.name === stage.approval?.registerStage);
  if (!register?.registry || pipeline.roles.bringYourOwn) return [];
  return register.registry.autoApprove
    ? [`Or reject the version in the SageMaker Model Registry, group ${register.registry.group}: the execution ends.`]
    : [`Or approve or reject the version in the SageMaker Model Registry, group ${register.registry.group}: the execution resumes.`];
}

/** Where the decision lands: `{decision, by, at, reason}`; a rejection's error lands in `.rejection`. */
export function decisionPath(stage: ResolvedStage): string {
  return stageResultPath(stage.name);
}

export function approvalStates(stage: ResolvedStage, pipeline: ResolvedPipeline, next: string | undefined): Record<string, State> {
  const approval = stage.approval;
  if (!approval) throw new Error(`stage '${stage.name}' is not an approval stage`);
  const names = approvalStateNames(stage);
  const result = decisionPath(stage);
  const versionPath = approval.registerStage ? modelPackageArnPath(approval.registerStage) : undefined;
  const evaluation = [...pipeline.stages.slice(0, pipeline.stages.indexOf(stage))].reverse().find((s) => s.kind === 'evaluation' && s.gate);
  const metric = evaluation?.gate ? { name: evaluation.gate.metric, path: metricValuePath(evaluation, evaluation.gate) } : undefined;
  const hours = Math.round((approval.timeoutSeconds / 3600) * 10) / 10;

  // States.Format: literal text may not hold braces, quotes or backslashes.
  const text = [
    `Pipeline ${pipeline.name}: execution {} waits for your approval at stage ${stage.name}.`,
    ...(versionPath ? ['Model package version: {}.'] : []),
    ...(metric ? [`${metric.name} on the evaluation data: {}.`] : []),
    'Approve: npx legacy-mlops approve {}',
    'Reject: npx legacy-mlops approve {} --reject --reason <why>',
    ...registryLine(stage, pipeline),
    `Without a decision within ${hours} hours the execution fails.`,
    'Task token, for aws stepfunctions send-task-success: {}',
  ].join(' ');
  const args = ['$$.Execution.Id', ...(versionPath ? [versionPath] : []), ...(metric ? [metric.path] : []), '$$.Execution.Id', '$$.Execution.Id', '$$.Task.Token'];
  const attribute = (value: string, isPath: boolean): JsonObject => ({ DataType: 'String', [isPath ? 'StringValue.$' : 'StringValue']: value });

  const after = versionPath ? names.approveVersion : next;
  const ask: TaskState = {
    Type: 'Task',
    Comment: `${stage.description} (waits up to ${approval.timeoutSeconds} s for legacy-mlops approve, or SendTaskSuccess/SendTaskFailure with the token)`,
    Resource: taskResourceArn(SNS_PUBLISH_WAIT_RESOURCE, pipeline.partition),
    Parameters: {
      TopicArn: notificationTopicArn(pipeline),
      Subject: `Approval needed: ${pipeline.name} ${stage.name}`.slice(0, 100),
      'Message.$': `States.Format('${text}', ${args.join(', ')})`,
      MessageAttributes: {
        [APPROVAL_ATTRIBUTES.token]: attribute('$$.Task.Token', true),
        [APPROVAL_ATTRIBUTES.stage]: attribute(stage.name, false),
        [APPROVAL_ATTRIBUTES.execution]: attribute('$$.Execution.Id', true),
        ...(versionPath ? { [APPROVAL_ATTRIBUTES.modelPackage]: attribute(versionPath, true) } : {}),
      },
    },
    // The contract of the decision; a SendTaskSuccess output without these fields fails the stage.
    ResultSelector: { 'decision.$': '$.decision', 'by.$': '$.by', 'at.$': '$.at', 'reason.$': '$.reason' },
    ResultPath: result,
    TimeoutSeconds: approval.timeoutSeconds,
    Catch: [
      { ErrorEquals: [APPROVAL_REJECTED_ERROR], ResultPath: `${result}.rejection`, Next: versionPath ? names.rejectVersion : names.rejected },
      { ErrorEquals: ['States.Timeout'], ResultPath: ERROR_PATH, Next: names.timedOut },
      ...catchIntoFailState(stage),
    ],
    ...(after ? { Next: after } : { End: true as const }),
  };
  const states: Record<string, State> = { [names.ask]: ask };
  if (versionPath) {
    const update = (status: 'Approved' | 'Rejected', description: string, to: string | undefined): TaskState => ({
      Type: 'Task',
      Comment: `Records the decision on the registered version (ModelApprovalStatus ${status}).`,
      Resource: taskResourceArn(UPDATE_MODEL_PACKAGE_RESOURCE, pipeline.partition),
      Parameters: { 'ModelPackageArn.$': versionPath, ModelApprovalStatus: status, 'ApprovalDescription.$': description },
      ResultPath: null,
      TimeoutSeconds: CALL_TIMEOUT_SECONDS,
      Catch: catchIntoFailState(stage),
      ...(to ? { Next: to } : { End: true as const }),
    });
    states[names.approveVersion] = update('Approved', `States.Format('Approved by {} at {}: {}', ${result}.by, ${result}.at, ${result}.reason)`, next);
    states[names.rejectVersion] = update('Rejected', `States.Format('Rejected: {}', ${result}.rejection.Cause)`, names.rejected);
  }
  states[names.rejected] = {
    Type: 'Fail',
    Comment: 'A person rejected the model; the cause says who, when and why.',
    Error: APPROVAL_REJECTED_ERROR,
    CausePath: `${result}.rejection.Cause`,
  };
  states[names.timedOut] = {
    Type: 'Fail',
    Comment: 'Nobody decided in time.',
    Error: 'ApprovalTimedOut',
    Cause: `nobody approved or rejected stage ${stage.name} within ${approval.timeoutSeconds} s; start a new execution to ask again`,
  };
  return states;
}
