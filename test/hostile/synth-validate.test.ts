/**
 * Hostile input to synthesis (`.projenrc.ts` options, symbolic links in the repo) and to `validate`
 * (hand-edited, tampered or unreadable managed files). Synthesis and most validate cases run in-process
 * (a process per case would cost a tsx start-up each and prove nothing more); the drift cases and the
 * source-dump case run the real thing.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runValidate } from '../../src/cli/validate.js';
import type { PipelineOptions } from '../../src/model/index.js';
import { synthesizeProject } from '../../src/project/index.js';
import { hostileTable, LEGACY_MLOPS_BIN, REPO_ROOT, TSX, writeFiles, type CaseContext, type HostileCase } from './harness.js';
import type { CommandResult } from './processes.js';

const base: PipelineOptions = { name: 'demo', region: 'eu-west-1', account: '111122223333' };
const PYTHON = process.env.LEGACY_MLOPS_PYTHON ?? '/usr/bin/python3';

/** Synthesis of `options` into `<case>/repo`, as `npx projen` does it: exit 1 with the error's message on refusal. */
const synth = (options: unknown) => async (ctx: CaseContext): Promise<CommandResult> => {
  try {
    synthesizeProject(options as PipelineOptions, path.join(ctx.dir, 'repo'));
    return { exitCode: 0, stdout: '', stderr: '' };
  } catch (error) {
    return { exitCode: 1, stdout: '', stderr: (error as Error).message };
  }
};
const stage = (extra: Record<string, unknown>) => ({ ...base, stages: [{ name: 'prep', ...extra }] });
const refused = (label: string, options: unknown, message: RegExp): HostileCase => ({ name: label, setup: ({ dir }) => fs.mkdirSync(path.join(dir, 'repo')), run: synth(options), exitCode: 1, message });

const schemaCases: HostileCase[] = [
  refused('misspelt stage key instancetype', stage({ instancetype: 'ml.m5.xlarge' }), /^\s+- stages\[0\] \(prep\)\.instancetype: unknown key 'instancetype'; did you mean 'instanceType'\?$/),
  refused('shortened stage key maxRuntime', stage({ maxRuntime: 60 }), /stages\[0\] \(prep\)\.maxRuntime: unknown key 'maxRuntime'; did you mean 'maxRuntimeSeconds'\?$/),
  refused("framework: 'xgboost' (a string, not the object)", stage({ framework: 'xgboost' }), /stages\[0\] \(prep\)\.framework: must be an object, not the string 'xgboost'/),
  refused('framework { versoin }', stage({ framework: { name: 'xgboost', versoin: '1.7-1' } }), /framework\.versoin: unknown key 'versoin'; did you mean 'version'\?$/),
  refused('framework name misspelt', stage({ framework: { name: 'pytroch' } }), /framework\.name: 'pytroch' is not a framework \(allowed: sklearn, xgboost, pytorch\); did you mean 'pytorch'\?$/),
  refused('project key regoin', { ...base, regoin: 'eu-west-1' }, /^\s+- regoin: unknown key 'regoin'; did you mean 'region'\?$/),
  refused('project key acount', { ...base, acount: '1' }, /acount: unknown key 'acount'; did you mean 'account'\?$/),
  refused('input key form', stage({ inputs: [{ name: 'x', form: 'raw' }] }), /inputs\[0\]\.form: unknown key 'form'; did you mean 'from'\?$/),
  refused('output key localpath', stage({ outputs: [{ name: 'x', localpath: '/opt/ml/processing/output/x' }] }), /outputs\[0\]\.localpath: unknown key 'localpath'; did you mean 'localPath'\?$/),
  refused('gate key greaterIsBeter', { ...base, stages: [{ name: 'ev', kind: 'evaluation', gate: { metric: 'auc', threshold: 0.8, greaterIsBeter: true } }] }, /gate\.greaterIsBeter: unknown key 'greaterIsBeter'; did you mean 'greaterIsBetter'\?$/),
  refused('gate threshold as a string', { ...base, stages: [{ name: 'ev', kind: 'evaluation', gate: { metric: 'auc', threshold: '0.8' } }] }, /gate\.threshold: must be a number, not the string '0\.8'$/),
  refused('hyperparameter as a number', { ...base, stages: [{ name: 'tr', kind: 'training', hyperparameters: { epochs: 10 } }] }, /hyperparameters\.epochs: must be a string, not number 10$/),
  refused('environment variable as a boolean', stage({ environment: { DEBUG: true } }), /environment\.DEBUG: must be a string, not boolean true$/),
  refused('environments key acount', { ...base, environments: [{ name: 'prod', acount: '111122223333', region: 'eu-west-1' }] }, /environments\[0\] \(prod\)\.acount: unknown key 'acount'; did you mean 'account'\?$/),
  refused('schedule key expresion', { ...base, schedule: { expresion: 'rate(1 day)' } }, /schedule\.expresion: unknown key 'expresion'; did you mean 'expression'\?$/),
  refused('notifications key emial', { ...base, notifications: { emial: 'a@example.com' } }, /notifications\.emial: unknown key 'emial'; did you mean 'email'\?$/),
  refused('existingRoles key without Arn', { ...base, existingRoles: { stateMachineRole: 'arn:aws:iam::111122223333:role/x' } }, /existingRoles\.stateMachineRole: unknown key 'stateMachineRole'; did you mean 'stateMachineRoleArn'\?$/),
  refused('endpointWait key interval', { ...base, stages: [{ name: 'e', kind: 'endpoint', endpointWait: { interval: 5 } }] }, /endpointWait\.interval: unknown key 'interval'; did you mean 'intervalSeconds'\?$/),
  refused('stages as an object', { ...base, stages: { name: 'prep' } }, /^\s+- stages: must be an array, not an object$/),
  refused('instanceCount as a string', stage({ instanceCount: '2' }), /instanceCount: must be a number, not the string '2'$/),
  refused('explicit null instanceType', stage({ instanceType: null }), /instanceType: must be a string, not null$/),
  refused('skippable as a string', stage({ skippable: 'yes' }), /skippable: must be true or false, not the string 'yes'$/),
  refused('a projen option misspelt (gitignor)', { ...base, gitignor: ['x'] }, /gitignor: unknown key 'gitignor'; did you mean 'gitignore'\?$/),
  refused('kind misspelt', stage({ kind: 'trainig' }), /kind: 'trainig' is not a stage kind \(allowed: .*\); did you mean 'training'\?$/),
  {
    name: "projen's own options beside the pipeline are accepted",
    run: synth({ ...base, description: 'churn model', gitignore: ['*.parquet'] }),
    exitCode: 0,
  },
];

