/**
 * The generated README of a governed lifecycle project: the diagram draws the register stage's
 * version going to the registry and the approval as a decision between register and transform, with
 * its rejection path; the stage table says these stages run no job; the governance and monitoring
 * sections say how to decide (deployed and local), what a rejection or a timeout does, and where the
 * dashboard and alarm are. A project without them has no such sections.
 */
import { buildReadme } from '../../src/docs/readme.js';
import { pipelineMermaid } from '../../src/docs/mermaid.js';
import { resolvePipeline, type PipelineOptions } from '../../src/model/index.js';
import { FIXED_LIFECYCLE, TEAM_NOTIFICATIONS, governedStages } from '../support/governed-pipeline.js';

const governed: PipelineOptions = {
  name: 'demo',
  region: 'eu-west-1',
  account: '111122223333',
  notifications: TEAM_NOTIFICATIONS,
  stages: governedStages({ register: { registry: { autoApprove: true } }, approval: { approval: { timeoutSeconds: 172800 } } }),
};

test('the diagram: the version goes to the registry, the approval is a decision between register and transform, rejection fails', () => {
  const lines = pipelineMermaid(resolvePipeline(governed)).split('\n').map((l) => l.trim());
  expect(lines).toContain('stage_register["register<br/><small>register · version in group demo · Approved</small>"]');
  expect(lines).toContain('stage_approve{"approve<br/><small>approval · a person decides within 2 d</small>"}');
  expect(lines).toContain('stage_register -- "version" --> registry_demo[("model registry<br/><small>demo</small>")]');
  expect(lines).toContain('stage_register --> stage_approve');
  expect(lines).toContain('stage_approve -- "approved" --> stage_transform');
  expect(lines).toContain('stage_approve -. "rejected or no decision" .-> stage_approve_failed');
  // Nothing claims an instance for the stages that run none.
  expect(lines.filter((l) => /^stage_(register|approve)\b.*ml\.m5/.test(l))).toEqual([]);
  // Every node an edge names is declared.
  const declared = new Set(lines.map((l) => /^([a-z_]+)[[{(]/.exec(l)?.[1]).filter(Boolean));
  for (const edge of lines.filter((l) => /-->|\.->/.test(l))) {
    const [from, to] = [edge.split(' ')[0], edge.split(' ').pop()!.replace(/\[.*$/, '')];
    expect([from, declared.has(from)]).toEqual([from, true]);
    expect([to, declared.has(to) || edge.endsWith(')]')]).toEqual([to, true]);
  }
});

test('the README: stage rows, how to approve or reject, what a rejection and a timeout do, the dashboard and the alarm', () => {
  const readme = buildReadme(resolvePipeline(governed));
  expect(readme).toContain('| `register` | The register stage. | the model of `model` | (none) | (no instance) a version in group `demo` |');
  expect(readme).toContain('| `approve` | The approve stage. | (none: an AWS API call) | (none) | (no instance) waits up to 172800 s for a person |');
  // The execution input's entries: register and approve set nothing (they were said to run instances, of model `undefined`).
  expect(readme).toContain('- `$.stages.register` (register): nothing to size (it runs no image and no instances of its own)');
  expect(readme).toContain('- `$.stages.approve` (approve): nothing to size (it runs no image and no instances of its own)');
  expect(readme).toContain('- `$.stages.transform` (transform): instances (runs the model of `model`)');
  expect(readme).not.toContain('`undefined`');
  const governance = readme.slice(readme.indexOf('## Model governance'), readme.indexOf('\n## ', readme.indexOf('## Model governance') + 3));
  expect(governance).toContain('group `demo` (created by the CDK app and kept when the stack is destroyed)');
  expect(governance).toContain('It starts `Approved` (the metric gate before it passed, and `autoApprove` is set).');
  expect(governance).toContain('e-mails the request to `ml-team@example.com`');
  expect(governance).toContain('npx legacy-mlops approve <execution name or ARN> --reject --reason "why"');
  expect(governance).toContain('A rejection ends the execution in `approve: rejected`; no decision within 2 days ends it in `approve: no decision in time`.');
  expect(governance).toContain('`npx projen local -- --approve-all` or `--reject-all`');
  // The registry path: the version in its group, and (pre-approved here) only a rejection decides.
  expect(governance).toContain('Or decide in the SageMaker Model Registry: open the version in group `demo`');
  expect(governance).toContain('--model-approval-status Rejected --approval-description "why"`) and reject it there (the version starts `Approved`, so only a rejection decides).');
  expect(governance).toContain('log group `/legacy-mlops/demo/registry-approvals`');
  expect(governance).toContain('a decision made with the command (which also records it on the version) is not sent twice');
  const pending = buildReadme(resolvePipeline({ ...governed, stages: governed.stages!.map((s) => (s.kind === 'register' ? { ...s, registry: {} } : s)) }));
  expect(pending).toContain('--model-approval-status Approved|Rejected --approval-description "why"`) and approve or reject it there.');
  const monitoring = readme.slice(readme.indexOf('## Monitoring'), readme.indexOf('\n## ', readme.indexOf('## Monitoring') + 3));
  expect(monitoring).toContain('CloudWatch dashboard `demo`');
  expect(monitoring).toContain('Each gate publishes the metric it compared, passing or not, to CloudWatch (namespace `legacy-mlops/demo`, dimensions `Pipeline` and `Stage`): `accuracy` of `evaluate`.');
  expect(monitoring).toContain(
    'The alarm `demo-failed-executions` goes off when executions fail or time out in 2 or more 5-minute periods within 24 hours: the pipeline keeps failing, and publishes that to the notifications topic once, when it turns red.',
  );
  expect(monitoring).toContain('One message per failure: each failed, timed-out or aborted execution is published to the notifications topic once, by an EventBridge rule, naming the execution');
  const quiet = buildReadme(resolvePipeline({ ...governed, notifications: undefined, stages: [...FIXED_LIFECYCLE] }));
  expect(quiet).toContain('the pipeline keeps failing (add `notifications` in `.projenrc.ts` to be told).');
  expect(quiet).not.toContain('One message per failure');
});

test('without governance stages or with dashboard: false, those sections are absent', () => {
  const plain = buildReadme(resolvePipeline({ name: 'demo', region: 'eu-west-1', account: '111122223333', dashboard: false }));
  expect(plain).not.toContain('## Model governance');
  const approvalAlone = buildReadme(resolvePipeline({ ...governed, stages: [...FIXED_LIFECYCLE, { name: 'approve', kind: 'approval' }] }));
  expect(approvalAlone).toContain('npx legacy-mlops approve');
  expect(approvalAlone).not.toContain('Model Registry');
  expect(plain).not.toContain('## Monitoring');
  const existing = buildReadme(resolvePipeline({ ...governed, stages: governed.stages!.map((s) => (s.kind === 'register' ? { ...s, registry: { group: 'shared', existingGroup: true } } : s)) }));
  expect(existing).toContain('group `shared` (an existing group: the CDK app does not create it)');
});
