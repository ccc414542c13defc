/**
 * Issue 12: stage environments on the default pipeline — the first run's build time (real installs against
 * the configured index), then what a cached run costs per stage on top of the runner's overhead without
 * them. "Before" asks the interpreter what it is on every run, as the runner did before its answer was
 * cached (src/local/python-probe-cache.ts); "after" is the runner as it is.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { runPipelineLocally } from '../../src/local/index.js';
import { synthesizeProject } from '../../src/project/synthesize.js';
import { median } from './stats.js';

const STAGES = 3;

export async function benchLocalEnvs(runs = 5): Promise<void> {
  // Environments are built from a python3 as a fresh machine has it; the baseline without them needs one with pandas.
  const python = process.env.LEGACY_MLOPS_BENCH_PYTHON ?? 'python3';
  const withPandas = process.env.LEGACY_MLOPS_PYTHON ?? '/usr/bin/python3';
  // LEGACY_MLOPS_BENCH_REPO: a default project generated before (kept, environments already built), to measure cached runs only.
  const kept = process.env.LEGACY_MLOPS_BENCH_REPO;
  const dir = kept ?? mkdtempSync(join(tmpdir(), 'lmo-bench-envs-'));
  const backend = 'bwrap';
  try {
    if (!kept) synthesizeProject({ name: 'bench', region: 'eu-west-1', account: '111122223333' }, dir);
    console.log(`(load average ${loadavg()[0].toFixed(1)} on ${cpus().length} cores: figures are under contention when it exceeds the cores)`);
    const first = await runPipelineLocally({ repoRoot: dir, backend, python, envs: true, log: () => undefined });
    if (first.status !== 'SUCCEEDED') throw new Error(`local run failed: ${JSON.stringify(first.error)}`);
    const envsDir = join(dir, '.local', 'envs');
    const builds = readdirSync(envsDir)
      .filter((name) => /^[0-9a-f]{16}$/.test(name))
      .map((name) => JSON.parse(readFileSync(join(envsDir, name, 'legacy-mlops-env.json'), 'utf8')) as { buildMs: number; description: string });
    for (const build of builds) console.log(`${`environment build${kept ? ' (earlier)' : ', first run'}`.padEnd(48)} ${(build.buildMs / 1000).toFixed(1).padStart(6)} s  (${build.description})`);
    console.log(`${'local run with environments, first run'.padEnd(48)} wall ${(first.wallMs / 1000).toFixed(1).padStart(6)} s  (python ${python})`);

    const cacheDir = join(dir, '.local', 'cache');
    // "Before": the remembered answers are taken away for one run, then put back for the "after" runs.
    const withoutProbeCache = async <T>(run: () => Promise<T>): Promise<T> => {
      const saved = readdirSync(cacheDir)
        .filter((name) => name.startsWith('python-'))
        .map((name) => ({ path: join(cacheDir, name), text: readFileSync(join(cacheDir, name), 'utf8') }));
      saved.forEach(({ path }) => rmSync(path));
      try {
        return await run();
      } finally {
        saved.forEach(({ path, text }) => writeFileSync(path, text));
      }
    };
    const overhead = { beforeEnvs: [] as number[], beforeNone: [] as number[], afterEnvs: [] as number[], afterNone: [] as number[] };
    const measure = async (into: number[], envs: boolean, probeEveryRun: boolean) => {
      const run = () => runPipelineLocally({ repoRoot: dir, backend, python: envs ? python : withPandas, envs, log: () => undefined });
      const report = probeEveryRun ? await withoutProbeCache(run) : await run();
      if (report.status !== 'SUCCEEDED') throw new Error(`local run failed: ${JSON.stringify(report.error)}`);
      into.push(report.overheadMs);
    };
    // Interleaved, so that a change of load touches every configuration alike.
    for (let i = 0; i < runs; i++) {
      await measure(overhead.beforeEnvs, true, true);
      await measure(overhead.beforeNone, false, true);
      await measure(overhead.afterEnvs, true, false);
      await measure(overhead.afterNone, false, false);
    }
    const line = (label: string, envs: number[], none: number[]) =>
      console.log(
        `${label.padEnd(48)} ${((median(envs) - median(none)) / STAGES).toFixed(0).padStart(6)} ms  (runner overhead median ${median(envs).toFixed(0)} ms with environments, ${median(none).toFixed(0)} ms without; n=${runs}; aim < 100 ms)`,
      );
    line('cached run, per stage, before (probe every run)', overhead.beforeEnvs, overhead.beforeNone);
    line('cached run, per stage, after', overhead.afterEnvs, overhead.afterNone);
  } finally {
    if (!kept) rmSync(dir, { recursive: true, force: true });
  }
}
