/**
 * Requirement lines that name local wheels and source folders: how they are recognised, what their
 * content digest covers, the refusals naming file and line, and — with real pip against a package
 * index the test makes — the rebuild when the wheel or the folder changes and the cache hit when not.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LocalRunRefused, runPipelineLocally } from '../../src/local/index.js';
import { stageEnvSpec } from '../../src/local/env-spec.js';
import { contentDigest, localPathLine } from '../../src/local/requirement-paths.js';
import { PIPELINE_FILES } from '../../src/model/repo-layout.js';
import { buildPackageIndex, withPackageIndex, writeLocalProject } from '../support/package-index.js';
import { PYTHON, generatedRepo, type GeneratedRepo } from '../support/generated-repo.js';
import { trackedMkdtemp } from '../support/temp-dirs.js';

const INDEX = buildPackageIndex({
  wheels: [
    ['alpha', '1.0', 'VERSION = "1.0"\n'],
    ['alpha', '2.0', 'VERSION = "2.0"\n'],
  ],
});
const ENV_TIMEOUT = 900_000;

describe('which requirement lines name a local path', () => {
  const file = '/repo/stages/prep/requirements.txt';
  test.each([
    ['./wheels/x-1.0-py3-none-any.whl', '/repo/stages/prep/wheels/x-1.0-py3-none-any.whl', '/repo/stages/prep/wheels/x-1.0-py3-none-any.whl'],
    ['../lib', '/repo/stages/lib', '/repo/stages/lib'],
    ['../lib[fast] ; python_version >= "3"', '/repo/stages/lib', '/repo/stages/lib[fast] ; python_version >= "3"'],
    ['-e .', '/repo/stages/prep', '-e /repo/stages/prep'],
    ['--editable=../../lib', '/repo/lib', '--editable /repo/lib'],
    ['file:../lib#egg=lib', '/repo/stages/lib', 'file:///repo/stages/lib#egg=lib'],
    ['file:///opt/x.whl', '/opt/x.whl', 'file:///opt/x.whl'],
    ['lib @ file:///repo/lib', '/repo/lib', 'lib @ file:///repo/lib'],
    ['-f ./wheels', '/repo/stages/prep/wheels', '-f /repo/stages/prep/wheels'],
  ])('%s', (line, path, written) => {
    expect(localPathLine(line, file)).toEqual({ path, line: written });
  });

  test.each(['requests==2.32.3', 'pandas', 'https://example.invalid/x-1.0-py3-none-any.whl', 'git+https://example.invalid/x.git', '-e git+https://example.invalid/x.git#egg=x', '--index-url https://example.invalid/simple', '-f https://example.invalid/wheels', 'x @ https://example.invalid/x.whl'])(
    'not %s',
    (line) => {
      expect(localPathLine(line, file)).toBeUndefined();
    },
  );
});

describe('the content digest of a local path', () => {
  test("a file's bytes; a folder's tree without caches, VCS data, environments and build output", () => {
    const dir = trackedMkdtemp(join(tmpdir(), 'legacy-mlops-digest-'));
    writeLocalProject(join(dir, 'lib'), 'lib', '1.0', 'X = 1\n');
    const digest = () => contentDigest(join(dir, 'lib'));
    const first = digest();
    for (const noise of ['__pycache__/m.pyc', '.git/HEAD', 'build/lib/lib/__init__.py', 'lib.egg-info/PKG-INFO', '.local/x', 'env/pyvenv.cfg', 'env/lib/site.py', 'node_modules/x/index.js', 'lib/__pycache__/a.pyc']) {
      mkdirSync(join(dir, 'lib', noise, '..'), { recursive: true });
      writeFileSync(join(dir, 'lib', noise), 'noise');
    }
    expect(digest()).toBe(first);
    writeFileSync(join(dir, 'lib', 'lib', 'extra.py'), '');
    const added = digest();
    expect(added).not.toBe(first);
    writeFileSync(join(dir, 'lib', 'lib', '__init__.py'), 'X = 2\n');
    expect(digest()).not.toBe(added);
    writeFileSync(join(dir, 'x.whl'), 'a');
    const wheel = contentDigest(join(dir, 'x.whl'));
    writeFileSync(join(dir, 'x.whl'), 'b');
    expect(contentDigest(join(dir, 'x.whl'))).not.toBe(wheel);
    expect(contentDigest(join(dir, 'absent'))).toBeUndefined();
  });
});

/** A one-stage repo on a custom image (no framework package set): its environment is requirements.txt only. */
function repoWith(requirements: string, script: string): GeneratedRepo {
  const repo = generatedRepo({ stages: [{ name: 'legacy' }] });
  repo.write('stages/legacy/legacy.py', script);
  repo.write('stages/legacy/requirements.txt', requirements);
  const input = repo.readJson<{ stages: { legacy: { imageUri: string } } }>(PIPELINE_FILES.executionInput);
  input.stages.legacy.imageUri = '111122223333.dkr.ecr.eu-west-1.amazonaws.com/custom:1';
  repo.write(PIPELINE_FILES.executionInput, JSON.stringify(input));
  return repo;
}

const specOf = (repo: GeneratedRepo) =>
  stageEnvSpec(repo.dir, { stateName: 'legacy', stageName: 'legacy', stageDir: join(repo.dir, 'stages', 'legacy'), script: { channel: 'code', localPath: '/opt/ml/processing/input/code' } }, '111122223333.dkr.ecr.eu-west-1.amazonaws.com/custom:1', false);

function refusedWith(body: () => unknown): readonly string[] {
  try {
    body();
  } catch (error) {
    if (error instanceof LocalRunRefused) return error.problems;
    throw error;
  }
  throw new Error('not refused');
}

