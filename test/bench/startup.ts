/**
 * Issue 14: start-up figures, each as paired runs on this machine (A then B, repeated) so that load
 * drifts affect both sides alike. Printed, never asserted:
 * - create to files on disk vs `projen new typescript --no-post` (aim ≤ 0.8×), with peak memory;
 * - `npx projen` in a generated repo vs a bare awscdk-app-ts project run by tsx (aim ≤ 1.0×);
 * - `yo legacy-mlops:stage` vs the `npx projen` it ends with (aim ≤ 1.3×).
 * The generated and bare repos link this checkout's node_modules (nothing is installed); both
 * synthesize with `--no-post` so that neither runs an install.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { execa } from 'execa';
import { REPO_ROOT, linkDependencies, makeRepo, npmGuard } from '../support/stage-generator-fixtures.js';
import { median } from './stats.js';

const TIME = '/usr/bin/time';

interface Measured {
  readonly ms: number;
  /** Peak resident set of the measured process tree's largest process, in MiB (GNU time %M). */
  readonly peakMiB?: number;
  /** User + system CPU time of the measured process tree, in ms (GNU time %U + %S): steadier than wall time on a loaded machine. */
  readonly cpuMs?: number;
}

/** Runs a command, timing it; with GNU time present also its peak memory. Fails loudly: a figure of a failed run is no figure. */
async function measure(file: string, args: readonly string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<Measured> {
  const memFile = join(tmpdir(), `lmo-bench-mem-${process.pid}-${Math.random().toString(36).slice(2)}`);
  const withTime = fs.existsSync(TIME);
  const start = performance.now();
  const result = await execa(withTime ? TIME : file, withTime ? ['-f', '%M %U %S', '-o', memFile, file, ...args] : [...args], { cwd: options.cwd, env: options.env, stdin: 'ignore', reject: false, all: true });
  const ms = performance.now() - start;
  if (result.exitCode !== 0) throw new Error(`${file} ${args.join(' ')} failed (${result.exitCode}):\n${result.all}`);
  const [kib, user, system] = withTime ? (fs.readFileSync(memFile, 'utf8').trim().split('\n').pop() ?? '').split(' ').map(Number) : [NaN, NaN, NaN];
  fs.rmSync(memFile, { force: true });
  const cpuMs = (user + system) * 1000;
  return { ms, ...(Number.isFinite(kib) ? { peakMiB: kib / 1024 } : {}), ...(Number.isFinite(cpuMs) ? { cpuMs } : {}) };
}

function pairRow(label: string, a: Measured[], b: Measured[], aim: string): string {
  const ma = median(a.map((m) => m.ms));
  const mb = median(b.map((m) => m.ms));
  const ratios = a.map((m, i) => m.ms / b[i].ms);
  const mem = (xs: Measured[]) => (xs[0]?.peakMiB === undefined ? '' : `, peak ${median(xs.map((m) => m.peakMiB ?? 0)).toFixed(0)} MiB`);
  const cpuRatios = a.map((m, i) => (m.cpuMs ?? NaN) / (b[i].cpuMs ?? NaN));
  const cpu = cpuRatios.every(Number.isFinite) ? `\n  CPU (user+sys) A median ${median(a.map((m) => m.cpuMs!)).toFixed(0)} ms | B median ${median(b.map((m) => m.cpuMs!)).toFixed(0)} ms | paired median A/B ${median(cpuRatios).toFixed(2)}× (steadier under load)` : '';
  return `${label}\n  A median ${ma.toFixed(0)} ms${mem(a)} | B median ${mb.toFixed(0)} ms${mem(b)} | A/B ${(ma / mb).toFixed(2)}× (paired median ${median(ratios).toFixed(2)}×, n=${a.length}; aim ${aim})${cpu}`;
}

async function paired(runs: number, a: () => Promise<Measured>, b: () => Promise<Measured>): Promise<[Measured[], Measured[]]> {
  await a();
  await b(); // warm the file cache for both
  const as: Measured[] = [];
  const bs: Measured[] = [];
  for (let i = 0; i < runs; i++) {
    as.push(await a());
    bs.push(await b());
  }
  return [as, bs];
}

/** This package compiled into a folder shaped like its npm tarball (lib/, templates/, package.json), node_modules linked. */
async function buildPackage(work: string): Promise<string> {
  const packageDir = join(work, 'generator-legacy-mlops');
  fs.mkdirSync(packageDir, { recursive: true });
  await execa(join(REPO_ROOT, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.json', '--outDir', join(packageDir, 'lib')], { cwd: REPO_ROOT, reject: false });
  if (!fs.existsSync(join(packageDir, 'lib/src/cli/create.js'))) throw new Error('tsc did not emit lib/src/cli/create.js');
  fs.copyFileSync(join(REPO_ROOT, 'package.json'), join(packageDir, 'package.json'));
  fs.cpSync(join(REPO_ROOT, 'templates'), join(packageDir, 'templates'), { recursive: true });
  fs.symlinkSync(join(REPO_ROOT, 'node_modules'), join(packageDir, 'node_modules'));
  execFileSync('chmod', ['-R', 'a+rX', work]);
  return packageDir;
}

/** A bare awscdk-app-ts project with the generated repo's projen settings and tsx as its runner. */
function bareCdkApp(dir: string): void {
  fs.writeFileSync(
    join(dir, '.projenrc.ts'),
    `import { awscdk, javascript, typescript } from 'projen';
const runner = typescript.TypeScriptRunner.tsx();
const project = new awscdk.AwsCdkTypeScriptApp({
  name: 'bare', defaultReleaseBranch: 'main', cdkVersion: '2.276.0', packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true, projenrcTsOptions: { runner }, runner, github: false, release: false, eslint: false, prettier: false, jest: false, licensed: false,
});
project.synth();
`,
  );
  // Replaced by the first synthesis; linkDependencies reads it.
  fs.writeFileSync(join(dir, 'package.json'), '{ "name": "bare" }\n');
}

export async function benchStartup(runs = Number(process.env.LEGACY_MLOPS_BENCH_RUNS ?? 5)): Promise<void> {
  const work = fs.mkdtempSync(join(tmpdir(), 'lmo-bench-startup-'));
  fs.chmodSync(work, 0o755);
  try {
    const packageDir = await buildPackage(work);
    const createBin = join(packageDir, 'lib/src/cli/create.js');
    const projenBin = join(REPO_ROOT, 'node_modules/.bin/projen');
    const guard = npmGuard();
    const env = { ...process.env, PATH: `${guard}:${process.env.PATH}`, CI: 'true', NO_UPDATE_NOTIFIER: '1' };
    const fresh = () => fs.mkdtempSync(join(work, 'run-'));

    console.log('# Start-up, paired runs (A, then B, repeated; first pair discarded as warm-up)');
    const [create, projenNew] = await paired(
      runs,
      () => measure(process.execPath, [createBin, 'demo', '--yes', '--skip-install', '--no-git', '--region', 'eu-west-1', '--account', '111122223333'], { cwd: fresh(), env }),
      () => measure(projenBin, ['new', 'typescript', '--no-post', '--no-git'], { cwd: fresh(), env: { ...env, CI: 'false' } }),
    );
    console.log(pairRow('A = create-legacy-mlops demo --yes --skip-install --no-git   B = projen new typescript --no-post --no-git', create, projenNew, '≤ 0.8×'));

    const generated = makeRepo();
    linkDependencies(generated, packageDir);
    const bare = fs.mkdtempSync(join(work, 'bare-'));
    bareCdkApp(bare);
    linkDependencies(bare, packageDir);
    await execa(join(REPO_ROOT, 'node_modules/.bin/tsx'), ['.projenrc.ts'], { cwd: bare, env: { ...env, PROJEN_DISABLE_POST: 'true' } }); // first synthesis writes its tasks
    const [synthGenerated, synthBare] = await paired(
      runs,
      () => measure('npx', ['projen', '--no-post'], { cwd: generated, env }),
      () => measure('npx', ['projen', '--no-post'], { cwd: bare, env }),
    );
    console.log(pairRow('A = npx projen --no-post in a generated repo (3 stages)   B = the same in a bare awscdk-app-ts project (tsx)', synthGenerated, synthBare, '≤ 1.0×'));

    // yo runs as a user other than root (it switches away from root itself); each run adds a stage to a fresh copy.
    const yo = join(REPO_ROOT, 'node_modules/.bin/yo');
    const user = process.getuid?.() === 0 ? 'nobody' : undefined;
    const home = fs.mkdtempSync(join(work, 'home-'));
    const pristine = fs.readFileSync(join(generated, '.projenrc.ts'), 'utf8');
    execFileSync('chmod', ['-R', 'a+rwX', generated, home, guard]);
    if (user) execFileSync('chown', ['-R', user, generated, home]);
    const yoEnv = { HOME: home, PATH: env.PATH ?? '', NO_UPDATE_NOTIFIER: '1', CI: 'true', LANG: 'C.UTF-8' };
    const asUser = (file: string, args: string[]) =>
      user
        ? measure('/usr/sbin/runuser', ['-u', user, '--', '/usr/bin/env', ...Object.entries(yoEnv).map(([k, v]) => `${k}=${v}`), file, ...args], { cwd: generated, env: {} })
        : measure(file, args, { cwd: generated, env: yoEnv });
    let n = 0;
    const [yoStage, synthAlone] = await paired(
      runs,
      async () => {
        fs.writeFileSync(join(generated, '.projenrc.ts'), pristine);
        return asUser(yo, ['legacy-mlops:stage', `extra${++n}`, '--yes']);
      },
      () => asUser('npx', ['projen']),
    );
    console.log(pairRow("A = yo legacy-mlops:stage <name> --yes (ends with npx projen)   B = npx projen alone, same repo", yoStage, synthAlone, '≤ 1.3×'));
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}
