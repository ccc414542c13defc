/**
 * Governance at creation: `create-legacy-mlops --preset governed --approver-email <address>` (or an
 * answers file's `approverEmail`, or the prompt): .projenrc.ts declares the registry and approval stages
 * and the notifications address, the evaluation cannot be skipped, the state machine has the approval;
 * without an address, or with a bad one, one line naming the flag, nothing written.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { collectGiven } from '../../src/create/answers.js';
import { parseCreateOptions } from '../../src/create/cli.js';
import { readFlags } from '../../src/create/flags.js';
import { STAGE_PRESETS } from '../../src/model/index.js';
import { isolateFromAws } from '../support/aws-isolation.js';
import { declaredOptions, runAppGenerator } from '../support/declared-options.js';

const PROJECT = { region: 'eu-west-1', account: '111122223333', skipInstall: true, git: false };

isolateFromAws();

const run = runAppGenerator;

const declared = declaredOptions;

test('the governed preset: lifecycle with register and approval before the transform, evaluation not skippable', () => {
  expect(STAGE_PRESETS.governed.map((s) => `${s.name}:${s.kind ?? 'processing'}`)).toEqual([
    'preprocess:processing',
    'train:training',
    'evaluate:evaluation',
    'model:model',
    'register:register',
    'approve:approval',
    'transform:transform',
  ]);
  expect(STAGE_PRESETS.governed.find((s) => s.kind === 'evaluation')?.skippable).toBe(false);
});

test('--preset governed --approver-email: the stages, the address and the approval in the state machine', async () => {
  const result = await run().withArguments(['churn']).withOptions({ yes: true, ...PROJECT, preset: 'governed', 'approver-email': 'ml-lead@example.com' });
  expect(result.askedQuestions).toEqual([]);
  const dir = path.join(result.cwd, 'churn');
  const options = declared(dir);
  expect(options.notifications).toEqual({ email: 'ml-lead@example.com' });
  expect(options.stages.map((s: any) => s.name)).toEqual(['preprocess', 'train', 'evaluate', 'model', 'register', 'approve', 'transform']);
  expect(fs.readFileSync(path.join(dir, '.projenrc.ts'), 'utf8')).toMatch(/\/\/ Failed, timed-out and aborted executions, and approval requests, go to this address/);
  const asl = JSON.parse(fs.readFileSync(path.join(dir, 'pipeline/state-machine.asl.json'), 'utf8'));
  expect(asl.States.approve.Resource).toBe('arn:aws:states:::sns:publish.waitForTaskToken');
  expect(asl.States.register.Resource).toBe('arn:aws:states:::aws-sdk:sagemaker:createModelPackage');
  expect(fs.readFileSync(path.join(dir, 'README.md'), 'utf8')).toContain('## Model governance');
});

describe('one line naming the flag or key, nothing written', () => {
  test.each([
    [{ preset: 'governed' }, /^stage 'approve' waits for a person to approve each model: pass --approver-email <address> \(who is e-mailed to decide\)$/],
    [{ preset: 'governed', 'approver-email': 'not-an-address' }, /^Invalid --approver-email: 'not-an-address' is not an e-mail address \(e\.g\. 'ml-team@example\.com'\)$/],
  ])('%j', async (flags, message) => {
    const context = run().withArguments(['bad']).withOptions({ yes: true, ...PROJECT, ...flags });
    await expect(context).rejects.toThrow(message);
    expect(fs.existsSync(path.join(context.targetDirectory!, 'bad'))).toBe(false);
  });

  test('an answers file: approverEmail is read and checked like the flag', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lmo-governance-answers-'));
    fs.writeFileSync(path.join(dir, 'answers.json'), JSON.stringify({ preset: 'governed', approverEmail: 'a@b.example' }));
    expect(collectGiven(readFlags({ answers: 'answers.json' }), dir).approverEmail?.value).toBe('a@b.example');
    fs.writeFileSync(path.join(dir, 'answers.json'), JSON.stringify({ approverEmail: 'nobody' }));
    expect(() => collectGiven(readFlags({ answers: 'answers.json' }), dir)).toThrow(/^Invalid .*approverEmail.*'nobody' is not an e-mail address/);
  });

  test('the command line parses it', () => {
    expect(readFlags(parseCreateOptions(['--preset', 'governed', '--approver-email', 'x@y.example']))).toEqual(expect.objectContaining({ preset: 'governed', approverEmail: 'x@y.example' }));
  });
});

test('at the prompt: the governed preset asks who approves, last', async () => {
  const result = await run()
    .withArguments(['asked'])
    .withOptions({ interactive: true, ...PROJECT })
    .withAnswers({ name: 'asked', preset: 'governed', from: '', tuneStages: false, fanOut: false, approverEmail: ' lead@example.com ' });
  expect(result.askedQuestions.map((q) => q.name).at(-1)).toBe('approverEmail');
  expect(declared(path.join(result.cwd, 'asked')).notifications).toEqual({ email: 'lead@example.com' });
});
