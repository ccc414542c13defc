/**
 * Which installer builds stage environments (uv when on PATH, pip otherwise, LEGACY_MLOPS_INSTALLER to
 * decide), the index configuration each is given, and — against a package index the test makes — that
 * what gets installed, the warnings, the refusals before any job and the cache hit are the same with uv
 * as with pip. uv itself is in no package index this machine reaches: the runs use a uv test double
 * (test/support/uv-double.ts) and, where a real uv is on PATH or LEGACY_MLOPS_TEST_UV names one, uv.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { LocalRunRefused, runPipelineLocally } from '../../src/local/index.js';
import { buildFailure, installPackages, unsatisfiable } from '../../src/local/install-packages.js';
import { chooseInstaller, onPath } from '../../src/local/installer.js';
import { pipIndexSettings, readIni, uvEnvironment, uvIndexArguments, uvIndexSettings, uvOwnIndexConfig } from '../../src/local/installer-config.js';
import { indexVersions } from '../../src/local/index-versions.js';
import { PIPELINE_FILES } from '../../src/model/repo-layout.js';
import { buildPackageIndex, withPackageIndex } from '../support/package-index.js';
import { PYTHON, generatedRepo, type GeneratedRepo } from '../support/generated-repo.js';
import { UV_DOUBLE_VERSION, uvDouble } from '../support/uv-double.js';
import { trackedMkdtemp } from '../support/temp-dirs.js';

const INDEX = buildPackageIndex({
  wheels: [
    ['alpha', '1.0', 'VERSION = "1.0"\n'],
    ['alpha', '2.0', 'VERSION = "2.0"\n'],
  ],
  broken: [['broken', '1.0']],
});
const ENV_TIMEOUT = 900_000;
const BASE = { executable: PYTHON, prefixes: ['/nonexistent-prefix'], version: '3.11.2' };

/** A home with no pip or uv configuration, and PATH as given. */
function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const home = trackedMkdtemp(join(tmpdir(), 'legacy-mlops-home-'));
  return { PATH: '/usr/bin:/bin', HOME: home, XDG_CONFIG_DIRS: join(home, 'xdg'), XDG_CONFIG_HOME: join(home, '.config'), ...extra };
}

