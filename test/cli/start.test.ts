/**
 * `legacy-mlops start` against a mocked Step Functions API: which state machine it starts, with
 * what input, how it follows the history, and what it prints on success, on failure and without
 * credentials (the last one also against the real SDK credential chain, offline).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  DescribeStateMachineForExecutionCommand,
  GetExecutionHistoryCommand,
  ListTagsForResourceCommand,
  SFNClient,
  StartExecutionCommand,
  type HistoryEvent,
} from '@aws-sdk/client-sfn';
import { CloudWatchLogsClient, DescribeLogStreamsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { mockClient } from 'aws-sdk-client-mock';
import { adjustExecutionInput, defaultExecutionName, runStart, summarizeCause } from '../../src/cli/start.js';
import { LIFECYCLE_STAGES } from '../../src/model/index.js';
import { PIPELINE_FILES } from '../../src/model/repo-layout.js';
import { generateRepo, readJson, removeTempDirs, tempDir } from '../support/deploy-fixtures.js';

const STATE_MACHINE = 'arn:aws:states:eu-west-1:111122223333:stateMachine:churn-model';
const PREDICT_IMAGE = '111122223333.dkr.ecr.eu-west-1.amazonaws.com/cdk-hnb659fds-container-assets-111122223333-eu-west-1:0123abcd';
const sfn = mockClient(SFNClient);
const logs = mockClient(CloudWatchLogsClient);
let repo: string;

beforeAll(() => {
  repo = generateRepo('start');
});
afterAll(() => {
  sfn.restore();
  logs.restore();
  removeTempDirs();
});
beforeEach(() => {
  sfn.reset();
  logs.reset();
});

/** A history that grows by `step` events each time `start` sleeps between polls. */
type EventSpec = { readonly type: string } & Record<string, unknown>;

function timeline(events: EventSpec[], step = 4) {
  const t0 = Date.parse('2025-01-02T03:04:05Z');
  const all = events.map((e, i) => ({ ...e, id: i + 1, timestamp: new Date(t0 + i * 30_000) }) as unknown as HistoryEvent);
  let revealed = step;
  const pageSize = 3; // smaller than a poll's news, so paging is exercised
  sfn.on(GetExecutionHistoryCommand).callsFake((input) => {
    expect(input.reverseOrder).toBe(true);
    const newestFirst = all.slice(0, revealed).reverse();
    const from = Number(input.nextToken ?? 0);
    const page = newestFirst.slice(from, from + pageSize);
    return { events: page, nextToken: from + pageSize < newestFirst.length ? String(from + pageSize) : undefined };
  });
  return { sleep: async () => void (revealed += step), polls: () => revealed / step };
}

const entered = (name: string): EventSpec => ({ type: 'TaskStateEntered', stateEnteredEventDetails: { name } });
const exited = (name: string): EventSpec => ({ type: 'TaskStateExited', stateExitedEventDetails: { name } });
const submitted = (job: string): EventSpec => ({
  type: 'TaskSubmitted',
  taskSubmittedEventDetails: { resource: 'createProcessingJob.sync', resourceType: 'sagemaker', output: JSON.stringify({ ProcessingJobArn: `arn:aws:sagemaker:eu-west-1:111122223333:processing-job/${job}` }) },
});
const succeededStage = (name: string): EventSpec[] => [entered(name), { type: 'TaskScheduled' }, { type: 'TaskStarted' }, submitted(`churn-model-${name}-6f1c`), { type: 'TaskSucceeded' }, exited(name)];

function mockDeployment(tags = [{ key: 'legacy-mlops:image:predict', value: PREDICT_IMAGE }]) {
  sfn.on(DescribeStateMachineForExecutionCommand).resolves({ definition: fs.readFileSync(path.join(repo, PIPELINE_FILES.stateMachine), 'utf8') });
  sfn.on(ListTagsForResourceCommand, { resourceArn: STATE_MACHINE }).resolves({ tags: [{ key: 'legacy-mlops:project', value: 'churn-model' }, ...tags] });
  sfn.on(StartExecutionCommand).callsFake((input) => ({ executionArn: `arn:aws:states:eu-west-1:111122223333:execution:churn-model:${input.name}`, startDate: new Date() }));
}

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, deps: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) } };
}

