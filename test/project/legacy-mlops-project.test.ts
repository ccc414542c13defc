import { chmodSync, existsSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { validateProject } from '../../src/checks/index.js';
import { PipelineValidationError, type PipelineOptions } from '../../src/model/index.js';
import { PIPELINE_FILES } from '../../src/model/repo-layout.js';
import { synthesizeProject } from '../../src/project/index.js';

const base: PipelineOptions = { name: 'demo', region: 'eu-west-1', account: '111122223333' };
const fresh = () => mkdtempSync(join(tmpdir(), 'lmo-project-'));
const read = (dir: string, file: string) => readFileSync(join(dir, file), 'utf8');
const json = (dir: string, file: string) => JSON.parse(read(dir, file));

/** Every file under dir (relative paths), without node_modules. */
function tree(dir: string, prefix = ''): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true }).flatMap((e) => {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.name === 'node_modules') return [];
    return e.isDirectory() ? tree(dir, rel) : [rel];
  });
}
const snapshot = (dir: string) => Object.fromEntries(tree(dir).map((f) => [f, read(dir, f)]));

describe('LegacyMlopsProject synthesis', () => {
  test('writes the managed pipeline files read-only, and the stage code and sample data writable', () => {
    const dir = fresh();
    synthesizeProject(base, dir);
    for (const file of Object.values(PIPELINE_FILES)) {
      expect(existsSync(join(dir, file))).toBe(true);
      expect(statSync(join(dir, file)).mode & 0o222).toBe(0);
    }
    for (const file of ['stages/preprocess/preprocess.py', 'stages/predict/predict.py', 'stages/predict/Dockerfile', 'stages/postprocess/requirements.txt', 'data/raw/pre_processing_input.csv']) {
      expect(statSync(join(dir, file)).mode & 0o200).toBe(0o200);
    }
    // ASL and IAM documents are consumed by AWS tools: no projen marker key inside.
    expect(json(dir, PIPELINE_FILES.stateMachine)['//']).toBeUndefined();
    expect(json(dir, PIPELINE_FILES.stateMachineRolePolicy)['//']).toBeUndefined();
    const tasks = json(dir, '.projen/tasks.json').tasks;
    expect(tasks.validate.steps[0].exec).toBe('legacy-mlops validate');
    expect(tasks.local.steps[0].exec).toBe('legacy-mlops local');
    const pkg = json(dir, 'package.json');
    expect(pkg.dependencies['generator-legacy-mlops']).toBe('^0.1.0');
    expect(pkg.engines.node).toBe('>= 22.18.0');
  });

  test("package.json allows the install script of every package in this package's runtime tree that has one, and no other", () => {
    const dir = fresh();
    synthesizeProject(base, dir);
    // The lockfile says which installed packages have install scripts and which are ours for development only.
    const lock = JSON.parse(readFileSync(fileURLToPath(new URL('../../package-lock.json', import.meta.url)), 'utf8')) as { packages: Record<string, { hasInstallScript?: boolean; dev?: boolean }> };
    const withScripts = Object.entries(lock.packages)
      .filter(([path, entry]) => path !== '' && entry.hasInstallScript && !entry.dev)
      .map(([path]) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length));
    expect(withScripts.length).toBeGreaterThan(0);
    expect(Object.keys(json(dir, 'package.json').allowScripts).sort()).toEqual([...new Set(withScripts)].sort());
    expect(Object.values(json(dir, 'package.json').allowScripts).every((allowed) => allowed === true)).toBe(true);
  });

  test('the synthesized repo passes every independent check of `validate`', async () => {
    const dir = fresh();
    synthesizeProject(base, dir);
    const report = await validateProject(dir);
    expect(report.checks.filter((c) => c.status === 'failed')).toEqual([]);
    expect(report.checks.find((c) => c.check === 'request-shape')?.status).toBe('passed');
  });

  test('re-running synthesis is idempotent', () => {
    const dir = fresh();
    synthesizeProject(base, dir);
    const first = snapshot(dir);
    synthesizeProject(base, dir);
    expect(snapshot(dir)).toEqual(first);
  });

  test('a hand edit of a managed file is reverted; an edited stub survives', () => {
    const dir = fresh();
    synthesizeProject(base, dir);
    const asl = join(dir, PIPELINE_FILES.stateMachine);
    const original = read(dir, PIPELINE_FILES.stateMachine);
    chmodSync(asl, 0o644);
    writeFileSync(asl, '{"hand": "edited"}');
    const stub = join(dir, 'stages/predict/predict.py');
    writeFileSync(stub, '# my legacy model\n');
    synthesizeProject(base, dir);
    expect(read(dir, PIPELINE_FILES.stateMachine)).toBe(original);
    expect(readFileSync(stub, 'utf8')).toBe('# my legacy model\n');
  });

  test('removing a stage drops it from every managed file and keeps its code', () => {
    const dir = fresh();
    synthesizeProject(base, dir);
    synthesizeProject({ ...base, stages: [{ name: 'preprocess' }, { name: 'postprocess' }] }, dir);
    const everyManaged = Object.values(PIPELINE_FILES).map((f) => read(dir, f)).join('\n');
    expect(everyManaged).not.toMatch(/predict[^i]/); // "predict" only as part of e.g. "predictions"
    expect(Object.keys(json(dir, PIPELINE_FILES.stateMachine).States)).toEqual(['preprocess', 'postprocess', 'preprocess failed', 'postprocess failed']);
    expect(existsSync(join(dir, 'stages/predict/predict.py'))).toBe(true);
  });

  test('managed files are tracked in .projen/files.json for cleanup; user files are not', () => {
    const dir = fresh();
    synthesizeProject(base, dir);
    const files = json(dir, '.projen/files.json').files as string[];
    expect(files).toEqual(expect.arrayContaining(Object.values(PIPELINE_FILES)));
    expect(files.some((f) => f.startsWith('stages/') || f.startsWith('data/'))).toBe(false);
  });

  test('an invalid model is refused before a single file is written', () => {
    const dir = fresh();
    expect(() => synthesizeProject({ ...base, stages: [{ name: 'a', instanceType: 'ml.m5.huge' }] }, dir)).toThrow(PipelineValidationError);
    expect(readdirSync(dir)).toEqual([]);
  });

  test('the README shows the Mermaid diagram, the stage table and the run commands', () => {
    const dir = fresh();
    synthesizeProject(base, dir);
    const readme = read(dir, 'README.md');
    expect(readme).toContain('```mermaid\nflowchart LR');
    expect(readme).toMatch(/\| `predict` \| .* \| built from `stages\/predict\/Dockerfile` \|/);
    expect(readme).toContain('npx projen local');
    expect(readme).toContain('npx projen validate');
  });
});

