/**
 * Task resource ARN → emulator. Every Task state must resolve to one before the run starts:
 * aws-local-stepfunctions would otherwise invoke a real AWS Lambda for it.
 * New integrations (training, transform, createModel, aws-sdk:s3:getObject) are new entries here.
 */
import { PROCESSING_JOB_RESOURCE, canonicalTaskResource } from '../../asl/processing-task.js';
import { LocalRunRefused } from '../errors.js';
import { processingJobEmulator } from './processing-job.js';
import type { TaskEmulator, TaskStateRef } from './types.js';

export const TASK_EMULATORS: ReadonlyMap<string, TaskEmulator> = new Map<string, TaskEmulator>([[PROCESSING_JOB_RESOURCE, processingJobEmulator]]);

/** Every Task state, including those inside Parallel branches and Map iterators (handlers are keyed by state name). */
export function taskStatesOf(definition: unknown): TaskStateRef[] {
  const found: TaskStateRef[] = [];
  const visit = (machine: unknown) => {
    const states = (machine as { States?: Record<string, Record<string, unknown>> } | undefined)?.States ?? {};
    for (const [name, state] of Object.entries(states)) {
      if (state.Type === 'Task') found.push({ name, resource: String(state.Resource), definition: state });
      for (const branch of (state.Branches as unknown[] | undefined) ?? []) visit(branch);
      if (state.Iterator) visit(state.Iterator);
      if (state.ItemProcessor) visit(state.ItemProcessor);
    }
  };
  visit(definition);
  return found;
}

/** The emulator of a Task resource in any partition (`arn:aws-cn:states:::…` runs like `arn:aws:states:::…`). */
export function emulatorFor(resource: string, emulators: ReadonlyMap<string, TaskEmulator> = TASK_EMULATORS): TaskEmulator | undefined {
  return emulators.get(canonicalTaskResource(resource));
}

/** Pairs each Task state with its emulator; refuses the run naming every state that has none. */
export function assignEmulators(
  definition: unknown,
  emulators: ReadonlyMap<string, TaskEmulator> = TASK_EMULATORS,
): { state: TaskStateRef; emulator: TaskEmulator }[] {
  const states = taskStatesOf(definition);
  const missing = states.filter((state) => !emulatorFor(state.resource, emulators));
  if (missing.length > 0) {
    const known = [...emulators.keys()].join(', ');
    throw new LocalRunRefused(
      missing.map((state) => `state '${state.name}': no local emulator for Task resource '${state.resource}' (emulated: ${known})`),
    );
  }
  const names = new Set<string>();
  for (const state of states) {
    // Local handlers are keyed by state name: two nested states with one name would share one.
    if (names.has(state.name)) throw new LocalRunRefused(`state name '${state.name}' is used by two Task states; local runs need unique Task state names`);
    names.add(state.name);
  }
  return states.map((state) => ({ state, emulator: emulatorFor(state.resource, emulators)! }));
}
