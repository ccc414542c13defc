/**
 * `legacy-mlops smoke <stage>`: runs one stage's script untouched on the sample data, the way
 * `legacy-mlops local` runs it, in a folder of its own (see src/local/stage-smoke.ts). What the smoke
 * test beside an imported legacy script calls.
 * Exit codes: 0 the script exited 0 and its outputs were collected, 1 it (or a stage it reads from)
 * failed, 2 bad options or refused before any job started.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { BACKEND_NAMES, type BackendName } from '../local/backends/types.js';
import { LocalRunRefused } from '../local/errors.js';
import { runStageSmoke } from '../local/stage-smoke.js';

export const SMOKE_USAGE = [
  'Usage: legacy-mlops smoke <stage> [options]',
  '',
  'Runs stages/<stage>/\'s script untouched on the sample data (data/raw), as legacy-mlops local runs it:',
  'its own sandbox with SageMaker\'s /opt/ml paths redirected, in the stage\'s Python environment. The stages',
  'whose outputs it reads run first. Passes when the script exits 0; says what it wrote.',
  '',
  '  --work <dir>          folder for the run (default: a temporary folder, removed when the test passes)',
  '  --json <file>         also write the result as JSON (what the stage\'s smoke test reads)',
  `  --backend <name>      ${BACKEND_NAMES.join('|')} (default: as legacy-mlops local)`,
  '  --python <path>       Python the environments are built from (default $LEGACY_MLOPS_PYTHON, else python3)',
  '  --no-envs             run on that interpreter itself, with its own packages (also LEGACY_MLOPS_ENVS=off)',
  '  -h, --help            this help',
].join('\n');

export interface SmokeIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

const defaultIo: SmokeIo = { out: (line) => process.stdout.write(`${line}\n`), err: (line) => process.stderr.write(`${line}\n`) };

export async function runSmoke(argv: string[], cwd: string, io: SmokeIo = defaultIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: true,
      allowNegative: true,
      options: {
        help: { type: 'boolean', short: 'h' },
        work: { type: 'string' },
        json: { type: 'string' },
        backend: { type: 'string' },
        python: { type: 'string' },
        envs: { type: 'boolean' },
      },
    });
  } catch (error) {
    io.err(`legacy-mlops smoke: ${error instanceof Error ? error.message : String(error)} (see legacy-mlops smoke --help)`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.out(SMOKE_USAGE);
    return 0;
  }
  if (positionals.length !== 1) {
    io.err(`legacy-mlops smoke: give exactly one stage name (got ${positionals.length}; see legacy-mlops smoke --help)`);
    return 2;
  }
  const backend = values.backend ?? 'auto';
  if (backend !== 'auto' && !(BACKEND_NAMES as readonly string[]).includes(backend)) {
    io.err(`legacy-mlops smoke: --backend '${backend}' is not one of ${BACKEND_NAMES.join(', ')}`);
    return 2;
  }
  const [stage] = positionals;
  const work = values.work ? resolve(cwd, values.work) : mkdtempSync(join(tmpdir(), `legacy-mlops-smoke-${stage}-`));
  mkdirSync(work, { recursive: true });
  const envs = values.envs ?? process.env.LEGACY_MLOPS_ENVS !== 'off';
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const result = await runStageSmoke(cwd, stage, { workDir: work, backend: backend as BackendName | 'auto', python: values.python, envs, log: io.out, signal: stop.signal });
    if (values.json) writeFileSync(resolve(cwd, values.json), `${JSON.stringify(result, null, 2)}\n`);
    if (result.passed) {
      io.out(`legacy-mlops smoke: stage ${stage} passed: ${result.summary}`);
      if (!values.work) rmSync(work, { recursive: true, force: true });
      return 0;
    }
    if (result.stderrTail) io.err(result.stderrTail);
    io.err(`legacy-mlops smoke: stage ${stage} FAILED: ${result.summary} (job folders: ${result.runDir})`);
    return 1;
  } catch (error) {
    if (!(error instanceof LocalRunRefused)) throw error;
    if (values.json) writeFileSync(resolve(cwd, values.json), `${JSON.stringify({ stage, passed: false, refused: error.problems, summary: error.problems.join('; ') }, null, 2)}\n`);
    for (const problem of error.problems) io.err(`legacy-mlops smoke: ${problem}`);
    return 2;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
