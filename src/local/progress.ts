/** What a person watching a local run sees: each state as it starts and ends, failed jobs' output, a summary table. */
import { existsSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';
import type { ExecutionEvent } from './execution-record.js';
import type { JobRecord, LocalRunReport } from './report.js';

/** Lines of a failed job's logs shown. */
const TAIL_LINES = 20;

export class ProgressPrinter {
  private readonly enteredAt = new Map<string, number>();
  /** States whose error a Catch handled: their exit is not a success. */
  private readonly caught = new Set<string>();

  constructor(
    private readonly write: (line: string) => void,
    /** Paths are shown relative to the repo. */
    private readonly repoRoot: string,
  ) {}

  onEvent(event: ExecutionEvent): void {
    if (!('state' in event)) return;
    const { name, type } = event.state;
    switch (event.type) {
      case 'StateEntered':
        this.enteredAt.set(name, event.timestamp);
        this.caught.delete(name);
        this.write(type === 'Fail' ? `✘ ${name} (Fail state)` : `▶ ${name} started (${type})`);
        break;
      case 'StateExited':
        if (type !== 'Fail' && !this.caught.has(name)) this.write(`✔ ${name} succeeded in ${seconds(event.timestamp - (this.enteredAt.get(name) ?? event.timestamp))}`);
        break;
      case 'StateFailed':
        if (type === 'Fail') this.write(`  ${event.Error}: ${readableCause(String(event.Cause))}`);
        else this.write(`✘ ${name} failed after ${seconds(event.timestamp - (this.enteredAt.get(name) ?? event.timestamp))}: ${event.Error}: ${readableCause(String(event.Cause))}`);
        break;
      case 'StateRetried':
        this.write(`↻ ${name} retried (attempt ${event.retry.attempt + 1})`);
        break;
      case 'StateCaught':
        this.caught.add(name);
        this.write(`  ${name}: error caught, next state '${event.catch.catcher.Next}'`);
        break;
    }
  }

  onItemDone(item: { id: string; status: string; durationMs: number; error?: string; cause?: string }): void {
    const how = item.status === 'SUCCEEDED' ? 'succeeded' : `${item.status.toLowerCase()}: ${item.error}: ${readableCause(String(item.cause))}`;
    this.write(`${item.status === 'SUCCEEDED' ? '✔' : '✘'} item ${item.id} ${how} (${seconds(item.durationMs)})`);
  }

  onJobStarted(job: { stateName: string; jobName: string; backend: string }): void {
    this.write(`  ${job.stateName}: job ${job.jobName} on ${job.backend}`);
  }

  onJobEnded(job: JobRecord): void {
    const took = `${seconds(job.durationMs)} (script ${seconds(job.scriptMs)})`;
    if (job.status === 'Completed') {
      this.write(`  ${job.stateName}: job ${job.status} in ${took}`);
      return;
    }
    this.write(`  ${job.stateName}: job ${job.status} in ${took}${job.exitCode !== undefined ? `, exit code ${job.exitCode}` : ''}`);
    this.write(`  exit message: ${job.exitMessage || '(none: the job wrote no /opt/ml/output/message)'}`);
    // The reason repeats the exit message when there is one.
    if (job.failureReason && !job.exitMessage) this.write(`  failure reason: ${job.failureReason}`);
    for (const log of [job.stderrLog, job.stdoutLog]) {
      const tail = tailOf(log, TAIL_LINES);
      if (tail.length === 0) continue;
      this.write(`  last lines of ${relative(this.repoRoot, log)}:`);
      for (const line of tail) this.write(`    | ${line}`);
      break;
    }
  }

  summary(report: LocalRunReport, reportPath: string): void {
    const rows = report.states.map((state) => {
      const job = state.jobs[state.jobs.length - 1];
      return [state.name, state.type, state.status, state.durationMs === undefined ? '' : seconds(state.durationMs), job?.jobName ?? '', job?.backend ?? ''];
    });
    const table = [['State', 'Type', 'Status', 'Duration', 'Job', 'Backend'], ...rows];
    const widths = table[0].map((_, column) => Math.max(...table.map((row) => row[column].length)));
    this.write('');
    for (const row of table) this.write(row.map((cell, column) => cell.padEnd(widths[column])).join('  ').trimEnd());
    this.write('');
    const timing = `${seconds(report.wallMs)} (scripts ${seconds(report.scriptMs)}, runner ${seconds(report.overheadMs)})`;
    this.write(`Execution ${report.executionName} ${report.status} in ${timing}`);
    if (report.error) this.write(`  ${report.error.error}: ${readableCause(report.error.cause)}`);
    const outputs = report.states.flatMap((s) => s.jobs.flatMap((j) => j.outputs));
    if (report.status === 'SUCCEEDED' && outputs.length > 0) this.write(`  final output: ${relative(this.repoRoot, outputs[outputs.length - 1].localPath)}`);
    if (report.items) {
      const failed = report.items.filter((i) => i.status !== 'SUCCEEDED');
      this.write(`  items: ${report.items.length - failed.length} of ${report.items.length} succeeded${failed.length > 0 ? `; failed: ${failed.map((i) => i.id).join(', ')}` : ''}`);
    }
    this.write(`  report: ${relative(this.repoRoot, reportPath)}`);
  }
}

/** A `.sync` failure's cause is the Describe response as JSON: show its FailureReason instead. */
export function readableCause(cause: string): string {
  try {
    const parsed = JSON.parse(cause) as { FailureReason?: unknown };
    if (typeof parsed?.FailureReason === 'string') return parsed.FailureReason;
  } catch {
    // Not JSON: the cause is already text.
  }
  return cause;
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

function tailOf(path: string, lines: number): string[] {
  if (!existsSync(path)) return [];
  const text = readFileSync(path, 'utf8').trimEnd();
  return text === '' ? [] : text.split('\n').slice(-lines);
}
