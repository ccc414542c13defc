/** What `legacy-mlops doctor` answers for each check. */

/**
 * `pass`; `fail` (the deploy or the first run would fail: `fix` says what to do); `could-not-check`
 * (AWS did not answer, or the caller may not ask: the detail names the API call); `skipped` (an
 * earlier answer makes the question moot, e.g. the credentials are another account's).
 */
export type CheckStatus = 'pass' | 'fail' | 'could-not-check' | 'skipped';

export interface CheckResult {
  /** Stable id, e.g. `quota:processing:ml.m5.xlarge` (for --json readers). */
  readonly id: string;
  readonly title: string;
  readonly status: CheckStatus;
  /** What was found, one line. */
  readonly detail: string;
  /** For a fail: what to change, one line. */
  readonly fix?: string;
}

export interface DoctorReport {
  readonly environment: string;
  readonly account: string;
  readonly region: string;
  readonly checks: readonly CheckResult[];
}

export function pass(check: { id: string; title: string }, detail: string): CheckResult {
  return { id: check.id, title: check.title, status: 'pass', detail };
}

export function fail(check: { id: string; title: string }, detail: string, fix: string): CheckResult {
  return { id: check.id, title: check.title, status: 'fail', detail, fix };
}

export function couldNotCheck(check: { id: string; title: string }, detail: string): CheckResult {
  return { id: check.id, title: check.title, status: 'could-not-check', detail };
}

export function skipped(check: { id: string; title: string }, detail: string): CheckResult {
  return { id: check.id, title: check.title, status: 'skipped', detail };
}
