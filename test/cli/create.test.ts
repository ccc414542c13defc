/**
 * The `create-legacy-mlops` bin, run as users run it (through `npx tsx
 * src/cli/create.ts`, stdin closed, no terminal): it never waits on a
 * prompt, a bad answer is one line on stderr with exit code 1 and nothing
 * written, and a good run ends with the next three commands.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { AWS_ISOLATION } from '../support/aws-isolation.js';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const OLD_NODE = '/usr/bin/node';

/** No AWS credentials and no region from the environment; a git identity for the first commit. */
const ENV: Record<string, string | undefined> = {
  ...AWS_ISOLATION,
  GIT_AUTHOR_NAME: 'Test Author',
  GIT_AUTHOR_EMAIL: 'author@example.com',
  GIT_COMMITTER_NAME: 'Test Author',
  GIT_COMMITTER_EMAIL: 'author@example.com',
  GIT_CONFIG_NOSYSTEM: '1',
};

function create(args: string[], cwd: string, env: Record<string, string | undefined> = {}) {
  // `npx tsx` as installed in this repository (npx looks for tsx from the cwd, a temporary folder here).
  return execa(path.join(REPO_ROOT, 'node_modules/.bin/tsx'), [path.join(REPO_ROOT, 'src/cli/create.ts'), ...args], {
    cwd,
    env: { ...ENV, ...env },
    extendEnv: true,
    stdin: 'ignore',
    reject: false,
    timeout: 90_000,
  });
}

function workspace(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'create-cli-'));
}

describe('a non-interactive run (--yes, stdin closed, CI=true)', () => {
  let cwd: string;
  let result: Awaited<ReturnType<typeof create>>;
  beforeAll(async () => {
    cwd = workspace();
    result = await create(['demo', '--yes', '--skip-install', '--region', 'eu-west-1'], cwd, { CI: 'true' });
  });

  test('succeeds without a prompt and says it used the placeholder account', () => {
    expect(result.stderr).toContain('Could not read your AWS account id');
    expect(result.stderr).toContain('placeholder 000000000000');
    expect(result.exitCode).toBe(0);
  });

  test('writes the synthesized project, without installing (no npm ci either)', () => {
    const dir = path.join(cwd, 'demo');
    for (const file of ['.projenrc.ts', 'package.json', 'pipeline/state-machine.asl.json', 'pipeline/execution-input.json', 'stages/preprocess/preprocess.py', 'README.md']) {
      expect(fs.existsSync(path.join(dir, file))).toBe(true);
    }
    expect(fs.existsSync(path.join(dir, 'node_modules'))).toBe(false);
    expect(fs.existsSync(path.join(dir, 'package-lock.json'))).toBe(false);
    expect(fs.readdirSync(cwd)).toEqual(['demo']);
  });

  test('makes a git repository with one commit holding every file', () => {
    const dir = path.join(cwd, 'demo');
    const log = execFileSync('git', ['log', '--format=%s'], { cwd: dir, encoding: 'utf8' }).trim().split('\n');
    expect(log).toEqual(['Initial commit from create-legacy-mlops']);
    expect(execFileSync('git', ['status', '--porcelain'], { cwd: dir, encoding: 'utf8' })).toBe('');
  });

  test('ends with the time to files and the next three commands', () => {
    expect(result.stdout + result.stderr).toMatch(/files in \d+\.\d s/);
    const commands = ['npx projen local', 'npx projen validate', 'npx projen deploy'].map((c) => (result.stdout + result.stderr).indexOf(c));
    expect(commands.every((i) => i >= 0)).toBe(true);
    expect([...commands].sort((a, b) => a - b)).toEqual(commands);
  });
});

