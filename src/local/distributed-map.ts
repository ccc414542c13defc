/**
 * Distributed Map states on this machine. aws-local-stepfunctions runs every Map inline: it reads no
 * ItemReader, writes no ResultWriter, ignores ToleratedFailurePercentage and fails the whole Map (stopping
 * the other items) when one iteration fails. So each Distributed Map becomes a local Task whose handler
 * does what Step Functions' Map Run does, with the library's engine for everything inside:
 * - items from `ItemsPath`, the ItemReader's JSON array read from local S3, or (s3:listObjectsV2) one
 *   item per file under the local S3 prefix, shaped as Step Functions lists objects (Key, Etag,
 *   LastModified, Size, StorageClass), in S3's key order;
 * - each item's input from the Map's ItemSelector, evaluated by the library (a Pass state with `$$.Map.Item`);
 * - each item a child execution of the ItemProcessor (the library's StateMachine), at most
 *   min(MaxConcurrency, cores) at a time, a failure ending that item only;
 * - `States.ExceedToleratedFailureThreshold` when the failed share exceeds ToleratedFailurePercentage;
 * - the ResultWriter's manifest.json, SUCCEEDED_0.json and FAILED_0.json in local S3 (a subset of the
 *   fields AWS writes: ExecutionArn, Name, Input, Output or Error/Cause, Status, StartDate, StopDate).
 * Hand-written: no library emulates a Map Run.
 */
import { availableParallelism } from 'node:os';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { createHash, randomUUID } from 'node:crypto';
import { StateMachine } from 'aws-local-stepfunctions';
import { ITEM_ID_PATTERN } from '../model/fan-out.js';
import { TaskError, messageOf } from './errors.js';
import type { ExecutionEvent } from './execution-record.js';
import type { ItemOutcome } from './report.js';

export type { ItemOutcome } from './report.js';
import type { LocalS3 } from './local-s3.js';
import { boundedAll } from './emulators/processing-hosts.js';

/** The resource of the local stand-in Task (never deployed: the deployed definition keeps its Map). */
export const LOCAL_MAP_RESOURCE = 'arn:aws:states:::legacy-mlops:distributedMap';

type Json = Record<string, unknown>;
type Definition = ConstructorParameters<typeof StateMachine>[0];
type RunOptions = NonNullable<Parameters<StateMachine['run']>[1]>;

/** Top-level Map states in Distributed mode, by name. */
export function distributedMaps(definition: unknown): Map<string, Json> {
  const states = ((definition as { States?: Record<string, Json> })?.States ?? {}) as Record<string, Json>;
  return new Map(Object.entries(states).filter(([, s]) => s.Type === 'Map' && (s.ItemProcessor as Json | undefined)?.ProcessorConfig && ((s.ItemProcessor as Json).ProcessorConfig as Json).Mode === 'DISTRIBUTED'));
}

/** The definition with each Distributed Map replaced by a local Task (same ResultPath, Catch and transition). */
export function withLocalMapTasks(definition: unknown, maps: ReadonlyMap<string, Json>): Definition {
  const copy = JSON.parse(JSON.stringify(definition)) as { States: Record<string, Json>; TimeoutSeconds?: number };
  for (const [name, map] of maps) {
    copy.States[name] = {
      Type: 'Task',
      Comment: `local stand-in for the Distributed Map '${name}'`,
      Resource: LOCAL_MAP_RESOURCE,
      // The library's default Task timeout is 60 s; a Map runs as long as the execution allows.
      TimeoutSeconds: copy.TimeoutSeconds ?? 31_536_000,
      ...pick(map, ['InputPath', 'ResultSelector', 'ResultPath', 'OutputPath', 'Catch', 'Retry', 'Next', 'End']),
    };
  }
  return copy as unknown as Definition;
}

export interface MapRunEnvironment {
  readonly executionName: string;
  readonly s3: LocalS3;
  /** The handlers and overrides of the parent run: the child executions run the same Tasks. */
  readonly runOptions: RunOptions;
  readonly signal: AbortSignal;
  /** Each child execution's events, with the item they belong to. */
  readonly onEvent: (event: ExecutionEvent, item: string) => void;
  readonly onItemDone: (outcome: ItemOutcome) => void;
}

