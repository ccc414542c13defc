/**
 * The one error type the scaffolder shows to users: a single line that says
 * what is wrong and which flag (or answers-file entry) fixes it.
 */
export class CreateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CreateError';
  }
}

/** Where an answer came from, so an error can name the thing to change. */
export type AnswerOrigin =
  | { readonly kind: 'flag'; readonly flag: string }
  | { readonly kind: 'file'; readonly file: string; readonly key: string }
  | { readonly kind: 'prompt' }
  | { readonly kind: 'default'; readonly flag: string };

/** `--region`, `'region' in answers.json`, or `--region (the default was used)`. */
/** An answer and where it came from (a flag, the answers file, a prompt), for messages that name it. */
export interface Given<T> {
  readonly value: T;
  readonly origin: AnswerOrigin;
}

export function describeOrigin(origin: AnswerOrigin): string {
  switch (origin.kind) {
    case 'flag':
      return origin.flag;
    case 'file':
      return `'${origin.key}' in ${origin.file}`;
    case 'prompt':
      return 'your answer';
    case 'default':
      return `the default (pass ${origin.flag})`;
  }
}

export function invalidAnswer(origin: AnswerOrigin, message: string): CreateError {
  return new CreateError(`Invalid ${describeOrigin(origin)}: ${message}`);
}
