/**
 * What a deployed pipeline looks like from outside: its state machine's name and ARN, the tags
 * that carry the image URIs CDK chose at deploy time, and the execution input that runs it.
 * Shared by the CDK construct (which writes them) and `legacy-mlops start` (which reads them),
 * so the two cannot disagree. Free of aws-cdk-lib: `start` must load fast.
 */
import { stageInputKey } from '../asl/input-paths.js';
import { buildExecutionInput, type ExecutionInput } from '../input/execution-input.js';
import type { ResolvedPipeline, ResolvedStage } from '../model/types.js';

/**
 * Tag-key prefix on the state machine for the URI of each image built from a Dockerfile
 * (`legacy-mlops:image:<stage>`). Its tag is the asset hash, known only once CDK has built it.
 */
export const BUILT_IMAGE_TAG_PREFIX = 'legacy-mlops:image:';

/** A resource carries at most 50 user tags; keep room for the user's own. */
export const MAX_BUILT_IMAGE_TAGS = 40;

/** The state machine is named after the project: `start` finds it from the model alone. */
export function stateMachineName(pipeline: ResolvedPipeline): string {
  return pipeline.name;
}

export function stateMachineArn(pipeline: ResolvedPipeline): string {
  return `arn:${pipeline.partition}:states:${pipeline.region}:${pipeline.account}:stateMachine:${stateMachineName(pipeline)}`;
}

/** Stages whose image CDK builds from `stages/<name>/Dockerfile` and publishes as an asset. */
export function builtImageStages(pipeline: ResolvedPipeline): ResolvedStage[] {
  return pipeline.stages.filter((stage) => stage.image.source === 'dockerfile');
}

export function builtImageTagKey(stage: ResolvedStage): string {
  return `${BUILT_IMAGE_TAG_PREFIX}${stage.name}`;
}

/**
 * The execution input of a deployed pipeline: the model's input (bucket, role and framework images
 * are fixed by the model) with each Dockerfile stage's image replaced by the URI CDK published.
 * The construct calls it with CDK tokens, `start` with the values read back from the tags.
 */
export function deployedExecutionInput(pipeline: ResolvedPipeline, builtImages: Readonly<Record<string, string>>): ExecutionInput {
  const input = buildExecutionInput(pipeline);
  const stages = { ...input.stages };
  for (const stage of builtImageStages(pipeline)) {
    const uri = builtImages[stage.name];
    if (uri === undefined) throw new Error(`no deployed image for stage '${stage.name}' (tag ${builtImageTagKey(stage)} is missing): deploy the current version first`);
    const key = stageInputKey(stage.name);
    stages[key] = { ...stages[key], imageUri: uri };
  }
  return { ...input, stages };
}

/** The AWS console host of a partition: links printed by `start` and sent by failure notifications. */
export function consoleHost(partition: string, region: string): string {
  if (partition === 'aws-cn') return `${region}.console.amazonaws.cn`;
  if (partition === 'aws-us-gov') return `console.amazonaws-us-gov.com`;
  return `${region}.console.aws.amazon.com`;
}

export function executionConsoleUrl(partition: string, region: string, executionArn: string): string {
  return `https://${consoleHost(partition, region)}/states/home?region=${region}#/v2/executions/details/${executionArn}`;
}
