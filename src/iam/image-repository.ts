/**
 * The ECR repository a Task's image comes from. The ASL reads the image URI from the execution
 * input (`$.stages.<key>.imageUri`), so the path is mapped back to its stage and the stage's
 * resolved repository; a literal ECR URI in the ASL is parsed directly.
 */
import { stageSettingPath } from '../asl/input-paths.js';
import { partitionOf } from '../model/framework-images.js';
import { ECR_IMAGE_PATTERN } from '../model/rules.js';
import type { ResolvedPipeline, ResolvedStage } from '../model/types.js';
import { literal } from './arns.js';

export function stageRepositoryArn(stage: ResolvedStage): string {
  return stage.image.source === 'framework' ? stage.image.framework.repositoryArn : stage.image.repositoryArn;
}

/** Reads `ImageUri.$` / `ImageUri` of an object such as `AppSpecification`. */
export function imageRepositoryArnOf(parameters: unknown, field: string, pipeline: ResolvedPipeline, where: string): string {
  const p = (parameters ?? {}) as Record<string, unknown>;
  const path = p[`${field}.$`];
  if (typeof path === 'string') {
    const stage = pipeline.stages.find((s) => stageSettingPath(s.name, 'imageUri') === path);
    if (!stage) throw new Error(`${where}: ${field}.$ reads '${path}', which is no stage's image in the pipeline`);
    return literal(stageRepositoryArn(stage), `${where}: repository ARN`);
  }
  const uri = p[field];
  if (typeof uri === 'string') {
    const match = ECR_IMAGE_PATTERN.exec(uri);
    if (!match) throw new Error(`${where}: ${field} '${uri}' is not an Amazon ECR image URI`);
    const [, account, region, , repository] = match;
    return literal(`arn:${partitionOf(region)}:ecr:${region}:${account}:repository/${repository}`, `${where}: repository ARN`);
  }
  throw new Error(`${where}: no ${field} or ${field}.$ to derive ECR permissions from`);
}
