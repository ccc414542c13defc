/**
 * The options of `yo legacy-mlops:stage` (its rows of the option table, shared with create) and the
 * answers they give. Every question has an option; values are read as text (kebab-case from the
 * command line, camelCase when set in code).
 */
import { CreateError } from '../../src/create/errors.js';
import { parseCommandLine, unknownFlag, type CommandWording } from '../../src/create/command-line.js';
import { describeFor, optionsOf, readValue, type OptionSpec } from '../../src/create/option-table.js';

export interface StageOption {
  readonly name: string;
  /** `list`: may be repeated (`--hyperparameter a=1 --hyperparameter b=2`). */
  readonly type: 'string' | 'boolean' | 'list';
  readonly description: string;
  /** The question it answers (none for switches like --yes). */
  readonly question?: string;
  readonly hide?: boolean;
  readonly alias?: string;
}

/** The stage rows of the option table. */
export const STAGE_OPTIONS: readonly StageOption[] = optionsOf('stage').map((o: OptionSpec) => ({ ...o, description: describeFor(o, 'stage') }));

/** How yo stage words the parser's refusals. */
export const STAGE_WORDING: CommandWording = {
  unknown: (flags) => `Unknown option${flags.length === 1 ? '' : 's'} ${flags.join(', ')}: \`yo legacy-mlops:stage --help\` lists the options`,
  missingValue: (flag) => `Invalid ${flag}: it needs a value`,
  emptyValue: (flag) => `Invalid ${flag}: it needs a value`,
  twice: (flag) => `Invalid ${flag}: give it once`,
};

/** Options Yeoman's generator declares for every generator, accepted on the command line. */
const GENERATOR_FLAGS = ['help', 'h', 'skip-cache', 'skip-install', 'force-install', 'ask-answered'];

/**
 * The generator's own arguments (yeoman-test's, or `env.run`'s) read by the option table, as options
 * (kebab-case and camelCase) and the stage name: the same parser as create's, so `--max-runtime -5`
 * takes -5 (and is refused for it) instead of losing the value to minimist.
 */
export function parseStageArguments(args: readonly string[]): { options: Record<string, unknown>; name?: string } {
  const parsed = parseCommandLine(args, 'stage', STAGE_WORDING, { booleans: GENERATOR_FLAGS });
  if (parsed.positionals.length > 1) throw new CreateError(`expected at most one stage name, got ${parsed.positionals.map((p) => `'${p}'`).join(' ')}`);
  const options: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(parsed.options)) options[key] = options[camel(key)] = value;
  return { options, ...(parsed.positionals[0] !== undefined ? { name: parsed.positionals[0] } : {}) };
}

export interface GivenAnswer {
  /** Text; a list for repeatable options. */
  readonly value: string | readonly string[];
  /** How it was given, for messages: `--mode`. */
  readonly flag: string;
}

export interface StageSwitches {
  readonly yes: boolean;
  readonly skipSynth: boolean;
  readonly interactive?: boolean;
  readonly synthInProcess: boolean;
}

const camel = (name: string) => name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

function read(options: Record<string, unknown>, name: string): unknown {
  return options[name] ?? options[camel(name)];
}

export function readSwitches(options: Record<string, unknown>): StageSwitches {
  const interactive = read(options, 'interactive');
  return {
    yes: read(options, 'yes') === true,
    skipSynth: read(options, 'skip-synth') === true,
    ...(typeof interactive === 'boolean' ? { interactive } : {}),
    synthInProcess: read(options, 'synth-in-process') === true,
  };
}

/**
 * The answers given as options, by question name. `--framework name@version` also answers the
 * version; `--mode container` means the Dockerfile, or the image when `--image-uri` is given.
 */
export function readGiven(options: Record<string, unknown>): Map<string, GivenAnswer> {
  const given = new Map<string, GivenAnswer>();
  const name = read(options, 'name');
  if (name !== undefined && name !== '') given.set('name', { value: String(name), flag: 'stage name' });
  for (const option of STAGE_OPTIONS) {
    const value = read(options, option.name);
    // A yes/no option the user did not give is undefined (see the generator's option declaration).
    if (!option.question || value === undefined) continue;
    if (option.type === 'boolean') {
      given.set(option.question, { value: String(value === true || value === 'true'), flag: `--${option.name}` });
      continue;
    }
    const values = [value].flat();
    if (values.length === 0 || values.some((v) => typeof v !== 'string' || v.trim() === '')) throw new CreateError(`Invalid --${option.name}: it needs a value`);
    const texts = values.map((v) => String(v).trim());
    if (option.type === 'string' && texts.length > 1) throw new CreateError(`Invalid --${option.name}: give it once`);
    // Read by the table's syntax, as create reads it; the model's rules follow at the question.
    const readable = option.type === 'string' ? readValue(optionsOf('stage').find((o) => o.name === option.name)!, texts[0]) : undefined;
    if (readable && 'problem' in readable) throw new CreateError(`Invalid --${option.name}: ${readable.problem}`);
    given.set(option.question, { value: option.type === 'list' ? texts : texts[0], flag: `--${option.name}` });
  }

  const framework = given.get('framework') as { value: string; flag: string } | undefined;
  if (framework?.value.includes('@')) {
    const [fw, version] = framework.value.split('@', 2);
    const separate = given.get('frameworkVersion');
    if (separate && separate.value !== version) throw new CreateError(`Invalid --framework-version: '${separate.value}' contradicts --framework ${framework.value}`);
    given.set('framework', { value: fw, flag: '--framework' });
    if (version) given.set('frameworkVersion', { value: version, flag: '--framework' });
  }
  const mode = given.get('mode');
  if (mode?.value === 'container') given.set('mode', { value: given.has('imageUri') ? 'image' : 'dockerfile', flag: '--mode' });
  return given;
}

/**
 * Keys Yeoman's environment, yo and yeoman-test put into a generator's options besides the command
 * line's: never the user's.
 */
const RUNNER_KEYS = new Set([
  '_', '_meta', 'env', 'resolved', 'namespace', 'sharedData', 'forwardErrorToEnvironment', 'skipLocalCache', 'skipParseOptions', 'localConfigOnly',
  'force', 'bail', 'ignoreWhitespace', 'dryRun', 'skipYoResolve', 'nodePackageManager', 'logCwd', 'debug', 'help', 'h', 'version', 'namespaceId',
]);

/**
 * Options given that the generator does not declare (`--instance-typ`), with the closest declared
 * one: yo passes every `--flag` through, so a misspelt option would otherwise be silently ignored.
 * `declared` are the option names as declared (kebab-case), including Yeoman's own.
 */
export function unknownOptions(options: Record<string, unknown>, declared: readonly string[], args: readonly string[] = []): string[] {
  const known = new Set(declared.flatMap((name) => [name, camel(name), `no-${name}`, camel(`no-${name}`)]));
  const names = [...declared];
  const unknown = new Map<string, string>();
  for (const key of Object.keys(options)) {
    if (known.has(key) || RUNNER_KEYS.has(key) || args.includes(key)) continue;
    // yo passes each option twice (camelCase and kebab-case): name it as typed.
    const flag = key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
    if (known.has(flag)) continue;
    unknown.set(flag, unknownFlag(`${flag.length === 1 ? '-' : '--'}${flag}`, names));
  }
  return [...unknown.values()];
}
