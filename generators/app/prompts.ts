/**
 * The questions of `yo legacy-mlops` / `create-legacy-mlops`, as data. Each
 * one knows the flag that answers it without a prompt, its default (and
 * whether that default is known, so usable without `--yes`), and checks its
 * answer with the pipeline model.
 */
import { PLACEHOLDER_ACCOUNT } from '../../src/docs/readme.js';
import type { AccountLookup } from '../../src/create/aws-account.js';
import { projectFieldProblem, stageFieldProblem } from '../../src/create/field-checks.js';
import { parseFromSpec, planImport, type FromItem } from '../../src/create/legacy-import.js';
import { CreateError } from '../../src/create/errors.js';
import { DEFAULT_PRESET, PRESET_NAMES, type PresetName } from '../../src/create/flags.js';
import { KIND_FACTS, kindRunsOnVolume } from '../../src/model/stage-kinds.js';
import { STAGE_CATALOG } from '../../src/create/stage-catalog.js';
import {
  DEFAULT_INSTANCE_TYPE,
  DEFAULT_MAX_RUNTIME_SECONDS,
  DEFAULT_VOLUME_SIZE_GB,
  STAGE_PRESETS,
  defaultBucket,
  defaultEntryScript,
} from '../../src/model/defaults.js';
import { FRAMEWORKS, FRAMEWORK_NAMES, defaultFrameworkVersion, resolveFrameworkImage } from '../../src/model/framework-images.js';
import type { FrameworkName, StageKind, StageOptions } from '../../src/model/types.js';

export const CUSTOM_STAGES = '__custom__';

export interface Choice {
  readonly name: string;
  /** Shown once answered, instead of the long name. */
  readonly short?: string;
  readonly value: string;
  readonly checked?: boolean;
}

/** A default and whether it comes from facts (directory, environment, credentials) rather than a guess. */
export interface Default<V> {
  readonly value: V;
  readonly known: boolean;
}

export interface Question<C> {
  /** Answer key; also the prompt's name (yeoman-test answers use it). */
  readonly name: string;
  /** How the answer is given without a prompt, for messages: `--region`. */
  readonly flag: string;
  readonly type: 'input' | 'select' | 'checkbox' | 'confirm';
  readonly message: (ctx: C) => string;
  readonly choices?: (ctx: C) => Choice[];
  readonly default?: (ctx: C) => Default<unknown> | undefined;
  /** The model's objection to an answer, or undefined. Raw prompt text for inputs. */
  readonly validate?: (answer: unknown, ctx: C) => string | undefined;
  /** Prompt answer → value (e.g. text → number); identity when absent. */
  readonly parse?: (answer: unknown, ctx: C) => unknown;
  readonly when?: (ctx: C) => boolean;
  /** No answer is a fine answer (non-interactive runs skip it). */
  readonly optional?: boolean;
  /** Why a non-interactive run cannot go on without this answer. */
  readonly missing?: (ctx: C) => string;
}

export interface ProjectContext {
  /** Name of the target folder, for the default project name. */
  readonly directoryName: string;
  /** Folder relative paths are read from. */
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly interactive: boolean;
  /** What STS said, when the account was not given. */
  account?: AccountLookup;
  /** Answers so far. */
  readonly draft: Record<string, unknown>;
}

const text = (answer: unknown) => String(answer ?? '').trim();

/** A project name from a folder name: `My Legacy_Model` → `my-legacy-model`. */
export function nameFromDirectory(directory: string): string {
  const name = directory.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^[^a-z]+/, '').replace(/-+$/, '').slice(0, 32).replace(/-+$/, '');
  return name || 'legacy-mlops';
}

/** What each preset offers, shown next to its name at the prompt. */
export const PRESET_DESCRIPTIONS: Readonly<Record<PresetName, string>> = {
  classic: `lift and shift: ${STAGE_PRESETS.classic.map((s) => s.name).join(' → ')}, each a processing job (you pick the stages next)`,
  lifecycle: `model lifecycle: ${STAGE_PRESETS.lifecycle.map((s) => s.name).join(' → ')} (training, accuracy gate, batch transform)`,
  governed: `lifecycle with governance: ${STAGE_PRESETS.governed.map((s) => s.name).join(' → ')} (model registry, a person approves)`,
};

