/**
 * The governance question of `yo legacy-mlops` / `create-legacy-mlops`: when the layout has an approval
 * stage, who decides (their address subscribes to the notifications topic the approval publishes to).
 * Answered by `--approver-email` or the answers file's `approverEmail`; checked by the model.
 */
import { approverEmailProblem } from '../../src/create/governance-answers.js';
import type { StageOptions } from '../../src/model/types.js';
import type { Question } from './prompts.js';

/** The context of the question: the approval stage that will ask. */
export interface ApprovalContext {
  readonly approval: StageOptions;
}

export const APPROVER_EMAIL_QUESTION: Question<ApprovalContext> = {
  name: 'approverEmail',
  flag: '--approver-email',
  type: 'input',
  message: (ctx) => `Stage ${ctx.approval.name} waits for a person to approve each model: who is e-mailed (also told of failed executions)?`,
  validate: (answer) => approverEmailProblem(String(answer ?? '').trim()),
  parse: (answer) => String(answer ?? '').trim(),
  missing: (ctx) => `stage '${ctx.approval.name}' waits for a person to approve each model: pass --approver-email <address> (who is e-mailed to decide)`,
};
