/**
 * The run record of a local run: `report.json`'s states and jobs, plus what the page shows from disk
 * (each job's log tail, the files each output wrote, the first rows of a CSV output). Reads files;
 * the page itself is drawn by the pure `renderReportPage`.
 */
import { closeSync, existsSync, openSync, readdirSync, readSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { JobRecord, LocalRunReport, StateRecord } from '../local/report.js';
import { metricGates } from './metric-gates.js';
import { renderReportPage } from './report-page.js';
import type { JobView, OutputView, RunRecord, StateOutcome } from './run-record.js';

export const REPORT_PAGE_FILE = 'report.html';
const FAILED_TAIL_LINES = 30;
const TAIL_LINES = 12;
const LISTED_FILES = 20;
const PREVIEW_ROWS = 5;
/** Enough of a log or CSV file for its tail or head, whatever its size. */
const READ_LIMIT = 64 * 1024;

const OUTCOMES: Record<StateRecord['status'], StateOutcome> = { RUNNING: 'running', SUCCEEDED: 'succeeded', FAILED: 'failed', CAUGHT: 'caught' };

export function localRunRecord(report: LocalRunReport, definition: unknown): RunRecord {
  const repoRoot = join(report.runDir, '..', '..', '..');
  const show = (path: string) => relative(repoRoot, path) || '.';
  const jobs = report.states.flatMap((s) => s.jobs);
  const lastChoice = new Map(report.states.filter((s) => s.type === 'Choice').map((s) => [s.name, s.input]));
  const backends = [...new Set(Object.values(report.backends).map((b) => b.backend))];
  return {
    source: 'local',
    executionName: report.executionName,
    status: report.status,
    startedAt: report.startedAt,
    durationMs: report.wallMs,
    definition,
    states: report.states.map((s) => ({
      name: s.name,
      type: s.type,
      // The engine reports a running state at the end only when the execution was stopped in it.
      outcome: s.status === 'RUNNING' && report.status !== 'SUCCEEDED' ? 'failed' : OUTCOMES[s.status],
      durationMs: s.durationMs,
      attempts: s.attempts,
      ...(s.error ? { error: s.error } : {}),
      ...(s.caughtTo ? { caughtTo: s.caughtTo } : {}),
    })),
    jobs: jobs.map((job) => jobView(job, show)),
    outputs: jobs.filter((j) => j.status === 'Completed').flatMap((job) => job.outputs.map((o) => outputView(job, o, show))),
    gates: metricGates(definition, (state) => lastChoice.get(state)),
    ...(report.error ? { error: report.error } : {}),
    ...(report.notices ? { notices: report.notices } : {}),
    facts: [
      { label: 'scripts', value: `${(report.scriptMs / 1000).toFixed(2)} s` },
      { label: 'runner', value: `${(report.overheadMs / 1000).toFixed(2)} s` },
      ...(backends.length > 0 ? [{ label: 'backend', value: backends.join(', ') }] : []),
      { label: 'input', value: show(report.input) },
    ],
  };
}

/** Writes `.local/runs/<execution>/report.html` next to report.json; returns its path. */
export function writeLocalReportPage(report: LocalRunReport, definition: unknown): string {
  const path = join(report.runDir, REPORT_PAGE_FILE);
  writeFileSync(path, renderReportPage(localRunRecord(report, definition)));
  return path;
}

function jobView(job: JobRecord, show: (path: string) => string): JobView {
  const failed = job.status !== 'Completed';
  const logs = failed ? [job.stderrLog, job.stdoutLog] : [job.stdoutLog, job.stderrLog];
  const count = failed ? FAILED_TAIL_LINES : TAIL_LINES;
  const log = logs.map((path) => ({ path, lines: tailLines(path, count) })).find((l) => l.lines.length > 0);
  return {
    state: job.stateName,
    name: job.jobName,
    ...(job.jobKind ? { kind: job.jobKind } : {}),
    ...partOf(job),
    status: job.status,
    startedAt: job.startedAt,
    durationMs: job.durationMs,
    ...(job.exitCode !== undefined ? { exitCode: job.exitCode } : {}),
    ...(job.exitMessage ? { exitMessage: job.exitMessage } : {}),
    ...(job.failureReason ? { failureReason: job.failureReason } : {}),
    backend: job.backend,
    ...(log ? { logTail: { source: show(log.path), lines: log.lines } } : {}),
  };
}

/** A job that is one host, item or shard of its state's work names it (fields added by the fan-out runner). */
function partOf(job: JobRecord): { part?: string } {
  const extra = job as unknown as { part?: unknown; host?: unknown; item?: unknown; shard?: unknown };
  const part = [extra.part, extra.item !== undefined ? `item ${String(extra.item)}` : undefined, extra.shard !== undefined ? `shard ${String(extra.shard)}` : undefined, extra.host]
    .filter((p): p is string => typeof p === 'string' && p !== '');
  return part.length > 0 ? { part: part.join(' · ') } : {};
}

function outputView(job: JobRecord, output: JobRecord['outputs'][number], show: (path: string) => string): OutputView {
  const files = existsSync(output.localPath) ? filesUnder(output.localPath) : [];
  const csv = files.find((f) => f.path.toLowerCase().endsWith('.csv'));
  const rows = csv ? csvHead(join(output.localPath, csv.path), PREVIEW_ROWS + 1) : [];
  return {
    state: job.stateName,
    name: output.name,
    uri: output.s3Uri,
    localPath: show(output.localPath),
    files: files.slice(0, LISTED_FILES),
    ...(files.length > LISTED_FILES ? { moreFiles: files.length - LISTED_FILES } : {}),
    ...(csv && rows.length > 0 ? { preview: { file: csv.path, rows } } : {}),
  };
}

function filesUnder(root: string): { path: string; bytes: number }[] {
  const stat = statSync(root);
  if (stat.isFile()) return [{ path: '.', bytes: stat.size }];
  const found: { path: string; bytes: number }[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) found.push({ path: relative(root, path), bytes: statSync(path).size });
    }
  };
  walk(root);
  return found;
}

function readPart(path: string, fromEnd: boolean): string {
  if (!existsSync(path)) return '';
  const size = statSync(path).size;
  const length = Math.min(size, READ_LIMIT);
  const buffer = Buffer.alloc(length);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, buffer, 0, length, fromEnd ? size - length : 0);
  } finally {
    closeSync(fd);
  }
  return buffer.toString('utf8');
}

function tailLines(path: string, count: number): string[] {
  const text = readPart(path, true).trimEnd();
  return text === '' ? [] : text.split('\n').slice(-count);
}

/** The first lines of a CSV file as cells. A small reader of its own: only a preview, quoted fields included. */
function csvHead(path: string, lines: number): string[][] {
  return readPart(path, false)
    .split(/\r?\n/)
    .slice(0, lines)
    .filter((line) => line !== '')
    .map(splitCsvLine);
}

function splitCsvLine(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      cells.push(cell);
      cell = '';
    } else cell += c;
  }
  cells.push(cell);
  return cells;
}