/** A repo folder and, beside it, a folder outside it: links point there. */
const linkCase = (name: string, link: string, target: (dir: string) => string, message: RegExp, extra: Partial<HostileCase> = {}): HostileCase => ({
  name,
  setup: ({ dir }) => {
    fs.mkdirSync(path.join(dir, 'outside'));
    writeFiles(dir, { 'outside/keep.txt': 'the user keeps this\n' });
    fs.mkdirSync(path.dirname(path.join(dir, 'repo', link)), { recursive: true });
    fs.symlinkSync(target(dir), path.join(dir, 'repo', link));
  },
  run: synth(base),
  exitCode: 1,
  message,
  ...extra,
});

const symlinkCases: HostileCase[] = [
  linkCase('a dangling stage script link is refused, naming it; nothing is written through it', 'stages/preprocess/preprocess.py', (dir) => path.join(dir, 'outside/ghost.py'),
    /^npx projen refused: stages\/preprocess\/preprocess\.py is a symbolic link to \S+\/outside\/ghost\.py, which does not exist; remove the link/,
    { check: ({ dir }) => expect(fs.existsSync(path.join(dir, 'outside/ghost.py'))).toBe(false) }),
  linkCase('a stage script link to an existing file outside the repo is refused', 'stages/preprocess/preprocess.py', (dir) => path.join(dir, 'outside/keep.txt'),
    /^npx projen refused: stages\/preprocess\/preprocess\.py is a symbolic link to \S+\/outside\/keep\.txt, outside the repository/),
  linkCase('a stages/ folder linked outside the repo is refused before any stub is written', 'stages', (dir) => path.join(dir, 'outside'),
    /^npx projen refused to write stages\/\S+: stages is a symbolic link to \S+\/outside, outside the repository/),
  linkCase('a managed file (README.md) that is a dangling link is refused', 'README.md', (dir) => path.join(dir, 'outside/README.md'),
    /^npx projen refused: README\.md is a symbolic link to \S+, which does not exist/),
  linkCase('a managed pipeline/ folder linked outside is refused', 'pipeline', (dir) => path.join(dir, 'outside'),
    /^npx projen refused to write pipeline\/\S+: pipeline is a symbolic link to \S+\/outside, outside the repository/),
  linkCase('data/raw linked to an empty folder outside is refused (the sample would land there)', 'data/raw', (dir) => (fs.mkdirSync(path.join(dir, 'outside/empty')), path.join(dir, 'outside/empty')),
    /^npx projen refused to write data\/raw\/\S+: data\/raw is a symbolic link to \S+\/outside\/empty, outside the repository/),
  linkCase('a relative link climbing out of the repo is refused', 'stages/predict/predict.py', () => '../../../outside/x.py',
    /^npx projen refused: stages\/predict\/predict\.py is a symbolic link to \.\.\/\.\.\/\.\.\/outside\/x\.py, which does not exist/),
  {
    name: 'a stage script link to a file inside the repo is fine, and the file is kept',
    setup: ({ dir }) => {
      writeFiles(dir, { 'repo/legacy/prep.py': 'print("legacy")\n' });
      fs.mkdirSync(path.join(dir, 'repo/stages/preprocess'), { recursive: true });
      fs.symlinkSync('../../legacy/prep.py', path.join(dir, 'repo/stages/preprocess/preprocess.py'));
    },
    run: synth(base),
    exitCode: 0,
    check: ({ dir }) => expect(fs.readFileSync(path.join(dir, 'repo/legacy/prep.py'), 'utf8')).toBe('print("legacy")\n'),
  },
];

