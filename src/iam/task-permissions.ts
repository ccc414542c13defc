/** Walks every state of the ASL and asks the integration table what each Task needs. */
import type { StateMachineDefinition } from '../asl/types.js';
import type { ResolvedPipeline } from '../model/types.js';
import { TASK_INTEGRATIONS, integrationFor } from './integrations.js';
import { distributedMapPermissions } from './map-permissions.js';
import type { SampleNames, TaskPermissions } from './types.js';

function isDistributed(state: unknown): boolean {
  return (state as { ItemProcessor?: { ProcessorConfig?: { Mode?: unknown } } }).ItemProcessor?.ProcessorConfig?.Mode === 'DISTRIBUTED';
}

/** State types that call nothing and nest no states. Anything else (Map, Parallel, …) is refused, never skipped. */
const CALL_FREE_STATE_TYPES: readonly string[] = ['Pass', 'Wait', 'Choice', 'Succeed', 'Fail'];

export function taskPermissions(definition: Pick<StateMachineDefinition, 'States'>, pipeline: ResolvedPipeline, samples: SampleNames): TaskPermissions[] {
  const result: TaskPermissions[] = [];
  for (const [state, body] of Object.entries(definition.States)) {
    const type = (body as { Type?: unknown }).Type;
    // A Distributed Map: its own calls (child executions, items, results), then its item processor's Tasks.
    if (type === 'Map' && isDistributed(body)) {
      const map = body as unknown as Record<string, unknown> & { ItemProcessor: Pick<StateMachineDefinition, 'States'> };
      result.push({ state, resource: 'Map (Distributed)', stateMachineRole: distributedMapPermissions(map, pipeline, samples), sageMakerExecutionRole: [], executionRoleSourceArns: [] });
      result.push(...taskPermissions(map.ItemProcessor, pipeline, samples));
      continue;
    }
    if (type !== 'Task') {
      if (typeof type === 'string' && CALL_FREE_STATE_TYPES.includes(type)) continue;
      throw new Error(`state '${state}': the IAM builder does not handle ${JSON.stringify(type)} states; their calls would go ungranted`);
    }
    const task = body as { Resource?: unknown; Parameters?: unknown };
    const resource = String(task.Resource);
    const integration = integrationFor(resource);
    if (!integration) {
      throw new Error(
        `Task '${state}': no IAM permissions are known for resource '${resource}' ` +
          `(known: ${Object.keys(TASK_INTEGRATIONS).join(', ')}); add a row to TASK_INTEGRATIONS in src/iam/integrations.ts`,
      );
    }
    const parameters = (task.Parameters ?? {}) as Record<string, unknown>;
    result.push({ state, resource, ...integration.permissions({ state, parameters, pipeline, samples }) });
  }
  return result;
}
