/**
 * Issue 12: uv against pip for the stage environments of the default pipeline — the first build (real
 * installs from the configured index, each installer from a fresh project and an empty uv/pip cache
 * folder of its own) and what a cached run costs per stage afterwards. uv is looked for on PATH or at
 * LEGACY_MLOPS_BENCH_UV; without one, its lines say so rather than printing a figure.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runPipelineLocally } from '../../src/local/index.js';
import { onPath } from '../../src/local/installer.js';
import { synthesizeProject } from '../../src/project/synthesize.js';
import { median } from './stats.js';

const STAGES = 3;

interface InstallerFigures {
  readonly installer: string;
  readonly buildsMs: number[];
  readonly firstRunMs: number;
  readonly cachedOverheadMs: number[];
}

async function measure(installer: 'pip' | 'uv', python: string, runs: number, uvDir?: string): Promise<InstallerFigures> {
  const dir = mkdtempSync(join(tmpdir(), `lmo-bench-${installer}-`));
  const caches = mkdtempSync(join(tmpdir(), `lmo-bench-${installer}-cache-`));
  const saved = Object.fromEntries(['LEGACY_MLOPS_INSTALLER', 'PIP_CACHE_DIR', 'UV_CACHE_DIR', 'PATH'].map((name) => [name, process.env[name]]));
  process.env.LEGACY_MLOPS_INSTALLER = installer;
  // Each installer starts from an empty download cache, as on a fresh machine.
  process.env.PIP_CACHE_DIR = join(caches, 'pip');
  process.env.UV_CACHE_DIR = join(caches, 'uv');
  if (uvDir) process.env.PATH = `${uvDir}:${process.env.PATH}`;
  try {
    synthesizeProject({ name: 'bench', region: 'eu-west-1', account: '111122223333' }, dir);
    const first = await runPipelineLocally({ repoRoot: dir, backend: 'bwrap', python, envs: true, log: () => undefined });
    if (first.status !== 'SUCCEEDED') throw new Error(`local run with ${installer} failed: ${JSON.stringify(first.error)}`);
    const envsDir = join(dir, '.local', 'envs');
    const manifests = readdirSync(envsDir)
      .filter((name) => /^[0-9a-f]{16}$/.test(name))
      .map((name) => JSON.parse(readFileSync(join(envsDir, name, 'legacy-mlops-env.json'), 'utf8')) as { buildMs: number; installer?: string });
    const cachedOverheadMs: number[] = [];
    for (let i = 0; i < runs; i++) {
      const report = await runPipelineLocally({ repoRoot: dir, backend: 'bwrap', python, envs: true, log: () => undefined });
      cachedOverheadMs.push(report.overheadMs);
    }
    return { installer: manifests[0]?.installer ?? installer, buildsMs: manifests.map((m) => m.buildMs), firstRunMs: first.wallMs, cachedOverheadMs };
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    rmSync(dir, { recursive: true, force: true });
    rmSync(caches, { recursive: true, force: true });
  }
}

export async function benchInstallers(runs = 3): Promise<void> {
  const python = process.env.LEGACY_MLOPS_BENCH_PYTHON ?? 'python3';
  const uv = process.env.LEGACY_MLOPS_BENCH_UV ?? onPath('uv', process.env);
  const figures = [await measure('pip', python, runs)];
  if (uv) figures.push(await measure('uv', python, runs, dirname(uv)));
  for (const f of figures) {
    const total = f.buildsMs.reduce((a, b) => a + b, 0);
    console.log(`${`first build with ${f.installer}`.padEnd(48)} ${(total / 1000).toFixed(1).padStart(6)} s  (${f.buildsMs.length} environment(s): ${f.buildsMs.map((ms) => `${(ms / 1000).toFixed(1)} s`).join(', ')}; first run wall ${(f.firstRunMs / 1000).toFixed(1)} s)`);
    console.log(`${`cached run with ${f.installer}-built environments`.padEnd(48)} ${(median(f.cachedOverheadMs) / STAGES).toFixed(0).padStart(6)} ms per stage of runner overhead (median ${median(f.cachedOverheadMs).toFixed(0)} ms for ${STAGES} stages, n=${runs}; no installer runs)`);
  }
  if (!uv) console.log(`${'first build with uv'.padEnd(48)}  not measured: no uv on PATH (set LEGACY_MLOPS_BENCH_UV=<path to uv>)`);
  else {
    const [pip, uvFigures] = figures;
    const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
    console.log(`${'first build, pip / uv'.padEnd(48)} ${(sum(pip.buildsMs) / sum(uvFigures.buildsMs)).toFixed(1).padStart(6)} ×`);
  }
}
