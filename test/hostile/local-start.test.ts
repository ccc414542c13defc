/**
 * Hostile input to `legacy-mlops local` (refused before any job starts: exit 2, one line naming what
 * to fix, the user's files untouched) and to `legacy-mlops start` (refused offline, before any AWS
 * call: the client given here fails the case if it is ever used). In-process: each refusal happens
 * before anything is spawned, so a process per case would only add tsx start-ups. SIGINT and SIGTERM
 * during a real local run are in local-signals.test.ts (and test/e2e/local-signals.test.ts).
 */
import { jest } from '@jest/globals';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SFNClient } from '@aws-sdk/client-sfn';
import { runLocal } from '../../src/cli/local.js';
import { runStart } from '../../src/cli/start.js';
import type { PipelineOptions } from '../../src/model/index.js';
import { synthesizeProject } from '../../src/project/index.js';
import { hostileTable, writeFiles, type CaseContext, type HostileCase } from './harness.js';
import type { CommandResult } from './processes.js';

const PYTHON = process.env.LEGACY_MLOPS_PYTHON ?? '/usr/bin/python3';
const base: PipelineOptions = { name: 'demo', region: 'eu-west-1', account: '111122223333' };
/** What the user owns in a generated repo (`.local/` is the runner's own scratch and record). */
const USER_OWNED = ['stages', 'data', 'pipeline', 'README.md', 'package.json'];

function repoThen(edit: (dir: string) => void = () => undefined, options: PipelineOptions = base) {
  return ({ dir }: CaseContext) => {
    synthesizeProject(options, dir);
    edit(dir);
  };
}
const writable = (dir: string, file: string) => fs.chmodSync(path.join(dir, file), 0o644);
const overwrite = (file: string, text: string) => (dir: string) => {
  writable(dir, file);
  fs.writeFileSync(path.join(dir, file), text);
};
const editJson = (file: string, change: (value: any) => void) => (dir: string) => {
  writable(dir, file);
  const value = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
  change(value);
  fs.writeFileSync(path.join(dir, file), JSON.stringify(value, null, 2));
};

/** Runs `fn` with stdout, stderr and console captured. */
async function captured(fn: () => Promise<number>): Promise<CommandResult> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const spies = [
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => (stdout.push(String(chunk)), true)),
    jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => (stderr.push(String(chunk)), true)),
    jest.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void stdout.push(`${args.map(String).join(' ')}\n`)),
    jest.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void stderr.push(`${args.map(String).join(' ')}\n`)),
  ];
  try {
    const exitCode = await fn();
    return { exitCode, stdout: stdout.join(''), stderr: stderr.join('') };
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
}

const local = (argv: string[] = []) => ({ dir }: CaseContext) => captured(() => runLocal(['--python', PYTHON, '--backend', 'direct', ...argv], dir));
const noJobRan = ({ dir }: CaseContext) => expect(fs.existsSync(path.join(dir, '.local/runs'))).toBe(false);
const refusedLocally = (name: string, edit: (dir: string) => void, message: RegExp, argv: string[] = []): HostileCase => ({
  name,
  setup: repoThen(edit),
  run: local(argv),
  exitCode: 2,
  message,
  owned: USER_OWNED,
  check: noJobRan,
});

