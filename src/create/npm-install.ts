/** `npm install` in the staged project. Always `install`, never `ci`: a new project has no lockfile yet. */
import { execa } from 'execa';
import { CreateError } from './errors.js';
import { seconds, withProgress, type ProgressStream } from './progress.js';

export async function npmInstall(dir: string, stream?: ProgressStream): Promise<number> {
  const { result, ms } = await withProgress(
    'Installing dependencies with npm',
    () => execa('npm', ['install', '--no-audit', '--no-fund'], { cwd: dir, all: true, reject: false, stdin: 'ignore' }),
    stream,
  );
  if (result.failed) {
    const lines = String(result.all ?? result.message ?? '').trim().split('\n').filter((l) => l.trim() !== '' && !/complete log of this run/.test(l));
    const last = lines.filter((l) => /err/i.test(l)).slice(-2).join(' | ') || lines.slice(-1)[0] || result.shortMessage;
    throw new CreateError(`npm install failed after ${seconds(ms)} (${last}); nothing was written: fix the cause and rerun, or pass --skip-install`);
  }
  return ms;
}
