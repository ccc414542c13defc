/**
 * ENOSPC fault injection: `create-legacy-mlops` (a new project, and `--force` into the user's project,
 * with and without git) on a small tmpfs filled so that the disk runs out at a different moment in each
 * case: while the project is staged, while the merge makes its backup folder, during `git add/commit`.
 * Each run either succeeds losing nothing, or exits non-zero with one line saying the disk is full and
 * what to do, no staging folder left, and the disk's whole content (every pre-existing file byte for
 * byte, `.git` included) as before. Skipped, with the reason printed, where no tmpfs can be mounted.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { generatedProject, git, userRepository } from './fixtures.js';
import { CREATE_NODE, QUIET_CREATE_FLAGS, outputLines, STACK_TRACE, writeFiles } from './harness.js';
import { noStaging } from './leftovers.js';
import { spawnCommand, type CommandResult } from './processes.js';
import { fillDisk, mountSmallDisk, room, whySmallDiskUnavailable, type SmallDisk } from './small-disk.js';
import { diffTrees, hashTree, lostFrom } from './tree-hash.js';

const unavailable = whySmallDiskUnavailable();
if (unavailable) console.warn(`ENOSPC cases skipped: ${unavailable}`);
const maybe = unavailable ? describe.skip : describe;

const WITH_GIT = ['--yes', '--skip-install', '--region', 'eu-west-1', '--account', '111122223333'];
/** A stage list other than the generated project's: files replaced (with a backup) and files added. */
const OTHER_STAGES = ['--stages', 'preprocess:script,train'];
const DISK_FULL = /^create-legacy-mlops: .*the disk is full.*nothing was changed in \S+.*[Ff]ree some disk space(?: \(quota\))? and rerun/;

type Where = 'staging' | 'merge' | 'git';
interface Outcome {
  readonly room: string;
  readonly exitCode: number;
  readonly failedIn?: Where;
}

/** Runs create in `disk.dir` and asserts the one outcome that is allowed: success losing nothing, or a refusal changing nothing. */
async function runOnFullDisk(disk: SmallDisk, args: readonly string[], label: string): Promise<Outcome> {
  const before = hashTree(disk.dir);
  const result: CommandResult = await spawnCommand([...CREATE_NODE, ...args], { cwd: disk.dir, timeoutMs: 120_000 });
  const after = hashTree(disk.dir);
  const shown = `[${label}] exit ${result.exitCode}\n--- stderr\n${result.stderr}\n--- stdout\n${result.stdout}`;
  expect(result.timedOut).toBeFalsy();
  expect({ stack: STACK_TRACE.test(`${result.stderr}\n${result.stdout}`), shown }).toEqual({ stack: false, shown });
  noStaging({ dir: disk.dir, state: {} });
  if (result.exitCode === 0) {
    expect({ lost: lostFrom(before, after, ['p/.git', 'p/README.md', 'p/.projenrc.ts', 'p/pipeline']), shown }).toEqual({ lost: [], shown });
    return { room: label, exitCode: 0 };
  }
  expect({ exitCode: result.exitCode, shown }).toEqual({ exitCode: 1, shown });
  const lines = outputLines(result).filter((l) => /^create-legacy-mlops: /.test(l));
  expect({ lines: lines.length, fullDisk: DISK_FULL.test(lines[0] ?? ''), shown }).toEqual({ lines: 1, fullDisk: true, shown });
  expect({ changed: diffTrees(before, after), shown }).toEqual({ changed: [], shown });
  const failedIn: Where = /^create-legacy-mlops: git (init|add|commit) failed/.test(lines[0]) ? 'git' : /could not write the project/.test(lines[0]) ? 'staging' : 'merge';
  return { room: label, exitCode: 1, failedIn };
}

/** The user's generated project with a hand-edited README and a helper of their own, optionally committed. */
async function userProject(dir: string, repository: boolean): Promise<void> {
  const p = await generatedProject(dir);
  fs.chmodSync(path.join(p, 'README.md'), 0o644);
  writeFiles(dir, { 'p/README.md': '# my notes\n', 'p/stages/preprocess/helper.py': 'def helper():\n    return 1\n' });
  if (repository) {
    userRepository(p);
    writeFiles(dir, { 'p/wip.py': 'x = 1\n' });
    git(p, 'add', 'wip.py');
  }
}

/** Files and folders a create run stages (measured once on a roomy disk: the sweeps start from there). */
let stagedInodes = 0;

