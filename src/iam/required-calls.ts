/** The concrete API calls each Task state makes, per role, with the resource each acts on. */
import type { StateMachineDefinition } from '../asl/types.js';
import type { ResolvedPipeline } from '../model/types.js';
import { stateMachineFeaturePermissions } from './state-machine-features.js';
import { taskPermissions } from './task-permissions.js';
import type { ApiCall, Permission, RequiredCall, RoleName, SampleNames } from './types.js';

/** Sample names for concrete calls: a job id in `States.UUID()` form and an execution name. */
export const DEFAULT_SAMPLES: SampleNames = { jobId: '3b1f8c2e-5d4a-4e9b-8f6c-2a7d9e0b1c43', executionName: 'sample-execution' };

/**
 * Every call every Task state makes, for a job named `<prefix>-<samples.jobId>` in an execution
 * named `samples.executionName`. The policies from `buildIamDocuments` allow all of them.
 */
export function requiredCalls(definition: StateMachineDefinition, pipeline: ResolvedPipeline, samples: Partial<SampleNames> = {}): RequiredCall[] {
  const names = { ...DEFAULT_SAMPLES, ...samples };
  return taskPermissions(definition, pipeline, names).flatMap((task) => [
    ...expand(task.state, 'stateMachine', task.stateMachineRole),
    ...expand(task.state, 'sageMakerExecution', task.sageMakerExecutionRole),
  ]);
}

/** Calls the state machine makes for itself (log delivery, tracing), not for a Task. */
export function stateMachineFeatureCalls(): (ApiCall & { readonly sid: string })[] {
  return stateMachineFeaturePermissions().flatMap((p) => p.calls.map((call) => ({ ...call, sid: p.sid })));
}

function expand(state: string, role: RoleName, permissions: readonly Permission[]): RequiredCall[] {
  return permissions.flatMap((p) => p.calls.map((call) => ({ state, role, sid: p.sid, ...call })));
}
