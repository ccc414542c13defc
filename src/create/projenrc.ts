/**
 * The generated repo's `.projenrc.ts`: the pipeline as an editable literal,
 * with only the fields that differ from the model's defaults.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ejs from 'ejs';
import { PLACEHOLDER_ACCOUNT } from '../docs/readme.js';
import {
  DEFAULT_ENDPOINT_WAIT_ATTEMPTS,
  DEFAULT_ENDPOINT_WAIT_INTERVAL_SECONDS,
  DEFAULT_INFERENCE_SCRIPT,
  DEFAULT_INSTANCE_COUNT,
  DEFAULT_INSTANCE_TYPE,
  DEFAULT_MAX_RUNTIME_SECONDS,
  DEFAULT_REPORT_FILE,
  DEFAULT_VOLUME_SIZE_GB,
  defaultEntryScript,
} from '../model/defaults.js';
import { defaultFrameworkVersion } from '../model/framework-images.js';
import { KIND_FACTS, KIND_OPTION_GROUP_NAMES } from '../model/stage-kinds.js';
import type { PipelineOptions, StageOptions } from '../model/types.js';
import { PROJECT_TYPE_IMPORT, templatesDir } from '../package-info.js';
import { tsLiteral, tsString, type LiteralValue } from './ts-literal.js';

export const PROJENRC_FILE = '.projenrc.ts';
const TEMPLATE = 'projenrc.ts.ejs';

/** Everything `.projenrc.ts` declares; the same object is synthesized in-process. */
export interface ProjectDefinition {
  readonly pipeline: PipelineOptions;
  /** npm spec of generator-legacy-mlops, written only when not the default (tests point it at a tarball). */
  readonly legacyMlopsVersion?: string;
}

export function renderProjenrc(definition: ProjectDefinition, template = readFileSync(join(templatesDir(), TEMPLATE), 'utf8')): string {
  const { pipeline } = definition;
  return ejs.render(template, {
    projectImport: tsString(PROJECT_TYPE_IMPORT),
    name: tsString(pipeline.name),
    region: tsString(pipeline.region),
    account: tsString(pipeline.account),
    accountIsPlaceholder: pipeline.account === PLACEHOLDER_ACCOUNT,
    bucket: pipeline.bucket === undefined ? undefined : tsString(pipeline.bucket),
    existingBucket: pipeline.existingBucket === true,
    stages: tsLiteral((pipeline.stages ?? []).map(compactStage) as LiteralValue, '  ', { expandDepth: 2 }),
    fanOut: pipeline.fanOut === undefined ? undefined : tsLiteral(pipeline.fanOut as LiteralValue, '  '),
    notifications: pipeline.notifications === undefined ? undefined : tsLiteral(pipeline.notifications as LiteralValue, '  '),
    legacyMlopsVersion: definition.legacyMlopsVersion === undefined ? undefined : tsString(definition.legacyMlopsVersion),
    defaults: { instanceType: DEFAULT_INSTANCE_TYPE, volumeSizeGb: DEFAULT_VOLUME_SIZE_GB, maxRuntimeSeconds: DEFAULT_MAX_RUNTIME_SECONDS },
  });
}

/**
 * A stage with its default-valued fields left out, keys in reading order: every field of every kind
 * (the kind-specific ones after the common ones). `mode` stays on kinds with an image of their own:
 * it is the one choice every reader of such a stage wants to see.
 */
/** The pipeline as `.projenrc.ts` declares it: each stage in its compact form, without the keys it leaves out. */
export function declaredPipeline(pipeline: PipelineOptions): PipelineOptions {
  if (!pipeline.stages) return pipeline;
  return { ...pipeline, stages: pipeline.stages.map((stage) => JSON.parse(JSON.stringify(compactStage(stage))) as StageOptions) };
}

export function compactStage(stage: StageOptions): Record<string, LiteralValue> {
  const kind = stage.kind ?? 'processing';
  // An unknown kind is written as given; the model names the problem.
  const hasImage = KIND_FACTS[kind]?.hasImage ?? true;
  const mode = hasImage ? (stage.mode ?? (stage.imageUri ? 'container' : 'script')) : stage.mode;
  const framework = stage.framework;
  const frameworkIsDefault = framework !== undefined && framework.name === 'sklearn' && (framework.version ?? defaultFrameworkVersion('sklearn')) === defaultFrameworkVersion('sklearn');
  const keep = <T>(value: T | undefined, fallback: T) => (value === undefined || value === fallback ? undefined : value);
  const nonEmpty = <T extends object>(value: T | undefined) => (value && Object.keys(value).length > 0 ? value : undefined);
  const gate = stage.gate;
  const wait = stage.endpointWait && {
    intervalSeconds: keep(stage.endpointWait.intervalSeconds, DEFAULT_ENDPOINT_WAIT_INTERVAL_SECONDS),
    maxAttempts: keep(stage.endpointWait.maxAttempts, DEFAULT_ENDPOINT_WAIT_ATTEMPTS),
  };
  return {
    name: stage.name,
    description: stage.description,
    kind: keep(stage.kind, 'processing'),
    mode,
    framework: (mode ?? 'script') === 'script' && framework && !frameworkIsDefault ? { name: framework.name, version: framework.version } : undefined,
    imageUri: stage.imageUri,
    entryScript: keep(stage.entryScript, KIND_FACTS[kind].servesModel ? DEFAULT_INFERENCE_SCRIPT : defaultEntryScript(stage.name)),
    instanceType: keep(stage.instanceType, DEFAULT_INSTANCE_TYPE),
    instanceCount: keep(stage.instanceCount, DEFAULT_INSTANCE_COUNT),
    volumeSizeGb: keep(stage.volumeSizeGb, DEFAULT_VOLUME_SIZE_GB),
    maxRuntimeSeconds: keep(stage.maxRuntimeSeconds, DEFAULT_MAX_RUNTIME_SECONDS),
    environment: nonEmpty(stage.environment),
    inputs: stage.inputs?.map((i) => ({ name: i.name, from: i.from, localPath: i.localPath, distribution: keep(i.distribution, 'replicated') })) as LiteralValue,
    outputs: stage.outputs?.map((o) => ({ name: o.name, localPath: o.localPath })) as LiteralValue,
    skippable: keep(stage.skippable, false),
    hyperparameters: nonEmpty(stage.hyperparameters),
    // Each kind's own option group (tuning, …), as declared.
    ...Object.fromEntries(KIND_OPTION_GROUP_NAMES.map((group) => [group, stage[group] as LiteralValue])),
    gate: gate && {
      metric: gate.metric,
      threshold: gate.threshold,
      greaterIsBetter: keep(gate.greaterIsBetter, true),
      onFail: keep(gate.onFail, 'fail'),
      reportFile: keep(gate.reportFile, DEFAULT_REPORT_FILE),
    },
    modelStage: stage.modelStage,
    registry: nonEmpty(stage.registry) as LiteralValue,
    approval: nonEmpty(stage.approval) as LiteralValue,
    endpointName: stage.endpointName,
    endpointWait: wait && Object.values(wait).some((v) => v !== undefined) ? wait : undefined,
  };
}