describe("pip's index configuration, as handed to uv", () => {
  test('files in pip\'s order ([global] then [install]), continuation lines, PIP_* variables over files', () => {
    const env = cleanEnv();
    mkdirSync(join(env.XDG_CONFIG_DIRS!, 'pip'), { recursive: true });
    writeFileSync(join(env.XDG_CONFIG_DIRS!, 'pip', 'pip.conf'), '[global]\nindex-url = https://global.invalid/simple\ntimeout: 60\n');
    mkdirSync(join(env.XDG_CONFIG_HOME!, 'pip'), { recursive: true });
    writeFileSync(
      join(env.XDG_CONFIG_HOME!, 'pip', 'pip.conf'),
      '# mine\n[global]\nextra-index-url =\n    https://one.invalid/simple\n    https://two.invalid/simple\ntrusted_host = one.invalid\ncert = /etc/ca.pem\n[install]\nindex-url = https://user.invalid/simple\nconstraint = /repo/c.txt\n[download]\nindex-url = https://not-for-install.invalid/simple\n',
    );
    const settings = pipIndexSettings({ ...env, PIP_FIND_LINKS: '/wheels /more' });
    expect(settings).toEqual({
      indexUrl: 'https://user.invalid/simple',
      extraIndexUrls: ['https://one.invalid/simple', 'https://two.invalid/simple'],
      findLinks: ['/wheels', '/more'],
      noIndex: false,
      constraints: ['/repo/c.txt'],
      cert: '/etc/ca.pem',
      trustedHosts: ['one.invalid'],
      timeoutSeconds: '60',
      from: 'pip',
    });
    expect(uvIndexArguments(settings)).toEqual([
      '--index-url', 'https://user.invalid/simple',
      '--extra-index-url', 'https://one.invalid/simple', '--extra-index-url', 'https://two.invalid/simple',
      '--find-links', '/wheels', '--find-links', '/more',
      '--constraint', '/repo/c.txt',
      '--allow-insecure-host', 'one.invalid',
    ]);
    expect(uvEnvironment(settings, {})).toEqual({ SSL_CERT_FILE: '/etc/ca.pem', UV_HTTP_TIMEOUT: '60' });
    expect(uvEnvironment(settings, { SSL_CERT_FILE: '/mine.pem' })).toEqual({ UV_HTTP_TIMEOUT: '60' });

    // PIP_CONFIG_FILE=/dev/null: no files; PIP_NO_INDEX drops the indexes for uv too.
    expect(uvIndexArguments(pipIndexSettings({ ...env, PIP_CONFIG_FILE: '/dev/null', PIP_NO_INDEX: '1', PIP_FIND_LINKS: '/w' }))).toEqual(['--no-index', '--find-links', '/w']);
    // The interpreter's own pip.conf (site) and PIP_CONFIG_FILE come last.
    const site = trackedMkdtemp(join(tmpdir(), 'legacy-mlops-site-'));
    writeFileSync(join(site, 'pip.conf'), '[global]\nindex-url = https://site.invalid/simple\n');
    expect(pipIndexSettings(env, site).indexUrl).toBe('https://site.invalid/simple');
    writeFileSync(join(site, 'extra.conf'), '[global]\nno-index = yes\n');
    expect(pipIndexSettings({ ...env, PIP_CONFIG_FILE: join(site, 'extra.conf') }, site).noIndex).toBe(true);
  });

  test("uv's own index configuration wins: UV_* variables, uv.toml, [tool.uv] in pyproject.toml", () => {
    const project = trackedMkdtemp(join(tmpdir(), 'legacy-mlops-uvproject-'));
    const env = cleanEnv();
    expect(uvOwnIndexConfig(env, project)).toBeUndefined();
    expect(uvOwnIndexConfig({ ...env, UV_INDEX_URL: 'https://mine.invalid/simple' }, project)).toBe('UV_INDEX_URL');
    writeFileSync(join(project, 'pyproject.toml'), '[project]\nname = "x"\n[tool.ruff]\nindex-url = "not uv"\n');
    expect(uvOwnIndexConfig(env, project)).toBeUndefined();
    writeFileSync(join(project, 'pyproject.toml'), '[project]\nname = "x"\n[[tool.uv.index]]\nurl = "https://team.invalid/simple"\ndefault = true\n');
    expect(uvOwnIndexConfig(env, project)).toBe(join(project, 'pyproject.toml'));
    mkdirSync(join(env.XDG_CONFIG_HOME!, 'uv'), { recursive: true });
    const userFile = join(env.XDG_CONFIG_HOME!, 'uv', 'uv.toml');
    writeFileSync(userFile, 'extra-index-url = ["https://x.invalid/simple", "https://y.invalid/simple"]\n[pip]\nfind-links = ["/wheels"]\n[[index]]\nurl = "https://z.invalid/simple"\n');
    expect(uvOwnIndexConfig(env, trackedMkdtemp(join(tmpdir(), 'legacy-mlops-uvproject-')))).toBe(userFile);
    const settings = uvIndexSettings(env, userFile);
    expect(settings).toMatchObject({ extraIndexUrls: ['https://z.invalid/simple', 'https://x.invalid/simple', 'https://y.invalid/simple'], findLinks: ['/wheels'], noIndex: false, from: 'uv' });
    expect(uvIndexArguments(settings)).toEqual([]);
    expect(uvIndexSettings({ UV_DEFAULT_INDEX: 'team=https://team.invalid/simple', UV_FIND_LINKS: '/a,/b' }, undefined)).toMatchObject({ indexUrl: 'https://team.invalid/simple', findLinks: ['/a', '/b'] });
  });

  test('readIni reads sections, both separators and continuation lines', () => {
    expect(readIni('[global]\nfind_links: a\n  b\n; c\n[install]\npre=1\n')).toEqual(
      new Map([
        ['global', new Map([['find-links', 'a\nb']])],
        ['install', new Map([['pre', '1']])],
      ]),
    );
  });
});