/** Runs a Distributed Map the way a Map Run would; resolves with what the Map state returns. */
export async function runDistributedMap(name: string, map: Json, input: unknown, env: MapRunEnvironment): Promise<unknown> {
  const items = readItems(map, input, env.s3);
  const processor = map.ItemProcessor as Json;
  const child = new StateMachine({ StartAt: processor.StartAt, States: processor.States } as Definition, { validationOptions: { noValidate: true } });
  const selector = map.ItemSelector
    ? new StateMachine({ StartAt: 'select', States: { select: { Type: 'Pass', Parameters: map.ItemSelector, End: true } } } as unknown as Definition, { validationOptions: { noValidate: true } })
    : undefined;
  const concurrency = Math.max(1, Math.min(Number(map.MaxConcurrency) || items.length, availableParallelism()));
  const mapRunId = randomUUID();

  const outcomes = await boundedAll(items, concurrency, async (item, index): Promise<ItemOutcome & { input: unknown; startedAt: Date }> => {
    const id = itemId(item);
    const executionName = `${name.replace(/[^A-Za-z0-9_-]/g, '-')}-${index}`;
    const started = performance.now();
    const startedAt = new Date();
    const base = { id, index, executionName, startedAt };
    let itemInput: unknown = item;
    if (env.signal.aborted) return { ...base, input: itemInput, status: 'ABORTED', durationMs: 0 };
    try {
      const context = { Execution: { Name: env.executionName }, Map: { Item: { Index: index, Value: item } } };
      if (selector) itemInput = await selector.run(input as never, { context }).result;
      const execution = child.run(itemInput as never, {
        ...env.runOptions,
        context: { Execution: { Name: executionName, Id: `arn:aws:states:local:000000000000:execution:local/${mapRunId}:${executionName}` } },
      });
      const onAbort = () => execution.abort();
      env.signal.addEventListener('abort', onAbort, { once: true });
      const events = (async () => {
        for await (const event of execution.eventLogs) env.onEvent(event, id);
      })();
      try {
        const output = await execution.result;
        return { ...base, input: itemInput, status: 'SUCCEEDED', durationMs: performance.now() - started, output };
      } finally {
        env.signal.removeEventListener('abort', onAbort);
        await events;
      }
    } catch (error) {
      const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
      const status = env.signal.aborted ? 'ABORTED' : 'FAILED';
      return { ...base, input: itemInput, status, durationMs: performance.now() - started, error: cause instanceof Error ? cause.name : 'Error', cause: messageOf(cause) };
    }
  });
  for (const outcome of outcomes) env.onItemDone(stripInternal(outcome));
  if (env.signal.aborted) throw new TaskError('States.Aborted', 'the local execution was stopped');

  const resultDetails = writeResults(map, input, env, mapRunId, outcomes);
  const failed = outcomes.filter((o) => o.status !== 'SUCCEEDED').length;
  const tolerated = Number(map.ToleratedFailurePercentage ?? 0);
  // The Map Run fails when the failed share is above the tolerated percentage.
  if (failed * 100 > tolerated * outcomes.length) {
    throw new TaskError(
      'States.ExceedToleratedFailureThreshold',
      `${failed} of ${outcomes.length} items failed (${percent(failed, outcomes.length)}), more than the tolerated ${tolerated}%: ${outcomes
        .filter((o) => o.status !== 'SUCCEEDED')
        .map((o) => `${o.id} (${o.error})`)
        .join(', ')}`,
    );
  }
  return { MapRunArn: `arn:aws:states:local:000000000000:mapRun:local/${mapRunId}`, ...(resultDetails ? { ResultWriterDetails: resultDetails } : { Items: outcomes.map((o) => o.output) }) };
}

/** An item's id: its `id`, or for a listed object its file name (what the generated ItemSelector makes of it). */
function itemId(item: unknown): string {
  const { id, Key } = (item ?? {}) as Json;
  if (id === undefined && typeof Key === 'string') return Key.split('/').pop() ?? '';
  return String(id);
}

/**
 * The items: `ItemsPath` of the input, the ItemReader's JSON array in local S3, or the objects under its
 * local S3 prefix; every item needs a valid id, unique because items write under <execution>/<id>/.
 */
