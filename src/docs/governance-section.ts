/**
 * The generated README's sections on model governance (the registry, the approval, the promotion
 * reader's questions) and on monitoring (the dashboard and the alarm). Pure: model → Markdown lines.
 */
import { approvalStateNames } from '../asl/approval-states.js';
import { NO_APPROVED_VERSION_ERROR, promotions } from '../asl/promotion-states.js';
import { gateMetricNamespace } from '../asl/gate-metric.js';
import { dashboardName, FAILED_EXECUTIONS_ALARM, failedExecutionsAlarmName } from '../construct/monitoring-names.js';
import { registryResumeLogGroupName } from '../iam/registry-resume-policy.js';
import type { ResolvedPipeline, ResolvedStage } from '../model/types.js';

function hours(seconds: number): string {
  const h = Math.round((seconds / 3600) * 10) / 10;
  return h >= 48 ? `${Math.round((h / 24) * 10) / 10} days` : `${h} hours`;
}

export function governanceSection(pipeline: ResolvedPipeline): string[] {
  const registers = pipeline.stages.filter((s) => s.registry);
  const approvals = pipeline.stages.filter((s) => s.approval);
  if (registers.length === 0 && approvals.length === 0) return [];
  const lines = ['## Model governance', ''];
  for (const s of registers) {
    const r = s.registry!;
    lines.push(
      `\`${s.name}\` adds a version to the SageMaker Model Registry group \`${r.group}\` (${r.existingGroup ? 'an existing group: the CDK app does not create it' : 'created by the CDK app and kept when the stack is destroyed'}): ` +
        `the image and model data of \`${s.modelStage}\`${r.evaluationStage ? `, the report of \`${r.evaluationStage}\` as its model metrics` : ''} and the execution that registered it. ` +
        `It starts ${r.autoApprove ? '`Approved` (the metric gate before it passed, and `autoApprove` is set)' : '`PendingManualApproval`'}.`,
      '',
    );
  }
  lines.push(...servedModels(pipeline));
  for (const s of approvals) {
    const a = s.approval!;
    const names = approvalStateNames(s);
    lines.push(
      `\`${s.name}\` pauses the execution until a person decides: the notifications topic e-mails the request${pipeline.notifications?.email ? ` to \`${pipeline.notifications.email}\`` : ''} with the execution, ` +
        `${a.registerStage ? 'the model version, ' : ''}the metric and the commands. Then, from a clone of this repository with AWS credentials that may decide (\`${'pipeline/iam/approver-policy.json'}\`):`,
      '',
      '```sh',
      'npx legacy-mlops approve <execution name or ARN>                          # approve: the execution continues',
      'npx legacy-mlops approve <execution name or ARN> --reject --reason "why"   # reject: the execution fails',
      '```',
      '',
      `${a.registerStage ? `The decision (who, when, why) is recorded on the version of \`${a.registerStage}\` (\`Approved\` or \`Rejected\`). ` : ''}` +
        `A rejection ends the execution in \`${names.rejected}\`; no decision within ${hours(a.timeoutSeconds)} ends it in \`${names.timedOut}\`. ` +
        'The token the command sends is read from the execution history, so an approver needs no other secret.',
      '',
      ...registryPath(pipeline, s),
      'In a local run the stage asks on the terminal, or waits for `npx legacy-mlops approve <execution>` from another terminal (the run prints the name); ' +
        '`npx projen local -- --approve-all` or `--reject-all` decide unattended. The run report shows who decided and when.',
      '',
    );
  }
  return lines;
}

/** Which model each environment serves (`environments[].modelSource`): the promotion from pre-production to production. */
function servedModels(pipeline: ResolvedPipeline): string[] {
  const promoted = promotions(pipeline);
  const registers = pipeline.stages.filter((s) => s.registry);
  if (registers.length === 0) return [];
  const rows = pipeline.environments.map((e) => {
    const serves =
      e.modelSource === 'latest-approved' && promoted.length > 0
        ? promoted.map((p) => `\`${p.servingStage.name}\` and later stages run the newest \`Approved\` version of group \`${p.group}\` (not this run's model, unless it is that version)`).join('; ')
        : 'the model this execution made';
    return `| \`${e.name}\` | ${e.account}, ${e.region} | \`${e.modelSource}\` | ${serves} |`;
  });
  return [
    '### Which model each environment serves',
    '',
    '| Environment | Account, region | `modelSource` | Serves |',
    '| --- | --- | --- | --- |',
    ...rows,
    '',
    ...(promoted.length > 0
      ? [
          'In a `latest-approved` environment the state machine lists the group\'s Approved versions (newest first) right before the first serving stage and creates a model from that version; ' +
            `with none approved yet the execution ends in \`${NO_APPROVED_VERSION_ERROR}\`. It knows the environment from the account and region in its own execution ARN, so no execution input can change what production serves. ` +
            'Locally, `npx projen local -- --env <name>` runs as that environment would, against the versions in `.local/registry/`. ' +
            'Set `modelSource` per environment in `.projenrc.ts` (default: `latest-approved` for the last of several environments).',
          '',
        ]
      : []),
  ];
}

