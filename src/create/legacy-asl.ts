/**
 * Reads a legacy state machine (ASL, JSON or YAML, as exported from the console) and the
 * input-parameters file beside it: which SageMaker tasks run in which order, and the settings
 * each one passed to SageMaker. Pure: text in, facts out; the caller decides what to import.
 *
 * Values the legacy ASL takes from its input (`"InstanceType.$": "$.InstanceType"`) are looked
 * up in the parameters file, after the state's InputPath (`$.PreProcessing`), or else in an
 * object named after the state. Only plain reference paths are followed (no filters, no
 * intrinsic functions): anything else is reported as not resolved rather than guessed.
 */
import { createRequire } from 'node:module';
import type { StageKind } from '../model/types.js';

// yaml (about 70 modules) is loaded when a YAML file is read, not by every create that imports nothing.
let yamlParse: ((text: string) => unknown) | undefined;
const parseYaml = (text: string): unknown => (yamlParse ??= (createRequire(import.meta.url)('yaml') as typeof import('yaml')).parse)(text);

/** The SageMaker integrations a legacy state machine may use, and the stage kind each becomes. */
const SAGEMAKER_ACTIONS: Readonly<Record<string, StageKind>> = {
  createProcessingJob: 'processing',
  createTrainingJob: 'training',
  createTransformJob: 'transform',
  createModel: 'model',
  createEndpoint: 'endpoint',
  updateEndpoint: 'endpoint',
};
/** The integration whose settings go with the endpoint stage that uses it. */
const ENDPOINT_CONFIG_ACTION = 'createEndpointConfig';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface LegacyTask {
  readonly stateName: string;
  readonly kind: StageKind;
  readonly resource: string;
  /** `.sync`: the state waits for the job to end. */
  readonly sync: boolean;
  /** The task's Parameters with every `.$` value resolved where possible. */
  readonly parameters: { [key: string]: Json };
  /** `key.$` paths that could not be resolved from the parameters file. */
  readonly unresolved: readonly string[];
  /** Endpoint: the CreateEndpointConfig state it uses (its Parameters resolved like the task's). */
  readonly endpointConfig?: { readonly stateName: string; readonly parameters: { [key: string]: Json } };
}

export interface LegacyStateMachine {
  /** SageMaker tasks in the order the state machine reaches them. */
  readonly tasks: readonly LegacyTask[];
  /** States that are not SageMaker tasks, with their type. */
  readonly otherStates: readonly { readonly name: string; readonly type: string; readonly resource?: string }[];
  readonly comment?: string;
}

/** `undefined`: not ASL at all (some other JSON/YAML). A string: ASL, but nothing to import, and why. */
export function parseLegacyAsl(text: string, fileName: string): { machine: LegacyStateMachine; raw: { [key: string]: Json } } | { notAsl: string } | { problem: string } {
  const data = parseStructured(text, fileName);
  if ('error' in data) return { notAsl: data.error };
  const doc = data.value;
  if (!isObject(doc) || typeof doc.StartAt !== 'string' || !isObject(doc.States)) return { notAsl: `${fileName} is not a state machine (no StartAt and States)` };
  const order = reachOrder(doc);
  const states = doc.States as { [key: string]: Json };
  const tasks: LegacyTask[] = [];
  const otherStates: { name: string; type: string; resource?: string }[] = [];
  const configs: { stateName: string; parameters: { [key: string]: Json } }[] = [];
  for (const { name, state } of order) {
    const action = sageMakerAction(state);
    const parameters = isObject(state.Parameters) ? state.Parameters : {};
    if (action && SAGEMAKER_ACTIONS[action.name]) {
      const kind = SAGEMAKER_ACTIONS[action.name];
      const endpointConfig = kind === 'endpoint' ? configOf(parameters, configs) : undefined;
      tasks.push({ stateName: name, kind, resource: String(state.Resource), sync: action.sync, parameters, unresolved: [], ...(endpointConfig ? { endpointConfig } : {}) });
    } else if (action?.name === ENDPOINT_CONFIG_ACTION) {
      configs.push({ stateName: name, parameters });
    } else {
      otherStates.push({ name, type: String(state.Type ?? 'unknown'), ...(typeof state.Resource === 'string' ? { resource: state.Resource } : {}) });
    }
  }
  // An endpoint config no endpoint uses is still reported (a task of its own kind we do not import).
  for (const config of configs.filter((c) => !tasks.some((t) => t.endpointConfig === c))) {
    otherStates.push({ name: config.stateName, type: 'Task', resource: String((states[config.stateName] as { Resource?: Json } | undefined)?.Resource ?? ENDPOINT_CONFIG_ACTION) });
  }
  if (tasks.length === 0) return { problem: `${fileName} is a state machine with no SageMaker task (states: ${Object.keys(states).join(', ')})` };
  return { machine: { tasks, otherStates, ...(typeof doc.Comment === 'string' ? { comment: doc.Comment } : {}) }, raw: doc };
}