describe('bad input: one line on stderr, exit code 1, nothing written', () => {
  const good = ['--yes', '--region', 'eu-west-1', '--account', '111122223333'];
  const cases: [string, string[], RegExp][] = [
    ['invalid name', [...good, '--name', 'Bad_Name'], /^create-legacy-mlops: Invalid --name: 'Bad_Name' is not a valid project name/],
    ['invalid region', ['--yes', '--account', '111122223333', '--region', 'moon-1'], /^create-legacy-mlops: Invalid --region: 'moon-1' is not an AWS region code/],
    ['invalid account', ['--yes', '--region', 'eu-west-1', '--account', '12345678901x'], /^create-legacy-mlops: Invalid --account: '12345678901x' is not an AWS account id/],
    ['invalid instance type', [...good, '--instance-type', 'm5.large'], /^create-legacy-mlops: Invalid --instance-type: 'm5.large' is not a SageMaker processing instance type/],
    ['duplicate stages', [...good, '--stages', 'preprocess,predict,preprocess'], /^create-legacy-mlops: Invalid --stages: stage 'preprocess' is listed twice/],
    ['unreadable --from', [...good, '--from', '/nonexistent/legacy-code'], /^create-legacy-mlops: Invalid --from: cannot read \/nonexistent\/legacy-code \(it does not exist\)/],
    ['unknown flag', [...good, '--regoin', 'eu-west-1'], /^create-legacy-mlops: unknown option --regoin/],
    ['no account and no --yes', ['--region', 'eu-west-1'], /^create-legacy-mlops: no AWS account id \(no AWS credentials found\): pass --account <12 digits>, or --yes/],
  ];
  test.each(cases)('%s', async (_label, flags, message) => {
    const cwd = workspace();
    const result = await create(['demo', ...flags, '--skip-install', '--no-git'], cwd);
    expect(result.exitCode).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr.trim()).toMatch(message);
    expect(fs.readdirSync(cwd)).toEqual([]);
  });

  test('a non-empty directory, left untouched', async () => {
    const cwd = workspace();
    fs.mkdirSync(path.join(cwd, 'demo'));
    fs.writeFileSync(path.join(cwd, 'demo', 'train.py'), 'print(1)\n');
    const result = await create(['demo', '--yes', '--region', 'eu-west-1', '--account', '111122223333', '--skip-install', '--no-git'], cwd);
    expect(result.exitCode).toBe(1);
    expect(result.stderr.trim()).toMatch(/^create-legacy-mlops: \S+demo is not empty \(train\.py\): choose a new directory, or pass --force to write into it$/);
    expect(fs.readdirSync(cwd)).toEqual(['demo']);
    expect(fs.readdirSync(path.join(cwd, 'demo'))).toEqual(['train.py']);
  });

  test('a failing npm install leaves no half-written project (and is npm install, not npm ci, under CI=true)', async () => {
    const cwd = workspace();
    const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'empty-npm-cache-'));
    // Offline with an empty cache: npm fails at once, without touching the network.
    const result = await create(
      ['demo', '--yes', '--region', 'eu-west-1', '--account', '111122223333', '--no-git', '--package-spec', 'file:/nonexistent/generator-legacy-mlops-0.0.0.tgz'],
      cwd,
      { CI: 'true', npm_config_offline: 'true', npm_config_cache: cache },
    );
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/create-legacy-mlops: npm install failed after \d+\.\d s: ENOTCACHED: .*nothing was written/);
    expect(result.stderr).not.toMatch(/npm ci/);
    expect(fs.readdirSync(cwd)).toEqual([]);
  });
});

describe('before anything else', () => {
  test('--help lists the flags and exits 0', async () => {
    const result = await create(['--help'], workspace());
    expect(result.exitCode).toBe(0);
    for (const flag of ['--name', '--region', '--account', '--bucket', '--stages', '--instance-type', '--from', '--answers', '--yes', '--skip-install', '--no-git', '--force']) {
      expect(result.stdout).toContain(flag);
    }
    expect(result.stdout).not.toContain('--package-spec');
  });

  const oldNode = fs.existsSync(OLD_NODE) ? execFileSync(OLD_NODE, ['--version'], { encoding: 'utf8' }).trim() : '';
  const runsOldNode = /^v(1\d|2[01])\.|^v22\.(\d|1[0-7])\./.test(oldNode) ? test : test.skip;
  runsOldNode(`on an old Node.js (${oldNode || 'none found'}) create runs again on Node 24 from the npm registry, with the same arguments and loader`, async () => {
    const parent = workspace();
    // Run from the repository so `--import tsx` resolves (the rerun passes it on); the target is elsewhere.
    const result = await execa(OLD_NODE, ['--import', 'tsx', 'src/cli/create.ts', path.join(parent, 'demo'), '--yes', '--skip-install', '--no-git', '--account', '111122223333'], {
      cwd: REPO_ROOT,
      reject: false,
      stdin: 'ignore',
    });
    expect(result.stderr).toMatch(new RegExp(`^create-legacy-mlops: Node\\.js ${oldNode.replace(/\./g, '\\.')} is older than 22\\.18\\.0; running on Node\\.js 24 from the npm registry`));
    expect(result.exitCode).toBe(0);
    expect(fs.existsSync(path.join(parent, 'demo', '.projenrc.ts'))).toBe(true);
  });

  runsOldNode(`an old Node.js (${oldNode || 'none found'}) with no newer one to run on is explained in one line, nothing written`, async () => {
    const parent = workspace();
    const result = await execa(OLD_NODE, ['--import', 'tsx', 'src/cli/create.ts', path.join(parent, 'demo'), '--yes'], {
      cwd: REPO_ROOT,
      reject: false,
      stdin: 'ignore',
      // What a rerun carries: a Node that is still too old is not run again.
      env: { LEGACY_MLOPS_RERUN_ON_NODE: '1' },
    });
    expect(result.exitCode).toBe(1);
    expect(result.stderr.trim()).toBe(
      `legacy-mlops needs Node.js >= 22.18.0 (this is ${oldNode}). Install a current LTS (e.g. 'nvm install 24', or 'npm install --prefix ~/.node24 node@24' and put ~/.node24/node_modules/.bin first on PATH).`,
    );
    expect(fs.readdirSync(parent)).toEqual([]);
  });
});
