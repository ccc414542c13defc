/**
 * Rows of the integration table for calls that start no job: CreateModel, the endpoint calls, the S3
 * GetObject of a metric report and the CloudWatch PutMetricData of a gate's metric. Sources: the Step
 * Functions guide "IAM policies for Amazon SageMaker AI" (CreateModel and PassRole,
 * CreateEndpointConfig, CreateEndpoint, UpdateEndpoint), the Service Authorization Reference
 * (CreateEndpoint and UpdateEndpoint act on the endpoint and its config; ListEndpoints has no resource
 * type; PutMetricData has none either, only the `cloudwatch:namespace` condition key), SageMaker's
 * CreateModel execution-role permissions (read the model artifact, pull the image) and its CloudWatch
 * guide (endpoint log groups and metrics).
 */
import { stageResultPath } from '../asl/input-paths.js';
import { CREATE_ENDPOINT_CONFIG_RESOURCE, CREATE_ENDPOINT_RESOURCE, CREATE_MODEL_RESOURCE, DESCRIBE_ENDPOINT_RESOURCE, LIST_ENDPOINTS_RESOURCE, PUT_METRIC_DATA_RESOURCE, S3_GET_OBJECT_RESOURCE, UPDATE_ENDPOINT_RESOURCE } from '../asl/task-resources.js';
import { gateMetricNamespace } from '../asl/gate-metric.js';
import { createModelFromVersionPermissions } from './promotion-integrations.js';
import type { ResolvedPipeline } from '../model/types.js';
import { literal, s3ObjectArn, sageMakerAccountArnPattern, sageMakerArn } from './arns.js';
import { asObject, passRole, passedRoleArn, publishMetrics, pullImage, readPrefix, sageMakerActions, writeLogs } from './grants.js';
import { imageRepositoryArnOf } from './image-repository.js';
import { jobNameOf, jobNamePattern, sampleJobName, stageJobName } from './job-name.js';
import type { TaskContext, TaskIntegration } from './types.js';
import { s3ObjectOf, s3PrefixOf } from './s3-locations.js';
import type { TaskResource } from '../asl/task-resources.js';

/** Endpoints log to a group per endpoint, and publish instance metrics under this namespace. */
const ENDPOINT_LOG_GROUP_PREFIX = '/aws/sagemaker/Endpoints/';
const ENDPOINT_METRIC_NAMESPACE = '/aws/sagemaker/Endpoints';

/** A name computed with States.Format('<prefix>-{}', <suffix>): its pattern and a sample. */
function uniqueName(task: TaskContext, parameter: string, arnType: string) {
  const where = `Task '${task.state}'`;
  const name = jobNameOf(task.parameters[`${parameter}.$`] ?? task.parameters[parameter], `${where}: ${parameter}`);
  return {
    pattern: sageMakerArn(task.pipeline, arnType, jobNamePattern(name)),
    sample: sageMakerArn(task.pipeline, arnType, sampleJobName(name, task.samples.jobId)),
  };
}

/** The endpoint a call names: a literal, stable across executions (created once, then updated). */
function endpointOf(task: TaskContext): { name: string; arn: string } {
  const name = task.parameters.EndpointName;
  if (typeof name !== 'string') throw new Error(`Task '${task.state}': EndpointName must be a literal endpoint name to scope the endpoint permissions`);
  return { name, arn: sageMakerArn(task.pipeline, 'endpoint', literal(name, `Task '${task.state}': EndpointName`)) };
}

/** CreateEndpoint/UpdateEndpoint read the endpoint config a stage created: `$.results.<key>.config.name` → that stage's name pattern. */
function endpointConfigOf(task: TaskContext): { pattern: string; sample: string } {
  const path = task.parameters['EndpointConfigName.$'];
  const stage = task.pipeline.stages.find((s) => `${stageResultPath(s.name)}.config.name` === path);
  if (!stage) throw new Error(`Task '${task.state}': EndpointConfigName.$ reads ${JSON.stringify(path)}, which is no endpoint stage's config`);
  return {
    pattern: sageMakerArn(task.pipeline, 'endpoint-config', jobNamePattern(stageJobName(stage))),
    sample: sageMakerArn(task.pipeline, 'endpoint-config', sampleJobName(stageJobName(stage), task.samples.jobId)),
  };
}

