/**
 * End to end from the packages users install: `npm pack` of generator-legacy-mlops and of the
 * create-legacy-mlops wrapper, installed into a temporary prefix, then the published bins run.
 * The slow part (installing the generated repo's own dependencies) runs only with LEGACY_MLOPS_SLOW=1.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa, execaSync } from 'execa';
import { nodeVersionProblem } from '../../src/cli/node-version.js';

// From this file, not process.cwd(): Yeoman tests in the same jest worker change the working directory.
const repo = fileURLToPath(new URL('../..', import.meta.url));
const python = process.env.LEGACY_MLOPS_PYTHON ?? '/usr/bin/python3';
const slow = process.env.LEGACY_MLOPS_SLOW === '1';
const work = mkdtempSync(join(tmpdir(), 'lmo-e2e-'));
const prefix = join(work, 'prefix');
const bin = (name: string) => join(prefix, 'node_modules', '.bin', name);
let tarball = '';
/** A Node.js older than the package needs, as machines still ship (Node 20 here); absent elsewhere. */
const OLD_NODE = ['/usr/bin/node', '/usr/local/bin/node'].find((node) => existsSync(node) && nodeVersionProblem(execaSync(node, ['--version']).stdout.trim()));

beforeAll(async () => {
  // The published layout: compiled lib/ plus templates/, exactly what `files` ships.
  // The repo's own compiler, by path: npx may resolve `tsc` to an unrelated registry package.
  await execa(join(repo, 'node_modules/.bin/tsc'), ['--build'], { cwd: repo });
  const packs = join(work, 'packs');
  mkdirSync(packs, { recursive: true });
  await execa('npm', ['pack', '--pack-destination', packs], { cwd: repo });
  await execa('npm', ['pack', '--pack-destination', packs], { cwd: join(repo, 'src/create-package') });
  const files = readdirSync(packs).map((f) => join(packs, f));
  tarball = files.find((f) => /generator-legacy-mlops-/.test(f))!;
  await execa('npm', ['install', '--prefix', prefix, '--no-audit', '--no-fund', ...files], { env: { ...process.env, CI: 'true' } });
}, 600_000);

