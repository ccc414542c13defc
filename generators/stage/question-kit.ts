/**
 * What the questions of `yo legacy-mlops:stage` share: the context each sees, the question shape (the
 * scaffolder's, plus the option that answers it and where it applies), and the kind checks from the model's facts.
 */
import { KIND_FACTS } from '../../src/model/stage-kinds.js';
import type { StageKind, StageOptions } from '../../src/model/types.js';
import type { Question, StageContext } from '../app/prompts.js';

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
  /** Training (and tuning) stages declared now: a tuning stage may take one's name and place. */
  readonly trainingStageNames: readonly string[];
  /** The declared training stage a tuning stage of its name takes the place of (`yo legacy-mlops:stage train --kind tuning`). */
  readonly tuningOver?: StageOptions;
  /** The path given with --from, when it was. */
  readonly fromPath?: string;
  /** Who the project's notifications topic e-mails now (`notifications.email`), when anyone. */
  readonly notificationsEmail?: string;
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

export const text = (answer: unknown) => String(answer ?? '').trim();

/** Whether the drafted stage's kind takes a kind-specific option (`gate`, `hyperparameters`), as the model's facts say. */
export const kindOption = (ctx: AddStageContext, option: keyof StageOptions) => KIND_FACTS[ctx.stage.kind ?? 'processing']?.options.includes(option) ?? false;
export const kindsTaking = (option: keyof StageOptions) => (Object.keys(KIND_FACTS) as StageKind[]).filter((k) => KIND_FACTS[k].options.includes(option));
export const onlyFor = (option: keyof StageOptions) => (ctx: AddStageContext) => {
  const kind = ctx.stage.kind ?? 'processing';
  return `only ${kindsTaking(option).join(' and ')} stages take it (this is a${/^[aeiou]/.test(kind) ? 'n' : ''} ${kind} stage)`;
};

