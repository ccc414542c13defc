/**
 * Each stage's starter test (`stages/<name>/test_<name>.py`): rendered for every role, it passes against the
 * stub it was written with (run for real with unittest), fails when the legacy function breaks, and is the
 * user's file (written once). `legacy-mlops test` runs them first and names the stage that failed.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runTest } from '../../src/cli/test.js';
import { runStageTests, stagesWithTests } from '../../src/local/stage-tests.js';
import { LIFECYCLE_STAGES, type StageOptions } from '../../src/model/index.js';
import { synthesizeProject, type LegacyMlopsProjectOptions } from '../../src/project/index.js';
import { renderStageTest, stageTestPath } from '../../src/stages/index.js';
import { BASE_MODEL, removeTempDirs, tempDir } from '../support/deploy-fixtures.js';
import { generatedRepo, PYTHON } from '../support/generated-repo.js';

const interpreter = PYTHON;
afterAll(removeTempDirs);

/** The stub files plus the starter tests, as a synthesized repo has them. */
function repoWithTests(stages?: readonly StageOptions[]) {
  const repo = generatedRepo(stages ? { stages: stages as StageOptions[] } : {});
  for (const stage of repo.pipeline.stages) for (const file of renderStageTest(stage, repo.pipeline)) repo.write(file.path, file.content);
  return repo;
}

const GENERIC: StageOptions[] = [
  { name: 'clean-up', description: 'Generic stub with two outputs.', mode: 'script', outputs: [{ name: 'rows' }, { name: 'copy' }] },
  { name: 'merge', description: 'Generic stub with two inputs.', mode: 'script', inputs: [{ name: 'rows', from: 'clean-up/rows' }, { name: 'raw', from: 'raw' }] },
];

test.each([
  ['default (preprocess, predict, postprocess)', undefined, ['postprocess', 'predict', 'preprocess']],
  ['lifecycle (split, train, evaluate)', LIFECYCLE_STAGES, ['evaluate', 'preprocess', 'train']],
  ['generic stubs (two outputs, two inputs, a dash in the name)', GENERIC, ['clean-up', 'merge']],
])('%s: every stage with code has a starter test, and it passes against its stub', async (_label, stages, expected) => {
  const repo = repoWithTests(stages);
  expect(stagesWithTests(repo.dir)).toEqual(expected);
  for (const stage of expected) {
    const test = repo.read(stageTestPath(stage));
    expect(test).toContain('import unittest');
    const result = await runStageTests(repo.dir, stage, interpreter);
    expect({ stage, passed: result.passed, summary: result.summary, output: result.passed ? '' : result.output }).toEqual({ stage, passed: true, summary: 'Ran 1 test, OK', output: '' });
  }
  // Model, transform and endpoint stages have no code of their own, so no test.
  expect(repo.pipeline.stages.filter((s) => renderStageTest(s, repo.pipeline).length === 0).map((s) => s.kind)).toEqual(stages === LIFECYCLE_STAGES ? ['model', 'transform'] : []);
}, 120_000);

test('a broken legacy function fails its test, and the result says so; a file without tests does not pass either', async () => {
  const repo = repoWithTests();
  const script = repo.read('stages/postprocess/postprocess.py');
  repo.write('stages/postprocess/postprocess.py', script.replace('RISK_BANDS = [(0.7, "high"), (0.4, "medium"), (0.0, "low")]', 'RISK_BANDS = [(0.95, "high"), (0.4, "medium"), (0.0, "low")]'));
  const broken = await runStageTests(repo.dir, 'postprocess', interpreter);
  expect(broken.passed).toBe(false);
  expect(broken.summary).toBe('Ran 1 test, FAILED (failures=1)');
  expect(broken.output).toContain("AssertionError: Lists differ: ['medium', 'medium', 'low'] != ['high', 'medium', 'low']");

  repo.write(stageTestPath('predict'), 'import unittest\n');
  const empty = await runStageTests(repo.dir, 'predict', interpreter);
  expect(empty.passed).toBe(false);
  expect(empty.summary).toMatch(/^Ran 0 tests/);
}, 60_000);

describe('legacy-mlops test on a synthesized repo', () => {
  const synthesize = () => {
    const dir = tempDir('test-command');
    synthesizeProject({ ...BASE_MODEL } as LegacyMlopsProjectOptions, dir);
    return dir;
  };
  const run = async (dir: string, argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runTest(argv, dir, { out: (l) => out.push(l), err: (l) => err.push(l) });
    return { code, out: out.join('\n'), err: err.join('\n') };
  };

  test('synthesis writes a starter test per stage once; a user\'s edit survives the next synthesis', () => {
    const dir = synthesize();
    const path = join(dir, stageTestPath('predict'));
    expect(readFileSync(path, 'utf8')).toContain('class PredictTest(StageTestCase)');
    writeFileSync(path, '# mine\n');
    synthesizeProject({ ...BASE_MODEL } as LegacyMlopsProjectOptions, dir);
    expect(readFileSync(path, 'utf8')).toBe('# mine\n');
    expect(JSON.parse(readFileSync(join(dir, '.projen/tasks.json'), 'utf8')).tasks.test.steps).toEqual([{ exec: 'legacy-mlops test', receiveArgs: true }]);
  });

  test('stage tests then validate; a broken stage stops it there, naming the stage; options are checked', async () => {
    const dir = synthesize();
    const passed = await run(dir, ['--python', PYTHON, '--skip-run']);
    expect(passed.err).toBe('');
    expect(passed.out).toMatch(/legacy-mlops test: stage postprocess: Ran 1 test, OK in [\d.]+ s\n.*stage predict: Ran 1 test, OK.*\n.*stage preprocess: Ran 1 test, OK/);
    expect(passed.out).toContain('legacy-mlops test: passed: stage tests, validate; skipped: local run');
    expect(passed.code).toBe(0);

    const script = join(dir, 'stages/preprocess/preprocess.py');
    writeFileSync(script, readFileSync(script, 'utf8').replace('features.to_csv(', 'features.iloc[:0].to_csv('));
    const broken = await run(dir, ['--python', PYTHON, '--skip-run']);
    expect(broken.code).toBe(1);
    expect(broken.err).toContain("legacy-mlops test: FAILED in part 'stage tests': stage preprocess: Ran 1 test, FAILED (failures=1) (stages/preprocess/test_*.py)");
    expect(broken.out).not.toContain('legacy-mlops validate');

    expect(await run(dir, ['--skip-everything'])).toMatchObject({ code: 2, err: expect.stringContaining("Unknown option '--skip-everything'") });
    expect(await run(dir, ['--backend', 'vm'])).toMatchObject({ code: 2, err: "legacy-mlops test: --backend 'vm' is not one of docker, bwrap, direct" });
  }, 120_000);
});
