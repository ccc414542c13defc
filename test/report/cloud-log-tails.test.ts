/**
 * A cloud execution's report page shows the last lines of each SageMaker job's CloudWatch log, read with
 * the caller's credentials (mocked CloudWatch Logs): the log group of each kind of job, the streams named
 * `<job name>/…`, GetLogEvents from the end with a small limit; a refusal is shown, never fatal.
 */
import { CloudWatchLogsClient, DescribeLogStreamsCommand, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { mockClient } from 'aws-sdk-client-mock';
import { buildReadme } from '../../src/docs/readme.js';
import { buildStartCallerPolicy, startCallerPermissions, type PolicyDocument } from '../../src/iam/index.js';
import { LIFECYCLE_STAGES, resolvePipeline } from '../../src/model/index.js';
import { JOB_LOG_GROUPS, LOG_TAIL_LINES, withCloudLogTails } from '../../src/report/cloud-log-tails.js';
import { renderReportPage } from '../../src/report/report-page.js';
import type { JobView, RunRecord } from '../../src/report/run-record.js';

const logs = mockClient(CloudWatchLogsClient);
afterAll(() => logs.restore());
beforeEach(() => logs.reset());

const job = (state: string, name: string, kind: string, status = 'Completed'): JobView => ({ state, name, kind, status, startedAt: '2025-01-02T03:04:05.000Z', durationMs: 60_000, backend: 'SageMaker' });
const record = (jobs: JobView[]): RunRecord => ({
  source: 'cloud',
  executionName: 'nightly-1',
  status: 'FAILED',
  startedAt: '2025-01-02T03:04:05.000Z',
  definition: { StartAt: 'prep', States: { prep: { Type: 'Task', Resource: 'x', Next: 'train' }, train: { Type: 'Task', Resource: 'x', Next: 'score' }, score: { Type: 'Task', Resource: 'x', End: true } } },
  states: [],
  jobs,
  outputs: [],
  gates: [],
});
const client = () => new CloudWatchLogsClient({ region: 'eu-west-1' });
const events = (...messages: string[]) => ({ events: messages.map((message, i) => ({ message: `${message}\n`, timestamp: i })) });

test('each kind of job is read from its own log group, by its stream prefix, from the end with a small limit', async () => {
  logs.on(DescribeLogStreamsCommand, { logGroupName: '/aws/sagemaker/ProcessingJobs', logStreamNamePrefix: 'churn-prep-1/' }).resolves({ logStreams: [{ logStreamName: 'churn-prep-1/algo-1-1735787045' }] });
  logs.on(DescribeLogStreamsCommand, { logGroupName: '/aws/sagemaker/TrainingJobs', logStreamNamePrefix: 'churn-train-1/' }).resolves({
    logStreams: [{ logStreamName: 'churn-train-1/algo-2-1735787100' }, { logStreamName: 'churn-train-1/algo-1-1735787100' }],
  });
  logs.on(DescribeLogStreamsCommand, { logGroupName: '/aws/sagemaker/TransformJobs', logStreamNamePrefix: 'churn-score-1/' }).resolves({
    logStreams: [{ logStreamName: 'churn-score-1/i-0abc-1735787200' }, { logStreamName: 'churn-score-1/i-0abc-1735787200/data-log' }],
  });
  logs.on(GetLogEventsCommand, { logStreamName: 'churn-prep-1/algo-1-1735787045' }).resolves(events('read 10 rows', 'wrote predictions_input.csv'));
  logs.on(GetLogEventsCommand, { logStreamName: 'churn-train-1/algo-1-1735787100' }).resolves(events('epoch 1', 'Traceback (most recent call last):', "KeyError: 'churn'"));
  logs.on(GetLogEventsCommand, { logStreamName: 'churn-train-1/algo-2-1735787100' }).resolves(events('waiting for algo-1'));
  logs.on(GetLogEventsCommand, { logStreamName: 'churn-score-1/i-0abc-1735787200' }).resolves(events('model loaded'));

  const withTails = await withCloudLogTails(record([job('prep', 'churn-prep-1', 'processing'), job('train', 'churn-train-1', 'training', 'Failed'), job('score', 'churn-score-1', 'transform')]), client());
  expect(withTails.jobs.map((j) => j.logTail)).toEqual([
    { source: 'CloudWatch Logs /aws/sagemaker/ProcessingJobs/churn-prep-1/algo-1-1735787045', lines: ['read 10 rows', 'wrote predictions_input.csv'] },
    {
      source: 'CloudWatch Logs /aws/sagemaker/TrainingJobs, streams churn-train-1/… (2)',
      lines: ['[algo-1-1735787100] epoch 1', '[algo-1-1735787100] Traceback (most recent call last):', "[algo-1-1735787100] KeyError: 'churn'", '[algo-2-1735787100] waiting for algo-1'],
    },
    { source: 'CloudWatch Logs /aws/sagemaker/TransformJobs/churn-score-1/i-0abc-1735787200', lines: ['model loaded'] },
  ]);
  for (const call of logs.commandCalls(GetLogEventsCommand)) {
    expect(call.args[0].input).toMatchObject({ startFromHead: false, limit: LOG_TAIL_LINES });
    expect(call.args[0].input.logStreamName).not.toMatch(/data-log$/);
  }
  expect(Object.values(JOB_LOG_GROUPS)).toEqual(['/aws/sagemaker/ProcessingJobs', '/aws/sagemaker/TrainingJobs', '/aws/sagemaker/TransformJobs']);

  const page = renderReportPage(withTails);
  expect(page).toContain('last 4 lines of CloudWatch Logs /aws/sagemaker/TrainingJobs, streams churn-train-1/… (2)');
  expect(page).toContain('[algo-1-1735787100] KeyError: &#39;churn&#39;');
});

test('missing permission: asked once, then every job says "logs not readable: <reason>"; the page is still written', async () => {
  const denied = 'User: arn:aws:iam::111122223333:user/ds is not authorized to perform: logs:DescribeLogStreams on resource: arn:aws:logs:eu-west-1:111122223333:log-group:/aws/sagemaker/ProcessingJobs:log-stream: because no identity-based policy allows the logs:DescribeLogStreams action';
  logs.on(DescribeLogStreamsCommand).rejects(Object.assign(new Error(denied), { name: 'AccessDeniedException' }));
  const withTails = await withCloudLogTails(record([job('prep', 'churn-prep-1', 'processing'), job('train', 'churn-train-1', 'training')]), client());
  expect(logs.commandCalls(DescribeLogStreamsCommand)).toHaveLength(1);
  expect(withTails.jobs.map((j) => j.logProblem)).toEqual([`logs not readable: AccessDeniedException: ${denied}`, `logs not readable: AccessDeniedException: ${denied}`]);
  const page = renderReportPage(withTails);
  expect(page.match(/<div class="muted log-problem">logs not readable: AccessDeniedException: User: /g)).toHaveLength(2);
});

test('a job without a log yet, or without a known name, does not stop the others', async () => {
  logs.on(DescribeLogStreamsCommand, { logStreamNamePrefix: 'churn-prep-1/' }).resolves({ logStreams: [] });
  logs.on(DescribeLogStreamsCommand, { logStreamNamePrefix: 'churn-train-1/' }).rejects(Object.assign(new Error('The specified log group does not exist.'), { name: 'ResourceNotFoundException' }));
  logs.on(DescribeLogStreamsCommand, { logStreamNamePrefix: 'churn-score-1/' }).resolves({ logStreams: [{ logStreamName: 'churn-score-1/i-1-1' }] });
  logs.on(GetLogEventsCommand).resolves(events('done'));
  const jobs = [job('prep', 'churn-prep-1', 'processing'), job('train', 'churn-train-1', 'training'), job('score', 'churn-score-1', 'transform'), job('wait', 'wait job', 'processing')];
  const withTails = await withCloudLogTails(record(jobs), client());
  expect(withTails.jobs.map((j) => j.logProblem ?? j.logTail?.lines)).toEqual([
    'no log stream /aws/sagemaker/ProcessingJobs/churn-prep-1/… (the job has written no log yet)',
    'no log in /aws/sagemaker/TrainingJobs (The specified log group does not exist.)',
    ['done'],
    undefined,
  ]);
});

describe("the start caller's policy (in the generated README): iam-simulate allows what start calls, and nothing beside it", () => {
  const lifecycle = resolvePipeline({ name: 'churn', region: 'eu-west-1', account: '111122223333', stages: LIFECYCLE_STAGES as never });
  const simulate = async (policy: PolicyDocument, action: string, resource: string) => {
    const result = await runSimulation(
      {
        request: { principal: 'arn:aws:iam::111122223333:user/ds', action, resource: { resource, accountId: '111122223333' }, contextVariables: {} },
        identityPolicies: [{ name: 'policy', policy }],
        serviceControlPolicies: [],
        resourceControlPolicies: [],
      },
      {},
    );
    return result.resultType === 'error' ? `error: ${JSON.stringify(result.errors)}` : result.overallResult;
  };

  test('every call start makes is allowed, for the log groups of the kinds of job the pipeline runs', async () => {
    const permissions = startCallerPermissions(lifecycle);
    const policy = buildStartCallerPolicy(lifecycle) as PolicyDocument;
    const calls = permissions.flatMap((p) => p.calls);
    expect(calls.map((c) => c.action)).toEqual(expect.arrayContaining(['states:StartExecution', 'states:GetExecutionHistory', 'logs:DescribeLogStreams', 'logs:GetLogEvents']));
    for (const call of calls) expect([call.action, call.resource, await simulate(policy, call.action, call.resource)]).toEqual([call.action, call.resource, 'Allowed']);
    const groups = permissions.find((p) => p.sid === 'ReadJobLogTails')!.resources;
    expect(groups).toEqual([
      'arn:aws:logs:eu-west-1:111122223333:log-group:/aws/sagemaker/ProcessingJobs:*',
      'arn:aws:logs:eu-west-1:111122223333:log-group:/aws/sagemaker/TrainingJobs:*',
      'arn:aws:logs:eu-west-1:111122223333:log-group:/aws/sagemaker/TransformJobs:*',
    ]);
  });

  test('other log groups, other accounts and other state machines are denied', async () => {
    const policy = buildStartCallerPolicy(lifecycle) as PolicyDocument;
    expect(await simulate(policy, 'logs:GetLogEvents', 'arn:aws:logs:eu-west-1:111122223333:log-group:/aws/lambda/payroll:log-stream:x')).toBe('ImplicitlyDenied');
    expect(await simulate(policy, 'logs:GetLogEvents', 'arn:aws:logs:eu-west-1:444455556666:log-group:/aws/sagemaker/TrainingJobs:log-stream:x')).toBe('ImplicitlyDenied');
    expect(await simulate(policy, 'states:StartExecution', 'arn:aws:states:eu-west-1:111122223333:stateMachine:payroll')).toBe('ImplicitlyDenied');
    // A processing-only pipeline reads only the processing jobs' logs.
    const processingOnly = buildStartCallerPolicy(resolvePipeline({ name: 'demo', region: 'eu-west-1', account: '111122223333' })) as PolicyDocument;
    expect(await simulate(processingOnly, 'logs:GetLogEvents', 'arn:aws:logs:eu-west-1:111122223333:log-group:/aws/sagemaker/TrainingJobs:log-stream:x')).toBe('ImplicitlyDenied');
  });

  test('the generated README shows that policy where it explains the report page', () => {
    const readme = buildReadme(lifecycle);
    expect(readme).toContain('`logs not readable: <reason>`');
    expect(readme).toContain(JSON.stringify(buildStartCallerPolicy(lifecycle), null, 2));
  });
});
