/**
 * A stage's smoke test: its script runs untouched on the sample data, the way `legacy-mlops local` runs
 * it (same emulators, same sandbox with SageMaker's /opt/ml paths redirected, same stage environment),
 * but in a folder of its own and with only the states it needs: the stage and, before it, the stages
 * whose outputs or results it reads. What an imported legacy script's starter test calls.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { referencesOf } from '../checks/stage-switches.js';
import { PIPELINE_FILES } from '../model/repo-layout.js';
import type { BackendName } from './backends/types.js';
import { LocalRunRefused } from './errors.js';
import type { JobRecord, LocalRunReport } from './report.js';
import { readJsonFile } from './repo-files.js';
import { runPipelineLocally } from './run-pipeline.js';
import { stageCodeOf } from './stage-code.js';

type States = Record<string, Record<string, unknown>>;

export interface SmokeOptions {
  /** Folder the run writes to (its local S3 and its job sandboxes). */
  readonly workDir: string;
  readonly backend?: BackendName | 'auto';
  readonly python?: string;
  readonly envs?: boolean;
  readonly log?: (line: string) => void;
  /** Stops the running job (Ctrl-C). */
  readonly signal?: AbortSignal;
}

export interface SmokeOutput {
  readonly name: string;
  /** Files written, relative to the output folder, sorted. */
  readonly files: readonly string[];
}

export interface SmokeResult {
  readonly stage: string;
  readonly passed: boolean;
  /** One line: why it failed, or what it wrote. */
  readonly summary: string;
  /** Stages that ran first to make this stage's inputs. */
  readonly upstream: readonly string[];
  /** The stage that failed (this one or one it reads from). */
  readonly failedStage?: string;
  readonly exitCode?: number;
  readonly outputs: readonly SmokeOutput[];
  /** The last lines the failed job printed on standard error. */
  readonly stderrTail?: string;
  readonly runDir: string;
}

/** Lines of a failed job's stderr shown in the result. */
const STDERR_TAIL_LINES = 20;

/**
 * The sub-machine that runs `stageName` on the sample data: its Task state and the top-level states it reads
 * from (transitively), in execution order, chained with Next and without Catch (a failure ends the run as
 * the job's own error).
 */
export function smokeDefinition(repoRoot: string, definition: unknown, stageName: string): { definition: unknown; stateName: string; upstream: string[] } {
  const machine = definition as { StartAt?: string; States?: States };
  const states = machine.States ?? {};
  const stageOf = (name: string) => stageCodeOf(repoRoot, name, states[name].Parameters).stageName;
  const isJob = (state: Record<string, unknown>) => state.Type === 'Task' && /createProcessingJob|createTrainingJob/.test(String(state.Resource));
  const target = Object.keys(states).find((name) => isJob(states[name]) && stageOf(name) === stageName);
  if (!target) {
    const known = Object.keys(states).filter((name) => isJob(states[name])).map(stageOf);
    throw new LocalRunRefused(`no processing or training stage '${stageName}' at the top level of ${PIPELINE_FILES.stateMachine} (stages: ${known.join(', ') || 'none'})`);
  }
  // `$.results.<key>` and run-output URIs name a stage by its result key: ResultPath says which state that is.
  const byKey = new Map<string, string>();
  for (const [name, state] of Object.entries(states)) {
    const key = /^\$\.results\.([A-Za-z0-9_]+)$/.exec(String(state.ResultPath ?? ''))?.[1];
    if (key) byKey.set(key, name);
  }
  const needed = new Set<string>();
  const visit = (name: string) => {
    if (needed.has(name)) return;
    needed.add(name);
    for (const [key] of referencesOf(states[name])) {
      const source = byKey.get(key);
      if (source && source !== name) visit(source);
    }
  };
  visit(target);
  const order = executionOrder(machine.StartAt, states).filter((name) => needed.has(name));
  const chained: States = {};
  order.forEach((name, i) => {
    const { Next: _next, End: _end, Catch: _catch, ...rest } = states[name];
    chained[name] = i + 1 < order.length ? { ...rest, Next: order[i + 1] } : { ...rest, End: true };
  });
  return {
    definition: { Comment: `smoke test of stage ${stageName}`, StartAt: order[0], States: chained },
    stateName: target,
    upstream: order.filter((name) => name !== target).map(stageOf),
  };
}