test('success: starts the deployed state machine with the adjusted input and follows every stage to the end', async () => {
  mockDeployment();
  const history = timeline([{ type: 'ExecutionStarted' }, ...succeededStage('preprocess'), ...succeededStage('predict'), ...succeededStage('postprocess'), { type: 'ExecutionSucceeded' }]);
  const io = capture();
  const sleeps: number[] = [];
  const code = await runStart(['--name', 'nightly-1'], repo, { ...io.deps, sleep: (ms) => (sleeps.push(ms), history.sleep()) });

  expect(io.err).toEqual([]);
  expect(code).toBe(0);
  const [start] = sfn.commandCalls(StartExecutionCommand);
  expect(start.args[0].input.stateMachineArn).toBe(STATE_MACHINE);
  expect(start.args[0].input.name).toBe('nightly-1');
  const file = readJson(repo, PIPELINE_FILES.executionInput);
  expect(JSON.parse(start.args[0].input.input!)).toEqual({ ...file, stages: { ...file.stages, predict: { ...file.stages.predict, imageUri: PREDICT_IMAGE } } });

  const executionArn = 'arn:aws:states:eu-west-1:111122223333:execution:churn-model:nightly-1';
  expect(io.out).toEqual([
    'Started nightly-1 on default (111122223333, eu-west-1) with pipeline/execution-input.json',
    `Console: https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1#/v2/executions/details/${executionArn}`,
    ...['preprocess', 'predict', 'postprocess'].flatMap((stage) => [`→ ${stage}`, `  ${stage}: job churn-model-${stage}-6f1c`, `✓ ${stage} (2m 30s)`]),
    'Execution succeeded.',
    'Report page: .local/runs/nightly-1/report.html',
  ]);
  // It polled until the end, 10 s apart, and read each event once.
  expect(sleeps.every((ms) => ms === 10_000)).toBe(true);
  expect(history.polls()).toBeGreaterThanOrEqual(5);
});

test('failure: names the failing state and prints the SageMaker failure reason; exit code 1', async () => {
  mockDeployment();
  const cause = JSON.stringify({ ProcessingJobName: 'churn-model-predict-9a', ProcessingJobStatus: 'Failed', FailureReason: 'AlgorithmError: model.pkl not found, exit code: 1' });
  const history = timeline([
    { type: 'ExecutionStarted' },
    ...succeededStage('preprocess'),
    entered('predict'),
    submitted('churn-model-predict-9a'),
    { type: 'TaskFailed', taskFailedEventDetails: { error: 'States.TaskFailed', cause } },
    { type: 'FailStateEntered', stateEnteredEventDetails: { name: 'predict failed' } },
    { type: 'ExecutionFailed', executionFailedEventDetails: { error: 'States.TaskFailed', cause } },
  ]);
  const io = capture();
  const code = await runStart([], repo, { ...io.deps, sleep: history.sleep, now: () => new Date('2025-01-02T03:04:05Z') });

  expect(code).toBe(1);
  expect(sfn.commandCalls(StartExecutionCommand)[0].args[0].input.name).toMatch(/^run-20250102-030405-[0-9a-f]{4}$/);
  expect(io.out.slice(-5, -1)).toEqual([
    '  predict: job churn-model-predict-9a',
    '✗ predict: States.TaskFailed',
    "Execution failed in state 'predict': States.TaskFailed",
    'Cause: AlgorithmError: model.pkl not found, exit code: 1',
  ]);
  expect(io.out[io.out.length - 1]).toMatch(/^Report page: \.local\/runs\/run-20250102-030405-[0-9a-f]{4}\/report\.html$/);
});

test('logs the caller may not read: the report page says so under each job; the run\'s outcome and exit code are unchanged', async () => {
  mockDeployment();
  const denied = 'User: arn:aws:iam::111122223333:user/ds is not authorized to perform: logs:DescribeLogStreams';
  logs.on(DescribeLogStreamsCommand).rejects(Object.assign(new Error(denied), { name: 'AccessDeniedException' }));
  const history = timeline([{ type: 'ExecutionStarted' }, ...succeededStage('preprocess'), ...succeededStage('predict'), ...succeededStage('postprocess'), { type: 'ExecutionSucceeded' }]);
  const io = capture();
  expect(await runStart(['--name', 'nightly-logs'], repo, { ...io.deps, sleep: history.sleep })).toBe(0);
  expect(io.err).toEqual([]);
  const page = fs.readFileSync(path.join(repo, '.local/runs/nightly-logs/report.html'), 'utf8');
  expect(page.split(`logs not readable: AccessDeniedException: ${denied}`)).toHaveLength(4);
  // Asked once: a refusal for one job is a refusal for all.
  expect(logs.commandCalls(DescribeLogStreamsCommand)).toHaveLength(1);
  expect(logs.commandCalls(DescribeLogStreamsCommand)[0].args[0].input).toMatchObject({ logGroupName: '/aws/sagemaker/ProcessingJobs', logStreamNamePrefix: 'churn-model-preprocess-6f1c/' });
});