const createModel: TaskIntegration = {
  description: 'SageMaker CreateModel (a model artifact with its serving image, or an approved version of it)',
  permissions(task) {
    const where = `Task '${task.state}'`;
    const model = uniqueName(task, 'ModelName', 'model');
    const container = asObject(task.parameters.PrimaryContainer);
    if ('ModelPackageName.$' in container) {
      // A version of the registry: its image and artifact are the model stage's, granted by that stage's own CreateModel.
      return {
        stateMachineRole: [
          sageMakerActions('SageMakerModels', ['CreateModel', 'AddTags', 'ListTags'], model.pattern, model.sample),
          passRole(passedRoleArn(task.parameters, 'ExecutionRoleArn', task.pipeline, where)),
          ...createModelFromVersionPermissions(task.pipeline, container['ModelPackageName.$'], where),
        ],
        sageMakerExecutionRole: [],
        executionRoleSourceArns: [sageMakerAccountArnPattern(task.pipeline)],
      };
    }
    const artifact = s3PrefixOf(container, 'ModelDataUrl', task.pipeline, task.samples.executionName, `${where}: PrimaryContainer.ModelDataUrl`);
    return {
      stateMachineRole: [
        // AddTags: the request carries Tags. ListTags: the Step Functions guide grants it for every SageMaker integration.
        sageMakerActions('SageMakerModels', ['CreateModel', 'AddTags', 'ListTags'], model.pattern, model.sample),
        passRole(passedRoleArn(task.parameters, 'ExecutionRoleArn', task.pipeline, where)),
      ],
      // What the model's role does when a transform job or an endpoint loads the model.
      sageMakerExecutionRole: [
        readPrefix(task.pipeline.partition, artifact, 'ReadModelArtifacts'),
        ...pullImage(imageRepositoryArnOf(container, 'Image', task.pipeline, where)),
      ],
      // Which ARN SageMaker presents when it assumes a model's role (for CreateModel, a transform job
      // or an endpoint) is not documented: AWS's advice is the account-wide pattern (see trust-policy.ts).
      executionRoleSourceArns: [sageMakerAccountArnPattern(task.pipeline)],
    };
  },
};

const createEndpointConfig: TaskIntegration = {
  description: 'SageMaker CreateEndpointConfig',
  permissions(task) {
    const config = uniqueName(task, 'EndpointConfigName', 'endpoint-config');
    return {
      stateMachineRole: [sageMakerActions('SageMakerEndpointConfigs', ['CreateEndpointConfig', 'AddTags', 'ListTags'], config.pattern, config.sample)],
      sageMakerExecutionRole: [],
      executionRoleSourceArns: [],
    };
  },
};

/** CreateEndpoint and UpdateEndpoint: one statement for both (the same endpoint, any config of the stage). */
function deployEndpoint(description: string): TaskIntegration {
  return {
    description,
    permissions(task) {
      const endpoint = endpointOf(task);
      const config = endpointConfigOf(task);
      const actions = ['CreateEndpoint', 'UpdateEndpoint', 'AddTags', 'ListTags'];
      const full = actions.map((a) => `sagemaker:${a}`);
      return {
        stateMachineRole: [
          {
            sid: 'SageMakerEndpoints',
            actions: full,
            resources: [endpoint.arn, config.pattern],
            calls: full.flatMap((action) => [
              { action, resource: endpoint.arn },
              ...(action === 'sagemaker:AddTags' || action === 'sagemaker:ListTags' ? [] : [{ action, resource: config.sample }]),
            ]),
          },
        ],
        // The endpoint's instances run as the model's role: they log and publish metrics.
        sageMakerExecutionRole: [
          writeLogs('WriteEndpointLogs', task.pipeline, `${ENDPOINT_LOG_GROUP_PREFIX}${endpoint.name}`, 'AllTraffic/i-0123456789abcdef0'),
          publishMetrics('PublishEndpointMetrics', ENDPOINT_METRIC_NAMESPACE),
        ],
        executionRoleSourceArns: [sageMakerAccountArnPattern(task.pipeline)],
      };
    },
  };
}

