/**
 * The Task resources legacy-mlops knows, as a table: the Step Functions optimized integrations for
 * SageMaker (see its "Create and manage SageMaker jobs" page) and the few AWS SDK integrations the
 * lifecycle stages call (S3 GetObject for a metric report, CloudWatch PutMetricData of its metric,
 * SageMaker ListEndpoints/DescribeEndpoint while an endpoint comes up). Each row: the resource, the
 * API operation its Parameters are sent to (none for S3: its request is not a SageMaker shape), the
 * botocore service whose model has that operation, and a plausible response.
 */
import { isObject } from './types.js';

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

export interface SageMakerIntegration {
  /** `sagemaker` for `arn:<partition>:states:::sagemaker:<action>`; `aws-sdk:<service>` for AWS SDK integrations. */
  readonly style: 'sagemaker' | 'aws-sdk:sagemaker' | 'aws-sdk:s3' | 'aws-sdk:cloudwatch' | 'sns';
  /** The action after the style, e.g. `createProcessingJob`, `getObject`. */
  readonly action: string;
  /** The API operation (service-model name) the resolved Parameters are sent to; absent when no model is checked (S3). */
  readonly operation?: string;
  /** The botocore service whose model has `operation`. @default 'sagemaker' */
  readonly service?: 'sagemaker' | 'sns' | 'cloudwatch';
  /** True when the call pauses for a task token (`.waitForTaskToken`), the only way it is used. */
  readonly waitsForToken?: boolean;
  /**
   * The request member naming what the call creates, when names must be unique per account forever
   * (computed with States.UUID() in the state). Absent for calls that create nothing, and for
   * CreateEndpoint, whose endpoint keeps one name across executions on purpose (create, then update).
   */
  readonly nameMember?: string;
  /** True for jobs: `.sync` waits for the job to end, and is what a pipeline needs. */
  readonly runsJob: boolean;
  /** What Step Functions hands back: the Describe* response for `.sync`, the Create* response otherwise. */
  readonly response: (request: JsonObject, sync: boolean, arnOf: (kind: string, name: string) => string) => JsonObject;
}

