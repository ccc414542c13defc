/**
 * The SageMaker Processing job contract as the local emulator honours it: legacy scripts with
 * hard-coded /opt/ml paths run unchanged under bwrap, config files, exit messages, MaxRuntimeInSeconds,
 * Ctrl-C leaving no stray process, per-stage virtual environments, code sync.
 */
import { jest } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runLocal } from '../../src/cli/local.js';
import { runPipelineLocally, type LocalRunReport } from '../../src/local/index.js';
import { PIPELINE_FILES } from '../../src/model/repo-layout.js';
import { PYTHON, generatedRepo, parseCsv, runQuietly, type GeneratedRepo } from '../support/generated-repo.js';

/** A one-stage pipeline whose script is replaced by `script`. */
function oneStageRepo(script: string, maxRuntimeInSeconds?: number): GeneratedRepo {
  const repo = generatedRepo({ stages: [{ name: 'legacy' }] });
  repo.write('stages/legacy/legacy.py', script);
  if (maxRuntimeInSeconds !== undefined) {
    const input = repo.readJson(PIPELINE_FILES.executionInput) as { stages: { legacy: { maxRuntimeInSeconds: number } } };
    input.stages.legacy.maxRuntimeInSeconds = maxRuntimeInSeconds;
    repo.write(PIPELINE_FILES.executionInput, JSON.stringify(input));
  }
  return repo;
}

function outputDir(repo: GeneratedRepo, report: LocalRunReport): string {
  return join(report.s3Root, repo.pipeline.s3.bucket, 'runs', report.executionName, 'legacy', 'data');
}

/** Processes on this machine whose command line contains `marker`. */
function processesWith(marker: string): number[] {
  const found: number[] = [];
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker)) found.push(Number(pid));
    } catch {
      // The process ended while we looked.
    }
  }
  return found;
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const LEGACY_SCRIPT = `
import csv, json, os, subprocess, sys

# Legacy code: paths hard-coded for the SageMaker container, no arguments, no environment.
rows = list(csv.DictReader(open("/opt/ml/processing/input/data/pre_processing_input.csv")))
os.makedirs("/opt/ml/processing/output/data", exist_ok=True)
with open("/opt/ml/processing/output/data/ages.csv", "w") as out:
    out.write("customer_id,age\\n")
    for row in rows:
        out.write(f"{row['customer_id']},{row['age'] or 'unknown'}\\n")

def writable(path):
    try:
        with open(path, "w") as f:
            f.write("x")
        return True
    except OSError:
        return False

config = json.load(open("/opt/ml/config/processingjobconfig.json"))
resources = json.load(open("/opt/ml/config/resourceconfig.json"))
facts = {
    "job": config["ProcessingJobName"],
    "inputs": [i["S3Input"]["LocalPath"] for i in config["ProcessingInputs"]],
    "host": resources["current_host"],
    "hosts": resources["hosts"],
    "python3": subprocess.run(["python3", "-c", "import sys; print(sys.executable)"], capture_output=True, text=True).stdout.strip(),
    "tmp_writable": writable("/tmp/probe"),
    "usr_writable": writable("/usr/legacy-mlops-escape"),
    "home_writable": writable(os.path.expanduser("~root") + "/legacy-mlops-escape"),
    "sees_repo": os.path.exists("__REPO__"),
    "cwd": os.getcwd(),
    "skip_requirements": os.environ.get("LEGACY_MLOPS_SKIP_REQUIREMENTS"),
}
json.dump(facts, open("/opt/ml/processing/output/data/facts.json", "w"))
`;

describe('a legacy script with hard-coded /opt/ml paths under bwrap', () => {
  let repo: GeneratedRepo;
  let report: LocalRunReport;

  beforeAll(async () => {
    repo = oneStageRepo(LEGACY_SCRIPT);
    // The repo lives under this machine's /tmp, which the job's private /tmp hides.
    repo.write('stages/legacy/legacy.py', LEGACY_SCRIPT.replace('"__REPO__"', JSON.stringify(repo.dir)));
    // A file left in the code prefix by an earlier deploy must not survive the sync.
    const stale = join(repo.dir, '.local/s3', repo.pipeline.s3.bucket, 'code/legacy/old_helper.py');
    mkdirSync(join(stale, '..'), { recursive: true });
    writeFileSync(stale, 'raise SystemExit(1)\n');
    ({ report } = await runQuietly(repo, { backend: 'bwrap' }));
  });

  test('runs unchanged and its output reaches local S3', () => {
    expect(report.status).toBe('SUCCEEDED');
    const ages = parseCsv(readFileSync(join(outputDir(repo, report), 'ages.csv'), 'utf8'));
    const raw = parseCsv(repo.read('data/raw/pre_processing_input.csv'));
    expect(ages).toEqual(raw.map((r) => ({ customer_id: r.customer_id, age: r.age || 'unknown' })));
  });

  test('sees the job config SageMaker writes, the chosen python3, a private /tmp and a read-only machine', () => {
    const facts = JSON.parse(readFileSync(join(outputDir(repo, report), 'facts.json'), 'utf8'));
    expect(facts).toEqual({
      job: report.states[0].jobs[0].jobName,
      inputs: ['/opt/ml/processing/input/code', '/opt/ml/processing/input/data'],
      host: 'algo-1',
      hosts: ['algo-1'],
      // `python3` in the job is the interpreter the run was given, not whatever PATH had first.
      python3: execFileSync(PYTHON, ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).trim(),
      tmp_writable: true,
      usr_writable: false,
      home_writable: false,
      sees_repo: false,
      cwd: '/opt/ml',
      skip_requirements: '1',
    });
    expect(existsSync('/usr/legacy-mlops-escape')).toBe(false);
    // The private /tmp is gone with the job; the logs stay.
    const job = report.states[0].jobs[0];
    expect(existsSync(join(job.dir, 'tmp'))).toBe(false);
    expect(existsSync(job.stdoutLog)).toBe(true);
  });

  test('the code prefix holds exactly the stage folder', () => {
    const code = join(report.s3Root, repo.pipeline.s3.bucket, 'code', 'legacy');
    expect(readdirSync(code).sort()).toEqual(['legacy.py', 'requirements.txt']);
  });
});

