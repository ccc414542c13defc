/**
 * Resolves every Task's Parameters against an execution input with an independent engine
 * (aws-local-stepfunctions), so the requests we check are what Step Functions would send,
 * not what our own builder believes it wrote.
 */
import { StateMachine } from 'aws-local-stepfunctions';
import { taskStates } from './asl-walk.js';
import { parseSageMakerResource } from './sagemaker-integrations.js';
import { isObject } from './types.js';

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

export interface CapturedTaskRequest {
  readonly stateName: string;
  readonly resource: string;
  /** The Task's effective input: its Parameters resolved against the state data and context. */
  readonly request: Json;
}

/** The execution failed part-way; `requests` holds what was captured before it did. */
export class TaskCaptureError extends Error {
  constructor(
    message: string,
    readonly requests: readonly CapturedTaskRequest[],
  ) {
    super(message);
    this.name = 'TaskCaptureError';
  }
}

/** The task token sample requests carry (real ones are opaque strings of up to 1024 characters). */
export const SAMPLE_TASK_TOKEN = 'AQCEAAAAKgAAAAMAAAAAAAAAAeSampleTaskToken';

/** `executionArn`: the execution's own ARN (`$$.Execution.Id`); an environment's account and region take its branches (promotion). */
export async function captureTaskRequests(definition: unknown, input: unknown, executionName: string, executionArn?: string): Promise<CapturedTaskRequest[]> {
  const requests: CapturedTaskRequest[] = [];
  const handlers: Record<string, (request: Json) => Json> = {};
  // Every Task is overridden: an override-less Task would call real AWS Lambda.
  for (const { name, state } of taskStates(definition)) {
    const resource = String(state.Resource);
    const report = passingReport(definition, state, input);
    handlers[name] = (request) => {
      requests.push({ stateName: name, resource, request: cloneJson(request) });
      return report ?? fakeResponse(resource, request);
    };
  }
  const runnable = cloneJson(definition);
  const runInput = withSampleItems(runnable, cloneJson(input));
  // No plausible response is known for a resource outside the table (asl-rules reports it):
  // drop its result so the run still reaches, and captures, the states after it.
  for (const { state } of taskStates(runnable)) {
    if (parseSageMakerResource(state.Resource)) continue;
    delete state.ResultSelector;
    delete state.OutputPath;
    state.ResultPath = null;
  }
  let machine: StateMachine;
  try {
    machine = new StateMachine(runnable as unknown as ConstructorParameters<typeof StateMachine>[0]);
  } catch (error) {
    throw new TaskCaptureError(`the local engine rejected the definition: ${messageOf(error)}`, requests);
  }
  const execution = machine.run(runInput, {
    overrides: { taskResourceLocalHandlers: handlers },
    // Id and Task.Token: what approval requests carry (the engine does not make them up).
    context: {
      Execution: { Name: executionName, Id: executionArn ?? `arn:aws:states:us-east-1:000000000000:execution:sample:${executionName}`, Input: cloneJson(input) },
      Task: { Token: SAMPLE_TASK_TOKEN },
    },
  });
  try {
    await execution.result;
  } catch (error) {
    throw new TaskCaptureError(`the sample execution failed after ${requests.length} task(s): ${messageOf(error)}`, requests);
  }
  return requests;
}

/** A plausible service response, so ResultSelector/ResultPath and later states see the fields they read. */
function fakeResponse(resource: string, request: Json): Json {
  const parsed = parseSageMakerResource(resource);
  if (!parsed || !isObject(request)) return {}; // discarded: see the ResultPath override above
  const body = request as JsonObject;
  const account = /^arn:[\w-]+:iam::(\d{12}):/.exec(String(body.RoleArn ?? ''))?.[1] ?? '000000000000';
  const partition = /^arn:([\w-]+):/.exec(resource)?.[1] ?? 'aws';
  const region = regionOf(body) ?? 'us-east-1';
  const arnOf = (kind: string, name: string) => `arn:${partition}:sagemaker:${region}:${account}:${kind}/${name.toLowerCase()}`;
  return parsed.integration.response(body, parsed.sync, arnOf);
}

/**
 * A metric gate (Choice) after a report read would stop the sample execution before the later
 * stages, and their requests would go unchecked. So the S3 GetObject of a report answers with a
 * report that passes: every metric a Choice compares with a threshold path gets the threshold's
 * value from the input (equal passes both `>=` and `<=`). Undefined for any other Task.
 */