export const SAGEMAKER_INTEGRATIONS: readonly SageMakerIntegration[] = [
  {
    style: 'sagemaker',
    action: 'createProcessingJob',
    operation: 'CreateProcessingJob',
    nameMember: 'ProcessingJobName',
    runsJob: true,
    response: (request, sync, arnOf) => {
      const arn = arnOf('processing-job', String(request.ProcessingJobName));
      if (!sync) return { ProcessingJobArn: arn };
      return { ...request, ProcessingJobArn: arn, ProcessingJobStatus: 'Completed', ExitMessage: '' };
    },
  },
  {
    style: 'sagemaker',
    action: 'createTrainingJob',
    operation: 'CreateTrainingJob',
    nameMember: 'TrainingJobName',
    runsJob: true,
    response: (request, sync, arnOf) => {
      const name = String(request.TrainingJobName);
      const arn = arnOf('training-job', name);
      if (!sync) return { TrainingJobArn: arn };
      const output = isObject(request.OutputDataConfig) ? String(request.OutputDataConfig.S3OutputPath ?? '') : '';
      return {
        ...request,
        TrainingJobArn: arn,
        TrainingJobStatus: 'Completed',
        SecondaryStatus: 'Completed',
        ModelArtifacts: { S3ModelArtifacts: `${output.replace(/\/$/, '')}/${name}/output/model.tar.gz` },
      };
    },
  },
  {
    style: 'sagemaker',
    action: 'createHyperParameterTuningJob',
    operation: 'CreateHyperParameterTuningJob',
    nameMember: 'HyperParameterTuningJobName',
    runsJob: true,
    response: (request, sync, arnOf) => {
      const name = String(request.HyperParameterTuningJobName);
      const arn = arnOf('hyper-parameter-tuning-job', name);
      if (!sync) return { HyperParameterTuningJobArn: arn };
      const config = isObject(request.HyperParameterTuningJobConfig) ? request.HyperParameterTuningJobConfig : {};
      const objective = isObject(config.HyperParameterTuningJobObjective) ? config.HyperParameterTuningJobObjective : {};
      const best = `${name}-001-0a1b2c3d`;
      return {
        ...request,
        HyperParameterTuningJobArn: arn,
        HyperParameterTuningJobStatus: 'Completed',
        BestTrainingJob: {
          TrainingJobName: best,
          TrainingJobArn: arnOf('training-job', best),
          TrainingJobStatus: 'Completed',
          TunedHyperParameters: {},
          FinalHyperParameterTuningJobObjectiveMetric: { MetricName: String(objective.MetricName ?? ''), Value: 0.9 },
        },
      };
    },
  },
  {
    style: 'aws-sdk:sagemaker',
    action: 'describeTrainingJob',
    operation: 'DescribeTrainingJob',
    runsJob: false,
    response: (request, _sync, arnOf) => {
      const name = String(request.TrainingJobName);
      const tuning = name.replace(/-\d{3}-[0-9a-f]{8}$/, '');
      return {
        TrainingJobName: name,
        TrainingJobArn: arnOf('training-job', name),
        TuningJobArn: arnOf('hyper-parameter-tuning-job', tuning),
        TrainingJobStatus: 'Completed',
        HyperParameters: {},
        ModelArtifacts: { S3ModelArtifacts: `s3://bucket/runs/model/${name}/output/model.tar.gz` },
      };
    },
  },
  {
    style: 'sagemaker',
    action: 'createTransformJob',
    operation: 'CreateTransformJob',
    nameMember: 'TransformJobName',
    runsJob: true,
    response: (request, sync, arnOf) => {
      const arn = arnOf('transform-job', String(request.TransformJobName));
      return sync ? { ...request, TransformJobArn: arn, TransformJobStatus: 'Completed' } : { TransformJobArn: arn };
    },
  },
  {
    style: 'sagemaker',
    action: 'createModel',
    operation: 'CreateModel',
    nameMember: 'ModelName',
    runsJob: false,
    response: (request, _sync, arnOf) => ({ ModelArn: arnOf('model', String(request.ModelName)) }),
  },
  {
    style: 'sagemaker',
    action: 'createEndpointConfig',
    operation: 'CreateEndpointConfig',
    nameMember: 'EndpointConfigName',
    runsJob: false,
    response: (request, _sync, arnOf) => ({ EndpointConfigArn: arnOf('endpoint-config', String(request.EndpointConfigName)) }),
  },
  {
    style: 'sagemaker',
    action: 'createEndpoint',
    operation: 'CreateEndpoint',
    runsJob: false,
    response: (request, _sync, arnOf) => ({ EndpointArn: arnOf('endpoint', String(request.EndpointName)) }),
  },
  {
    style: 'sagemaker',
    action: 'updateEndpoint',
    operation: 'UpdateEndpoint',
    runsJob: false,
    response: (request, _sync, arnOf) => ({ EndpointArn: arnOf('endpoint', String(request.EndpointName)) }),
  },
  {
    style: 'aws-sdk:sagemaker',
    action: 'listEndpoints',
    operation: 'ListEndpoints',
    runsJob: false,
    response: () => ({ Endpoints: [] }),
  },
  {
    style: 'aws-sdk:sagemaker',
    action: 'describeEndpoint',
    operation: 'DescribeEndpoint',
    runsJob: false,
    response: (request, _sync, arnOf) => ({
      EndpointName: String(request.EndpointName),
      EndpointArn: arnOf('endpoint', String(request.EndpointName)),
      EndpointStatus: 'InService',
    }),
  },
  {
    style: 'aws-sdk:sagemaker',
    action: 'createModelPackage',
    operation: 'CreateModelPackage',
    runsJob: false,
    response: (request, _sync, arnOf) => ({ ModelPackageArn: arnOf('model-package', `${String(request.ModelPackageGroupName)}/1`) }),
  },
  {
    style: 'aws-sdk:sagemaker',
    action: 'listModelPackages',
    operation: 'ListModelPackages',
    runsJob: false,
    // One Approved version, so the promotion's later requests are resolved and checked too.
    response: (request, _sync, arnOf) => ({
      ModelPackageSummaryList: [
        {
          ModelPackageGroupName: String(request.ModelPackageGroupName),
          ModelPackageVersion: 3,
          ModelPackageArn: arnOf('model-package', `${String(request.ModelPackageGroupName)}/3`),
          CreationTime: '2026-01-01T00:00:00.000Z',
          ModelPackageStatus: 'Completed',
          ModelApprovalStatus: 'Approved',
        },
      ],
    }),
  },
  {
    style: 'aws-sdk:sagemaker',
    action: 'updateModelPackage',
    operation: 'UpdateModelPackage',
    runsJob: false,
    response: (request) => ({ ModelPackageArn: String(request.ModelPackageArn) }),
  },
  {
    style: 'sns',
    action: 'publish',
    operation: 'Publish',
    service: 'sns',
    waitsForToken: true,
    runsJob: false,
    // What SendTaskSuccess hands back: the decision `legacy-mlops approve` sends.
    response: () => ({ decision: 'approved', by: 'arn:aws:iam::000000000000:user/reviewer', at: '2026-01-01T00:00:00.000Z', reason: 'sample' }),
  },
  {
    style: 'aws-sdk:cloudwatch',
    action: 'putMetricData',
    operation: 'PutMetricData',
    service: 'cloudwatch',
    runsJob: false,
    // PutMetricData answers with an empty body.
    response: () => ({}),
  },
  {
    style: 'aws-sdk:s3',
    action: 'getObject',
    runsJob: false,
    // An empty JSON object; request capture puts a report that passes the gate here (see task-requests.ts).
    response: () => ({ Body: '{}', ContentType: 'application/json' }),
  },
];

