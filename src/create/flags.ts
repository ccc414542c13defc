/**
 * The flags of `create-legacy-mlops` / `yo legacy-mlops`: the create rows of the one option table
 * (option-table.ts, shared with `yo legacy-mlops:stage`), and the options the generator reads from them.
 */
import { STAGE_PRESETS } from '../model/defaults.js';
import { helpLines } from './command-line.js';
import { describeFor, optionsOf, type OptionSpec } from './option-table.js';

/** The stage layout used when neither `--stages` nor `--preset` says otherwise. */
export const DEFAULT_PRESET = 'classic';
export type PresetName = keyof typeof STAGE_PRESETS;
export const PRESET_NAMES = Object.keys(STAGE_PRESETS) as PresetName[];

export interface FlagSpec {
  readonly name: string;
  readonly type: 'string' | 'boolean' | 'list';
  readonly value?: string;
  readonly description: string;
  readonly alias?: string;
  readonly default?: boolean;
  /** Left out of the help: for tests and tooling. */
  readonly hide?: boolean;
}

const asFlag = (o: OptionSpec): FlagSpec => ({ ...o, description: describeFor(o, 'create') });

/** The create rows of the option table. */
export const CREATE_FLAGS: readonly FlagSpec[] = optionsOf('create').map(asFlag);

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
  /** Undefined when not given: a preset with a training stage asks whether to tune it. */
  readonly tuning?: boolean;
  /** `--range name=spec`, each as given. */
  readonly ranges?: readonly string[];
  readonly objectiveMetric?: string;
  readonly objective?: string;
  readonly strategy?: string;
  readonly maxJobs?: string;
  readonly maxParallelJobs?: string;
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
  const tuning = get('tuning');
  const ranges = get('range');

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
    tuning: tuning === undefined || tuning === '' ? undefined : tuning === true || tuning === 'true',
    ranges: ranges === undefined ? undefined : [ranges].flat().map(String),
    objectiveMetric: text('objective-metric'),
    objective: text('objective'),
    strategy: text('strategy'),
    maxJobs: text('max-jobs'),
    maxParallelJobs: text('max-parallel-jobs'),
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
  return helpLines('create').join('\n');
}
