/**
 * IAM of promotion (src/asl/promotion-states.ts): ListModelPackages of the one group, and the model
 * created from a version of it. Sources: the Service Authorization Reference (DescribeModelPackage acts
 * on `model-package`, whose versioned ARN is `model-package/<group>/<version>`); SageMaker's guide on
 * sharing a model package group, whose resource policy grants ListModelPackages on the group's ARN and
 * its versions (`model-package-group/<group>`, `model-package/<group>/*`), which is how the identity
 * grant is scoped here. SageMaker reads the version when it creates the model from it, so the
 * state machine may describe that group's versions (unverified whether CreateModel checks it; scoped, harmless).
 */
import { approvedVersionArnPath, promotions } from '../asl/promotion-states.js';
import { LIST_MODEL_PACKAGES_RESOURCE } from '../asl/task-resources.js';
import type { TaskResource } from '../asl/task-resources.js';
import type { ResolvedPipeline } from '../model/types.js';
import { literal, sageMakerArn } from './arns.js';
import { modelPackageVersions } from './governance-integrations.js';
import type { Permission, TaskIntegration } from './types.js';

function groupArn(pipeline: ResolvedPipeline, group: string): string {
  return sageMakerArn(pipeline, 'model-package-group', literal(group.toLowerCase(), 'model package group'));
}

const listModelPackages: TaskIntegration = {
  description: 'SageMaker ListModelPackages (AWS SDK): the newest Approved version of the group',
  permissions(task) {
    const group = task.parameters.ModelPackageGroupName;
    if (typeof group !== 'string') throw new Error(`Task '${task.state}': ModelPackageGroupName must be a literal group name to scope the registry permissions`);
    const versions = modelPackageVersions(task.pipeline, group);
    const arn = groupArn(task.pipeline, group);
    return {
      stateMachineRole: [
        {
          sid: 'ListApprovedVersions',
          actions: ['sagemaker:ListModelPackages'],
          resources: [arn, versions.pattern],
          // The Service Authorization Reference gives `model-package` as its (optional) resource type.
          calls: [{ action: 'sagemaker:ListModelPackages', resource: versions.sample }],
        },
      ],
      sageMakerExecutionRole: [],
      executionRoleSourceArns: [],
    };
  },
};

/**
 * The state machine's part of a CreateModel whose container names a version (`ModelPackageName.$`):
 * reading that version. Its image and model data are those the model stage's own CreateModel names
 * (a register stage records exactly them), so the execution role's grants come from that row.
 */
export function createModelFromVersionPermissions(pipeline: ResolvedPipeline, versionPath: unknown, where: string): Permission[] {
  const promotion = promotions(pipeline).find((p) => approvedVersionArnPath(p.modelStage.name) === versionPath);
  if (!promotion) throw new Error(`${where}: PrimaryContainer.ModelPackageName.$ reads ${JSON.stringify(versionPath)}, which is no promotion's approved version`);
  const versions = modelPackageVersions(pipeline, promotion.group);
  return [{ sid: 'ReadApprovedVersions', actions: ['sagemaker:DescribeModelPackage'], resources: [versions.pattern], calls: [{ action: 'sagemaker:DescribeModelPackage', resource: versions.sample }] }];
}

export const PROMOTION_INTEGRATIONS = {
  [LIST_MODEL_PACKAGES_RESOURCE]: listModelPackages,
} as const satisfies Partial<Record<TaskResource, TaskIntegration>>;
