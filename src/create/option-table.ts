/**
 * Every flag of both commands in one table, as data: `create-legacy-mlops` / `yo legacy-mlops` and
 * `yo legacy-mlops:stage`. Each row says its type, help text, the pipeline option it sets, how its text
 * is read and which commands take it; the argv parser, the help, Yeoman's option declarations and the
 * value checks of both commands are derived from it (see command-line.ts), so a flag two commands share
 * cannot drift apart. (In the style of vscode-generator-code, whose prompts and variants are data.)
 */
import { STAGE_PRESETS } from '../model/defaults.js';
import { KIND_FACTS, KIND_OPTION_GROUP_NAMES, STAGE_KINDS, groupFacts, type KindGroupField } from '../model/stage-kinds.js';
import type { KindOptionGroup } from '../model/types.js';

export type Command = 'create' | 'stage';

/** `list`: may be repeated (`--range a=1:2 --range b=x,y`), each value kept. */
export type OptionType = 'string' | 'boolean' | 'list';

/** How an option's text is read before the model checks it (the same for every command). */
export type ValueSyntax = 'text' | 'whole-number' | 'number';

export interface OptionSpec {
  /** The flag, kebab-case: `--instance-type`. */
  readonly name: string;
  readonly type: OptionType;
  /** The commands that take it. */
  readonly commands: readonly Command[];
  /** The value's placeholder in the help: `<type>`. */
  readonly value?: string;
  /** Help text; per command where the commands apply it differently (every stage, or the new one). */
  readonly description: string | Readonly<Record<Command, string>>;
  /** The pipeline option it sets, for help and docs: `stages[].instanceType`, `notifications.email`. */
  readonly sets?: string;
  /** How the text is read (default `text`); a text that does not read is refused in one line. */
  readonly syntax?: ValueSyntax;
  readonly alias?: string;
  /** A Boolean's value when not given (absent: undefined, so a question may ask it). */
  readonly default?: boolean;
  /** Left out of the help: for tests and tooling. */
  readonly hide?: boolean;
  /** `yo legacy-mlops:stage`: the question it answers (switches such as --yes answer none). */
  readonly question?: string;
}

const BOTH: readonly Command[] = ['create', 'stage'];
const CREATE: readonly Command[] = ['create'];
const STAGE: readonly Command[] = ['stage'];

const presetList = () =>
  Object.entries(STAGE_PRESETS)
    .map(([name, stages]) => `${name} (${stages.map((s) => s.name).join(', ')})`)
    .join(' or ');

/** The question a kind option group's field answers: `<group>.<key>`. */
export function kindGroupQuestionName(group: KindOptionGroup, field: KindGroupField): string {
  return `${group}.${field.key}`;
}

/** The flags of the kind option groups' fields (`--workteam-arn` sets `stages[].labeling.workteamArn`), for yo stage. */
export function kindGroupOptionRows(groups: readonly KindOptionGroup[] = KIND_OPTION_GROUP_NAMES, fieldsOf = (g: KindOptionGroup) => groupFacts(g).fields ?? []): OptionSpec[] {
  return groups.flatMap((group) => {
    const kinds = STAGE_KINDS.filter((kind) => KIND_FACTS[kind].options.includes(group)).join(' and ');
    return fieldsOf(group).map((field) => ({
      name: field.flag,
      type: 'string' as const,
      commands: STAGE,
      value: field.value,
      sets: `stages[].${group}.${field.key}`,
      ...(field.syntax && field.syntax !== 'text' ? { syntax: field.syntax } : {}),
      question: kindGroupQuestionName(group, field),
      description: `${kinds}: ${field.description}${field.required ? '' : ' (optional)'}`,
    }));
  });
}

