/**
 * `--force` into a folder that already exists: the scaffold's files become
 * one new commit. An existing repository keeps its `.git` and its history
 * (the commit goes on top of HEAD, and only the files the scaffold wrote are
 * in it: other staged or modified files stay as they were). A folder that is
 * no repository gets a new one. Where no commit is possible (no git, inside
 * another repository, in the middle of a merge) a note says so. A git command
 * that fails puts `.git` back as it was and returns the failure, and while
 * git runs a signal does the same (see interrupts.ts): the caller then undoes
 * the merge, so the target ends exactly as it was.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { snapshotGitDir, type GitDirSnapshot } from './git-dir-snapshot.js';
import { trackRollback, tracked } from './interrupts.js';
import type { GitOutcome } from './git-init.js';

export interface CommitOutcome extends GitOutcome {
  /** Set when a git command failed after `.git` was touched: one line naming the command and why (`.git` is already put back). */
  readonly failure?: string;
}

export const FORCE_COMMIT_MESSAGE = 'Scaffold from create-legacy-mlops --force';
/** Git states in which a commit would land in the middle of the user's own operation. */
const IN_PROGRESS = ['MERGE_HEAD', 'CHERRY_PICK_HEAD', 'REVERT_HEAD', 'rebase-merge', 'rebase-apply', 'BISECT_LOG'];

export async function gitCommitOnto(target: string, pathspecs: readonly string[]): Promise<CommitOutcome> {
  // execa is imported here, not at the top: create without install or git never loads it (111 modules).
  const { execa } = await import('execa');
  // Pathspecs are file names, not patterns (a file may be called `*.py`).
  // Each git in its own process group, ended with it on Ctrl-C (see interrupts.ts).
  // No automatic gc or maintenance: a repack would delete loose objects that putting `.git` back cannot restore.
  const git = (args: string[], input?: string) =>
    tracked(execa('git', ['-c', 'gc.auto=0', '-c', 'maintenance.auto=false', ...args], { cwd: target, reject: false, stdin: input === undefined ? 'ignore' : 'pipe', input, env: { GIT_LITERAL_PATHSPECS: '1' }, detached: true }));
  const version = await git(['--version']).catch(() => undefined);
  if (!version || version.failed) return { committed: false, note: 'git was not found, so nothing was committed' };
  const top = await git(['rev-parse', '--show-toplevel']);
  let fresh = false;
  const snapshots: GitDirSnapshot[] = [];
  if (top.failed) {
    const dotGit = path.join(target, '.git');
    if (fs.existsSync(dotGit)) return { committed: false, note: `${dotGit} is there but is no git repository, so nothing was committed: commit the new files yourself` };
  } else if (fs.realpathSync(String(top.stdout).trim()) !== fs.realpathSync(target)) {
    return { committed: false, note: `${target} is inside the git repository ${String(top.stdout).trim()}, so nothing was committed: commit the new files yourself` };
  } else {
    const gitDir = String((await git(['rev-parse', '--absolute-git-dir'])).stdout).trim();
    const busy = IN_PROGRESS.find((entry) => fs.existsSync(path.join(gitDir, entry)));
    if (busy) return { committed: false, note: `the repository is in the middle of an operation (${busy}), so nothing was committed: finish it, then commit the new files` };
    // A linked worktree keeps its branches in the common git dir.
    const commonDir = path.resolve(target, String((await git(['rev-parse', '--git-common-dir'])).stdout).trim());
    for (const dir of new Set([gitDir, commonDir])) snapshots.push(snapshotGitDir(dir));
  }
  // Dependencies are never committed (projen's .gitignore says so too).
  const specs = pathspecs.filter((p) => p !== 'node_modules' && !p.startsWith('node_modules/'));
  if (specs.length === 0) return { committed: false, note: 'the scaffold changed no file, so nothing was committed' };
  if (top.failed) snapshots.push(snapshotGitDir(path.join(target, '.git')));
  // From here on `.git` changes: a signal puts it back (after git is ended), and so does a failure.
  const putBack = () => {
    for (const snapshot of snapshots) snapshot.restore();
  };
  const untrack = trackRollback(putBack);
  const failed = (command: string, stderr: unknown): CommitOutcome => {
    untrack();
    putBack();
    const text = String(stderr);
    const why = /tell me who you are|user\.email|user\.name/i.test(text)
      ? 'git has no user.name/user.email configured'
      : /no space left on device/i.test(text)
        ? `the disk is full: ${firstLine(text.split('\n').find((l) => /no space left on device/i.test(l)))}`
        : firstLine(text);
    return { committed: false, failure: `${command} failed (${why})` };
  };
  if (top.failed) {
    const init = await git(['init', '--quiet', '--initial-branch=main']);
    if (init.failed && (await git(['init', '--quiet'])).failed) return failed('git init', init.stderr);
    fresh = true;
  }
  const list = `${specs.join('\0')}\0`;
  const add = await git(['add', '--all', '--pathspec-from-file=-', '--pathspec-file-nul'], list);
  if (add.failed) return failed('git add', add.stderr);
  // With pathspecs, commit takes only those paths: whatever else the user had staged stays staged.
  const commit = await git(['commit', '--quiet', '--no-verify', '-m', FORCE_COMMIT_MESSAGE, '--pathspec-from-file=-', '--pathspec-file-nul'], list);
  if (commit.failed) return failed('git commit', commit.stderr);
  untrack();
  const sha = String((await git(['rev-parse', '--short', 'HEAD'])).stdout).trim();
  return { committed: true, note: `committed the scaffold as ${sha} ("${FORCE_COMMIT_MESSAGE}")${fresh ? ' in a new git repository' : ' on top of the existing history'}` };
}

function firstLine(text: unknown): string {
  return String(text ?? '').split('\n').find((l) => l.trim() !== '') ?? 'no output';
}
