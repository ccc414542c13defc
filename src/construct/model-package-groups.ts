/**
 * The model package groups the register stages add versions to: created here unless the model says a
 * group exists already (`registry.existingGroup`), in which case nothing is created or changed on it.
 *
 * A created group is retained when the stack is destroyed, like the bucket: its versions are the
 * record of which model was approved by whom, and a later deploy adopts the retained group through
 * `--import-existing-resources` (a custom-named resource with DeletionPolicy Retain).
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { Construct } from 'constructs';
import type { ResolvedPipeline } from '../model/types.js';

export interface ModelPackageGroupsProps {
  readonly pipeline: ResolvedPipeline;
}

/** Each group the register stages name, with whether this stack creates it (one entry per group). */
export function registryGroups(pipeline: ResolvedPipeline): { group: string; existing: boolean; stages: string[] }[] {
  const groups = new Map<string, { group: string; existing: boolean; stages: string[] }>();
  for (const stage of pipeline.stages) {
    if (!stage.registry) continue;
    const entry = groups.get(stage.registry.group) ?? { group: stage.registry.group, existing: stage.registry.existingGroup, stages: [] };
    entry.stages.push(stage.name);
    groups.set(entry.group, entry);
  }
  return [...groups.values()];
}

export class ModelPackageGroups extends Construct {
  /** The groups this stack creates, by name. */
  public readonly created: Readonly<Record<string, sagemaker.CfnModelPackageGroup>>;

  constructor(scope: Construct, id: string, props: ModelPackageGroupsProps) {
    super(scope, id);
    const created: Record<string, sagemaker.CfnModelPackageGroup> = {};
    for (const { group, existing, stages } of registryGroups(props.pipeline)) {
      if (existing) continue;
      const resource = new sagemaker.CfnModelPackageGroup(this, `Group-${group}`, {
        modelPackageGroupName: group,
        modelPackageGroupDescription: `legacy-mlops: versions of the ${props.pipeline.name} model registered by stage ${stages.join(', ')}`,
      });
      resource.applyRemovalPolicy(RemovalPolicy.RETAIN);
      created[group] = resource;
    }
    this.created = created;
  }
}
