/**
 * The smoke test written beside an imported legacy script: `--from` the legacy fixtures, then the
 * generated `stages/<name>/test_<name>.py` run as `npx projen test` runs it (unittest, in the stage's
 * interpreter). It runs the script untouched through `legacy-mlops smoke` (the local runner's sandbox,
 * /opt/ml redirected), passes as imported, and fails with a clear line when the script is broken.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { jest } from '@jest/globals';
import { runTest } from '../../src/cli/test.js';
import { runCreate } from '../../src/create/cli.js';
import { runStageTests } from '../../src/local/stage-tests.js';
import { smokeDefinition } from '../../src/local/stage-smoke.js';
import { isolateFromAws } from '../support/aws-isolation.js';
import { trackedMkdtemp } from '../support/temp-dirs.js';

isolateFromAws();
jest.setTimeout(600_000);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'legacy');
const PYTHON = process.env.LEGACY_MLOPS_PYTHON ?? '/usr/bin/python3';
const sha = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

/** `legacy-mlops` on PATH, as `npm install` puts it in a generated repo: this checkout's CLI through tsx. */
function cliOnPath(): Record<string, string> {
  const bin = trackedMkdtemp(path.join(os.tmpdir(), 'smoke-bin-'));
  const shim = path.join(bin, 'legacy-mlops');
  fs.writeFileSync(shim, `#!/bin/sh\nexec "${process.execPath}" "${path.join(ROOT, 'node_modules/tsx/dist/cli.mjs')}" "${path.join(ROOT, 'src/cli/legacy-mlops.ts')}" "$@"\n`, { mode: 0o755 });
  return { PATH: `${bin}:${process.env.PATH}` };
}

async function importFixture(fixture: string, extra: string[] = []): Promise<string> {
  const parent = trackedMkdtemp(path.join(os.tmpdir(), 'smoke-import-'));
  const target = path.join(parent, 'migrated');
  const lines: string[] = [];
  const [write, writeErr] = [process.stdout.write.bind(process.stdout), process.stderr.write.bind(process.stderr)];
  process.stdout.write = process.stderr.write = ((chunk: string | Uint8Array) => (lines.push(String(chunk)), true)) as typeof process.stdout.write;
  let code: number;
  try {
    code = await runCreate([target, '--yes', '--region', 'eu-west-1', '--account', '111122223333', '--from', path.join(FIXTURES, fixture), '--skip-install', '--no-git', ...extra], parent, { out: (l) => lines.push(l), err: (l) => lines.push(l) });
  } finally {
    process.stdout.write = write;
    process.stderr.write = writeErr;
  }
  expect([code, lines.join('')]).toEqual([0, expect.any(String)]);
  return target;
}