/** In the order the help lists them. */
export const OPTION_TABLE: readonly OptionSpec[] = [
  // The project (create).
  { name: 'name', type: 'string', commands: CREATE, value: '<name>', sets: 'name', description: 'project name (default: the directory name)' },
  { name: 'region', type: 'string', commands: CREATE, value: '<region>', sets: 'region', description: 'AWS region (default: $AWS_REGION, $AWS_DEFAULT_REGION, else us-east-1)' },
  { name: 'account', type: 'string', commands: CREATE, value: '<12 digits>', sets: 'account', description: 'AWS account id (default: the one your AWS credentials belong to)' },
  { name: 'bucket', type: 'string', commands: CREATE, value: '<bucket>', sets: 'bucket', description: 'S3 bucket (default: <name>-<account>-<region>)' },
  {
    name: 'existing-bucket',
    type: 'boolean',
    commands: CREATE,
    sets: 'existingBucket',
    description: 'the --bucket bucket exists already (shared, or kept from an earlier project): the stack uses it as it is and never creates, changes or deletes it',
  },
  {
    name: 'stages',
    type: 'string',
    commands: CREATE,
    value: '<list>',
    sets: 'stages',
    description: 'stages in order, name[:script[:framework@version]] or name[:container[:<ECR image URI>]], comma-separated (default: preprocess:script,predict:container,postprocess:script)',
  },
  { name: 'preset', type: 'string', commands: CREATE, value: '<preset>', sets: 'stages', description: `stage layout when --stages is not given: ${presetList()} (default: classic)` },

  // The stage (yo stage): what it is and where its code runs.
  { name: 'description', type: 'string', commands: STAGE, sets: 'stages[].description', question: 'description', description: 'what the stage does, in one sentence (shown in the README)' },
  { name: 'kind', type: 'string', commands: STAGE, sets: 'stages[].kind', question: 'kind', description: 'stage kind (processing: a SageMaker Processing job; tuning with the name of a training stage: tunes that stage with a hyperparameter tuning job)' },
  { name: 'mode', type: 'string', commands: STAGE, sets: 'stages[].mode', question: 'mode', description: 'script (your script on a framework image) or container (stages/<name>/Dockerfile, or --image-uri)' },
  { name: 'framework', type: 'string', commands: STAGE, sets: 'stages[].framework', question: 'framework', description: 'script mode: sklearn, xgboost or pytorch, optionally with @version (sklearn@1.2-1)' },
  { name: 'framework-version', type: 'string', commands: STAGE, sets: 'stages[].framework.version', question: 'frameworkVersion', description: 'script mode: the framework version (default the newest)' },
  { name: 'image-uri', type: 'string', commands: STAGE, sets: 'stages[].imageUri', question: 'imageUri', description: 'container mode: an existing ECR image instead of a Dockerfile' },
  { name: 'entry-script', type: 'string', commands: STAGE, sets: 'stages[].entryScript', question: 'entryScript', description: 'script in stages/<name>/ the job runs (default <name>.py)' },

  // Job settings: every stage (create) or the new one (yo stage).
  {
    name: 'instance-type',
    type: 'string',
    commands: BOTH,
    value: '<type>',
    sets: 'stages[].instanceType',
    question: 'instanceType',
    description: { create: 'processing instance type of every stage (default: ml.m5.large)', stage: 'instance type (default ml.m5.large)' },
  },
  { name: 'instance-count', type: 'string', commands: STAGE, value: '<n>', syntax: 'whole-number', sets: 'stages[].instanceCount', question: 'instanceCount', description: 'number of instances (default 1)' },
  {
    name: 'volume-size',
    type: 'string',
    commands: BOTH,
    value: '<GB>',
    syntax: 'whole-number',
    sets: 'stages[].volumeSizeGb',
    question: 'volumeSizeGb',
    description: { create: 'storage volume of every stage in GB (default: 30)', stage: 'storage volume in GB (default 30)' },
  },
  {
    name: 'max-runtime',
    type: 'string',
    commands: BOTH,
    value: '<seconds>',
    syntax: 'whole-number',
    sets: 'stages[].maxRuntimeSeconds',
    question: 'maxRuntimeSeconds',
    description: { create: 'maximum runtime of every stage job (default: 3600)', stage: 'maximum runtime in seconds (default 3600)' },
  },

  // Evaluation: the metric gate.
  { name: 'metric', type: 'string', commands: STAGE, sets: 'stages[].gate.metric', question: 'metric', description: 'evaluation: the metric its gate reads from the report, e.g. accuracy (required)' },
  { name: 'threshold', type: 'string', commands: STAGE, syntax: 'number', sets: 'stages[].gate.threshold', question: 'threshold', description: 'evaluation: the least acceptable value of the metric (required; each execution may override it)' },
  { name: 'greater-is-better', type: 'boolean', commands: STAGE, sets: 'stages[].gate.greaterIsBetter', question: 'greaterIsBetter', description: 'evaluation: a larger metric is better (default); --no-greater-is-better for errors like rmse' },
  { name: 'on-fail', type: 'string', commands: STAGE, sets: 'stages[].gate.onFail', question: 'onFail', description: "evaluation: below the threshold, 'fail' the execution (default) or 'skip' the later stages" },

  // Governance.
  { name: 'group', type: 'string', commands: STAGE, sets: 'stages[].registry.group', question: 'group', description: 'register: the model package group its versions go to (default the project name)' },
  { name: 'existing-group', type: 'boolean', commands: STAGE, sets: 'stages[].registry.existingGroup', question: 'existingGroup', description: "register: the group exists already; the project's stack does not create it" },
  { name: 'auto-approve', type: 'boolean', commands: STAGE, sets: 'stages[].registry.autoApprove', question: 'autoApprove', description: 'register: versions start Approved (the metric gate before it passed) instead of PendingManualApproval' },
  { name: 'approval-timeout', type: 'string', commands: STAGE, syntax: 'number', sets: 'stages[].approval.timeoutSeconds', question: 'approvalTimeout', description: 'approval: seconds a person has to decide before the execution fails (default 604800, 7 days)' },
  {
    name: 'approver-email',
    type: 'string',
    commands: BOTH,
    value: '<address>',
    sets: 'notifications.email',
    question: 'approverEmail',
    description: {
      create: 'with an approval stage (--preset governed): who is e-mailed to approve or reject each model (the notifications topic)',
      stage: 'approval: who is e-mailed to approve or reject each model (the notifications topic, also told of failed executions; asked when the project e-mails nobody yet)',
    },
  },

  // Training and tuning.
  { name: 'hyperparameter', type: 'list', commands: STAGE, sets: 'stages[].hyperparameters', question: 'hyperparameters', description: 'training: a hyperparameter as key=value (repeat the option for more)' },
  { name: 'tuning', type: 'boolean', commands: CREATE, sets: 'stages[].tuning', description: 'lifecycle presets: tune the training stage with a SageMaker hyperparameter tuning job (default: off)' },
  {
    name: 'range',
    type: 'list',
    commands: BOTH,
    value: '<name=range>',
    sets: 'stages[].tuning.ranges',
    question: 'tuningRanges',
    description: 'tuning: a hyperparameter range, min:max[:log] (continuous; whole numbers make it an integer range) or a,b,c (categorical); repeat for more',
  },
  { name: 'objective-metric', type: 'string', commands: BOTH, value: '<metric>', sets: 'stages[].tuning.objective.metric', question: 'objectiveMetric', description: 'tuning: the metric the training script prints (<metric>=<value>) that the job optimizes (default train_accuracy)' },
  { name: 'objective', type: 'string', commands: BOTH, value: '<maximize|minimize>', sets: 'stages[].tuning.objective.type', question: 'objectiveType', description: 'tuning: maximize (default) or minimize the objective metric' },
  { name: 'strategy', type: 'string', commands: BOTH, value: '<strategy>', sets: 'stages[].tuning.strategy', question: 'tuningStrategy', description: 'tuning: Bayesian, Random (default) or Grid (every combination of the values)' },
  { name: 'max-jobs', type: 'string', commands: BOTH, value: '<n>', syntax: 'whole-number', sets: 'stages[].tuning.maxJobs', question: 'maxJobs', description: 'tuning: training jobs in all (default 6; Grid runs every combination and takes none)' },
  { name: 'max-parallel-jobs', type: 'string', commands: BOTH, value: '<n>', syntax: 'whole-number', sets: 'stages[].tuning.maxParallelJobs', question: 'maxParallelJobs', description: 'tuning: training jobs at once (default 2)' },

  // Fan-out (create).
  { name: 'fan-out', type: 'boolean', commands: CREATE, sets: 'fanOut', description: 'run the stage chain once per item (one model per store, product, region…) in a Step Functions Distributed Map' },
  { name: 'fan-out-items', type: 'string', commands: CREATE, value: '<source>', sets: 'fanOut.itemsFrom', description: "fan-out: where the items come from: input (the execution input's items, default), s3 (a JSON array in S3) or s3-prefix (one item per object under the raw-data prefix)" },
  { name: 'fan-out-concurrency', type: 'string', commands: CREATE, value: '<n>', sets: 'fanOut.maxConcurrency', description: "fan-out: items running at once (default 5; SageMaker's job quotas are the real limit)" },
  { name: 'fan-out-tolerated-failure', type: 'string', commands: CREATE, value: '<percent>', sets: 'fanOut.toleratedFailurePercentage', description: 'fan-out: failed items (each ends only itself) tolerated before the execution fails (default 0)' },

  // Where it goes and where its code comes from.
  { name: 'after', type: 'string', commands: STAGE, sets: 'stages', question: 'after', description: 'the stage it runs after (default the last one)' },
  {
    name: 'from',
    type: 'string',
    commands: BOTH,
    value: '<paths>',
    question: 'from',
    description: { create: 'import legacy scripts: a folder, .py files, or stage=path items, comma-separated', stage: 'an existing legacy script (or its folder) to bring in as the stage code' },
  },
  { name: 'answers', type: 'string', commands: CREATE, value: '<file.json>', description: 'read answers from a JSON file (flags win over it)' },

  // Switches.
  { name: 'yes', type: 'boolean', commands: BOTH, alias: 'y', description: { create: 'ask nothing: take the defaults for every answer not given', stage: 'take the defaults of everything not given, ask nothing' } },
  { name: 'skip-install', type: 'boolean', commands: CREATE, default: false, description: 'do not run npm install' },
  { name: 'git', type: 'boolean', commands: CREATE, default: true, description: 'create a git repository with a first commit (--no-git to skip)' },
  { name: 'force', type: 'boolean', commands: CREATE, default: false, description: 'write into a directory that is not empty (files with the same names are replaced)' },
  { name: 'skip-synth', type: 'boolean', commands: STAGE, description: 'only edit .projenrc.ts (and copy --from); run `npx projen` yourself' },
  // Each kind option group's fields (KIND_OPTION_GROUPS): one flag each, for the stage it adds.
  ...kindGroupOptionRows(),
  { name: 'package-spec', type: 'string', commands: CREATE, hide: true, description: 'npm spec of generator-legacy-mlops for the new repo (e.g. file:/path/to.tgz)' },
  { name: 'interactive', type: 'boolean', commands: BOTH, hide: true, description: { create: 'force prompting on (or off) regardless of the terminal', stage: 'ask at prompts even without a terminal' } },
  { name: 'synth-in-process', type: 'boolean', commands: STAGE, hide: true, description: 'synthesize in this process instead of running `npx projen`' },
];

/** The rows a command takes, in help order. */
export function optionsOf(command: Command): readonly OptionSpec[] {
  return OPTION_TABLE.filter((o) => o.commands.includes(command));
}

/** The row of `name` for `command`; undefined when the command does not take it. */
export function optionOf(command: Command, name: string): OptionSpec | undefined {
  return OPTION_TABLE.find((o) => o.name === name && o.commands.includes(command));
}

export function describeFor(option: OptionSpec, command: Command): string {
  return typeof option.description === 'string' ? option.description : option.description[command];
}

/**
 * The option's text read by its syntax, or the one-line reason it does not read. The model's rules come
 * after (through the field the option sets): this only says whether the text is a number at all.
 */
export function readValue(option: OptionSpec, text: string): { value: unknown } | { problem: string } {
  const syntax = option.syntax ?? 'text';
  if (syntax === 'text') return { value: text };
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) return { problem: `'${text}' is not ${syntax === 'number' ? 'a number' : 'a whole number'}` };
  return { value };
}
