/** Shared starting points for the create tables: a generated project made once per test file, copied per case. */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createInProcess } from './create-runner.js';
import { QUIET_CREATE_FLAGS } from './harness.js';

let template: string | undefined;

/** A project as `create-legacy-mlops p $F` writes it, copied to `dir/name` (made once per test file). */
export async function generatedProject(dir: string, name = 'p'): Promise<string> {
  if (!template) {
    const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'hostile-template-'));
    const result = await createInProcess(['p', ...QUIET_CREATE_FLAGS], parent);
    if (result.exitCode !== 0) throw new Error(`could not make the template project: ${result.stderr}`);
    template = path.join(parent, 'p');
  }
  const target = path.join(dir, name);
  fs.cpSync(template, target, { recursive: true, verbatimSymlinks: true });
  return target;
}

/** `git <args>` in `cwd` with a fixed identity; returns stdout. */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, GIT_AUTHOR_NAME: 'User', GIT_AUTHOR_EMAIL: 'user@example.com', GIT_COMMITTER_NAME: 'User', GIT_COMMITTER_EMAIL: 'user@example.com', GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' },
  }).trim();
}

/** A git repository in `dir` with every file committed as the user's history. */
export function userRepository(dir: string): string {
  git(dir, 'init', '--quiet', '--initial-branch=main');
  git(dir, 'add', '--all');
  git(dir, 'commit', '--quiet', '-m', 'user history');
  return git(dir, 'rev-parse', 'HEAD');
}
