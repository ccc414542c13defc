/**
 * `create-legacy-mlops --force` with git: the merge is done, then the scaffold is committed. A signal
 * during that commit, or a commit that fails, must leave the target exactly as it was: replaced files
 * back, added files gone, and `.git` byte for byte (HEAD, index, refs, reflogs, no new objects), or no
 * `.git` at all where there was none. Before the fix the merged files stayed, uncommitted.
 * The real bin runs as one Node process (CREATE_NODE) with a fake git that hangs or fails at `commit`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { generatedProject, git, userRepository } from './fixtures.js';
import { fakeTools, started, withFakeTools, type GitMode } from './fake-tools.js';
import { CREATE_NODE, hostileTable, writeFiles, type CaseContext, type HostileCase } from './harness.js';
import { noProcessLeft, noStaging } from './leftovers.js';

/** A stage list that differs from the generated project's: some files replaced, some added. */
const ARGS = ['p', '--force', '--yes', '--skip-install', '--region', 'eu-west-1', '--account', '111122223333', '--stages', 'preprocess:script,train'];

type Repo = 'history' | 'none';

/** A generated project the user changed; with `history`, committed, then edited and staged further. */
async function userProject(ctx: CaseContext, repo: Repo): Promise<void> {
  const p = await generatedProject(ctx.dir);
  fs.chmodSync(path.join(p, 'README.md'), 0o644);
  writeFiles(ctx.dir, { 'p/stages/preprocess/helper.py': 'def helper():\n    return 1\n', 'p/README.md': '# my notes\n' });
  if (repo === 'none') return;
  userRepository(p);
  // An uncommitted edit to a file the scaffold replaces, and a staged file: the index must come back too.
  writeFiles(ctx.dir, { 'p/README.md': '# my notes, edited\n', 'p/wip.py': 'x = 1\n' });
  git(p, 'add', 'wip.py');
  ctx.state.head = git(p, 'rev-parse', 'HEAD');
  ctx.state.status = git(p, 'status', '--porcelain');
  ctx.state.staged = git(p, 'ls-files', '--stage');
}

/** HEAD, the index and the status as before (the harness compares `.git` byte for byte besides). */
function gitAsBefore(ctx: CaseContext, repo: Repo): void {
  const p = path.join(ctx.dir, 'p');
  if (repo === 'none') {
    expect(fs.existsSync(path.join(p, '.git'))).toBe(false);
    return;
  }
  expect(git(p, 'rev-parse', 'HEAD')).toBe(ctx.state.head);
  expect(git(p, 'ls-files', '--stage')).toBe(ctx.state.staged);
  expect(git(p, 'status', '--porcelain')).toBe(ctx.state.status);
  expect(git(p, 'fsck', '--no-dangling', '--no-progress')).toBe('');
}

interface GitCase {
  readonly name: string;
  readonly repo: Repo;
  readonly git: GitMode;
  readonly signal?: 'SIGINT' | 'SIGTERM';
  readonly to?: 'group' | 'leader';
}

function gitCase(c: GitCase): HostileCase {
  const message = c.signal
    ? new RegExp(`^create-legacy-mlops: interrupted by ${c.signal}: stopped, removed the partial project; nothing in the target was changed$`)
    : /^create-legacy-mlops: git commit failed \(error: insufficient permission for adding an object to repository database \.git\/objects\): put back every file the scaffold had written; nothing was changed in \S+\/p\. Fix the cause and rerun, or rerun with --no-git$/;
  return {
    name: c.name,
    setup: async (ctx) => {
      await userProject(ctx, c.repo);
      ctx.state.env = withFakeTools(fakeTools(ctx, 'ok', { git: c.git }));
    },
    command: [...CREATE_NODE, ...ARGS],
    env: (ctx) => ctx.state.env as Record<string, string>,
    ...(c.signal ? { signalWhen: (ctx: CaseContext) => ({ signal: c.signal!, to: c.to, whenTrue: started(ctx, 'git-commit') }) } : {}),
    exitCode: c.signal === 'SIGINT' ? 130 : c.signal === 'SIGTERM' ? 143 : 1,
    // The whole folder, `.git` included, hashed before and after: it must be unchanged.
    expectOwned: 'unchanged',
    message,
    forbid: [/^\s+at /, /TypeError/, /node:internal/, /Replaced \d+ file/, /committed the scaffold/],
    timeoutMs: 60_000,
    check: (ctx, result) => {
      expect(result.stderr.split('\n').filter((l) => /interrupted|failed/.test(l))).toHaveLength(1);
      gitAsBefore(ctx, c.repo);
      noStaging(ctx);
      noProcessLeft(ctx);
    },
  };
}

const cases: HostileCase[] = [
  gitCase({ name: 'SIGINT during the commit onto an existing history', repo: 'history', git: 'hang-at-commit', signal: 'SIGINT' }),
  gitCase({ name: 'SIGTERM during the commit onto an existing history', repo: 'history', git: 'hang-at-commit', signal: 'SIGTERM' }),
  gitCase({ name: 'SIGTERM to create alone (kill <pid>) during the commit: git ended too', repo: 'history', git: 'hang-at-commit', signal: 'SIGTERM', to: 'leader' }),
  gitCase({ name: 'SIGINT during the commit into a folder that was no repository: no .git left', repo: 'none', git: 'hang-at-commit', signal: 'SIGINT' }),
  gitCase({ name: 'a commit that fails onto an existing history', repo: 'history', git: 'fail-at-commit' }),
  gitCase({ name: 'a commit that fails in a folder that was no repository: no .git left', repo: 'none', git: 'fail-at-commit' }),
];

hostileTable('create --force with git: a signal or a failure during the commit undoes the merge', cases);
