/**
 * Tampering, checked against the model itself (independently of the drift check): the model in
 * `pipeline/pipeline-model.json` must be what its options resolve to; every Task state keeps the
 * Retry, Catch and TimeoutSeconds the model gives it and runs the ContainerEntrypoint the model says;
 * the sample execution input names a role of the model's account, the model's bucket prefixes and
 * images of the model's registries; entry scripts stay inside their `stages/<name>/` folder.
 */
import { readFileSync, realpathSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { buildStateMachine } from '../asl/state-machine.js';
import { PIPELINE_MODEL_FILE, readPipelineModel } from '../construct/pipeline-model.js';
import { buildExecutionInput } from '../input/execution-input.js';
import { ECR_IMAGE_PATTERN, ROLE_ARN_PATTERN } from '../model/rules.js';
import { resolvePipeline } from '../model/resolve.js';
import { KIND_FACTS } from '../model/stage-kinds.js';
import type { PipelineOptions, ResolvedPipeline } from '../model/types.js';
import { PIPELINE_FILES } from '../model/repo-layout.js';
import { isObject, type Finding } from './types.js';

export const MODEL_INTEGRITY_CHECK = 'model-integrity';
/** What each Task must keep exactly as the model gives it. */
const KEPT_FIELDS = ['Retry', 'Catch', 'TimeoutSeconds'] as const;

export function checkModelIntegrity(projectDir: string, definition: unknown, input: unknown): Finding[] {
  const findings: Finding[] = [];
  const add = (location: string, message: string) => findings.push({ check: MODEL_INTEGRITY_CHECK, location, message });
  let pipeline: ResolvedPipeline | undefined;
  try {
    pipeline = readPipelineModel(projectDir).environments[0].pipeline;
  } catch (error) {
    add(PIPELINE_MODEL_FILE, (error as Error).message.replace(`${PIPELINE_MODEL_FILE} `, ''));
    // The rest is still checked against the model its options resolve to, when they do.
    pipeline = modelFromOptions(projectDir);
    if (!pipeline) return findings;
  }
  if (definition !== undefined) checkTasks(pipeline, definition, add);
  if (input !== undefined) checkInput(pipeline, input, add);
  checkEntryScripts(projectDir, pipeline, add);
  return findings;
}

type Add = (location: string, message: string) => void;

function checkTasks(pipeline: ResolvedPipeline, definition: unknown, add: Add): void {
  const expected = plain(buildStateMachine(pipeline)) as { States: Record<string, Record<string, unknown>> };
  const states = isObject(definition) && isObject(definition.States) ? definition.States : {};
  const at = (name: string) => `${PIPELINE_FILES.stateMachine}: state '${name}'`;
  for (const [name, want] of Object.entries(expected.States)) {
    if (want.Type !== 'Task') continue;
    const state = states[name];
    if (!isObject(state) || state.Type !== 'Task') {
      add(at(name), 'the model\'s Task state is missing or no longer a Task');
      continue;
    }
    for (const field of KEPT_FIELDS) {
      if (isDeepStrictEqual(want[field], state[field])) continue;
      add(at(name), `${field} was ${state[field] === undefined ? 'removed' : 'changed'} (the model gives it ${clip(JSON.stringify(want[field]))}): run npx projen to restore it`);
    }
    const wantEntrypoint = findKey(want, 'ContainerEntrypoint');
    const entrypoint = findKey(state, 'ContainerEntrypoint');
    if (!isDeepStrictEqual(wantEntrypoint, entrypoint)) {
      add(at(name), `ContainerEntrypoint is ${clip(JSON.stringify(entrypoint) ?? 'absent')}, not what the model says (${clip(JSON.stringify(wantEntrypoint) ?? 'absent')})`);
    }
  }
  for (const [name, state] of Object.entries(states)) {
    if (isObject(state) && state.Type === 'Task' && expected.States[name]?.Type !== 'Task') add(at(name), 'is a Task the model does not have');
  }
}

function checkInput(pipeline: ResolvedPipeline, input: unknown, add: Add): void {
  if (!isObject(input)) return;
  const expected = plain(buildExecutionInput(pipeline)) as Record<string, unknown>;
  const at = (field: string) => `${PIPELINE_FILES.executionInput}: ${field}`;
  for (const [field, value] of Object.entries(expected)) {
    const actual = input[field];
    if (typeof value !== 'string' || typeof actual !== 'string') continue;
    if (field.endsWith('RoleArn') || field === 'roleArn') {
      const account = ROLE_ARN_PATTERN.exec(actual)?.[2];
      if (account !== pipeline.account) add(at(field), `role '${actual}' is ${account ? `in account ${account}` : 'not an IAM role ARN'}, not the model's account ${pipeline.account}`);
    } else if (value.startsWith('s3://') && !actual.startsWith(value)) {
      add(at(field), `'${actual}' is outside the model's prefix ${value} (bucket ${pipeline.s3.bucket})`);
    }
  }
  const stages = isObject(expected.stages) ? expected.stages : {};
  const given = isObject(input.stages) ? input.stages : {};
  for (const [key, settings] of Object.entries(stages)) {
    const want = isObject(settings) ? settings.imageUri : undefined;
    const actual = isObject(given[key]) ? given[key].imageUri : undefined;
    if (typeof want !== 'string' || typeof actual !== 'string') continue;
    const registry = (uri: string) => {
      const m = ECR_IMAGE_PATTERN.exec(uri);
      return m ? `${m[1]}.dkr.ecr.${m[2]}.amazonaws.com${m[3] ?? ''}/${m[4]}` : undefined;
    };
    if (registry(actual) !== registry(want)) add(at(`stages.${key}.imageUri`), `'${actual}' is not in the model's image repository ${registry(want) ?? want}`);
  }
}

function checkEntryScripts(projectDir: string, pipeline: ResolvedPipeline, add: Add): void {
  const stagesRoot = resolve(projectDir, 'stages');
  for (const stage of pipeline.stages) {
    if (!KIND_FACTS[stage.kind].hasCode) continue;
    const folder = resolve(projectDir, stage.codeDir);
    const script = resolve(folder, stage.entryScript);
    const outside = (path: string, root: string) => {
      const rel = relative(root, path);
      return rel === '' || rel.startsWith('..') || isAbsolute(rel);
    };
    if (outside(script, folder)) {
      add(`${PIPELINE_MODEL_FILE}: stage '${stage.name}'`, `entry script '${stage.entryScript}' resolves outside ${stage.codeDir}/`);
      continue;
    }
    let real: string | undefined;
    try {
      real = realpathSync(script);
    } catch {
      continue; // a missing script is the Python check's finding
    }
    if (outside(real, realpathOrSelf(stagesRoot))) add(join(stage.codeDir, stage.entryScript), `is a link to ${real}, outside stages/`);
  }
}

function modelFromOptions(projectDir: string): ResolvedPipeline | undefined {
  try {
    const raw = JSON.parse(readFileSync(join(projectDir, PIPELINE_MODEL_FILE), 'utf8')) as { options?: PipelineOptions };
    return raw.options ? resolvePipeline(raw.options) : undefined;
  } catch {
    return undefined;
  }
}

function realpathOrSelf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

function findKey(value: unknown, key: string): unknown {
  if (Array.isArray(value)) {
    for (const item of value) {
      const found = findKey(item, key);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (!isObject(value)) return undefined;
  if (key in value) return value[key];
  for (const inner of Object.values(value)) {
    const found = findKey(inner, key);
    if (found !== undefined) return found;
  }
  return undefined;
}

function clip(text: string): string {
  return text.length > 100 ? `${text.slice(0, 100)}…` : text;
}

function plain(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value));
}
