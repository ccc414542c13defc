/**
 * `--from <file-or-folder>` for one new stage: the legacy script (or its folder) becomes the stage's
 * code in `stages/<name>/`, and its hard-coded `/opt/ml/processing/...` paths place the stage's input
 * and output folders (the scaffolder's import, for a single stage in an existing pipeline).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CreateError } from '../create/errors.js';
import { parseFromSpec, planImport, type ImportPlan } from '../create/legacy-import.js';
import { MIGRATION_FILE, migrationReportUpdate } from '../create/migration-report.js';
import { deriveChannels, withEntryScripts, type ChannelPlan } from '../create/stage-channels.js';
import { STAGE_NAME_MAX } from '../model/rules.js';
import type { StageOptions } from '../model/types.js';

export interface StageImportPlan {
  readonly plan: ImportPlan;
  readonly channels: ChannelPlan;
  /** The stage with the imported entry script and the folders its script uses. */
  readonly withChannels: StageOptions;
  /** The stage with the imported entry script only (when the folders are declined). */
  readonly withEntryScript: StageOptions;
}

/** One item (`path` or `<stage>=path`) for the stage `name`. */
export function parseStageFrom(text: string, cwd: string, name: string, origin = '--from'): string {
  const items = parseFromSpec(text, cwd, origin);
  if (items.length !== 1) throw new CreateError(`Invalid ${origin}: give one script or folder for stage '${name}' (got ${items.length})`);
  const [item] = items;
  if (item.stage !== undefined && item.stage !== name) throw new CreateError(`Invalid ${origin}: '${item.stage}=' names another stage than the one being added ('${name}')`);
  return item.path;
}

/** A stage name suggested by a script's file name: `Score_Customers.py` → `score-customers`. */
export function stageNameFromFile(file: string): string | undefined {
  const stem = path.basename(file).replace(/\.py$/, '').toLowerCase().replace(/[^a-z0-9]+/g, '-');
  const name = stem.replace(/^[^a-z]+/, '').slice(0, STAGE_NAME_MAX).replace(/-+$/, '');
  return name === '' ? undefined : name;
}

/**
 * The import of `source` as stage `stages[index]`'s code: what is copied, and the stage wired to the
 * folders its script reads and writes (inputs from the earlier stage whose output it reads, when known).
 */
export function planStageImport(source: string, stages: readonly StageOptions[], index: number, region: string, origin = '--from'): StageImportPlan {
  const plan = planImport([{ stage: stages[index].name, path: source }], [stages[index].name], origin);
  // A folder with a Dockerfile is a container stage: its build context is the stage folder, its Dockerfile kept.
  const override = plan.repository?.overrides?.find((o) => o.name === stages[index].name);
  const stage: StageOptions = override ? { ...withoutImage(stages[index]), ...override } : stages[index];
  // Only stages up to the new one matter to its wiring; the ones after it are not imported.
  const channels = deriveChannels([...stages.slice(0, index), stage], plan, region);
  return { plan, channels, withChannels: channels.stages[index], withEntryScript: withEntryScripts([stage], plan)[0] };
}

/** A stage whose image the imported Dockerfile now says: no framework or image URI of its own. */
function withoutImage(stage: StageOptions): StageOptions {
  const { framework: _framework, imageUri: _imageUri, ...rest } = stage;
  return rest;
}

/** Copies that would replace different bytes: write-once code is never overwritten, so these refuse the import. */
export function conflictingCopies(root: string, plan: ImportPlan): string[] {
  return plan.stages.flatMap((s) =>
    s.files
      .map((f) => ({ ...f, destination: path.join(root, 'stages', s.stage, f.target) }))
      .filter((f) => fs.existsSync(f.destination) && !fs.readFileSync(f.destination).equals(fs.readFileSync(f.source)))
      .map((f) => path.relative(root, f.destination)),
  );
}

/** Copies the imported files that are not there yet; returns the repo-relative paths written. */
export function copyImport(root: string, plan: ImportPlan): string[] {
  const written: string[] = [];
  for (const s of plan.stages) {
    for (const f of s.files) {
      const destination = path.join(root, 'stages', s.stage, f.target);
      if (fs.existsSync(destination)) continue;
      fs.mkdirSync(path.dirname(destination), { recursive: true });
      fs.copyFileSync(f.source, destination, fs.constants.COPYFILE_EXCL);
      written.push(path.relative(root, destination));
    }
  }
  // Beside the legacy code: the requirements its Dockerfile installs, for local runs.
  for (const extra of plan.repository?.generated ?? []) {
    const destination = path.join(root, 'stages', extra.stage, extra.target);
    if (fs.existsSync(destination)) continue;
    fs.writeFileSync(destination, extra.content, { flag: 'wx' });
    written.push(path.relative(root, destination));
  }
  return written;
}

/** Why MIGRATION.md cannot take the import's report (checked before anything is written), if it cannot. */
export function migrationReportProblem(root: string, plan: ImportPlan): string | undefined {
  if (!plan.repository) return undefined;
  const file = path.join(root, MIGRATION_FILE);
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(file);
  } catch {
    return undefined;
  }
  return stat.isFile() ? undefined : `${MIGRATION_FILE} is not a regular file: the migration report is appended to it; move it away and run the command again`;
}

/**
 * The import's migration report: MIGRATION.md is written when absent; when present (the user's file),
 * one delimited section for the stage is appended and every byte before it is kept.
 */
export function recordMigration(root: string, stage: string, plan: ImportPlan): { file: string; appended: boolean } | undefined {
  const repository = plan.repository;
  if (!repository) return undefined;
  const file = path.join(root, MIGRATION_FILE);
  const existing = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
  const { content, appended } = migrationReportUpdate(existing, stage, repository.source, repository.report);
  if (existing === undefined) fs.writeFileSync(file, content, { flag: 'wx' });
  else fs.appendFileSync(file, content.slice(existing.length));
  return { file: MIGRATION_FILE, appended };
}
