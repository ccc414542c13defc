/** Issue 2: in-process synthesis time of the default and a 50-stage project, and the ASL size. */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { synthesizeProject } from '../../src/project/synthesize.js';
import type { StageOptions } from '../../src/model/types.js';
import { median, row, timeRuns } from './stats.js';

const base = { name: 'bench', region: 'eu-west-1', account: '111122223333' };

function stagesOf(count: number): StageOptions[] {
  return Array.from({ length: count }, (_, i) => ({ name: `stage${i + 1}`, mode: i % 3 === 1 ? 'container' : 'script' }));
}

async function synthCase(label: string, stages: StageOptions[] | undefined, runs: number): Promise<{ median: number; aslBytes: number }> {
  let aslBytes = 0;
  const times = await timeRuns(runs, () => {
    const outdir = mkdtempSync(join(tmpdir(), 'lmo-bench-'));
    try {
      synthesizeProject({ ...base, stages }, outdir);
      aslBytes = statSync(join(outdir, 'pipeline/state-machine.asl.json')).size;
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });
  console.log(row(label, times, `ASL ${(aslBytes / 1024).toFixed(1)} KiB (${((aslBytes / (1024 * 1024)) * 100).toFixed(2)}% of the 1 MiB limit)`));
  return { median: median(times), aslBytes };
}

export async function benchSynth(runs = 7): Promise<void> {
  console.log('# Synthesis, in-process (fresh outdir each run; first run warms the module cache)');
  await synthCase('warm-up', undefined, 1);
  const results: [number, number][] = [];
  for (const count of [3, 10, 25, 50]) {
    const r = await synthCase(count === 3 ? 'default project (3 stages)' : `${count}-stage project`, count === 3 ? undefined : stagesOf(count), runs);
    results.push([count, r.median]);
  }
  const [[n1, t1], , , [n2, t2]] = results;
  console.log(`growth: ${((t2 - t1) / (n2 - n1)).toFixed(1)} ms per extra stage (3 → 50 stages)`);
}
