/**
 * A stage's image: a framework image (script mode), an ECR URI, a Dockerfile built as a CDK asset, or
 * for kinds that run a model, the image of their model stage. Pure; problems are reported.
 */
import type { ReportStageProblem } from './errors.js';
import { FRAMEWORK_NAMES, defaultFrameworkVersion, ecrDomain, partitionOf, resolveFrameworkImage } from './framework-images.js';
import { stageDir } from './repo-layout.js';
import { ECR_IMAGE_PATTERN } from './rules.js';
import { KIND_FACTS } from './stage-kinds.js';
import type { ResolvedImage, ResolvedStage, StageKind, StageOptions } from './types.js';

/** What an image needs to know of the project. */
export interface ImageProjectContext {
  readonly region: string;
  readonly partition: string;
  readonly account: string;
  readonly cdkQualifier: string;
  readonly valid: boolean;
}

export function resolveImage(s: StageOptions, mode: string, name: string, kind: StageKind, project: ImageProjectContext, fail: ReportStageProblem): ResolvedImage | undefined {
  if (mode === 'script') {
    if (s.imageUri) fail('imageUri', "script mode runs on a prebuilt framework image; set mode: 'container' to use imageUri");
    const frameworkName = s.framework?.name ?? 'sklearn';
    if (!FRAMEWORK_NAMES.includes(frameworkName)) {
      fail('framework.name', `'${frameworkName}' is not a prebuilt framework (allowed: ${FRAMEWORK_NAMES.join(', ')})`);
      return undefined;
    }
    const version = s.framework?.version ?? defaultFrameworkVersion(frameworkName);
    // A model serves: frameworks with a separate inference image (PyTorch) use it.
    const ref = resolveFrameworkImage(frameworkName, version, project.region, KIND_FACTS[kind].servesModel ? 'inference' : 'job');
    if ('error' in ref) {
      // With an invalid region the project-level message already says it all.
      if (project.valid || !ref.error.includes('region')) fail('framework', ref.error);
      return undefined;
    }
    return { source: 'framework', framework: { name: frameworkName, version, ...ref } };
  }
  if (s.framework) fail('framework', "container mode does not use a framework image; remove `framework` or set mode: 'script'");
  if (s.imageUri !== undefined) {
    const m = ECR_IMAGE_PATTERN.exec(s.imageUri);
    if (!m) {
      fail('imageUri', `'${s.imageUri}' is not an Amazon ECR image URI (<account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag>)`);
      return undefined;
    }
    const [, acct, imageRegion, , repository] = m;
    return { source: 'uri', imageUri: s.imageUri, repositoryArn: `arn:${partitionOf(imageRegion)}:ecr:${imageRegion}:${acct}:repository/${repository}` };
  }
  // Built from stages/<name>/Dockerfile and published as a CDK image asset to the bootstrap repository.
  const repository = `cdk-${project.cdkQualifier}-container-assets-${project.account}-${project.region}`;
  return {
    source: 'dockerfile',
    dockerfile: `${stageDir(name)}/Dockerfile`,
    imageUri: `${project.account}.${ecrDomain(project.region)}/${repository}:${name}`,
    repositoryArn: `arn:${project.partition}:ecr:${project.region}:${project.account}:repository/${repository}`,
  };
}

export function modelImage(model: ResolvedStage): ResolvedImage {
  const image = model.image;
  const uri = image.source === 'framework' ? image.framework : image;
  return { source: 'model', modelStage: model.name, imageUri: uri.imageUri, repositoryArn: uri.repositoryArn };
}

/** The model stage a transform or endpoint runs: named, or the nearest earlier one. */
export function resolveModelStage(s: StageOptions, earlier: readonly ResolvedStage[], kind: StageKind, fail: ReportStageProblem): ResolvedStage | undefined {
  const models = earlier.filter((e) => KIND_FACTS[e.kind].servesModel);
  if (s.modelStage === undefined) {
    const nearest = models[models.length - 1];
    if (!nearest) fail('modelStage', `a ${kind} stage runs a model: add a model stage before it`);
    return nearest;
  }
  const named = models.find((m) => m.name === s.modelStage);
  if (!named) fail('modelStage', `'${s.modelStage}' is not an earlier model stage (model stages before this one: ${models.map((m) => m.name).join(', ') || 'none'})`);
  return named;
}