/** The endpoint config an endpoint task names (same EndpointConfigName, literal or path), else the nearest one before it. */
function configOf(endpoint: { [key: string]: Json }, configs: readonly { stateName: string; parameters: { [key: string]: Json } }[]) {
  const nameOf = (p: { [key: string]: Json }) => p.EndpointConfigName ?? p['EndpointConfigName.$'];
  const wanted = nameOf(endpoint);
  return configs.find((c) => wanted !== undefined && nameOf(c.parameters) === wanted) ?? configs[configs.length - 1];
}

/** JSON or YAML text to a value, or why it is neither. */
export function parseStructured(text: string, fileName: string): { value: Json } | { error: string } {
  try {
    return { value: /\.ya?ml$/i.test(fileName) ? (parseYaml(text) as Json) : (JSON.parse(text) as Json) };
  } catch (error) {
    return { error: `${fileName} does not parse (${(error as Error).message.split('\n')[0]})` };
  }
}

/**
 * Resolves each task's `.$` paths against the legacy execution input. `parameters` may hold the
 * values at the top, under the state's InputPath, or nested per state name.
 */
export function resolveTaskValues(machine: LegacyStateMachine, raw: { [key: string]: Json }, input: Json | undefined): LegacyStateMachine {
  const states = raw.States as { [key: string]: { [key: string]: Json } };
  const scopesOf = (stateName: string): Json[] => {
    const state = findState(states, stateName) ?? {};
    const scopes: Json[] = [];
    if (input !== undefined) {
      if (typeof state.InputPath === 'string') {
        const narrowed = readPath(input, state.InputPath);
        if (narrowed !== undefined) scopes.push(narrowed);
      }
      if (isObject(input) && isObject(input[stateName])) scopes.push(input[stateName]);
      scopes.push(input);
    }
    return scopes;
  };
  const tasks = machine.tasks.map((task) => {
    const unresolved: string[] = [];
    const parameters = resolveObject(task.parameters, scopesOf(task.stateName), '', unresolved) as { [key: string]: Json };
    if (!task.endpointConfig) return { ...task, parameters, unresolved };
    const configUnresolved: string[] = [];
    const config = { ...task.endpointConfig, parameters: resolveObject(task.endpointConfig.parameters, scopesOf(task.endpointConfig.stateName), '', configUnresolved) as { [key: string]: Json } };
    return { ...task, parameters, endpointConfig: config, unresolved: [...unresolved, ...configUnresolved.map((u) => `(${task.endpointConfig!.stateName}) ${u}`)] };
  });
  return { ...machine, tasks };
}

