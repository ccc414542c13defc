/**
 * Task resource ARN → emulator. Every Task state must resolve to one before the run starts:
 * aws-local-stepfunctions would otherwise invoke a real AWS Lambda for it.
 */
import { CREATE_ENDPOINT_CONFIG_RESOURCE, CREATE_ENDPOINT_RESOURCE, CREATE_MODEL_PACKAGE_RESOURCE, CREATE_MODEL_RESOURCE, DESCRIBE_ENDPOINT_RESOURCE, DESCRIBE_TRAINING_JOB_RESOURCE, LIST_ENDPOINTS_RESOURCE, LIST_MODEL_PACKAGES_RESOURCE, PROCESSING_JOB_RESOURCE, PUT_METRIC_DATA_RESOURCE, S3_GET_OBJECT_RESOURCE, TRAINING_JOB_RESOURCE, TRANSFORM_JOB_RESOURCE, TUNING_JOB_RESOURCE, UPDATE_ENDPOINT_RESOURCE, UPDATE_MODEL_PACKAGE_RESOURCE } from '../../asl/task-resources.js';
import { SNS_PUBLISH_WAIT_RESOURCE } from '../../asl/approval-states.js';
import { canonicalTaskResource } from '../../asl/task-arns.js';
import { LocalRunRefused } from '../errors.js';
import { approvalRequestEmulator, createModelPackageEmulator, updateModelPackageEmulator } from './governance-calls.js';
import { putMetricDataEmulator } from './metric-calls.js';
import { listModelPackagesEmulator } from './promotion-calls.js';
import { ENDPOINT_EMULATORS, createModelEmulator, s3GetObjectEmulator } from './model-calls.js';
import { processingJobEmulator } from './processing-job.js';
import { trainingJobEmulator } from './training-job.js';
import { transformJobEmulator } from './transform-job.js';
import { describeTrainingJobEmulator, tuningJobEmulator } from './tuning-job.js';
import type { TaskEmulator, TaskStateRef } from './types.js';
import type { TaskResource } from '../../asl/task-resources.js';

/** Task resource → emulator; typed by every resource, so a resource without an emulator does not compile. */
const EMULATOR_TABLE: Readonly<Record<TaskResource, TaskEmulator>> = {
  [PROCESSING_JOB_RESOURCE]: processingJobEmulator,
  [TRAINING_JOB_RESOURCE]: trainingJobEmulator,
  [CREATE_MODEL_RESOURCE]: createModelEmulator,
  [TRANSFORM_JOB_RESOURCE]: transformJobEmulator,
  [S3_GET_OBJECT_RESOURCE]: s3GetObjectEmulator,
  [CREATE_ENDPOINT_CONFIG_RESOURCE]: ENDPOINT_EMULATORS.createEndpointConfig,
  [LIST_ENDPOINTS_RESOURCE]: ENDPOINT_EMULATORS.listEndpoints,
  [CREATE_ENDPOINT_RESOURCE]: ENDPOINT_EMULATORS.createEndpoint,
  [UPDATE_ENDPOINT_RESOURCE]: ENDPOINT_EMULATORS.updateEndpoint,
  [DESCRIBE_ENDPOINT_RESOURCE]: ENDPOINT_EMULATORS.describeEndpoint,
  [CREATE_MODEL_PACKAGE_RESOURCE]: createModelPackageEmulator,
  [UPDATE_MODEL_PACKAGE_RESOURCE]: updateModelPackageEmulator,
  [SNS_PUBLISH_WAIT_RESOURCE]: approvalRequestEmulator,
  [TUNING_JOB_RESOURCE]: tuningJobEmulator,
  [DESCRIBE_TRAINING_JOB_RESOURCE]: describeTrainingJobEmulator,
  [PUT_METRIC_DATA_RESOURCE]: putMetricDataEmulator,
  [LIST_MODEL_PACKAGES_RESOURCE]: listModelPackagesEmulator,
};

export const TASK_EMULATORS: ReadonlyMap<string, TaskEmulator> = new Map<string, TaskEmulator>(Object.entries(EMULATOR_TABLE));

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
