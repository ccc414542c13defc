/**
 * The local code behind a Task state: which `stages/<name>/` folder it runs, how the code gets into
 * the job (the `code` input channel for script mode, or the image built from the stage's Dockerfile),
 * and which files its entrypoint needs. Read from the ASL's static Parameters before the run.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { CODE_CHANNEL } from '../model/defaults.js';
import { parseDockerfile, type DockerfileInfo } from './dockerfile.js';
import { STAGE_TAG_KEY } from '../model/rules.js';

const STAGES_DIR = 'stages';

export interface StageCode {
  readonly stateName: string;
  readonly stageName: string;
  /** Absolute `stages/<name>` folder. */
  readonly stageDir: string;
  /**
   * Script mode: the code channel's input (synced from the stage folder) and the static ContainerEntrypoint.
   * `inModelArtifact`: the code comes inside a model artifact (a transform's inference code), not from the stage folder.
   */
  readonly script?: { readonly channel: string; readonly localPath: string; readonly entrypoint?: readonly string[]; readonly inModelArtifact?: boolean };
  /** The stage's Dockerfile, when it has one. */
  readonly dockerfile?: { readonly path: string; readonly info: DockerfileInfo };
  /** Static ContainerArguments, when the ASL sets them. */
  readonly containerArguments?: readonly string[];
}

type Json = unknown;

/** Where a training job's channels land; the code channel is one of them. */
const TRAINING_CHANNEL_ROOT = '/opt/ml/input/data';

/** Reads a CreateProcessingJob or a CreateTrainingJob request (the latter has an AlgorithmSpecification). */
export function stageCodeOf(repoRoot: string, stateName: string, parameters: Json): StageCode {
  const params = asObject(parameters);
  const training = 'AlgorithmSpecification' in params;
  const app = asObject(training ? params.AlgorithmSpecification : params.AppSpecification);
  const stageName = stageNameFromTags(params.Tags) ?? stateName;
  const stageDir = join(repoRoot, STAGES_DIR, stageName);
  const entrypoint = stringArray(app.ContainerEntrypoint);
  const localPath = training ? trainingCodePath(params) : processingCodePath(params);
  const script = typeof localPath === 'string' && ('ContainerEntrypoint' in app || 'ContainerEntrypoint.$' in app)
    ? { channel: CODE_CHANNEL, localPath, entrypoint }
    : undefined;
  const dockerfilePath = join(stageDir, 'Dockerfile');
  const dockerfile = existsSync(dockerfilePath) ? { path: dockerfilePath, info: parseDockerfile(readFileSync(dockerfilePath, 'utf8')) } : undefined;
  return { stateName, stageName, stageDir, script, dockerfile, containerArguments: stringArray(app.ContainerArguments) };
}

function processingCodePath(params: Record<string, Json>): Json {
  const codeInput = (Array.isArray(params.ProcessingInputs) ? params.ProcessingInputs : []).map(asObject).find((input) => input.InputName === CODE_CHANNEL);
  return codeInput ? asObject(codeInput.S3Input).LocalPath : undefined;
}

function trainingCodePath(params: Record<string, Json>): string | undefined {
  const channels = (Array.isArray(params.InputDataConfig) ? params.InputDataConfig : []).map(asObject);
  return channels.some((c) => c.ChannelName === CODE_CHANNEL) ? `${TRAINING_CHANNEL_ROOT}/${CODE_CHANNEL}` : undefined;
}

/** Where the stage folder appears inside the job: the code channel, or where the Dockerfile copies it. */
export function codeMountOf(stage: StageCode): string | undefined {
  return stage.script ? stage.script.localPath.replace(/\/+$/, '') : stage.dockerfile?.info.codeDir;
}

/** The folder of the stage mounted at codeMountOf: the stage folder, or the part of it the Dockerfile copies. */
export function codeSourceOf(stage: StageCode): string {
  const sub = stage.script ? undefined : stage.dockerfile?.info.codeSource;
  return sub ? join(stage.stageDir, sub) : stage.stageDir;
}

/**
 * The command the job's container runs when it is known before the run: the static ContainerEntrypoint
 * (plus arguments), else the Dockerfile's ENTRYPOINT/CMD. Undefined when only the image knows it.
 */
export function staticCommandOf(stage: StageCode): readonly string[] | undefined {
  if (stage.script) return stage.script.entrypoint ? [...stage.script.entrypoint, ...(stage.containerArguments ?? [])] : undefined;
  const info = stage.dockerfile?.info;
  if (!info || (!info.entrypoint && !info.cmd)) return undefined;
  return [...(info.entrypoint ?? []), ...(stage.containerArguments ?? info.cmd ?? [])];
}

/**
 * Problems that stop the run before any job starts: a missing stage folder, or a script the
 * entrypoint names that is not in it. Paths are relative to the repo for the message.
 */
export function stageCodeProblems(repoRoot: string, stage: StageCode): string[] {
  const shownDir = relative(repoRoot, stage.stageDir);
  if (!existsSync(stage.stageDir)) return [`state '${stage.stateName}': stage folder ${shownDir}/ not found`];
  const mount = codeMountOf(stage);
  const command = staticCommandOf(stage);
  if (!mount || !command) return [];
  const problems: string[] = [];
  for (const file of filesUnder(mount, command)) {
    if (!existsSync(join(codeSourceOf(stage), file))) {
      problems.push(`state '${stage.stateName}': script ${shownDir}/${file} not found (its entrypoint runs ${mount}/${file})`);
    }
  }
  return problems;
}

/** Files below `mount` that the command names (`/opt/ml/processing/input/code/x.py` → `x.py`). */
function filesUnder(mount: string, command: readonly string[]): string[] {
  const files = new Set<string>();
  const escaped = mount.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = new RegExp(`${escaped}/([\\w./-]+\\.(?:py|sh|R|jar))(?![\\w./-])`, 'g');
  for (const part of command) {
    for (const match of part.matchAll(pattern)) {
      if (!match[1].split('/').includes('..')) files.add(match[1]);
    }
  }
  return [...files];
}

function stageNameFromTags(tags: Json): string | undefined {
  if (!Array.isArray(tags)) return undefined;
  const tag = tags.map(asObject).find((t) => t.Key === STAGE_TAG_KEY);
  return typeof tag?.Value === 'string' && /^[a-z][a-z0-9-]*$/.test(tag.Value) ? tag.Value : undefined;
}

function asObject(value: Json): Record<string, Json> {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, Json>) : {};
}

function stringArray(value: Json): string[] | undefined {
  return Array.isArray(value) && value.every((v) => typeof v === 'string') ? (value as string[]) : undefined;
}
