/**
 * Runs each stage's Python tests (`stages/<name>/test_*.py`) with standard-library unittest, one process
 * per stage, in the interpreter that stage's jobs run locally (its environment), and says which stage failed.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const STAGES_DIR = 'stages';
const TEST_FILE = /^test_.*\.py$/;
/** A stage's starter tests take seconds; a hung one must not hang CI. */
const STAGE_TEST_TIMEOUT_MS = 10 * 60_000;

export interface StageTestResult {
  readonly stage: string;
  readonly passed: boolean;
  /** unittest's summary (`Ran 2 tests in 0.1s`, `FAILED (failures=1)`). */
  readonly summary: string;
  /** Its whole output, shown when it failed. */
  readonly output: string;
  readonly durationMs: number;
}

/** Stage folders holding at least one `test_*.py`, in name order. */
export function stagesWithTests(repoRoot: string): string[] {
  const root = join(repoRoot, STAGES_DIR);
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && readdirSync(join(root, entry.name)).some((file) => TEST_FILE.test(file)))
    .map((entry) => entry.name)
    .sort();
}

/**
 * @param python the interpreter of the stage's local environment (or the machine's, without environments)
 * @param env variables the tests see besides this process's (a smoke test's `legacy-mlops smoke` reads
 *   LEGACY_MLOPS_PYTHON and LEGACY_MLOPS_ENVS, so it runs the script as the caller chose)
 */
export async function runStageTests(repoRoot: string, stage: string, python: string, env: Readonly<Record<string, string>> = {}): Promise<StageTestResult> {
  const started = performance.now();
  const dir = join(repoRoot, STAGES_DIR, stage);
  const argv = ['-m', 'unittest', 'discover', '--start-directory', dir, '--top-level-directory', dir, '--pattern', 'test_*.py'];
  const { code, output } = await new Promise<{ code: number; output: string }>((resolve) => {
    execFile(
      python,
      argv,
      { cwd: repoRoot, timeout: STAGE_TEST_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, ...env, PYTHONDONTWRITEBYTECODE: '1' } },
      (error, stdout, stderr) => {
        const status = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code: status, output: `${stdout}${stderr}`.trimEnd() });
      },
    );
  });
  const lines = output.split('\n');
  const ran = lines.find((line) => /^Ran \d+ tests? in /.test(line)) ?? '';
  const verdict = [...lines].reverse().find((line) => /^(OK|FAILED)\b/.test(line)) ?? '';
  // unittest exits 5 when it found no test at all: a test file that defines none is a failure too.
  const passed = code === 0 && /^Ran [1-9]/.test(ran);
  return { stage, passed, summary: [ran.replace(/ in [\d.]+s$/, ''), verdict].filter(Boolean).join(', ') || `exit code ${code}`, output, durationMs: performance.now() - started };
}
