/**
 * Asks a question, or doesn't: a given answer wins, a non-interactive run
 * takes the default (a guessed one only under --yes) and never reaches a
 * prompt, and a missing answer there is an error naming the flag.
 */
import { CreateError, invalidAnswer, type AnswerOrigin } from '../../src/create/errors.js';
import type { Question } from './prompts.js';

export type PromptFn = (questions: Record<string, unknown>[]) => Promise<Record<string, unknown>>;

export interface ConversationOptions {
  readonly interactive: boolean;
  readonly yes: boolean;
  readonly prompt: PromptFn;
}

export class Conversation {
  /** Names of the prompts actually shown (tests read it). */
  readonly asked: string[] = [];

  constructor(private readonly options: ConversationOptions) {}

  get interactive(): boolean {
    return this.options.interactive;
  }

  /**
   * The answer to `question`: `given` if any; else the prompt's answer; else the default.
   * `prefix` makes per-stage prompt names unique (`preprocess:mode`).
   */
  async ask<C>(question: Question<C>, ctx: C, given?: { value: unknown; origin: AnswerOrigin }, prefix = ''): Promise<unknown> {
    if (question.when && !question.when(ctx)) return undefined;
    if (given !== undefined) return given.value;
    const fallback = question.default?.(ctx);
    if (this.options.interactive) {
      const name = `${prefix}${question.name}`;
      this.asked.push(name);
      const answers = await this.options.prompt([
        {
          type: question.type,
          name,
          message: question.message(ctx),
          ...(fallback !== undefined ? { default: fallback.value } : {}),
          ...(question.choices ? { choices: question.choices(ctx) } : {}),
          ...(question.validate ? { validate: (answer: unknown) => question.validate!(answer, ctx) ?? true } : {}),
        },
      ]);
      const answer = answers[name];
      return question.parse ? question.parse(answer, ctx) : answer;
    }
    if (fallback !== undefined && (fallback.known || this.options.yes)) {
      // Defaults are checked too: a folder name may not make a valid project name.
      const problem = question.validate?.(fallback.value, ctx);
      if (problem) throw invalidAnswer({ kind: 'default', flag: question.flag }, problem);
      return question.parse ? question.parse(fallback.value, ctx) : fallback.value;
    }
    if (question.optional) return undefined;
    throw new CreateError(
      question.missing?.(ctx) ??
        `no answer for '${question.message(ctx)}' and no terminal to ask in: pass ${question.flag}${fallback !== undefined ? ', or --yes to take the default' : ''}`,
    );
  }
}
