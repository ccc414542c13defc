/**
 * `legacy-mlops start` (the generated repo's `npx projen start`): starts an execution of the
 * deployed pipeline and follows it state by state until it ends.
 *
 * Where the deployment is: `pipeline/pipeline-model.json` fixes the state machine's ARN, the
 * bucket, the role and the framework images of each environment; only the images CDK built from
 * Dockerfiles are known after deployment, and the state machine carries them as tags. So the SFN
 * client alone finds everything (no CloudFormation client, no outputs file that only exists on
 * the machine that deployed), and what runs is always what is deployed.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import {
  DescribeStateMachineForExecutionCommand,
  GetExecutionHistoryCommand,
  ListTagsForResourceCommand,
  SFNClient,
  StartExecutionCommand,
  type HistoryEvent,
} from '@aws-sdk/client-sfn';
import { BUILT_IMAGE_TAG_PREFIX, deployedExecutionInput, executionConsoleUrl, stateMachineArn } from '../construct/deployed-input.js';
import { readPipelineModel, selectEnvironment, type EnvironmentPipeline } from '../construct/pipeline-model.js';
import type { ExecutionInput } from '../input/execution-input.js';
import { withCloudLogTails } from '../report/cloud-log-tails.js';
import { cloudRunRecord } from '../report/cloud-record.js';
import { REPORT_PAGE_FILE } from '../report/local-record.js';
import { renderReportPage } from '../report/report-page.js';
import { localRunDir } from '../model/repo-layout.js';

const EXECUTION_INPUT_FILE = 'pipeline/execution-input.json';
const DEFAULT_POLL_SECONDS = 10;
const CAUSE_MAX = 2000;

const VALUE_OPTIONS = ['--env', '--input', '--name', '--poll-seconds'];

/**
 * `--poll-seconds -1` as `--poll-seconds=-1`: an option that takes a value takes the next argument even
 * when it starts with '-', so the value is checked (and refused by name) instead of the parse failing.
 */
function joinDashValues(argv: readonly string[], options: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (options.includes(argv[i]) && i + 1 < argv.length && argv[i + 1].startsWith('-')) {
      out.push(`${argv[i]}=${argv[i + 1]}`);
      i++;
    } else out.push(argv[i]);
  }
  return out;
}

export interface StartDependencies {
  /** @default an SFNClient for the environment's region (the default credential chain) */
  readonly client?: SFNClient;
  /** Reads the jobs' log tails for the report page. @default a CloudWatchLogsClient for the environment's region */
  readonly logsClient?: CloudWatchLogsClient;
  /** @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly out?: (line: string) => void;
  readonly err?: (line: string) => void;
  /** @default the current time */
  readonly now?: () => Date;
}

