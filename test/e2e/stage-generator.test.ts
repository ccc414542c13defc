/**
 * `yo legacy-mlops:stage` end to end, on this package built into a temp folder (compiled lib/,
 * templates, package.json, node_modules linked to this checkout's):
 * - the generator runs the real `npx projen` in a generated repo whose node_modules link here;
 * - the real `yo` binary, as a non-root user (`yo` switches away from root), finds the package the
 *   way it resolves `generator-legacy-mlops` (the repo's node_modules) and edits the repo;
 * - with LEGACY_MLOPS_SLOW=1 only: the package is packed with `npm pack`, a generated repo installs
 *   it from the tarball (npm registry), a stage is added, and `npx projen upgrade` still works.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execa } from 'execa';
import helpers from 'yeoman-test';
import StageGenerator from '../../generators/stage/index.js';
import { readDeclaredOptions } from '../../src/edit/projenrc-options.js';
import {
  DEMO,
  PYTHON,
  REPO_ROOT,
  STAGE_GENERATOR,
  USER_COMMENT,
  insertionOf,
  linkDependencies,
  makeRepo,
  npmGuard,
  readJson,
  roleCoversJob,
  snapshot,
  taskOrder,
} from '../support/stage-generator-fixtures.js';

const slow = process.env.LEGACY_MLOPS_SLOW === '1';
const hasRunuser = fs.existsSync('/usr/sbin/runuser') || fs.existsSync('/sbin/runuser');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'lmo-stage-e2e-'));
/** The built package, as `yo` and `npx projen` load it. */
const packageDir = path.join(work, 'generator-legacy-mlops');

beforeAll(async () => {
  // Readable by the unprivileged user of the yo test.
  fs.chmodSync(work, 0o755);
  fs.mkdirSync(packageDir, { mode: 0o755 });
  // The type check belongs to `npm test`; here only the emitted JavaScript matters (tsc emits despite type errors).
  await execa('npx', ['tsc', '-p', 'tsconfig.json', '--outDir', path.join(packageDir, 'lib')], { cwd: REPO_ROOT, reject: false });
  if (!fs.existsSync(path.join(packageDir, 'lib/generators/stage/index.js'))) throw new Error('tsc did not emit lib/generators/stage/index.js');
  fs.copyFileSync(path.join(REPO_ROOT, 'package.json'), path.join(packageDir, 'package.json'));
  fs.cpSync(path.join(REPO_ROOT, 'templates'), path.join(packageDir, 'templates'), { recursive: true });
  fs.symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(packageDir, 'node_modules'));
  execFileSync('chmod', ['-R', 'a+rX', packageDir]);
}, 300_000);

function run(cwd: string, name: string, options: Record<string, unknown>) {
  return helpers.run<StageGenerator>(StageGenerator, { resolved: STAGE_GENERATOR }).cd(cwd).withArguments([name]).withOptions(options);
}

function pyCompiles(file: string): void {
  execFileSync(PYTHON, ['-m', 'py_compile', file], { env: { ...process.env, PYTHONPYCACHEPREFIX: fs.mkdtempSync(path.join(os.tmpdir(), 'pyc-')) } });
}

/** Runs `work` with PATH starting at `dir` (the generator's `npx projen` inherits this process's environment). */
async function withPathFirst<T>(dir: string, work: () => Promise<T>): Promise<T> {
  const saved = process.env.PATH;
  process.env.PATH = `${dir}${path.delimiter}${saved}`;
  try {
    return await work();
  } finally {
    process.env.PATH = saved;
  }
}

