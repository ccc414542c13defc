/**
 * A new git repository with one commit of the generated files. Never fatal:
 * without git, inside another repository, or without a git identity, the
 * project is still created and a note says what was skipped.
 */
import { rmSync } from 'node:fs';
import * as path from 'node:path';
import { tracked } from './interrupts.js';

export const FIRST_COMMIT_MESSAGE = 'Initial commit from create-legacy-mlops';

/** Git could not write for lack of space: the project is not created (one line, `message`). */
export class GitDiskFull extends Error {}

export interface GitOutcome {
  readonly committed: boolean;
  /** What was skipped and why; undefined when all went well. */
  readonly note?: string;
}

/** `target` is where the project will end up: a repository above it means no new one. */
export async function gitInit(dir: string, target: string): Promise<GitOutcome> {
  // execa is imported here, not at the top: create without install or git never loads it (111 modules).
  const { execa } = await import('execa');
  // Each git in its own process group, ended with it on Ctrl-C (see interrupts.ts).
  const git = (args: string[], cwd = dir) => tracked(execa('git', args, { cwd, reject: false, stdin: 'ignore', detached: true }));
  const version = await git(['--version']).catch(() => undefined);
  if (!version || version.failed) return { committed: false, note: 'git was not found, so no repository was created' };
  const enclosing = await git(['rev-parse', '--show-toplevel'], path.dirname(target));
  if (!enclosing.failed) {
    return { committed: false, note: `${target} is inside the git repository ${String(enclosing.stdout).trim()}, so no new one was created` };
  }
  // A full disk is no note: the project would land with a half-written repository. The caller refuses it whole.
  const diskFull = (command: string, result: { stderr?: unknown }) => {
    const line = String(result.stderr ?? '').split('\n').find((l) => /no space left on device|disk quota exceeded/i.test(l));
    if (line) throw new GitDiskFull(`${command} failed (the disk is full: ${line.trim()})`);
  };
  const init = await git(['init', '--quiet', '--initial-branch=main']);
  diskFull('git init', init);
  if (init.failed) {
    const again = await git(['init', '--quiet']);
    diskFull('git init', again);
    if (again.failed) {
      rmSync(path.join(dir, '.git'), { recursive: true, force: true });
      return { committed: false, note: `git init failed (${firstLine(init.stderr)}), so no repository was created` };
    }
  }
  const add = await git(['add', '--all']);
  diskFull('git add', add);
  if (add.failed) {
    rmSync(path.join(dir, '.git'), { recursive: true, force: true });
    return { committed: false, note: `git add failed (${firstLine(add.stderr)}), so no repository was created` };
  }
  const commit = await git(['commit', '--quiet', '--no-verify', '-m', FIRST_COMMIT_MESSAGE]);
  diskFull('git commit', commit);
  if (commit.failed) {
    const why = /tell me who you are|user\.email|user\.name/i.test(String(commit.stderr)) ? 'git has no user.name/user.email configured' : firstLine(commit.stderr);
    return { committed: false, note: `created a git repository but did not commit (${why}): commit the files yourself` };
  }
  return { committed: true };
}

function firstLine(text: unknown): string {
  return String(text ?? '').split('\n').find((l) => l.trim() !== '')?.trim() ?? 'no output';
}
