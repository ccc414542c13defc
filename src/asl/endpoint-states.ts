/**
 * An endpoint stage: a new endpoint config for the model stage's model, then CreateEndpoint the first
 * time or UpdateEndpoint after that (the endpoint keeps its name across executions), then a bounded
 * Wait/DescribeEndpoint/Choice loop until it is InService.
 *
 * Whether the endpoint exists is asked with ListEndpoints rather than by catching DescribeEndpoint's
 * error: SageMaker does not model that error, so its name in Step Functions is not one the docs
 * promise. NameContains also lists longer names, so the Choice matches the exact `"EndpointName":"<name>"`
 * in the compact JSON of the list (names hold no `*`, `\` or quotes); an empty list matches nothing,
 * where a `[*]` path over it would not point to a value.
 */
import { CREATE_ENDPOINT_CONFIG_RESOURCE, CREATE_ENDPOINT_RESOURCE, UPDATE_ENDPOINT_RESOURCE, LIST_ENDPOINTS_RESOURCE, DESCRIBE_ENDPOINT_RESOURCE, taskResourceArn, type TaskResource } from './task-resources.js';
import type { ResolvedPipeline, ResolvedStage } from '../model/types.js';
import { modelNamePath, stageResultPath, stageSettingPath } from './input-paths.js';
import { TRANSIENT_SAGEMAKER_RETRY, catchIntoFailState, jobNameExpression, stageTags } from './task-common.js';
import type { State, TaskState } from './types.js';

/** Statuses that still move; anything else but InService (Failed, OutOfService, RollingBack, Deleting…) ends the stage. */
const TRANSITIONAL_STATUSES = ['Creating', 'Updating', 'SystemUpdating'];
const CALL_TIMEOUT_SECONDS = 300;
export const ENDPOINT_VARIANT = 'AllTraffic';

export function endpointStateNames(stage: ResolvedStage) {
  const n = stage.name;
  return {
    config: n,
    find: `${n}: find endpoint`,
    decide: `${n}: create or update?`,
    create: `${n}: create endpoint`,
    update: `${n}: update endpoint`,
    startWaiting: `${n}: start waiting`,
    wait: `${n}: wait`,
    status: `${n}: status`,
    inService: `${n}: in service?`,
    count: `${n}: count check`,
    again: `${n}: check again?`,
    failed: `${n}: endpoint failed`,
    timedOut: `${n}: not in service in time`,
  };
}

export function endpointStates(stage: ResolvedStage, pipeline: ResolvedPipeline, next: string): Record<string, State> {
  const endpoint = stage.endpoint;
  if (!endpoint || !stage.modelStage) throw new Error(`stage '${stage.name}' is not an endpoint stage`);
  const names = endpointStateNames(stage);
  const result = stageResultPath(stage.name);
  const call = (resource: TaskResource, rest: Omit<TaskState, 'Type' | 'Resource' | 'TimeoutSeconds' | 'Catch'>): TaskState => ({
    Type: 'Task',
    Resource: taskResourceArn(resource, pipeline.partition),
    TimeoutSeconds: CALL_TIMEOUT_SECONDS,
    Catch: catchIntoFailState(stage),
    ...rest,
  });
  const deploy = (resource: TaskResource, withTags: boolean): TaskState =>
    call(resource, {
      Parameters: {
        EndpointName: endpoint.name,
        'EndpointConfigName.$': `${result}.config.name`,
        ...(withTags ? { Tags: stageTags(stage, pipeline) } : {}),
      },
      ResultSelector: { 'endpointArn.$': '$.EndpointArn' },
      ResultPath: `${result}.deploy`,
      Retry: [TRANSIENT_SAGEMAKER_RETRY],
      Next: names.startWaiting,
    });
  const status = `${result}.status`;
  return {
    [names.config]: call(CREATE_ENDPOINT_CONFIG_RESOURCE, {
      Comment: `${stage.description} (endpoint ${endpoint.name} serving the model of stage ${stage.modelStage})`,
      Parameters: {
        'EndpointConfigName.$': jobNameExpression(stage),
        ProductionVariants: [
          {
            VariantName: ENDPOINT_VARIANT,
            'ModelName.$': modelNamePath(stage.modelStage),
            'InstanceType.$': stageSettingPath(stage.name, 'instanceType'),
            'InitialInstanceCount.$': stageSettingPath(stage.name, 'instanceCount'),
            InitialVariantWeight: 1,
          },
        ],
        Tags: stageTags(stage, pipeline),
      },
      // The name is the ARN's last segment (lower-case, like ours).
      ResultSelector: { 'arn.$': '$.EndpointConfigArn', 'name.$': "States.ArrayGetItem(States.StringSplit($.EndpointConfigArn, '/'), 1)" },
      ResultPath: `${result}.config`,
      Retry: [TRANSIENT_SAGEMAKER_RETRY],
      Next: names.find,
    }),
    [names.find]: call(LIST_ENDPOINTS_RESOURCE, {
      Comment: `Lists endpoints whose name contains ${endpoint.name}; the exact name decides create or update.`,
      Parameters: { NameContains: endpoint.name, MaxResults: 100 },
      ResultSelector: { 'endpoints.$': 'States.JsonToString($.Endpoints)' },
      ResultPath: `${result}.lookup`,
      Next: names.decide,
    }),
    [names.decide]: {
      Type: 'Choice',
      Choices: [{ Variable: `${result}.lookup.endpoints`, StringMatches: `*"EndpointName":"${endpoint.name}"*`, Next: names.update }],
      Default: names.create,
    },
    [names.create]: deploy(CREATE_ENDPOINT_RESOURCE, true),
    [names.update]: deploy(UPDATE_ENDPOINT_RESOURCE, false),
    [names.startWaiting]: { Type: 'Pass', Result: { count: 0 }, ResultPath: `${result}.checks`, Next: names.wait },
    [names.wait]: { Type: 'Wait', Seconds: endpoint.intervalSeconds, Next: names.status },
    [names.status]: call(DESCRIBE_ENDPOINT_RESOURCE, {
      Parameters: { EndpointName: endpoint.name },
      ResultSelector: { 'status.$': '$.EndpointStatus', 'description.$': 'States.JsonToString($)' },
      ResultPath: status,
      Next: names.inService,
    }),
    [names.inService]: {
      Type: 'Choice',
      Choices: [
        { Variable: `${status}.status`, StringEquals: 'InService', Next: next },
        ...TRANSITIONAL_STATUSES.map((s) => ({ Variable: `${status}.status`, StringEquals: s, Next: names.count })),
      ],
      Default: names.failed,
    },
    [names.count]: {
      Type: 'Pass',
      Parameters: { 'count.$': `States.MathAdd(${result}.checks.count, 1)` },
      ResultPath: `${result}.checks`,
      Next: names.again,
    },
    [names.again]: {
      Type: 'Choice',
      Choices: [{ Variable: `${result}.checks.count`, NumericLessThan: endpoint.maxAttempts, Next: names.wait }],
      Default: names.timedOut,
    },
    [names.failed]: {
      Type: 'Fail',
      Comment: 'DescribeEndpoint reported a status that will not become InService; the cause is its description (FailureReason).',
      Error: 'EndpointFailed',
      CausePath: `${status}.description`,
    },
    [names.timedOut]: {
      Type: 'Fail',
      Error: 'EndpointNotInService',
      Cause: `endpoint ${endpoint.name} was not InService after ${endpoint.maxAttempts} checks ${endpoint.intervalSeconds} s apart`,
    },
  };
}
