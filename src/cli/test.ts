/**
 * `legacy-mlops test` (the generated repo's `npx projen test`): in order, each stage's Python tests,
 * `legacy-mlops validate`, and a local run of the whole pipeline on the sample data. It stops at the
 * first part that fails and names it; each part can be skipped.
 * Exit codes: 0 every part that ran passed, 1 a part failed, 2 bad options.
 */
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { LocalRunRefused, runPipelineLocally } from '../local/index.js';
import type { BackendName } from '../local/backends/types.js';
import { BACKEND_NAMES } from '../local/backends/types.js';
import { resolvePython } from '../local/python-env.js';
import { stageInterpreter } from '../local/stage-interpreter.js';
import { runStageTests, stagesWithTests } from '../local/stage-tests.js';
import { REPORT_PAGE_FILE } from '../report/local-record.js';
import { runValidate } from './validate.js';

export const TEST_USAGE = [
  'Usage: legacy-mlops test [options]',
  '',
  'Runs, in order: each stage\'s tests (stages/<name>/test_*.py), legacy-mlops validate, and a local run',
  'of the whole pipeline on the sample data. Stops at the first part that fails and names it.',
  '',
  '  --skip-stage-tests    do not run the stages\' Python tests',
  '  --skip-validate       do not run legacy-mlops validate',
  '  --skip-run            do not run the pipeline locally',
  '  --python <path>       Python the stages\' environments are built from (default $LEGACY_MLOPS_PYTHON, else python3)',
  '  --no-envs             run the stage tests and the jobs on that interpreter itself, with its own packages',
  `  --backend <name>      local run backend: ${BACKEND_NAMES.join('|')} (default: as legacy-mlops local)`,
  '  -h, --help            this help',
].join('\n');

export interface TestIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

const defaultIo: TestIo = { out: (line) => process.stdout.write(`${line}\n`), err: (line) => process.stderr.write(`${line}\n`) };

type Part = 'stage tests' | 'validate' | 'local run';

export async function runTest(argv: string[], cwd: string, io: TestIo = defaultIo): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      allowNegative: true,
      options: {
        help: { type: 'boolean', short: 'h' },
        envs: { type: 'boolean' },
        'skip-stage-tests': { type: 'boolean' },
        'skip-validate': { type: 'boolean' },
        'skip-run': { type: 'boolean' },
        python: { type: 'string' },
        backend: { type: 'string' },
      },
    }));
  } catch (error) {
    io.err(`legacy-mlops test: ${error instanceof Error ? error.message : String(error)} (see legacy-mlops test --help)`);
    return 2;
  }
  if (values.help) {
    io.out(TEST_USAGE);
    return 0;
  }
  const backend = values.backend ?? 'auto';
  if (backend !== 'auto' && !(BACKEND_NAMES as readonly string[]).includes(backend)) {
    io.err(`legacy-mlops test: --backend '${backend}' is not one of ${BACKEND_NAMES.join(', ')}`);
    return 2;
  }
  const say = (line: string) => io.out(`legacy-mlops test: ${line}`);
  const fail = (part: Part, why: string) => {
    io.err(`legacy-mlops test: FAILED in part '${part}': ${why}`);
    return 1;
  };
  // As `legacy-mlops local`: each stage in its own environment unless --no-envs or LEGACY_MLOPS_ENVS=off.
  const envs = values.envs ?? process.env.LEGACY_MLOPS_ENVS !== 'off';
  const interpreterOf = async (stage: string) =>
    envs ? stageInterpreter(cwd, stage, { python: values.python, log: io.out }) : (await resolvePython(values.python)).executable;
  const passed: Part[] = [];
  const skipped: Part[] = [];
  // What a smoke test's own `legacy-mlops smoke` needs to run the script as this command was told to.
  const smokeEnv: Record<string, string> = { ...(values.python ? { LEGACY_MLOPS_PYTHON: values.python } : {}), ...(envs ? {} : { LEGACY_MLOPS_ENVS: 'off' }) };

  // 1. Stage tests: the fastest feedback on the legacy code itself.
  if (values['skip-stage-tests']) skipped.push('stage tests');
  else {
    const stages = stagesWithTests(cwd);
    if (stages.length === 0) say('no stage has tests (stages/<name>/test_*.py)');
    for (const stage of stages) {
      let result;
      try {
        result = await runStageTests(cwd, stage, await interpreterOf(stage), smokeEnv);
      } catch (error) {
        return fail('stage tests', `stage ${stage}: ${error instanceof LocalRunRefused ? error.problems.join('; ') : String(error)}`);
      }
      if (!result.passed) {
        io.err(result.output);
        return fail('stage tests', `stage ${stage}: ${result.summary} (stages/${stage}/test_*.py)`);
      }
      say(`stage ${stage}: ${result.summary} in ${(result.durationMs / 1000).toFixed(2)} s`);
    }
    passed.push('stage tests');
  }

  // 2. validate: the generated pipeline, offline.
  if (values['skip-validate']) skipped.push('validate');
  else {
    const code = await runValidate([], cwd, io);
    if (code !== 0) return fail('validate', 'legacy-mlops validate found problems (listed above)');
    passed.push('validate');
  }

  // 3. The whole pipeline on the sample data, every stage (and every item and shard it fans out to).
  if (values['skip-run']) skipped.push('local run');
  else {
    try {
      const report = await runPipelineLocally({ repoRoot: cwd, python: values.python, envs, backend: backend as BackendName | 'auto', log: io.out });
      const page = relative(cwd, join(report.runDir, REPORT_PAGE_FILE));
      if (report.status !== 'SUCCEEDED') {
        const where = report.error?.state ? ` in state '${report.error.state}'` : '';
        return fail('local run', `execution ${report.executionName} ${report.status}${where} (see ${page})`);
      }
      say(`local run ${report.executionName} succeeded (report page: ${page})`);
    } catch (error) {
      if (!(error instanceof LocalRunRefused)) throw error;
      for (const problem of error.problems) io.err(`legacy-mlops local: ${problem}`);
      return fail('local run', 'refused before any job started (problems listed above)');
    }
    passed.push('local run');
  }
  say(`passed: ${passed.join(', ') || 'nothing'}${skipped.length > 0 ? `; skipped: ${skipped.join(', ')}` : ''}`);
  return 0;
}
