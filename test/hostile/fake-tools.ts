/**
 * Stand-ins for `npm` and `git` on PATH, for the signal and npm-failure tables: each records its own
 * pid and the pid of a child it starts (to prove no process outlives the command), and behaves as
 * its mode says: slow, failing with npm's own error text, killed by a signal, or the real git.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { CaseContext } from './harness.js';
import { isAlive } from './processes.js';

export type NpmMode = 'slow' | 'e404' | 'network' | 'killed' | 'silent-fail' | 'ok';

/** What a fake npm prints for each failing mode (npm 10/11's own wording). */
const NPM_OUTPUT: Readonly<Record<NpmMode, string>> = {
  slow: '',
  ok: 'added 412 packages in 3s',
  e404: [
    'npm error code E404',
    "npm error 404 Not Found - GET https://registry.npmjs.org/legacy-mlops-missing-dep - Not found",
    'npm error 404',
    "npm error 404  'legacy-mlops-missing-dep@^1.0.0' is not in this registry.",
    'npm error 404',
    'npm error 404 Note that you can also install from a',
    'npm error 404 tarball, folder, http url, or git url.',
    'npm error A complete log of this run can be found in: /root/.npm/_logs/debug-0.log',
  ].join('\n'),
  network: [
    'npm error code ECONNREFUSED',
    'npm error syscall connect',
    'npm error errno ECONNREFUSED',
    'npm error FetchError: request to https://registry.npmjs.org/projen failed, reason: connect ECONNREFUSED 127.0.0.1:443',
    'npm error A complete log of this run can be found in: /root/.npm/_logs/debug-0.log',
  ].join('\n'),
  killed: '',
  'silent-fail': '',
};

/** What the fake git does at `commit` (every other git command is the real git). */
export type GitMode = 'hang-at-commit' | 'fail-at-commit';

/** A folder with a fake `npm` (and optionally a `git` that hangs or fails at `commit`) to put first on PATH. */
export function fakeTools(ctx: CaseContext, npm: NpmMode, options: { git?: GitMode } = {}): string {
  // Outside the workspace, so that the before/after hash of the user's folder sees only what create did.
  const tools = fs.mkdtempSync(path.join(os.tmpdir(), 'hostile-tools-'));
  ctx.state.tools = tools;
  const bin = path.join(tools, 'bin');
  fs.mkdirSync(bin);
  const pids = path.join(tools, 'pids');
  const output = NPM_OUTPUT[npm].replace(/'/g, "'\\''");
  const body: Record<NpmMode, string> = {
    // A child of its own, as npm's install scripts are: both must end with the command.
    slow: 'sleep 300 &\necho $! >> "$PIDS"\ntouch "$PIDS.npm-started"\nwait',
    ok: `printf '%s\\n' '${output}'\nexit 0`,
    e404: `printf '%s\\n' '${output}' >&2\nexit 1`,
    network: `printf '%s\\n' '${output}' >&2\nexit 1`,
    killed: 'kill -9 $$',
    'silent-fail': 'exit 1',
  };
  fs.writeFileSync(path.join(bin, 'npm'), `#!/bin/sh\nPIDS='${pids}'\necho $$ >> "$PIDS"\n${body[npm]}\n`, { mode: 0o755 });
  if (options.git) {
    const git = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
    const atCommit =
      options.git === 'hang-at-commit'
        ? 'echo $$ >> "$PIDS"; sleep 300 & echo $! >> "$PIDS"; touch "$PIDS.git-commit"; wait'
        : // git's own words when the object database cannot be written.
          "echo 'error: insufficient permission for adding an object to repository database .git/objects' >&2; echo 'fatal: failed to write commit object' >&2; exit 128";
    fs.writeFileSync(path.join(bin, 'git'), `#!/bin/sh\nPIDS='${pids}'\nfor a in "$@"; do if [ "$a" = commit ]; then ${atCommit}; fi; done\nexec '${git}' "$@"\n`, { mode: 0o755 });
  }
  return bin;
}

/** PATH with the fake tools first (node itself is run by absolute path). */
export function withFakeTools(bin: string): Record<string, string> {
  return { PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}` };
}

/** The pids the fake tools recorded that are still alive (should be none once the command ended). */
export function fakeToolsAlive(ctx: CaseContext): number[] {
  const file = path.join(String(ctx.state.tools), 'pids');
  if (!fs.existsSync(file)) return [];
  return fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map(Number).filter(isAlive);
}

/** Whether the fake npm has started (and its child with it), or the fake git reached `commit`. */
export const started = (ctx: CaseContext, what: 'npm-started' | 'git-commit') => () => fs.existsSync(path.join(String(ctx.state.tools), `pids.${what}`));

export function removeFakeTools(ctx: CaseContext): void {
  if (ctx.state.tools) fs.rmSync(String(ctx.state.tools), { recursive: true, force: true });
}
