/** The generated README's section on `npx projen doctor`: the checks planned for this pipeline. Pure. */
import { actionsAsked, whatPasses } from '../doctor/describe.js';
import { planChecks, type PlannedCheck } from '../doctor/plan.js';
import { renderTable } from '../doctor/report.js';
import { fail, pass, type CheckResult } from '../doctor/types.js';
import type { ResolvedPipeline } from '../model/types.js';

export function doctorSection(pipeline: ResolvedPipeline): string[] {
  const environment = pipeline.environments.find((e) => e.account === pipeline.account && e.region === pipeline.region) ?? pipeline.environments[0];
  const checks = planChecks({ environment, pipeline });
  const actions = [...new Set(checks.flatMap(actionsAsked))].sort();
  return [
    '## Before the first deploy: `npx projen doctor`',
    '',
    `\`npx projen doctor\` asks AWS, read-only, whether account \`${environment.account}\` in \`${environment.region}\` is ready for this pipeline, and answers each check with **pass**, **FAIL** and a one-line fix, ` +
      '**could not check** (AWS did not answer, or the credentials may not ask: the call is named) or **skipped**. It exits 1 on any failure, and in one line when there are no credentials. ' +
      '`--env <name>` checks another environment; `--json` prints the same as JSON. The deploy workflow runs it before every `cdk deploy`.',
    '',
    '| Check | Passes when |',
    '| --- | --- |',
    ...checks.map((c) => `| ${c.title} | ${whatPasses(c)} |`),
    '',
    'A SageMaker quota of 0 for an instance type is the most common reason a first run fails (`ResourceLimitExceeded`): the fix line is the `aws service-quotas request-service-quota-increase` command for that quota. ' +
      `The checks call ${actions.map((a) => `\`${a}\``).join(', ')}.`,
    '',
    'Its output looks like this (each pass line shown with what was checked; here the first quota is still 0):',
    '',
    '```',
    renderTable({ environment: environment.name, account: environment.account, region: environment.region, checks: exampleResults(checks) }),
    '```',
    '',
  ];
}

/** Every check passing with what it checked, except the first quota at 0, worded as the quota check words it. */
function exampleResults(checks: readonly PlannedCheck[]): CheckResult[] {
  const zero = checks.find((c) => c.kind === 'quota');
  return checks.map((c) => {
    if (c !== zero || c.kind !== 'quota') return pass(c, whatPasses(c).replace(/`/g, ''));
    const stages = `stage${c.stages.length > 1 ? 's' : ''} ${c.stages.join(', ')}`;
    return fail(
      c,
      `quota is 0 (applied), ${stages} need${c.stages.length > 1 ? '' : 's'} ${c.needed} instance${c.needed > 1 ? 's' : ''}`,
      `aws service-quotas request-service-quota-increase --region ${c.region} --service-code sagemaker --quota-code L-… --desired-value ${c.needed}, or use an instance type with quota`,
    );
  });
}
