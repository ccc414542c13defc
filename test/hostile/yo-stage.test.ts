/**
 * Hostile input for `yo legacy-mlops:stage`: bad and misspelt flags, bad names, a duplicate stage,
 * missing, malformed, read-only and unreadable `.projenrc.ts`, a folder that is no generated repo,
 * hostile `--from` paths, an answers file (yo's stage generator takes none), and the hand-written
 * `.projenrc.ts` shapes the editor must handle (quoted keys, no `stages`, CRLF, BOM).
 * Each refusal: non-zero exit, one line naming what to fix, no stack, the user's files unchanged.
 * Most cases run in this process (yo's option handling and error exit reproduced, see yo-runner.ts);
 * the `yoBin` ones run the real yo binary as an unprivileged user.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { readDeclaredOptions } from '../../src/edit/projenrc-options.js';
import { REPO_ROOT, hostileTable, writeFiles, type CaseContext, type HostileCase } from './harness.js';
import { canSwitchUser } from './processes.js';
import { YO_ENV, generatedRepo, legacyScript, linkGenerators, yoBin, yoStage } from './yo-runner.js';

const F = ['--yes', '--skip-synth'];
const repoFile = (ctx: CaseContext, ...parts: string[]) => path.join(ctx.dir, 'repo', ...parts);
const projenrcOf = (ctx: CaseContext) => fs.readFileSync(repoFile(ctx, '.projenrc.ts'), 'utf8');
const stageNames = (ctx: CaseContext) => {
  const file = repoFile(ctx, '.projenrc.ts');
  const read = readDeclaredOptions(fs.readFileSync(file, 'utf8'), file);
  if (!read.ok) throw new Error(read.reason);
  return read.options.stages?.map((s) => s.name);
};
/** Without a user to switch to (not root), the real-yo cases run as this user; as root without runuser they cannot run. */
const realYo = process.getuid?.() === 0 && !canSwitchUser() ? 'yo refuses root and runuser is missing' : undefined;
const NO_STACK = [/An error occured while running/, /TypeError/, /ERR_INVALID_ARG_TYPE/];

/** The real-yo cases run as `user`, who must read this checkout (a checkout under a private folder fails them for that reason, said plainly). */
function checkoutReadableBy(user: string): void {
  if (!canSwitchUser()) return;
  const probe = path.join(REPO_ROOT, 'generators/stage/index.ts');
  try {
    execFileSync('/usr/sbin/runuser', ['-u', user, '--', 'test', '-r', probe], { stdio: 'ignore' });
  } catch {
    throw new Error(`the real-yo cases run yo as '${user}' (yo refuses root), who cannot read ${probe}: make the checkout readable by others (chmod o+rX on it and every folder above it)`);
  }
}

/** A refusal in a generated repo: exit non-zero, `message`, the repo as it was. */
function refused(name: string, argv: readonly string[], message: RegExp, setup?: (ctx: CaseContext) => void, cwd = 'repo'): HostileCase {
  return { name, setup: (ctx) => (generatedRepo(ctx), setup?.(ctx)), run: yoStage(argv, cwd), exitCode: 'non-zero', message, forbid: NO_STACK };
}

/** The same through the real yo binary, as `nobody` when running as root. */
function refusedByYo(name: string, argv: readonly string[], message: RegExp, setup?: (ctx: CaseContext) => void, user = 'nobody'): HostileCase {
  return {
    name: `${name} (real yo)`,
    setup: (ctx) => {
      checkoutReadableBy(user);
      generatedRepo(ctx);
      setup?.(ctx);
    },
    command: yoBin(...argv),
    cwd: 'repo',
    env: YO_ENV,
    user,
    exitCode: 'non-zero',
    message,
    forbid: NO_STACK,
    timeoutMs: 120_000,
    ...(realYo ? { skip: realYo } : {}),
  };
}

/** A success on a hand-written `.projenrc.ts` shape: only `.projenrc.ts` changes, and `check` says how. */
function edited(name: string, projenrc: (source: string) => string, argv: readonly string[], check: (ctx: CaseContext, source: string) => void): HostileCase {
  return {
    name,
    setup: (ctx) => void generatedRepo(ctx, projenrc),
    run: yoStage(argv),
    exitCode: 0,
    mayReplace: ['repo/.projenrc.ts'],
    check: (ctx) => check(ctx, projenrcOf(ctx)),
  };
}