maybe('create-legacy-mlops on a full disk (tmpfs)', () => {
  let disk: SmallDisk | undefined;
  afterEach(() => {
    disk?.release();
    disk = undefined;
  });

  beforeAll(async () => {
    const probe = mountSmallDisk({ bytes: 8 * 1024 * 1024 });
    try {
      const free = room(probe.dir).inodes;
      const result = await spawnCommand([...CREATE_NODE, 'p', ...QUIET_CREATE_FLAGS], { cwd: probe.dir, timeoutMs: 120_000 });
      expect(result.exitCode).toBe(0);
      stagedInodes = free - room(probe.dir).inodes;
    } finally {
      probe.release();
    }
  }, 180_000);

  test.each([0, 16, 64, 160])('a new project with %i KiB left: refused, nothing left behind', async (kib) => {
    disk = mountSmallDisk({ bytes: 2 * 1024 * 1024 });
    writeFiles(disk.dir, { 'notes.txt': 'mine\n' });
    fillDisk(disk.dir, { bytes: kib * 1024 });
    const outcome = await runOnFullDisk(disk, ['p', ...QUIET_CREATE_FLAGS], `${kib} KiB`);
    expect(outcome).toMatchObject({ exitCode: 1, failedIn: 'staging' });
    expect(fs.existsSync(path.join(disk.dir, 'p'))).toBe(false);
  }, 180_000);

  test.each([12, 40])('a new project with git, %i inodes beyond the project: refused (no project with a broken repository), nothing left behind', async (extra) => {
    disk = mountSmallDisk({ bytes: 8 * 1024 * 1024, inodes: 4096 });
    writeFiles(disk.dir, { 'notes.txt': 'mine\n' });
    fillDisk(disk.dir, { inodes: stagedInodes + extra });
    const outcome = await runOnFullDisk(disk, ['p', ...WITH_GIT], `staged inodes +${extra}`);
    expect(outcome).toMatchObject({ exitCode: 1, failedIn: 'git' });
    expect(fs.existsSync(path.join(disk.dir, 'p'))).toBe(false);
  }, 180_000);

  test.each([0, 16, 96, 200])('--force into the user\'s project with %i KiB left: refused, every file byte for byte', async (kib) => {
    disk = mountSmallDisk({ bytes: 4 * 1024 * 1024 });
    await userProject(disk.dir, false);
    fillDisk(disk.dir, { bytes: kib * 1024 });
    const outcome = await runOnFullDisk(disk, ['p', '--force', ...OTHER_STAGES, ...QUIET_CREATE_FLAGS], `${kib} KiB`);
    expect(outcome.exitCode).toBe(1);
  }, 180_000);

  test('--force running out of inodes at each step from staging to the backup folder: each run refused or complete, never partial', async () => {
    const outcomes: Outcome[] = [];
    for (const extra of [-20, 0, 1, 2, 3, 4, 6]) {
      disk = mountSmallDisk({ bytes: 8 * 1024 * 1024, inodes: 4096 });
      await userProject(disk.dir, false);
      fillDisk(disk.dir, { inodes: stagedInodes + extra });
      outcomes.push(await runOnFullDisk(disk, ['p', '--force', ...QUIET_CREATE_FLAGS], `staged inodes ${extra >= 0 ? '+' : ''}${extra}`));
      disk.release();
      disk = undefined;
    }
    console.log(`ENOSPC (inodes) during --force: ${JSON.stringify(outcomes)}`);
    expect(outcomes.some((o) => o.failedIn === 'staging')).toBe(true);
    expect(outcomes.some((o) => o.failedIn === 'merge')).toBe(true);
  }, 900_000);

  test('--force with git, out of inodes during git add/commit: the merge is undone and .git is byte for byte as before', async () => {
    const outcomes: Outcome[] = [];
    for (const extra of [8, 16, 32]) {
      disk = mountSmallDisk({ bytes: 8 * 1024 * 1024, inodes: 4096 });
      await userProject(disk.dir, true);
      const repo = path.join(disk.dir, 'p');
      const head = git(repo, 'rev-parse', 'HEAD');
      const index = git(repo, 'ls-files', '--stage');
      fillDisk(disk.dir, { inodes: stagedInodes + extra });
      const outcome = await runOnFullDisk(disk, ['p', '--force', ...OTHER_STAGES, ...WITH_GIT], `staged inodes +${extra}`);
      outcomes.push(outcome);
      if (outcome.exitCode !== 0) {
        expect(git(repo, 'rev-parse', 'HEAD')).toBe(head);
        expect(git(repo, 'ls-files', '--stage')).toBe(index);
      }
      disk.release();
      disk = undefined;
    }
    console.log(`ENOSPC (inodes) during the --force commit: ${JSON.stringify(outcomes)}`);
    expect(outcomes.some((o) => o.failedIn === 'git')).toBe(true);
  }, 900_000);
});