const describeEndpoint: TaskIntegration = {
  description: 'SageMaker DescribeEndpoint (AWS SDK), polled until the endpoint is InService',
  permissions(task) {
    const endpoint = endpointOf(task);
    return {
      stateMachineRole: [sageMakerActions('DescribeEndpoints', ['DescribeEndpoint'], endpoint.arn, endpoint.arn)],
      sageMakerExecutionRole: [],
      executionRoleSourceArns: [],
    };
  },
};

const listEndpoints: TaskIntegration = {
  description: 'SageMaker ListEndpoints (AWS SDK): does the endpoint exist yet?',
  permissions() {
    // ListEndpoints has no resource-level permissions.
    return {
      stateMachineRole: [{ sid: 'ListEndpoints', actions: ['sagemaker:ListEndpoints'], resources: ['*'], calls: [{ action: 'sagemaker:ListEndpoints', resource: '*' }] }],
      sageMakerExecutionRole: [],
      executionRoleSourceArns: [],
    };
  },
};

const getReport: TaskIntegration = {
  description: 'S3 GetObject (AWS SDK) of a report a stage wrote',
  permissions(task) {
    const object = s3ObjectOf(task.parameters, task.pipeline, task.samples.executionName, `Task '${task.state}'`);
    const { partition } = task.pipeline as ResolvedPipeline;
    return {
      stateMachineRole: [
        {
          sid: 'ReadStageReports',
          actions: ['s3:GetObject'],
          resources: [s3ObjectArn(partition, object.bucket, object.keyPattern)],
          calls: [{ action: 's3:GetObject', resource: s3ObjectArn(partition, object.bucket, object.sampleKey) }],
        },
      ],
      sageMakerExecutionRole: [],
      executionRoleSourceArns: [],
    };
  },
};

/**
 * CloudWatch PutMetricData has no resource-level permissions; its `cloudwatch:namespace` condition key
 * (Service Authorization Reference) keeps the role to the pipeline's own namespace. The namespace must
 * be the literal one the pipeline owns, so the grant cannot be widened by editing the request.
 */
const publishGateMetric: TaskIntegration = {
  description: 'CloudWatch PutMetricData (AWS SDK) of the metric a gate compared',
  permissions(task) {
    const namespace = task.parameters.Namespace;
    const own = gateMetricNamespace(task.pipeline);
    if (namespace !== own) throw new Error(`Task '${task.state}': Namespace must be the pipeline's own namespace '${own}' to scope cloudwatch:PutMetricData (found ${JSON.stringify(namespace)})`);
    return {
      stateMachineRole: [publishMetrics('PublishGateMetrics', own)],
      sageMakerExecutionRole: [],
      executionRoleSourceArns: [],
    };
  },
};

export const REQUEST_INTEGRATIONS = {
  [CREATE_MODEL_RESOURCE]: createModel,
  [CREATE_ENDPOINT_CONFIG_RESOURCE]: createEndpointConfig,
  [CREATE_ENDPOINT_RESOURCE]: deployEndpoint('SageMaker CreateEndpoint (first execution)'),
  [UPDATE_ENDPOINT_RESOURCE]: deployEndpoint('SageMaker UpdateEndpoint (later executions)'),
  [DESCRIBE_ENDPOINT_RESOURCE]: describeEndpoint,
  [LIST_ENDPOINTS_RESOURCE]: listEndpoints,
  [S3_GET_OBJECT_RESOURCE]: getReport,
  [PUT_METRIC_DATA_RESOURCE]: publishGateMetric,
} as const satisfies Partial<Record<TaskResource, TaskIntegration>>;