describe('the generator runs the real `npx projen`', () => {
  let dir: string;
  let before: Record<string, string>;
  let projenrcBefore: string;
  let result: Awaited<ReturnType<typeof run>>;
  const guard = npmGuard();

  beforeAll(async () => {
    dir = makeRepo();
    linkDependencies(dir, packageDir);
    before = snapshot(dir);
    projenrcBefore = fs.readFileSync(path.join(dir, '.projenrc.ts'), 'utf8');
    result = await withPathFirst(guard, () => run(dir, 'evaluate', { yes: true, after: 'predict', maxRuntime: '1800' }));
  }, 300_000);

  test('it ran npx projen (no in-process shortcut)', () => {
    const generator = result.generator as unknown as StageGenerator;
    expect(generator.synthesized).toBe('npx projen');
    expect(generator.notes.join('\n')).toMatch(/npx projen regenerated .* \(\d+\.\d s\)/);
  });

  test('.projenrc.ts: one insertion after the anchor, the comments kept', () => {
    const after = fs.readFileSync(path.join(dir, '.projenrc.ts'), 'utf8');
    const block = "    {\n      name: 'evaluate',\n      description: 'Scores the predictions against known outcomes.',\n      mode: 'script',\n      maxRuntimeSeconds: 1800,\n    },\n";
    // Taking the new element out gives the file back, byte for byte.
    expect(after.split(block)).toHaveLength(2);
    expect(after.replace(block, '')).toBe(projenrcBefore);
    expect(insertionOf(projenrcBefore, after)).toBeDefined();
    expect(after).toContain(USER_COMMENT);
    expect(after.indexOf("name: 'evaluate'")).toBeGreaterThan(after.indexOf("name: 'predict'"));
    expect(after.indexOf("name: 'evaluate'")).toBeLessThan(after.indexOf("name: 'postprocess'"));
  });

  test('the state machine runs the new task after its anchor, and the roles cover its jobs', () => {
    expect(taskOrder(dir)).toEqual(['preprocess', 'predict', 'evaluate', 'postprocess']);
    const asl = readJson(path.join(dir, 'pipeline/state-machine.asl.json'));
    expect(asl.States.predict.Next).toBe('evaluate');
    expect(asl.States.evaluate.Next).toBe('postprocess');
    expect(asl.States.evaluate.Parameters['ProcessingJobName.$']).toBe("States.Format('demo-evaluate-{}', States.UUID())");
    expect(roleCoversJob(dir, 'demo-evaluate-01234567-89ab-cdef-0123-456789abcdef')).toBe(true);
    expect(roleCoversJob(dir, 'other-evaluate-01234567-89ab-cdef-0123-456789abcdef')).toBe(false);
  });

  test('input, schema and README know the stage; its starter code exists and compiles', () => {
    const input = readJson(path.join(dir, 'pipeline/execution-input.json'));
    expect(input.stages.evaluate.maxRuntimeInSeconds).toBe(1800);
    const schema = readJson(path.join(dir, 'pipeline/execution-input.schema.json'));
    expect(JSON.stringify(schema)).toContain('evaluate');
    expect(fs.readFileSync(path.join(dir, 'README.md'), 'utf8')).toContain('evaluate');
    const stub = path.join(dir, 'stages/evaluate/evaluate.py');
    expect(fs.existsSync(stub)).toBe(true);
    pyCompiles(stub);
  });

  test('only .projenrc.ts, the derived files and the new stage folder changed; nothing was installed', () => {
    const after = snapshot(dir);
    const changed = Object.keys({ ...before, ...after }).filter((f) => before[f] !== after[f]).sort();
    const unexpected = changed.filter((f) => !(f === '.projenrc.ts' || f === 'README.md' || f.startsWith('pipeline/') || f.startsWith('stages/evaluate/') || f === '.projen/files.json'));
    expect(unexpected).toEqual([]);
    expect(changed).toEqual(expect.arrayContaining(['.projenrc.ts', 'pipeline/state-machine.asl.json', 'stages/evaluate/evaluate.py']));
    expect(fs.existsSync(path.join(dir, 'package-lock.json'))).toBe(false);
  });

  test('a second run with the same answers changes nothing', async () => {
    const once = snapshot(dir);
    await withPathFirst(guard, () => run(dir, 'evaluate', { yes: true, after: 'predict', maxRuntime: '1800' }));
    expect(snapshot(dir)).toEqual(once);
  }, 120_000);
});

