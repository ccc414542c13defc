/**
 * The registry path's logic against mocked AWS clients (aws-sdk-client-mock): a version approved or
 * rejected in the registry resumes the execution that waits for it; nothing is sent when no execution
 * waits, when the approval was already decided (by `legacy-mlops approve`, whose decision the state
 * machine then records on the version, firing the same event), for a version of another group, for
 * a status set before the approval was asked, or to an execution of another state machine.
 */
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  SFNClient,
  type HistoryEvent,
} from '@aws-sdk/client-sfn';
import { DescribeModelPackageCommand, SageMakerClient, type DescribeModelPackageCommandOutput } from '@aws-sdk/client-sagemaker';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { configFromEnvironment, resumeFromRegistry, type RegistryEvent, type RegistryResumeConfig, type ResumeOutcome } from '../../src/approval/registry-resume.js';
import { runApprove } from '../../src/cli/approve.js';

const MACHINE = 'arn:aws:states:eu-west-1:111122223333:stateMachine:churn';
const EXECUTION = 'arn:aws:states:eu-west-1:111122223333:execution:churn:nightly-7';
const VERSION = 'arn:aws:sagemaker:eu-west-1:111122223333:model-package/churn/3';
const TOKEN = 'AQCEAAAAKgAAAAMAAAAAAAAAAb-real-looking-token';
const ASKED = new Date('2026-05-01T02:00:00Z');
const DECIDED = new Date('2026-05-01T09:30:00Z');
const ALICE = 'arn:aws:sts::111122223333:assumed-role/ml-leads/alice';
const CONFIG: RegistryResumeConfig = { stateMachineArn: MACHINE, groups: ['churn'], statuses: ['Approved', 'Rejected'] };

const sfn = mockClient(SFNClient);
const sagemaker = mockClient(SageMakerClient);
const sts = mockClient(STSClient);
const clients = () => ({ sfn: new SFNClient({ region: 'eu-west-1' }), sagemaker: new SageMakerClient({ region: 'eu-west-1' }) });
afterAll(() => {
  sfn.restore();
  sagemaker.restore();
  sts.restore();
});

const event = (status: string, group = 'churn', arn = VERSION): RegistryEvent => ({
  source: 'aws.sagemaker',
  'detail-type': 'SageMaker Model Package State Change',
  time: DECIDED.toISOString(),
  detail: { ModelPackageGroupName: group, ModelPackageArn: arn, ModelApprovalStatus: status },
});

const version = (overrides: Partial<DescribeModelPackageCommandOutput> = {}) => ({
  ModelPackageArn: VERSION,
  ModelPackageName: 'churn',
  ModelPackageGroupName: 'churn',
  ModelApprovalStatus: 'Approved' as const,
  CreationTime: new Date('2026-05-01T01:55:00Z'),
  LastModifiedTime: DECIDED,
  LastModifiedBy: { IamIdentity: { Arn: ALICE } },
  ApprovalDescription: 'AUC 0.91 on the holdout, checked the drift report',
  CustomerMetadataProperties: { 'legacy-mlops:execution': EXECUTION, accuracy: '0.91' },
  ...overrides,
});

const scheduled = (modelPackageArn = VERSION): HistoryEvent => ({
  id: 40,
  type: 'TaskScheduled',
  timestamp: ASKED,
  taskScheduledEventDetails: {
    resourceType: 'sns',
    resource: 'publish.waitForTaskToken',
    region: 'eu-west-1',
    parameters: JSON.stringify({
      TopicArn: 'arn:aws:sns:eu-west-1:111122223333:churn-notifications',
      Message: '…',
      MessageAttributes: {
        taskToken: { DataType: 'String', StringValue: TOKEN },
        stage: { DataType: 'String', StringValue: 'approve' },
        execution: { DataType: 'String', StringValue: EXECUTION },
        modelPackageArn: { DataType: 'String', StringValue: modelPackageArn },
      },
    }),
  },
});
const started: HistoryEvent = { id: 41, type: 'TaskStarted', timestamp: ASKED, taskStartedEventDetails: { resourceType: 'sns', resource: 'publish.waitForTaskToken' } };
const succeeded: HistoryEvent = { id: 43, type: 'TaskSucceeded', timestamp: DECIDED, taskSucceededEventDetails: { resourceType: 'sns', resource: 'publish.waitForTaskToken', output: '{}' } };

