/**
 * The questions of `yo legacy-mlops:stage`, as data: each names the option that answers it without a
 * prompt, its default, and checks answers with the pipeline model (through the same field checks as
 * `yo legacy-mlops`). The image and setting questions are the scaffolder's own, with this generator's flags.
 */
import * as fs from 'node:fs';
import { stageFieldProblem } from '../../src/create/field-checks.js';
import { CreateError } from '../../src/create/errors.js';
import { catalogStage } from '../../src/create/stage-catalog.js';
import { parseStageFrom, stageNameFromFile } from '../../src/edit/stage-import.js';
import { DEFAULT_INSTANCE_COUNT, DEFAULT_INSTANCE_TYPE, DEFAULT_MAX_RUNTIME_SECONDS, DEFAULT_VOLUME_SIZE_GB, defaultEntryScript } from '../../src/model/defaults.js';
import { KIND_FACTS, STAGE_KINDS } from '../../src/model/stage-kinds.js';
import type { MetricGateOptions, StageKind, StageOptions } from '../../src/model/types.js';
import { STAGE_IMAGE_QUESTIONS, STAGE_SETTING_QUESTIONS, type Question, type StageContext } from '../app/prompts.js';

/** What every question sees: the stage drafted so far (in `stage`), the answers so far, and the repo. */
export interface AddStageContext extends StageContext {
  /** Stages declared now, in order. */
  readonly stageNames: readonly string[];
  /** Stage kinds the model accepts. */
  readonly kinds: readonly StageKind[];
  /** Where relative paths are read from (the folder the command runs in). */
  readonly cwd: string;
  /** Questions answered by options (they are not asked, and the tune question counts them out). */
  readonly given: ReadonlySet<string>;
  /** Prompts are shown (a taken name is then never offered as the default). */
  readonly interactive: boolean;
  /** The path given with --from, when it was. */
  readonly fromPath?: string;
}

export interface AddStageQuestion extends Question<AddStageContext> {
  /** The option that answers it (`--instance-type`), or the positional argument. */
  readonly option: string;
  /** Whether the answer means anything for the stage drafted so far; an option given where it does not is an error. */
  readonly applies?: (ctx: AddStageContext) => boolean;
  readonly notApplicable?: string;
  /** A reason of the stage's kind, which wins over `notApplicable`. */
  readonly notApplicableTo?: (ctx: AddStageContext) => string | undefined;
  /** Checked at the prompt only (options may repeat a run, see the name question). */
  readonly promptValidate?: (answer: unknown, ctx: AddStageContext) => string | undefined;
}

const text = (answer: unknown) => String(answer ?? '').trim();

/** The stage kinds the model accepts now, asked of the model itself (a kind it does not support is a problem of the `kind` field). */
export function supportedKinds(): StageKind[] {
  return STAGE_KINDS.filter((kind) => stageFieldProblem({ name: 'probe', kind }, 'kind') === undefined);
}

/** A valid value of each field a question sets, to ask the model whether a kind takes the field at all. */
const SAMPLES: Readonly<Partial<Record<keyof StageOptions, unknown>>> = {
  mode: 'script',
  entryScript: 'probe.py',
  instanceType: DEFAULT_INSTANCE_TYPE,
  instanceCount: DEFAULT_INSTANCE_COUNT,
  volumeSizeGb: DEFAULT_VOLUME_SIZE_GB,
  maxRuntimeSeconds: DEFAULT_MAX_RUNTIME_SECONDS,
};

/** Whether stages of `kind` take `field` (a model stage has no instances, a transform no image of its own…), as the model says. */
export function kindTakes(kind: StageKind | undefined, field: keyof StageOptions): boolean {
  if (kind === undefined || kind === 'processing') return true;
  return stageFieldProblem({ name: 'probe', kind, [field]: SAMPLES[field] } as StageOptions, field) === undefined;
}

/** `--from` scans a script for its /opt/ml/processing/ folders: the import fits the kinds that run on the Processing contract. */
const IMPORTING_KINDS: readonly StageKind[] = ['processing', 'evaluation'];

