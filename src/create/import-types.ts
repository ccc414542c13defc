/** What `--from` copies into each stage folder: shared by the script importer and the repository importer. */
import type { ScannedPaths } from './legacy-paths.js';

export interface CopiedFile {
  /** Absolute source path. */
  readonly source: string;
  /** Path relative to `stages/<stage>/`. */
  readonly target: string;
}

export interface StageImport {
  readonly stage: string;
  readonly files: readonly CopiedFile[];
  /** The entry script, relative to `stages/<stage>/`. */
  readonly entryScript: string;
  /** The `/opt/ml` paths found in every copied Python file. */
  readonly paths: ScannedPaths;
  /** The legacy state machine set this stage's inputs and outputs: no guessing from the script's paths. */
  readonly channelsFixed?: boolean;
}
