/**
 * `--force` into a folder that already exists: the scaffold's files become
 * one new commit. An existing repository keeps its `.git` and its history
 * (the commit goes on top of HEAD, and only the files the scaffold wrote are
 * in it: other staged or modified files stay as they were). A folder that is
 * no repository gets a new one. Never fatal, like gitInit.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { execa } from 'execa';
import { tracked } from './interrupts.js';
import type { GitOutcome } from './git-init.js';

export const FORCE_COMMIT_MESSAGE = 'Scaffold from create-legacy-mlops --force';
/** Git states in which a commit would land in the middle of the user's own operation. */
const IN_PROGRESS = ['MERGE_HEAD', 'CHERRY_PICK_HEAD', 'REVERT_HEAD', 'rebase-merge', 'rebase-apply', 'BISECT_LOG'];

export async function gitCommitOnto(target: string, pathspecs: readonly string[]): Promise<GitOutcome> {
  // Pathspecs are file names, not patterns (a file may be called `*.py`).
  // Each git in its own process group, ended with it on Ctrl-C (see interrupts.ts).
  const git = (args: string[], input?: string) =>
    tracked(execa('git', args, { cwd: target, reject: false, stdin: input === undefined ? 'ignore' : 'pipe', input, env: { GIT_LITERAL_PATHSPECS: '1' }, detached: true }));
  const version = await git(['--version']).catch(() => undefined);
  if (!version || version.failed) return { committed: false, note: 'git was not found, so nothing was committed' };
  const top = await git(['rev-parse', '--show-toplevel']);
  let fresh = false;
  if (top.failed) {
    const init = await git(['init', '--quiet', '--initial-branch=main']);
    if (init.failed && (await git(['init', '--quiet'])).failed) return { committed: false, note: `git init failed: ${init.shortMessage}` };
    fresh = true;
  } else if (fs.realpathSync(String(top.stdout).trim()) !== fs.realpathSync(target)) {
    return { committed: false, note: `${target} is inside the git repository ${String(top.stdout).trim()}, so nothing was committed: commit the new files yourself` };
  } else {
    const gitDir = String((await git(['rev-parse', '--absolute-git-dir'])).stdout).trim();
    const busy = IN_PROGRESS.find((entry) => fs.existsSync(path.join(gitDir, entry)));
    if (busy) return { committed: false, note: `the repository is in the middle of an operation (${busy}), so nothing was committed: finish it, then commit the new files` };
  }
  // Dependencies are never committed (projen's .gitignore says so too).
  const specs = pathspecs.filter((p) => p !== 'node_modules' && !p.startsWith('node_modules/'));
  if (specs.length === 0) return { committed: false, note: 'the scaffold changed no file, so nothing was committed' };
  const list = `${specs.join('\0')}\0`;
  const add = await git(['add', '--all', '--pathspec-from-file=-', '--pathspec-file-nul'], list);
  if (add.failed) return { committed: false, note: `git add failed (${firstLine(add.stderr)}): commit the new files yourself` };
  // With pathspecs, commit takes only those paths: whatever else the user had staged stays staged.
  const commit = await git(['commit', '--quiet', '--no-verify', '-m', FORCE_COMMIT_MESSAGE, '--pathspec-from-file=-', '--pathspec-file-nul'], list);
  if (commit.failed) {
    const why = /tell me who you are|user\.email|user\.name/i.test(String(commit.stderr)) ? 'git has no user.name/user.email configured' : firstLine(commit.stderr);
    return { committed: false, note: `${fresh ? 'created a git repository but ' : ''}did not commit (${why}): commit the new files yourself` };
  }
  const sha = String((await git(['rev-parse', '--short', 'HEAD'])).stdout).trim();
  return { committed: true, note: `committed the scaffold as ${sha} ("${FORCE_COMMIT_MESSAGE}")${fresh ? ' in a new git repository' : ' on top of the existing history'}` };
}

function firstLine(text: unknown): string {
  return String(text ?? '').split('\n').find((l) => l.trim() !== '') ?? 'no output';
}
