/**
 * Every Task resource a generated state machine uses, with the AWS facts of its service integration,
 * as one table keyed by the resource ARN (`aws` partition). The resource's own ARN says the service,
 * the action and the integration pattern (`.sync` runs a job to completion, `.waitForTaskToken` waits
 * for a callback); each row adds what the ARN does not: the request member that names what it
 * creates, a plausible response, and for `.sync` SageMaker jobs, the job facts the IAM grants derive
 * from (API noun, ARN type, managed EventBridge rule, logs, metrics, where the request names data,
 * image and role). Task states name their resource through `taskResourceArn`, typed by this union, so
 * a state cannot call a resource without its row; the IAM table (src/iam/), the request-shape table
 * (src/checks/) and the emulator table (src/local/) are typed by it too, and a new `.sync` job needs no
 * hand-written grants.
 *
 * Sources: the Step Functions guides "Create and manage Amazon SageMaker AI jobs" (the optimized
 * integrations and their `.sync` support) and "IAM policies for Amazon SageMaker AI" (Create/Describe/Stop
 * actions, ListTags, AddTags, the managed rule of each job type), SageMaker's CloudWatch guide (log
 * groups and metric namespaces of each job type) and the API reference (responses).
 */
import { SNS_PUBLISH_WAIT_RESOURCE } from '../approval/approval-contract.js';
import { integrationArn } from './task-arns.js';
import type { JsonObject } from './types.js';

/** The resource ARNs, in the `aws` partition (Task states use them through `taskResourceArn`, in theirs). */
export const PROCESSING_JOB_RESOURCE = 'arn:aws:states:::sagemaker:createProcessingJob.sync';
export const TRAINING_JOB_RESOURCE = 'arn:aws:states:::sagemaker:createTrainingJob.sync';
export const TUNING_JOB_RESOURCE = 'arn:aws:states:::sagemaker:createHyperParameterTuningJob.sync';
export const DESCRIBE_TRAINING_JOB_RESOURCE = 'arn:aws:states:::aws-sdk:sagemaker:describeTrainingJob';
export const TRANSFORM_JOB_RESOURCE = 'arn:aws:states:::sagemaker:createTransformJob.sync';
export const CREATE_MODEL_RESOURCE = 'arn:aws:states:::sagemaker:createModel';
export const CREATE_ENDPOINT_CONFIG_RESOURCE = 'arn:aws:states:::sagemaker:createEndpointConfig';
export const CREATE_ENDPOINT_RESOURCE = 'arn:aws:states:::sagemaker:createEndpoint';
export const UPDATE_ENDPOINT_RESOURCE = 'arn:aws:states:::sagemaker:updateEndpoint';
export const LIST_ENDPOINTS_RESOURCE = 'arn:aws:states:::aws-sdk:sagemaker:listEndpoints';
export const DESCRIBE_ENDPOINT_RESOURCE = 'arn:aws:states:::aws-sdk:sagemaker:describeEndpoint';
export const CREATE_MODEL_PACKAGE_RESOURCE = 'arn:aws:states:::aws-sdk:sagemaker:createModelPackage';
export const LIST_MODEL_PACKAGES_RESOURCE = 'arn:aws:states:::aws-sdk:sagemaker:listModelPackages';
export const UPDATE_MODEL_PACKAGE_RESOURCE = 'arn:aws:states:::aws-sdk:sagemaker:updateModelPackage';
export const PUT_METRIC_DATA_RESOURCE = 'arn:aws:states:::aws-sdk:cloudwatch:putMetricData';
export const S3_GET_OBJECT_RESOURCE = 'arn:aws:states:::aws-sdk:s3:getObject';

type Fields = Readonly<Record<string, unknown>>;
const objectAt = (value: unknown): Record<string, unknown> => (value && typeof value === 'object' ? (value as Record<string, unknown>) : {});
const listAt = (value: unknown): Record<string, unknown>[] => (Array.isArray(value) ? (value as Record<string, unknown>[]) : []);

