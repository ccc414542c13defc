/**
 * The options of `yo legacy-mlops:stage`, as data, and the answers they give. Every question has an
 * option; values are read as text (kebab-case from the command line, camelCase when set in code).
 */
import { CreateError } from '../../src/create/errors.js';
import { closestKey } from '../../src/model/suggest.js';

export interface StageOption {
  readonly name: string;
  /** `list`: may be repeated (`--hyperparameter a=1 --hyperparameter b=2`). */
  readonly type: 'string' | 'boolean' | 'list';
  readonly description: string;
  /** The question it answers (none for switches like --yes). */
  readonly question?: string;
  readonly hide?: boolean;
}

export const STAGE_OPTIONS: readonly StageOption[] = [
  { name: 'description', type: 'string', question: 'description', description: 'what the stage does, in one sentence (shown in the README)' },
  { name: 'kind', type: 'string', question: 'kind', description: 'stage kind (processing: a SageMaker Processing job)' },
  { name: 'mode', type: 'string', question: 'mode', description: 'script (your script on a framework image) or container (stages/<name>/Dockerfile, or --image-uri)' },
  { name: 'framework', type: 'string', question: 'framework', description: 'script mode: sklearn, xgboost or pytorch, optionally with @version (sklearn@1.2-1)' },
  { name: 'framework-version', type: 'string', question: 'frameworkVersion', description: 'script mode: the framework version (default the newest)' },
  { name: 'image-uri', type: 'string', question: 'imageUri', description: 'container mode: an existing ECR image instead of a Dockerfile' },
  { name: 'entry-script', type: 'string', question: 'entryScript', description: 'script in stages/<name>/ the job runs (default <name>.py)' },
  { name: 'instance-type', type: 'string', question: 'instanceType', description: 'instance type (default ml.m5.large)' },
  { name: 'instance-count', type: 'string', question: 'instanceCount', description: 'number of instances (default 1)' },
  { name: 'volume-size', type: 'string', question: 'volumeSizeGb', description: 'storage volume in GB (default 30)' },
  { name: 'max-runtime', type: 'string', question: 'maxRuntimeSeconds', description: 'maximum runtime in seconds (default 3600)' },
  { name: 'metric', type: 'string', question: 'metric', description: 'evaluation: the metric its gate reads from the report, e.g. accuracy (required)' },
  { name: 'threshold', type: 'string', question: 'threshold', description: 'evaluation: the least acceptable value of the metric (required; each execution may override it)' },
  { name: 'greater-is-better', type: 'boolean', question: 'greaterIsBetter', description: 'evaluation: a larger metric is better (default); --no-greater-is-better for errors like rmse' },
  { name: 'on-fail', type: 'string', question: 'onFail', description: "evaluation: below the threshold, 'fail' the execution (default) or 'skip' the later stages" },
  { name: 'group', type: 'string', question: 'group', description: 'register: the model package group its versions go to (default the project name)' },
  { name: 'existing-group', type: 'boolean', question: 'existingGroup', description: "register: the group exists already; the project's stack does not create it" },
  { name: 'auto-approve', type: 'boolean', question: 'autoApprove', description: 'register: versions start Approved (the metric gate before it passed) instead of PendingManualApproval' },
  { name: 'approval-timeout', type: 'string', question: 'approvalTimeout', description: 'approval: seconds a person has to decide before the execution fails (default 604800, 7 days)' },
  { name: 'hyperparameter', type: 'list', question: 'hyperparameters', description: 'training: a hyperparameter as key=value (repeat the option for more)' },
  { name: 'after', type: 'string', question: 'after', description: 'the stage it runs after (default the last one)' },
  { name: 'from', type: 'string', question: 'from', description: 'an existing legacy script (or its folder) to bring in as the stage code' },
  { name: 'yes', type: 'boolean', description: 'take the defaults of everything not given, ask nothing' },
  { name: 'skip-synth', type: 'boolean', description: 'only edit .projenrc.ts (and copy --from); run `npx projen` yourself' },
  // Tests: force prompts on or off, and synthesize in this process instead of `npx projen`.
  { name: 'interactive', type: 'boolean', description: 'ask at prompts even without a terminal', hide: true },
  { name: 'synth-in-process', type: 'boolean', description: 'synthesize in this process instead of running `npx projen`', hide: true },
];

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
    const closest = flag.length > 1 ? closestKey(flag, names) : undefined;
    unknown.set(flag, `${flag.length === 1 ? '-' : '--'}${flag}${closest ? ` (did you mean --${closest}?)` : ''}`);
  }
  return [...unknown.values()];
}
