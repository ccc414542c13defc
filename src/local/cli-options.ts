/** `legacy-mlops local` command-line options. */
import { parseArgs } from 'node:util';
import { BACKEND_NAMES, type BackendName } from './backends/types.js';
import { LocalRunRefused } from './errors.js';

export interface LocalCommandOptions {
  readonly help: boolean;
  readonly inputPath?: string;
  readonly backend: BackendName | 'auto';
  readonly python?: string;
  readonly install: boolean;
  readonly s3Root?: string;
  readonly follow: boolean;
  /** Open the run's report page when the run ends. */
  readonly open: boolean;
}

export const LOCAL_USAGE = [
  'Usage: legacy-mlops local [options]',
  '',
  'Runs pipeline/state-machine.asl.json on this machine: S3 is the folder .local/s3, each SageMaker job',
  'runs in its own sandbox under .local/runs/<execution>/jobs/. No AWS account needed.',
  '',
  '  --input <file>        execution input (default pipeline/execution-input.json)',
  `  --backend <name>      ${BACKEND_NAMES.join('|')} (default: docker when an engine answers, else bwrap, else direct)`,
  '  --python <path>       interpreter for the jobs (default $LEGACY_MLOPS_PYTHON, else python3)',
  '  --install             build a virtual environment per stage from its requirements.txt (cached in .local/venvs)',
  '  --s3-root <dir>       local S3 folder (default .local/s3)',
  '  --follow              print the jobs\' output as it comes',
  '  --open                open the run\'s report page (.local/runs/<execution>/report.html) when it ends',
  '  -h, --help            this help',
].join('\n');

export function parseLocalArgs(argv: readonly string[]): LocalCommandOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        help: { type: 'boolean', short: 'h', default: false },
        input: { type: 'string' },
        backend: { type: 'string' },
        python: { type: 'string' },
        install: { type: 'boolean', default: false },
        's3-root': { type: 'string' },
        follow: { type: 'boolean', default: false },
        open: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    throw new LocalRunRefused(`${error instanceof Error ? error.message : String(error)} (see legacy-mlops local --help)`);
  }
  const backend = values.backend ?? 'auto';
  if (backend !== 'auto' && !(BACKEND_NAMES as readonly string[]).includes(backend)) {
    throw new LocalRunRefused(`--backend '${backend}' is not one of ${BACKEND_NAMES.join(', ')}`);
  }
  return {
    help: values.help ?? false,
    inputPath: values.input,
    backend: backend as BackendName | 'auto',
    python: values.python,
    install: values.install ?? false,
    s3Root: values['s3-root'],
    follow: values.follow ?? false,
    open: values.open ?? false,
  };
}