/** Where a SageMaker job request names its data, image and role: `[parameter object, field]` pairs. */
export interface JobRequestShape {
  /** Every S3 location the job downloads. `where` names the Task for errors. */
  inputs(parameters: Fields, where: string): [unknown, string][];
  /** Every S3 location the job uploads to. */
  outputs(parameters: Fields, where: string): [unknown, string][];
  /** The image URI; absent when the job runs a model (its image was granted with the model). */
  image?(parameters: Fields): [unknown, string];
  /** The request member passing the execution role; absent when the job runs as its model's role (transform). */
  readonly roleParameter?: string;
}

/** The facts of one `.sync` SageMaker job type, from which its IAM grants derive. */
export interface SyncJobFacts {
  /** API noun: `Create<noun>`, `Describe<noun>`, `Stop<noun>`. */
  readonly noun: string;
  /** Resource type in the job's ARN. */
  readonly arnType: string;
  /** EventBridge rule Step Functions manages to learn that a job of this type ended. */
  readonly managedRule: string;
  /** CloudWatch Logs group the job's containers log to. */
  readonly logGroup: string;
  /** CloudWatch namespace of the job's instance metrics. */
  readonly metricNamespace: string;
  /** SageMaker documents that it presents the job's ARN as `aws:SourceArn` when it assumes the role for this type. */
  readonly sourceArnDocumented: boolean;
  readonly request: JobRequestShape;
}

/** What the ARN does not say about one integration. */
export interface IntegrationFacts {
  /**
   * The request member naming what the call creates, when names must be unique per account forever
   * (computed with States.UUID() in the state). Absent for calls that create nothing, and for
   * CreateEndpoint, whose endpoint keeps one name across executions on purpose (create, then update).
   */
  readonly nameMember?: string;
  /** False when no service model checks the request (S3: its request is not a modelled shape here). @default true */
  readonly shapeChecked?: false;
  /** What Step Functions hands back: the Describe* response for `.sync`, the Create* response otherwise. */
  readonly response: (request: JsonObject, sync: boolean, arnOf: (type: string, name: string) => string) => JsonObject;
  /** A `.sync` SageMaker job whose IAM grants derive from these facts; absent: src/iam/ writes the call's grants. */
  readonly job?: SyncJobFacts;
}

const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);
/** ASCII names of jobs whose request carries them. */
const nameIn = (request: JsonObject, member: string) => String(request[member]);

