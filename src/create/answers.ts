/**
 * The answers given up front, from flags and from an `--answers` JSON file
 * (flags win), each checked against the model at once and remembered with
 * where it came from, so an error names the flag or file entry to fix.
 */
import * as path from 'node:path';
import { validatePipeline } from '../model/resolve.js';
import { KIND_FACTS } from '../model/stage-kinds.js';
import { stageShapeProblems } from '../model/options-schema.js';
import { closestKey } from '../model/suggest.js';
import { REGION_PATTERN } from '../model/rules.js';
import type { StageOptions } from '../model/types.js';
import { describeKind, FileKindError, readRegularFile } from './file-kind.js';
import { CreateError, describeOrigin, invalidAnswer, type AnswerOrigin, type Given } from './errors.js';
import { projectFieldProblem, stageFieldOf, stageFieldProblem, type ProjectField } from './field-checks.js';
import { approverEmailProblem } from './governance-answers.js';
import { checkFanOutGiven, fanOutFromFile, fanOutFromFlags, type FanOutGiven } from './fan-out-answers.js';
import { PRESET_NAMES, type CreateFlags, type PresetName } from './flags.js';
import { optionOf, readValue } from './option-table.js';
import { tuningFromFile, tuningFromFlags, type TuningGiven } from './tuning-answers.js';
import { checkReadable, parseFromSpec, type FromItem } from './legacy-import.js';
import { parseStageSpecs } from './stage-spec.js';
import { newStage } from './stage-catalog.js';

export type { Given } from './errors.js';

export interface GivenAnswers extends FanOutGiven, TuningGiven {
  name?: Given<string>;
  region?: Given<string>;
  account?: Given<string>;
  bucket?: Given<string>;
  /** `bucket` names a bucket that exists: the stack uses it and never creates it. */
  existingBucket?: Given<boolean>;
  stages?: Given<StageOptions[]>;
  /** Stage layout when `stages` is not given. */
  preset?: Given<PresetName>;
  /** Applied to every stage that does not set its own. */
  instanceType?: Given<string>;
  volumeSizeGb?: Given<number>;
  maxRuntimeSeconds?: Given<number>;
  from?: Given<FromItem[]>;
  /** Who approval stages e-mail (the notifications topic's subscription). */
  approverEmail?: Given<string>;
}

/** Keys an answers file may hold (its stage objects are StageOptions). */
export const ANSWER_FILE_KEYS = ['name', 'region', 'account', 'bucket', 'existingBucket', 'stages', 'preset', 'instanceType', 'volumeSizeGb', 'maxRuntimeSeconds', 'from', 'fanOut', 'approverEmail', 'tuning'] as const;

/** Reads and checks everything given before any question is asked. `cwd` resolves relative paths of flags. */
export function collectGiven(flags: CreateFlags, cwd: string): GivenAnswers {
  const given: GivenAnswers = flags.answers ? readAnswersFile(path.resolve(cwd, flags.answers)) : {};
  const flag = <T>(value: T | undefined, name: string): Given<T> | undefined => (value === undefined ? undefined : { value, origin: { kind: 'flag', flag: `--${name}` } });
  const fromFlags: GivenAnswers = {
    name: flag(flags.name, 'name'),
    region: flag(flags.region, 'region'),
    account: flag(flags.account, 'account'),
    bucket: flag(flags.bucket, 'bucket'),
    existingBucket: flag(flags.existingBucket, 'existing-bucket'),
    stages: flags.stages === undefined ? undefined : flag(parseStageSpecs(flags.stages, '--stages'), 'stages'),
    preset: flags.preset === undefined ? undefined : flag(parsePreset(flags.preset, '--preset'), 'preset'),
    instanceType: flag(flags.instanceType, 'instance-type'),
    volumeSizeGb: flags.volumeSize === undefined ? undefined : flag(flagValue('volume-size', flags.volumeSize), 'volume-size'),
    maxRuntimeSeconds: flags.maxRuntime === undefined ? undefined : flag(flagValue('max-runtime', flags.maxRuntime), 'max-runtime'),
    from: flags.from === undefined ? undefined : flag(parseFromSpec(flags.from, cwd, '--from'), 'from'),
    approverEmail: flag(flags.approverEmail, 'approver-email'),
    ...fanOutFromFlags(flags),
    ...tuningFromFlags(flags),
  };
  for (const [key, value] of Object.entries(fromFlags)) if (value !== undefined) (given as Record<string, unknown>)[key] = value;
  checkGiven(given);
  return given;
}

