/**
 * The migration report of a `--from` import: each legacy item, where it went, and each item left
 * behind with why and what to do. Printed during create and written once to MIGRATION.md (the
 * user's file from then on: never regenerated).
 */
export interface MigrationItem {
  /** The legacy file, folder, state or setting. */
  readonly legacy: string;
  /** Where it went, or `left behind` / `not imported` / `replaced`. */
  readonly outcome: string;
  readonly why?: string;
  /** What the user should do, when anything. */
  readonly action?: string;
}

export const MIGRATION_FILE = 'MIGRATION.md';

const LEFT = ['left behind', 'not imported', 'not copied', 'referenced, not copied'];

export function isLeftBehind(item: MigrationItem): boolean {
  return LEFT.includes(item.outcome);
}

/** One line per item, for the terminal. */
export function reportLines(items: readonly MigrationItem[]): string[] {
  return items.map((i) => `${isLeftBehind(i) ? '!' : '-'} ${i.legacy}: ${i.outcome}${i.why ? ` (${i.why})` : ''}${i.action && i.action !== 'none' ? `; ${i.action}` : ''}`);
}

export function renderMigrationReport(source: string, items: readonly MigrationItem[]): string {
  const cell = (text: string | undefined) => (text ?? '').replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const moved = items.filter((i) => !isLeftBehind(i));
  const left = items.filter(isLeftBehind);
  return [
    '# Migration report',
    '',
    `Imported from \`${source}\` by \`create-legacy-mlops --from\`. The legacy files were copied byte for byte;`,
    'anything legacy-mlops needed was written beside them. This file is yours: it is never regenerated.',
    '',
    '## Where each legacy item went',
    '',
    '| Legacy item | Now | Why |',
    '| --- | --- | --- |',
    ...moved.map((i) => `| ${cell(i.legacy)} | ${cell(i.outcome)} | ${cell(i.why)} |`),
    '',
    '## Left behind',
    '',
    ...(left.length === 0
      ? ['Nothing.']
      : ['| Legacy item | Why | What to do |', '| --- | --- | --- |', ...left.map((i) => `| ${cell(i.legacy)} | ${cell(i.why)} | ${cell(i.action)} |`)]),
    '',
  ].join('\n');
}