describe('choosing the installer', () => {
  const double = uvDouble();
  test('uv when on PATH; LEGACY_MLOPS_INSTALLER=pip forces pip; a forced or unknown installer that cannot be had refuses in one line', async () => {
    const project = trackedMkdtemp(join(tmpdir(), 'legacy-mlops-choose-'));
    const withUv = cleanEnv({ PATH: `${double.bin}${delimiter}/usr/bin:/bin` });
    expect(onPath('uv', withUv)).toBe(join(double.bin, 'uv'));
    expect((await chooseInstaller(BASE, { env: withUv, projectDir: project })).version).toBe(UV_DOUBLE_VERSION);
    expect((await chooseInstaller(BASE, { env: { ...withUv, LEGACY_MLOPS_INSTALLER: 'pip' }, projectDir: project })).name).toBe('pip');
    expect((await chooseInstaller(BASE, { env: cleanEnv(), projectDir: project })).version).toMatch(/^pip \d+\.\d+/);
    await expect(chooseInstaller(BASE, { env: cleanEnv({ LEGACY_MLOPS_INSTALLER: 'uv' }), projectDir: project })).rejects.toThrow(
      'LEGACY_MLOPS_INSTALLER=uv, but there is no uv on PATH; install uv, or unset LEGACY_MLOPS_INSTALLER to use pip',
    );
    await expect(chooseInstaller(BASE, { env: cleanEnv({ LEGACY_MLOPS_INSTALLER: 'conda' }), projectDir: project })).rejects.toThrow('LEGACY_MLOPS_INSTALLER=conda: use pip, uv or auto');
  });
});

describe("reading uv's answers (worded as in uv's own test snapshots)", () => {
  test('a package the index lacks, a version it lacks, a build that fails', () => {
    expect(unsatisfiable('  × No solution found when resolving dependencies:\n  ╰─▶ Because flask was not found in the provided package locations and you require flask==3.0.0, we can conclude that your requirements are unsatisfiable.')).toEqual({ requirement: 'flask', name: 'flask', versions: [] });
    expect(unsatisfiable('  ╰─▶ Because anyio was not found in the package registry and you require anyio, we can conclude')?.versions).toEqual([]);
    expect(unsatisfiable('  ╰─▶ Because there is no version of c==2.0.0b1 and all versions of a depend on c==2.0.0b1, we can conclude that all versions of a cannot be used.')).toEqual({ requirement: 'c==2.0.0b1', name: 'c' });
    expect(unsatisfiable('  ╰─▶ Because only black<=0.1.0 is available and you require black>0.1.0, we can conclude')).toEqual({ requirement: 'black<=0.1.0', name: 'black' });
    expect(buildFailure('  × Failed to build `broken==1.0`\n  ├─▶ The build backend returned an error\n  ╰─▶ Call to `backend.build_wheel` failed (exit status: 1)\n\n      [stderr]\n      RuntimeError: this package cannot be built here\n')).toEqual({ name: 'broken', reason: 'RuntimeError: this package cannot be built here' });
    expect(buildFailure('  × Failed to build `project @ file:///tmp/path_dep`\n  ├─▶ The build backend returned an error')?.name).toBe('project');
  });

  test('a requirement uv cannot meet at any version is relaxed once, then named (no retry loop)', async () => {
    let calls = 0;
    const installer = {
      name: 'uv' as const,
      version: 'uv 0',
      // An index that does not answer: the lookup cannot settle it, uv's answer must.
      settings: { indexUrl: 'http://127.0.0.1:9/simple', extraIndexUrls: [], findLinks: [], noIndex: false, constraints: [], trustedHosts: [], from: 'pip' as const },
      createVenv: async () => undefined,
      install: async () => {
        calls++;
        return { ok: false, output: '  × No solution found when resolving dependencies:\n  ╰─▶ Because only delta<=0.1 is available and you require delta>0.1, we can conclude that your requirements are unsatisfiable.' };
      },
    };
    const plan = { installer, python: 'unused', basePython: PYTHON, workDir: trackedMkdtemp(join(tmpdir(), 'legacy-mlops-plan-')), pins: [{ name: 'delta', spec: '>0.1', origin: 'stages/x/requirements.txt' }] };
    await expect(installPackages(plan)).rejects.toThrow("package 'delta' (from stages/x/requirements.txt) has no version uv can install here: ");
    expect(calls).toBe(2);
  });

  test('the version lookup reads the index itself: find-links folders, and simple-API pages served from disk', async () => {
    const simple = trackedMkdtemp(join(tmpdir(), 'legacy-mlops-simple-'));
    mkdirSync(join(simple, 'alpha'));
    writeFileSync(join(simple, 'alpha', 'index.html'), '<a href="../../files/alpha-3.0-py3-none-any.whl#sha256=00">x</a><a href="alpha-4.0-cp27-cp27mu-linux_x86_64.whl">old python</a><a href="alpha-5.0.tar.gz" data-requires-python="&lt;3">py2 only</a>');
    const found = await indexVersions(PYTHON, { indexUrl: `file://${simple}`, extraIndexUrls: [], findLinks: [INDEX], noIndex: false, constraints: [], trustedHosts: [], from: 'pip' }, ['alpha', 'Broken', 'gamma']);
    expect(found.get('alpha')).toEqual({ versions: ['1.0', '2.0', '3.0'], complete: true });
    expect(found.get('Broken')).toEqual({ versions: ['1.0'], complete: true });
    expect(found.get('gamma')).toEqual({ versions: [], complete: true });
    const unreachable = await indexVersions(PYTHON, { indexUrl: 'http://127.0.0.1:9/simple', extraIndexUrls: [], findLinks: [INDEX], noIndex: false, constraints: [], trustedHosts: [], from: 'pip' }, ['gamma']);
    expect(unreachable.get('gamma')).toEqual({ versions: [], complete: false });
  });
});