/** `.projenrc.ts` importing this checkout's sources: what validate's drift check re-runs. */
const projenrc = (options: string) => `import { LegacyMlopsProject } from '${REPO_ROOT}/src/project/index.js';\nconst project = new LegacyMlopsProject(${options});\nproject.synth();\n`;
const BASE_RC = JSON.stringify(base);

/** A synthesized repo (with its .projenrc.ts) in the case folder, then `edit` applied to it. */
function repoThen(edit: (dir: string) => void = () => undefined) {
  return ({ dir }: CaseContext) => {
    fs.writeFileSync(path.join(dir, '.projenrc.ts'), projenrc(BASE_RC));
    synthesizeProject(base, dir);
    edit(dir);
  };
}
const editJson = (file: string, change: (value: any) => void) => (dir: string) => {
  const full = path.join(dir, file);
  fs.chmodSync(full, 0o644);
  const value = JSON.parse(fs.readFileSync(full, 'utf8'));
  change(value);
  fs.writeFileSync(full, JSON.stringify(value, null, 2));
};
const states = (asl: any) => Object.values<any>(asl.States).filter((s) => s.Type === 'Task');
const argsOf = (state: any) => state.Arguments ?? state.Parameters;

/** `legacy-mlops validate` in-process, its lines captured. */
const validate = (options: { drift?: boolean } = { drift: false }) => async ({ dir }: CaseContext): Promise<CommandResult> => {
  const out: string[] = [];
  const err: string[] = [];
  const exitCode = await runValidate([], dir, { out: (l) => out.push(l), err: (l) => err.push(l) }, { python: PYTHON, ...options });
  return { exitCode, stdout: out.join('\n'), stderr: err.join('\n') };
};
const tampered = (name: string, edit: (dir: string) => void, message: RegExp): HostileCase => ({ name, setup: repoThen(edit), run: validate(), exitCode: 1, message });