const nameQuestion: AddStageQuestion = {
  name: 'name',
  option: 'name',
  flag: 'the stage name as the argument',
  type: 'input',
  message: () => 'Stage name (lowercase letters, digits, single hyphens; at most 20 characters)',
  default: (ctx) => {
    const suggested = ctx.fromPath ? stageNameFromFile(ctx.fromPath) : undefined;
    // Without prompts a taken name stays the default: the same run twice finds its own stage.
    return suggested && !(ctx.interactive && ctx.stageNames.includes(suggested)) ? { value: suggested, known: true } : undefined;
  },
  validate: (answer) => stageFieldProblem({ name: text(answer) }, 'name'),
  // At a prompt a taken name is refused at once; given as an option it may be a repeat of the same run.
  promptValidate: (answer, ctx) => (ctx.stageNames.includes(text(answer)) ? `a stage named '${text(answer)}' already exists (stages: ${ctx.stageNames.join(', ')})` : undefined),
  parse: text,
  missing: () => 'no stage name: pass it as the argument, e.g. `yo legacy-mlops:stage evaluate`',
};

const fromQuestion: AddStageQuestion = {
  name: 'from',
  option: 'from',
  flag: '--from',
  type: 'input',
  message: () => 'Bring in an existing legacy script as its code (a .py file or a folder; empty for a starter stub)',
  default: () => ({ value: '', known: true }),
  validate: (answer, ctx) => {
    if (text(answer) === '') return undefined;
    try {
      const source = parseStageFrom(text(answer), ctx.cwd, ctx.stage.name);
      fs.accessSync(source, fs.constants.R_OK);
      return undefined;
    } catch (error) {
      if (error instanceof CreateError) return error.message.replace(/^Invalid --from: /, '');
      return `cannot read ${text(answer)} (${(error as NodeJS.ErrnoException).code ?? String(error)})`;
    }
  },
  parse: (answer, ctx) => (text(answer) === '' ? undefined : parseStageFrom(text(answer), ctx.cwd, ctx.stage.name)),
  applies: (ctx) => IMPORTING_KINDS.includes(ctx.stage.kind ?? 'processing'),
  notApplicable: `importing a script is for ${IMPORTING_KINDS.join(' and ')} stages (it places the /opt/ml/processing/ folders the script uses)`,
  optional: true,
};

const descriptionQuestion: AddStageQuestion = {
  name: 'description',
  option: 'description',
  flag: '--description',
  type: 'input',
  message: () => 'What does it do, in one sentence (shown in the README; empty to skip)',
  default: (ctx) => ({ value: catalogStage(ctx.stage.name)?.description ?? '', known: true }),
  parse: (answer) => (text(answer) === '' ? undefined : text(answer)),
  optional: true,
};

const kindQuestion: AddStageQuestion = {
  name: 'kind',
  option: 'kind',
  flag: '--kind',
  type: 'select',
  message: (ctx) => `${ctx.stage.name}: kind of stage`,
  // One kind is no choice: it is not asked.
  when: (ctx) => ctx.kinds.length > 1,
  choices: (ctx) => ctx.kinds.map((k) => ({ name: k, value: k })),
  default: () => ({ value: 'processing', known: true }),
  validate: (answer, ctx) => stageFieldProblem({ name: ctx.stage.name, kind: text(answer) as StageKind }, 'kind'),
  parse: text,
};

/** Whether the drafted stage's kind takes a kind-specific option (`gate`, `hyperparameters`), as the model's facts say. */
const kindOption = (ctx: AddStageContext, option: keyof StageOptions) => KIND_FACTS[ctx.stage.kind ?? 'processing']?.options.includes(option) ?? false;
const kindsTaking = (option: keyof StageOptions) => (Object.keys(KIND_FACTS) as StageKind[]).filter((k) => KIND_FACTS[k].options.includes(option));
const onlyFor = (option: keyof StageOptions) => (ctx: AddStageContext) => {
  const kind = ctx.stage.kind ?? 'processing';
  return `only ${kindsTaking(option).join(' and ')} stages take it (this is a${/^[aeiou]/.test(kind) ? 'n' : ''} ${kind} stage)`;
};

