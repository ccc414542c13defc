/** Walks every state of an ASL definition, nested Parallel branches and Map processors included. */
import { isObject } from './types.js';

export interface VisitedState {
  readonly name: string;
  readonly state: Record<string, unknown>;
  /** Where the state sits, e.g. `States.preprocess` or `States.fan.Branches[0].States.train`. */
  readonly location: string;
  /** The `States` map the state belongs to (Catch and Next targets resolve in it). */
  readonly siblings: Record<string, unknown>;
}

export function walkStates(machine: unknown, prefix = ''): VisitedState[] {
  if (!isObject(machine) || !isObject(machine.States)) return [];
  const siblings = machine.States;
  const visited: VisitedState[] = [];
  for (const [name, state] of Object.entries(siblings)) {
    if (!isObject(state)) continue;
    const location = `${prefix}States.${name}`;
    visited.push({ name, state, location, siblings });
    if (Array.isArray(state.Branches)) {
      state.Branches.forEach((branch, i) => visited.push(...walkStates(branch, `${location}.Branches[${i}].`)));
    }
    for (const key of ['ItemProcessor', 'Iterator']) {
      if (isObject(state[key])) visited.push(...walkStates(state[key], `${location}.${key}.`));
    }
  }
  return visited;
}

export function taskStates(machine: unknown): VisitedState[] {
  return walkStates(machine).filter((s) => s.state.Type === 'Task');
}