describe('properties over random models', () => {
  const stageName = fc.stringMatching(/^[a-z][a-z0-9]{0,8}$/).filter((n) => !['raw', 'code', 'runs', 'data'].includes(n));
  const stage = fc.record({ name: stageName, mode: fc.constantFrom('script' as const, 'container' as const) });

  test('valid models synthesize repos that pass every check', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(stage, { minLength: 1, maxLength: 6, selector: (s) => s.name }), async (stages) => {
        const dir = fresh();
        synthesizeProject({ ...base, stages }, dir);
        const report = await validateProject(dir);
        return report.checks.every((c) => c.status !== 'failed');
      }),
      { numRuns: 8 },
    );
  });

  test('invalid models throw a clear error and write nothing', () => {
    const invalid = fc.oneof(
      fc.record({ name: fc.constantFrom('Bad', '-x', 'a_b', ''), region: fc.constant('eu-west-1'), account: fc.constant('111122223333') }),
      fc.record({ name: fc.constant('ok'), region: fc.constantFrom('moon-1', 'EU', ''), account: fc.constant('111122223333') }),
      fc.record({ name: fc.constant('ok'), region: fc.constant('eu-west-1'), account: fc.stringMatching(/^\d{0,11}$/) }),
      fc.record({ name: fc.constant('ok'), region: fc.constant('eu-west-1'), account: fc.constant('111122223333'), stages: fc.constant([{ name: 'x', volumeSizeGb: 0 }]) }),
    );
    fc.assert(
      fc.property(invalid, (options) => {
        const dir = fresh();
        try {
          synthesizeProject(options as PipelineOptions, dir);
          return false;
        } catch (error) {
          return error instanceof PipelineValidationError && /^Invalid legacy-mlops pipeline \(\d+ problems?\):\n {2}- \S/.test(error.message) && readdirSync(dir).length === 0;
        }
      }),
      { numRuns: 40 },
    );
  });
});
