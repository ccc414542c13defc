/**
 * `legacy-mlops approve <execution> [--reject] [--reason <why>]`: decides the approval stage an
 * execution waits in.
 *
 * A local run (`.local/runs/<execution>/approvals/` exists) gets the decision file its waiting stage
 * polls for. A deployed execution (its ARN, or its name on the project's state machine) is decided with
 * the task token the approval stage published: it is in the TaskScheduled event of the execution's
 * history, so reading that history and sending the decision is all an approver may do (see
 * pipeline/iam/approver-policy.json).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DescribeExecutionCommand, SendTaskFailureCommand, SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { APPROVAL_REJECTED_ERROR } from '../approval/approval-contract.js';
import { approvalsDir, approvalsOf, writeDecision, type ApprovalDecision } from '../approval/local-approvals.js';
import { isStaleTokenError, waitingApproval } from '../approval/waiting-approval.js';
import { stateMachineName } from '../construct/deployed-input.js';
import { readPipelineModel, selectEnvironment } from '../construct/pipeline-model.js';
import { localUser } from '../local/emulators/governance-calls.js';
import { localRunDir } from '../model/repo-layout.js';

const USAGE = 'usage: legacy-mlops approve <execution name or ARN> [--reject] [--reason <why>] [--by <who>] [--env <environment>]';
const EXECUTION_ARN = /^arn:(aws[\w-]*):states:([a-z0-9-]+):(\d{12}):execution:[^:]+:[^:]+$/;

export interface ApproveDependencies {
  readonly sfn?: (region: string) => SFNClient;
  readonly sts?: (region: string) => STSClient;
  readonly out?: (line: string) => void;
  readonly err?: (line: string) => void;
  readonly now?: () => Date;
}

export async function runApprove(argv: string[], cwd: string, deps: ApproveDependencies = {}): Promise<number> {
  const out = deps.out ?? ((line: string) => console.log(line));
  const err = deps.err ?? ((line: string) => console.error(line));
  const fail = (message: string) => {
    err(`legacy-mlops approve: ${message}`);
    return 1;
  };
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: { reject: { type: 'boolean', default: false }, reason: { type: 'string' }, by: { type: 'string' }, env: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: true,
    });
  } catch (error) {
    return fail(`${messageOf(error)} (${USAGE})`);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    out(USAGE);
    return 0;
  }
  if (positionals.length !== 1) return fail(`give exactly one execution (${USAGE})`);
  const execution = positionals[0];
  const reason = values.reason ?? '';
  if (values.reject && !reason.trim()) return fail('a rejection needs a reason: --reason <why> (it is recorded on the model version and in the execution)');
  const at = (deps.now?.() ?? new Date()).toISOString();
  const decisionOf = (by: string): ApprovalDecision => ({ decision: values.reject ? 'rejected' : 'approved', by, at, reason });

  const runDir = join(cwd, localRunDir(execution));
  if (!execution.includes(':') && existsSync(approvalsDir(runDir))) return decideLocally(runDir, execution, decisionOf(values.by ?? localUser()), out, fail);

  let executionArn = execution;
  if (!EXECUTION_ARN.test(execution)) {
    if (!/^[A-Za-z0-9_-]{1,80}$/.test(execution)) return fail(`'${execution}' is neither an execution ARN nor an execution name`);
    try {
      const { pipeline } = selectEnvironment(readPipelineModel(cwd), values.env);
      executionArn = `arn:${pipeline.partition}:states:${pipeline.region}:${pipeline.account}:execution:${stateMachineName(pipeline)}:${execution}`;
    } catch (error) {
      return fail(`no local run '${execution}' waits for approval, and the deployed execution cannot be named: ${messageOf(error)}`);
    }
  }
  const region = EXECUTION_ARN.exec(executionArn)![2];
  const sfn = deps.sfn?.(region) ?? new SFNClient({ region });
  try {
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (described.status !== 'RUNNING') return fail(`execution ${executionArn} is ${described.status}: there is nothing left to decide`);
    const waiting = await waitingApproval(sfn, executionArn);
    if (waiting.kind === 'decided') return fail(`the approval of execution ${executionArn} was already decided (${waiting.how}); nothing sent`);
    if (waiting.kind === 'none') return fail(`execution ${executionArn} is not waiting in an approval stage`);
    const by = values.by ?? (await callerArn(deps.sts?.(region) ?? new STSClient({ region })));
    const decision = decisionOf(by);
    if (decision.decision === 'approved') {
      await sfn.send(new SendTaskSuccessCommand({ taskToken: waiting.token, output: JSON.stringify(decision) }));
    } else {
      await sfn.send(new SendTaskFailureCommand({ taskToken: waiting.token, error: APPROVAL_REJECTED_ERROR, cause: JSON.stringify(decision) }));
    }
    out(`${decision.decision === 'approved' ? 'Approved' : 'Rejected'} stage ${waiting.stage} of ${executionArn} as ${by}${reason ? `: ${reason}` : ''}`);
    return 0;
  } catch (error) {
    return fail(describeAwsError(error, executionArn));
  }
}

function decideLocally(runDir: string, execution: string, decision: ApprovalDecision, out: (l: string) => void, fail: (m: string) => number): number {
  const approvals = approvalsOf(runDir);
  const pending = approvals.filter((a) => !a.decision);
  if (pending.length === 0) {
    const last = approvals[approvals.length - 1];
    if (!last?.decision) return fail(`local run ${execution} is not waiting in an approval stage`);
    return fail(`stage ${last.request.stage} of local run ${execution} was already ${last.decision.decision} by ${last.decision.by} at ${last.decision.at}`);
  }
  const { stage } = pending[0].request;
  if (!writeDecision(runDir, stage, decision)) return fail(`stage ${stage} of local run ${execution} was decided meanwhile; nothing written`);
  out(`${decision.decision === 'approved' ? 'Approved' : 'Rejected'} stage ${stage} of local run ${execution} as ${decision.by}${decision.reason ? `: ${decision.reason}` : ''}`);
  return 0;
}

async function callerArn(sts: STSClient): Promise<string> {
  const identity = await sts.send(new GetCallerIdentityCommand({}));
  return identity.Arn ?? 'unknown caller';
}

function describeAwsError(error: unknown, executionArn: string): string {
  const name = (error as { name?: string })?.name ?? '';
  const message = messageOf(error);
  if (name === 'CredentialsProviderError' || /Could not load credentials/i.test(message)) {
    return 'no AWS credentials found: sign in (e.g. `aws sso login` with AWS_PROFILE set) or export AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, then retry';
  }
  if (name === 'ExecutionDoesNotExist') return `no execution ${executionArn}: check the name (npx projen start prints it) or pass --env`;
  if (isStaleTokenError(error)) return `the approval of ${executionArn} is no longer waiting (${name}): it was decided or timed out meanwhile`;
  if (/AccessDenied|UnrecognizedClient|InvalidSignature/i.test(name)) return `AWS refused the request (${name}): ${message} (approvers need pipeline/iam/approver-policy.json)`;
  return name && name !== 'Error' ? `${name}: ${message}` : message;
}

/** Not `instanceof Error`: errors from another realm (a test VM) are objects with a message all the same. */
function messageOf(error: unknown): string {
  const message = (error as { message?: unknown } | undefined)?.message;
  return typeof message === 'string' ? message.replace(/\. To specify a positional argument.*$/, '') : String(error);
}