function readItems(map: Json, input: unknown, s3: LocalS3): unknown[] {
  let items: unknown;
  const reader = map.ItemReader as Json | undefined;
  if (reader && String(reader.Resource).endsWith(':s3:listObjectsV2')) {
    items = listObjects(reader, input, s3);
  } else if (reader) {
    const { bucket, key } = readerLocation(reader, input);
    const uri = `s3://${bucket}/${key}`;
    let text: string;
    try {
      text = readFileSync(s3.pathOf(uri), 'utf8');
    } catch {
      throw new TaskError('States.ItemReaderFailed', `the ItemReader found no object ${uri} (local S3: ${s3.pathOf(uri)})`);
    }
    try {
      items = JSON.parse(text);
    } catch (error) {
      throw new TaskError('States.ItemReaderFailed', `${uri} is not JSON: ${messageOf(error)}`);
    }
  } else {
    items = readPath(input, String(map.ItemsPath ?? '$'));
  }
  if (!Array.isArray(items)) throw new TaskError('States.Runtime', 'the Map\'s items are not a JSON array');
  const pattern = new RegExp(ITEM_ID_PATTERN);
  const seen = new Set<string>();
  items.forEach((item, i) => {
    const listed = typeof (item as Json | null)?.Key === 'string' && (item as Json).id === undefined;
    const id = listed ? itemId(item) : (item as Json | null)?.id;
    if (typeof id !== 'string' || !pattern.test(id)) {
      throw new TaskError(
        'States.Runtime',
        listed
          ? `object ${(item as Json).Key}: its file name '${String(id)}' is the item id, which must be letters, digits, '.', '_', '-' (at most 64): rename the file`
          : `item ${i} has no valid "id" (letters, digits, '.', '_', '-'; at most 64): ${JSON.stringify(item)}`,
      );
    }
    if (seen.has(id)) {
      throw new TaskError('States.Runtime', `item id '${id}' is used twice${listed ? ' (two objects with this file name under the listed prefix)' : ''}: items write under <execution>/<id>/, so ids must be unique`);
    }
    seen.add(id);
  });
  return items;
}

/**
 * What s3:listObjectsV2 gives a Distributed Map: one item per object whose key starts with the prefix
 * (not only the prefix's "folder"), in key order. Local S3 holds files only, so no folder markers.
 */
function listObjects(reader: Json, input: unknown, s3: LocalS3): Json[] {
  const parameters = (reader.Parameters ?? {}) as Json;
  const value = (field: string) => (typeof parameters[`${field}.$`] === 'string' ? readPath(input, parameters[`${field}.$`] as string) : parameters[field]);
  const bucket = value('Bucket');
  const prefix = value('Prefix') ?? '';
  if (typeof bucket !== 'string' || typeof prefix !== 'string') throw new TaskError('States.ItemReaderFailed', "the ItemReader's Bucket and Prefix are not strings in this input");
  // The folder the prefix falls in, listed whole, then narrowed to the keys that start with the prefix.
  const folder = prefix.slice(0, prefix.lastIndexOf('/') + 1);
  const folderUri = `s3://${bucket}/${folder}`;
  const keys = s3.list(folderUri).map((relative) => `${folder}${relative}`).filter((key) => key.startsWith(prefix));
  if (keys.length === 0) throw new TaskError('States.ItemReaderFailed', `the ItemReader found no objects under s3://${bucket}/${prefix} (local S3: ${s3.pathOf(folderUri)})`);
  return keys.map((key) => {
    const path = s3.pathOf(`s3://${bucket}/${key}`);
    const stat = statSync(path);
    return {
      Etag: `"${createHash('md5').update(readFileSync(path)).digest('hex')}"`,
      Key: key,
      LastModified: Math.floor(stat.mtimeMs / 1000),
      Size: stat.size,
      StorageClass: 'STANDARD',
    };
  });
}

function readerLocation(reader: Json, input: unknown): { bucket: string; key: string } {
  const parameters = (reader.Parameters ?? {}) as Json;
  const value = (field: string) => (typeof parameters[`${field}.$`] === 'string' ? readPath(input, parameters[`${field}.$`] as string) : parameters[field]);
  const bucket = value('Bucket');
  const key = value('Key');
  if (typeof bucket !== 'string' || typeof key !== 'string') throw new TaskError('States.ItemReaderFailed', 'the ItemReader\'s Bucket and Key are not strings in this input');
  return { bucket, key };
}