const RESOURCE_PATTERN = /^arn:(aws|aws-cn|aws-us-gov):states:::(sagemaker|aws-sdk:sagemaker|aws-sdk:s3|aws-sdk:cloudwatch|sns):([A-Za-z]+)(\.sync|\.waitForTaskToken)?$/;

export interface ParsedResource {
  readonly integration: SageMakerIntegration;
  readonly sync: boolean;
  /** Set when the suffix is not one this integration supports. */
  readonly suffixProblem?: string;
}

/** The integration a Task resource ARN calls, or undefined when it is not one in the table. */
export function parseSageMakerResource(resource: unknown): ParsedResource | undefined {
  const match = typeof resource === 'string' ? RESOURCE_PATTERN.exec(resource) : null;
  if (!match) return undefined;
  const integration = SAGEMAKER_INTEGRATIONS.find((row) => row.style === match[2] && row.action === match[3]);
  if (!integration) return undefined;
  const suffix = match[4];
  if (integration.waitsForToken) {
    return suffix === '.waitForTaskToken' ? { integration, sync: false } : { integration, sync: false, suffixProblem: `${integration.style}:${integration.action} is used to wait for a decision: add .waitForTaskToken` };
  }
  if (suffix === '.waitForTaskToken') {
    return { integration, sync: false, suffixProblem: `${integration.style} integrations do not support .waitForTaskToken` };
  }
  if (suffix === '.sync' && !integration.runsJob) {
    return { integration, sync: false, suffixProblem: `${integration.action} is request/response only; it has no .sync variant` };
  }
  return { integration, sync: suffix === '.sync' };
}

/** The SageMaker API operation a Task resource calls, e.g. `CreateProcessingJob`; undefined when unknown. */
export function operationForResource(resource: unknown): string | undefined {
  return parseSageMakerResource(resource)?.integration.operation;
}

export function knownResourceExamples(): string[] {
  return SAGEMAKER_INTEGRATIONS.map((row) => `arn:aws:states:::${row.style}:${row.action}${row.runsJob ? '.sync' : row.waitsForToken ? '.waitForTaskToken' : ''}`);
}
