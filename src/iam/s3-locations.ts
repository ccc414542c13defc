/**
 * Turns the S3 URI expressions of a Task's parameters into IAM patterns. The ASL builds URIs from
 * the execution input (`$.rawDataUri`, `$.codeUri`, `$.runsUri`) and `$$.Execution.Name`; the input
 * values are the pipeline's S3 layout, the execution name is any name (`*`) in a pattern and a
 * sample name in a concrete call.
 *
 * Hand-written: a tiny evaluator for the two forms the ASL uses (a path, and `States.Format` over
 * paths). No library evaluates intrinsics to IAM patterns; anything else is rejected, not guessed.
 */
import { INPUT, ITEM_INPUT, modelArtifactsPath } from '../asl/input-paths.js';
import { runOutputUri } from '../asl/s3-locations.js';
import { MODEL_OUTPUT } from '../model/defaults.js';
import type { ResolvedPipeline } from '../model/types.js';
import { literal } from './arns.js';
import { KIND_FACTS } from '../model/stage-kinds.js';

const EXECUTION_NAME_PATH = '$$.Execution.Name';
/** The item a concrete sample call of a fan-out is made for. */
const SAMPLE_ITEM_ID = 'item-1';
const PATH = /^\$\$?(\.[A-Za-z_][A-Za-z0-9_]*)+$/;
const FORMAT = /^States\.Format\('([^'\\]*)'((?:\s*,\s*[^,()\s]+)*)\s*\)$/;

/** A key prefix in one bucket, as a pattern (execution name = `*`) and as a sample. */
export interface S3Prefix {
  readonly bucket: string;
  readonly keyPattern: string;
  readonly sampleKey: string;
}

/**
 * Reads the S3 URI of a parameter object (`{ 'S3Uri.$': expr }` or `{ S3Uri: 's3://…' }`).
 * `where` names the Task and field for error messages.
 */
export function s3PrefixOf(parameters: unknown, field: string, pipeline: ResolvedPipeline, executionName: string, where: string): S3Prefix {
  const p = (parameters ?? {}) as Record<string, unknown>;
  const expression = p[`${field}.$`];
  const literalUri = p[field];
  let patternUri: string;
  let sampleUri: string;
  if (typeof expression === 'string') {
    patternUri = evaluate(expression, bindings(pipeline, '*'), where);
    sampleUri = evaluate(expression, bindings(pipeline, executionName), where);
  } else if (typeof literalUri === 'string') {
    patternUri = sampleUri = literal(literalUri, `${where}: ${field}`);
  } else {
    throw new Error(`${where}: no ${field} or ${field}.$ to derive S3 permissions from`);
  }
  const pattern = splitS3Uri(patternUri, where);
  const sample = splitS3Uri(sampleUri, where);
  return { bucket: pattern.bucket, keyPattern: pattern.key, sampleKey: sample.key };
}

/**
 * Reads the S3 object of a GetObject request (`Bucket(.$)` and `Key(.$)`), as a key pattern and a sample key.
 * The ASL builds them from `$.runsBucket`, `$.runsKeyPrefix` and `$$.Execution.Name`.
 */
export function s3ObjectOf(parameters: unknown, pipeline: ResolvedPipeline, executionName: string, where: string): S3Prefix {
  const p = (parameters ?? {}) as Record<string, unknown>;
  const part = (field: string, names: string) => {
    const expression = p[`${field}.$`];
    if (typeof expression === 'string') return evaluate(expression, bindings(pipeline, names), where);
    if (typeof p[field] === 'string') return literal(p[field] as string, `${where}: ${field}`);
    throw new Error(`${where}: no ${field} or ${field}.$ to derive S3 permissions from`);
  };
  return { bucket: part('Bucket', '*'), keyPattern: part('Key', '*'), sampleKey: part('Key', executionName) };
}

/**
 * What each path the ASL reads S3 locations from stands for. A training stage's model artifact,
 * read from its Task's result, is `<runsUri><execution>/<stage>/model/<job name>/output/model.tar.gz`:
 * bound to the stage's output prefix, which the grants extend with `*`.
 */
function bindings(pipeline: ResolvedPipeline, executionName: string): Record<string, string> {
  const { rawDataUri, codeUri, runsUri } = pipeline.s3;
  const runs = /^s3:\/\/([^/]+)\/(.*)$/.exec(runsUri);
  const values: Record<string, string> = {
    [INPUT.rawDataUri]: literal(rawDataUri, 'raw data URI'),
    [INPUT.codeUri]: literal(codeUri, 'code URI'),
    [INPUT.runsUri]: literal(runsUri, 'runs URI'),
    [INPUT.runsBucket]: literal(runs?.[1] ?? '', 'runs bucket'),
    [INPUT.runsKeyPrefix]: literal(runs?.[2] ?? '', 'runs key prefix'),
    [EXECUTION_NAME_PATH]: executionName,
    // Inside a fan-out item: the parent's execution name and the item id (any id in a pattern).
    [ITEM_INPUT.executionName]: executionName,
    [ITEM_INPUT.itemId]: executionName === '*' ? '*' : SAMPLE_ITEM_ID,
  };
  for (const stage of pipeline.stages.filter((s) => KIND_FACTS[s.kind].producesModel)) {
    values[modelArtifactsPath(stage.name)] = evaluate(runOutputUri(stage.name, MODEL_OUTPUT, pipeline), values, `training stage ${stage.name}`);
  }
  return values;
}

function evaluate(expression: string, values: Record<string, string>, where: string): string {
  const resolve = (path: string) => {
    if (!(path in values)) throw new Error(`${where}: the S3 URI reads '${path}', which the IAM builder cannot map to the pipeline's S3 layout`);
    return values[path];
  };
  if (PATH.test(expression)) return resolve(expression);
  const format = FORMAT.exec(expression);
  if (!format) throw new Error(`${where}: unsupported S3 URI expression ${JSON.stringify(expression)} (expected a path or States.Format over paths)`);
  const template = literal(format[1], `${where}: States.Format template`);
  const args = format[2].split(',').map((a) => a.trim()).filter((a) => a.length > 0);
  const holes = template.split('{}');
  if (holes.length - 1 !== args.length) throw new Error(`${where}: States.Format has ${holes.length - 1} placeholders but ${args.length} arguments`);
  return holes.reduce((out, text, i) => out + text + (i < args.length ? resolve(args[i]) : ''), '');
}

function splitS3Uri(uri: string, where: string): { bucket: string; key: string } {
  const match = /^s3:\/\/([^/]+)\/(.*)$/.exec(uri);
  if (!match) throw new Error(`${where}: '${uri}' is not an s3://<bucket>/<prefix> URI`);
  return { bucket: match[1], key: match[2] };
}
