/**
 * The sample execution input (`pipeline/execution-input.json`) and its JSON Schema
 * (`pipeline/execution-input.schema.json`). Run-specific values live here, not in the ASL,
 * so one deployed state machine serves any bucket, role, image or instance size.
 */
import { STAGE_SETTINGS, stageInputKey } from '../asl/input-paths.js';
import { PROCESSING_INSTANCE_TYPES, INSTANCE_COUNT_RANGE, MAX_RUNTIME_RANGE, VOLUME_SIZE_RANGE } from '../model/rules.js';
import type { ResolvedPipeline, ResolvedStage } from '../model/types.js';

export interface StageRunSettings {
  readonly imageUri: string;
  readonly instanceType: string;
  readonly instanceCount: number;
  readonly volumeSizeInGB: number;
  readonly maxRuntimeInSeconds: number;
}

export interface ExecutionInput {
  readonly roleArn: string;
  readonly rawDataUri: string;
  readonly codeUri: string;
  readonly runsUri: string;
  readonly stages: Record<string, StageRunSettings>;
}

export function stageImageUri(stage: ResolvedStage): string {
  return stage.image.source === 'framework' ? stage.image.framework.imageUri : stage.image.imageUri;
}

export function buildExecutionInput(pipeline: ResolvedPipeline): ExecutionInput {
  const stages: Record<string, StageRunSettings> = {};
  for (const stage of pipeline.stages) {
    stages[stageInputKey(stage.name)] = {
      imageUri: stageImageUri(stage),
      instanceType: stage.instanceType,
      instanceCount: stage.instanceCount,
      volumeSizeInGB: stage.volumeSizeGb,
      maxRuntimeInSeconds: stage.maxRuntimeSeconds,
    };
  }
  return {
    roleArn: pipeline.roles.sageMakerExecutionRoleArn,
    rawDataUri: pipeline.s3.rawDataUri,
    codeUri: pipeline.s3.codeUri,
    runsUri: pipeline.s3.runsUri,
    stages,
  };
}

/** S3 prefix URI: `s3://<bucket>/<key prefix>/`, always ending in `/`. */
const S3_PREFIX_PATTERN = '^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]/([^/]+/)*$';
const ROLE_ARN_PATTERN = '^arn:aws(-cn|-us-gov)?:iam::\\d{12}:role/[\\w+=,.@/-]{1,512}$';
const ECR_IMAGE_PATTERN = '^\\d{12}\\.dkr\\.ecr\\.[a-z0-9-]+\\.amazonaws\\.com(\\.cn)?/[a-z0-9]+([._/-][a-z0-9]+)*(:[\\w][\\w.-]{0,127}|@sha256:[a-f0-9]{64})?$';

/** JSON Schema (draft-07) for the execution input; the sample must validate against it. */
export function buildExecutionInputSchema(pipeline: ResolvedPipeline): Record<string, unknown> {
  // One shared definition per stage kind keeps the schema small however many stages there are.
  const processingStage = {
    type: 'object',
    additionalProperties: false,
    required: [...STAGE_SETTINGS],
    properties: {
      imageUri: { type: 'string', pattern: ECR_IMAGE_PATTERN, description: 'Amazon ECR image the job runs.' },
      instanceType: { type: 'string', enum: [...PROCESSING_INSTANCE_TYPES], description: 'SageMaker processing instance type.' },
      instanceCount: { type: 'integer', minimum: INSTANCE_COUNT_RANGE[0], maximum: INSTANCE_COUNT_RANGE[1] },
      volumeSizeInGB: { type: 'integer', minimum: VOLUME_SIZE_RANGE[0], maximum: VOLUME_SIZE_RANGE[1] },
      maxRuntimeInSeconds: { type: 'integer', minimum: MAX_RUNTIME_RANGE[0], maximum: MAX_RUNTIME_RANGE[1] },
    },
  };
  const stageSchema = (stage: ResolvedStage) => ({
    description: `Run settings of the ${stage.name} stage.`,
    $ref: '#/definitions/processingStage',
  });
  const stageKeys = pipeline.stages.map((s) => stageInputKey(s.name));
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: `urn:legacy-mlops:${pipeline.name}:execution-input`,
    title: `${pipeline.name} execution input`,
    description: 'Input of one execution of the state machine in pipeline/state-machine.asl.json (generated; do not edit).',
    type: 'object',
    definitions: { processingStage },
    additionalProperties: false,
    required: ['roleArn', 'rawDataUri', 'codeUri', 'runsUri', 'stages'],
    properties: {
      roleArn: { type: 'string', pattern: ROLE_ARN_PATTERN, description: 'SageMaker execution role the jobs run as.' },
      rawDataUri: { type: 'string', pattern: S3_PREFIX_PATTERN, description: 'S3 prefix of the raw input data.' },
      codeUri: { type: 'string', pattern: S3_PREFIX_PATTERN, description: 'S3 prefix holding one folder of code per script-mode stage.' },
      runsUri: { type: 'string', pattern: S3_PREFIX_PATTERN, description: 'S3 prefix under which each execution writes <execution name>/<stage>/<output>/.' },
      stages: {
        type: 'object',
        additionalProperties: false,
        required: stageKeys,
        properties: Object.fromEntries(pipeline.stages.map((s) => [stageInputKey(s.name), stageSchema(s)])),
      },
    },
  };
}