test('no credentials: one clear line on stderr, exit code 1, nothing started', async () => {
  sfn.on(ListTagsForResourceCommand).rejects(Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }));
  const io = capture();
  expect(await runStart([], repo, io.deps)).toBe(1);
  expect(io.err).toEqual([expect.stringMatching(/^legacy-mlops start: no AWS credentials found: sign in/)]);
  expect(io.out).toEqual([]);
  expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
});

test('clear one-line errors: not deployed, stale deployment, unknown environment, bad options', async () => {
  const run = async (argv: string[]) => {
    const io = capture();
    const code = await runStart(argv, repo, io.deps);
    expect(io.err).toHaveLength(1);
    return [code, io.err[0]];
  };
  sfn.on(ListTagsForResourceCommand).rejects(Object.assign(new Error('Resource not found'), { name: 'ResourceNotFound' }));
  expect(await run([])).toEqual([1, `legacy-mlops start: no state machine ${STATE_MACHINE}: deploy environment 'default' first ('npx projen deploy')`]);
  sfn.reset();
  mockDeployment([]);
  expect(await run([])).toEqual([1, expect.stringContaining("no deployed image for stage 'predict' (tag legacy-mlops:image:predict is missing)")]);
  expect(await run(['--env', 'prod'])).toEqual([1, "legacy-mlops start: no environment 'prod' (environments: default)"]);
  expect(await run(['--bogus'])).toEqual([1, expect.stringContaining("Unknown option '--bogus'")]);
  expect(await run(['--name', 'has space'])).toEqual([1, expect.stringContaining('is not a valid execution name')]);
  expect(await run(['--input', 'missing.json'])).toEqual([1, expect.stringContaining('missing.json')]);
  expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
});

test('--input and --env: another input file keeps its own sizes, only the deployment-specific values change', async () => {
  const envRepo = generateRepo('start-envs', {
    environments: [
      { name: 'preprod', account: '111122223333', region: 'eu-west-1' },
      { name: 'prod', account: '444455556666', region: 'us-east-1' },
    ],
  });
  const custom = readJson(envRepo, PIPELINE_FILES.executionInput);
  custom.stages.predict.instanceType = 'ml.c5.2xlarge';
  fs.writeFileSync(path.join(envRepo, 'big.json'), JSON.stringify(custom));
  const prodArn = 'arn:aws:states:us-east-1:444455556666:stateMachine:churn-model';
  const prodImage = PREDICT_IMAGE.replace(/111122223333/g, '444455556666').replace(/eu-west-1/g, 'us-east-1');
  sfn.on(ListTagsForResourceCommand, { resourceArn: prodArn }).resolves({ tags: [{ key: 'legacy-mlops:image:predict', value: prodImage }] });
  sfn.on(StartExecutionCommand).resolves({ executionArn: `${prodArn.replace('stateMachine', 'execution')}:x` });
  sfn.on(GetExecutionHistoryCommand).resolves({ events: [{ id: 1, type: 'ExecutionSucceeded', timestamp: new Date() }] });

  const io = capture();
  expect(await runStart(['--env', 'prod', '--input', 'big.json', '--name', 'x'], envRepo, io.deps)).toBe(0);
  const input = JSON.parse(sfn.commandCalls(StartExecutionCommand)[0].args[0].input.input!);
  expect(sfn.commandCalls(StartExecutionCommand)[0].args[0].input.stateMachineArn).toBe(prodArn);
  expect(input.roleArn).toBe('arn:aws:iam::444455556666:role/churn-model-sagemaker-execution');
  expect(input.rawDataUri).toBe('s3://churn-model-444455556666-us-east-1/data/raw/');
  expect(input.stages.predict).toEqual({ ...custom.stages.predict, imageUri: prodImage, instanceType: 'ml.c5.2xlarge' });
  // Framework images follow the environment's region (scikit-learn's us-east-1 account).
  expect(input.stages.preprocess.imageUri).toMatch(/^683313688378\.dkr\.ecr\.us-east-1\.amazonaws\.com\/sagemaker-scikit-learn:/);
  expect(io.out[1]).toContain('https://us-east-1.console.aws.amazon.com/states/home?region=us-east-1#/v2/executions/details/');
});

