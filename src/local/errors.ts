/** Errors of the local runner. */

/**
 * A problem found before any job starts (bad input, missing script, unavailable backend…).
 * The command prints each line of `problems` on its own and exits non-zero without running anything.
 */
export class LocalRunRefused extends Error {
  readonly problems: readonly string[];

  constructor(problems: string | readonly string[]) {
    const list = typeof problems === 'string' ? [problems] : [...problems];
    super(list.join('\n'));
    this.name = 'LocalRunRefused';
    this.problems = list;
  }
}

/**
 * An error a Task handler throws so the state machine's Retry/Catch sees it:
 * aws-local-stepfunctions matches `name` against ErrorEquals and uses `message` as the Cause.
 */
export class TaskError extends Error {
  constructor(error: string, cause: string) {
    super(cause);
    this.name = error;
  }
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