export async function runStart(argv: string[], cwd: string, deps: StartDependencies = {}): Promise<number> {
  const out = deps.out ?? ((line: string) => console.log(line));
  const err = deps.err ?? ((line: string) => console.error(line));
  const fail = (message: string) => {
    err(`legacy-mlops start: ${message}`);
    return 1;
  };

  let args;
  try {
    args = parseArgs({
      args: joinDashValues(argv, VALUE_OPTIONS),
      options: { env: { type: 'string' }, input: { type: 'string' }, name: { type: 'string' }, 'poll-seconds': { type: 'string' } },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    return fail(`${messageOf(error)} (options: --env <name>, --input <file>, --name <execution name>, --poll-seconds <n>)`);
  }
  const pollSeconds = Number(args['poll-seconds'] ?? DEFAULT_POLL_SECONDS);
  if (!Number.isFinite(pollSeconds) || pollSeconds < 0) return fail(`--poll-seconds must be a number of seconds, not '${args['poll-seconds']}'`);
  const executionName = args.name ?? defaultExecutionName(deps.now?.() ?? new Date());
  if (!/^[A-Za-z0-9_-]{1,80}$/.test(executionName)) return fail(`'${executionName}' is not a valid execution name: 1 to 80 letters, digits, '-' or '_'`);

  let target: EnvironmentPipeline;
  let baseInput: ExecutionInput;
  const inputFile = resolve(cwd, args.input ?? EXECUTION_INPUT_FILE);
  try {
    target = selectEnvironment(readPipelineModel(cwd), args.env);
  } catch (error) {
    return fail(messageOf(error));
  }
  try {
    baseInput = JSON.parse(readFileSync(inputFile, 'utf8')) as ExecutionInput;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return fail(`cannot read ${relative(cwd, inputFile) || inputFile}: ${code === 'ENOENT' ? 'it does not exist' : code ?? `it is not valid JSON (${messageOf(error)})`}`);
  }
  const { environment, pipeline } = target;
  const arn = stateMachineArn(pipeline);
  const client = deps.client ?? new SFNClient({ region: environment.region });

  try {
    const { tags = [] } = await client.send(new ListTagsForResourceCommand({ resourceArn: arn }));
    const builtImages = Object.fromEntries(
      tags.filter((tag) => tag.key?.startsWith(BUILT_IMAGE_TAG_PREFIX)).map((tag) => [tag.key!.slice(BUILT_IMAGE_TAG_PREFIX.length), tag.value ?? '']),
    );
    const input = adjustExecutionInput(baseInput, deployedExecutionInput(pipeline, builtImages));
    const started = await client.send(new StartExecutionCommand({ stateMachineArn: arn, name: executionName, input: JSON.stringify(input) }));
    const executionArn = started.executionArn!;
    out(`Started ${executionName} on ${environment.name} (${environment.account}, ${environment.region}) with ${args.input ?? EXECUTION_INPUT_FILE}`);
    const consoleUrl = executionConsoleUrl(pipeline.partition, environment.region, executionArn);
    out(`Console: ${consoleUrl}`);
    const history: HistoryEvent[] = [];
    const code = await follow(client, executionArn, { out, sleep: deps.sleep ?? defaultSleep, pollMs: pollSeconds * 1000, history });
    const where = `${environment.name} (${environment.account}, ${environment.region})`;
    const logsClient = deps.logsClient ?? new CloudWatchLogsClient({ region: environment.region });
    const page = await writeCloudReportPage(client, logsClient, executionArn, history, { cwd, executionName, consoleUrl, where, err });
    out(`Report page: ${relative(cwd, page)}`);
    return code;
  } catch (error) {
    return fail(describeAwsError(error, arn, environment.name));
  }
}

/**
 * The input file with the deployment's role, bucket locations (with a metric gate, also `runsBucket`
 * and `runsKeyPrefix`) and images; the rest (instance sizes, thresholds, switches...) is the file's,
 * and a setting the file lacks is the deployment's. Transform and endpoint stages have no image.
 */
export function adjustExecutionInput(base: ExecutionInput, deployed: ExecutionInput): ExecutionInput {
  const stages = { ...(base.stages ?? {}) };
  for (const [key, settings] of Object.entries(deployed.stages)) {
    const image = settings.imageUri === undefined ? {} : { imageUri: settings.imageUri };
    stages[key] = { ...settings, ...base.stages?.[key], ...image };
  }
  const runsObject = deployed.runsBucket === undefined ? {} : { runsBucket: deployed.runsBucket, runsKeyPrefix: deployed.runsKeyPrefix };
  return { ...base, roleArn: deployed.roleArn, rawDataUri: deployed.rawDataUri, codeUri: deployed.codeUri, runsUri: deployed.runsUri, ...runsObject, stages };
}

/** `run-20250102-030405-ab12`: sortable, unique enough for one person starting runs by hand. */
export function defaultExecutionName(now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `run-${stamp}-${Math.random().toString(16).slice(2, 6).padEnd(4, '0')}`;
}

interface FollowContext {
  readonly out: (line: string) => void;
  /** Every event read, oldest first: the report page is drawn from them. */
  readonly history: HistoryEvent[];
  readonly sleep: (ms: number) => Promise<void>;
  readonly pollMs: number;
}

interface Failure {
  readonly state?: string;
  readonly error?: string;
  readonly cause?: string;
}

/** Polls the execution history, printing each state as it starts and ends; 0 when the execution succeeds. */
async function follow(client: SFNClient, executionArn: string, ctx: FollowContext): Promise<number> {
  const entered = new Map<string, { at?: Date; task: boolean }>();
  let current: string | undefined;
  let failure: Failure | undefined;
  let lastSeen = 0;
  for (;;) {
    const events = await eventsAfter(client, executionArn, lastSeen);
    ctx.history.push(...events);
    for (const event of events) {
      lastSeen = event.id ?? lastSeen;
      const type = event.type ?? '';
      if (type.endsWith('StateEntered') && event.stateEnteredEventDetails?.name) {
        current = event.stateEnteredEventDetails.name;
        entered.set(current, { at: event.timestamp, task: type === 'TaskStateEntered' });
        if (type === 'TaskStateEntered') ctx.out(`→ ${current}`);
      } else if (type.endsWith('StateExited') && event.stateExitedEventDetails?.name) {
        const name = event.stateExitedEventDetails.name;
        const start = entered.get(name);
        if (start?.task) ctx.out(`✓ ${name} (${duration(start.at, event.timestamp)})`);
      } else if (type === 'TaskSubmitted') {
        const job = jobName(event.taskSubmittedEventDetails?.output);
        if (job) ctx.out(`  ${current}: job ${job}`);
      } else if (type === 'TaskFailed' || type === 'TaskTimedOut') {
        const details = event.taskFailedEventDetails ?? event.taskTimedOutEventDetails;
        failure = { state: current, error: details?.error, cause: details?.cause };
        ctx.out(`✗ ${current}: ${details?.error ?? type}`);
      } else if (type === 'ExecutionSucceeded') {
        ctx.out('Execution succeeded.');
        return 0;
      } else if (type === 'ExecutionFailed') {
        const details = event.executionFailedEventDetails;
        const state = failure?.state ?? current;
        ctx.out(`Execution failed${state ? ` in state '${state}'` : ''}: ${details?.error ?? failure?.error ?? 'unknown error'}`);
        const cause = summarizeCause(failure?.cause ?? details?.cause);
        if (cause) ctx.out(`Cause: ${cause}`);
        return 1;
      } else if (type === 'ExecutionTimedOut') {
        ctx.out(`Execution timed out${current ? ` in state '${current}'` : ''} (the state machine's TimeoutSeconds).`);
        return 1;
      } else if (type === 'ExecutionAborted') {
        ctx.out(`Execution was stopped${current ? ` in state '${current}'` : ''}.`);
        return 1;
      }
    }
    await ctx.sleep(ctx.pollMs);
  }
}

/**
 * `.local/runs/<execution>/report.html` from the execution's history, drawn on the definition that ran
 * (the committed one when the deployed definition cannot be read).
 */
async function writeCloudReportPage(
  client: SFNClient,
  logsClient: CloudWatchLogsClient,
  executionArn: string,
  history: readonly HistoryEvent[],
  facts: { cwd: string; executionName: string; consoleUrl: string; where: string; err: (line: string) => void },
): Promise<string> {
  let definition: unknown;
  try {
    const described = await client.send(new DescribeStateMachineForExecutionCommand({ executionArn }));
    definition = JSON.parse(described.definition ?? 'null');
  } catch (error) {
    facts.err(`legacy-mlops start: the deployed definition could not be read (${messageOf(error)}): the report page draws pipeline/state-machine.asl.json`);
    try {
      definition = JSON.parse(readFileSync(join(facts.cwd, 'pipeline', 'state-machine.asl.json'), 'utf8'));
    } catch {
      definition = undefined;
    }
  }
  const dir = join(facts.cwd, localRunDir(facts.executionName));
  mkdirSync(dir, { recursive: true });
  const path = join(dir, REPORT_PAGE_FILE);
  // Each job's last log lines; a refusal (no logs:GetLogEvents) shows on the page instead.
  const record = await withCloudLogTails(cloudRunRecord(history, definition, facts), logsClient);
  writeFileSync(path, renderReportPage(record));
  return path;
}

/** Events with an id above `lastSeen`, oldest first: read newest-first until the last one already seen. */
async function eventsAfter(client: SFNClient, executionArn: string, lastSeen: number): Promise<HistoryEvent[]> {
  const fresh: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await client.send(new GetExecutionHistoryCommand({ executionArn, reverseOrder: true, maxResults: 100, nextToken }));
    for (const event of page.events ?? []) {
      if ((event.id ?? 0) <= lastSeen) return fresh.reverse();
      fresh.push(event);
    }
    nextToken = page.nextToken;
  } while (nextToken);
  return fresh.reverse();
}

/** The job name from a createProcessingJob result (`{"ProcessingJobArn": ".../processing-job/<name>"}`). */
function jobName(output: string | undefined): string | undefined {
  try {
    const arn = (JSON.parse(output ?? '') as { ProcessingJobArn?: string }).ProcessingJobArn;
    return arn?.slice(arn.lastIndexOf('/') + 1);
  } catch {
    return undefined;
  }
}

/** A SageMaker `.sync` failure's cause is the job's Describe* response: its FailureReason says what went wrong. */
export function summarizeCause(cause: string | undefined): string | undefined {
  if (!cause) return undefined;
  let text = cause;
  try {
    const parsed = JSON.parse(cause) as Record<string, unknown>;
    const reason = parsed.FailureReason ?? parsed.ExitMessage ?? parsed.errorMessage ?? parsed.Cause;
    if (typeof reason === 'string') text = reason;
  } catch {
    // not JSON: the cause is already a sentence
  }
  return text.length > CAUSE_MAX ? `${text.slice(0, CAUSE_MAX)}…` : text;
}

function describeAwsError(error: unknown, arn: string, environment: string): string {
  const name = (error as { name?: string })?.name ?? '';
  const message = messageOf(error);
  if (name === 'CredentialsProviderError' || /Could not load credentials/i.test(message)) {
    return 'no AWS credentials found: sign in (e.g. `aws sso login` with AWS_PROFILE set) or export AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, then retry';
  }
  if (/ExpiredToken/i.test(name) || /expired/i.test(message)) return `the AWS credentials have expired: sign in again (${message})`;
  if (name === 'StateMachineDoesNotExist' || name === 'ResourceNotFound') {
    return `no state machine ${arn}: deploy environment '${environment}' first ('npx projen deploy')`;
  }
  if (name === 'ExecutionAlreadyExists') return `an execution with this name already exists: pass another --name (${message})`;
  if (/AccessDenied|UnrecognizedClient|InvalidSignature/i.test(name)) return `AWS refused the request (${name}): ${message}`;
  return name && name !== 'Error' ? `${name}: ${message}` : message;
}

function duration(from: Date | undefined, to: Date | undefined): string {
  if (!from || !to) return '?';
  const seconds = Math.max(0, Math.round((to.getTime() - from.getTime()) / 1000));
  const minutes = Math.floor(seconds / 60);
  return minutes > 0 ? `${minutes}m ${seconds % 60}s` : `${seconds}s`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolveSleep) => setTimeout(resolveSleep, ms));
}