const localCases: HostileCase[] = [
  refusedLocally('an execution input that is not JSON is named', overwrite('pipeline/execution-input.json', '{ "roleArn": '), /^legacy-mlops local: .*pipeline\/execution-input\.json.*(JSON|json)/),
  refusedLocally('a state machine that is not JSON is named', overwrite('pipeline/state-machine.asl.json', 'StartAt: x'), /^legacy-mlops local: .*pipeline\/state-machine\.asl\.json/),
  refusedLocally('an --input file that does not exist is named', () => undefined, /^legacy-mlops local: .*nope\.json/, ['--input', 'nope.json']),
  refusedLocally('an input that breaks its schema names the field', editJson('pipeline/execution-input.json', (i) => (i.stages.preprocess.instanceType = 'ml.nope.large')), /^legacy-mlops local: .*instanceType/),
  refusedLocally('an input with an unknown stage setting names it', editJson('pipeline/execution-input.json', (i) => (i.stages.preprocess.instancetype = 'ml.m5.large')), /^legacy-mlops local: .*instancetype/),
  refusedLocally('a missing stage script is named', (dir) => fs.rmSync(path.join(dir, 'stages/preprocess/preprocess.py')), /^legacy-mlops local: .*stages\/preprocess\/preprocess\.py/),
  refusedLocally('no raw data at all says where to put it', (dir) => fs.rmSync(path.join(dir, 'data/raw'), { recursive: true }), /^legacy-mlops local: no raw data: put the input files in data\/raw\//),
  refusedLocally('a Task with a resource no emulator knows is refused, never called on AWS', editJson('pipeline/state-machine.asl.json', (asl) => (asl.States.preprocess.Resource = 'arn:aws:states:::lambda:invoke')), /^legacy-mlops local: .*preprocess/),
  refusedLocally('a stage switched off whose output a later stage reads is refused', editJson('pipeline/execution-input.json', (i) => (i.stages.preprocess = { ...i.stages.preprocess, enabled: false })), /^legacy-mlops local: /),
  {
    name: 'an unknown option is refused with the usage',
    setup: repoThen(),
    run: local(['--backnd', 'direct']),
    exitCode: 2,
    message: /--backnd/,
    owned: USER_OWNED,
    check: noJobRan,
  },
  {
    name: 'an unknown backend is refused by name',
    setup: repoThen(),
    run: ({ dir }) => captured(() => runLocal(['--python', PYTHON, '--backend', 'podman'], dir)),
    exitCode: 2,
    message: /podman/,
    owned: USER_OWNED,
    check: noJobRan,
  },
];

/** An SFN client that must never be reached: every case here is refused offline. */
const unreachable = { send: () => Promise.reject(new Error('AWS was called: the refusal came too late')) } as unknown as SFNClient;
const start = (argv: string[] = []) => ({ dir }: CaseContext) => {
  const out: string[] = [];
  const err: string[] = [];
  return runStart(argv, dir, { client: unreachable, out: (l) => out.push(l), err: (l) => err.push(l), sleep: async () => undefined }).then((exitCode) => ({ exitCode, stdout: out.join('\n'), stderr: err.join('\n') }));
};
const refusedStart = (name: string, edit: (dir: string) => void, message: RegExp, argv: string[] = []): HostileCase => ({ name, setup: repoThen(edit), run: start(argv), exitCode: 1, message, owned: USER_OWNED });

const startCases: HostileCase[] = [
  refusedStart('no pipeline-model.json: run npx projen first', (dir) => fs.rmSync(path.join(dir, 'pipeline/pipeline-model.json')), /^legacy-mlops start: cannot read pipeline\/pipeline-model\.json \(run 'npx projen' first\)/),
  refusedStart('pipeline-model.json is not JSON', overwrite('pipeline/pipeline-model.json', '{'), /^legacy-mlops start: cannot read pipeline\/pipeline-model\.json/),
  refusedStart('a hand-edited entry script in pipeline-model.json is refused before any AWS call', editJson('pipeline/pipeline-model.json', (m) => (m.environments[0].pipeline.stages[0].entryScript = '../../../etc/x.py')),
    /^legacy-mlops start: pipeline\/pipeline-model\.json was edited by hand \(environments\[0\]\.pipeline\.stages\[0\] \(preprocess\)\.entryScript/),
  refusedStart('another account in pipeline-model.json is refused', editJson('pipeline/pipeline-model.json', (m) => (m.environments[0].environment.account = '999999999999')),
    /^legacy-mlops start: pipeline\/pipeline-model\.json was edited by hand \(environments\[0\]\.environment\.account/),
  refusedStart('invalid options in pipeline-model.json are refused with the model\'s message', editJson('pipeline/pipeline-model.json', (m) => (m.options.stages = [{ name: 'prep', framework: 'xgboost' }])),
    /^legacy-mlops start: pipeline\/pipeline-model\.json holds an invalid model \(stages\[0\] \(prep\)\.framework: must be an object/),
  refusedStart('a pipeline-model.json of an older version asks for npx projen', editJson('pipeline/pipeline-model.json', (m) => delete m.options), /^legacy-mlops start: pipeline\/pipeline-model\.json was written by another version/),
  refusedStart('an unknown --env names the environments', () => undefined, /^legacy-mlops start: no environment 'prodd' \(environments: default\)/, ['--env', 'prodd']),
  refusedStart('an --input that does not exist is named', () => undefined, /^legacy-mlops start: cannot read nope\.json: it does not exist$/, ['--input', 'nope.json']),
  refusedStart('an --input that is not JSON is named', (dir) => writeFiles(dir, { 'bad.json': '{ roleArn: x' }), /^legacy-mlops start: cannot read bad\.json: it is not valid JSON/, ['--input', 'bad.json']),
  refusedStart('an execution name with spaces is refused', () => undefined, /^legacy-mlops start: 'my run' is not a valid execution name/, ['--name', 'my run']),
  refusedStart('a negative --poll-seconds is refused', () => undefined, /^legacy-mlops start: --poll-seconds must be a number of seconds, not '-1'/, ['--poll-seconds', '-1']),
  refusedStart('an unknown option is refused with the options', () => undefined, /^legacy-mlops start: .*--evn.*\(options: --env/, ['--evn', 'prod']),
];

hostileTable('hostile local', localCases);
hostileTable('hostile start', startCases);
