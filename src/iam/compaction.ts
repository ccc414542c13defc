/**
 * Fallbacks used only when the exact documents would exceed IAM's size quotas (large pipelines):
 * coarser, still bounded scopes, never a wildcard action.
 */
import type { ResolvedPipeline } from '../model/types.js';
import { s3BucketArn } from './arns.js';
import type { Permission } from './types.js';

/** Key prefixes of the S3 layout: `data/raw/`, `code/`, `runs/`. */
function layoutKeyPrefixes(pipeline: ResolvedPipeline): string[] {
  const bucketUri = `s3://${pipeline.s3.bucket}/`;
  return [pipeline.s3.rawDataUri, pipeline.s3.codeUri, pipeline.s3.runsUri].map((uri) => uri.slice(bucketUri.length));
}

/**
 * Widens S3 object patterns and `s3:prefix` values to the layout prefix they fall under
 * (every run output pattern becomes `runs/` plus a wildcard), so the policy stops growing with the stage count.
 */
export function coarsenS3(permission: Permission, pipeline: ResolvedPipeline): Permission {
  const objects = `${s3BucketArn(pipeline.partition, pipeline.s3.bucket)}/`;
  const prefixes = layoutKeyPrefixes(pipeline);
  const widen = (key: string) => {
    const layout = prefixes.find((p) => key.startsWith(p));
    return layout === undefined ? key : `${layout}*`;
  };
  const unique = (values: string[]) => [...new Set(values)];
  const resources = unique(permission.resources.map((r) => (r.startsWith(objects) ? objects + widen(r.slice(objects.length)) : r)));
  const condition =
    permission.condition?.key === 's3:prefix' ? { ...permission.condition, values: unique(permission.condition.values.map(widen)) } : permission.condition;
  return { ...permission, resources, ...(condition ? { condition } : {}) };
}

/** One pattern covering all of `patterns`: their common text up to the first wildcard, then `*`. */
export function commonPattern(patterns: readonly string[]): string {
  const literals = patterns.map((p) => p.split(/[*?]/)[0]);
  let common = literals[0] ?? '';
  for (const l of literals) while (!l.startsWith(common)) common = common.slice(0, -1);
  return `${common}*`;
}

/**
 * Replaces per-stage job patterns (`…:processing-job/<prefix>-????????-…`) with one pattern per job type
 * made of their common text (`…:processing-job/<project>-*`): still this project's jobs only.
 */
export function coarsenJobResources(resources: readonly string[]): string[] {
  const isJob = (r: string) => /:sagemaker:[^:]*:[^:]*:[a-z-]+-job\//.test(r);
  const byType = new Map<string, string[]>();
  for (const arn of resources.filter(isJob)) {
    const type = arn.slice(0, arn.indexOf('/') + 1);
    byType.set(type, [...(byType.get(type) ?? []), arn]);
  }
  const coarse = [...byType.values()].map((group) => (group.length > 1 ? commonPattern(group) : group[0]));
  return [...resources.filter((r) => !isJob(r)), ...coarse];
}
