/**
 * `legacy-mlops local` end to end: the generated state machine runs the default pipeline's three
 * stages (script, container from a Dockerfile, script) on the sample data, on real Python.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generatedRepo, parseCsv, runQuietly, type GeneratedRepo } from '../support/generated-repo.js';
import type { LocalRunReport } from '../../src/local/index.js';

/** The sample pipeline's logic, computed here independently of the Python stubs. */
function expectedFinalOutput(rawCsv: string): { customer_id: string; churn_probability: number; risk_band: string }[] {
  const raw = parseCsv(rawCsv);
  const numeric = ['age', 'tenure_months', 'monthly_charges', 'support_calls'];
  const medians = Object.fromEntries(
    numeric.map((column) => {
      const values = raw.map((r) => r[column]).filter((v) => v !== '').map(Number).sort((a, b) => a - b);
      const mid = Math.floor(values.length / 2);
      return [column, values.length % 2 ? values[mid] : (values[mid - 1] + values[mid]) / 2];
    }),
  );
  const weights: Record<string, number> = { age: -0.02, tenure_months: -0.05, monthly_charges: 0.025, support_calls: 0.45, is_month_to_month: 1.1 };
  const scored = raw.map((r) => {
    const features: Record<string, number> = Object.fromEntries(numeric.map((c) => [c, r[c] === '' ? medians[c] : Number(r[c])]));
    features.is_month_to_month = r.contract.trim().toLowerCase() === 'month-to-month' ? 1 : 0;
    const score = Object.entries(weights).reduce((sum, [c, w]) => sum + w * features[c], -1.0);
    return { customer_id: r.customer_id, churn_probability: 1 / (1 + Math.exp(-score)) };
  });
  scored.sort((a, b) => b.churn_probability - a.churn_probability || a.customer_id.localeCompare(b.customer_id));
  const band = (p: number) => (p >= 0.7 ? 'high' : p >= 0.4 ? 'medium' : 'low');
  return scored.map((s) => ({ ...s, risk_band: band(s.churn_probability) }));
}

function finalOutputOf(repo: GeneratedRepo, report: LocalRunReport): string {
  const path = join(report.s3Root, repo.pipeline.s3.bucket, 'runs', report.executionName, 'postprocess', 'data', 'final_output.csv');
  return readFileSync(path, 'utf8');
}

function expectCorrectFinalOutput(repo: GeneratedRepo, report: LocalRunReport): void {
  const actual = parseCsv(finalOutputOf(repo, report));
  const expected = expectedFinalOutput(repo.read('data/raw/pre_processing_input.csv'));
  expect(actual).toHaveLength(30);
  expect(actual.map((r) => r.customer_id)).toEqual(expected.map((r) => r.customer_id));
  expect(actual.map((r) => r.rank)).toEqual(expected.map((_, i) => String(i + 1)));
  expect(actual.map((r) => r.risk_band)).toEqual(expected.map((r) => r.risk_band));
  actual.forEach((row, i) => expect(Math.abs(Number(row.churn_probability) - expected[i].churn_probability)).toBeLessThanOrEqual(1e-4));
}