describe('(a) console export: the smoke test beside each imported script', () => {
  let target: string;
  let env: Record<string, string>;
  beforeAll(async () => {
    target = await importFixture('a-console-export');
    env = cliOnPath();
  });

  test('written once beside the legacy code, which stays byte for byte; valid Python naming the outputs', () => {
    for (const [stage, legacy, script] of [
      ['pre-processing', 'preprocessing/preprocess.py', 'preprocess.py'],
      ['post-processing', 'postprocessing/postprocess.py', 'postprocess.py'],
      ['inference', 'inferencecontainer/src/predict.py', 'src/predict.py'],
    ]) {
      expect(sha(path.join(target, 'stages', stage, script))).toBe(sha(path.join(FIXTURES, 'a-console-export', legacy)));
      const test = path.join(target, 'stages', stage, `test_${stage.replace(/-/g, '_')}.py`);
      const text = fs.readFileSync(test, 'utf8');
      expect(text).toContain(`SCRIPT = "stages/${stage}/${script}"`);
      expect(text).toContain('"smoke", STAGE');
      execFileSync(PYTHON, ['-m', 'py_compile', test]);
    }
    expect(fs.readFileSync(path.join(target, 'stages/pre-processing/test_pre_processing.py'), 'utf8')).toContain('"output-1": [],');
  });

  test('the sub-machine of a later stage holds the stages it reads from, in order, chained without Catch', () => {
    const definition = JSON.parse(fs.readFileSync(path.join(target, 'pipeline/state-machine.asl.json'), 'utf8'));
    const smoke = smokeDefinition(target, definition, 'post-processing');
    expect(smoke.upstream).toEqual(['pre-processing', 'inference']);
    const states = (smoke.definition as { StartAt: string; States: Record<string, Record<string, unknown>> }).States;
    expect(Object.keys(states)).toEqual(['pre-processing', 'inference', 'post-processing']);
    expect([states['pre-processing'].Next, states.inference.Next, states['post-processing'].End]).toEqual(['inference', 'post-processing', true]);
    expect(Object.values(states).some((s) => 'Catch' in s)).toBe(false);
    expect(() => smokeDefinition(target, definition, 'nope')).toThrow(/no processing or training stage 'nope'.*stages: pre-processing, inference, post-processing/);
  });

  test('passes as imported: the legacy script ran untouched in a sandbox, exited 0 and wrote its output', async () => {
    const result = await runStageTests(target, 'pre-processing', PYTHON, env);
    expect([result.passed, result.summary, result.output]).toEqual([true, 'Ran 2 tests, OK', expect.any(String)]);
    // The run happened in a temporary folder, not in the repo's runs or local S3.
    expect(fs.existsSync(path.join(target, '.local/runs'))).toBe(false);
    expect(fs.existsSync(path.join(target, '.local/s3'))).toBe(false);
  });

  test('a stage after a failing one fails naming the stage that failed first and its error', async () => {
    // The legacy container imports statsmodels, which this interpreter does not have.
    const result = await runStageTests(target, 'post-processing', PYTHON, env);
    expect(result.passed).toBe(false);
    expect(result.output).toContain("stages/post-processing/postprocess.py failed on the sample data: stage 'inference', which must run first to make its input, failed");
    expect(result.output).toContain("ModuleNotFoundError: No module named 'statsmodels'");
  });

  test('a broken legacy script (in a copy) fails with the script, the exit code and its traceback', async () => {
    const copy = path.join(trackedMkdtemp(path.join(os.tmpdir(), 'smoke-broken-')), 'repo');
    fs.cpSync(target, copy, { recursive: true });
    const script = path.join(copy, 'stages/pre-processing/preprocess.py');
    fs.writeFileSync(script, fs.readFileSync(script, 'utf8').replace('df["age"].fillna', 'df["age_years"].fillna'));
    const result = await runStageTests(copy, 'pre-processing', PYTHON, env);
    expect(result.passed).toBe(false);
    expect(result.summary).toBe('Ran 2 tests, FAILED (failures=1, skipped=1)');
    expect(result.output).toContain('stages/pre-processing/preprocess.py failed on the sample data: AlgorithmError: See job logs for more information, exit code: 1');
    expect(result.output).toContain("KeyError: 'age_years'");
    // The original import is untouched.
    expect(fs.readFileSync(path.join(target, 'stages/pre-processing/preprocess.py'), 'utf8')).toContain('df["age"].fillna');
  });
});

describe('(b) loose scripts: the files the script names are expected, and `legacy-mlops test` runs the smoke tests', () => {
  test('the smoke tests pass in part 1 of `npx projen test` on the data the import asked for', async () => {
    const target = await importFixture('b-loose-scripts', ['--stages', 'preprocess,predict']);
    const text = fs.readFileSync(path.join(target, 'stages/preprocess/test_preprocess.py'), 'utf8');
    expect(text).toContain('"clean": ["customers_clean.csv"],');
    expect(fs.readFileSync(path.join(target, 'stages/predict/test_predict.py'), 'utf8')).toContain('"output": ["scored.csv"],');
    fs.rmSync(path.join(target, 'data/raw'), { recursive: true });
    fs.mkdirSync(path.join(target, 'data/raw'));
    fs.writeFileSync(path.join(target, 'data/raw/customers.csv'), 'customer_id,monthly_charges\nC1,10.5\nC2,\nC3,99.0\n');
    const out: string[] = [];
    const err: string[] = [];
    const saved = process.env.PATH;
    process.env.PATH = cliOnPath().PATH;
    let code: number;
    try {
      code = await runTest(['--skip-validate', '--skip-run', '--python', PYTHON], target, { out: (l) => out.push(l), err: (l) => err.push(l) });
    } finally {
      process.env.PATH = saved;
    }
    expect([code, err.join('\n')]).toEqual([0, '']);
    expect(out.join('\n')).toMatch(/stage predict: Ran 2 tests, OK[\s\S]*stage preprocess: Ran 2 tests, OK/);
  });
});