/** Each given answer against the model, before anything else happens. */
export function checkGiven(given: GivenAnswers): void {
  for (const field of ['name', 'region', 'account', 'bucket'] as ProjectField[]) {
    const answer = given[field];
    const problem = answer && projectFieldProblem(field, answer.value);
    if (problem) throw invalidAnswer(answer.origin, problem);
  }
  // An existing bucket must be named: the derived default is a bucket the stack creates.
  if (given.existingBucket?.value === true && !given.bucket) {
    throw invalidAnswer(given.existingBucket.origin, 'names no bucket: give the existing bucket\'s name with --bucket <name> (or `bucket` in the answers file)');
  }
  const probe = { name: 'probe', mode: 'container' } as const;
  if (given.instanceType) {
    const problem = stageFieldProblem({ ...probe, instanceType: given.instanceType.value }, 'instanceType');
    if (problem) throw invalidAnswer(given.instanceType.origin, problem);
  }
  if (given.volumeSizeGb) {
    const problem = stageFieldProblem({ ...probe, volumeSizeGb: given.volumeSizeGb.value }, 'volumeSizeGb');
    if (problem) throw invalidAnswer(given.volumeSizeGb.origin, problem);
  }
  if (given.maxRuntimeSeconds) {
    const problem = stageFieldProblem({ ...probe, maxRuntimeSeconds: given.maxRuntimeSeconds.value }, 'maxRuntimeSeconds');
    if (problem) throw invalidAnswer(given.maxRuntimeSeconds.origin, problem);
  }
  checkFanOutGiven(given);
  if (given.approverEmail) {
    const problem = approverEmailProblem(given.approverEmail.value);
    if (problem) throw invalidAnswer(given.approverEmail.origin, problem);
  }
  if (given.from) checkReadable(given.from.value, describeOrigin(given.from.origin));
  if (given.stages) {
    const region = given.region?.value ?? 'us-east-1';
    const problems = validatePipeline({ name: 'probe', account: '111122223333', region: REGION_PATTERN.test(region) ? region : 'us-east-1', stages: given.stages.value }).filter((p) => stageFieldOf(p) || p.path === 'stages');
    // The stage cap's message stands alone; a field's names its stage.
    if (problems.length > 0) throw invalidAnswer(given.stages.origin, problems[0].path === 'stages' ? problems[0].message : `${problems[0].path}: ${problems[0].message}`);
  }
}

export function parsePreset(text: string, origin: string): PresetName {
  if (!(PRESET_NAMES as string[]).includes(text)) throw new CreateError(`Invalid ${origin}: '${text}' is not a preset (allowed: ${PRESET_NAMES.join(', ')})`);
  return text as PresetName;
}

/** A flag's text read by its row of the option table (the reading yo stage gives the same flag). */
function flagValue(name: string, text: string): number {
  const read = readValue(optionOf('create', name)!, text);
  if ('problem' in read) throw new CreateError(`Invalid --${name}: ${read.problem}`);
  return read.value as number;
}

