/**
 * `legacy-mlops doctor [--env <name>] [--json]` (the generated repo's `npx projen doctor`): read-only
 * checks against the environment's account and region before the first deploy or run. Exit 1 on any
 * failed check, or without credentials (one line).
 */
import { parseArgs } from 'node:util';
import { readPipelineModel, selectEnvironment, type EnvironmentPipeline } from '../construct/pipeline-model.js';
import { awsClients, type DoctorClients } from '../doctor/clients.js';
import { hasFailure, renderJson, renderTable } from '../doctor/report.js';
import { runDoctor } from '../doctor/run.js';

const USAGE = 'usage: legacy-mlops doctor [--env <environment>] [--json]';

export interface DoctorDependencies {
  /** @default the SDK clients of the environment's region with the default credential chain */
  readonly clients?: (region: string) => DoctorClients;
  readonly out?: (text: string) => void;
  readonly err?: (line: string) => void;
}

export async function runDoctorCommand(argv: string[], cwd: string, deps: DoctorDependencies = {}): Promise<number> {
  const out = deps.out ?? ((text: string) => console.log(text));
  const err = deps.err ?? ((line: string) => console.error(line));
  const fail = (message: string) => {
    err(`legacy-mlops doctor: ${message}`);
    return 1;
  };
  let values;
  try {
    values = parseArgs({ args: argv, options: { env: { type: 'string' }, json: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: false }).values;
  } catch (error) {
    return fail(`${messageOf(error)} (${USAGE})`);
  }
  if (values.help) {
    out(USAGE);
    return 0;
  }
  let target: EnvironmentPipeline;
  try {
    target = selectEnvironment(readPipelineModel(cwd), values.env);
  } catch (error) {
    return fail(messageOf(error));
  }
  const clients = (deps.clients ?? awsClients)(target.environment.region);
  const outcome = await runDoctor(target, clients);
  if (outcome.kind === 'no-credentials') {
    return fail(`no AWS credentials found (${outcome.message.split('\n')[0]}): sign in (e.g. \`aws sso login\` with AWS_PROFILE set) or export AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, then run doctor again`);
  }
  out(values.json ? renderJson(outcome.report) : renderTable(outcome.report));
  return hasFailure(outcome.report) ? 1 : 0;
}

/** Not `instanceof Error`: errors from another realm (a test VM) are objects with a message all the same. */
function messageOf(error: unknown): string {
  const message = (error as { message?: unknown } | undefined)?.message;
  return typeof message === 'string' ? message : String(error);
}