test('a lifecycle project: the gate reads the deployed runs bucket; threshold and switches are the file\'s; transform and endpoint stages get no image', async () => {
  const stages = [...LIFECYCLE_STAGES.map((s) => (s.name === 'preprocess' ? { ...s, mode: 'container' as const, framework: undefined } : s)), { name: 'serve', kind: 'endpoint' as const }];
  const lifecycle = generateRepo('start-lifecycle', { stages });
  const file = readJson(lifecycle, PIPELINE_FILES.executionInput);
  expect(file).toMatchObject({ runsBucket: 'churn-model-111122223333-eu-west-1', runsKeyPrefix: 'runs/' });
  // A hand-edited input: an older file without the gate's object location, a stricter threshold, the transform switched off.
  const { runsBucket, runsKeyPrefix, ...older } = file;
  const edited = { ...older, stages: { ...file.stages, evaluate: { ...file.stages.evaluate, threshold: 0.9 }, transform: { ...file.stages.transform, enabled: false } } };
  fs.writeFileSync(path.join(lifecycle, 'edited-input.json'), JSON.stringify(edited));
  mockDeployment([{ key: 'legacy-mlops:image:preprocess', value: PREDICT_IMAGE }]);
  const history = timeline([{ type: 'ExecutionStarted' }, { type: 'ExecutionSucceeded' }]);
  const io = capture();
  expect(await runStart(['--input', 'edited-input.json'], lifecycle, { ...io.deps, sleep: history.sleep })).toBe(0);

  const input = JSON.parse(sfn.commandCalls(StartExecutionCommand)[0].args[0].input.input!);
  expect(input).toEqual({ ...edited, runsBucket, runsKeyPrefix, stages: { ...edited.stages, preprocess: { ...file.stages.preprocess, imageUri: PREDICT_IMAGE } } });
  expect(input.stages.evaluate.threshold).toBe(0.9);
  expect(input.stages.transform).toEqual({ instanceType: 'ml.m5.large', instanceCount: 1, enabled: false });
  expect(input.stages.serve).toEqual({ instanceType: 'ml.m5.large', instanceCount: 1 });
});

test('helpers: input adjustment, default names, cause summaries', () => {
  const base = { roleArn: 'a', rawDataUri: 'b', codeUri: 'c', runsUri: 'd', stages: { s: { imageUri: 'old', instanceType: 'ml.m5.large', instanceCount: 2, volumeSizeInGB: 30, maxRuntimeInSeconds: 60 } } };
  const deployed = { roleArn: 'A', rawDataUri: 'B', codeUri: 'C', runsUri: 'D', stages: { s: { ...base.stages.s, imageUri: 'new', instanceCount: 1 } } };
  expect(adjustExecutionInput(base, deployed)).toEqual({ roleArn: 'A', rawDataUri: 'B', codeUri: 'C', runsUri: 'D', stages: { s: { ...base.stages.s, imageUri: 'new' } } });
  expect(defaultExecutionName(new Date('2030-12-31T23:59:58Z'))).toMatch(/^run-20301231-235958-[0-9a-f]{4}$/);
  expect(summarizeCause('plain words')).toBe('plain words');
  expect(summarizeCause(JSON.stringify({ ExitMessage: 'bad input' }))).toBe('bad input');
  expect(summarizeCause('x'.repeat(3000))).toHaveLength(2001);
});

describe('with the real AWS SDK (no mock) and no credentials anywhere', () => {
  const saved = { ...process.env };
  afterAll(() => {
    process.env = saved;
  });

  test('one clear line and exit code 1, offline', async () => {
    sfn.restore();
    const empty = tempDir('no-aws');
    for (const key of Object.keys(process.env)) if (key.startsWith('AWS_')) delete process.env[key];
    Object.assign(process.env, {
      AWS_SHARED_CREDENTIALS_FILE: path.join(empty, 'credentials'),
      AWS_CONFIG_FILE: path.join(empty, 'config'),
      AWS_EC2_METADATA_DISABLED: 'true',
    });
    const io = capture();
    expect(await runStart([], repo, io.deps)).toBe(1);
    expect(io.err).toEqual([expect.stringMatching(/^legacy-mlops start: no AWS credentials found/)]);
  });
});