function passingReport(definition: unknown, task: Record<string, unknown>, input: unknown): Json | undefined {
  if (!/:states:::aws-sdk:s3:getObject$/.test(String(task.Resource)) || typeof task.ResultPath !== 'string') return undefined;
  const selector = isObject(task.ResultSelector) ? task.ResultSelector : {};
  // The report lands under ResultPath, at the ResultSelector key that parses the body.
  const bodyKey = Object.keys(selector).find((k) => String(selector[k]).startsWith('States.StringToJson($.Body)'));
  const root = bodyKey ? `${task.ResultPath}.${bodyKey.replace(/\.\$$/, '')}.` : `${task.ResultPath}.`;
  const report: Record<string, Json> = {};
  const visit = (rule: unknown) => {
    if (!isObject(rule)) return;
    const variable = rule.Variable;
    const thresholdPath = rule.NumericGreaterThanEqualsPath ?? rule.NumericLessThanEqualsPath;
    if (typeof variable === 'string' && variable.startsWith(root) && typeof thresholdPath === 'string') {
      setPath(report, variable.slice(root.length).split('.'), readPath(input, thresholdPath) as Json);
    }
    for (const nested of [...(Array.isArray(rule.And) ? rule.And : []), ...(Array.isArray(rule.Or) ? rule.Or : []), rule.Not]) visit(nested);
  };
  // Choices of the top level and of every Map's item processor (a fan-out's gates are inside it).
  const visitStates = (machine: unknown) => {
    const states = isObject(machine) && isObject(machine.States) ? machine.States : {};
    for (const state of Object.values(states)) {
      if (!isObject(state)) continue;
      if (Array.isArray(state.Choices)) state.Choices.forEach(visit);
      if (isObject(state.ItemProcessor)) visitStates(state.ItemProcessor);
    }
  };
  visitStates(definition);
  return { Body: JSON.stringify(report), ContentType: 'application/json' };
}

/** Sample items a Distributed Map's ItemReader stands for: the engine reads no S3, so they ride in the input. */
export const SAMPLE_READER_ITEMS: readonly Json[] = [{ id: 'item-1' }, { id: 'item-2' }, { id: 'item-3' }];
const SAMPLE_ITEMS_KEY = '__legacyMlopsSampleItems';

/**
 * aws-local-stepfunctions runs a Map over `ItemsPath` and ignores ItemReader: a Map that reads its items
 * from S3 iterates over sample items put into the input instead. The Map's ItemSelector is unchanged,
 * so each item's requests are resolved exactly as the deployed Map would resolve them.
 */
function withSampleItems(definition: Json, input: Json): Json {
  const states = isObject(definition) && isObject(definition.States) ? definition.States : {};
  let used = false;
  let listed = false;
  for (const state of Object.values(states)) {
    if (!isObject(state) || state.Type !== 'Map' || !isObject(state.ItemReader)) continue;
    // A listing reader's items are objects under the input's prefix, as s3:listObjectsV2 describes them.
    if (String(state.ItemReader.Resource).endsWith(':s3:listObjectsV2')) listed = true;
    delete state.ItemReader;
    state.ItemsPath = `$.${SAMPLE_ITEMS_KEY}`;
    used = true;
  }
  if (!used || !isObject(input)) return input;
  const prefix = typeof input.itemsPrefix === 'string' ? input.itemsPrefix : '';
  const items = listed
    ? SAMPLE_READER_ITEMS.map((item) => ({ Etag: '"00000000000000000000000000000000"', Key: `${prefix}${String((item as Record<string, Json>).id)}.csv`, LastModified: 1_700_000_000, Size: 1024, StorageClass: 'STANDARD' }))
    : cloneJson(SAMPLE_READER_ITEMS);
  return { ...input, [SAMPLE_ITEMS_KEY]: items };
}

/** `$.a.b` in a JSON value (the plain paths the generated ASL uses). */
function readPath(value: unknown, path: string): unknown {
  return path
    .replace(/^\$\.?/, '')
    .split('.')
    .filter(Boolean)
    .reduce<unknown>((v, key) => (isObject(v) ? v[key] : undefined), value);
}

function setPath(target: Record<string, Json>, keys: string[], value: Json): void {
  let node = target;
  keys.slice(0, -1).forEach((key) => {
    if (!isObject(node[key])) node[key] = {};
    node = node[key] as Record<string, Json>;
  });
  node[keys[keys.length - 1]] = value;
}

/** The region of the request's image, when there is one (there is no other region in a request). */
function regionOf(request: JsonObject): string | undefined {
  const text = JSON.stringify(request);
  return /\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com/.exec(text)?.[1];
}

/**
 * A JSON round trip, not structuredClone: the engine recognises objects by their prototype, and a
 * structured clone made in another realm (as under jest's VM modules) would be passed through unresolved.
 */
function cloneJson(value: unknown): Json {
  return JSON.parse(JSON.stringify(value ?? null)) as Json;
}

function messageOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
  return `${error.message}${cause}`;
}