/** How deciding the version in the model registry resumes the execution (approval stages after a register stage). */
function registryPath(pipeline: ResolvedPipeline, stage: ResolvedStage): string[] {
  const register = pipeline.stages.find((r) => r.name === stage.approval?.registerStage);
  if (!register?.registry) return [];
  const { group, autoApprove } = register.registry;
  const what = autoApprove ? 'reject it there (the version starts `Approved`, so only a rejection decides)' : 'approve or reject it there';
  if (pipeline.roles.bringYourOwn) {
    return [
      `Deciding the version in the model registry does not resume the execution in this project: with existing roles (\`existingRoles\`) the stack creates no role, so the registry path (an EventBridge rule and a function with a role of its own) is not deployed. Use the command above.`,
      '',
    ];
  }
  return [
    `Or decide in the SageMaker Model Registry: open the version in group \`${group}\` (SageMaker Studio, or \`aws sagemaker update-model-package --model-package-arn <version ARN> --model-approval-status ${autoApprove ? 'Rejected' : 'Approved|Rejected'} --approval-description "why"\`) and ${what}. ` +
      `An EventBridge rule on the group's status changes calls a small function (log group \`${registryResumeLogGroupName(pipeline)}\`) that finds the execution that registered the version, ` +
      "checks that it waits for exactly that version, and sends it the decision with the token from its history, as the command does; who changed the status (SageMaker's record) and the approval description become the decision's author and reason. " +
      'A version decided before the approval was asked is not taken as an answer, and a decision made with the command (which also records it on the version) is not sent twice; ' +
      'an event the function still cannot handle after two retries is published to the notifications topic, so a decision is never lost silently. ' +
      `Deciding in the registry needs \`sagemaker:UpdateModelPackage\` on \`model-package/${group.toLowerCase()}/*\` rather than the approvers policy.`,
    '',
  ];
}

/** The gate metrics the state machine publishes itself, and where the dashboard and a local run show them. */
function gateMetricSentence(pipeline: ResolvedPipeline): string {
  const gates = pipeline.stages.filter((s) => s.gate);
  if (gates.length === 0) return '';
  const metrics = gates.map((s) => `\`${s.gate!.metric}\` of \`${s.name}\``).join(', ');
  return (
    `Each gate publishes the metric it compared, passing or not, to CloudWatch (namespace \`${gateMetricNamespace(pipeline)}\`, dimensions \`Pipeline\` and \`Stage\`): ${metrics}. ` +
    'The dashboard graphs it per day with the threshold; a local run appends it to `.local/metrics/`. '
  );
}

export function monitoringSection(pipeline: ResolvedPipeline): string[] {
  if (!pipeline.dashboard) return [];
  return [
    '## Monitoring',
    '',
    `Each environment's stack adds the CloudWatch dashboard \`${dashboardName(pipeline)}\` (its link is the stack output \`DashboardUrl\`): executions started, succeeded, failed, timed out and aborted per day, execution time, ` +
      'and from the execution log: how long each stage takes and which stage executions fail in. ' +
      `${gateMetricSentence(pipeline)}` +
      `The alarm \`${failedExecutionsAlarmName(pipeline)}\` goes off when executions fail or time out in ${FAILED_EXECUTIONS_ALARM.datapointsToAlarm} or more ${FAILED_EXECUTIONS_ALARM.periodMinutes}-minute periods within 24 hours: the pipeline keeps failing` +
      `${pipeline.notifications ? ', and publishes that to the notifications topic once, when it turns red' : ' (add `notifications` in `.projenrc.ts` to be told)'}. ` +
      'Set `dashboard: false` in `.projenrc.ts` to leave both out.',
    ...(pipeline.notifications
      ? [
          '',
          'One message per failure: each failed, timed-out or aborted execution is published to the notifications topic once, by an EventBridge rule, naming the execution and linking its page. ' +
            'The alarm does not repeat that message for each failure (it would have sent every failure twice); it only speaks when failures repeat.',
        ]
      : []),
    '',
  ];
}