/** The ResultWriter's files under `<Prefix>/<map run id>/`, like a Map Run's; undefined without a ResultWriter. */
function writeResults(map: Json, input: unknown, env: MapRunEnvironment, mapRunId: string, outcomes: readonly (ItemOutcome & { input: unknown; startedAt: Date })[]) {
  const writer = map.ResultWriter as Json | undefined;
  if (!writer) return undefined;
  const parameters = (writer.Parameters ?? {}) as Json;
  const bucket = typeof parameters['Bucket.$'] === 'string' ? readPath(input, parameters['Bucket.$'] as string) : parameters.Bucket;
  // The generated prefix is `States.Format('{}{}/fan-out', $.runsKeyPrefix, $$.Execution.Name)`.
  const prefixExpression = parameters['Prefix.$'];
  let prefix = typeof parameters.Prefix === 'string' ? parameters.Prefix : '';
  if (typeof prefixExpression === 'string') {
    const format = /^States\.Format\('([^']*)',\s*([^,]+),\s*\$\$\.Execution\.Name\)$/.exec(prefixExpression);
    if (!format) throw new TaskError('States.ResultWriterFailed', `the local runner cannot evaluate the ResultWriter prefix ${prefixExpression}`);
    prefix = format[1].replace('{}', String(readPath(input, format[2].trim()))).replace('{}', env.executionName);
  }
  const put = (key: string, body: unknown) => {
    const path = env.s3.pathOf(`s3://${bucket}/${key}`);
    mkdirSync(dirname(path), { recursive: true });
    const text = JSON.stringify(body);
    writeFileSync(path, text);
    return { Key: key, Size: Buffer.byteLength(text) };
  };
  const folder = `${prefix}/${mapRunId}`;
  const entry = (o: ItemOutcome & { input: unknown; startedAt: Date }) => ({
    ExecutionArn: `arn:aws:states:local:000000000000:execution:local/${mapRunId}:${o.executionName}`,
    Name: o.executionName,
    Input: JSON.stringify(o.input),
    Status: o.status,
    StartDate: o.startedAt.toISOString(),
    StopDate: new Date(o.startedAt.getTime() + o.durationMs).toISOString(),
    ...(o.status === 'SUCCEEDED' ? { Output: JSON.stringify(o.output) } : { Error: o.error, Cause: o.cause }),
  });
  const succeeded = outcomes.filter((o) => o.status === 'SUCCEEDED');
  const failed = outcomes.filter((o) => o.status !== 'SUCCEEDED');
  const files = {
    SUCCEEDED: succeeded.length > 0 ? [put(`${folder}/SUCCEEDED_0.json`, succeeded.map(entry))] : [],
    FAILED: failed.length > 0 ? [put(`${folder}/FAILED_0.json`, failed.map(entry))] : [],
    PENDING: [],
  };
  put(`${folder}/manifest.json`, { DestinationBucket: bucket, MapRunArn: `arn:aws:states:local:000000000000:mapRun:local/${mapRunId}`, ResultFiles: files });
  return { Bucket: bucket, Key: `${folder}/manifest.json` };
}

function stripInternal(outcome: ItemOutcome & { input: unknown; startedAt: Date }): ItemOutcome {
  const { input: _input, startedAt: _startedAt, ...rest } = outcome;
  return rest;
}

/** `$.a.b` in a JSON value (the plain paths the generated ASL uses). */
function readPath(value: unknown, path: string): unknown {
  return path
    .replace(/^\$\.?/, '')
    .split('.')
    .filter(Boolean)
    .reduce<unknown>((v, key) => (v && typeof v === 'object' ? (v as Json)[key] : undefined), value);
}

function pick(object: Json, keys: readonly string[]): Json {
  return Object.fromEntries(keys.filter((k) => k in object).map((k) => [k, object[k]]));
}

function percent(part: number, whole: number): string {
  return `${whole === 0 ? 0 : Math.round((part * 1000) / whole) / 10}%`;
}
