/**
 * Governance answers of `create-legacy-mlops`: who an approval stage e-mails (`--approver-email`, or the
 * answers file's `approverEmail`), checked by the model's own rule, and the `notifications` option
 * .projenrc.ts declares from it.
 */
import { validatePipeline } from '../model/resolve.js';
import type { NotificationOptions, PipelineOptions, StageOptions } from '../model/types.js';

const PROBE: PipelineOptions = { name: 'probe', region: 'us-east-1', account: '111122223333', stages: [{ name: 'probe', mode: 'container' }] };

/** The model's message for an approver address, or undefined when it is valid. */
export function approverEmailProblem(value: unknown): string | undefined {
  return validatePipeline({ ...PROBE, notifications: { email: value as string } }).find((p) => p.path === 'notifications.email')?.message;
}

/** The first approval stage of a layout: it needs someone to ask. */
export function approvalStageOf(stages: readonly StageOptions[]): StageOptions | undefined {
  return stages.find((s) => s.kind === 'approval');
}

/** `notifications` for .projenrc.ts: only when an address was given. */
export function notificationsOption(approverEmail: unknown): NotificationOptions | undefined {
  return typeof approverEmail === 'string' && approverEmail.trim() !== '' ? { email: approverEmail.trim() } : undefined;
}