/** The gate as far as answered: a sample for what is not answered yet, so the model checks one field at a time. */
const draftGate = (draft: Readonly<Record<string, unknown>>, field: Partial<MetricGateOptions>): MetricGateOptions => ({
  metric: typeof draft.metric === 'string' ? draft.metric : 'accuracy',
  threshold: typeof draft.threshold === 'number' ? draft.threshold : 0,
  ...field,
});
const gateProblem = (ctx: AddStageContext, field: Partial<MetricGateOptions>) =>
  stageFieldProblem({ name: ctx.stage.name || 'probe', kind: 'evaluation', gate: draftGate(ctx.draft, field) }, 'gate', ctx.region);

/** Evaluation stages: the metric gate (required metric and threshold; direction and failure have the model's defaults). */
export const GATE_QUESTIONS: readonly AddStageQuestion[] = [
  {
    name: 'metric',
    option: 'metric',
    flag: '--metric',
    type: 'input',
    message: (ctx) => `${ctx.stage.name}: metric its gate reads from the report (metrics.<name>.value), e.g. accuracy`,
    applies: (ctx) => kindOption(ctx, 'gate'),
    notApplicableTo: onlyFor('gate'),
    validate: (answer, ctx) => gateProblem(ctx, { metric: text(answer) }),
    parse: text,
    missing: () => 'an evaluation stage needs a gate: pass --metric <name> and --threshold <number> (e.g. --metric accuracy --threshold 0.7)',
  },
  {
    name: 'threshold',
    option: 'threshold',
    flag: '--threshold',
    type: 'input',
    message: (ctx) => `${ctx.stage.name}: least acceptable ${String(ctx.draft.metric ?? 'metric')} (each execution may override it)`,
    applies: (ctx) => kindOption(ctx, 'gate'),
    notApplicableTo: onlyFor('gate'),
    validate: (answer, ctx) => (text(answer) === '' || !Number.isFinite(Number(text(answer))) ? `'${text(answer)}' is not a number` : gateProblem(ctx, { threshold: Number(text(answer)) })),
    parse: (answer) => Number(text(answer)),
    missing: () => 'an evaluation stage needs a gate threshold: pass --threshold <number> (e.g. --threshold 0.7)',
  },
  {
    name: 'greaterIsBetter',
    option: 'greater-is-better',
    flag: '--greater-is-better',
    type: 'confirm',
    message: (ctx) => `${ctx.stage.name}: is a larger ${String(ctx.draft.metric ?? 'metric')} better (accuracy, AUC; not for errors like rmse)?`,
    applies: (ctx) => kindOption(ctx, 'gate'),
    notApplicableTo: onlyFor('gate'),
    default: () => ({ value: true, known: true }),
    parse: (answer) => answer === true || answer === 'true',
  },
  {
    name: 'onFail',
    option: 'on-fail',
    flag: '--on-fail',
    type: 'select',
    message: (ctx) => `${ctx.stage.name}: below the threshold`,
    applies: (ctx) => kindOption(ctx, 'gate'),
    notApplicableTo: onlyFor('gate'),
    choices: () => [
      { name: 'fail: end the execution in a Fail state naming metric, value and threshold', short: 'fail', value: 'fail' },
      { name: 'skip: end it successfully without running the later stages', short: 'skip', value: 'skip' },
    ],
    default: () => ({ value: 'fail', known: true }),
    parse: text,
  },
];

/** `key=value` items (a list from repeated options, or comma-separated text at the prompt) → hyperparameters. */
export function parseHyperparameters(answer: unknown): Record<string, string> | string {
  const items = (Array.isArray(answer) ? answer.map(text) : text(answer).split(',').map((s) => s.trim())).filter((s) => s !== '');
  const result: Record<string, string> = {};
  for (const item of items) {
    const at = item.indexOf('=');
    if (at <= 0) return `'${item}' is not key=value (e.g. max_depth=5)`;
    const key = item.slice(0, at).trim();
    if (key in result) return `'${key}' is given twice`;
    result[key] = item.slice(at + 1).trim();
  }
  return result;
}

