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
import { parse as parseYaml } from 'yaml';
import type { StageKind } from '../model/types.js';

/** The SageMaker integrations a legacy state machine may use, and the stage kind each becomes. */
const SAGEMAKER_ACTIONS: Readonly<Record<string, StageKind>> = {
  createProcessingJob: 'processing',
  createTrainingJob: 'training',
  createTransformJob: 'transform',
  createModel: 'model',
  createEndpoint: 'endpoint',
};
/** Integrations that belong to a stage imported from another task (endpoint config goes with the endpoint). */
const FOLDED_ACTIONS = ['createEndpointConfig'];

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
  for (const { name, state } of order) {
    const action = sageMakerAction(state);
    if (action && SAGEMAKER_ACTIONS[action.name]) {
      tasks.push({ stateName: name, kind: SAGEMAKER_ACTIONS[action.name], resource: String(state.Resource), sync: action.sync, parameters: isObject(state.Parameters) ? state.Parameters : {}, unresolved: [] });
    } else if (!(action && FOLDED_ACTIONS.includes(action.name))) {
      otherStates.push({ name, type: String(state.Type ?? 'unknown'), ...(typeof state.Resource === 'string' ? { resource: state.Resource } : {}) });
    }
  }
  if (tasks.length === 0) return { problem: `${fileName} is a state machine with no SageMaker task (states: ${Object.keys(states).join(', ')})` };
  return { machine: { tasks, otherStates, ...(typeof doc.Comment === 'string' ? { comment: doc.Comment } : {}) }, raw: doc };
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
  const tasks = machine.tasks.map((task) => {
    const state = findState(states, task.stateName) ?? {};
    const scopes: Json[] = [];
    if (input !== undefined) {
      if (typeof state.InputPath === 'string') {
        const narrowed = readPath(input, state.InputPath);
        if (narrowed !== undefined) scopes.push(narrowed);
      }
      if (isObject(input) && isObject(input[task.stateName])) scopes.push(input[task.stateName]);
      scopes.push(input);
    }
    const unresolved: string[] = [];
    const parameters = resolveObject(task.parameters, scopes, '', unresolved) as { [key: string]: Json };
    return { ...task, parameters, unresolved };
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