describe('packed packages', () => {
  test('the tarball ships the compiled generators and templates, and no sources or tests', async () => {
    const { stdout } = await execa('tar', ['-tzf', tarball]);
    const entries = stdout.split('\n');
    expect(entries).toEqual(expect.arrayContaining(['package/lib/generators/app/index.js', 'package/lib/src/cli/create.js', 'package/lib/src/cli/legacy-mlops.js', 'package/templates/projenrc.ts.ejs']));
    expect(entries.some((e) => e.startsWith('package/test/') || e.startsWith('package/src/') || e.endsWith('.ts') && !e.endsWith('.d.ts') && !e.endsWith('.ts.ejs'))).toBe(false);
  });

  test('create-legacy-mlops demo --yes … produces a repo that passes validate and runs locally', async () => {
    const cwd = mkdtempSync(join(work, 'user-'));
    const created = await execa(bin('create-legacy-mlops'), ['demo', '--yes', '--skip-install', '--no-git', '--region', 'eu-west-1', '--account', '111122223333'], { cwd, env: { ...process.env, CI: 'true' }, stdin: 'ignore' });
    expect(created.exitCode).toBe(0);
    // Yeoman logs to stderr; the summary ends with the next three commands.
    expect(`${created.stdout}${created.stderr}`).toMatch(/npx projen local[\s\S]*npx projen validate[\s\S]*npx projen deploy/);
    const demo = join(cwd, 'demo');
    for (const f of ['.projenrc.ts', 'pipeline/state-machine.asl.json', 'pipeline/iam/state-machine-role-policy.json', 'stages/predict/Dockerfile', 'data/raw/pre_processing_input.csv']) {
      expect(existsSync(join(demo, f))).toBe(true);
    }
    expect(JSON.parse(readFileSync(join(demo, 'package.json'), 'utf8')).dependencies['generator-legacy-mlops']).toBe('^0.1.0');

    const validate = await execa(bin('legacy-mlops'), ['validate'], { cwd: demo, reject: false, env: { ...process.env, LEGACY_MLOPS_PYTHON: python } });
    expect(validate.stdout).toMatch(/\b0 failed\b/);
    expect(validate.exitCode).toBe(0);

    const local = await execa(bin('legacy-mlops'), ['local', '--backend', 'bwrap', '--python', python], { cwd: demo, reject: false });
    expect(local.exitCode).toBe(0);
    const runs = readdirSync(join(demo, '.local/runs'));
    const report = JSON.parse(readFileSync(join(demo, '.local/runs', runs[0], 'report.json'), 'utf8'));
    expect(report.status).toBe('SUCCEEDED');
  }, 300_000);

  test('bad input through the published bin: one line, non-zero exit, nothing written', async () => {
    const cwd = mkdtempSync(join(work, 'bad-'));
    const bad = await execa(bin('create-legacy-mlops'), ['demo', '--yes', '--skip-install', '--no-git', '--region', 'eu-west-1', '--account', '12'], { cwd, reject: false, stdin: 'ignore' });
    expect(bad.exitCode).not.toBe(0);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/account/);
    expect(readdirSync(cwd)).toEqual([]);
  }, 120_000);

  (OLD_NODE ? test : test.skip)('on an older Node (the machine\'s Node 20) the published bins run again on Node 24 from the npm registry', async () => {
    const cwd = mkdtempSync(join(work, 'old-node-'));
    const { LEGACY_MLOPS_RERUN_ON_NODE: _mark, ...inherited } = process.env;
    // That old node first on PATH, as on a machine that has nothing else.
    const env = { ...inherited, PATH: `${dirname(OLD_NODE!)}${delimiter}${process.env.PATH ?? ''}`, CI: 'true' };
    const wrapper = join(prefix, 'node_modules/create-legacy-mlops/bin/index.js');
    const created = await execa(OLD_NODE!, [wrapper, 'old', '--yes', '--skip-install', '--no-git', '--region', 'eu-west-1', '--account', '111122223333'], { cwd, env, reject: false, stdin: 'ignore' });
    expect(created.stderr).toMatch(/^create-legacy-mlops: Node\.js v\d+\.\d+\.\d+ is older than 22\.18\.0; running on Node\.js 24 from the npm registry/m);
    expect(created.exitCode).toBe(0);
    expect(existsSync(join(cwd, 'old', 'pipeline/state-machine.asl.json'))).toBe(true);

    const bin = join(prefix, 'node_modules/generator-legacy-mlops/lib/src/cli/legacy-mlops.js');
    const validate = await execa(OLD_NODE!, [bin, 'validate'], { cwd: join(cwd, 'old'), env: { ...env, LEGACY_MLOPS_PYTHON: python }, reject: false });
    expect(validate.stderr).toMatch(/^legacy-mlops: Node\.js .* running on Node\.js 24/m);
    expect(validate.stdout).toMatch(/\b0 failed\b/);
    expect(validate.exitCode).toBe(0);

    // Once rerun, never again: an old Node there too ends in the one-line fix.
    const looped = await execa(OLD_NODE!, [bin, 'validate'], { cwd: join(cwd, 'old'), env: { ...env, LEGACY_MLOPS_RERUN_ON_NODE: '1' }, reject: false });
    expect(looped.exitCode).toBe(1);
    expect(looped.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^legacy-mlops needs Node\.js >= 22\.18\.0 \(this is v\d+.*\)\. Install/)]);
  }, 600_000);

  (slow ? test : test.skip)('slow: the generated repo installs from the tarball; npx projen and npx projen validate pass there', async () => {
    const cwd = mkdtempSync(join(work, 'slow-'));
    await execa(bin('create-legacy-mlops'), ['demo', '--yes', '--no-git', '--region', 'eu-west-1', '--account', '111122223333', '--package-spec', `file:${tarball}`], { cwd, stdin: 'ignore', env: { ...process.env, CI: 'true' } });
    const demo = join(cwd, 'demo');
    expect(existsSync(join(demo, 'node_modules/generator-legacy-mlops/package.json'))).toBe(true);
    await execa('npx', ['projen'], { cwd: demo, env: { ...process.env, CI: 'false' } });
    const validate = await execa('npx', ['projen', 'validate'], { cwd: demo, reject: false, env: { ...process.env, LEGACY_MLOPS_PYTHON: python } });
    expect(validate.exitCode).toBe(0);
  }, 900_000);
});