/** Training stages: hyperparameters, passed to the job as text. */
export const HYPERPARAMETERS_QUESTION: AddStageQuestion = {
  name: 'hyperparameters',
  option: 'hyperparameter',
  flag: '--hyperparameter',
  type: 'input',
  message: (ctx) => `${ctx.stage.name}: hyperparameters as key=value, comma-separated (written to hyperparameters.json; empty for none)`,
  applies: (ctx) => kindOption(ctx, 'hyperparameters'),
  notApplicableTo: onlyFor('hyperparameters'),
  default: () => ({ value: '', known: true }),
  validate: (answer, ctx) => {
    const parsed = parseHyperparameters(answer);
    return typeof parsed === 'string' ? parsed : stageFieldProblem({ name: ctx.stage.name || 'probe', kind: 'training', hyperparameters: parsed }, 'hyperparameters', ctx.region);
  },
  parse: (answer) => {
    const parsed = parseHyperparameters(answer) as Record<string, string>;
    return Object.keys(parsed).length > 0 ? parsed : undefined;
  },
  optional: true,
};

/** Register stages: the model package group and whether a version that passed the gate starts approved. */
export const REGISTRY_QUESTIONS: readonly AddStageQuestion[] = [
  {
    name: 'group',
    option: 'group',
    flag: '--group',
    type: 'input',
    message: (ctx) => `${ctx.stage.name}: model package group its versions go to (empty for the project name)`,
    applies: (ctx) => kindOption(ctx, 'registry'),
    notApplicableTo: onlyFor('registry'),
    default: () => ({ value: '', known: true }),
    validate: (answer, ctx) => (text(answer) === '' ? undefined : stageFieldProblem({ name: ctx.stage.name || 'probe', kind: 'register', registry: { group: text(answer) } }, 'registry', ctx.region)),
    parse: (answer) => (text(answer) === '' ? undefined : text(answer)),
    optional: true,
  },
  {
    name: 'existingGroup',
    option: 'existing-group',
    flag: '--existing-group',
    type: 'confirm',
    message: (ctx) => `${ctx.stage.name}: does that group exist already (not created by this project's stack)?`,
    applies: (ctx) => kindOption(ctx, 'registry'),
    notApplicableTo: onlyFor('registry'),
    default: () => ({ value: false, known: true }),
    parse: (answer) => answer === true || answer === 'true',
  },
  {
    name: 'autoApprove',
    option: 'auto-approve',
    flag: '--auto-approve',
    type: 'confirm',
    message: (ctx) => `${ctx.stage.name}: register versions as Approved (the metric gate before it passed), instead of PendingManualApproval?`,
    applies: (ctx) => kindOption(ctx, 'registry'),
    notApplicableTo: onlyFor('registry'),
    default: () => ({ value: false, known: true }),
    parse: (answer) => answer === true || answer === 'true',
  },
];

/** Approval stages: how long a person has to decide. */
export const APPROVAL_TIMEOUT_QUESTION: AddStageQuestion = {
  name: 'approvalTimeout',
  option: 'approval-timeout',
  flag: '--approval-timeout',
  type: 'input',
  message: (ctx) => `${ctx.stage.name}: seconds a person has to decide before the execution fails (default 7 days)`,
  applies: (ctx) => kindOption(ctx, 'approval'),
  notApplicableTo: onlyFor('approval'),
  default: () => ({ value: '604800', known: true }),
  validate: (answer, ctx) =>
    text(answer) === '' || !Number.isFinite(Number(text(answer)))
      ? `'${text(answer)}' is not a number`
      : stageFieldProblem({ name: ctx.stage.name || 'probe', kind: 'approval', approval: { timeoutSeconds: Number(text(answer)) } }, 'approval', ctx.region),
  parse: (answer) => Number(text(answer)),
};