/** A deployed execution waiting in its approval stage; a decision sent to its token appends the task's end to the history. */
function waitingExecution(history: HistoryEvent[] = [started, scheduled()]) {
  const events = [...history];
  sfn.on(DescribeExecutionCommand).resolves({ executionArn: EXECUTION, stateMachineArn: MACHINE, status: 'RUNNING', startDate: ASKED });
  sfn.on(GetExecutionHistoryCommand).callsFake(() => ({ events: [...events] }));
  sfn.on(SendTaskSuccessCommand).callsFake(() => {
    events.unshift(succeeded);
    return {};
  });
  sfn.on(SendTaskFailureCommand).callsFake(() => {
    events.unshift({ id: 43, type: 'TaskFailed', timestamp: DECIDED, taskFailedEventDetails: { resourceType: 'sns', resource: 'publish.waitForTaskToken', error: 'ApprovalRejected' } });
    return {};
  });
}

/** Why nothing was sent (undefined when a decision was). */
const whyOf = (outcome: ResumeOutcome) => (outcome.action === 'ignored' ? outcome.why : undefined);

beforeEach(() => {
  sfn.reset();
  sagemaker.reset();
  sts.reset();
});

test('approved in the registry: the waiting execution gets SendTaskSuccess with who, when and the description', async () => {
  waitingExecution();
  sagemaker.on(DescribeModelPackageCommand, { ModelPackageName: VERSION }).resolves(version());
  const outcome = await resumeFromRegistry(event('Approved'), CONFIG, clients());
  expect(outcome).toEqual({ action: 'approved', execution: EXECUTION, stage: 'approve', modelPackageArn: VERSION, by: ALICE });
  const sent = sfn.commandCalls(SendTaskSuccessCommand);
  expect(sent).toHaveLength(1);
  expect(sent[0].args[0].input.taskToken).toBe(TOKEN);
  expect(JSON.parse(sent[0].args[0].input.output!)).toEqual({
    decision: 'approved',
    by: ALICE,
    at: '2026-05-01T09:30:00.000Z',
    reason: 'AUC 0.91 on the holdout, checked the drift report (in the model registry)',
  });
  expect(sfn.commandCalls(SendTaskFailureCommand)).toHaveLength(0);
});

test('rejected in the registry: SendTaskFailure with ApprovalRejected and the decision as its cause; a Studio user is named by profile', async () => {
  waitingExecution();
  sagemaker.on(DescribeModelPackageCommand).resolves(version({ ModelApprovalStatus: 'Rejected', ApprovalDescription: undefined, LastModifiedBy: { UserProfileName: 'bob' } }));
  const outcome = await resumeFromRegistry(event('Rejected'), CONFIG, clients());
  expect(outcome).toMatchObject({ action: 'rejected', by: 'SageMaker Studio user bob' });
  const [failure] = sfn.commandCalls(SendTaskFailureCommand);
  expect(failure.args[0].input).toMatchObject({ taskToken: TOKEN, error: 'ApprovalRejected' });
  expect(JSON.parse(failure.args[0].input.cause!)).toEqual({ decision: 'rejected', by: 'SageMaker Studio user bob', at: '2026-05-01T09:30:00.000Z', reason: 'rejected in the model registry' });
  expect(sfn.commandCalls(SendTaskSuccessCommand)).toHaveLength(0);
});

test('a long registry description is cut so the recorded decision still fits ApprovalDescription (1024)', async () => {
  waitingExecution();
  sagemaker.on(DescribeModelPackageCommand).resolves(version({ ApprovalDescription: 'x'.repeat(1024) }));
  await resumeFromRegistry(event('Approved'), CONFIG, clients());
  const decision = JSON.parse(sfn.commandCalls(SendTaskSuccessCommand)[0].args[0].input.output!);
  // What the approval stage then writes: `Approved by <by> at <at>: <reason>`.
  expect(`Approved by ${decision.by} at ${decision.at}: ${decision.reason}`.length).toBeLessThanOrEqual(1024);
});

