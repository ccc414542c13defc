/**
 * Job names in the ASL are `States.Format('<prefix>-{}', <suffix>)`, the suffix one of the expressions
 * of `JOB_NAME_SUFFIX_EXPRESSIONS` (the whole `States.UUID()`, or its last group where names are short).
 * The prefix and suffix form are read back out of that expression, and the suffix becomes IAM
 * single-character wildcards, so a grant for `<prefix>` cannot match the jobs of a longer prefix
 * (`predict` vs `predict-v2`).
 */
import { JOB_NAME_SUFFIX_EXPRESSIONS } from '../asl/task-common.js';
import { SAGEMAKER_NAME_PATTERN } from '../model/rules.js';
import { KIND_FACTS, type JobNameSuffix } from '../model/stage-kinds.js';
import type { ResolvedStage } from '../model/types.js';
import { literal } from './arns.js';

/** `States.UUID()` yields 8-4-4-4-12 lowercase hex digits; one `?` per character keeps the length exact. */
export const UUID_WILDCARD = '????????-????-????-????-????????????';

/** Each suffix form as IAM wildcards, and as it appears in a sample name made from a sample UUID. */
const SUFFIXES: Readonly<Record<JobNameSuffix, { readonly wildcard: string; readonly sample: (uuid: string) => string }>> = {
  uuid: { wildcard: UUID_WILDCARD, sample: (uuid) => uuid },
  'uuid-last-group': { wildcard: UUID_WILDCARD.split('-').pop()!, sample: (uuid) => uuid.split('-').pop()! },
};

/** A job name read from its expression: the literal prefix, and what follows it. */
export interface JobName {
  readonly prefix: string;
  readonly suffix: JobNameSuffix;
}

const JOB_NAME_EXPRESSION = /^States\.Format\('([A-Za-z0-9-]+)-\{\}',\s*(.+)\)$/;
/** Spaces after commas do not change an intrinsic function's meaning. */
const normalized = (expression: string) => expression.replace(/,\s*/g, ', ');

/** The job name an expression computes; throws when the expression is not one of the retry-safe forms. */
export function jobNameOf(expression: unknown, where: string): JobName {
  const match = typeof expression === 'string' ? JOB_NAME_EXPRESSION.exec(expression) : null;
  const suffix = match ? (Object.keys(JOB_NAME_SUFFIX_EXPRESSIONS) as JobNameSuffix[]).find((s) => normalized(JOB_NAME_SUFFIX_EXPRESSIONS[s]) === normalized(match[2])) : undefined;
  if (!match || !suffix) {
    const forms = Object.values(JOB_NAME_SUFFIX_EXPRESSIONS).map((e) => `States.Format('<prefix>-{}', ${e})`);
    throw new Error(`${where}: cannot scope IAM permissions to the job name ${JSON.stringify(expression)}; expected the expression ${forms.join(' or ')}`);
  }
  return { prefix: literal(match[1], `${where}: job-name prefix`), suffix };
}

/** The prefix of a job-name expression; throws when the expression is not a retry-safe form. */
export function jobNamePrefixOf(expression: unknown, where: string): string {
  return jobNameOf(expression, where).prefix;
}

/** The names a stage's own Task computes (read from the model where a later call refers to them). */
export function stageJobName(stage: Pick<ResolvedStage, 'kind' | 'jobNamePrefix'>): JobName {
  return { prefix: stage.jobNamePrefix, suffix: KIND_FACTS[stage.kind].jobName.suffix };
}

/** Every name the expression can compute, as an IAM resource-name pattern. */
export function jobNamePattern(name: JobName): string {
  return `${name.prefix}-${SUFFIXES[name.suffix].wildcard}`;
}

/** One name the expression computes, for the simulator: the sample UUID `jobId` in the name's form. */
export function sampleJobName(name: JobName, jobId: string): string {
  const sample = `${name.prefix}-${SUFFIXES[name.suffix].sample(jobId)}`;
  if (!SAGEMAKER_NAME_PATTERN.test(sample)) throw new Error(`sample job name '${sample}' is not a valid SageMaker job name`);
  return sample;
}
