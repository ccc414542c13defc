/**
 * Stage environments built with real pip against a package index the test makes (see
 * test/support/package-index.ts): what gets installed, the nearest-version warnings, refusals before
 * any job, the cache hit on the second run and the rebuild after requirements.txt changes.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { LocalRunRefused, runPipelineLocally, stageInterpreter } from '../../src/local/index.js';
import { stageEnvSpec } from '../../src/local/env-spec.js';
import { nearestVersion, unsatisfiable } from '../../src/local/install-packages.js';
import { resolvePython } from '../../src/local/python-env.js';
import { ensureStageEnvironment } from '../../src/local/stage-env.js';
import { frameworkImageOf, imagePackageSet, IMAGE_PACKAGE_SETS } from '../../src/model/framework-packages.js';
import { FRAMEWORKS } from '../../src/model/framework-images.js';
import { buildReadme } from '../../src/docs/readme.js';
import { PIPELINE_FILES } from '../../src/model/repo-layout.js';
import { buildPackageIndex, withPackageIndex } from '../support/package-index.js';
import { PYTHON, generatedRepo, type GeneratedRepo } from '../support/generated-repo.js';
import { tmpdir } from 'node:os';
import { trackedMkdtemp } from '../support/temp-dirs.js';

const INDEX = buildPackageIndex({
  wheels: [
    ['alpha', '1.0', 'VERSION = "1.0"\n'],
    ['alpha', '2.0', 'VERSION = "2.0"\n'],
    ['beta', '0.3', 'VERSION = "0.3"\n'],
  ],
  broken: [['broken', '1.0']],
});

/** A one-stage repo whose image is not a framework image: its environment is requirements.txt only. */
function repoWith(requirements: string, script: string): GeneratedRepo {
  const repo = generatedRepo({ stages: [{ name: 'legacy' }] });
  repo.write('stages/legacy/legacy.py', script);
  repo.write('stages/legacy/requirements.txt', requirements);
  const input = repo.readJson<{ stages: { legacy: { imageUri: string } } }>(PIPELINE_FILES.executionInput);
  input.stages.legacy.imageUri = '111122223333.dkr.ecr.eu-west-1.amazonaws.com/custom:1';
  repo.write(PIPELINE_FILES.executionInput, JSON.stringify(input));
  return repo;
}

const WRITE_ALPHA = `
import alpha
with open("/opt/ml/processing/output/data/alpha.txt", "w") as f:
    f.write(alpha.VERSION)
`;

async function run(repo: GeneratedRepo, extra: { rebuildEnvs?: boolean } = {}) {
  const lines: string[] = [];
  const report = await withPackageIndex(INDEX, () =>
    runPipelineLocally({ repoRoot: repo.dir, python: PYTHON, backend: 'bwrap', envs: true, log: (line) => lines.push(line), ...extra }),
  );
  return { report, output: lines.join('\n') };
}

async function refusal(repo: GeneratedRepo): Promise<readonly string[]> {
  try {
    await run(repo);
  } catch (error) {
    if (error instanceof LocalRunRefused) return error.problems;
    throw error;
  }
  throw new Error('the run was not refused');
}

const envsOf = (repo: GeneratedRepo) => join(repo.dir, '.local', 'envs');
const envDirs = (repo: GeneratedRepo) => readdirSync(envsOf(repo)).filter((name) => /^[0-9a-f]{16}$/.test(name));
/** Environments are real pip installs: minutes on a busy machine. */
const ENV_TIMEOUT = 900_000;
const jobsRan = (repo: GeneratedRepo) => existsSync(join(repo.dir, '.local', 'runs')) && readdirSync(join(repo.dir, '.local', 'runs')).length > 0;