/** The scaffolder's image questions, answered here by their own options. */
const IMAGE_OPTIONS: Readonly<Record<string, { option: string; flag: string; notApplicable: string }>> = {
  mode: { option: 'mode', flag: '--mode', notApplicable: '' },
  framework: { option: 'framework', flag: '--framework', notApplicable: 'a framework image is for script mode (--mode script)' },
  frameworkVersion: { option: 'framework-version', flag: '--framework-version', notApplicable: 'a framework version is for script mode (--mode script)' },
  imageUri: { option: 'image-uri', flag: '--image-uri', notApplicable: 'an image URI is for container mode (--mode container)' },
};

const imageQuestions: AddStageQuestion[] = STAGE_IMAGE_QUESTIONS.map((q) => {
  const o = IMAGE_OPTIONS[q.name];
  const hasImage = (ctx: AddStageContext) => kindTakes(ctx.stage.kind, 'mode');
  return {
    ...q,
    option: o.option,
    flag: o.flag,
    applies: (ctx) => hasImage(ctx) && (q.when?.(ctx) ?? true),
    notApplicable: o.notApplicable,
    notApplicableTo: (ctx: AddStageContext) => (hasImage(ctx) ? undefined : `a ${ctx.stage.kind} stage runs the image of its model stage`),
  };
});

export const TUNE_QUESTION: AddStageQuestion = {
  name: 'tune',
  option: 'tune',
  flag: '--entry-script, --instance-type, --instance-count, --volume-size, --max-runtime',
  type: 'confirm',
  when: (ctx) => SETTING_QUESTIONS.some((q) => !ctx.given.has(q.name) && (!q.applies || q.applies(ctx))),
  message: (ctx) => {
    const open = SETTING_QUESTIONS.filter((q) => !q.applies || q.applies(ctx)).map((q) => SETTING_LABELS[q.name](ctx));
    return `Change its ${open.slice(0, -1).join(', ')}${open.length > 1 ? ' or ' : ''}${open[open.length - 1]}?`;
  },
  default: () => ({ value: false, known: true }),
};

const SETTING_LABELS: Readonly<Record<string, (ctx: AddStageContext) => string>> = {
  entryScript: (ctx) => `entry script (${ctx.stage.entryScript ?? defaultEntryScript(ctx.stage.name)})`,
  instanceType: () => `instance type (${DEFAULT_INSTANCE_TYPE})`,
  instanceCount: () => `instance count (${DEFAULT_INSTANCE_COUNT})`,
  volumeSizeGb: () => `volume size (${DEFAULT_VOLUME_SIZE_GB} GB)`,
  maxRuntimeSeconds: () => `max runtime (${DEFAULT_MAX_RUNTIME_SECONDS} s)`,
};

const tuning = (ctx: AddStageContext) => ctx.draft.tune === true;
const SETTING_OPTIONS: Readonly<Record<string, string>> = {
  entryScript: 'entry-script',
  instanceType: 'instance-type',
  volumeSizeGb: 'volume-size',
  maxRuntimeSeconds: 'max-runtime',
};

const instanceCountQuestion: AddStageQuestion = {
  name: 'instanceCount',
  option: 'instance-count',
  flag: '--instance-count',
  type: 'input',
  message: (ctx) => `${ctx.stage.name}: number of instances`,
  when: tuning,
  applies: (ctx) => kindTakes(ctx.stage.kind, 'instanceCount'),
  notApplicableTo: (ctx) => `a ${ctx.stage.kind} stage takes no instance count`,
  default: (ctx) => ({ value: String(ctx.stage.instanceCount ?? DEFAULT_INSTANCE_COUNT), known: true }),
  validate: (answer, ctx) => stageFieldProblem({ ...ctx.stage, instanceCount: Number(text(answer)) }, 'instanceCount', ctx.region),
  parse: (answer) => Number(text(answer)),
};

