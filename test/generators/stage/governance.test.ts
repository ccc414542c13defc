/**
 * `yo legacy-mlops:stage` adding the governance kinds from options: a register stage with its group,
 * existing-group and auto-approve, an approval stage with its timeout; and the refusals when an option
 * does not fit the kind or a value is wrong, with nothing written.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import helpers from 'yeoman-test';
import StageGenerator from '../../../generators/stage/index.js';
import { renderProjenrc, type ProjectDefinition } from '../../../src/create/projenrc.js';
import { LIFECYCLE_STAGES, resolvePipeline } from '../../../src/model/index.js';
import { STAGE_GENERATOR, makeRepo, readJson, snapshot } from '../../support/stage-generator-fixtures.js';
import { declaredOptions } from '../../support/declared-options.js';

const DEFINITION: ProjectDefinition = {
  pipeline: { name: 'churn', region: 'eu-west-1', account: '111122223333', notifications: { email: 'ml-lead@example.com' }, stages: LIFECYCLE_STAGES.map((s) => ({ ...s, skippable: false })) },
};

const repo = () => makeRepo(DEFINITION, renderProjenrc(DEFINITION));
const run = (cwd: string, args: string[]) => helpers.run<StageGenerator>(StageGenerator, { resolved: STAGE_GENERATOR }).cd(cwd).withArguments(args).withOptions({ synthInProcess: true });

const declared = declaredOptions;
const states = (dir: string) => readJson(path.join(dir, 'pipeline/state-machine.asl.json')).States as Record<string, any>;

test('a register stage (--group --auto-approve) after the model, then an approval (--approval-timeout) after it', async () => {
  const dir = repo();
  await run(dir, ['register', '--kind', 'register', '--group', 'churn-models', '--auto-approve=true', '--after', 'model', '--yes']);
  let stage = resolvePipeline(declared(dir)).stages.find((s) => s.name === 'register')!;
  expect(stage.registry).toEqual({ group: 'churn-models', autoApprove: true, existingGroup: false, evaluationStage: 'evaluate' });
  expect(states(dir).register.Parameters).toEqual(expect.objectContaining({ ModelPackageGroupName: 'churn-models', ModelApprovalStatus: 'Approved' }));

  await run(dir, ['approve', '--kind', 'approval', '--approval-timeout', '3600', '--after', 'register', '--yes']);
  const pipeline = resolvePipeline(declared(dir));
  expect(pipeline.stages.map((s) => s.name)).toEqual(['preprocess', 'train', 'evaluate', 'model', 'register', 'approve', 'transform']);
  stage = pipeline.stages.find((s) => s.name === 'approve')!;
  expect(stage.approval).toEqual({ timeoutSeconds: 3600, registerStage: 'register' });
  expect(states(dir).approve).toEqual(expect.objectContaining({ Resource: 'arn:aws:states:::sns:publish.waitForTaskToken', TimeoutSeconds: 3600 }));
  expect(fs.readFileSync(path.join(dir, 'README.md'), 'utf8')).toContain('## Model governance');
}, 120_000);

test('--existing-group: the stage says so, and the default group is the project name', async () => {
  const dir = repo();
  await run(dir, ['register', '--kind', 'register', '--existing-group', 'true', '--after', 'model', '--yes']);
  expect(resolvePipeline(declared(dir)).stages.find((s) => s.name === 'register')!.registry).toEqual(expect.objectContaining({ group: 'churn', existingGroup: true, autoApprove: false }));
}, 60_000);

test('a bare yes/no flag means yes and --no-<flag> means no (neither is ignored)', async () => {
  const dir = repo();
  await run(dir, ['register', '--kind', 'register', '--auto-approve', '--existing-group', '--after', 'model', '--yes']);
  expect(resolvePipeline(declared(dir)).stages.find((s) => s.name === 'register')!.registry).toEqual(expect.objectContaining({ autoApprove: true, existingGroup: true }));
  const other = repo();
  await run(other, ['register', '--kind', 'register', '--no-auto-approve', '--after', 'model', '--yes']);
  expect(resolvePipeline(declared(other)).stages.find((s) => s.name === 'register')!.registry).toEqual(expect.objectContaining({ autoApprove: false }));
}, 120_000);

describe('refused before anything is written', () => {
  test.each([
    [['register', '--kind', 'register', '--group', 'bad_group!', '--after', 'model', '--yes'], /^Invalid --group: .*'bad_group!' is not a model package group name/],
    [['approve', '--kind', 'approval', '--approval-timeout', '5', '--yes'], /^Invalid --approval-timeout: .*5 must be a whole number of seconds from 60/],
    [['approve', '--kind', 'approval', '--approval-timeout', 'soon', '--yes'], /^Invalid --approval-timeout: 'soon' is not a number$/],
    [['clean', '--kind', 'processing', '--group', 'x', '--yes'], /^Invalid --group: only register stages take it \(this is a processing stage\)$/],
  ])('%j', async (args, message) => {
    const dir = repo();
    const before = snapshot(dir);
    await expect(run(dir, args)).rejects.toThrow(message);
    expect(snapshot(dir)).toEqual(before);
  });
});

describe('--approver-email: who an approval stage e-mails (notifications.email, the same question as create)', () => {
  const UNNOTIFIED: ProjectDefinition = { pipeline: { ...DEFINITION.pipeline, notifications: undefined } };
  const unnotified = () => makeRepo(UNNOTIFIED, renderProjenrc(UNNOTIFIED));

  test('a project that e-mails nobody: --approver-email adds notifications { email } beside the stage; the approval publishes to the topic', async () => {
    const dir = unnotified();
    const result = await run(dir, ['approve', '--kind', 'approval', '--approver-email', 'lead@example.com', '--after', 'evaluate', '--yes']);
    expect(declared(dir).notifications).toEqual({ email: 'lead@example.com' });
    expect(fs.readFileSync(path.join(dir, '.projenrc.ts'), 'utf8')).toContain("notifications: { email: 'lead@example.com' }");
    expect(states(dir).approve.Resource).toBe('arn:aws:states:::sns:publish.waitForTaskToken');
    expect(result.generator.notes).toContainEqual(expect.stringMatching(/^notifications\.email is lead@example\.com: 'approve' e-mails it to decide/));
  }, 60_000);

  test('asked at the prompt when the project e-mails nobody; not asked when it does', async () => {
    const dir = unnotified();
    const result = await run(dir, ['approve', '--kind', 'approval', '--after', 'evaluate'])
      .withOptions({ interactive: true })
      .withAnswers({ description: '', approvalTimeout: '3600', approverEmail: 'decider@example.com' });
    expect(result.generator.conversation.asked).toContain('approverEmail');
    expect(declared(dir).notifications).toEqual({ email: 'decider@example.com' });
    const other = repo();
    const again = await run(other, ['approve', '--kind', 'approval', '--after', 'evaluate']).withOptions({ interactive: true }).withAnswers({ description: '', approvalTimeout: '3600' });
    expect(again.generator.conversation.asked).not.toContain('approverEmail');
    expect(declared(other).notifications).toEqual({ email: 'ml-lead@example.com' });
  }, 120_000);

  test('a different address replaces the project one, and says so', async () => {
    const dir = repo();
    const result = await run(dir, ['approve', '--kind', 'approval', '--approver-email', 'new-lead@example.com', '--after', 'evaluate', '--yes']);
    expect(declared(dir).notifications).toEqual({ email: 'new-lead@example.com' });
    expect(result.generator.notes).toContainEqual(expect.stringContaining('(it was ml-lead@example.com)'));
  }, 60_000);

  test.each([
    ['without an address, nothing to e-mail', ['approve', '--kind', 'approval', '--yes'], /^stage 'approve' waits for a person to approve each model and the project e-mails nobody yet: pass --approver-email <address>/],
    ['not an address', ['approve', '--kind', 'approval', '--approver-email', 'nobody', '--yes'], /^Invalid --approver-email: 'nobody' is not an e-mail address/],
    ['not an approval stage', ['clean', '--approver-email', 'a@b.example', '--yes'], /^Invalid --approver-email: only approval stages take it \(this is a processing stage\)$/],
  ])('refused, nothing written: %s', async (_name, args, message) => {
    const dir = unnotified();
    const before = snapshot(dir);
    await expect(run(dir, args)).rejects.toThrow(message);
    expect(snapshot(dir)).toEqual(before);
  });
});
