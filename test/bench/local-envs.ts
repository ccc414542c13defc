/**
 * Issue 12: stage environments on the default pipeline — the first run's build time (real pip against the
 * configured index), then what a cached run costs per stage on top of the runner's overhead without them.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { runPipelineLocally } from '../../src/local/index.js';
import { synthesizeProject } from '../../src/project/synthesize.js';
import { median } from './stats.js';

export async function benchLocalEnvs(runs = 3): Promise<void> {
  // Environments are built from a python3 as a fresh machine has it; the baseline without them needs one with pandas.
  const python = process.env.LEGACY_MLOPS_BENCH_PYTHON ?? 'python3';
  const withPandas = process.env.LEGACY_MLOPS_PYTHON ?? '/usr/bin/python3';
  const dir = mkdtempSync(join(tmpdir(), 'lmo-bench-envs-'));
  const backend = 'bwrap';
  try {
    synthesizeProject({ name: 'bench', region: 'eu-west-1', account: '111122223333' }, dir);
    const stages = 3;
    console.log(`(load average ${loadavg()[0].toFixed(1)} on ${cpus().length} cores: figures are under contention when it exceeds the cores)`);
    const first = await runPipelineLocally({ repoRoot: dir, backend, python, envs: true, log: () => undefined });
    if (first.status !== 'SUCCEEDED') throw new Error(`local run failed: ${JSON.stringify(first.error)}`);
    const envsDir = join(dir, '.local', 'envs');
    const builds = readdirSync(envsDir)
      .filter((name) => /^[0-9a-f]{16}$/.test(name))
      .map((name) => (JSON.parse(readFileSync(join(envsDir, name, 'legacy-mlops-env.json'), 'utf8')) as { buildMs: number; description: string }));
    for (const build of builds) console.log(`${'environment build, first run'.padEnd(48)} ${(build.buildMs / 1000).toFixed(1).padStart(6)} s  (${build.description})`);
    console.log(`${'local run with environments, first run'.padEnd(48)} wall ${(first.wallMs / 1000).toFixed(1).padStart(6)} s  (python ${python})`);

    const overhead = { envs: [] as number[], none: [] as number[] };
    for (let i = 0; i < runs; i++) {
      for (const envs of [true, false]) {
        const report = await runPipelineLocally({ repoRoot: dir, backend, python: envs ? python : withPandas, envs, log: () => undefined });
        if (report.status !== 'SUCCEEDED') throw new Error(`local run failed: ${JSON.stringify(report.error)}`);
        overhead[envs ? 'envs' : 'none'].push(report.overheadMs);
      }
    }
    const perStage = (median(overhead.envs) - median(overhead.none)) / stages;
    console.log(`${'cached run, runner overhead with environments'.padEnd(48)} median ${median(overhead.envs).toFixed(0).padStart(6)} ms  (without: ${median(overhead.none).toFixed(0)} ms, n=${runs})`);
    console.log(`${'cached environments, overhead per stage'.padEnd(48)} ${perStage.toFixed(0).padStart(6)} ms  (aim < 100 ms)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