export const PROJECT_QUESTIONS: readonly Question<ProjectContext>[] = [
  {
    name: 'name',
    flag: '--name',
    type: 'input',
    message: () => 'Project name (lowercase letters, digits, hyphens; prefixes jobs, roles and the bucket)',
    default: (ctx) => ({ value: nameFromDirectory(ctx.directoryName), known: true }),
    validate: (answer) => projectFieldProblem('name', text(answer)),
    parse: text,
  },
  {
    name: 'region',
    flag: '--region',
    type: 'input',
    message: () => 'AWS region',
    default: (ctx) => {
      const fromEnv = ctx.env.AWS_REGION || ctx.env.AWS_DEFAULT_REGION;
      return fromEnv ? { value: fromEnv, known: true } : { value: 'us-east-1', known: false };
    },
    validate: (answer) => projectFieldProblem('region', text(answer)),
    parse: text,
  },
  {
    name: 'account',
    flag: '--account',
    type: 'input',
    message: (ctx) => `AWS account id (12 digits${ctx.account && 'account' in ctx.account ? '' : `; ${PLACEHOLDER_ACCOUNT} as a placeholder to fill in later`})`,
    default: (ctx) => {
      if (ctx.account && 'account' in ctx.account) return { value: ctx.account.account, known: true };
      // A placeholder is never offered as a prompt default: only --yes takes it.
      return ctx.interactive ? undefined : { value: PLACEHOLDER_ACCOUNT, known: false };
    },
    validate: (answer) => projectFieldProblem('account', text(answer)),
    parse: text,
    missing: (ctx) => `no AWS account id (${ctx.account && 'reason' in ctx.account ? ctx.account.reason : 'not given'}): pass --account <12 digits>, or --yes to write the placeholder ${PLACEHOLDER_ACCOUNT}`,
  },
  {
    name: 'bucket',
    flag: '--bucket',
    type: 'input',
    message: () => 'S3 bucket for data, code and run outputs',
    default: (ctx) => ({ value: defaultBucket(String(ctx.draft.name), String(ctx.draft.account), String(ctx.draft.region)), known: true }),
    validate: (answer) => projectFieldProblem('bucket', text(answer)),
    // The derived name is the model's default: leave it out of .projenrc.ts.
    parse: (answer, ctx) => {
      const bucket = text(answer);
      return bucket === defaultBucket(String(ctx.draft.name), String(ctx.draft.account), String(ctx.draft.region)) ? undefined : bucket;
    },
    optional: true,
  },
  {
    name: 'existingBucket',
    flag: '--existing-bucket',
    type: 'confirm',
    message: (ctx) => `Does bucket ${String(ctx.draft.bucket)} exist already? (yes: the stack uses it as it is and never creates, changes or deletes it)`,
    // Only for a bucket other than the derived default, which the stack creates.
    when: (ctx) => ctx.draft.bucket !== undefined,
    default: () => ({ value: false, known: true }),
  },
  {
    name: 'preset',
    flag: '--preset',
    type: 'select',
    message: () => 'Pipeline layout',
    choices: () => PRESET_NAMES.map((name) => ({ name: `${name.padEnd(10)} ${PRESET_DESCRIPTIONS[name]}`, short: name, value: name })),
    default: () => ({ value: DEFAULT_PRESET, known: true }),
  },
  {
    name: 'stageNames',
    flag: '--stages',
    type: 'checkbox',
    message: () => 'Stages, in this order (each one a SageMaker Processing job)',
    // Only the classic layout is picked stage by stage; another preset is taken whole.
    when: (ctx) => (ctx.draft.preset ?? DEFAULT_PRESET) === DEFAULT_PRESET,
    choices: () => [
      ...STAGE_CATALOG.map((s) => ({ name: `${s.name.padEnd(12)} ${s.description}`, short: s.name, value: s.name, checked: s.byDefault })),
      { name: 'custom…      name your own stages (they run after the ones above)', short: 'custom', value: CUSTOM_STAGES },
    ],
    default: () => ({ value: STAGE_CATALOG.filter((s) => s.byDefault).map((s) => s.name), known: true }),
    validate: (answer) => (Array.isArray(answer) && answer.length > 0 ? undefined : 'choose at least one stage'),
  },
  {
    name: 'customStages',
    flag: '--stages',
    type: 'input',
    message: () => 'Custom stage names, in order, separated by commas',
    when: (ctx) => Array.isArray(ctx.draft.stageNames) && ctx.draft.stageNames.includes(CUSTOM_STAGES),
    validate: (answer, ctx) => customStagesProblem(text(answer), (ctx.draft.stageNames as string[]).filter((s) => s !== CUSTOM_STAGES)),
    parse: (answer) => text(answer).split(',').map((s) => s.trim()).filter((s) => s !== ''),
  },
  {
    name: 'from',
    flag: '--from',
    type: 'input',
    message: () => 'Import existing legacy scripts from (a folder, .py files or stage=path, comma-separated; empty for starter stubs)',
    // Empty means starter stubs.
    default: () => ({ value: '', known: true }),
    validate: (answer, ctx) => fromProblem(text(answer), ctx),
    parse: (answer, ctx) => (text(answer) === '' ? undefined : parseFromSpec(text(answer), ctx.cwd, 'your answer')),
    optional: true,
  },
];

