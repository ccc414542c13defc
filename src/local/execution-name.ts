/** Names of local executions. */
import { randomBytes } from 'node:crypto';

/**
 * `local-<UTC timestamp>-<4 hex>`: sorts by start time, fits Step Functions' 80-character
 * execution-name limit and is safe in job tags and S3 keys.
 */
export function localExecutionName(now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `local-${stamp}-${randomBytes(2).toString('hex')}`;
}
