/**
 * What the emulators of request/response calls share (no job, no backend): the request read as an
 * object, the stage the state belongs to, and the emulator itself, made from the function that answers
 * the call on the local disk. The job-running Tasks have their own life (job-lifecycle.ts).
 */
import { STAGE_TAG_KEY } from '../../model/rules.js';
import type { LocalRunContext } from '../run-context.js';
import type { TaskEmulator, TaskStateRef } from './types.js';

export type Json = Record<string, unknown>;

/** A value as an object: {} when it is absent, a list or not an object (the request's own checks then name what is missing). */
export const asObject = (value: unknown): Json => (value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {});

/** The stage a state belongs to: its stage tag, else the part of its name before ':' (`evaluate: publish metric`). */
export function stageOfState(state: TaskStateRef): string {
  const tags = asObject(state.definition.Parameters).Tags;
  const tag = Array.isArray(tags) ? tags.map(asObject).find((t) => t.Key === STAGE_TAG_KEY) : undefined;
  return typeof tag?.Value === 'string' ? tag.Value : state.name.split(':')[0];
}

/** A call's answer from its request: the response, or a TaskError as the service would raise it. */
export type CallAnswer = (request: Json, state: TaskStateRef, run: LocalRunContext) => unknown;

/** The emulator of one call, answered by `answer` each time the state runs. */
export function callEmulator(emulates: string, answer: CallAnswer): TaskEmulator {
  return {
    emulates,
    async prepare(state, run) {
      return { stageName: stageOfState(state), handler: async (value) => answer(asObject(value), state, run) };
    },
  };
}
