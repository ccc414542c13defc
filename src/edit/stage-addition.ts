/**
 * Plans adding one stage to a generated repo, writing nothing: the whole pipeline with the stage in
 * place is checked by the model, `.projenrc.ts` is edited through its syntax tree, and the edited file
 * is read back (run) to confirm it declares exactly that pipeline.
 */
import { compactStage } from '../create/projenrc.js';
import type { ModelProblem } from '../model/errors.js';
import { DEFAULT_STAGES } from '../model/defaults.js';
import { resolvePipeline, validatePipeline } from '../model/resolve.js';
import { projectOptionShape } from '../project/projen-option-keys.js';
import type { StageOptions } from '../model/types.js';
import { setNotificationsEmail } from './projenrc-notifications.js';
import { addStage, replaceStage } from './projenrc-stages.js';
import { readDeclaredOptions, type DeclaredOptions } from './projenrc-options.js';

export type AdditionPlan =
  /** The edit to write; `rewired` says which later stages now read the new stage's output. */
  | { readonly kind: 'edit'; readonly source: string; readonly options: DeclaredOptions; readonly index: number; readonly rewired: readonly string[] }
  /** The same stage is already declared: nothing to change. */
  | { readonly kind: 'unchanged'; readonly options: DeclaredOptions; readonly index: number }
  /** The model rejects the pipeline with the stage in place. */
  | { readonly kind: 'invalid'; readonly problems: readonly ModelProblem[]; readonly index: number }
  /** The edit cannot be made (name taken, no anchor, a shape the editor cannot change safely). */
  | { readonly kind: 'refused'; readonly reason: string; readonly snippet?: string };

/** The stages a declaration runs (the model's defaults when it lists none). */
export function declaredStages(options: DeclaredOptions): readonly StageOptions[] {
  return options.stages ?? DEFAULT_STAGES;
}

/** Where the stage goes: after `after`, default at the end; where it already is when declared. */
export function insertionIndex(stages: readonly StageOptions[], name: string, after?: string): number {
  const existing = stages.findIndex((s) => s.name === name);
  if (existing >= 0) return existing;
  return after === undefined ? stages.length : stages.findIndex((s) => s.name === after) + 1;
}

/** The stage list with `stage` at `index` (replacing a declared stage of the same name). */
export function withStageAt(stages: readonly StageOptions[], stage: StageOptions, index: number): StageOptions[] {
  const others = stages.filter((s) => s.name !== stage.name);
  return [...others.slice(0, index), stage, ...others.slice(index)];
}

export interface AdditionRequest {
  /** `.projenrc.ts` as it is, its path, and what it declares. */
  readonly source: string;
  readonly file: string;
  readonly current: DeclaredOptions;
  readonly stage: StageOptions;
  readonly after?: string;
  /** The stage takes the place of the declared stage of its name (a training stage turned into a tuning stage). */
  readonly replaces?: boolean;
  /** Who the notifications topic e-mails (an approval stage's approver): set in the options when it differs. */
  readonly notificationsEmail?: string;
}

export function planAddition(request: AdditionRequest): AdditionPlan {
  const { source, file, stage, after } = request;
  const email = request.notificationsEmail !== undefined && request.notificationsEmail !== request.current.notifications?.email ? request.notificationsEmail : undefined;
  const current: DeclaredOptions = email === undefined ? request.current : { ...request.current, notifications: { ...request.current.notifications, email } };
  const stages = declaredStages(current);
  if (after !== undefined && !stages.some((s) => s.name === after)) {
    return { kind: 'refused', reason: `there is no stage '${after}' to add '${stage.name}' after (stages: ${stages.map((s) => s.name).join(', ')})` };
  }
  const index = insertionIndex(stages, stage.name, after);

  const declared = stages.find((s) => s.name === stage.name);
  if (declared) {
    // A repeat of the same answers, or a clash (compared as declared, whatever the comments and layout).
    if (sameDeclaration(declared, stage)) {
      if (email === undefined) return { kind: 'unchanged', options: current, index };
      return { kind: 'refused', reason: `stage '${stage.name}' is declared already; to change who is e-mailed, set notifications.email in .projenrc.ts` };
    }
    if (!request.replaces) return { kind: 'refused', reason: `a stage named '${stage.name}' already exists in .projenrc.ts with other settings; choose another name (or change it there)` };
  }

  const problems = validatePipeline({ ...current, stages: withStageAt(stages, stage, index) }, projectOptionShape());
  if (problems.length > 0) return { kind: 'invalid', problems, index };

  const added = declared ? replaceStage(source, stage) : addStage(source, stage, { after: stages[index - 1]?.name, declared: stages });
  if (!added.ok) return { kind: 'refused', reason: added.reason, snippet: added.snippet };
  const notified = email === undefined ? undefined : setNotificationsEmail(added.source, email);
  if (notified && !notified.ok) return { kind: 'refused', reason: notified.reason };
  const edit = { source: notified?.source ?? added.source };

  // The edited file must declare exactly the checked pipeline.
  const read = readDeclaredOptions(edit.source, file);
  if (!read.ok) return { kind: 'refused', reason: `the edited .projenrc.ts cannot be read back (${read.reason}); nothing was written` };
  const expected = withStageAt(stages, stage, index).map((s) => s.name);
  const got = declaredStages(read.options).map((s) => s.name);
  if (got.join(',') !== expected.join(',')) {
    return { kind: 'refused', reason: `the edited .projenrc.ts declares the stages ${got.join(', ')} instead of ${expected.join(', ')}; nothing was written` };
  }
  const after2 = validatePipeline(read.options, projectOptionShape());
  if (after2.length > 0) return { kind: 'invalid', problems: after2, index };
  if (email !== undefined && read.options.notifications?.email !== email) {
    return { kind: 'refused', reason: `the edited .projenrc.ts does not declare notifications.email '${email}'; nothing was written` };
  }
  return { kind: 'edit', source: edit.source, options: read.options, index, rewired: rewiredInputs(request.current, read.options, stage.name) };
}

/** Whether two stages declare the same thing: equal once default values are left out. */
export function sameDeclaration(a: StageOptions, b: StageOptions): boolean {
  const canonical = (s: StageOptions) => {
    const compact = compactStage(s);
    // Fields the compact form does not know (kind-specific ones) are compared as they are.
    const rest = Object.entries(s).filter(([key, value]) => value !== undefined && !(key in compact)).sort(([x], [y]) => x.localeCompare(y));
    return JSON.stringify([compact, rest]);
  };
  return canonical(a) === canonical(b);
}

/** Inputs of other stages that read something else once the stage is in (inputs default to the previous stage's output). */
export function rewiredInputs(before: DeclaredOptions, after: DeclaredOptions, added: string): string[] {
  const was = resolvePipeline(before, projectOptionShape());
  const now = resolvePipeline(after, projectOptionShape());
  const lines: string[] = [];
  for (const stage of now.stages) {
    if (stage.name === added) continue;
    const old = was.stages.find((s) => s.name === stage.name);
    for (const input of stage.inputs) {
      const oldFrom = old?.inputs.find((i) => i.name === input.name)?.from;
      if (oldFrom !== undefined && oldFrom !== input.from) lines.push(`${stage.name}: input '${input.name}' now reads ${input.from} (it read ${oldFrom})`);
    }
  }
  return lines;
}
