/**
 * The instances of a local processing job: `InstanceCount` N runs as N local jobs (hosts `algo-1` …
 * `algo-N`), each with its own sandbox, `resourceconfig.json` and share of every `ShardedByS3Key` input.
 *
 * SageMaker documents that a sharded input gives each instance a subset of the objects (about 1/N each)
 * but not which objects go where. Locally the rule is deterministic: the keys under the prefix in byte
 * order, dealt round-robin (key k goes to host k mod N). Hand-written: no library emulates it.
 */
import { availableParallelism } from 'node:os';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** `algo-1` … `algo-N`, as SageMaker names a job's hosts. */
export function hostNames(count: number): string[] {
  return Array.from({ length: Math.max(1, count) }, (_, i) => `algo-${i + 1}`);
}

/** The keys one host gets from a sharded input. */
export function shardOf(keys: readonly string[], hostIndex: number, hostCount: number): string[] {
  return keys.filter((_, k) => k % hostCount === hostIndex);
}

/** How many local host processes run at once: the cores, at least one. */
export function hostConcurrency(): number {
  return Math.max(1, availableParallelism());
}

/** Runs `work` for every item, at most `limit` at a time; results in item order. */
export async function boundedAll<T, R>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker));
  return results;
}

/** Relative paths of the files under a folder ('/'-separated). */
export function filesUnder(dir: string): string[] {
  const found: string[] = [];
  const walk = (current: string) => {
    let entries;
    try {
      entries = readdirSync(current, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = join(current, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile() || statSync(path).isFile()) found.push(relative(dir, path).split('\\').join('/'));
    }
  };
  walk(dir);
  return found.sort();
}

/**
 * Files that two or more hosts write under the same output: S3 keeps one of them (the last upload).
 * `written` maps each host to its files under that output.
 */
export function outputCollisions(written: ReadonlyMap<string, readonly string[]>): { file: string; hosts: string[] }[] {
  const owners = new Map<string, string[]>();
  for (const [host, files] of written) for (const file of files) owners.set(file, [...(owners.get(file) ?? []), host]);
  return [...owners].filter(([, hosts]) => hosts.length > 1).map(([file, hosts]) => ({ file, hosts }));
}
