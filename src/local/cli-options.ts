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
  /** false with --no-envs; undefined: the default (on unless LEGACY_MLOPS_ENVS=off). */
  readonly envs?: boolean;
  readonly rebuildEnvs: boolean;
  readonly s3Root?: string;
  readonly follow: boolean;
  /** Open the run's report page when the run ends. */
  readonly open: boolean;
  /** `--approve-all` / `--reject-all`: approval stages decide without asking. */
  readonly approvals: 'ask' | 'approve-all' | 'reject-all';
  /** `--env <name>`: run as that environment's deployment (its account and region in the execution's ARN). */
  readonly env?: string;
}

export const LOCAL_USAGE = [
  'Usage: legacy-mlops local [options]',
  '',
  'Runs pipeline/state-machine.asl.json on this machine: S3 is the folder .local/s3, each SageMaker job',
  'runs in its own sandbox under .local/runs/<execution>/jobs/. No AWS account needed. Each stage runs in',
  'a Python environment like its image (the framework image\'s packages + requirements.txt), built on the',
  'first run with uv when it is on PATH, else pip (LEGACY_MLOPS_INSTALLER=pip|uv decides), from your configured',
  'package index, and reused from .local/envs/ while nothing it depends on changes.',
  '',
  '  --input <file>        execution input (default pipeline/execution-input.json)',
  `  --backend <name>      ${BACKEND_NAMES.join('|')} (default: docker when an engine answers, else bwrap, else direct)`,
  '  --python <path>       Python the environments are built from (default $LEGACY_MLOPS_PYTHON, else python3)',
  '  --rebuild-envs        delete the stages\' Python environments (.local/envs) and build them again',
  '  --no-envs             run every stage on the interpreter itself, with its own packages (also LEGACY_MLOPS_ENVS=off)',
  '  --install             with --no-envs: let the script entrypoint pip-install requirements.txt in each job',
  '  --s3-root <dir>       local S3 folder (default .local/s3)',
  '  --follow              print the jobs\' output as it comes',
  '  --open                open the run\'s report page (.local/runs/<execution>/report.html) when it ends',
  '  --approve-all         approval stages approve without asking (unattended runs)',
  '  --reject-all          approval stages reject without asking',
  '  --env <name>          run as the deployment of that environment of .projenrc.ts would: its account and',
  '                        region in the execution\'s ARN, so in an environment with modelSource',
  '                        \'latest-approved\' the served model is the newest Approved version in .local/registry',
  '                        (otherwise an approval asks on the terminal, or waits for',
  '                        `legacy-mlops approve <execution>` from another terminal)',
  '  -h, --help            this help',
].join('\n');

export function parseLocalArgs(argv: readonly string[]): LocalCommandOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      allowNegative: true,
      options: {
        help: { type: 'boolean', short: 'h', default: false },
        input: { type: 'string' },
        backend: { type: 'string' },
        python: { type: 'string' },
        install: { type: 'boolean', default: false },
        envs: { type: 'boolean' },
        'rebuild-envs': { type: 'boolean', default: false },
        's3-root': { type: 'string' },
        follow: { type: 'boolean', default: false },
        open: { type: 'boolean', default: false },
        'approve-all': { type: 'boolean', default: false },
        'reject-all': { type: 'boolean', default: false },
        env: { type: 'string' },
      },
    }));
  } catch (error) {
    throw new LocalRunRefused(`${error instanceof Error ? error.message : String(error)} (see legacy-mlops local --help)`);
  }
  const backend = values.backend ?? 'auto';
  if (values['rebuild-envs'] && values.envs === false) throw new LocalRunRefused('--rebuild-envs and --no-envs contradict each other; give one');
  if (values['approve-all'] && values['reject-all']) throw new LocalRunRefused('--approve-all and --reject-all contradict each other; give one');
  if (backend !== 'auto' && !(BACKEND_NAMES as readonly string[]).includes(backend)) {
    throw new LocalRunRefused(`--backend '${backend}' is not one of ${BACKEND_NAMES.join(', ')}`);
  }
  return {
    help: values.help ?? false,
    inputPath: values.input,
    backend: backend as BackendName | 'auto',
    python: values.python,
    install: values.install ?? false,
    envs: values.envs,
    rebuildEnvs: values['rebuild-envs'] ?? false,
    s3Root: values['s3-root'],
    follow: values.follow ?? false,
    open: values.open ?? false,
    approvals: values['approve-all'] ? 'approve-all' : values['reject-all'] ? 'reject-all' : 'ask',
    ...(values.env !== undefined ? { env: values.env } : {}),
  };
}