describe('the default pipeline under bwrap', () => {
  const repo = generatedRepo();
  let report: LocalRunReport;
  let output: string;

  beforeAll(async () => {
    ({ report, output } = await runQuietly(repo, { backend: 'bwrap' }));
  });

  test('all three stages succeed and the final output in local S3 is correct', () => {
    expect(report.status).toBe('SUCCEEDED');
    expect(report.states.map((s) => [s.name, s.type, s.status, s.jobs.map((j) => j.backend)])).toEqual([
      ['preprocess', 'Task', 'SUCCEEDED', ['bwrap']],
      ['predict', 'Task', 'SUCCEEDED', ['bwrap']],
      ['postprocess', 'Task', 'SUCCEEDED', ['bwrap']],
    ]);
    expectCorrectFinalOutput(repo, report);
  });

  test('each stage reads what the previous one wrote under <runsUri><execution>/<stage>/<output>/', () => {
    const runs = join(report.s3Root, repo.pipeline.s3.bucket, 'runs', report.executionName);
    expect(readdirSync(join(runs, 'preprocess', 'data'))).toEqual(['predictions_input.csv']);
    expect(readdirSync(join(runs, 'predict', 'data'))).toEqual(['predictions_output.csv']);
    expect(report.states[0].jobs[0].outputs).toEqual([
      { name: 'data', s3Uri: `${repo.pipeline.s3.runsUri}${report.executionName}/preprocess/data/`, localPath: join(runs, 'preprocess', 'data') + '/' },
    ]);
  });

  test('the seeded raw data and the synced stage code are in local S3', () => {
    const bucket = join(report.s3Root, repo.pipeline.s3.bucket);
    expect(readFileSync(join(bucket, 'data', 'raw', 'pre_processing_input.csv'), 'utf8')).toBe(repo.read('data/raw/pre_processing_input.csv'));
    expect(readFileSync(join(bucket, 'code', 'preprocess', 'preprocess.py'), 'utf8')).toBe(repo.read('stages/preprocess/preprocess.py'));
    // Container stages get their code from their image, not from the code prefix.
    expect(existsSync(join(bucket, 'code', 'predict'))).toBe(false);
    expect(output).toContain('seeded s3://demo-111122223333-eu-west-1/data/raw/ from data/raw/');
  });

  test('the state machine result carries each job as the ResultSelector shapes it', () => {
    const results = (report.output as { results: Record<string, { jobName: string; jobArn: string; status: string }> }).results;
    for (const state of report.states) {
      const job = state.jobs[0];
      expect(results[state.name]).toEqual({ jobName: job.jobName, jobArn: job.jobArn, status: 'Completed' });
      expect(job.jobName).toMatch(new RegExp(`^demo-${state.name}-[0-9a-f-]{36}$`));
      expect(job.jobArn).toBe(`arn:aws:sagemaker:eu-west-1:111122223333:processing-job/${job.jobName}`);
    }
  });

  test('report.json, job logs and job config files are kept per run', () => {
    const onDisk = JSON.parse(readFileSync(join(report.runDir, 'report.json'), 'utf8')) as LocalRunReport;
    expect(onDisk.executionName).toBe(report.executionName);
    expect(onDisk.status).toBe('SUCCEEDED');
    expect(onDisk.states.map((s) => s.jobs[0].jobName)).toEqual(report.states.map((s) => s.jobs[0].jobName));
    expect(report.executionName).toMatch(/^local-\d{8}T\d{6}Z-[0-9a-f]{4}$/);
    expect(report.runDir).toBe(join(repo.dir, '.local', 'runs', report.executionName));

    const job = report.states[0].jobs[0];
    expect(job.dir).toBe(join(report.runDir, 'jobs', job.jobName));
    expect(readFileSync(job.stdoutLog, 'utf8')).toContain('preprocess: 30 rows -> predictions_input.csv');
    const config = JSON.parse(readFileSync(join(job.dir, 'opt/ml/config/processingjobconfig.json'), 'utf8'));
    expect(config.ProcessingJobName).toBe(job.jobName);
    expect(config.ProcessingJobArn).toBe(job.jobArn);
    expect(config.ProcessingInputs.map((i: { InputName: string }) => i.InputName)).toEqual(['code', 'data']);
    const resources = JSON.parse(readFileSync(join(job.dir, 'opt/ml/config/resourceconfig.json'), 'utf8'));
    expect(resources).toMatchObject({ current_host: 'algo-1', hosts: ['algo-1'], current_instance_type: 'ml.m5.large' });
  });

  test('timings: per-job script time, and overhead = wall - script time', () => {
    for (const state of report.states) {
      expect(state.jobs[0].scriptMs).toBeGreaterThan(0);
      expect(state.jobs[0].scriptMs).toBeLessThanOrEqual(state.jobs[0].durationMs);
    }
    const sum = report.states.reduce((t, s) => t + s.jobs[0].scriptMs, 0);
    expect(report.scriptMs).toBeCloseTo(sum, 6);
    expect(report.overheadMs).toBeCloseTo(report.wallMs - report.scriptMs, 6);
  });

  test('progress names the backend per stage, each state with its job, and a summary table', () => {
    expect(output).toMatch(/preprocess runs on bwrap: .*bubblewrap/);
    expect(output).toMatch(/predict runs on bwrap: /);
    for (const state of report.states) {
      expect(output).toContain(`▶ ${state.name} started`);
      expect(output).toContain(`job ${state.jobs[0].jobName} on bwrap`);
      expect(output).toMatch(new RegExp(`✔ ${state.name} succeeded in \\d+\\.\\d\\d s`));
      expect(output).toMatch(new RegExp(`^${state.name}\\s+Task\\s+SUCCEEDED\\s+\\d+\\.\\d\\d s\\s+${state.jobs[0].jobName}\\s+bwrap$`, 'm'));
    }
    expect(output).toContain(`Execution ${report.executionName} SUCCEEDED`);
  });
});

describe('the default pipeline under the direct backend', () => {
  test('runs too, with /opt/ml redirected, and a second run reuses the seeded data', async () => {
    const repo = generatedRepo();
    const first = await runQuietly(repo, { backend: 'direct' });
    expect(first.report.status).toBe('SUCCEEDED');
    expect(first.output).toMatch(/preprocess runs on direct: forced with --backend direct; no isolation/);
    expectCorrectFinalOutput(repo, first.report);

    const second = await runQuietly(repo, { backend: 'direct' });
    expect(second.report.status).toBe('SUCCEEDED');
    expect(second.report.executionName).not.toBe(first.report.executionName);
    expect(second.output).not.toContain('seeded');
    expectCorrectFinalOutput(repo, second.report);
  });
});
