/**
 * The local S3 raw-data prefix follows `data/raw/`: seeded on the first run, and seeded again
 * (the prefix then holds exactly the files of `data/raw/`) whenever their content changed since the
 * last seed. The content hash of the last seed is kept beside the buckets in the local S3 root.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { LocalS3 } from './local-s3.js';

export const RAW_DATA_DIR = join('data', 'raw');
/** Not a valid bucket name, so it never collides with one. */
const SEED_RECORD = '.raw-data-seeds.json';

type SeedRecord = Record<string, { readonly hash: string; readonly files: Record<string, string> }>;

/** Seeds or re-seeds the raw prefix; returns the refusal line when there is no raw data at all. */
export function seedRawData(repoRoot: string, s3: LocalS3, rawDataUri: unknown, log: (line: string) => void): string | undefined {
  if (typeof rawDataUri !== 'string') return undefined;
  const source = join(repoRoot, RAW_DATA_DIR);
  const seeded = s3.hasObjects(rawDataUri);
  if (!existsSync(source) || readdirSync(source).length === 0) {
    return seeded ? undefined : `no raw data: put the input files in ${RAW_DATA_DIR}/ (copied to the local S3 prefix ${rawDataUri} on the first run)`;
  }
  const files = hashFiles(source);
  const hash = createHash('sha256').update(JSON.stringify(files)).digest('hex');
  const record = readRecord(s3);
  const last = record[rawDataUri];
  if (seeded && last?.hash === hash) return undefined;
  s3.replace(source, rawDataUri);
  writeFileSync(join(s3.root, SEED_RECORD), `${JSON.stringify({ ...record, [rawDataUri]: { hash, files } }, null, 2)}\n`);
  const where = relative(repoRoot, s3.pathOf(rawDataUri));
  if (!seeded) log(`  local S3: seeded ${rawDataUri} from ${RAW_DATA_DIR}/ (${where})`);
  else log(`  local S3: ${RAW_DATA_DIR}/ changed since the last seed (${describeChanges(last?.files, files)}): re-seeded ${rawDataUri} (${where})`);
  return undefined;
}

/** sha256 of every file under `dir`, by path relative to it. */
function hashFiles(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = join(folder, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) out[relative(dir, full)] = createHash('sha256').update(readFileSync(full)).digest('hex');
    }
  };
  walk(dir);
  return out;
}

function describeChanges(before: Record<string, string> | undefined, after: Record<string, string>): string {
  if (!before) return 'no record of the last seed';
  const changed = Object.keys(after).filter((f) => f in before && before[f] !== after[f]).length;
  const added = Object.keys(after).filter((f) => !(f in before)).length;
  const removed = Object.keys(before).filter((f) => !(f in after)).length;
  const parts = [changed && `${changed} changed`, added && `${added} added`, removed && `${removed} removed`].filter(Boolean);
  return parts.length > 0 ? parts.join(', ') : 'files renamed';
}

function readRecord(s3: LocalS3): SeedRecord {
  try {
    return JSON.parse(readFileSync(join(s3.root, SEED_RECORD), 'utf8')) as SeedRecord;
  } catch {
    return {};
  }
}