function resolveObject(value: Json, scopes: readonly Json[], at: string, unresolved: string[]): Json {
  if (Array.isArray(value)) return value.map((item, i) => resolveObject(item, scopes, `${at}[${i}]`, unresolved));
  if (!isObject(value)) return value;
  const result: { [key: string]: Json } = {};
  for (const [key, item] of Object.entries(value)) {
    const where = at ? `${at}.${key}` : key;
    if (key.endsWith('.$') && typeof item === 'string') {
      const plain = key.slice(0, -2);
      const found = item.startsWith('$.') || item === '$' ? scopes.map((scope) => readPath(scope, item)).find((v) => v !== undefined) : undefined;
      if (found !== undefined) result[plain] = found;
      else {
        unresolved.push(`${at ? `${at}.` : ''}${plain} (${item})`);
        result[key] = item;
      }
    } else result[key] = resolveObject(item, scopes, where, unresolved);
  }
  return result;
}

/** A reference path: `$`, `$.a.b`, `$['a'].b[0]`. Anything else (filters, wildcards) is not followed. */
export function readPath(value: Json, path: string): Json | undefined {
  if (path === '$') return value;
  const parts = [...path.slice(1).matchAll(/\.([A-Za-z0-9_-]+)|\['([^']+)'\]|\[(\d+)\]/g)];
  if (parts.map((p) => p[0]).join('') !== path.slice(1)) return undefined;
  let current: Json | undefined = value;
  for (const part of parts) {
    if (current === undefined || current === null) return undefined;
    if (part[3] !== undefined) current = Array.isArray(current) ? current[Number(part[3])] : undefined;
    else current = isObject(current) ? current[part[1] ?? part[2]] : undefined;
  }
  return current;
}

/** States in the order the machine reaches them: Next, Choice branches, Default, Parallel branches, Map iterators. */
function reachOrder(doc: { [key: string]: Json }): { name: string; state: { [key: string]: Json } }[] {
  const seen = new Set<string>();
  const order: { name: string; state: { [key: string]: Json } }[] = [];
  const visit = (graph: { [key: string]: Json }, name: string | undefined) => {
    const states = graph.States;
    if (!name || !isObject(states) || seen.has(name) || !isObject(states[name])) return;
    seen.add(name);
    const state = states[name] as { [key: string]: Json };
    order.push({ name, state });
    for (const branch of [...(Array.isArray(state.Branches) ? state.Branches : []), state.Iterator, state.ItemProcessor]) {
      if (isObject(branch)) visit(branch, typeof branch.StartAt === 'string' ? branch.StartAt : undefined);
    }
    for (const choice of Array.isArray(state.Choices) ? state.Choices : []) if (isObject(choice) && typeof choice.Next === 'string') visit(graph, choice.Next);
    if (typeof state.Default === 'string') visit(graph, state.Default);
    for (const c of Array.isArray(state.Catch) ? state.Catch : []) if (isObject(c) && typeof c.Next === 'string') visit(graph, c.Next);
    if (typeof state.Next === 'string') visit(graph, state.Next);
  };
  visit(doc, doc.StartAt as string);
  // States never reached still exist in the file: list them after, so nothing is silently dropped.
  for (const [name, state] of Object.entries(doc.States as { [key: string]: Json })) {
    if (!seen.has(name) && isObject(state)) order.push({ name, state });
  }
  return order;
}

function findState(states: { [key: string]: Json }, name: string): { [key: string]: Json } | undefined {
  if (isObject(states[name])) return states[name] as { [key: string]: Json };
  for (const state of Object.values(states)) {
    if (!isObject(state)) continue;
    for (const branch of [...(Array.isArray(state.Branches) ? state.Branches : []), state.Iterator, state.ItemProcessor]) {
      if (isObject(branch) && isObject(branch.States)) {
        const found = findState(branch.States, name);
        if (found) return found;
      }
    }
  }
  return undefined;
}

function sageMakerAction(state: { [key: string]: Json }): { name: string; sync: boolean } | undefined {
  if (state.Type !== 'Task' || typeof state.Resource !== 'string') return undefined;
  const match = /^arn:aws[a-z-]*:states:::sagemaker:([A-Za-z]+)(\.sync|\.waitForTaskToken)?$/.exec(state.Resource);
  return match ? { name: match[1], sync: match[2] === '.sync' } : undefined;
}

export function isObject(value: Json | undefined): value is { [key: string]: Json } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
