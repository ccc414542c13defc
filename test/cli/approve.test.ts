/**
 * `legacy-mlops approve` against mocked AWS clients (aws-sdk-client-mock): approve, reject, unknown
 * execution, already decided, no credentials; and against a local run's approval files.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  SFNClient,
  type HistoryEvent,
} from '@aws-sdk/client-sfn';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { readDecision, writeApprovalRequest } from '../../src/approval/local-approvals.js';
import { runApprove } from '../../src/cli/approve.js';

const EXECUTION = 'arn:aws:states:eu-west-1:111122223333:execution:churn:nightly-7';
const TOKEN = 'AQCEAAAAKgAAAAMAAAAAAAAAAb-real-looking-token';
const sfn = mockClient(SFNClient);
const sts = mockClient(STSClient);
const dirs: string[] = [];
afterAll(() => {
  sfn.restore();
  sts.restore();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
beforeEach(() => {
  sfn.reset();
  sts.reset();
  sts.on(GetCallerIdentityCommand).resolves({ Arn: 'arn:aws:sts::111122223333:assumed-role/ml-leads/alice' });
});

const scheduled: HistoryEvent = {
  id: 40,
  type: 'TaskScheduled',
  timestamp: new Date(),
  taskScheduledEventDetails: {
    resourceType: 'sns',
    resource: 'publish.waitForTaskToken',
    region: 'eu-west-1',
    parameters: JSON.stringify({ TopicArn: 'arn:aws:sns:eu-west-1:111122223333:churn-notifications', Message: '…', MessageAttributes: { taskToken: { DataType: 'String', StringValue: TOKEN }, stage: { DataType: 'String', StringValue: 'approve' } } }),
  },
};
const later: HistoryEvent[] = [
  { id: 42, type: 'TaskSubmitted', timestamp: new Date(), taskSubmittedEventDetails: { resourceType: 'sns', resource: 'publish.waitForTaskToken' } },
  { id: 41, type: 'TaskStarted', timestamp: new Date(), taskStartedEventDetails: { resourceType: 'sns', resource: 'publish.waitForTaskToken' } },
];

async function approve(argv: string[], cwd = '/nonexistent') {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runApprove(argv, cwd, {
    sfn: () => new SFNClient({ region: 'eu-west-1' }),
    sts: () => new STSClient({ region: 'eu-west-1' }),
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    now: () => new Date('2026-05-01T10:00:00.000Z'),
  });
  return { code, out, err };
}

describe('deployed executions', () => {
  test('approve: the token from the history gets SendTaskSuccess with who, when and why', async () => {
    sfn.on(DescribeExecutionCommand).resolves({ status: 'RUNNING' });
    sfn.on(GetExecutionHistoryCommand).resolves({ events: [...later, scheduled] });
    sfn.on(SendTaskSuccessCommand).resolves({});
    const { code, out, err } = await approve([EXECUTION, '--reason', 'accuracy holds on May data']);
    expect(err).toEqual([]);
    expect(code).toBe(0);
    const sent = sfn.commandCalls(SendTaskSuccessCommand)[0].args[0].input;
    expect(sent.taskToken).toBe(TOKEN);
    expect(JSON.parse(sent.output!)).toEqual({ decision: 'approved', by: 'arn:aws:sts::111122223333:assumed-role/ml-leads/alice', at: '2026-05-01T10:00:00.000Z', reason: 'accuracy holds on May data' });
    expect(sfn.commandCalls(GetExecutionHistoryCommand)[0].args[0].input).toMatchObject({ executionArn: EXECUTION, reverseOrder: true });
    expect(out).toEqual([`Approved stage approve of ${EXECUTION} as arn:aws:sts::111122223333:assumed-role/ml-leads/alice: accuracy holds on May data`]);
  });

  test('reject: SendTaskFailure with ApprovalRejected and the decision as cause; a reason is required', async () => {
    sfn.on(DescribeExecutionCommand).resolves({ status: 'RUNNING' });
    sfn.on(GetExecutionHistoryCommand).resolves({ events: [...later, scheduled] });
    sfn.on(SendTaskFailureCommand).resolves({});
    expect((await approve([EXECUTION, '--reject'])).err).toEqual(['legacy-mlops approve: a rejection needs a reason: --reason <why> (it is recorded on the model version and in the execution)']);
    const { code } = await approve([EXECUTION, '--reject', '--reason', 'drift in region EU', '--by', 'bob']);
    expect(code).toBe(0);
    const sent = sfn.commandCalls(SendTaskFailureCommand)[0].args[0].input;
    expect(sent).toMatchObject({ taskToken: TOKEN, error: 'ApprovalRejected' });
    expect(JSON.parse(sent.cause!)).toMatchObject({ decision: 'rejected', by: 'bob', reason: 'drift in region EU' });
    expect(sfn.commandCalls(SendTaskSuccessCommand)).toHaveLength(0);
  });

  test('unknown execution: one line, nothing sent', async () => {
    sfn.on(DescribeExecutionCommand).rejects(Object.assign(new Error('Execution Does Not Exist'), { name: 'ExecutionDoesNotExist' }));
    const { code, err } = await approve([EXECUTION]);
    expect(code).toBe(1);
    expect(err).toEqual([`legacy-mlops approve: no execution ${EXECUTION}: check the name (npx projen start prints it) or pass --env`]);
    expect(sfn.commandCalls(SendTaskSuccessCommand)).toHaveLength(0);
  });

  test('already decided: a decision after the request, or an execution that ended, sends nothing', async () => {
    sfn.on(DescribeExecutionCommand).resolves({ status: 'RUNNING' });
    const decided: HistoryEvent = { id: 43, type: 'TaskSucceeded', timestamp: new Date(), taskSucceededEventDetails: { resourceType: 'sns', resource: 'publish.waitForTaskToken', output: '{}' } };
    sfn.on(GetExecutionHistoryCommand).resolves({ events: [decided, ...later, scheduled] });
    const first = await approve([EXECUTION]);
    expect(first.code).toBe(1);
    expect(first.err).toEqual([`legacy-mlops approve: the approval of execution ${EXECUTION} was already decided (approved); nothing sent`]);
    sfn.on(DescribeExecutionCommand).resolves({ status: 'FAILED' });
    expect((await approve([EXECUTION])).err).toEqual([`legacy-mlops approve: execution ${EXECUTION} is FAILED: there is nothing left to decide`]);
    expect(sfn.commandCalls(SendTaskSuccessCommand)).toHaveLength(0);
  });

  test('no credentials: one line saying how to sign in', async () => {
    sfn.on(DescribeExecutionCommand).rejects(Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }));
    const { code, err } = await approve([EXECUTION]);
    expect(code).toBe(1);
    expect(err).toEqual(['legacy-mlops approve: no AWS credentials found: sign in (e.g. `aws sso login` with AWS_PROFILE set) or export AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, then retry']);
  });

  test('bad arguments: one line with the usage', async () => {
    expect((await approve([])).err[0]).toMatch(/^legacy-mlops approve: give exactly one execution \(usage: legacy-mlops approve <execution name or ARN>/);
    expect((await approve([EXECUTION, '--force'])).err[0]).toMatch(/^legacy-mlops approve: Unknown option '--force'/);
  });
});

describe('local runs', () => {
  test('the waiting stage gets the decision file; a second decision is refused', async () => {
    const repo = mkdtempSync(join(tmpdir(), 'approve-'));
    dirs.push(repo);
    const runDir = join(repo, '.local', 'runs', 'local-1');
    writeApprovalRequest(runDir, { stage: 'approve', execution: 'local-1', message: 'm', requestedAt: new Date().toISOString() });
    const first = await approve(['local-1', '--by', 'carol', '--reason', 'fine'], repo);
    expect(first).toMatchObject({ code: 0, out: ['Approved stage approve of local run local-1 as carol: fine'] });
    expect(readDecision(runDir, 'approve')).toEqual({ decision: 'approved', by: 'carol', at: '2026-05-01T10:00:00.000Z', reason: 'fine' });
    const second = await approve(['local-1', '--reject', '--reason', 'no'], repo);
    expect(second.code).toBe(1);
    expect(second.err).toEqual(['legacy-mlops approve: stage approve of local run local-1 was already approved by carol at 2026-05-01T10:00:00.000Z']);
    expect(readDecision(runDir, 'approve')?.decision).toBe('approved');
    expect(sfn.calls()).toHaveLength(0);
  });
});
