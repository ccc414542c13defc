/**
 * `legacy-mlops local` under SIGINT and SIGTERM (a real process, signalled as a terminal or a
 * supervisor would): one line, exit 130 / 143, no job process left in the process table, no job
 * scratch folder left; and raw data re-seeded when data/raw/ changed since the last seed.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PYTHON, generatedRepo, runQuietly } from '../support/generated-repo.js';
import { isAlive } from '../hostile/processes.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');
const CLI = path.join(ROOT, 'src/cli/legacy-mlops.ts');

/** A preprocess script that starts a child and a setsid grandchild, records all three pids, then sleeps. */
const stubborn = (pidsFile: string, ignoreTerm: boolean) => `import os, signal, subprocess, sys, time
${ignoreTerm ? 'signal.signal(signal.SIGTERM, signal.SIG_IGN)' : ''}
child = subprocess.Popen(["sleep", "300"])
grandchild = subprocess.Popen(["setsid", "sleep", "300"], stdin=subprocess.DEVNULL)
time.sleep(0.3)
with open(${JSON.stringify(pidsFile)}, "w") as f:
    f.write(f"{os.getpid()} {child.pid} {grandchild.pid}")
time.sleep(300)
`;

/** Live processes whose environment points into this repo's job sandboxes: everything a job started. */
function jobProcesses(repoDir: string): number[] {
  const needle = Buffer.from(`LEGACY_MLOPS_OPT_ML=${repoDir}/`);
  return fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p)).map(Number).filter((pid) => {
    try {
      return fs.readFileSync(`/proc/${pid}/environ`).includes(needle) && isAlive(pid);
    } catch {
      return false;
    }
  });
}

async function interrupted(signal: 'SIGINT' | 'SIGTERM', twice = false) {
  const repo = generatedRepo();
  const pidsFile = path.join(repo.dir, 'pids.txt');
  repo.write('stages/preprocess/preprocess.py', stubborn(pidsFile, twice));
  const child = spawn(TSX, [CLI, 'local', '--python', PYTHON, '--backend', 'direct'], {
    cwd: repo.dir,
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const closed = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  for (let i = 0; i < 1200 && !fs.existsSync(pidsFile) && child.exitCode === null; i++) await new Promise((r) => setTimeout(r, 100));
  if (!fs.existsSync(pidsFile)) throw new Error(`the job never started:\n${stdout}\n${stderr}`);
  const pids = fs.readFileSync(pidsFile, 'utf8').trim().split(' ').map(Number);
  expect(pids.every(isAlive)).toBe(true);
  const sentAt = Date.now();
  child.kill(signal);
  if (twice) setTimeout(() => child.kill(signal), 300);
  const code = await closed;
  return { repo, code, stdout, stderr, pids, pidsFile, ms: Date.now() - sentAt };
}

const scratchFolders = (dir: string) => {
  const jobs = path.join(dir, '.local/runs');
  const found: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (!e.isDirectory()) continue;
      const full = path.join(d, e.name);
      if (e.name === 'tmp') found.push(path.relative(dir, full));
      else walk(full);
    }
  };
  if (fs.existsSync(jobs)) walk(jobs);
  return found;
};

describe.each([
  ['SIGINT', 130, /^legacy-mlops local: interrupted \(Ctrl-C\): every job process stopped$/m],
  ['SIGTERM', 143, /^legacy-mlops local: terminated \(SIGTERM\): every job process stopped$/m],
] as const)('%s during a local run', (signal, exitCode, line) => {
  test(`exit ${exitCode}, one line, no job process left (the setsid grandchild too), no scratch folder`, async () => {
    const run = await interrupted(signal);
    expect(run.code).toBe(exitCode);
    expect(run.stderr).toMatch(line);
    expect(run.stderr.split('\n').filter((l) => l.trim() !== '')).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 300));
    expect(run.pids.filter(isAlive)).toEqual([]);
    expect(jobProcesses(run.repo.dir)).toEqual([]);
    expect(scratchFolders(run.repo.dir)).toEqual([]);
  }, 240_000);
});

test('a second Ctrl-C kills at once, even a job that ignores SIGTERM', async () => {
  const run = await interrupted('SIGINT', true);
  expect(run.code).toBe(130);
  expect(run.ms).toBeLessThan(4_000);
  expect(jobProcesses(run.repo.dir)).toEqual([]);
}, 240_000);

test('raw data is re-seeded when data/raw/ changed since the last seed, and the run says so', async () => {
  const repo = generatedRepo();
  const first = await runQuietly(repo, { backend: 'direct' });
  expect(first.output).toMatch(/local S3: seeded s3:\/\/\S+\/data\/raw\//);
  const again = await runQuietly(repo, { backend: 'direct' });
  expect(again.output).not.toMatch(/local S3: .*seed/);

  const [csv] = fs.readdirSync(path.join(repo.dir, 'data/raw'));
  const edited = `${repo.read(`data/raw/${csv}`)}`.replace(/\n$/, '\n') + repo.read(`data/raw/${csv}`).split('\n')[1] + '\n';
  repo.write(`data/raw/${csv}`, edited);
  repo.write('data/raw/extra.csv', 'a,b\n1,2\n');
  const third = await runQuietly(repo, { backend: 'direct' });
  expect(third.output).toMatch(/local S3: data\/raw\/ changed since the last seed \(1 changed, 1 added\): re-seeded s3:\/\//);
  const prefix = path.join(third.report.s3Root, repo.pipeline.s3.bucket, 'data/raw');
  expect(fs.readFileSync(path.join(prefix, csv), 'utf8')).toBe(edited);
  expect(fs.existsSync(path.join(prefix, 'extra.csv'))).toBe(true);

  fs.rmSync(path.join(repo.dir, 'data/raw/extra.csv'));
  const fourth = await runQuietly(repo, { backend: 'direct' });
  expect(fourth.output).toMatch(/changed since the last seed \(1 removed\)/);
  expect(fs.existsSync(path.join(prefix, 'extra.csv'))).toBe(false);
}, 300_000);