describe('a stage environment built from the package index', () => {
  test('installs the requirements, reuses the environment untouched on the second run, rebuilds when requirements.txt changes', async () => {
    const repo = repoWith('alpha==1.0\n', WRITE_ALPHA);
    const first = await run(repo);
    expect(first.report.status).toBe('SUCCEEDED');
    expect(first.output).toMatch(/legacy: building its Python environment in \.local\/envs\/[0-9a-f]{16} \(stages\/legacy\/requirements\.txt\)/);
    const [key] = envDirs(repo);
    const manifest = join(envsOf(repo), key, 'legacy-mlops-env.json');
    expect(JSON.parse(readFileSync(manifest, 'utf8')).installed).toMatchObject({ alpha: '1.0' });
    const output = join(first.report.s3Root, repo.pipeline.s3.bucket, 'runs', first.report.executionName, 'legacy', 'data', 'alpha.txt');
    expect(readFileSync(output, 'utf8')).toBe('1.0');

    // Cache hit: no pip call, the manifest and install log as they were.
    const log = join(envsOf(repo), key, 'install.log');
    const before = [statSync(manifest).mtimeMs, statSync(log).mtimeMs];
    const second = await run(repo);
    expect(second.report.status).toBe('SUCCEEDED');
    expect(second.output).not.toContain('building its Python environment');
    expect(second.output).toContain(`legacy: Python environment .local/envs/${key} (stages/legacy/requirements.txt)`);
    expect([statSync(manifest).mtimeMs, statSync(log).mtimeMs]).toEqual(before);

    // A changed requirements.txt: a new environment, and the old one (no stage uses it any more) is gone.
    repo.write('stages/legacy/requirements.txt', 'alpha==2.0\n');
    const third = await run(repo);
    expect(third.report.status).toBe('SUCCEEDED');
    expect(third.output).toContain('building its Python environment');
    expect(envDirs(repo)).toHaveLength(1);
    expect(envDirs(repo)[0]).not.toBe(key);
    const output3 = join(third.report.s3Root, repo.pipeline.s3.bucket, 'runs', third.report.executionName, 'legacy', 'data', 'alpha.txt');
    expect(readFileSync(output3, 'utf8')).toBe('2.0');

    // --rebuild-envs starts over.
    const rebuilt = await run(repo, { rebuildEnvs: true });
    expect(rebuilt.output).toContain('building its Python environment');
  }, ENV_TIMEOUT);

  test('a pin the index lacks gets the nearest version and a warning naming stage, package and both versions', async () => {
    const repo = repoWith('alpha==1.4\n', WRITE_ALPHA);
    const { report, output } = await run(repo);
    expect(report.status).toBe('SUCCEEDED');
    const warning = "stage 'legacy': stages/legacy/requirements.txt asks for alpha==1.4, which the package index lacks; installed 1.0 (the nearest available)";
    expect(output).toContain(`notice: ${warning}`);
    expect(report.notices).toContain(warning);
    const [key] = envDirs(repo);
    const listed = join(envsOf(repo), key, 'notices.txt');
    expect(readFileSync(listed, 'utf8')).toBe(`${warning}\n`);

    // Shown once: later runs print one reminder line pointing to the list, and keep the notice in the report.
    for (let i = 0; i < 2; i++) {
      const again = await run(repo);
      expect(again.output).not.toContain(warning);
      expect(again.output.split('\n').filter((line) => line.includes('notice:'))).toEqual([
        `  notice: 1 notice about the stage environments, shown when they were built, listed in .local/envs/${key}/notices.txt`,
      ]);
      expect(again.report.notices).toEqual([warning]);
    }
    expect(readFileSync(listed, 'utf8')).toBe(`${warning}\n`);
  }, ENV_TIMEOUT);

  test('a package with no version in the index stops the run before any job, naming stage and package', async () => {
    const repo = repoWith('alpha==1.0\ngamma==3.1\n', WRITE_ALPHA);
    const problems = await refusal(repo);
    expect(problems).toEqual([expect.stringMatching(/^stage 'legacy': package 'gamma' \(from stages\/legacy\/requirements\.txt\) is not available from the package index \(pip's output: \.local\/envs\/[0-9a-f]{16}\.failed\.log\)$/)]);
    expect(jobsRan(repo)).toBe(false);
    expect(envDirs(repo)).toEqual([]);
  }, ENV_TIMEOUT);

  test('a package whose build fails stops the run before any job, naming it', async () => {
    const repo = repoWith('broken==1.0\n', WRITE_ALPHA);
    const problems = await refusal(repo);
    expect(problems).toEqual([expect.stringMatching(/^stage 'legacy': package 'broken' .*failed to build: .*cannot be built here/)]);
    expect(jobsRan(repo)).toBe(false);
  }, ENV_TIMEOUT);

  test('preflight: a module the stage imports but its environment lacks stops the run, naming the requirements line to add', async () => {
    const repo = repoWith('alpha==1.0\n', `${WRITE_ALPHA}\nimport beta\nfrom sklearn import tree\ntry:\n    import optional_thing\nexcept ImportError:\n    optional_thing = None\nimport json, helpers\n`);
    repo.write('stages/legacy/helpers.py', 'import os\n');
    const problems = await refusal(repo);
    expect(problems).toEqual([
      "stage 'legacy': stages/legacy/legacy.py line 6 imports 'beta', which its environment does not have; add 'beta' to stages/legacy/requirements.txt",
      "stage 'legacy': stages/legacy/legacy.py line 7 imports 'sklearn', which its environment does not have; add 'scikit-learn' to stages/legacy/requirements.txt",
    ]);
    expect(jobsRan(repo)).toBe(false);
    // The environment itself was fine and stays for the next run.
    expect(envDirs(repo)).toHaveLength(1);
  }, ENV_TIMEOUT);

  test('an image package set: the image pins go in, differences are named once per stage, training stages are warned about the model', async () => {
    const base = await resolvePython(PYTHON);
    const root = trackedMkdtemp(join(tmpdir(), 'legacy-mlops-envs-'));
    const image = { framework: 'sklearn' as const, version: '9.9-1', python: '3.7', packages: { alpha: '==1.5', beta: '==0.3' }, source: { repository: 'test', ref: 'test', paths: [] } };
    const spec = {
      stageName: 'train',
      training: true,
      image,
      pins: [
        { name: 'alpha', spec: '==1.5', origin: 'the scikit-learn 9.9-1 image' },
        { name: 'beta', spec: '==0.3', origin: 'the scikit-learn 9.9-1 image' },
      ],
      verbatim: [],
      description: "the scikit-learn 9.9-1 image's packages",
    };
    const env = await withPackageIndex(INDEX, () => ensureStageEnvironment(spec, base, { root, log: () => undefined }));
    expect(env.manifest.installed).toMatchObject({ alpha: '1.0', beta: '0.3' });
    expect(env.warnings).toEqual([
      `stage 'train': the scikit-learn 9.9-1 image runs Python 3.7; its local environment runs Python ${base.version}`,
      "stage 'train': the package index lacks the scikit-learn 9.9-1 image's versions: alpha 1.0 here, 1.5 in the image; a model trained with these versions may not load in the image",
    ]);
    expect(env.freshWarnings).toEqual(env.warnings);
    const again = await ensureStageEnvironment(spec, base, { root, log: () => undefined });
    expect([again.reused, again.warnings, again.freshWarnings]).toEqual([true, env.warnings, []]);
  }, ENV_TIMEOUT);
});

describe('requirement includes (-r, -c) in a stage environment', () => {
  const stageOf = (repo: GeneratedRepo) => ({ stateName: 'legacy', stageName: 'legacy', stageDir: join(repo.dir, 'stages', 'legacy'), script: { channel: 'code', localPath: '/opt/ml/processing/input/code' } });
  const specOf = (repo: GeneratedRepo) => stageEnvSpec(repo.dir, stageOf(repo), '111122223333.dkr.ecr.eu-west-1.amazonaws.com/custom:1', false);
  const refusedWith = (repo: GeneratedRepo) => {
    try {
      specOf(repo);
    } catch (error) {
      if (error instanceof LocalRunRefused) return error.problems;
      throw error;
    }
    throw new Error('not refused');
  };

  test('follows -r, --requirement=, -rfile and nested includes relative to the including file; hands -c files to pip by path', () => {
    const repo = repoWith('-r base.txt\n--requirement=extra/more.txt # more\n-c constraints.txt\n', WRITE_ALPHA);
    repo.write('stages/legacy/base.txt', 'alpha>=1.0\n-rnested.txt\n');
    repo.write('stages/legacy/nested.txt', 'beta==0.3\n');
    repo.write('stages/legacy/extra/more.txt', '-r ../../../common/shared.txt\n');
    repo.write('common/shared.txt', 'gamma\\\n==1.1\n');
    repo.write('stages/legacy/constraints.txt', '# pins\nalpha==1.0\n-c deeper.txt\n');
    repo.write('stages/legacy/deeper.txt', 'beta<1\n');
    const spec = specOf(repo);
    expect(spec.pins.map((p) => `${p.name}${p.spec} (${p.origin})`)).toEqual([
      'alpha>=1.0 (stages/legacy/base.txt)',
      'beta==0.3 (stages/legacy/nested.txt)',
      'gamma==1.1 (common/shared.txt)',
    ]);
    expect(spec.verbatim).toEqual([`-c ${join(repo.dir, 'stages/legacy/constraints.txt')}`]);
    expect(spec.constraints).toEqual(['alpha==1.0', 'beta<1']);
    expect(spec.specWarnings).toEqual([
      "stage 'legacy': stages/legacy/extra/more.txt line 1: -r ../../../common/shared.txt is outside the stage folder; the job in the cloud receives only the stage folder, so its pip will not find it",
    ]);
  });

  test('a missing include, one outside the repository, or a file including itself: one line naming file and line', () => {
    const missing = repoWith('alpha\n-r nope.txt\n', WRITE_ALPHA);
    expect(refusedWith(missing)).toEqual(['stages/legacy/requirements.txt line 2: -r nope.txt: file not found (stages/legacy/nope.txt)']);
    const outside = repoWith('--constraint /etc/hostname\n', WRITE_ALPHA);
    expect(refusedWith(outside)).toEqual(['stages/legacy/requirements.txt line 1: --constraint /etc/hostname is outside the repository (/etc/hostname); copy it into the repository']);
    const cycle = repoWith('-r a.txt\n', WRITE_ALPHA);
    cycle.write('stages/legacy/a.txt', 'alpha\n\n-r requirements.txt\n');
    expect(refusedWith(cycle)).toEqual(['stages/legacy/a.txt line 3: -r requirements.txt includes a file that includes it']);
  });

  test('the run refuses before any job on a bad include', async () => {
    const repo = repoWith('-r ../../../elsewhere.txt\n', WRITE_ALPHA);
    const problems = await refusal(repo);
    expect(problems).toEqual([expect.stringMatching(/^stages\/legacy\/requirements\.txt line 1: -r \.\.\/\.\.\/\.\.\/elsewhere\.txt: file not found/)]);
    expect(jobsRan(repo)).toBe(false);
  });

  test('editing an included or constraint file rebuilds the environment; a comment or an unrelated file does not', async () => {
    const repo = repoWith('-r base.txt\n-c constraints.txt\n', WRITE_ALPHA);
    repo.write('stages/legacy/base.txt', 'alpha\n');
    repo.write('stages/legacy/constraints.txt', 'alpha==1.0\n');
    const outputOf = (report: { s3Root: string; executionName: string }) => readFileSync(join(report.s3Root, repo.pipeline.s3.bucket, 'runs', report.executionName, 'legacy', 'data', 'alpha.txt'), 'utf8');
    const first = await run(repo);
    expect(first.output).toContain('building its Python environment');
    expect(outputOf(first.report)).toBe('1.0');

    repo.write('stages/legacy/base.txt', '# the one package\nalpha  # any version\n');
    repo.write('stages/legacy/notes.txt', 'alpha==2.0\n');
    const unchanged = await run(repo);
    expect(unchanged.output).not.toContain('building its Python environment');

    repo.write('stages/legacy/constraints.txt', 'alpha==2.0\n');
    const constrained = await run(repo);
    expect(constrained.output).toContain('building its Python environment');
    expect(outputOf(constrained.report)).toBe('2.0');

    repo.write('stages/legacy/base.txt', 'alpha\nbeta==0.3\n');
    const included = await run(repo);
    expect(included.output).toContain('building its Python environment');
    expect(envDirs(repo)).toHaveLength(1);
  }, ENV_TIMEOUT);
});

describe('stageInterpreter (for tools that run a stage\'s own tests)', () => {
  test('returns the environment interpreter the run uses', async () => {
    const repo = repoWith('alpha==1.0\n', WRITE_ALPHA);
    const python = await withPackageIndex(INDEX, () => stageInterpreter(repo.dir, 'legacy', { python: PYTHON }));
    expect(python).toMatch(new RegExp(`^${envsOf(repo)}/[0-9a-f]{16}/bin/python$`));
    await expect(stageInterpreter(repo.dir, 'nope', { python: PYTHON })).rejects.toThrow("no processing or training stage 'nope'");
  }, ENV_TIMEOUT);
});

describe('the package-set table', () => {
  test('has a row for each framework\'s default version and only published versions, each citing its source', () => {
    for (const table of Object.values(FRAMEWORKS)) {
      expect(imagePackageSet(table.name, table.defaultVersion)).toBeDefined();
    }
    for (const row of IMAGE_PACKAGE_SETS) {
      expect(FRAMEWORKS[row.framework].versions.map((v) => v.version)).toContain(row.version);
    }
    for (const table of Object.values(FRAMEWORKS)) {
      for (const { version } of table.versions.filter((v) => imagePackageSet(table.name, v.version))) {
        const set = imagePackageSet(table.name, version);
        expect(set).toBeDefined();
        expect(set!.source.repository).toMatch(/^aws\//);
        expect(set!.source.paths.length).toBeGreaterThan(0);
        expect(Object.keys(set!.packages)).toEqual(expect.arrayContaining(['numpy', 'pandas']));
        expect(set!.python).toMatch(/^3\.\d+/);
      }
    }
    expect(IMAGE_PACKAGE_SETS.find((s) => s.framework === 'sklearn' && s.version === '1.4-2')?.packages['scikit-learn']).toBe('==1.4.2');
  });

  test('image URIs map to their framework version', () => {
    expect(frameworkImageOf('141502667606.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-scikit-learn:1.4-2-cpu-py3')).toEqual({ framework: 'sklearn', version: '1.4-2' });
    expect(frameworkImageOf('763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.5.1-cpu-py311')).toEqual({ framework: 'pytorch', version: '2.5.1' });
    expect(frameworkImageOf('111122223333.dkr.ecr.eu-west-1.amazonaws.com/custom:1')).toBeUndefined();
    expect(frameworkImageOf('683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:0.20.0-cpu-py3')).toEqual({ framework: 'sklearn', version: '0.20.0' });
  });

  test('a script stage on a framework image needs its package set plus requirements.txt', () => {
    const repo = generatedRepo({ stages: [{ name: 'prep' }] });
    repo.write('stages/prep/requirements.txt', '# extra\nrequests==2.32.3\n--extra-index-url https://example.invalid/simple\n');
    const stage = { stateName: 'prep', stageName: 'prep', stageDir: join(repo.dir, 'stages', 'prep'), script: { channel: 'code', localPath: '/opt/ml/processing/input/code' } };
    const spec = stageEnvSpec(repo.dir, stage, '141502667606.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-scikit-learn:1.4-2-cpu-py3', false);
    expect(spec.pins.map((p) => `${p.name}${p.spec}`)).toEqual(['scikit-learn==1.4.2', 'numpy==2.1.0', 'scipy>=1.9.0', 'pandas>=2.0.0', 'pyarrow==17.0.0', 'boto3==1.28.57', 'requests==2.32.3']);
    expect(spec.verbatim).toEqual(['--extra-index-url https://example.invalid/simple']);
    expect(spec.description).toBe("the scikit-learn 1.4-2 image's packages + stages/prep/requirements.txt");
  });
});

describe('the generated README', () => {
  test('says where the environments are, how to rebuild them and what each stage gets from its image', () => {
    const readme = buildReadme(generatedRepo().pipeline);
    expect(readme).toContain('## Local Python environments');
    expect(readme).toContain('`.local/envs/<hash>/`');
    expect(readme).toContain('--rebuild-envs');
    expect(readme).toContain('Set `LEGACY_MLOPS_INSTALLER=pip` to build with pip even when uv is there');
    expect(readme).toContain('`-e ../lib`');
    expect(readme).toMatch(/\| `preprocess` \| the scikit-learn 1\.4-2 image: Python 3\.10; scikit-learn 1\.4\.2, numpy 2\.1\.0, .*aws\/sagemaker-scikit-learn-container@v1\.4\.2.* \+ `stages\/preprocess\/requirements\.txt` \|/);
  });
});

describe('nearest version', () => {
  test('same major first, then minor, then patch; a later one on ties', () => {
    expect(nearestVersion('1.1.3', ['2.2.3', '2.3.3', '3.0.6'])).toBe('2.2.3');
    expect(nearestVersion('2.1.0', ['1.26.4', '2.0.2', '2.1.3', '2.2.6'])).toBe('2.1.3');
    expect(nearestVersion('1.4.2', ['1.6.1', '1.9.1'])).toBe('1.6.1');
    expect(nearestVersion('1.5', ['1.0', '2.0'])).toBe('1.0');
    expect(nearestVersion('1.5', ['1.4', '1.6'])).toBe('1.6');
    expect(nearestVersion('2.5.1', ['2.13.0+cpu', '2.14.1'])).toBe('2.13.0+cpu');
  });

  test("pip's answer for a missing pin is read back", () => {
    expect(unsatisfiable('ERROR: Could not find a version that satisfies the requirement pandas==1.1.3 (from versions: 2.2.3, 3.0.6)\n')).toEqual({ requirement: 'pandas==1.1.3', name: 'pandas', versions: ['2.2.3', '3.0.6'] });
    expect(unsatisfiable('ERROR: Could not find a version that satisfies the requirement gamma==1 (from versions: none)')?.versions).toEqual([]);
  });
});
