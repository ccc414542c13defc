/**
 * One Docker image asset per container stage built from `stages/<name>/Dockerfile`. CDK builds and
 * pushes it at deploy time to the bootstrap asset repository, the repository the SageMaker execution
 * role's documents already allow pulling from (`cdk-<qualifier>-container-assets-<account>-<region>`).
 */
import * as ecrAssets from 'aws-cdk-lib/aws-ecr-assets';
import { Construct } from 'constructs';
import { join } from 'node:path';
import type { ResolvedPipeline } from '../model/types.js';
import { builtImageStages } from './deployed-input.js';
import { STAGE_CODE_EXCLUDES } from './stage-code-upload.js';

/** `docker build --output`: a Docker image (Docker V2 manifest), never an OCI one. */
export const DOCKER_IMAGE_OUTPUT = 'type=docker';

export interface StageImagesProps {
  readonly pipeline: ResolvedPipeline;
  /** Root of the generated repo (holds `stages/<name>/`). */
  readonly projectDir: string;
}

export class StageImages extends Construct {
  /** The assets, by stage name. */
  public readonly assets: Record<string, ecrAssets.DockerImageAsset> = {};

  constructor(scope: Construct, id: string, props: StageImagesProps) {
    super(scope, id);
    for (const stage of builtImageStages(props.pipeline)) {
      this.assets[stage.name] = new ecrAssets.DockerImageAsset(this, stage.name, {
        directory: join(props.projectDir, stage.codeDir),
        exclude: STAGE_CODE_EXCLUDES,
        // SageMaker processing instances are x86_64; a laptop with an ARM CPU would otherwise build arm64.
        platform: ecrAssets.Platform.LINUX_AMD64,
        // Docker's containerd image store pushes OCI manifests, which SageMaker has rejected
        // ("Unsupported manifest media type"); ask for a Docker-type image (docs/aws-audit.md, finding 5).
        outputs: [DOCKER_IMAGE_OUTPUT],
        displayName: `${props.pipeline.name} ${stage.name} stage`,
      });
    }
  }

  /** Image URIs by stage name (CDK tokens until deployment). */
  public get imageUris(): Record<string, string> {
    return Object.fromEntries(Object.entries(this.assets).map(([stage, asset]) => [stage, asset.imageUri]));
  }
}
