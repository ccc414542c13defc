/**
 * `legacy-mlops validate [dir]`: checks a generated repo offline and prints one line per finding.
 * Exit code 0 only when no check failed (skipped checks are listed, with how to enable them).
 */
import { resolve } from 'node:path';
import { validateProject, type CheckResult, type ValidateProjectOptions, type ValidationReport } from '../checks/project.js';

export interface ValidateIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

const USAGE = 'usage: legacy-mlops validate [project-dir] [--json]';

const defaultIo: ValidateIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

export async function runValidate(argv: readonly string[], cwd: string, io: ValidateIo = defaultIo, options: ValidateProjectOptions = {}): Promise<number> {
  const flags = argv.filter((a) => a.startsWith('-'));
  const positional = argv.filter((a) => !a.startsWith('-'));
  if (flags.includes('-h') || flags.includes('--help')) {
    io.out(USAGE);
    return 0;
  }
  const unknown = flags.filter((f) => f !== '--json');
  if (unknown.length > 0 || positional.length > 1) {
    io.err(`${unknown.length > 0 ? `unknown option ${unknown[0]}` : 'at most one project directory'}\n${USAGE}`);
    return 2;
  }
  const report = await validateProject(resolve(cwd, positional[0] ?? '.'), options);
  if (flags.includes('--json')) io.out(JSON.stringify(report, null, 2));
  else formatReport(report).forEach((line) => io.out(line));
  return report.failed === 0 ? 0 : 1;
}

export function formatReport(report: ValidationReport): string[] {
  const lines = [`legacy-mlops validate ${report.projectDir}`];
  for (const check of report.checks) lines.push(...formatCheck(check));
  for (const warning of report.warnings) lines.push(`  WARN ${warning}`);
  const skipped = report.skipped > 0 ? `, ${report.skipped} skipped` : '';
  const warned = report.warnings.length > 0 ? `, ${report.warnings.length} warning${report.warnings.length === 1 ? '' : 's'}` : '';
  lines.push(`${report.passed} checks passed, ${report.failed} failed${skipped}${warned}`);
  return lines;
}

function formatCheck(check: CheckResult): string[] {
  const label = check.check.padEnd(16);
  if (check.status === 'skipped') return [`  SKIP ${label} ${check.hint ?? ''}`.trimEnd()];
  const lines = [`  ${check.status === 'passed' ? 'PASS' : 'FAIL'} ${label} ${check.subject}`.trimEnd()];
  for (const f of check.findings) lines.push(`       ✗ ${f.location}: ${oneLine(f.message)}`);
  for (const f of check.skippedRules) lines.push(`       - skipped ${f.location}: ${oneLine(f.message)}`);
  return lines;
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ');
}
