/** What every offline checker returns: a list of findings, empty when the artifact passes. */
export interface Finding {
  /** Which checker produced it, e.g. `asl-rules` or `request-shape`. */
  readonly check: string;
  /** Where: a file, a state, or a member path inside a request. */
  readonly location: string;
  readonly message: string;
  /**
   * `skipped` marks a rule the checker could not apply (say, a model pattern JavaScript cannot compile):
   * reported so nobody mistakes it for a pass, but it does not fail the run. Absent means an error.
   */
  readonly severity?: 'error' | 'skipped';
}

export function isFailure(finding: Finding): boolean {
  return finding.severity !== 'skipped';
}

/** Narrowing helper for JSON read from files. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