(hasRunuser ? describe : describe.skip)('through the real yo binary, as a non-root user', () => {
  test('yo legacy-mlops:stage report --yes --skip-synth, from a folder below the repo root', async () => {
    const dir = makeRepo();
    fs.mkdirSync(path.join(dir, 'node_modules'));
    fs.symlinkSync(packageDir, path.join(dir, 'node_modules/generator-legacy-mlops'));
    const home = fs.mkdtempSync(path.join(work, 'home-'));
    const user = process.getuid?.() === 0 ? 'nobody' : undefined;
    for (const folder of [dir, home]) {
      fs.chmodSync(folder, 0o755);
      if (user) execFileSync('chown', ['-R', user, folder]);
    }
    const projenrcBefore = fs.readFileSync(path.join(dir, '.projenrc.ts'), 'utf8');
    const before = snapshot(dir);

    const yo = path.join(REPO_ROOT, 'node_modules/.bin/yo');
    const env = { HOME: home, PATH: process.env.PATH ?? '', NO_UPDATE_NOTIFIER: '1', CI: 'true', LANG: 'C.UTF-8' };
    /** `yo <argv>` in `cwd`, as `user` (runuser sets exactly `env`) when the tests run as root. */
    const runYo = (argv: string[], cwd: string) =>
      user
        ? execa('/usr/sbin/runuser', ['-u', user, '--', '/usr/bin/env', ...Object.entries(env).map(([k, v]) => `${k}=${v}`), yo, ...argv], { cwd, env: {}, extendEnv: false, reject: false, stdin: 'ignore', all: true })
        : execa(yo, argv, { cwd, env, extendEnv: false, reject: false, stdin: 'ignore', all: true });

    const result = await runYo(['legacy-mlops:stage', 'report', '--yes', '--skip-synth', '--instance-type', 'ml.t3.medium'], path.join(dir, 'stages/predict'));
    expect(result.all).toMatch(/Added stage 'report' after 'postprocess' in \.projenrc\.ts/);
    expect(result.exitCode).toBe(0);

    const after = fs.readFileSync(path.join(dir, '.projenrc.ts'), 'utf8');
    expect(insertionOf(projenrcBefore, after)?.text).toMatch(/name: 'report'.*instanceType: 'ml\.t3\.medium'/s);
    const read = readDeclaredOptions(after, path.join(dir, '.projenrc.ts'));
    expect(read.ok && read.options.stages?.map((s) => s.name)).toEqual(['preprocess', 'predict', 'postprocess', 'report']);
    // --skip-synth: nothing but .projenrc.ts was touched.
    const now = snapshot(dir);
    expect(Object.keys({ ...before, ...now }).filter((f) => before[f] !== now[f])).toEqual(['.projenrc.ts']);

    // A refusal through yo: one clear message, a non-zero exit, the repo as it was.
    const edited = snapshot(dir);
    const refused = await runYo(['legacy-mlops:stage', 'score', '--yes', '--skip-synth', '--after', 'nope'], dir);
    expect(refused.exitCode).not.toBe(0);
    expect(refused.all).toContain("Invalid --after: there is no stage 'nope' to add 'score' after (stages: preprocess, predict, postprocess, report)");
    expect(refused.all).not.toMatch(/An error occured while running/);
    expect(snapshot(dir)).toEqual(edited);
  }, 180_000);
});

(hasRunuser ? describe : describe.skip)('through the real yo binary, synthesizing: `.projenrc.ts` runs in yo\'s own process', () => {
  const user = process.getuid?.() === 0 ? 'nobody' : undefined;
  /** A generated repo with its dependencies linked, owned by the user yo runs as. */
  const linkedRepo = (): string => {
    const dir = makeRepo();
    linkDependencies(dir, packageDir);
    if (user) execFileSync('chown', ['-R', user, dir]);
    return dir;
  };
  /** A PATH folder whose `npx` fails: projen's CLI runs `npx -c` for its tasks' PATH, so only a run without it can pass. */
  const noNpx = (): string => {
    const dir = fs.mkdtempSync(path.join(work, 'no-npx-'));
    fs.writeFileSync(path.join(dir, 'npx'), '#!/bin/sh\necho "npx $* is blocked in this test" >&2\nexit 97\n', { mode: 0o755 });
    fs.chmodSync(dir, 0o755);
    return dir;
  };
  const yo = path.join(REPO_ROOT, 'node_modules/.bin/yo');
  const runYo = (argv: string[], cwd: string, pathFirst: string[]) => {
    const home = fs.mkdtempSync(path.join(work, 'home-'));
    fs.chmodSync(home, 0o755);
    if (user) execFileSync('chown', ['-R', user, home]);
    const env = { HOME: home, PATH: [...pathFirst, process.env.PATH ?? ''].join(path.delimiter), NO_UPDATE_NOTIFIER: '1', CI: 'true', LANG: 'C.UTF-8' };
    return user
      ? execa('/usr/sbin/runuser', ['-u', user, '--', '/usr/bin/env', ...Object.entries(env).map(([k, v]) => `${k}=${v}`), yo, ...argv], { cwd, env: {}, extendEnv: false, reject: false, stdin: 'ignore', all: true })
      : execa(yo, argv, { cwd, env, extendEnv: false, reject: false, stdin: 'ignore', all: true });
  };

  test('the files are those `npx projen` writes, byte for byte and mode for mode, with no npx, projen CLI or tsx process', async () => {
    const guard = npmGuard();
    const inProcess = linkedRepo();
    const byBin = linkedRepo();
    const argv = ['legacy-mlops:stage', 'evaluate', '--yes', '--after', 'predict', '--kind', 'training'];
    const result = await runYo(argv, inProcess, [guard, noNpx()]);
    expect({ exitCode: result.exitCode, all: result.all }).toEqual({ exitCode: 0, all: expect.stringMatching(/^Running npx projen…\nnpx projen regenerated the state machine, IAM policies, execution input and schema, and README \(\d+\.\d s\)\.\nAdded stage 'evaluate' after 'predict'/) });

    expect((await runYo([...argv, '--skip-synth'], byBin, [guard])).exitCode).toBe(0);
    const bin = await execa(process.execPath, [path.join(byBin, 'node_modules/projen/bin/projen')], { cwd: byBin, env: { ...process.env, PATH: `${guard}${path.delimiter}${process.env.PATH}` }, reject: false, all: true });
    expect({ exitCode: bin.exitCode, all: bin.all }).toEqual({ exitCode: 0, all: expect.any(String) });
    if (user) execFileSync('chown', ['-R', user, byBin]);
    const modes = (dir: string) => Object.fromEntries(Object.keys(snapshot(dir)).filter((f) => !f.startsWith('node_modules/')).map((f) => [f, fs.lstatSync(path.join(dir, f)).mode]));
    expect(snapshot(inProcess)).toEqual(snapshot(byBin));
    expect(modes(inProcess)).toEqual(modes(byBin));
    expect(taskOrder(inProcess)).toEqual(['preprocess', 'predict', 'evaluate', 'postprocess']);
  }, 300_000);

  test('a synthesis that fails: non-zero exit, one line naming what to fix, the stage kept in .projenrc.ts and nothing written through the link', async () => {
    const dir = linkedRepo();
    const outside = fs.mkdtempSync(path.join(work, 'outside-'));
    fs.chmodSync(outside, 0o777);
    fs.symlinkSync(outside, path.join(dir, 'stages/evaluate'));
    const result = await runYo(['legacy-mlops:stage', 'evaluate', '--yes'], dir, [npmGuard(), noNpx()]);
    expect(result.exitCode).not.toBe(0);
    expect(result.all).toMatch(/stage 'evaluate' is in \.projenrc\.ts, but `npx projen` failed \(\d+\.\d s\); fix what it says and run `npx projen` again:\nnpx projen refused to write stages\/evaluate\/evaluate\.py: stages\/evaluate is a symbolic link to .*outside the repository/);
    expect(result.all).not.toMatch(/An error occured while running|    at /);
    expect(fs.readdirSync(outside)).toEqual([]);
    expect(fs.readFileSync(path.join(dir, '.projenrc.ts'), 'utf8')).toContain("name: 'evaluate'");
  }, 300_000);
});