describe('nothing is sent', () => {
  test('no waiting execution: the execution ended, or runs but is not in an approval stage', async () => {
    sagemaker.on(DescribeModelPackageCommand).resolves(version());
    sfn.on(DescribeExecutionCommand).resolves({ executionArn: EXECUTION, stateMachineArn: MACHINE, status: 'SUCCEEDED', startDate: ASKED });
    expect(await resumeFromRegistry(event('Approved'), CONFIG, clients())).toEqual({ action: 'ignored', why: `execution ${EXECUTION} is SUCCEEDED: there is nothing left to decide` });
    sfn.reset();
    sfn.on(DescribeExecutionCommand).resolves({ executionArn: EXECUTION, stateMachineArn: MACHINE, status: 'RUNNING', startDate: ASKED });
    sfn.on(GetExecutionHistoryCommand).resolves({ events: [{ id: 3, type: 'ExecutionStarted', timestamp: ASKED }] });
    expect(await resumeFromRegistry(event('Approved'), CONFIG, clients())).toEqual({ action: 'ignored', why: `execution ${EXECUTION} is not waiting in an approval stage` });
    expect(sfn.commandCalls(SendTaskSuccessCommand)).toHaveLength(0);
  });

  test('already decided: a second event for the same decision (SageMaker may send several) sends nothing more', async () => {
    waitingExecution();
    sagemaker.on(DescribeModelPackageCommand).resolves(version());
    expect((await resumeFromRegistry(event('Approved'), CONFIG, clients())).action).toBe('approved');
    expect(await resumeFromRegistry(event('Approved'), CONFIG, clients())).toEqual({ action: 'ignored', why: `the approval of execution ${EXECUTION} was already decided (approved); nothing sent` });
    expect(sfn.commandCalls(SendTaskSuccessCommand)).toHaveLength(1);
  });

  test('decided by `legacy-mlops approve`: the status change the state machine then records fires the rule, and the execution is not decided twice', async () => {
    waitingExecution();
    sts.on(GetCallerIdentityCommand).resolves({ Arn: ALICE });
    const code = await runApprove([EXECUTION, '--reject', '--reason', 'drift on age'], '/nonexistent', {
      sfn: () => new SFNClient({ region: 'eu-west-1' }),
      sts: () => new STSClient({ region: 'eu-west-1' }),
      out: () => undefined,
      err: () => undefined,
    });
    expect(code).toBe(0);
    expect(sfn.commandCalls(SendTaskFailureCommand)).toHaveLength(1);
    // The state machine's "reject version" step sets Rejected: SageMaker's event reaches the function.
    sagemaker.on(DescribeModelPackageCommand).resolves(version({ ModelApprovalStatus: 'Rejected', ApprovalDescription: 'Rejected: {"decision":"rejected"}', LastModifiedBy: { IamIdentity: { Arn: 'arn:aws:sts::111122223333:assumed-role/churn-sfn/x' } } }));
    expect(await resumeFromRegistry(event('Rejected'), CONFIG, clients())).toEqual({ action: 'ignored', why: `the approval of execution ${EXECUTION} was already decided (ApprovalRejected); nothing sent` });
    expect(sfn.commandCalls(SendTaskFailureCommand)).toHaveLength(1);
    expect(sfn.commandCalls(SendTaskSuccessCommand)).toHaveLength(0);
  });

  test('decided meanwhile: the token is gone when the decision is sent', async () => {
    waitingExecution();
    sagemaker.on(DescribeModelPackageCommand).resolves(version());
    sfn.on(SendTaskSuccessCommand).rejects(Object.assign(new Error('Task Timed Out'), { name: 'TaskTimedOut' }));
    expect(await resumeFromRegistry(event('Approved'), CONFIG, clients())).toEqual({ action: 'ignored', why: `the approval of execution ${EXECUTION} was decided or timed out meanwhile (TaskTimedOut); nothing sent` });
  });

  test('a version of another group: ignored before any AWS call', async () => {
    expect(await resumeFromRegistry(event('Approved', 'payroll', 'arn:aws:sagemaker:eu-west-1:111122223333:model-package/payroll/1'), CONFIG, clients())).toEqual({
      action: 'ignored',
      why: 'model package group payroll is not decided by an approval stage of this pipeline',
    });
    expect(sagemaker.calls()).toHaveLength(0);
    expect(sfn.calls()).toHaveLength(0);
  });

  test('a version registered pre-approved: its status predates the approval request, so it answers nothing', async () => {
    waitingExecution();
    const registered = new Date('2026-05-01T01:55:00Z');
    sagemaker.on(DescribeModelPackageCommand).resolves(version({ LastModifiedTime: undefined, LastModifiedBy: undefined, CreationTime: registered }));
    const outcome = await resumeFromRegistry(event('Approved'), CONFIG, clients());
    expect(outcome).toEqual({ action: 'ignored', why: `${VERSION} became Approved at 2026-05-01T01:55:00.000Z, before stage approve asked at 2026-05-01T02:00:00.000Z: not a decision on that request` });
    // And where every register stage pre-approves, Approved does not decide at all.
    expect(whyOf(await resumeFromRegistry(event('Approved'), { ...CONFIG, statuses: ['Rejected'] }, clients()))).toMatch(/only Rejected decides/);
    expect(sfn.commandCalls(SendTaskSuccessCommand)).toHaveLength(0);
  });

  test('registered by another state machine, or waited for by another version, or changed back to pending', async () => {
    waitingExecution();
    sagemaker.on(DescribeModelPackageCommand).resolves(version({ CustomerMetadataProperties: { 'legacy-mlops:execution': 'arn:aws:states:eu-west-1:111122223333:execution:churn-shadow:run-1' } }));
    expect(whyOf(await resumeFromRegistry(event('Approved'), CONFIG, clients()))).toMatch(/not by an execution of arn:aws:states:eu-west-1:111122223333:stateMachine:churn$/);
    sagemaker.on(DescribeModelPackageCommand).resolves(version({ CustomerMetadataProperties: {} }));
    expect(whyOf(await resumeFromRegistry(event('Approved'), CONFIG, clients()))).toMatch(/was not registered by an execution/);
    sagemaker.on(DescribeModelPackageCommand).resolves(version({ ModelApprovalStatus: 'PendingManualApproval' }));
    expect(whyOf(await resumeFromRegistry(event('Approved'), CONFIG, clients()))).toBe(`${VERSION} is PendingManualApproval now`);
    sfn.reset();
    waitingExecution([started, scheduled('arn:aws:sagemaker:eu-west-1:111122223333:model-package/churn/4')]);
    sagemaker.on(DescribeModelPackageCommand).resolves(version());
    expect(whyOf(await resumeFromRegistry(event('Approved'), CONFIG, clients()))).toBe(`execution ${EXECUTION} waits for a decision on arn:aws:sagemaker:eu-west-1:111122223333:model-package/churn/4, not ${VERSION}`);
    expect(sfn.commandCalls(SendTaskSuccessCommand)).toHaveLength(0);
  });
});

test('the configuration comes from the environment; a missing or wrong value fails the function loudly', () => {
  expect(configFromEnvironment({ STATE_MACHINE_ARN: MACHINE, MODEL_PACKAGE_GROUPS: 'churn, churn-eu', DECIDING_STATUSES: 'Approved,Rejected' })).toEqual({
    stateMachineArn: MACHINE,
    groups: ['churn', 'churn-eu'],
    statuses: ['Approved', 'Rejected'],
  });
  expect(() => configFromEnvironment({ MODEL_PACKAGE_GROUPS: 'churn', DECIDING_STATUSES: 'Rejected' })).toThrow('environment variable STATE_MACHINE_ARN is not set');
  expect(() => configFromEnvironment({ STATE_MACHINE_ARN: MACHINE, MODEL_PACKAGE_GROUPS: 'churn', DECIDING_STATUSES: 'PendingManualApproval' })).toThrow('DECIDING_STATUSES: PendingManualApproval is not Approved or Rejected');
});
