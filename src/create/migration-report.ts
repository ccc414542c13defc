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

export function renderMigrationReport(source: string, items: readonly MigrationItem[], command = 'create-legacy-mlops --from'): string {
  return [
    '# Migration report',
    '',
    `Imported from \`${source}\` by \`${command}\`. The legacy files were copied byte for byte;`,
    'anything legacy-mlops needed was written beside them. This file is yours: it is never regenerated.',
    '',
    ...tables(items, '##'),
  ].join('\n');
}

/** The first line of a section `yo legacy-mlops:stage --from` appends: the marker says what wrote it. */
export function sectionMarker(stage: string): string {
  return `<!-- legacy-mlops: stage '${stage}' imported by yo legacy-mlops:stage --from -->`;
}

/**
 * What `yo legacy-mlops:stage --from` does to MIGRATION.md: writes it when there is none, else appends one
 * delimited section for the new stage after the user's text, which is kept byte for byte.
 */
export function migrationReportUpdate(existing: string | undefined, stage: string, source: string, items: readonly MigrationItem[]): { content: string; appended: boolean } {
  const command = 'yo legacy-mlops:stage --from';
  if (existing === undefined) return { content: renderMigrationReport(source, items, command), appended: false };
  const section = [
    sectionMarker(stage),
    `## Stage '${stage}': imported from \`${source}\``,
    '',
    `Added by \`${command}\`; the legacy files were copied byte for byte, anything legacy-mlops needed was written beside them.`,
    '',
    ...tables(items, '###'),
    `<!-- legacy-mlops: end of stage '${stage}' -->`,
    '',
  ].join('\n');
  const separator = existing === '' || existing.endsWith('\n\n') ? '' : existing.endsWith('\n') ? '\n' : '\n\n';
  return { content: `${existing}${separator}${section}`, appended: true };
}

function tables(items: readonly MigrationItem[], heading: string): string[] {
  const cell = (text: string | undefined) => (text ?? '').replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const moved = items.filter((i) => !isLeftBehind(i));
  const left = items.filter(isLeftBehind);
  return [
    `${heading} Where each legacy item went`,
    '',
    '| Legacy item | Now | Why |',
    '| --- | --- | --- |',
    ...moved.map((i) => `| ${cell(i.legacy)} | ${cell(i.outcome)} | ${cell(i.why)} |`),
    '',
    `${heading} Left behind`,
    '',
    ...(left.length === 0
      ? ['Nothing.']
      : ['| Legacy item | Why | What to do |', '| --- | --- | --- |', ...left.map((i) => `| ${cell(i.legacy)} | ${cell(i.why)} | ${cell(i.action)} |`)]),
    '',
  ];
}