export const TASK_INTEGRATION_FACTS = {
  [PROCESSING_JOB_RESOURCE]: {
    nameMember: 'ProcessingJobName',
    job: {
      noun: 'ProcessingJob',
      arnType: 'processing-job',
      managedRule: 'StepFunctionsGetEventsForSageMakerProcessingJobsRule',
      logGroup: '/aws/sagemaker/ProcessingJobs',
      metricNamespace: '/aws/sagemaker/ProcessingJobs',
      sourceArnDocumented: true,
      request: {
        inputs: (p, where) =>
          listAt(p.ProcessingInputs).map((input, i) => {
            if (!input.S3Input) throw new Error(`${where}: ProcessingInputs[${i}] has no S3Input; only S3 inputs are supported by the IAM builder`);
            return [input.S3Input, 'S3Uri'];
          }),
        outputs: (p, where) =>
          listAt(objectAt(p.ProcessingOutputConfig).Outputs).map((output, i) => {
            if (!output.S3Output) throw new Error(`${where}: ProcessingOutputConfig.Outputs[${i}] has no S3Output; only S3 outputs are supported by the IAM builder`);
            return [output.S3Output, 'S3Uri'];
          }),
        image: (p) => [p.AppSpecification, 'ImageUri'],
        roleParameter: 'RoleArn',
      },
    },
    response: (request, sync, arnOf) => {
      const arn = arnOf('processing-job', nameIn(request, 'ProcessingJobName'));
      if (!sync) return { ProcessingJobArn: arn };
      return { ...request, ProcessingJobArn: arn, ProcessingJobStatus: 'Completed', ExitMessage: '' };
    },
  },
  [TRAINING_JOB_RESOURCE]: {
    nameMember: 'TrainingJobName',
    job: {
      noun: 'TrainingJob',
      arnType: 'training-job',
      managedRule: 'StepFunctionsGetEventsForSageMakerTrainingJobsRule',
      logGroup: '/aws/sagemaker/TrainingJobs',
      metricNamespace: '/aws/sagemaker/TrainingJobs',
      sourceArnDocumented: true,
      request: {
        inputs: (p, where) =>
          listAt(p.InputDataConfig).map((channel, i) => {
            const source = objectAt(objectAt(channel.DataSource).S3DataSource);
            if (Object.keys(source).length === 0) throw new Error(`${where}: InputDataConfig[${i}] has no S3DataSource; only S3 channels are supported by the IAM builder`);
            return [source, 'S3Uri'];
          }),
        // The model artifact (and output.tar.gz) land under S3OutputPath.
        outputs: (p) => [[p.OutputDataConfig, 'S3OutputPath']],
        image: (p) => [p.AlgorithmSpecification, 'TrainingImage'],
        roleParameter: 'RoleArn',
      },
    },
    response: (request, sync, arnOf) => {
      const name = nameIn(request, 'TrainingJobName');
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
  // Its grants are written in src/iam/ (the training jobs it starts are named after it and run as the definition's role).
  [TUNING_JOB_RESOURCE]: {
    nameMember: 'HyperParameterTuningJobName',
    response: (request, sync, arnOf) => {
      const name = nameIn(request, 'HyperParameterTuningJobName');
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
  [DESCRIBE_TRAINING_JOB_RESOURCE]: {
    response: (request, _sync, arnOf) => {
      const name = nameIn(request, 'TrainingJobName');
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
  /** A transform job runs as its model's execution role, with the model's image: the request names neither. */
  [TRANSFORM_JOB_RESOURCE]: {
    nameMember: 'TransformJobName',
    job: {
      noun: 'TransformJob',
      arnType: 'transform-job',
      managedRule: 'StepFunctionsGetEventsForSageMakerTransformJobsRule',
      logGroup: '/aws/sagemaker/TransformJobs',
      metricNamespace: '/aws/sagemaker/TransformJobs',
      sourceArnDocumented: false,
      request: {
        inputs: (p) => [[objectAt(objectAt(objectAt(p.TransformInput).DataSource).S3DataSource), 'S3Uri']],
        outputs: (p) => [[p.TransformOutput, 'S3OutputPath']],
      },
    },
    response: (request, sync, arnOf) => {
      const arn = arnOf('transform-job', nameIn(request, 'TransformJobName'));
      return sync ? { ...request, TransformJobArn: arn, TransformJobStatus: 'Completed' } : { TransformJobArn: arn };
    },
  },
  [CREATE_MODEL_RESOURCE]: {
    nameMember: 'ModelName',
    response: (request, _sync, arnOf) => ({ ModelArn: arnOf('model', nameIn(request, 'ModelName')) }),
  },
  [CREATE_ENDPOINT_CONFIG_RESOURCE]: {
    nameMember: 'EndpointConfigName',
    response: (request, _sync, arnOf) => ({ EndpointConfigArn: arnOf('endpoint-config', nameIn(request, 'EndpointConfigName')) }),
  },
  [CREATE_ENDPOINT_RESOURCE]: {
    response: (request, _sync, arnOf) => ({ EndpointArn: arnOf('endpoint', nameIn(request, 'EndpointName')) }),
  },
  [UPDATE_ENDPOINT_RESOURCE]: {
    response: (request, _sync, arnOf) => ({ EndpointArn: arnOf('endpoint', nameIn(request, 'EndpointName')) }),
  },
  [LIST_ENDPOINTS_RESOURCE]: {
    response: () => ({ Endpoints: [] }),
  },
  [DESCRIBE_ENDPOINT_RESOURCE]: {
    response: (request, _sync, arnOf) => ({
      EndpointName: nameIn(request, 'EndpointName'),
      EndpointArn: arnOf('endpoint', nameIn(request, 'EndpointName')),
      EndpointStatus: 'InService',
    }),
  },
  [CREATE_MODEL_PACKAGE_RESOURCE]: {
    response: (request, _sync, arnOf) => ({ ModelPackageArn: arnOf('model-package', `${nameIn(request, 'ModelPackageGroupName')}/1`) }),
  },
  [LIST_MODEL_PACKAGES_RESOURCE]: {
    // One Approved version, so the promotion's later requests are resolved and checked too.
    response: (request, _sync, arnOf) => ({
      ModelPackageSummaryList: [
        {
          ModelPackageGroupName: nameIn(request, 'ModelPackageGroupName'),
          ModelPackageVersion: 3,
          ModelPackageArn: arnOf('model-package', `${nameIn(request, 'ModelPackageGroupName')}/3`),
          CreationTime: '2026-01-01T00:00:00.000Z',
          ModelPackageStatus: 'Completed',
          ModelApprovalStatus: 'Approved',
        },
      ],
    }),
  },
  [UPDATE_MODEL_PACKAGE_RESOURCE]: {
    response: (request) => ({ ModelPackageArn: nameIn(request, 'ModelPackageArn') }),
  },
  [SNS_PUBLISH_WAIT_RESOURCE]: {
    // What SendTaskSuccess hands back: the decision `legacy-mlops approve` sends.
    response: () => ({ decision: 'approved', by: 'arn:aws:iam::000000000000:user/reviewer', at: '2026-01-01T00:00:00.000Z', reason: 'sample' }),
  },
  [PUT_METRIC_DATA_RESOURCE]: {
    // PutMetricData answers with an empty body.
    response: () => ({}),
  },
  [S3_GET_OBJECT_RESOURCE]: {
    shapeChecked: false,
    // An empty JSON object; request capture puts a report that passes the gate here (see src/checks/task-requests.ts).
    response: () => ({ Body: '{}', ContentType: 'application/json' }),
  },
} as const satisfies Record<string, IntegrationFacts>;

/** A Task resource in the `aws` partition. */
export type TaskResource = keyof typeof TASK_INTEGRATION_FACTS;

export const TASK_RESOURCES = Object.keys(TASK_INTEGRATION_FACTS) as TaskResource[];

/** The resources whose grants derive from their job facts, and those whose grants src/iam/ writes by hand. */
export type SyncJobResource = { [R in TaskResource]: (typeof TASK_INTEGRATION_FACTS)[R] extends { job: SyncJobFacts } ? R : never }[TaskResource];
export type HandGrantedResource = Exclude<TaskResource, SyncJobResource>;

/**
 * A Task state's `Resource` in the pipeline's partition. Typed by the union: a state can only call a
 * resource this table describes, so a new integration starts with its row here.
 */
export function taskResourceArn(resource: TaskResource, partition: string): string {
  return integrationArn(resource, partition);
}

export function isTaskResource(resource: string): resource is TaskResource {
  return Object.hasOwn(TASK_INTEGRATION_FACTS, resource);
}

/** The facts of one resource, typed for readers that do not care which resource it is. */
export function integrationFacts(resource: TaskResource): IntegrationFacts {
  return TASK_INTEGRATION_FACTS[resource];
}

/** What a Task resource ARN says: `arn:<partition>:states:::<service>:<action><pattern suffix>`. */
export interface ResourceParts {
  /** `sagemaker` (optimized), `aws-sdk:<service>`, or `sns`. */
  readonly style: string;
  readonly action: string;
  readonly suffix: '' | '.sync' | '.waitForTaskToken';
}

const RESOURCE_ARN = /^arn:(?:aws|aws-cn|aws-us-gov):states:::((?:aws-sdk:)?[a-z0-9]+):([A-Za-z]+)(\.sync|\.waitForTaskToken)?$/;

export function resourceParts(resource: string): ResourceParts | undefined {
  const match = RESOURCE_ARN.exec(resource);
  return match ? { style: match[1], action: match[2], suffix: (match[3] ?? '') as ResourceParts['suffix'] } : undefined;
}