const validateCases: HostileCase[] = [
  { name: 'an untouched repo passes', setup: repoThen(), run: validate(), exitCode: 0, message: /^\d+ checks passed, 0 failed$/ },
  tampered('every Retry removed', editJson('pipeline/state-machine.asl.json', (asl) => states(asl).forEach((s) => delete s.Retry)), /✗ pipeline\/state-machine\.asl\.json: state 'preprocess': Retry was removed/),
  tampered('a Catch removed', editJson('pipeline/state-machine.asl.json', (asl) => delete states(asl)[1].Catch), /state 'predict': Catch was removed/),
  tampered('a TimeoutSeconds raised', editJson('pipeline/state-machine.asl.json', (asl) => (states(asl)[0].TimeoutSeconds = 99_999)), /state 'preprocess': TimeoutSeconds was changed/),
  tampered('ContainerEntrypoint replaced by another command', editJson('pipeline/state-machine.asl.json', (asl) => (argsOf(states(asl)[0]).AppSpecification.ContainerEntrypoint = ['python3', '/tmp/evil.py'])),
    /state 'preprocess': ContainerEntrypoint is \["python3","\/tmp\/evil\.py"\], not what the model says/),
  tampered('a ContainerEntrypoint added where the model has none', editJson('pipeline/state-machine.asl.json', (asl) => (argsOf(states(asl)[1]).AppSpecification.ContainerEntrypoint = ['sh', '-c', 'curl x'])),
    /state 'predict': ContainerEntrypoint is \["sh","-c","curl x"\], not what the model says \(absent\)/),
  tampered('the execution input names another account\'s role', editJson('pipeline/execution-input.json', (input) => (input.roleArn = 'arn:aws:iam::999999999999:role/x')),
    /roleArn: role 'arn:aws:iam::999999999999:role\/x' is in account 999999999999, not the model's account 111122223333/),
  tampered('the execution input reads raw data from another bucket', editJson('pipeline/execution-input.json', (input) => (input.rawDataUri = 's3://someone-elses-bucket/data/raw/')),
    /rawDataUri: 's3:\/\/someone-elses-bucket\/data\/raw\/' is outside the model's prefix s3:\/\/demo-111122223333-eu-west-1\/data\/raw\//),
  tampered('the execution input sends code to another prefix', editJson('pipeline/execution-input.json', (input) => (input.codeUri = 's3://demo-111122223333-eu-west-1/elsewhere/')),
    /codeUri: .* is outside the model's prefix s3:\/\/demo-111122223333-eu-west-1\/code\//),
  tampered('the execution input runs an image of another account', editJson('pipeline/execution-input.json', (input) => (input.stages.preprocess.imageUri = '999999999999.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-scikit-learn:1.4-2-cpu-py3')),
    /stages\.preprocess\.imageUri: '999999999999\.dkr\.ecr\.eu-west-1\.amazonaws\.com\/sagemaker-scikit-learn:1\.4-2-cpu-py3' is not in the model's image repository/),
  tampered('pipeline-model.json holds an entry script climbing out of stages/', editJson('pipeline/pipeline-model.json', (m) => (m.environments[0].pipeline.stages[0].entryScript = '../../../etc/x.py')),
    /pipeline\/pipeline-model\.json: was edited by hand \(environments\[0\]\.pipeline\.stages\[0\] \(preprocess\)\.entryScript is not what its options resolve to\)/),
  tampered('pipeline-model.json options with such an entry script', editJson('pipeline/pipeline-model.json', (m) => (m.options.stages = [{ name: 'prep', entryScript: '../../../etc/x.py' }])),
    /pipeline\/pipeline-model\.json: holds an invalid model \(stages\[0\] \(prep\)\.entryScript: '\.\.\/\.\.\/\.\.\/etc\/x\.py' must be a Python file path/),
  tampered('pipeline-model.json with another account\'s role', editJson('pipeline/pipeline-model.json', (m) => (m.environments[0].pipeline.roles.sageMakerExecutionRoleArn = 'arn:aws:iam::999999999999:role/x')),
    /was edited by hand \(environments\[0\]\.pipeline\.roles\.sageMakerExecutionRoleArn is not what its options resolve to\)/),
  tampered('pipeline-model.json options with an unknown key', editJson('pipeline/pipeline-model.json', (m) => (m.options.instancetype = 'x')),
    /holds an invalid model \(instancetype: unknown key 'instancetype'/),
  tampered('pipeline-model.json from an older version (no options)', editJson('pipeline/pipeline-model.json', (m) => delete m.options),
    /pipeline-model\.json.*written by another version of legacy-mlops: run 'npx projen'/),
  tampered('an entry script that is a link out of stages/', (dir) => {
    fs.rmSync(path.join(dir, 'stages/preprocess/preprocess.py'));
    fs.symlinkSync('/etc/hostname', path.join(dir, 'stages/preprocess/preprocess.py'));
  }, /✗ stages\/preprocess\/preprocess\.py: is a link to \/etc\/hostname, outside stages\//),
  tampered('the ASL is not JSON: the file is named', (dir) => {
    fs.chmodSync(path.join(dir, 'pipeline/state-machine.asl.json'), 0o644);
    fs.writeFileSync(path.join(dir, 'pipeline/state-machine.asl.json'), '{ "StartAt": ');
  }, /✗ pipeline\/state-machine\.asl\.json: cannot be read: /),
  tampered('the execution input is not JSON: the file is named', (dir) => {
    fs.chmodSync(path.join(dir, 'pipeline/execution-input.json'), 0o644);
    fs.writeFileSync(path.join(dir, 'pipeline/execution-input.json'), 'roleArn: x');
  }, /✗ pipeline\/execution-input\.json: cannot be read: /),
  tampered('pipeline-model.json is not JSON', (dir) => {
    fs.chmodSync(path.join(dir, 'pipeline/pipeline-model.json'), 0o644);
    fs.writeFileSync(path.join(dir, 'pipeline/pipeline-model.json'), '<html>');
  }, /✗ pipeline\/pipeline-model\.json: cannot read pipeline\/pipeline-model\.json/),
  tampered('the ASL is missing', (dir) => fs.rmSync(path.join(dir, 'pipeline/state-machine.asl.json')), /✗ pipeline\/state-machine\.asl\.json: is missing \(run npx projen/),
  {
    name: 'drift: states reordered in the ASL are named with the first difference',
    setup: repoThen(editJson('pipeline/state-machine.asl.json', (asl) => {
      asl.States = Object.fromEntries(Object.entries(asl.States).reverse());
    })),
    run: validate({ drift: true }),
    exitCode: 1,
    message: /✗ pipeline\/state-machine\.asl\.json: differs from what \.projenrc\.ts synthesizes, first at line \d+: expected .*, found /,
    timeoutMs: 240_000,
  },
  {
    name: 'drift: a hand edit to the managed README is named',
    setup: repoThen((dir) => {
      fs.chmodSync(path.join(dir, 'README.md'), 0o644);
      fs.appendFileSync(path.join(dir, 'README.md'), 'my notes\n');
    }),
    run: validate({ drift: true }),
    exitCode: 1,
    message: /✗ README\.md: differs from what \.projenrc\.ts synthesizes, first at line \d+: expected "", found "my notes"/,
    timeoutMs: 240_000,
  },
  {
    name: 'drift: a .projenrc.ts with a misspelt option fails validate with the did-you-mean line',
    setup: repoThen((dir) => fs.writeFileSync(path.join(dir, '.projenrc.ts'), projenrc(JSON.stringify({ ...base, stages: [{ name: 'prep', instancetype: 'x' }] })))),
    run: validate({ drift: true }),
    exitCode: 1,
    message: /✗ \.projenrc\.ts: does not synthesize: Invalid legacy-mlops pipeline \(1 problem\): - stages\[0\] \(prep\)\.instancetype: unknown key 'instancetype'; did you mean 'instanceType'\?/,
    timeoutMs: 240_000,
  },
];

const processCases: HostileCase[] = [
  {
    name: 'a model error from .projenrc.ts prints the problems only: no source line, no stack',
    setup: ({ dir }) => fs.writeFileSync(path.join(dir, '.projenrc.ts'), projenrc(JSON.stringify({ ...base, outdir: path.join(dir, 'out'), stages: [{ name: 'prep', instancetype: 'x' }] }))),
    command: [TSX, '.projenrc.ts'],
    env: { PROJEN_DISABLE_POST: 'true' },
    exitCode: 1,
    message: /^\s+- stages\[0\] \(prep\)\.instancetype: unknown key 'instancetype'; did you mean 'instanceType'\?$/,
    forbid: [/problems: \[/, /^\s*\^/],
    timeoutMs: 180_000,
  },
  {
    name: 'validate on a folder that is no generated repo names what is missing',
    command: [...LEGACY_MLOPS_BIN, 'validate'],
    env: { LEGACY_MLOPS_PYTHON: PYTHON },
    exitCode: 1,
    message: /✗ pipeline\/state-machine\.asl\.json: is missing \(run npx projen to generate it\)/,
    timeoutMs: 180_000,
  },
];

hostileTable('hostile synthesis: option schema', schemaCases);
hostileTable('hostile synthesis: symbolic links', symlinkCases);
hostileTable('hostile validate', validateCases);
hostileTable('hostile synthesis and validate, as processes', processCases);
