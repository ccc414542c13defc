/**
 * Issue 15: a local fan-out over 500 items with a trivial stage (its script does nothing, so the
 * runner is measured, not Python's work): runner overhead per item, goal under 20 ms; and the ASL
 * size with and without fan-out (independent of the item count, which lives in the input only).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildStateMachine } from '../../src/asl/index.js';
import { buildExecutionInput } from '../../src/input/index.js';
import { runPipelineLocally } from '../../src/local/index.js';
import { resolvePipeline, type PipelineOptions } from '../../src/model/index.js';
import { synthesizeProject } from '../../src/project/synthesize.js';

const BASE = { name: 'bench', region: 'eu-west-1', account: '111122223333' } as const;
const ITEMS = 500;

function aslSizes(): void {
  const bytes = (options: PipelineOptions) => Buffer.byteLength(JSON.stringify(buildStateMachine(resolvePipeline(options)), null, 2));
  const inputBytes = (options: PipelineOptions, items: number) => {
    const input = buildExecutionInput(resolvePipeline(options)) as unknown as Record<string, unknown>;
    return Buffer.byteLength(JSON.stringify({ ...input, items: Array.from({ length: items }, (_, i) => ({ id: `store-${i + 1}` })) }));
  };
  const plain = bytes(BASE);
  console.log(`${'ASL, default 3 stages, no fan-out'.padEnd(48)} ${plain} B`);
  for (const itemsFrom of ['input', 's3', 's3-prefix'] as const) {
    const fanned = bytes({ ...BASE, fanOut: { itemsFrom } });
    console.log(`${`ASL, default 3 stages, fan-out from ${itemsFrom}`.padEnd(48)} ${fanned} B (+${fanned - plain} B, the same for any item count)`);
  }
  const fanOut = { ...BASE, fanOut: { itemsFrom: 'input' as const } };
  console.log(`${'execution input with 3 / 500 / 5,000 items'.padEnd(48)} ${inputBytes(fanOut, 3)} / ${inputBytes(fanOut, 500)} / ${inputBytes(fanOut, 5000)} B (Step Functions takes 262,144)`);
}

/** One run over the objects under `prefix`; returns its report. */
async function run(dir: string, prefix: string, backend: 'direct' | 'bwrap') {
  const input = { ...(buildExecutionInput(resolvePipeline({ ...BASE, ...MODEL })) as unknown as Record<string, unknown>), itemsPrefix: prefix };
  const inputPath = join(dir, `input-${prefix.replace(/\W/g, '')}.json`);
  writeFileSync(inputPath, JSON.stringify(input));
  const report = await runPipelineLocally({ repoRoot: dir, inputPath, backend, python: process.env.LEGACY_MLOPS_PYTHON ?? '/usr/bin/python3', envs: false, log: () => undefined });
  if (report.status !== 'SUCCEEDED') throw new Error(`local fan-out failed: ${JSON.stringify(report.error)}`);
  return report;
}

/** One trivial stage, run once per object under data/raw/; items one at a time, so wall minus script time is the runner's. */
const MODEL: Partial<PipelineOptions> = { fanOut: { itemsFrom: 's3-prefix', maxConcurrency: 1 }, stages: [{ name: 'touch', mode: 'script' }] };

export async function benchFanOut(): Promise<void> {
  console.log('# Fan-out (issue 15)');
  aslSizes();
  const dir = mkdtempSync(join(tmpdir(), 'lmo-bench-fan-out-'));
  try {
    synthesizeProject({ ...BASE, ...MODEL } as Parameters<typeof synthesizeProject>[0], dir);
    // The stage does nothing: what is left is the runner's work for each item.
    writeFileSync(join(dir, 'stages/touch/touch.py'), 'pass\n');
    for (let i = 1; i <= 5; i++) writeFileSync(join(dir, `data/raw/warm-${i}.csv`), 'x\n');
    for (let i = 1; i <= ITEMS; i++) writeFileSync(join(dir, `data/raw/bench-${String(i).padStart(4, '0')}.csv`), 'x\n');
    for (const backend of ['direct', 'bwrap'] as const) {
      // A warm-up over 5 items seeds local S3 and the validation cache.
      await run(dir, 'data/raw/warm-', backend);
      const report = await run(dir, 'data/raw/bench-', backend);
      const items = report.items?.length ?? 0;
      const perItem = report.overheadMs / items;
      console.log(
        `${`local fan-out, ${items} items, ${backend}, one at a time`.padEnd(48)} wall ${(report.wallMs / 1000).toFixed(1)} s, scripts ${(report.scriptMs / 1000).toFixed(1)} s, ` +
          `runner ${(report.overheadMs / 1000).toFixed(1)} s = ${perItem.toFixed(1)} ms per item (goal < 20 ms)`,
      );
    }
    console.log(`(items run one at a time so that wall minus script time is the runner's own; a real run takes min(maxConcurrency, ${availableParallelism()} cores) at once)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
