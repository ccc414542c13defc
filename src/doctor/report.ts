/** `doctor`'s output: a table for people, JSON for programs (pure: report in, text out). */
import type { CheckResult, CheckStatus, DoctorReport } from './types.js';

const LABEL: Readonly<Record<CheckStatus, string>> = { pass: 'pass', fail: 'FAIL', 'could-not-check': 'could not check', skipped: 'skipped' };

export function counts(checks: readonly CheckResult[]): Record<CheckStatus, number> {
  const n: Record<CheckStatus, number> = { pass: 0, fail: 0, 'could-not-check': 0, skipped: 0 };
  for (const c of checks) n[c.status]++;
  return n;
}

/** Any failed check, or credentials that could not be checked (then nothing else was asked). */
export function hasFailure(report: DoctorReport): boolean {
  return report.checks.some((c) => c.status === 'fail' || (c.id === 'identity' && c.status !== 'pass'));
}

export function renderTable(report: DoctorReport): string {
  const statusWidth = Math.max(...report.checks.map((c) => LABEL[c.status].length));
  const titleWidth = Math.max(...report.checks.map((c) => c.title.length));
  const lines = [`Environment ${report.environment} (account ${report.account}, ${report.region})`, ''];
  for (const c of report.checks) {
    lines.push(`  ${LABEL[c.status].padEnd(statusWidth)}  ${c.title.padEnd(titleWidth)}  ${c.detail}`);
    if (c.fix) lines.push(`  ${''.padEnd(statusWidth)}  ${''.padEnd(titleWidth)}  fix: ${c.fix}`);
  }
  const n = counts(report.checks);
  lines.push('', `${n.pass} pass, ${n.fail} fail, ${n['could-not-check']} could not be checked, ${n.skipped} skipped${n.fail > 0 ? ': fix the failures before `npx projen deploy`' : ''}`);
  return lines.join('\n');
}

export function renderJson(report: DoctorReport): string {
  return JSON.stringify({ ...report, ok: !hasFailure(report), counts: counts(report.checks) }, null, 2);
}