(slow ? describe : describe.skip)('slow (LEGACY_MLOPS_SLOW=1): npx projen upgrade after adding a stage, installed from the packed tarball', () => {
  test('install from the tarball, add a stage with the real npx projen, then npx projen upgrade', async () => {
    const packs = fs.mkdtempSync(path.join(work, 'packs-'));
    const start = Date.now();
    const packed = await execa('npm', ['pack', '--pack-destination', packs], { cwd: packageDir });
    const tarball = path.join(packs, packed.stdout.trim().split('\n').pop()!);
    const dir = makeRepo({ ...DEMO, legacyMlopsVersion: `file:${tarball}` });
    // npm_config_yes: the upgrade task runs `npx npm-check-updates`, which asks before fetching it when there is no terminal.
    const env = { ...process.env, CI: 'false', npm_config_yes: 'true' };
    const install = Date.now();
    await execa('npm', ['install', '--no-audit', '--no-fund'], { cwd: dir, env });
    await execa('npx', ['projen'], { cwd: dir, env });
    const added = Date.now();
    await run(dir, 'evaluate', { yes: true, after: 'predict' });
    expect(taskOrder(dir)).toEqual(['preprocess', 'predict', 'evaluate', 'postprocess']);
    const projenrc = fs.readFileSync(path.join(dir, '.projenrc.ts'), 'utf8');
    const upgradeStart = Date.now();
    const upgrade = await execa('npx', ['projen', 'upgrade'], { cwd: dir, env, reject: false, all: true });
    const done = Date.now();
    expect({ exitCode: upgrade.exitCode, tail: upgrade.exitCode === 0 ? '' : upgrade.all?.slice(-2000) }).toEqual({ exitCode: 0, tail: '' });
    expect(fs.readFileSync(path.join(dir, '.projenrc.ts'), 'utf8')).toBe(projenrc);
    expect(taskOrder(dir)).toEqual(['preprocess', 'predict', 'evaluate', 'postprocess']);
    expect(readJson(path.join(dir, 'package.json')).dependencies['generator-legacy-mlops']).toBe(`file:${tarball}`);
    const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
    // Timings for the record (the bench, not this test, tracks them).
    console.log(`pack ${s(install - start)}, install + first projen ${s(added - install)}, add stage ${s(upgradeStart - added)}, projen upgrade ${s(done - upgradeStart)}`);
  }, 1_200_000);
});
