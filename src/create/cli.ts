/**
 * `create-legacy-mlops [directory] [flags]`: runs the app generator through
 * yeoman-environment (no `yo` needed). Any user error ends as one line on
 * stderr and exit code 1, with nothing written.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { packageInfo } from '../package-info.js';
import { CreateError } from './errors.js';
import { CREATE_FLAGS, flagsHelp } from './flags.js';

export const BIN_NAME = 'create-legacy-mlops';
const NAMESPACE = 'legacy-mlops:app';

export function usage(): string {
  return [
    `Usage: ${BIN_NAME} [directory] [options]`,
    '',
    'Creates a repository that runs legacy ML Python scripts as SageMaker Processing jobs',
    'orchestrated by AWS Step Functions, and runs that pipeline locally.',
    '',
    'Options:',
    flagsHelp(),
    '  -h, --help                       show this help',
    '',
    'Examples:',
    `  ${BIN_NAME} churn-model`,
    `  ${BIN_NAME} churn-model --yes --region eu-west-1 --account 111122223333 --from ./legacy`,
    `  ${BIN_NAME} churn-model --yes --stages preprocess:script:xgboost@1.7-1,predict:container`,
  ].join('\n');
}

/** The app generator's module: `lib/generators/app/index.js` in the package, `generators/app/index.ts` from source. */
export function appGeneratorPath(): string {
  for (const file of ['../../generators/app/index.js', '../../generators/app/index.ts']) {
    const candidate = fileURLToPath(new URL(file, import.meta.url));
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(`${BIN_NAME}: cannot find the app generator next to ${fileURLToPath(import.meta.url)}; the package is incomplete`);
}

/** Flags yeoman-generator itself defines, accepted and passed through. */
const YEOMAN_FLAGS = ['help', 'h', 'skip-cache', 'force-install', 'ask-answered'];

/** Rejects unknown flags and extra arguments up front (a typo must not be silently ignored). */
export function checkArguments(argv: readonly string[]): void {
  const known = new Set([...CREATE_FLAGS.flatMap((f) => [f.name, ...(f.alias ? [f.alias] : []), ...(f.type === 'boolean' ? [`no-${f.name}`] : [])]), ...YEOMAN_FLAGS]);
  const takesValue = new Set(CREATE_FLAGS.filter((f) => f.type === 'string').map((f) => f.name));
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positional.push(arg);
      continue;
    }
    const name = arg.replace(/^--?/, '').split('=')[0];
    if (!known.has(name)) throw new CreateError(`unknown option ${arg.split('=')[0]} (see ${BIN_NAME} --help)`);
    if (takesValue.has(name) && !arg.includes('=')) {
      const value = argv[i + 1];
      if (value === undefined || value.startsWith('--')) throw new CreateError(`${arg} needs a value (see ${BIN_NAME} --help)`);
      i++;
    }
  }
  if (positional.length > 1) throw new CreateError(`expected at most one directory, got ${positional.map((p) => `'${p}'`).join(' ')}`);
}

export interface CreateIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

const consoleIo: CreateIo = { out: (line) => console.log(line), err: (line) => console.error(line) };

export async function runCreate(argv: readonly string[], cwd = process.cwd(), io: CreateIo = consoleIo): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.out(usage());
    return 0;
  }
  if (argv.includes('--version')) {
    io.out(packageInfo().version);
    return 0;
  }
  try {
    checkArguments(argv);
    const { createEnv } = await import('yeoman-environment');
    const env = createEnv({ cwd });
    // Registered as a class: yeoman would require() a path, which a TypeScript source run cannot serve.
    const resolved = appGeneratorPath();
    const { default: AppGenerator } = (await import(pathToFileURL(resolved).href)) as { default: new (...args: never[]) => unknown };
    env.register(AppGenerator as never, { namespace: NAMESPACE, resolved });
    await env.run([NAMESPACE, ...argv]);
    return 0;
  } catch (error) {
    io.err(`${BIN_NAME}: ${describeError(error)}`);
    return 1;
  }
}

function describeError(error: unknown): string {
  if (error instanceof CreateError) return error.message;
  const e = error as { name?: string; message?: string; stack?: string };
  // A prompt cut off by closed input or Ctrl+C.
  if (/force closed|ExitPromptError/i.test(`${e?.name} ${e?.message}`)) return 'cancelled: input closed before all questions were answered (pass --yes, or the answers as flags)';
  return process.env.DEBUG ? String(e?.stack ?? error) : String(e?.message ?? error);
}
