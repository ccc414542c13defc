/**
 * Rows of the integration table for the governance stages: CreateModelPackage and UpdateModelPackage
 * (AWS SDK integrations) on the project's model package group, and the approval's SNS publish with
 * `.waitForTaskToken` to the encrypted notifications topic. Sources: the Service Authorization
 * Reference (CreateModelPackage, UpdateModelPackage and AddTags act on the `model-package` resource,
 * whose versioned ARN is `model-package/<group>/<version>`), the SNS guide on encrypted topics
 * (a publisher needs kms:GenerateDataKey and kms:Decrypt on the topic's key) and the Step Functions
 * guide "IAM policies for Amazon SNS" (sns:Publish on the topic).
 */
import { SNS_PUBLISH_WAIT_RESOURCE } from '../asl/approval-states.js';
import { CREATE_MODEL_PACKAGE_RESOURCE, UPDATE_MODEL_PACKAGE_RESOURCE } from '../asl/task-resources.js';
import { modelPackageArnPath } from '../asl/register-task.js';
import type { ResolvedPipeline } from '../model/types.js';
import { literal, sageMakerArn } from './arns.js';
import type { Permission, TaskContext, TaskIntegration } from './types.js';
import type { TaskResource } from '../asl/task-resources.js';

/** Every version of a group: `model-package/<group>/*` (SageMaker writes group names lower-case in ARNs). */
export function modelPackageVersions(pipeline: ResolvedPipeline, group: string): { pattern: string; sample: string } {
  const name = literal(group.toLowerCase(), 'model package group');
  return { pattern: sageMakerArn(pipeline, 'model-package', `${name}/*`), sample: sageMakerArn(pipeline, 'model-package', `${name}/1`) };
}

function versionActions(sid: string, actions: readonly string[], versions: { pattern: string; sample: string }): Permission {
  const full = actions.map((a) => `sagemaker:${a}`);
  return { sid, actions: full, resources: [versions.pattern], calls: full.map((action) => ({ action, resource: versions.sample })) };
}

const createModelPackage: TaskIntegration = {
  description: 'SageMaker CreateModelPackage (AWS SDK): a version in the model registry',
  permissions(task) {
    const group = task.parameters.ModelPackageGroupName;
    if (typeof group !== 'string') throw new Error(`Task '${task.state}': ModelPackageGroupName must be a literal group name to scope the registry permissions`);
    return {
      // AddTags: the request carries Tags.
      stateMachineRole: [versionActions('RegisterModelVersions', ['CreateModelPackage', 'AddTags'], modelPackageVersions(task.pipeline, group))],
      sageMakerExecutionRole: [],
      executionRoleSourceArns: [],
    };
  },
};

/** UpdateModelPackage names the version a register stage created: `$.results.<key>.modelPackageArn` → that stage's group. */
const updateModelPackage: TaskIntegration = {
  description: 'SageMaker UpdateModelPackage (AWS SDK): records an approval decision on a registered version',
  permissions(task) {
    const path = task.parameters['ModelPackageArn.$'];
    const stage = task.pipeline.stages.find((s) => s.kind === 'register' && modelPackageArnPath(s.name) === path);
    if (!stage?.registry) throw new Error(`Task '${task.state}': ModelPackageArn.$ reads ${JSON.stringify(path)}, which is no register stage's version`);
    return {
      stateMachineRole: [versionActions('DecideModelVersions', ['UpdateModelPackage'], modelPackageVersions(task.pipeline, stage.registry.group))],
      sageMakerExecutionRole: [],
      executionRoleSourceArns: [],
    };
  },
};

/** The sample key id calls are simulated with: the topic's key is created by the CDK app, its id unknown here. */
const SAMPLE_KEY_ID = '1234abcd-12ab-34cd-56ef-1234567890ab';

const publishForDecision: TaskIntegration = {
  description: 'SNS Publish with .waitForTaskToken: asks a person to decide, then waits',
  permissions(task: TaskContext) {
    const topic = task.parameters.TopicArn;
    if (typeof topic !== 'string') throw new Error(`Task '${task.state}': TopicArn must be a literal topic ARN to scope sns:Publish`);
    const { partition, region, account } = task.pipeline;
    const viaSns = `sns.${region}.amazonaws.com`;
    const kmsActions = ['kms:GenerateDataKey', 'kms:Decrypt'];
    return {
      stateMachineRole: [
        { sid: 'AskForApproval', actions: ['sns:Publish'], resources: [literal(topic, `Task '${task.state}': TopicArn`)], calls: [{ action: 'sns:Publish', resource: topic }] },
        {
          // The topic is encrypted with a key the CDK app creates; only through SNS, only in this account.
          sid: 'EncryptApprovalRequests',
          actions: kmsActions,
          resources: [`arn:${partition}:kms:${region}:${account}:key/*`],
          condition: { operator: 'StringEquals', key: 'kms:ViaService', values: [viaSns] },
          calls: kmsActions.map((action) => ({ action, resource: `arn:${partition}:kms:${region}:${account}:key/${SAMPLE_KEY_ID}`, context: { 'kms:ViaService': viaSns } })),
        },
      ],
      sageMakerExecutionRole: [],
      executionRoleSourceArns: [],
    };
  },
};

export const GOVERNANCE_INTEGRATIONS = {
  [CREATE_MODEL_PACKAGE_RESOURCE]: createModelPackage,
  [UPDATE_MODEL_PACKAGE_RESOURCE]: updateModelPackage,
  [SNS_PUBLISH_WAIT_RESOURCE]: publishForDecision,
} as const satisfies Partial<Record<TaskResource, TaskIntegration>>;