describe('exit code and exit message', () => {
  test('a non-zero exit fails the job; the first 1 KB of /opt/ml/output/message is its ExitMessage, never a cut character', async () => {
    const repo = oneStageRepo(`
import sys
with open("/opt/ml/output/message", "w", encoding="utf-8") as f:
    f.write("a" + "\\u00e9" * 600)
sys.exit(3)
`);
    const { report, output } = await runQuietly(repo, { backend: 'bwrap' });
    expect(report.status).toBe('FAILED');
    const job = report.states[0].jobs[0];
    expect(job.exitCode).toBe(3);
    expect(job.exitMessage).toBe('a' + 'é'.repeat(511));
    expect(Buffer.byteLength(job.exitMessage!)).toBe(1023);
    expect(job.failureReason).toMatch(/, exit code: 3$/);
    expect(output).toContain(`exit message: a${'é'.repeat(511)}`);
    expect(report.states.map((s) => s.name)).toEqual(['legacy', 'legacy failed']);
  });

  test('a job that exits 0 without writing outputs still completes', async () => {
    const repo = oneStageRepo('print("nothing to do")\n');
    const { report } = await runQuietly(repo, { backend: 'direct' });
    expect(report.status).toBe('SUCCEEDED');
    expect(readdirSync(outputDir(repo, report))).toEqual([]);
  });
});

describe('MaxRuntimeInSeconds', () => {
  test('a job running longer is stopped and its state fails', async () => {
    const repo = oneStageRepo('import time\ntime.sleep(60)\n', 1);
    const started = Date.now();
    const { report, output } = await runQuietly(repo, { backend: 'bwrap' });
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(report.status).toBe('FAILED');
    expect(report.states[0].jobs[0]).toMatchObject({ status: 'Stopped' });
    expect(report.states[0].jobs[0].failureReason).toContain('MaxRuntimeInSeconds (1 s)');
    expect(output).toContain('failure reason: MaxRuntimeExceeded');
  });
});

describe('stopping a run (Ctrl-C)', () => {
  const sleeper = (marker: string) => `
import subprocess, time
subprocess.Popen(["sleep", "${marker}"])
print("started", flush=True)
time.sleep(120)
`;

  for (const backend of ['bwrap', 'direct'] as const) {
    test(`${backend}: stops the job and every process it started`, async () => {
      const marker = `${300 + Math.floor(Math.random() * 1000)}.${Date.now() % 100000}`;
      const repo = oneStageRepo(sleeper(marker));
      const stop = new AbortController();
      const run = runPipelineLocally({ repoRoot: repo.dir, python: PYTHON, backend, signal: stop.signal, log: () => undefined });
      await waitFor(() => processesWith(`sleep\0${marker}`).length > 0, 20_000);
      stop.abort();
      const report = await run;
      expect(report.status).toBe('ABORTED');
      expect(report.states[0].jobs[0].status).toBe('Stopped');
      expect(processesWith(`sleep\0${marker}`)).toEqual([]);
    });
  }

  test('SIGINT to the command stops the job and exits 130', async () => {
    const marker = `${1400 + Math.floor(Math.random() * 1000)}.${Date.now() % 100000}`;
    const repo = oneStageRepo(sleeper(marker));
    const print = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const complain = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const run = runLocal(['--python', PYTHON, '--backend', 'bwrap'], repo.dir);
      await waitFor(() => processesWith(`sleep\0${marker}`).length > 0, 20_000);
      process.emit('SIGINT', 'SIGINT');
      expect(await run).toBe(130);
      expect(processesWith(`sleep\0${marker}`)).toEqual([]);
    } finally {
      print.mockRestore();
      complain.mockRestore();
    }
  });
});
