/**
 * Every flag of `create-legacy-mlops` / `yo legacy-mlops`, as data: the
 * generator declares its options from this table and the bin prints its help
 * from it.
 */
import { STAGE_PRESETS } from '../model/defaults.js';

/** The stage layout used when neither `--stages` nor `--preset` says otherwise. */
export const DEFAULT_PRESET = 'classic';
export type PresetName = keyof typeof STAGE_PRESETS;
export const PRESET_NAMES = Object.keys(STAGE_PRESETS) as PresetName[];

export interface FlagSpec {
  readonly name: string;
  readonly type: 'string' | 'boolean';
  readonly value?: string;
  readonly description: string;
  readonly alias?: string;
  readonly default?: boolean;
  /** Left out of the help: for tests and tooling. */
  readonly hide?: boolean;
}

export const CREATE_FLAGS: readonly FlagSpec[] = [
  { name: 'name', type: 'string', value: '<name>', description: 'project name (default: the directory name)' },
  { name: 'region', type: 'string', value: '<region>', description: 'AWS region (default: $AWS_REGION, $AWS_DEFAULT_REGION, else us-east-1)' },
  { name: 'account', type: 'string', value: '<12 digits>', description: 'AWS account id (default: the one your AWS credentials belong to)' },
  { name: 'bucket', type: 'string', value: '<bucket>', description: 'S3 bucket (default: <name>-<account>-<region>)' },
  {
    name: 'existing-bucket',
    type: 'boolean',
    description: 'the --bucket bucket exists already (shared, or kept from an earlier project): the stack uses it as it is and never creates, changes or deletes it',
  },
  {
    name: 'stages',
    type: 'string',
    value: '<list>',
    description: 'stages in order, name[:script[:framework@version]] or name[:container[:<ECR image URI>]], comma-separated (default: preprocess:script,predict:container,postprocess:script)',
  },
  {
    name: 'preset',
    type: 'string',
    value: '<preset>',
    description: `stage layout when --stages is not given: ${Object.entries(STAGE_PRESETS)
      .map(([name, stages]) => `${name} (${stages.map((s) => s.name).join(', ')})`)
      .join(' or ')} (default: ${DEFAULT_PRESET})`,
  },
  { name: 'instance-type', type: 'string', value: '<type>', description: 'processing instance type of every stage (default: ml.m5.large)' },
  { name: 'volume-size', type: 'string', value: '<GB>', description: 'storage volume of every stage in GB (default: 30)' },
  { name: 'max-runtime', type: 'string', value: '<seconds>', description: 'maximum runtime of every stage job (default: 3600)' },
  { name: 'fan-out', type: 'boolean', description: 'run the stage chain once per item (one model per store, product, region…) in a Step Functions Distributed Map' },
  { name: 'fan-out-items', type: 'string', value: '<source>', description: "fan-out: where the items come from: input (the execution input's items, default), s3 (a JSON array in S3) or s3-prefix (one item per object under the raw-data prefix)" },
  { name: 'fan-out-concurrency', type: 'string', value: '<n>', description: "fan-out: items running at once (default 5; SageMaker's job quotas are the real limit)" },
  { name: 'fan-out-tolerated-failure', type: 'string', value: '<percent>', description: 'fan-out: failed items (each ends only itself) tolerated before the execution fails (default 0)' },
  {
    name: 'approver-email',
    type: 'string',
    value: '<address>',
    description: 'with an approval stage (--preset governed): who is e-mailed to approve or reject each model (the notifications topic)',
  },
  { name: 'from', type: 'string', value: '<paths>', description: 'import legacy scripts: a folder, .py files, or stage=path items, comma-separated' },
  { name: 'answers', type: 'string', value: '<file.json>', description: 'read answers from a JSON file (flags win over it)' },
  { name: 'yes', type: 'boolean', alias: 'y', description: 'ask nothing: take the defaults for every answer not given' },
  { name: 'skip-install', type: 'boolean', default: false, description: 'do not run npm install' },
  { name: 'git', type: 'boolean', default: true, description: 'create a git repository with a first commit (--no-git to skip)' },
  { name: 'force', type: 'boolean', default: false, description: 'write into a directory that is not empty (files with the same names are replaced)' },
  { name: 'package-spec', type: 'string', hide: true, description: 'npm spec of generator-legacy-mlops for the new repo (e.g. file:/path/to.tgz)' },
  { name: 'interactive', type: 'boolean', hide: true, description: 'force prompting on (or off) regardless of the terminal' },
];

/** Options as the generator reads them: programmatic camelCase wins over parsed kebab-case. */
export interface CreateFlags {
  readonly directory?: string;
  readonly name?: string;
  readonly region?: string;
  readonly account?: string;
  readonly bucket?: string;
  /** Undefined when not given: asked when a bucket other than the default is chosen. */
  readonly existingBucket?: boolean;
  readonly stages?: string;
  readonly preset?: string;
  readonly instanceType?: string;
  readonly volumeSize?: string;
  readonly maxRuntime?: string;
  readonly from?: string;
  /** Undefined when not given: the question is asked (or takes its default). */
  readonly fanOut?: boolean;
  readonly fanOutItems?: string;
  readonly fanOutConcurrency?: string;
  readonly fanOutToleratedFailure?: string;
  readonly approverEmail?: string;
  readonly answers?: string;
  readonly yes: boolean;
  readonly skipInstall: boolean;
  readonly git: boolean;
  readonly force: boolean;
  readonly packageSpec?: string;
  readonly interactive?: boolean;
}

const camel = (kebab: string) => kebab.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

export function readFlags(options: Record<string, unknown>): CreateFlags {
  const get = (name: string) => options[camel(name)] ?? options[name];
  const text = (name: string) => {
    const v = get(name);
    return v === undefined || v === null || v === '' ? undefined : String(v);
  };
  const bool = (name: string, fallback: boolean) => {
    const v = get(name);
    return v === undefined ? fallback : v === true || v === 'true';
  };
  const interactive = get('interactive');
  const fanOut = get('fan-out');
  const existingBucket = get('existing-bucket');
  return {
    directory: text('directory'),
    name: text('name'),
    region: text('region'),
    account: text('account'),
    bucket: text('bucket'),
    existingBucket: existingBucket === undefined || existingBucket === '' ? undefined : existingBucket === true || existingBucket === 'true',
    stages: text('stages'),
    preset: text('preset'),
    instanceType: text('instance-type'),
    volumeSize: text('volume-size'),
    maxRuntime: text('max-runtime'),
    from: text('from'),
    fanOut: fanOut === undefined || fanOut === '' ? undefined : fanOut === true || fanOut === 'true',
    fanOutItems: text('fan-out-items'),
    fanOutConcurrency: text('fan-out-concurrency'),
    fanOutToleratedFailure: text('fan-out-tolerated-failure'),
    approverEmail: text('approver-email'),
    answers: text('answers'),
    yes: bool('yes', false),
    skipInstall: bool('skip-install', false),
    git: bool('git', true),
    force: bool('force', false),
    packageSpec: text('package-spec'),
    interactive: interactive === undefined ? undefined : interactive === true || interactive === 'true',
  };
}

/** Usage text for the bin. */
export function flagsHelp(): string {
  return CREATE_FLAGS.filter((f) => !f.hide)
    .map((f) => {
      const names = `${f.alias ? `-${f.alias}, ` : '    '}--${f.name === 'git' ? 'no-git' : f.name}${f.value ? ` ${f.value}` : ''}`;
      return `  ${names.padEnd(32)} ${f.name === 'git' ? 'do not create a git repository' : f.description}`;
    })
    .join('\n');
}
