/** `npm install` in the staged project. Always `install`, never `ci`: a new project has no lockfile yet. */
import { CreateError } from './errors.js';
import { trackProcessGroup } from './interrupts.js';
import { seconds, withProgress, type ProgressStream } from './progress.js';

export const NPM_INSTALL_ARGS = ['install', '--no-audit', '--no-fund'];

export async function npmInstall(dir: string, stream?: ProgressStream): Promise<number> {
  // execa is imported here, not at the top: create without install or git never loads it (111 modules).
  const { execa } = await import('execa');
  const { result, ms } = await withProgress(
    'Installing dependencies with npm',
    async () => {
      // Its own process group: Ctrl-C ends npm and every script it started (see interrupts.ts).
      const child = execa('npm', NPM_INSTALL_ARGS, { cwd: dir, all: true, reject: false, stdin: 'ignore', detached: true });
      const untrack = trackProcessGroup(child.pid);
      try {
        return await child;
      } finally {
        untrack();
      }
    },
    stream,
  );
  if (result.failed) {
    const cause = npmErrorCause(String(result.all ?? result.message ?? '')) ?? npmEnding(result);
    throw new CreateError(`npm install failed after ${seconds(ms)}: ${cause}; nothing was written. Fix the cause and rerun, or add --skip-install and run 'npm install' in the project afterwards`);
  }
  return ms;
}

/** npm's own boilerplate around an error: never the cause. */
const BOILERPLATE = [/complete log of this run/i, /^Note that you can also install from a/i, /^tarball, folder, http url, or git url/i, /^\d{3}$/, /^A complete log/i, /^Log files were not written/i, /^You can rerun the command with/i, /^code E[A-Z0-9]+$/];

/**
 * The first `npm error` (npm 7+) or `npm ERR!` (older) lines that name the cause, without npm's
 * boilerplate, joined on one line; undefined when npm said nothing of the kind.
 */
export function npmErrorCause(output: string): string | undefined {
  const lines = output.split(/\r?\n/);
  const errors = lines.map((l) => /^npm (?:error|ERR!)\s?(.*)$/.exec(l)?.[1]?.trim()).filter((l): l is string => l !== undefined);
  const code = errors.map((l) => /^code (E[A-Z0-9]+)$/.exec(l)?.[1]).find((c) => c !== undefined);
  const cause = errors.map((l) => l.replace(/^\d{3}\s+/, '').trim()).filter((l) => l !== '' && !BOILERPLATE.some((b) => b.test(l)));
  const unique = [...new Set(cause.map((l) => l.replace(/\.$/, '')))].slice(0, 3);
  if (unique.length === 0) return code;
  return `${code ? `${code}: ` : ''}${unique.join(' | ')}`;
}

/** How npm ended when it printed no `npm error` line: not found, killed, or an exit code. */
export function npmEnding(result: { code?: string; signal?: string; exitCode?: number; all?: unknown; shortMessage?: string }): string {
  if (result.code === 'ENOENT') return 'npm was not found on PATH (install Node.js with npm)';
  if (result.signal) return `npm was killed by ${result.signal}`;
  const last = String(result.all ?? '').split(/\r?\n/).map((l) => l.trim()).filter(Boolean).pop();
  if (result.exitCode !== undefined) return `npm exited with code ${result.exitCode} and ${last ? `said: ${last}` : 'printed no error'}`;
  return String(result.shortMessage ?? 'npm failed').split('\n')[0];
}