/** An answers file: a JSON object with the keys of {@link ANSWER_FILE_KEYS}; `from` paths are relative to the file. */
export function readAnswersFile(file: string): GivenAnswers {
  const label = path.basename(file);
  let data: unknown;
  try {
    // Only a regular file: a FIFO here would block the read forever.
    data = JSON.parse(readRegularFile(file).toString('utf8'));
  } catch (error) {
    if (error instanceof FileKindError) throw new CreateError(`Invalid --answers: ${file} is ${describeKind(error.kind)}: give a JSON file`);
    const e = error as NodeJS.ErrnoException;
    const why = e.code === 'ENOENT' ? 'it does not exist' : e.code ? e.code : `it is not valid JSON (${e.message})`;
    throw new CreateError(`Invalid --answers: cannot read ${file}: ${why}`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new CreateError(`Invalid --answers: ${file} must hold a JSON object`);
  const record = data as Record<string, unknown>;
  const unknown = Object.keys(record).filter((k) => !(ANSWER_FILE_KEYS as readonly string[]).includes(k));
  if (unknown.length > 0) {
    const hints = unknown.map((k) => {
      const closest = closestKey(k, ANSWER_FILE_KEYS);
      return closest ? `${k} (did you mean ${closest}?)` : k;
    });
    throw new CreateError(`Invalid --answers: ${label} has unknown key(s) ${hints.join(', ')} (allowed: ${ANSWER_FILE_KEYS.join(', ')})`);
  }
  const origin = (key: string): AnswerOrigin => ({ kind: 'file', file: label, key });
  const entry = <T>(key: string, value: T): Given<T> => ({ value, origin: origin(key) });
  const text = (key: string): Given<string> | undefined => {
    const v = record[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'string') throw new CreateError(`Invalid ${describeOrigin(origin(key))}: must be a string`);
    return entry(key, v);
  };
  const bool = (key: string): Given<boolean> | undefined => {
    const v = record[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'boolean') throw new CreateError(`Invalid ${describeOrigin(origin(key))}: must be true or false`);
    return entry(key, v);
  };
  const number = (key: string): Given<number> | undefined => {
    const v = record[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'number') throw new CreateError(`Invalid ${describeOrigin(origin(key))}: must be a number`);
    return entry(key, v);
  };
  const from = record.from;
  if (from !== undefined && typeof from !== 'string' && !(Array.isArray(from) && from.every((f) => typeof f === 'string'))) {
    throw new CreateError(`Invalid ${describeOrigin(origin('from'))}: must be a string or a list of strings`);
  }
  return {
    name: text('name'),
    region: text('region'),
    account: text('account'),
    bucket: text('bucket'),
    existingBucket: bool('existingBucket'),
    stages: record.stages === undefined ? undefined : entry('stages', fileStages(record.stages, describeOrigin(origin('stages')))),
    preset: text('preset') && entry('preset', parsePreset(String(record.preset), describeOrigin(origin('preset')))),
    instanceType: text('instanceType'),
    volumeSizeGb: number('volumeSizeGb'),
    maxRuntimeSeconds: number('maxRuntimeSeconds'),
    from: from === undefined ? undefined : entry('from', parseFromSpec([from].flat().join(','), path.dirname(file), describeOrigin(origin('from')))),
    approverEmail: text('approverEmail'),
    ...(record.fanOut === undefined ? {} : fanOutFromFile(record.fanOut, label)),
    ...(record.tuning === undefined ? {} : tuningFromFile(record.tuning, label)),
  };
}

/** `stages` in a file: a `--stages` string, or a list of such strings and StageOptions objects. */
function fileStages(value: unknown, origin: string): StageOptions[] {
  if (typeof value === 'string') return parseStageSpecs(value, origin);
  if (!Array.isArray(value)) throw new CreateError(`Invalid ${origin}: must be a list of stages or a '--stages' string`);
  const stages = value.map((item, i): StageOptions => {
    if (typeof item === 'string') return parseStageSpecs(item, origin)[0];
    if (typeof item !== 'object' || item === null || typeof (item as StageOptions).name !== 'string') {
      throw new CreateError(`Invalid ${origin}: item ${i + 1} must be a stage object with a name, or a 'name:mode' string`);
    }
    // The same runtime schema as .projenrc.ts: unknown keys (with the closest valid one) and wrong types.
    const shape = stageShapeProblems(item, i);
    if (shape.length > 0) throw new CreateError(`Invalid ${origin}: ${shape.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
    const stage = item as StageOptions;
    // Transform and endpoint stages run their model's image: no mode of their own.
    if (KIND_FACTS[stage.kind ?? 'processing']?.hasImage === false) return stage;
    // A framework or an image URI says the mode; otherwise a known stage takes its usual one.
    const mode = stage.mode ?? (stage.imageUri ? 'container' : stage.framework ? 'script' : undefined);
    return { ...newStage(stage.name, mode), ...stage };
  });
  const names = stages.map((s) => s.name);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice) throw new CreateError(`Invalid ${origin}: stage '${twice}' is listed twice; stage names must be unique`);
  return stages;
}
