/**
 * Whether a deployed execution waits in an approval stage, read from its history: the newest
 * TaskScheduled of the approval's `sns:publish.waitForTaskToken` carries the token (and the stage and
 * model version) in its message attributes, and a TaskSucceeded, TaskFailed or TaskTimedOut of that
 * resource after it means the approval was decided already. Used by `legacy-mlops approve` and by the
 * function that resumes an execution when its version is decided in the registry, so both find the
 * same token the same way. Imports only the SFN client and the approval contract (it is bundled
 * into that function).
 */
import { GetExecutionHistoryCommand, type HistoryEvent, type SFNClient } from '@aws-sdk/client-sfn';
import { APPROVAL_ATTRIBUTES, SNS_PUBLISH_WAIT_RESOURCE } from './approval-contract.js';

/** History pages read before giving up on finding the approval request (1000 events each). */
const MAX_HISTORY_PAGES = 25;

export type WaitingApproval =
  | {
      readonly kind: 'waiting';
      readonly token: string;
      readonly stage: string;
      /** When the approval was asked (the TaskScheduled event). */
      readonly askedAt?: Date;
      /** The registered version the approval decides, when a register stage came before it. */
      readonly modelPackageArn?: string;
    }
  | { readonly kind: 'decided'; readonly how: string }
  | { readonly kind: 'none' };

type TaskDetails = { resourceType?: string; resource?: string } | undefined;

/** The newest approval request of the history, and whether a decision followed it. */
export async function waitingApproval(sfn: SFNClient, executionArn: string): Promise<WaitingApproval> {
  const resource = SNS_PUBLISH_WAIT_RESOURCE.split(':::')[1]; // sns:publish.waitForTaskToken
  const [resourceType, resourceName] = [resource.slice(0, resource.indexOf(':')), resource.slice(resource.indexOf(':') + 1)];
  const isApproval = (details: TaskDetails) => details?.resourceType === resourceType && details?.resource === resourceName;
  let nextToken: string | undefined;
  for (let page = 0; page < MAX_HISTORY_PAGES; page++) {
    const history = await sfn.send(new GetExecutionHistoryCommand({ executionArn, reverseOrder: true, maxResults: 1000, includeExecutionData: true, nextToken }));
    for (const event of history.events ?? []) {
      const ended = endOf(event);
      if (ended && isApproval(ended.details)) return { kind: 'decided', how: ended.how };
      if (event.type === 'TaskScheduled' && isApproval(event.taskScheduledEventDetails)) {
        const parameters = JSON.parse(event.taskScheduledEventDetails?.parameters ?? '{}') as { MessageAttributes?: Record<string, { StringValue?: string }> };
        const attributes = parameters.MessageAttributes ?? {};
        const token = attributes[APPROVAL_ATTRIBUTES.token]?.StringValue;
        if (!token) return { kind: 'none' };
        const modelPackageArn = attributes[APPROVAL_ATTRIBUTES.modelPackage]?.StringValue;
        return {
          kind: 'waiting',
          token,
          stage: attributes[APPROVAL_ATTRIBUTES.stage]?.StringValue ?? '?',
          ...(event.timestamp ? { askedAt: event.timestamp } : {}),
          ...(modelPackageArn ? { modelPackageArn } : {}),
        };
      }
    }
    nextToken = history.nextToken;
    if (!nextToken) break;
  }
  return { kind: 'none' };
}

function endOf(event: HistoryEvent): { details: TaskDetails; how: string } | undefined {
  switch (event.type) {
    case 'TaskSucceeded':
      return { details: event.taskSucceededEventDetails, how: 'approved' };
    case 'TaskFailed':
      return { details: event.taskFailedEventDetails, how: `${event.taskFailedEventDetails?.error ?? 'failed'}` };
    case 'TaskTimedOut':
      return { details: event.taskTimedOutEventDetails, how: 'timed out' };
    default:
      return undefined;
  }
}

/** SendTaskSuccess/SendTaskFailure errors that mean the token is no longer waiting (decided or timed out meanwhile). */
export function isStaleTokenError(error: unknown): boolean {
  const name = (error as { name?: string } | undefined)?.name ?? '';
  return name === 'TaskTimedOut' || name === 'TaskDoesNotExist';
}