function customStagesProblem(answer: string, chosen: readonly string[]): string | undefined {
  const names = answer.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (names.length === 0) return 'name at least one stage, or untick custom';
  for (const name of names) {
    const problem = stageFieldProblem({ name }, 'name');
    if (problem) return problem;
  }
  const all = [...chosen, ...names];
  const twice = all.find((n, i) => all.indexOf(n) !== i);
  return twice ? `stage '${twice}' is listed twice; stage names must be unique` : undefined;
}

/** Tries the import plan now, so a bad path is answered at the prompt. */
function fromProblem(answer: string, ctx: ProjectContext): string | undefined {
  if (answer === '') return undefined;
  try {
    planImport(parseFromSpec(answer, ctx.cwd, 'your answer'), draftStageNames(ctx), 'your answer');
    return undefined;
  } catch (error) {
    if (error instanceof CreateError) return error.message.replace(/^Invalid your answer: /, '');
    throw error;
  }
}

/** The stage names chosen so far (checkbox plus custom). */
export function draftStageNames(ctx: ProjectContext): string[] {
  if (Array.isArray(ctx.draft.stages)) return (ctx.draft.stages as StageOptions[]).map((s) => s.name);
  const picked = ((ctx.draft.stageNames as string[] | undefined) ?? []).filter((s) => s !== CUSTOM_STAGES);
  return [...picked, ...((ctx.draft.customStages as string[] | undefined) ?? [])];
}

export type FromAnswer = FromItem[] | undefined;

/** Per-stage questions: the stage being drafted and the project's region. */
export interface StageContext {
  readonly stage: StageOptions;
  readonly region: string;
  /** Answers so far for this stage. */
  readonly draft: Record<string, unknown>;
}

/** How a stage gets its image, as the mode question offers it. */
export type ImageChoice = 'script' | 'dockerfile' | 'image';

const imageChoiceOf = (stage: StageOptions): ImageChoice =>
  (stage.mode ?? (stage.imageUri ? 'container' : 'script')) === 'script' ? 'script' : stage.imageUri ? 'image' : 'dockerfile';

const frameworkAvailable = (name: FrameworkName, region: string) => !('error' in resolveFrameworkImage(name, defaultFrameworkVersion(name), region));

/** Where a stage's code runs: asked for every stage chosen at the prompt. */
export const STAGE_IMAGE_QUESTIONS: readonly Question<StageContext>[] = [
  {
    name: 'mode',
    flag: '--stages',
    type: 'select',
    message: (ctx) => `${ctx.stage.name}: where does its code run?`,
    choices: (ctx) => [
      { name: 'script mode: my Python script on a prebuilt SageMaker framework image', value: 'script' },
      { name: `container: an image built from stages/${ctx.stage.name}/Dockerfile`, value: 'dockerfile' },
      { name: 'container: an existing image in Amazon ECR', value: 'image' },
    ],
    default: (ctx) => ({ value: imageChoiceOf(ctx.stage), known: true }),
  },
  {
    name: 'framework',
    flag: '--stages',
    type: 'select',
    message: (ctx) => `${ctx.stage.name}: framework image`,
    when: (ctx) => ctx.draft.mode === 'script',
    choices: (ctx) => FRAMEWORK_NAMES.filter((n) => frameworkAvailable(n, ctx.region)).map((n) => ({ name: FRAMEWORKS[n].label, value: n })),
    default: (ctx) => ({ value: ctx.stage.framework?.name ?? 'sklearn', known: true }),
  },
  {
    name: 'frameworkVersion',
    flag: '--stages',
    type: 'select',
    message: (ctx) => `${ctx.stage.name}: ${FRAMEWORKS[ctx.draft.framework as FrameworkName].label} version`,
    when: (ctx) => ctx.draft.mode === 'script',
    choices: (ctx) => [...FRAMEWORKS[ctx.draft.framework as FrameworkName].versions].reverse().map((v) => ({ name: v.version, value: v.version })),
    default: (ctx) => ({ value: ctx.stage.framework?.version ?? defaultFrameworkVersion(ctx.draft.framework as FrameworkName), known: true }),
  },
  {
    name: 'imageUri',
    flag: '--stages',
    type: 'input',
    message: (ctx) => `${ctx.stage.name}: ECR image URI (<account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag>)`,
    when: (ctx) => ctx.draft.mode === 'image',
    default: (ctx) => (ctx.stage.imageUri ? { value: ctx.stage.imageUri, known: true } : undefined),
    validate: (answer, ctx) => stageFieldProblem({ name: ctx.stage.name, mode: 'container', imageUri: text(answer) }, 'imageUri', ctx.region),
    parse: text,
  },
];