/** A one-stage repo on a custom image (no framework package set): its environment is requirements.txt only. */
function repoWith(requirements: string): GeneratedRepo {
  const repo = generatedRepo({ stages: [{ name: 'legacy' }] });
  repo.write('stages/legacy/legacy.py', 'import alpha\nwith open("/opt/ml/processing/output/data/alpha.txt", "w") as f:\n    f.write(alpha.VERSION)\n');
  repo.write('stages/legacy/requirements.txt', requirements);
  const input = repo.readJson<{ stages: { legacy: { imageUri: string } } }>(PIPELINE_FILES.executionInput);
  input.stages.legacy.imageUri = '111122223333.dkr.ecr.eu-west-1.amazonaws.com/custom:1';
  repo.write(PIPELINE_FILES.executionInput, JSON.stringify(input));
  return repo;
}

/** The same scenarios for each installer: `uvBin` first on PATH (or none), LEGACY_MLOPS_INSTALLER=`installer`. */
function installerScenarios(label: string, installer: 'pip' | 'uv', uvBin: () => string | undefined, expectedInstaller: RegExp, uvCalls?: () => string[][]) {
  async function run(repo: GeneratedRepo) {
    const lines: string[] = [];
    const savedPath = process.env.PATH;
    const bin = uvBin();
    if (bin) process.env.PATH = `${bin}${delimiter}${savedPath}`;
    process.env.LEGACY_MLOPS_INSTALLER = installer;
    try {
      const report = await withPackageIndex(INDEX, () => runPipelineLocally({ repoRoot: repo.dir, python: PYTHON, backend: 'bwrap', envs: true, log: (line) => lines.push(line) }));
      return { report, output: lines.join('\n') };
    } finally {
      process.env.PATH = savedPath;
      delete process.env.LEGACY_MLOPS_INSTALLER;
    }
  }
  async function refusal(repo: GeneratedRepo) {
    try {
      await run(repo);
    } catch (error) {
      if (error instanceof LocalRunRefused) return error.problems;
      throw error;
    }
    throw new Error('not refused');
  }
  const jobsRan = (repo: GeneratedRepo) => existsSync(join(repo.dir, '.local', 'runs')) && readdirSync(join(repo.dir, '.local', 'runs')).length > 0;
  const installs = () => (uvCalls ? uvCalls().filter((args) => args[0] === 'pip').length : undefined);

  describe(`stage environments built with ${label}`, () => {
    test('nearest version and its warning; the cache hit calls no installer; requirements.txt changes rebuild', async () => {
      const repo = repoWith('alpha==1.4\n');
      const before = installs();
      const first = await run(repo);
      expect(first.report.status).toBe('SUCCEEDED');
      expect(first.output).toMatch(new RegExp(`legacy: building its Python environment in \\.local/envs/[0-9a-f]{16} \\(stages/legacy/requirements\\.txt\\) with ${expectedInstaller.source}`));
      const warning = "stage 'legacy': stages/legacy/requirements.txt asks for alpha==1.4, which the package index lacks; installed 1.0 (the nearest available)";
      expect(first.report.notices).toContain(warning);
      if (uvCalls) {
        const install = uvCalls().find((args) => args[0] === 'pip')!;
        // pip's settings (here PIP_NO_INDEX and PIP_FIND_LINKS) reach uv as options, since uv does not read them.
        expect(install.slice(0, 8)).toEqual(['pip', 'install', '--no-progress', '--python', expect.stringMatching(/\/\.local\/envs\/[0-9a-f]{16}\/bin\/python$/), '--no-index', '--find-links', INDEX]);
      }
      const calls = installs();
      const second = await run(repo);
      expect(second.output).not.toContain('building its Python environment');
      if (uvCalls) expect(installs()).toBe(calls);
      repo.write('stages/legacy/requirements.txt', 'alpha==2.0\n');
      const third = await run(repo);
      expect(third.output).toContain('building its Python environment');
      const out = readFileSync(join(third.report.s3Root, repo.pipeline.s3.bucket, 'runs', third.report.executionName, 'legacy', 'data', 'alpha.txt'), 'utf8');
      expect(out).toBe('2.0');
      if (uvCalls) expect(installs()).toBe(calls! + 1);
      expect(before === undefined || calls! > before).toBe(true);
    }, ENV_TIMEOUT);

    test('a package the index lacks stops the run before any job (decided from the index, before any install)', async () => {
      const repo = repoWith('alpha==1.0\ngamma==3.1\n');
      const before = installs();
      const problems = await refusal(repo);
      expect(problems).toEqual([expect.stringMatching(/^stage 'legacy': package 'gamma' \(from stages\/legacy\/requirements\.txt\) is not available from the package index \((pip|uv)'s output: \.local\/envs\/[0-9a-f]{16}\.failed\.log\)$/)]);
      expect(jobsRan(repo)).toBe(false);
      if (uvCalls) expect(installs()).toBe(before);
    }, ENV_TIMEOUT);

    test('a package whose build fails stops the run before any job, naming it', async () => {
      const repo = repoWith('broken==1.0\n');
      const problems = await refusal(repo);
      expect(problems).toEqual([expect.stringMatching(/^stage 'legacy': package 'broken' .*failed to build: .*cannot be built here/)]);
      expect(jobsRan(repo)).toBe(false);
    }, ENV_TIMEOUT);
  });
}

installerScenarios('pip', 'pip', () => undefined, /pip \d+\.\d+\S*/);
const double = uvDouble();
installerScenarios('the uv test double', 'uv', () => double.bin, /uv 0\.0\.0\+test-double/, double.calls);

/** A real uv: on PATH, named by LEGACY_MLOPS_TEST_UV, or installed from the configured index into a temp venv. */
function realUv(): { bin?: string; reason?: string } {
  const named = process.env.LEGACY_MLOPS_TEST_UV;
  if (named) return { bin: join(named, '..') };
  const found = onPath('uv', process.env);
  if (found) return { bin: join(found, '..') };
  const venv = trackedMkdtemp(join(tmpdir(), 'legacy-mlops-realuv-'));
  try {
    execFileSync(PYTHON, ['-m', 'venv', venv], { stdio: 'pipe', timeout: 120_000 });
    execFileSync(join(venv, 'bin', 'python'), ['-m', 'pip', 'install', '--quiet', 'uv'], { stdio: 'pipe', timeout: 300_000, env: { ...process.env, PIP_RETRIES: '0' } });
    return { bin: join(venv, 'bin') };
  } catch (error) {
    const said = String((error as { stderr?: Buffer }).stderr ?? error).trim().split('\n').slice(-1)[0];
    return { reason: `no uv on PATH, LEGACY_MLOPS_TEST_UV unset, and 'pip install uv' from the configured index failed (${said})` };
  }
}
const real = realUv();
if (real.bin) {
  installerScenarios('uv', 'uv', () => real.bin, /uv \d+\.\d+\.\d+/);
} else {
  // eslint-disable-next-line no-console
  console.log(`The real-uv runs are skipped: ${real.reason}. The uv test double covers what the runner hands uv and how it reads uv's answers.`);
  describe.skip(`stage environments built with uv (${real.reason})`, () => {
    test('skipped', () => undefined);
  });
}