/** Entry script and instance settings: asked only when the user wants to change them. */
export const SETTING_QUESTIONS: readonly AddStageQuestion[] = [
  ...STAGE_SETTING_QUESTIONS.map((q) => ({
    ...q,
    option: SETTING_OPTIONS[q.name],
    flag: `--${SETTING_OPTIONS[q.name]}`,
    when: tuning,
    applies: (ctx: AddStageContext) => kindTakes(ctx.stage.kind, q.field) && (q.field !== 'entryScript' || ctx.fromPath === undefined),
    notApplicable: 'the entry script of an imported stage is the script given with --from',
    notApplicableTo: (ctx: AddStageContext) => (kindTakes(ctx.stage.kind, q.field) ? undefined : `a ${ctx.stage.kind} stage takes no ${SETTING_OPTIONS[q.name].replace(/-/g, ' ')}`),
  })),
].flatMap((q) => (q.name === 'instanceType' ? [q, instanceCountQuestion] : [q]));

const afterQuestion: AddStageQuestion = {
  name: 'after',
  option: 'after',
  flag: '--after',
  type: 'select',
  message: () => 'Run it after which stage?',
  choices: (ctx) => ctx.stageNames.map((s) => ({ name: s, value: s })),
  default: (ctx) => ({ value: ctx.stageNames[ctx.stageNames.length - 1], known: true }),
  validate: (answer, ctx) =>
    ctx.stageNames.includes(text(answer)) ? undefined : `there is no stage '${text(answer)}' to add '${ctx.stage.name}' after (stages: ${ctx.stageNames.join(', ')})`,
  parse: text,
};

/** In the order asked. */
export const ADD_STAGE_QUESTIONS: readonly AddStageQuestion[] = [
  nameQuestion,
  descriptionQuestion,
  kindQuestion,
  fromQuestion,
  ...imageQuestions,
  ...GATE_QUESTIONS,
  ...REGISTRY_QUESTIONS,
  APPROVAL_TIMEOUT_QUESTION,
  HYPERPARAMETERS_QUESTION,
  TUNE_QUESTION,
  ...SETTING_QUESTIONS,
  afterQuestion,
];

/** A confirm's answer, from a prompt (boolean) or an option (its text). */
const isTrue = (answer: unknown) => answer === true || answer === 'true';

/** The stage the answers so far describe (catalog mode for a known name until the mode is answered). */
export function draftStage(draft: Readonly<Record<string, unknown>>, implied: Partial<StageOptions> = {}): StageOptions {
  const name = String(draft.name ?? '');
  const known = catalogStage(name);
  const definedOnly = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
  const kind = draft.kind as StageKind | undefined;
  return {
    name,
    ...(kindTakes(kind, 'mode') ? { mode: known?.mode ?? 'script', ...implied } : {}),
    ...(definedOnly({
      description: draft.description,
      kind: draft.kind,
      entryScript: draft.entryScript,
      instanceType: draft.instanceType,
      instanceCount: draft.instanceCount,
      volumeSizeGb: draft.volumeSizeGb,
      maxRuntimeSeconds: draft.maxRuntimeSeconds,
      hyperparameters: draft.hyperparameters,
      registry:
        draft.kind !== 'register'
          ? undefined
          : definedOnly({ group: draft.group, autoApprove: isTrue(draft.autoApprove) ? true : undefined, existingGroup: isTrue(draft.existingGroup) ? true : undefined }),
      approval: draft.kind !== 'approval' || draft.approvalTimeout === undefined || draft.approvalTimeout === 604800 ? undefined : { timeoutSeconds: draft.approvalTimeout },
      gate:
        draft.metric === undefined || draft.threshold === undefined
          ? undefined
          : definedOnly({
              metric: draft.metric,
              threshold: draft.threshold,
              greaterIsBetter: draft.greaterIsBetter === true ? undefined : draft.greaterIsBetter,
              onFail: draft.onFail === 'fail' ? undefined : draft.onFail,
            }),
    }) as Partial<StageOptions>),
  };
}
