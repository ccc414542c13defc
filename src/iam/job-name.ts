/**
 * Job names in the ASL are `States.Format('<prefix>-{}', States.UUID())`. The prefix is read back
 * out of that expression, and the UUID becomes IAM single-character wildcards, so a grant for
 * `<prefix>` cannot match the jobs of a longer prefix (`predict` vs `predict-v2`).
 */
import { JOB_NAME_PATTERN } from '../model/rules.js';
import { literal } from './arns.js';

const JOB_NAME_EXPRESSION = /^States\.Format\('([A-Za-z0-9-]+)-\{\}',\s*States\.UUID\(\)\)$/;

/** `States.UUID()` yields 8-4-4-4-12 lowercase hex digits; one `?` per character keeps the length exact. */
export const UUID_WILDCARD = '????????-????-????-????-????????????';

/** The prefix of a job-name expression; throws when the expression is not the retry-safe form. */
export function jobNamePrefixOf(expression: unknown, where: string): string {
  const match = typeof expression === 'string' ? JOB_NAME_EXPRESSION.exec(expression) : null;
  if (!match) {
    throw new Error(
      `${where}: cannot scope IAM permissions to the job name ${JSON.stringify(expression)}; ` +
        "expected the expression States.Format('<prefix>-{}', States.UUID())",
    );
  }
  return literal(match[1], `${where}: job-name prefix`);
}

export function jobNamePattern(prefix: string): string {
  return `${prefix}-${UUID_WILDCARD}`;
}

export function sampleJobName(prefix: string, jobId: string): string {
  const name = `${prefix}-${jobId}`;
  if (!JOB_NAME_PATTERN.test(name)) throw new Error(`sample job name '${name}' is not a valid SageMaker job name`);
  return name;
}

/**
 * Tuning-job names hold 32 characters, so the tuning state appends only the UUID's last group (12
 * hex digits): `States.Format('<prefix>-{}', States.ArrayGetItem(States.StringSplit(States.UUID(), '-'), 4))`.
 */
const SHORT_NAME_EXPRESSION = /^States\.Format\('([A-Za-z0-9-]+)-\{\}',\s*States\.ArrayGetItem\(States\.StringSplit\(States\.UUID\(\),\s*'-'\),\s*4\)\)$/;
export const UUID_LAST_GROUP_WILDCARD = '????????????';

export function shortJobNamePrefixOf(expression: unknown, where: string): string {
  const match = typeof expression === 'string' ? SHORT_NAME_EXPRESSION.exec(expression) : null;
  if (!match) {
    throw new Error(
      `${where}: cannot scope IAM permissions to the job name ${JSON.stringify(expression)}; ` +
        "expected the expression States.Format('<prefix>-{}', States.ArrayGetItem(States.StringSplit(States.UUID(), '-'), 4))",
    );
  }
  return literal(match[1], `${where}: job-name prefix`);
}

export function shortJobNamePattern(prefix: string): string {
  return `${prefix}-${UUID_LAST_GROUP_WILDCARD}`;
}

export function sampleShortJobName(prefix: string, jobId: string): string {
  return sampleJobName(prefix, jobId.split('-').pop()!);
}