/** The image answers applied to a stage. */
export function applyImageAnswers(stage: StageOptions, answers: Record<string, unknown>): StageOptions {
  const { mode: _mode, framework: _framework, imageUri: _imageUri, ...rest } = stage;
  if (answers.mode === 'script') {
    return { ...rest, mode: 'script', framework: { name: answers.framework as FrameworkName, version: String(answers.frameworkVersion) } };
  }
  return { ...rest, mode: 'container', ...(answers.mode === 'image' ? { imageUri: String(answers.imageUri) } : {}) };
}

/** The one question before the fine-tuning ones, so most users answer five questions, not thirty. */
export const TUNE_QUESTION: Question<{ stageCount: number }> = {
  name: 'tuneStages',
  flag: '--instance-type, --volume-size, --max-runtime',
  type: 'confirm',
  message: () => `Change entry scripts, instance types (${DEFAULT_INSTANCE_TYPE}), volume sizes (${DEFAULT_VOLUME_SIZE_GB} GB) or max runtimes (${DEFAULT_MAX_RUNTIME_SECONDS} s) of the stages?`,
  default: () => ({ value: false, known: true }),
};

const wholeNumber = (answer: unknown) => Number(text(answer));

export type StageSettingField = 'entryScript' | 'instanceType' | 'volumeSizeGb' | 'maxRuntimeSeconds';

/** Which kinds take a setting, from the model's facts (a transform job has no volume, an endpoint no runtime). */
export const SETTING_APPLIES: Readonly<Record<StageSettingField, (kind: StageKind) => boolean>> = {
  entryScript: (kind) => KIND_FACTS[kind].hasCode,
  instanceType: (kind) => KIND_FACTS[kind].instanceTypes !== undefined,
  volumeSizeGb: (kind) => kindRunsOnVolume(kind),
  maxRuntimeSeconds: (kind) => KIND_FACTS[kind].runsJob,
};

export function settingApplies(field: StageSettingField, stage: StageOptions): boolean {
  return SETTING_APPLIES[field](stage.kind ?? 'processing');
}

/** Settings of one stage, asked only when the user wants to change them. */
export const STAGE_SETTING_QUESTIONS: readonly (Question<StageContext> & { readonly field: StageSettingField })[] = [
  {
    name: 'entryScript',
    field: 'entryScript',
    flag: '--from',
    type: 'input',
    message: (ctx) => `${ctx.stage.name}: entry script in stages/${ctx.stage.name}/`,
    default: (ctx) => ({ value: ctx.stage.entryScript ?? defaultEntryScript(ctx.stage.name), known: true }),
    validate: (answer, ctx) => stageFieldProblem({ ...ctx.stage, entryScript: text(answer) }, 'entryScript', ctx.region),
    parse: text,
  },
  {
    name: 'instanceType',
    field: 'instanceType',
    flag: '--instance-type',
    type: 'input',
    message: (ctx) => `${ctx.stage.name}: ${KIND_FACTS[ctx.stage.kind ?? 'processing'].instanceWhat ?? 'processing'} instance type`,
    default: (ctx) => ({ value: ctx.stage.instanceType ?? DEFAULT_INSTANCE_TYPE, known: true }),
    validate: (answer, ctx) => stageFieldProblem({ ...ctx.stage, instanceType: text(answer) }, 'instanceType', ctx.region),
    parse: text,
  },
  {
    name: 'volumeSizeGb',
    field: 'volumeSizeGb',
    flag: '--volume-size',
    type: 'input',
    message: (ctx) => `${ctx.stage.name}: storage volume (GB)`,
    default: (ctx) => ({ value: String(ctx.stage.volumeSizeGb ?? DEFAULT_VOLUME_SIZE_GB), known: true }),
    validate: (answer, ctx) => stageFieldProblem({ ...ctx.stage, volumeSizeGb: wholeNumber(answer) }, 'volumeSizeGb', ctx.region),
    parse: wholeNumber,
  },
  {
    name: 'maxRuntimeSeconds',
    field: 'maxRuntimeSeconds',
    flag: '--max-runtime',
    type: 'input',
    message: (ctx) => `${ctx.stage.name}: maximum runtime (seconds)`,
    default: (ctx) => ({ value: String(ctx.stage.maxRuntimeSeconds ?? DEFAULT_MAX_RUNTIME_SECONDS), known: true }),
    validate: (answer, ctx) => stageFieldProblem({ ...ctx.stage, maxRuntimeSeconds: wholeNumber(answer) }, 'maxRuntimeSeconds', ctx.region),
    parse: wholeNumber,
  },
];

/** Confirms the folders found in imported scripts. */
export const CONFIRM_PATHS_QUESTION: Question<unknown> = {
  name: 'confirmPaths',
  flag: '--from',
  type: 'confirm',
  message: () => 'Place the stage folders where the imported scripts look (as listed above)?',
  default: () => ({ value: true, known: true }),
};
