/**
 * What both commands derive from the option table: the command-line parser, the help lines and
 * Yeoman's option declarations. Hand-written rather than node:util's parseArgs or minimist because
 * neither lets an option that takes a value take a next argument starting with `-` (`--max-runtime -5`
 * is then a flag of its own and the value is silently lost), nor names the closest option to a typo.
 */
import { closestKey } from '../model/suggest.js';
import { CreateError } from './errors.js';
import { describeFor, optionsOf, type Command, type OptionSpec } from './option-table.js';

/** How a command words its refusals (each command's users have seen these lines; both say the same things). */
export interface CommandWording {
  /** `unknown option --regoin (did you mean --region?)`, for one or more. */
  readonly unknown: (flags: readonly string[]) => string;
  readonly missingValue: (flag: string) => string;
  readonly emptyValue: (flag: string) => string;
  readonly twice: (flag: string, first: string, second: string) => string;
}

export interface ParsedCommandLine {
  /** By kebab-case name: text, a list of texts (list options), or a Boolean. */
  readonly options: Record<string, string | string[] | boolean>;
  readonly positionals: string[];
  /** argv with every value joined to its flag (`--max-runtime=-5`), for parsers that would split them again. */
  readonly normalized: string[];
}

/** Flags a runner (Yeoman) defines for every generator: accepted and passed through as Booleans. */
export interface ParseExtras {
  readonly booleans?: readonly string[];
}

/** `--instance-typ (did you mean --instance-type?)`, or the flag alone when nothing is close. */
export function unknownFlag(flag: string, known: readonly string[]): string {
  const bare = flag.replace(/^--?/, '').replace(/^no-/, '');
  const closest = bare.length > 1 ? closestKey(bare, known.filter((k) => k.length > 1)) : undefined;
  return `${flag}${closest ? ` (did you mean --${closest}?)` : ''}`;
}

/**
 * Reads argv by the table of `command`: an option that takes a value takes the next argument even when
 * it starts with `-`; `--x=v` and `--x v` are the same; a Boolean is yes when bare, no as `--no-x`
 * (or `--x=false`, `--x false`); a list option keeps each repeat; any other value option given twice, an empty
 * value and an unknown option (with the closest known one) are refused.
 */
export function parseCommandLine(argv: readonly string[], command: Command, wording: CommandWording, extras: ParseExtras = {}): ParsedCommandLine {
  const specs = optionsOf(command);
  const byName = new Map<string, OptionSpec>();
  for (const spec of specs) {
    byName.set(spec.name, spec);
    if (spec.alias) byName.set(spec.alias, spec);
  }
  const extraBooleans = new Set(extras.booleans ?? []);
  const known = [...specs.map((s) => s.name), ...extraBooleans];
  const options: Record<string, string | string[] | boolean> = {};
  const positionals: string[] = [];
  const normalized: string[] = [];
  const unknown: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      normalized.push(...argv.slice(i));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      normalized.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const flag = eq < 0 ? arg : arg.slice(0, eq);
    const name = flag.replace(/^--?/, '');
    const negated = name.startsWith('no-') && !byName.has(name) ? name.slice(3) : undefined;
    const spec = byName.get(negated ?? name);
    if (!spec || (negated !== undefined && spec.type !== 'boolean')) {
      if (extraBooleans.has(negated ?? name)) {
        options[negated ?? name] = negated === undefined;
        normalized.push(arg);
      } else unknown.push(flag);
      continue;
    }
    if (spec.type === 'boolean') {
      // `--x=false`, and `--x false` as minimist and yargs read it.
      const inline = eq >= 0 ? arg.slice(eq + 1) : negated === undefined && (argv[i + 1] === 'true' || argv[i + 1] === 'false') ? argv[++i] : undefined;
      if (inline !== undefined && inline !== 'true' && inline !== 'false') throw new CreateError(`Invalid --${spec.name}: '${inline}' is not true or false (a bare --${spec.name} means yes, --no-${spec.name} no)`);
      options[spec.name] = negated === undefined && inline !== 'false';
      normalized.push(options[spec.name] ? `--${spec.name}` : `--no-${spec.name}`);
      continue;
    }
    let value: string;
    if (eq >= 0) value = arg.slice(eq + 1);
    else {
      if (i + 1 >= argv.length) throw new CreateError(wording.missingValue(`--${spec.name}`));
      value = argv[++i];
    }
    if (value.trim() === '') throw new CreateError(wording.emptyValue(`--${spec.name}`));
    const before = options[spec.name];
    if (spec.type === 'list') options[spec.name] = [...((before as string[] | undefined) ?? []), value];
    else if (before !== undefined) throw new CreateError(wording.twice(`--${spec.name}`, String(before), value));
    else options[spec.name] = value;
    normalized.push(`--${spec.name}=${value}`);
  }
  if (unknown.length > 0) throw new CreateError(wording.unknown(unknown.map((f) => unknownFlag(f, known))));
  return { options, positionals, normalized };
}

/** The help lines of `command`: `  -y, --yes   ask nothing…`, hidden rows left out. */
export function helpLines(command: Command): string[] {
  return optionsOf(command)
    .filter((o) => !o.hide)
    .map((o) => {
      // A Boolean that is on by default is shown by how it is turned off.
      const off = o.type === 'boolean' && o.default === true;
      const names = `${o.alias ? `-${o.alias}, ` : '    '}--${off ? `no-${o.name}` : o.name}${o.value ? ` ${o.value}` : ''}`;
      return `  ${names.padEnd(32)} ${off ? `do not ${describeFor(o, command).replace(/ \(--no-[a-z-]+ to skip\)$/, '')}` : describeFor(o, command)}`;
    });
}

/** What `this.option(name, …)` of a Yeoman generator takes for a row. */
export function yeomanOption(spec: OptionSpec, command: Command): Record<string, unknown> {
  return {
    // Yes/no options are Boolean: yeoman-generator leaves an absent one undefined (or its default), a bare
    // --<name> true and --no-<name> false. A list keeps every repeated value; a text option given twice stays
    // a list, so it is refused ("give it once") rather than joined.
    type: spec.type === 'boolean' ? Boolean : spec.type === 'list' ? (v: unknown) => [v].flat() : (v: unknown) => (Array.isArray(v) ? v.map(String) : String(v)),
    description: describeFor(spec, command),
    ...(spec.alias ? { alias: spec.alias } : {}),
    ...(spec.default !== undefined ? { default: spec.default } : {}),
    hide: spec.hide ?? false,
  };
}
