#!/usr/bin/env node
/**
 * `legacy-mlops <command>`: the commands behind a generated repo's projen tasks.
 * Commands are loaded lazily so the Node version check runs before any ESM-only dependency loads.
 */
import { nodeVersionProblem } from './node-version.js';

const COMMANDS: Record<string, { summary: string; load: () => Promise<(argv: string[], cwd: string) => Promise<number>> }> = {
  validate: { summary: 'check the generated pipeline offline', load: async () => (await import('./validate.js')).runValidate },
  local: { summary: 'run the state machine locally, no AWS account', load: async () => (await import('./local.js')).runLocal },
  demo: { summary: 'scaffold the sample pipeline and run it locally (no AWS account)', load: async () => (await import('./demo.js')).runDemo },
  smoke: { summary: "run one stage's script untouched on the sample data", load: async () => (await import('./smoke.js')).runSmoke },
  test: { summary: 'stage tests, validate and a local run of the pipeline', load: async () => (await import('./test.js')).runTest },
  start: { summary: 'start an execution of the deployed pipeline and follow it', load: async () => (await import('./start.js')).runStart },
  doctor: { summary: 'check the AWS account before deploying: credentials, bootstrap, bucket, quotas, images, roles', load: async () => (await import('./doctor.js')).runDoctorCommand },
  approve: { summary: 'approve (or --reject) the model an execution waits on', load: async () => (await import('./approve.js')).runApprove },
};

function usage(): string {
  return ['Usage: legacy-mlops <command> [options]', '', ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`)].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const tooOld = nodeVersionProblem();
  if (tooOld) {
    const { rerunOnNewerNode } = await import('./rerun-on-node.js');
    return rerunOnNewerNode('legacy-mlops', tooOld);
  }
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h') {
    console.log(usage());
    return name ? 0 : 1;
  }
  const command = COMMANDS[name];
  if (!command) {
    console.error(`legacy-mlops: unknown command '${name}' (allowed: ${Object.keys(COMMANDS).join(', ')})`);
    return 1;
  }
  const run = await command.load();
  return run(rest, process.cwd());
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`legacy-mlops: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