const withoutStages = (s: string) => s.replace(/\n  \/\/ Stages run in this order[\s\S]*?\n  stages: \[[\s\S]*?\n  \],/, '');
const lineEndings = (s: string) => ({ crlf: s.match(/\r\n/g)?.length ?? 0, lf: s.replace(/\r\n/g, '').match(/\n/g)?.length ?? 0, cr: s.replace(/\r\n/g, '').match(/\r/g)?.length ?? 0 });

const cases: HostileCase[] = [
  // Flags.
  refused('misspelt option', ['report', ...F, '--instance-typ', 'ml.m5.xlarge'], /^Unknown option --instance-typ \(did you mean --instance-type\?\)/),
  refused('an option of create, not of yo stage', ['report', ...F, '--region', 'eu-west-1'], /^Unknown option --region/),
  refused('an answers file (yo stage takes none)', ['report', ...F, '--answers', 'answers.json'], /^Unknown option --answers.*--help` lists the options/),
  refused('negative max runtime', ['report', ...F, '--max-runtime', '-5'], /^Invalid --max-runtime: -5 must be a whole number of seconds/),
  refused('max runtime not a number', ['report', ...F, '--max-runtime', 'soon'], /^Invalid --max-runtime: /),
  refused('instance count zero', ['report', ...F, '--instance-count', '0'], /^Invalid --instance-count: /),
  refused('volume size too big', ['report', ...F, '--volume-size', '99999'], /^Invalid --volume-size: /),
  refused('unknown instance type', ['report', ...F, '--instance-type', 'ml.banana.huge'], /^Invalid --instance-type: /),
  refused('unknown mode', ['report', ...F, '--mode', 'banana'], /^Invalid --mode: /),
  refused('unknown kind', ['report', ...F, '--kind', 'nope'], /^Invalid --kind: /),
  refused('unknown framework', ['report', ...F, '--framework', 'caffe'], /^Invalid --framework: /),
  refused('framework version that does not exist', ['report', ...F, '--framework', 'sklearn@0.0-0'], /^Invalid --framework: /),
  refused('image URI that is no ECR image', ['report', ...F, '--mode', 'container', '--image-uri', 'not a uri'], /^Invalid --image-uri: /),
  refused('entry script outside the stage folder', ['report', ...F, '--entry-script', '../../etc/passwd.py'], /^Invalid --entry-script: /),
  refused('after a stage that does not exist', ['report', ...F, '--after', 'nope'], /^Invalid --after: there is no stage 'nope'/),
  refused('gate option on a processing stage', ['report', ...F, '--metric', 'accuracy'], /^Invalid --metric: /),
  refused('empty option value', ['report', ...F, '--description='], /^Invalid --description: it needs a value/),
  refused('option given twice', ['report', ...F, '--instance-type', 'ml.m5.large', '--instance-type', 'ml.m5.xlarge'], /^Invalid --instance-type: give it once/),
  refused('evaluation stage without its metric', ['score', ...F, '--kind', 'evaluation'], /metric/i),
  refused('hyperparameter without a value', ['fit', ...F, '--kind', 'training', '--hyperparameter', 'depth'], /^Invalid --hyperparameter: /),

  // Names.
  refused('no stage name with --yes', [...F], /no stage name: pass it as the argument/),
  refused('upper case and underscore', ['Bad_Name', ...F], /^Invalid stage name: /),
  refused('a path as the name', ['../evil', ...F], /^Invalid stage name: /),
  refused('a name too long', ['a'.repeat(80), ...F], /^Invalid stage name: /),
  refused('a name with a newline', ['bad\nname', ...F], /^Invalid stage name: /),
  refused('duplicate stage name with other settings', ['predict', ...F, '--instance-type', 'ml.c5.xlarge'], /a stage named 'predict' already exists in \.projenrc\.ts with other settings/),

  // .projenrc.ts.
  { name: 'no .projenrc.ts anywhere above', setup: (ctx) => fs.mkdirSync(path.join(ctx.dir, 'empty')), run: yoStage(['report', ...F], 'empty'), exitCode: 'non-zero', message: /^no \.projenrc\.ts in .* or any folder above it: run this inside a legacy-mlops repo/ },
  refused('.projenrc.ts does not parse', ['report', ...F], /does not parse .*fix it first/, (ctx) => fs.appendFileSync(repoFile(ctx, '.projenrc.ts'), '\nproject.synth(;\n')),
  refused('.projenrc.ts throws when run', ['report', ...F], /running \.projenrc\.ts to read its pipeline failed \(Error: no pipeline today\)/, (ctx) => fs.writeFileSync(repoFile(ctx, '.projenrc.ts'), `throw new Error('no pipeline today');\n${projenrcOf(ctx)}`)),
  refused('.projenrc.ts declares an invalid pipeline', ['report', ...F], /^\.projenrc\.ts is not a valid pipeline now \(.*instancetype.*\); fix it and run `npx projen` first/, (ctx) => fs.writeFileSync(repoFile(ctx, '.projenrc.ts'), projenrcOf(ctx).replace("mode: 'script',", "mode: 'script', instancetype: 'ml.m5.large',"))),
  refused('.projenrc.ts is a folder', ['report', ...F], /^cannot read .*\.projenrc\.ts: it is a folder, not a file/, (ctx) => (fs.rmSync(repoFile(ctx, '.projenrc.ts')), fs.mkdirSync(repoFile(ctx, '.projenrc.ts')))),
  refused('.projenrc.ts with every write bit cleared', ['report', ...F], /\.projenrc\.ts is read-only: make it writable \(chmod u\+w \.projenrc\.ts\)/, (ctx) => fs.chmodSync(repoFile(ctx, '.projenrc.ts'), 0o444)),
  refused('not a generated repo (.projenrc.ts of another project)', ['report', ...F], /does not import generator-legacy-mlops: .* is not a legacy-mlops repo/, (ctx) => fs.writeFileSync(repoFile(ctx, '.projenrc.ts'), "import { javascript } from 'projen';\nnew javascript.NodeProject({ name: 'x', defaultReleaseBranch: 'main' }).synth();\n")),
  refused('options built elsewhere, no stages property to edit', ['report', ...F], /^cannot add stage 'report' to \.projenrc\.ts: the options of LegacyMlopsProject are not an object literal/, (ctx) =>
    fs.writeFileSync(repoFile(ctx, '.projenrc.ts'), withoutStages(projenrcOf(ctx)).replace('const project = new LegacyMlopsProject({', 'const options = {').replace('});\n\nproject.synth', '};\nconst project = new LegacyMlopsProject(options);\n\nproject.synth'))),
  {
    ...refused('options spread from elsewhere: the exact stages property to paste', ['report', ...F], /^Set `stages` in the options of LegacyMlopsProject in \.projenrc\.ts by hand/, (ctx) =>
      fs.writeFileSync(repoFile(ctx, '.projenrc.ts'), withoutStages(projenrcOf(ctx)).replace('const project = new LegacyMlopsProject({', "const base = { region: 'eu-west-1' };\nconst project = new LegacyMlopsProject({\n  ...base,"))),
    check: (_ctx, result) => expect(result.stderr).toMatch(/\n    stages: \[\n(.*\n)*?\s+name: 'report',\n(.*\n)*?\s*\],\n/),
  },

  // --from.
  refused('--from a path that does not exist', ['score', ...F, '--from', '/nonexistent/score.py'], /^Invalid --from: /),
  refused('--from a FIFO', ['score', ...F, '--from', 'fifo.py'], /^Invalid --from: .*fifo\.py/, (ctx) => execFileSync('mkfifo', [repoFile(ctx, 'fifo.py')])),
  refused('--from a device', ['score', ...F, '--from', '/dev/null'], /^Invalid --from: .*\/dev\/null/),
  refused('--from a dangling symlink', ['score', ...F, '--from', 'gone.py'], /^Invalid --from: .*gone\.py/, (ctx) => fs.symlinkSync('/nonexistent/gone.py', repoFile(ctx, 'gone.py'))),
  refused('--from a folder with no Python script', ['score', ...F, '--from', 'notes'], /^Invalid --from: /, (ctx) => (fs.mkdirSync(repoFile(ctx, 'notes')), fs.writeFileSync(repoFile(ctx, 'notes/readme.txt'), 'x'))),
  refused('--from that clashes with existing stage code', ['score', ...F, '--from', '../legacy/score.py'], /already exists with other contents; stage code is never overwritten/, (ctx) => {
    legacyScript(ctx);
    fs.mkdirSync(repoFile(ctx, 'stages/score'), { recursive: true });
    fs.writeFileSync(repoFile(ctx, 'stages/score/score.py'), '# the user\'s own\n');
  }),

  // Hand-written shapes the editor must edit, not refuse.
  edited("a single-quoted 'stages' key", (s) => s.replace('stages: [', "'stages': ["), ['report', ...F], (ctx, s) => {
    expect(stageNames(ctx)).toEqual(['preprocess', 'predict', 'postprocess', 'report']);
    expect(s.match(/stages['"]?:/g)).toHaveLength(1);
  }),
  edited('a double-quoted "stages" key and quoted names', (s) => s.replace('stages: [', '"stages": [').replace(/name: '(\w+)'/g, '"name": "$1"'), ['report', ...F, '--after', 'predict'], (ctx, s) => {
    expect(stageNames(ctx)).toEqual(['preprocess', 'predict', 'report', 'postprocess']);
    expect(s.match(/stages['"]?:/g)).toHaveLength(1);
  }),
  edited('no stages property: one is added', withoutStages, ['report', ...F], (ctx) => expect(stageNames(ctx)).toEqual(['preprocess', 'predict', 'postprocess', 'report'])),
  edited('CRLF line endings stay CRLF only', (s) => s.replace(/\n/g, '\r\n'), ['report', ...F, '--after', 'preprocess'], (ctx, s) => {
    expect(lineEndings(s)).toMatchObject({ lf: 0, cr: 0 });
    expect(stageNames(ctx)).toEqual(['preprocess', 'report', 'predict', 'postprocess']);
  }),
  edited('CRLF without a stages property stays CRLF only', (s) => withoutStages(s).replace(/\n/g, '\r\n'), ['report', ...F], (ctx, s) => {
    expect(lineEndings(s)).toMatchObject({ lf: 0, cr: 0 });
    expect(stageNames(ctx)).toEqual(['preprocess', 'predict', 'postprocess', 'report']);
  }),
  edited('LF stays LF only', (s) => s, ['report', ...F], (_ctx, s) => expect(lineEndings(s)).toMatchObject({ crlf: 0, cr: 0 })),
  edited('a BOM is kept', (s) => `\uFEFF${s}`, ['report', ...F], (ctx, s) => {
    expect(fs.readFileSync(repoFile(ctx, '.projenrc.ts')).subarray(0, 3).toString('hex')).toBe('efbbbf');
    expect(s.lastIndexOf('\uFEFF')).toBe(0);
    expect(stageNames(ctx)).toEqual(['preprocess', 'predict', 'postprocess', 'report']);
  }),

  // Through the real yo binary, as a non-root user.
  refusedByYo('misspelt option', ['report', ...F, '--instance-typ', 'ml.m5.xlarge', '-f'], /^Unknown options --instance-typ \(did you mean --instance-type\?\), -f:/),
  refusedByYo('read-only .projenrc.ts', ['report', ...F], /\.projenrc\.ts is read-only: make it writable/, (ctx) => fs.chmodSync(repoFile(ctx, '.projenrc.ts'), 0o444)),
  refusedByYo('unreadable .projenrc.ts', ['report', ...F], /^cannot read .*\.projenrc\.ts: permission denied/, (ctx) => fs.chmodSync(repoFile(ctx, '.projenrc.ts'), 0o200)),
  refusedByYo('repo root not writable while synthesizing', ['report', '--yes', '--synth-in-process'], /repo is not writable: make it writable/, (ctx) => fs.chmodSync(repoFile(ctx), 0o555)),
  refusedByYo('negative volume size as a separate argument', ['report', ...F, '--volume-size', '-5'], /^Invalid --volume-size: /),
];

hostileTable('yo legacy-mlops:stage, hostile input', cases);

test('the real yo runs the checkout\'s TypeScript generator, not a stale compiled lib/ beside it (why real-yo cases failed in one worktree)', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'hostile-yo-lookup-'));
  try {
    // A checkout with sources and an older compiled copy, as after a bench or `npx projen compile`.
    const checkout = path.join(root, 'checkout');
    writeFiles(checkout, { 'package.json': '{"name":"generator-legacy-mlops","version":"1.0.0","type":"module","main":"lib/src/index.js"}', 'generators/stage/index.ts': 'export default class {}', 'lib/generators/stage/index.js': 'export default class {}', 'src/index.ts': '' });
    const pkg = linkGenerators(path.join(root, 'repo'), checkout);
    // yo's own copy of yeoman-environment, doing yo's lookup.
    const { createEnv } = (await import(pathToFileURL(path.join(REPO_ROOT, 'node_modules/yo/node_modules/yeoman-environment/dist/index.js')).href)) as { createEnv: (o: object) => { lookup(o: object): Promise<unknown>; getGeneratorMeta(ns: string): Promise<{ resolved: string } | undefined> } };
    const env = createEnv({ cwd: path.join(root, 'repo') });
    await env.lookup({ packagePaths: [pkg] });
    expect((await env.getGeneratorMeta('legacy-mlops:stage'))?.resolved).toBe(fs.realpathSync(path.join(checkout, 'generators/stage/index.ts')));
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
