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
import { KIND_FACTS, KIND_OPTION_GROUP_NAMES, STAGE_KINDS } from '../../src/model/stage-kinds.js';
import type { StageKind, StageOptions } from '../../src/model/types.js';
import { STAGE_IMAGE_QUESTIONS, STAGE_SETTING_QUESTIONS } from '../app/prompts.js';
import { APPROVAL_TIMEOUT_QUESTION, APPROVER_EMAIL_QUESTION, GATE_QUESTIONS, HYPERPARAMETERS_QUESTION, REGISTRY_QUESTIONS, STAGE_TUNING_QUESTIONS, draftGroup, kindGroupQuestions } from './kind-questions.js';
import { text, type AddStageContext, type AddStageQuestion } from './question-kit.js';

export type { AddStageContext, AddStageQuestion } from './question-kit.js';

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
  // A training stage's name is the way to tune it (the kind question then offers tuning).
  promptValidate: (answer, ctx) =>
    ctx.stageNames.includes(text(answer)) && !ctx.trainingStageNames.includes(text(answer))
      ? `a stage named '${text(answer)}' already exists (stages: ${ctx.stageNames.join(', ')}; a training stage's name turns it into a tuning stage)`
      : undefined,
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
  // A training stage's name: tuning it is what adding it again can mean.
  default: (ctx) => ({ value: ctx.interactive && ctx.trainingStageNames.includes(ctx.stage.name) ? 'tuning' : 'processing', known: true }),
  validate: (answer, ctx) => {
    const name = ctx.stage.name;
    if (text(answer) === 'tuning' && ctx.stageNames.includes(name) && !ctx.trainingStageNames.includes(name)) {
      const training = ctx.trainingStageNames.length > 0 ? ` (${ctx.trainingStageNames.join(', ')})` : ', and there is none';
      return `'${name}' is declared, and not as a training stage; a tuning stage takes the place of a training stage of its name${training}, or is a new stage`;
    }
    return stageFieldProblem({ name, kind: text(answer) as StageKind }, 'kind');
  },
  parse: text,
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
  APPROVER_EMAIL_QUESTION,
  HYPERPARAMETERS_QUESTION,
  ...STAGE_TUNING_QUESTIONS,
  ...kindGroupQuestions(),
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
      // Each kind option group whose fields have questions, as answered.
      ...Object.fromEntries(KIND_OPTION_GROUP_NAMES.map((group) => [group, kind && KIND_FACTS[kind].options.includes(group) ? draftGroup(group, draft) : undefined])),
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