describe('local paths in a stage environment spec', () => {
  test('absolute for the installer, their digests in the spec, a warning for paths outside the stage folder', () => {
    const repo = repoWith('alpha\n./wheels/w-1.0-py3-none-any.whl\n-e ../../lib\n', '');
    repo.write('stages/legacy/wheels/w-1.0-py3-none-any.whl', 'wheel bytes');
    writeLocalProject(join(repo.dir, 'lib'), 'lib', '1.0', '');
    const spec = specOf(repo);
    expect(spec.verbatim).toEqual([join(repo.dir, 'stages/legacy/wheels/w-1.0-py3-none-any.whl'), `-e ${join(repo.dir, 'lib')}`]);
    expect(spec.localPaths).toEqual([
      { path: 'stages/legacy/wheels/w-1.0-py3-none-any.whl', digest: contentDigest(join(repo.dir, 'stages/legacy/wheels/w-1.0-py3-none-any.whl')) },
      { path: 'lib', digest: contentDigest(join(repo.dir, 'lib')) },
    ]);
    expect(spec.specWarnings).toEqual([
      "stage 'legacy': stages/legacy/requirements.txt line 3: -e ../../lib is outside the stage folder; the job in the cloud receives only the stage folder, so its pip will not find it",
    ]);
  });

  test('a path outside the repository, or one that is not there: one line naming file and line', () => {
    const outside = repoWith('alpha\n\n/etc/hostname\n', '');
    expect(refusedWith(() => specOf(outside))).toEqual(['stages/legacy/requirements.txt line 3: /etc/hostname is outside the repository (/etc/hostname); copy it into the repository']);
    const up = repoWith(`-e ../../..\n`, '');
    expect(refusedWith(() => specOf(up))).toEqual([expect.stringMatching(/^stages\/legacy\/requirements\.txt line 1: -e \.\.\/\.\.\/\.\. is outside the repository \(.*\); copy it into the repository$/)]);
    const url = repoWith(`x @ ${pathToFileURL('/etc/hostname').href}\n`, '');
    expect(refusedWith(() => specOf(url))).toEqual(['stages/legacy/requirements.txt line 1: x @ file:///etc/hostname is outside the repository (/etc/hostname); copy it into the repository']);
    const missing = repoWith('./wheels/gone-1.0-py3-none-any.whl\n', '');
    expect(refusedWith(() => specOf(missing))).toEqual(['stages/legacy/requirements.txt line 1: ./wheels/gone-1.0-py3-none-any.whl: not found (stages/legacy/wheels/gone-1.0-py3-none-any.whl)']);
  });
});

describe('a stage environment with a local wheel and a local source folder (real pip)', () => {
  const SCRIPT = `
import alpha, lib
with open("/opt/ml/processing/output/data/versions.txt", "w") as f:
    f.write(alpha.VERSION + " " + lib.VERSION)
`;
  async function run(repo: GeneratedRepo) {
    const lines: string[] = [];
    const report = await withPackageIndex(INDEX, () => runPipelineLocally({ repoRoot: repo.dir, python: PYTHON, backend: 'bwrap', envs: true, log: (line) => lines.push(line) }));
    expect(report.status).toBe('SUCCEEDED');
    const versions = readFileSync(join(report.s3Root, repo.pipeline.s3.bucket, 'runs', report.executionName, 'legacy', 'data', 'versions.txt'), 'utf8');
    return { output: lines.join('\n'), versions, built: lines.some((line) => line.includes('building its Python environment')) };
  }

  test('installs them, reuses the environment while they are unchanged, rebuilds when the wheel or the folder changes', async () => {
    const repo = repoWith('./wheels/alpha-2.0-py3-none-any.whl\n../legacy/lib\n', SCRIPT);
    mkdirSync(join(repo.dir, 'stages/legacy/wheels'));
    copyFileSync(join(INDEX, 'alpha-2.0-py3-none-any.whl'), join(repo.dir, 'stages/legacy/wheels/alpha-2.0-py3-none-any.whl'));
    writeLocalProject(join(repo.dir, 'stages/legacy/lib'), 'lib', '1.0', 'VERSION = "lib 1"\n');

    const first = await run(repo);
    expect([first.built, first.versions]).toEqual([true, '2.0 lib 1']);
    // pip built the folder in place (build/, *.egg-info, __pycache__ would count as changes if hashed): still a cache hit.
    const second = await run(repo);
    expect([second.built, second.versions]).toEqual([false, '2.0 lib 1']);

    // Other bytes under the same wheel name: rebuilt, and the new content is what runs.
    copyFileSync(join(INDEX, 'alpha-1.0-py3-none-any.whl'), join(repo.dir, 'stages/legacy/wheels/alpha-2.0-py3-none-any.whl'));
    const wheelChanged = await run(repo);
    expect([wheelChanged.built, wheelChanged.versions]).toEqual([true, '1.0 lib 1']);

    writeFileSync(join(repo.dir, 'stages/legacy/lib/lib/__init__.py'), 'VERSION = "lib 2"\n');
    const folderChanged = await run(repo);
    expect([folderChanged.built, folderChanged.versions]).toEqual([true, '1.0 lib 2']);
    const envs = readdirSync(join(repo.dir, '.local', 'envs')).filter((name) => /^[0-9a-f]{16}$/.test(name));
    expect(envs).toHaveLength(1);
    expect(existsSync(join(repo.dir, '.local', 'envs', envs[0], 'legacy-mlops-env.json'))).toBe(true);
  }, ENV_TIMEOUT);
});
