/** Issue 3: time from `create-legacy-mlops` start to files on disk, beside `projen new typescript --no-post`. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { row, timeRuns } from './stats.js';

export async function benchCreate(runs = 5): Promise<void> {
  const repo = process.cwd();
  await execa(join(repo, 'node_modules/.bin/tsc'), ['--build'], { cwd: repo }); // measure the published (compiled) layout
  const createBin = join(repo, 'lib/src/cli/create.js');
  const projenBin = join(repo, 'node_modules/.bin/projen');
  const inTemp = (fn: (dir: string) => Promise<unknown>) => async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lmo-bench-create-'));
    try {
      await fn(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  const create = (dir: string) =>
    execa(process.execPath, [createBin, 'demo', '--yes', '--skip-install', '--no-git', '--region', 'eu-west-1', '--account', '111122223333'], { cwd: dir, stdin: 'ignore' });
  console.log('# Scaffolding, command start to exit: an upper bound on the time to files on disk (no install, no git)');
  await inTemp(create)(); // warm the file cache
  console.log(row('create-legacy-mlops demo --yes --skip-install', await timeRuns(runs, inTemp(create))));
  const projenNew = (dir: string) => execa(projenBin, ['new', 'typescript', '--no-post', '--no-git'], { cwd: dir, stdin: 'ignore', env: { ...process.env, CI: 'false' } });
  console.log(row('projen new typescript --no-post (same machine)', await timeRuns(runs, inTemp(projenNew))));
}
