/**
 * The questions of `yo legacy-mlops:stage` that only some kinds take, as data: the evaluation's metric
 * gate, training hyperparameters, and the governance kinds' registry, approval timeout and approver. Each
 * applies where the model's kind facts say, and checks answers with the model (one field at a time).
 */
import { stageFieldProblem } from '../../src/create/field-checks.js';
import type { MetricGateOptions } from '../../src/model/types.js';
import { APPROVER_EMAIL_QUESTION as CREATE_APPROVER_EMAIL_QUESTION } from '../app/governance-questions.js';
import { TUNING_QUESTIONS, type TuningContext } from '../app/tuning-questions.js';
import { kindGroupQuestionName } from '../../src/create/option-table.js';
import { KIND_OPTION_GROUP_NAMES, groupFacts, type KindGroupField } from '../../src/model/stage-kinds.js';
import type { KindOptionGroup, StageOptions } from '../../src/model/types.js';
import { kindOption, onlyFor, text, type AddStageContext, type AddStageQuestion } from './question-kit.js';

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

/**
 * Approval stages: who decides, e-mailed through the notifications topic (also told of failed executions).
 * The scaffolder's question (same words, same check), asked only when the project e-mails nobody yet.
 */
export const APPROVER_EMAIL_QUESTION: AddStageQuestion = {
  name: CREATE_APPROVER_EMAIL_QUESTION.name,
  flag: CREATE_APPROVER_EMAIL_QUESTION.flag,
  type: CREATE_APPROVER_EMAIL_QUESTION.type,
  option: 'approver-email',
  message: (ctx) => CREATE_APPROVER_EMAIL_QUESTION.message({ approval: ctx.stage }),
  when: (ctx) => ctx.notificationsEmail === undefined,
  applies: (ctx) => kindOption(ctx, 'approval'),
  notApplicableTo: onlyFor('approval'),
  validate: (answer) => CREATE_APPROVER_EMAIL_QUESTION.validate!(answer, { approval: { name: 'probe' } }),
  parse: (answer) => CREATE_APPROVER_EMAIL_QUESTION.parse!(answer, { approval: { name: 'probe' } }),
  missing: (ctx) => `stage '${ctx.stage.name}' waits for a person to approve each model and the project e-mails nobody yet: pass --approver-email <address> (who is e-mailed to decide)`,
};

/** The stage a tuning question sees: the training stage it turns into a tuning stage, or the new stage's draft. */
const tuningContext = (ctx: AddStageContext): TuningContext => ({ stage: ctx.tuningOver ?? ctx.stage, draft: ctx.draft, region: ctx.region });

/** Tuning stages: the scaffolder's tuning questions, answered here by the same flags. */
export const STAGE_TUNING_QUESTIONS: readonly AddStageQuestion[] = TUNING_QUESTIONS.map((q) => ({
  name: q.name,
  flag: q.flag,
  type: q.type,
  option: q.flag.slice(2),
  message: (ctx) => q.message(tuningContext(ctx)),
  ...(q.choices ? { choices: (ctx: AddStageContext) => q.choices!(tuningContext(ctx)) } : {}),
  ...(q.default ? { default: (ctx: AddStageContext) => q.default!(tuningContext(ctx)) } : {}),
  ...(q.when ? { when: (ctx: AddStageContext) => q.when!(tuningContext(ctx)) } : {}),
  ...(q.validate ? { validate: (answer: unknown, ctx: AddStageContext) => q.validate!(answer, tuningContext(ctx)) } : {}),
  ...(q.parse ? { parse: (answer: unknown, ctx: AddStageContext) => q.parse!(answer, tuningContext(ctx)) } : {}),
  ...(q.missing ? { missing: (ctx: AddStageContext) => q.missing!(tuningContext(ctx)) } : {}),
  applies: (ctx) => ctx.tuningOver !== undefined || kindOption(ctx, 'tuning'),
  notApplicableTo: onlyFor('tuning'),
}));

/** A kind option group as far as answered (the fields its questions set, by `<group>.<key>`). */
export function draftGroup(group: KindOptionGroup, draft: Readonly<Record<string, unknown>>, fields: readonly KindGroupField[] = groupFacts(group).fields ?? []): Record<string, unknown> | undefined {
  const answered = fields.filter((f) => draft[kindGroupQuestionName(group, f)] !== undefined).map((f) => [f.key, draft[kindGroupQuestionName(group, f)]]);
  return answered.length > 0 ? Object.fromEntries(answered) : undefined;
}

/**
 * Each kind option group's fields (KIND_OPTION_GROUPS), one question each, answered by its flag: asked
 * when required, checked with the model one field at a time (the fields not answered yet are not judged).
 */
export function kindGroupQuestions(groups: readonly KindOptionGroup[] = KIND_OPTION_GROUP_NAMES, fieldsOf = (g: KindOptionGroup) => groupFacts(g).fields ?? []): AddStageQuestion[] {
  return groups.flatMap((group) =>
    fieldsOf(group).map((field): AddStageQuestion => {
      const read = (answer: unknown) => (field.syntax && field.syntax !== 'text' ? Number(text(answer)) : text(answer));
      return {
        name: kindGroupQuestionName(group, field),
        option: field.flag,
        flag: `--${field.flag}`,
        type: 'input',
        message: (ctx) => `${ctx.stage.name}: ${field.description}`,
        applies: (ctx) => kindOption(ctx, group),
        notApplicableTo: onlyFor(group),
        // Optional fields are set by their flag only: asking each would make every stage of the kind a long conversation.
        ...(field.required ? {} : { when: () => false }),
        validate: (answer, ctx) => {
          // Fields not answered yet stand in with their samples, so only this answer is judged.
          const samples = Object.fromEntries(fieldsOf(group).filter((f) => f.sample !== undefined).map((f) => [f.key, f.sample]));
          const options = { ...samples, ...draftGroup(group, ctx.draft, fieldsOf(group)), [field.key]: read(answer) };
          const stage = { name: ctx.stage.name || 'probe', kind: ctx.stage.kind, [group]: options } as unknown as StageOptions;
          return stageFieldProblem(stage, `${group}.${field.key}` as keyof StageOptions, ctx.region);
        },
        parse: read,
        ...(field.required ? { missing: (ctx: AddStageContext) => `a ${ctx.stage.kind} stage needs ${group}.${field.key}: pass --${field.flag} ${field.value} (${field.description})` } : {}),
      };
    }),
  );
}
