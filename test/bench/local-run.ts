/** Issue 5: the local runner's own overhead on the default pipeline (wall time minus time inside the stage scripts). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runPipelineLocally } from '../../src/local/index.js';
import { synthesizeProject } from '../../src/project/synthesize.js';
import { median } from './stats.js';

export async function benchLocalRun(runs = 5): Promise<void> {
  const python = process.env.LEGACY_MLOPS_PYTHON ?? '/usr/bin/python3';
  const dir = mkdtempSync(join(tmpdir(), 'lmo-bench-local-'));
  try {
    synthesizeProject({ name: 'bench', region: 'eu-west-1', account: '111122223333' }, dir);
    for (const backend of ['bwrap', 'direct'] as const) {
      const wall: number[] = [];
      const overhead: number[] = [];
      // The first run seeds local S3 and fills the validation cache; it is reported separately.
      for (let i = 0; i <= runs; i++) {
        const report = await runPipelineLocally({ repoRoot: dir, backend, python, envs: false, log: () => undefined });
        if (report.status !== 'SUCCEEDED') throw new Error(`local run failed: ${JSON.stringify(report.error)}`);
        if (i === 0) {
          console.log(`${`local run, ${backend}, first run`.padEnd(48)} wall ${report.wallMs.toFixed(0).padStart(6)} ms  runner overhead ${report.overheadMs.toFixed(0)} ms`);
          continue;
        }
        wall.push(report.wallMs);
        overhead.push(report.overheadMs);
      }
      console.log(`${`local run, ${backend}, 3 stages`.padEnd(48)} wall median ${median(wall).toFixed(0).padStart(6)} ms  runner overhead median ${median(overhead).toFixed(0)} ms (n=${runs}; aim < 1000 ms)`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
