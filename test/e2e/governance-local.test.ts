/**
 * Local end to end, as a person runs it: `legacy-mlops local` (a process with no terminal) registers a
 * version in the emulated registry and pauses in the approval stage; `legacy-mlops approve <execution>`
 * from a second process decides it. Approved: the run continues to success and the version is Approved
 * with who and why. Rejected (`--reject --reason`): the run ends in the rejection Fail, exit 1, and the
 * version is Rejected. A third decision on a decided run is refused. Both are in the run report.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { approvalStateNames } from '../../src/asl/approval-states.js';
import { localRegistryVersions } from '../../src/local/emulators/governance-calls.js';
import { governedStages } from '../support/governed-pipeline.js';
import { PYTHON, generatedRepo } from '../support/generated-repo.js';

// The processes run in the generated repo (a temporary folder, no node_modules): tsx by absolute path.
const TSX = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));
const CLI = fileURLToPath(new URL('../../src/cli/legacy-mlops.ts', import.meta.url));
const repo = generatedRepo({ notifications: {}, stages: governedStages() });
const registry = join(repo.dir, '.local', 'registry');
const cli = (args: string[]) => execa(TSX, [CLI, ...args], { cwd: repo.dir, reject: false, stdin: 'ignore', env: { PYTHONDONTWRITEBYTECODE: '1' } });

/** Starts `legacy-mlops local` and resolves with its execution name once it waits for a decision. */
async function localRunWaiting(): Promise<{ execution: string; ended: Promise<{ code: number | null; stdout: string; stderr: string }> }> {
  const child = spawn(TSX, [CLI, 'local', '--python', PYTHON, '--backend', 'bwrap'], {
    cwd: repo.dir,
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const ended = new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => child.on('close', (code) => done({ code, stdout, stderr })));
  const until = Date.now() + 400_000;
  for (;;) {
    const asked = /from another terminal: npx legacy-mlops approve (\S+)/.exec(stdout);
    if (asked && existsSync(join(repo.dir, '.local', 'runs', asked[1], 'approvals', 'approve.request.json'))) return { execution: asked[1], ended };
    if (child.exitCode !== null || Date.now() > until) throw new Error(`the run never asked for a decision (exit ${child.exitCode}):\n${stdout}\n${stderr}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const savedReport = (execution: string) => JSON.parse(readFileSync(join(repo.dir, '.local', 'runs', execution, 'report.json'), 'utf8'));
const stateNames = (report: { states: { name: string }[] }) => report.states.map((s) => s.name);

test('approved from a second process: the run continues to success, the version is Approved with who and why', async () => {
  const { execution, ended } = await localRunWaiting();
  // Paused: the version is registered and pending, nothing after the approval ran.
  expect(localRegistryVersions(registry, 'demo').map((v) => v.ModelApprovalStatus)).toEqual(['PendingManualApproval']);
  expect(existsSync(join(repo.dir, '.local', 's3', repo.pipeline.s3.bucket, 'runs', execution, 'transform'))).toBe(false);

  const approver = await cli(['approve', execution, '--by', 'dana', '--reason', 'accuracy is fine']);
  expect(approver.stderr).toBe('');
  expect(approver.exitCode).toBe(0);
  expect(approver.stdout.trim()).toBe(`Approved stage approve of local run ${execution} as dana: accuracy is fine`);

  const run = await ended;
  expect(run.stderr).not.toMatch(/legacy-mlops local:/);
  expect(run.code).toBe(0);
  const [version] = localRegistryVersions(registry, 'demo');
  expect(version).toMatchObject({ ModelPackageVersion: 1, ModelApprovalStatus: 'Approved', ApprovalDescription: expect.stringMatching(/^Approved by dana at .*: accuracy is fine$/) });
  expect((version.report as { metrics: Record<string, unknown> }).metrics.accuracy).toBeDefined();
  expect(version.CustomerMetadataProperties?.['legacy-mlops:execution']).toContain(execution);
  const report = savedReport(execution);
  expect(report.status).toBe('SUCCEEDED');
  expect(report.notices).toEqual(expect.arrayContaining([expect.stringMatching(/^stage 'approve' was approved by dana at .*: accuracy is fine$/)]));
  expect(stateNames(report)).toEqual(expect.arrayContaining(['register', 'approve', 'approve: approve version', 'transform']));
  expect(existsSync(join(repo.dir, '.local', 's3', repo.pipeline.s3.bucket, 'runs', execution, 'transform'))).toBe(true);

  // Decided once: a second decision is refused and changes nothing.
  const again = await cli(['approve', execution, '--reject', '--reason', 'too late']);
  expect(again.exitCode).toBe(1);
  expect(again.stderr).toMatch(new RegExp(`^legacy-mlops approve: stage approve of local run ${execution} was already approved by dana at `));
  expect(localRegistryVersions(registry, 'demo')[0].ModelApprovalStatus).toBe('Approved');
}, 900_000);

test('rejected from a second process with --reject --reason: the run ends in the rejection Fail (exit 1), the version is Rejected', async () => {
  const { execution, ended } = await localRunWaiting();
  expect(localRegistryVersions(registry, 'demo').map((v) => v.ModelApprovalStatus)).toEqual(['Approved', 'PendingManualApproval']);

  const refused = await cli(['approve', execution, '--reject']);
  expect(refused.exitCode).toBe(1);
  expect(refused.stderr.trim()).toBe('legacy-mlops approve: a rejection needs a reason: --reason <why> (it is recorded on the model version and in the execution)');

  const rejecter = await cli(['approve', execution, '--reject', '--reason', 'drift on the holdout', '--by', 'sam']);
  expect(rejecter.exitCode).toBe(0);
  expect(rejecter.stdout.trim()).toBe(`Rejected stage approve of local run ${execution} as sam: drift on the holdout`);

  const run = await ended;
  expect(run.code).toBe(1);
  expect(`${run.stdout}\n${run.stderr}`).toContain('ApprovalRejected');
  const report = savedReport(execution);
  expect(report.status).toBe('FAILED');
  const names = stateNames(report);
  expect(names).toEqual(expect.arrayContaining(['approve', 'approve: reject version', approvalStateNames({ name: 'approve' } as never).rejected]));
  expect(names).not.toContain('transform');
  expect(JSON.stringify(report.error)).toContain('ApprovalRejected');
  expect(JSON.stringify(report.error)).toContain('drift on the holdout');
  expect(report.notices).toEqual(expect.arrayContaining([expect.stringMatching(/^stage 'approve' was rejected by sam at .*: drift on the holdout$/)]));
  const versions = localRegistryVersions(registry, 'demo');
  expect(versions.map((v) => [v.ModelPackageVersion, v.ModelApprovalStatus])).toEqual([
    [1, 'Approved'],
    [2, 'Rejected'],
  ]);
  expect(versions[1].ApprovalDescription).toContain('drift on the holdout');
  expect(existsSync(join(repo.dir, '.local', 's3', repo.pipeline.s3.bucket, 'runs', execution, 'transform'))).toBe(false);
}, 900_000);