/** Runs the stage's smoke test; throws {@link LocalRunRefused} when it cannot start (as `legacy-mlops local`). */
export async function runStageSmoke(repoRoot: string, stageName: string, options: SmokeOptions): Promise<SmokeResult> {
  const root = resolve(repoRoot);
  const full = readJsonFile(root, join(root, PIPELINE_FILES.stateMachine), 'state machine').value;
  const { definition, stateName, upstream } = smokeDefinition(root, full, stageName);
  const work = resolve(options.workDir);
  const report = await runPipelineLocally({
    repoRoot: root,
    definition,
    s3Root: join(work, 's3'),
    runsRoot: join(work, 'runs'),
    backend: options.backend,
    python: options.python,
    envs: options.envs,
    approvals: 'reject-all',
    signal: options.signal,
    log: options.log ?? (() => undefined),
  });
  return smokeResultOf(report, stageName, stateName, upstream);
}

function smokeResultOf(report: LocalRunReport, stageName: string, stateName: string, upstream: readonly string[]): SmokeResult {
  const lastJob = (name: string): JobRecord | undefined => report.states.find((s) => s.name === name)?.jobs.at(-1);
  const job = lastJob(stateName);
  const base = { stage: stageName, upstream, runDir: report.runDir };
  if (report.status === 'SUCCEEDED' && job?.status === 'Completed') {
    const outputs = job.outputs.map((o) => ({ name: o.name, files: filesOf(o.localPath) }));
    const wrote = outputs.map((o) => `${o.name}: ${o.files.length} file(s)`).join(', ');
    return { ...base, passed: true, exitCode: job.exitCode, outputs, summary: `exit code ${job.exitCode ?? 0}${wrote ? `; wrote ${wrote}` : ''}` };
  }
  // The job that failed: this stage's, or one a stage before it ran.
  const failedJob = [...report.states].reverse().flatMap((s) => s.jobs.slice(-1)).find((j) => j.status !== 'Completed');
  const failedStage = failedJob?.stageName ?? report.error?.state ?? stageName;
  const why = failedJob ? (failedJob.failureReason ?? `${failedJob.status}`) : `${report.error?.error ?? report.status}: ${report.error?.cause ?? ''}`.trim();
  const before = failedStage === stageName ? '' : `stage '${failedStage}', which must run first to make its input, failed: `;
  return {
    ...base,
    passed: false,
    failedStage,
    exitCode: failedJob?.exitCode,
    outputs: [],
    stderrTail: failedJob ? tailOf(failedJob.stderrLog) : undefined,
    summary: `${before}${why}`,
  };
}

/** Every file below an output's local S3 folder (a training job's output is its model.tar.gz itself). */
function filesOf(path: string): string[] {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [basename(path)];
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(join(dir, entry.name));
      else found.push(relative(path, join(dir, entry.name)).split('\\').join('/'));
    }
  };
  walk(path);
  return found.sort();
}

function tailOf(file: string): string | undefined {
  if (!existsSync(file)) return undefined;
  const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
  return lines.slice(-STDERR_TAIL_LINES).join('\n') || undefined;
}

/** State names from StartAt along Next/Default/Choices (first visit order), then any left. */
function executionOrder(start: string | undefined, states: States): string[] {
  const seen: string[] = [];
  const queue = start ? [start] : [];
  while (queue.length > 0) {
    const name = queue.shift()!;
    if (seen.includes(name) || !(name in states)) continue;
    seen.push(name);
    const state = states[name];
    const choices = Array.isArray(state.Choices) ? (state.Choices as { Next?: unknown }[]).map((c) => c.Next) : [];
    queue.push(...[state.Next, ...choices, state.Default].filter((n): n is string => typeof n === 'string'));
  }
  return [...seen, ...Object.keys(states).filter((name) => !seen.includes(name))];
}
