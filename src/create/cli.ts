/**
 * `create-legacy-mlops [directory] [flags]`: runs the app generator through
 * yeoman-environment (no `yo` needed). Any user error ends as one line on
 * stderr and exit code 1, with nothing written.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { packageInfo } from '../package-info.js';
import { parseCommandLine, type CommandWording } from './command-line.js';
import { CreateError } from './errors.js';
import { CREATE_FLAGS, flagsHelp } from './flags.js';
import { handleInterrupts, interruptionPoint } from './interrupts.js';

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

/** A module of the app generator: `lib/generators/app/<name>.js` in the package, `generators/app/<name>.ts` from source. */
export function appGeneratorPath(name = 'index'): string {
  for (const file of [`../../generators/app/${name}.js`, `../../generators/app/${name}.ts`]) {
    const candidate = fileURLToPath(new URL(file, import.meta.url));
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(`${BIN_NAME}: cannot find the app generator next to ${fileURLToPath(import.meta.url)}; the package is incomplete`);
}

/** Flags yeoman-generator itself defines, accepted and passed through. */
const YEOMAN_FLAGS = ['help', 'h', 'skip-cache', 'force-install', 'ask-answered'];

/** How create words the parser's refusals. */
const WORDING: CommandWording = {
  unknown: (flags) => `unknown option${flags.length === 1 ? '' : 's'} ${flags.join(', ')} (see ${BIN_NAME} --help)`,
  missingValue: (flag) => `${flag} needs a value (see ${BIN_NAME} --help)`,
  emptyValue: (flag) => `${flag} needs a value, got an empty one (see ${BIN_NAME} --help)`,
  twice: (flag, first, second) => `${flag} is given twice ('${first}' and '${second}'): keep one`,
};

function parse(argv: readonly string[]) {
  const parsed = parseCommandLine(argv, 'create', WORDING, { booleans: YEOMAN_FLAGS });
  if (parsed.positionals.length > 1) throw new CreateError(`expected at most one directory, got ${parsed.positionals.map((p) => `'${p}'`).join(' ')}`);
  return parsed;
}

/**
 * Rejects unknown flags (naming the closest one), flags given twice and extra arguments up front (a typo
 * must not be silently ignored), and returns argv with every value joined to its flag
 * (`--max-runtime=-5`): an option that takes a value takes the next argument even when it starts with
 * `-`, where yeoman's parser would read `-5` as a flag of its own and drop the value.
 */
export function checkArguments(argv: readonly string[]): string[] {
  return parse(argv).normalized;
}

export interface CreateIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

const consoleIo: CreateIo = { out: (line) => console.log(line), err: (line) => console.error(line) };

/** `nextSteps: false` (the demo) ends with the Created line; the demo always passes --yes, so it never reaches Yeoman. */
export async function runCreate(argv: readonly string[], cwd = process.cwd(), io: CreateIo = consoleIo, { nextSteps = true } = {}): Promise<number> {
  // A flag's value is not a flag: `--name --help` names the project '--help' (and is refused for it).
  let args: string[] | undefined;
  try {
    args = checkArguments(argv);
  } catch {
    args = undefined;
  }
  const flags = args ?? argv;
  if (flags.includes('--help') || flags.includes('-h')) {
    io.out(usage());
    return 0;
  }
  if (flags.includes('--version')) {
    io.out(packageInfo().version);
    return 0;
  }
  const stopHandling = handleInterrupts(io.err, BIN_NAME);
  try {
    args = checkArguments(argv);
    const options = parseCreateOptions(args);
    if (canAsk(options)) await runWithYeoman(args, cwd);
    else await runDirectly(options, cwd, nextSteps);
    return 0;
  } catch (error) {
    // A child ended by the same Ctrl-C fails before the signal handler runs: let it speak instead.
    await interruptionPoint();
    io.err(`${BIN_NAME}: ${describeError(error)}`);
    return 1;
  } finally {
    stopHandling();
  }
}

/** The arguments as the generator's options, read by the option table: kebab-case keys, the directory as `directory`. */
export function parseCreateOptions(args: readonly string[]): Record<string, unknown> {
  const { options, positionals } = parse(args);
  const defaults = Object.fromEntries(CREATE_FLAGS.filter((f) => f.default !== undefined).map((f) => [f.name, f.default]));
  return { ...defaults, ...options, ...(positionals[0] !== undefined ? { directory: positionals[0] } : {}) };
}

/** Whether the run may reach a prompt: only then is Yeoman (and its terminal adapter) loaded. */
function canAsk(options: Record<string, unknown>): boolean {
  if (options.yes === true) return false;
  if (typeof options.interactive === 'boolean') return options.interactive;
  return Boolean(process.stdin.isTTY && process.stdout.isTTY);
}

async function runWithYeoman(args: readonly string[], cwd: string): Promise<void> {
  const { createEnv } = await import('yeoman-environment');
  const env = createEnv({ cwd });
  // Registered as a class: yeoman would require() a path, which a TypeScript source run cannot serve.
  const resolved = appGeneratorPath();
  const { default: AppGenerator } = (await import(pathToFileURL(resolved).href)) as { default: new (...args: never[]) => unknown };
  env.register(AppGenerator as never, { namespace: NAMESPACE, resolved });
  await env.run([NAMESPACE, ...args]);
}

/**
 * Nothing can be asked: the same session runs without Yeoman, which saves loading yeoman-environment
 * (about half a second, and 1,600 modules of a package-installer stack create never uses).
 * Its lines go to stderr as Yeoman's logger writes them, so both paths print alike (the caller's io keeps the one-line errors).
 */
async function runDirectly(options: Record<string, unknown>, cwd: string, nextSteps: boolean): Promise<void> {
  const { CreateSession } = (await import(pathToFileURL(appGeneratorPath('create-session')).href)) as typeof import('../../generators/app/create-session.js');
  const session = new CreateSession({
    options,
    contextRoot: cwd,
    prompt: () => Promise.reject(new CreateError('internal: a question was reached in a run that cannot ask')),
    log: (line) => process.stderr.write(`${line}\n`),
    nextSteps,
  });
  await session.run();
}

function describeError(error: unknown): string {
  if (error instanceof CreateError) return error.message;
  const e = error as { name?: string; message?: string; stack?: string };
  // A prompt cut off by closed input or Ctrl+C.
  if (/force closed|ExitPromptError/i.test(`${e?.name} ${e?.message}`)) return 'cancelled: input closed before all questions were answered (pass --yes, or the answers as flags)';
  if (process.env.DEBUG) return String(e?.stack ?? error);
  // A file-system error the code did not expect: its first line names the call, the code and the path.
  return String(e?.message ?? error).split('\n')[0];
}
