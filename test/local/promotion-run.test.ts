/**
 * Promotion in local runs: a lifecycle that registers its model (PendingManualApproval, no approval
 * stage) in two environments. Run as prod (`--env prod`: its account in the execution's ARN) with
 * nothing approved, it ends in NoApprovedModelVersion; once version 1 is approved in the registry, a
 * prod run registers version 2 but its transform runs version 1's model, while a preprod run serves its
 * own model. Real Python under the direct backend; the registry is `.local/registry/`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promotionStateNames } from '../../src/asl/index.js';
import { parseLocalArgs } from '../../src/local/index.js';
import { LIFECYCLE_STAGES, type StageOptions } from '../../src/model/index.js';
import { generatedRepo, runQuietly } from '../support/generated-repo.js';

type Json = Record<string, any>;
const stages: StageOptions[] = [...LIFECYCLE_STAGES.map((s) => ({ ...s, skippable: false })).slice(0, 4), { name: 'register', kind: 'register' }, { ...LIFECYCLE_STAGES[4], skippable: false }];
const repo = generatedRepo({
  stages,
  environments: [
    { name: 'preprod', account: '111122223333', region: 'eu-west-1' },
    { name: 'prod', account: '444455556666', region: 'eu-west-1' },
  ],
});
const PROD = 'arn:aws:states:eu-west-1:444455556666:execution:demo';
const PREPROD = 'arn:aws:states:eu-west-1:111122223333:execution:demo';
const names = promotionStateNames({ name: 'model' });
const version = (n: number): Json => JSON.parse(readFileSync(join(repo.dir, `.local/registry/demo/${n}.json`), 'utf8'));
/** What a person approving in the registry does to the version (as UpdateModelPackage records it). */
function approveInRegistry(n: number): void {
  const file = join(repo.dir, `.local/registry/demo/${n}.json`);
  writeFileSync(file, JSON.stringify({ ...version(n), ModelApprovalStatus: 'Approved', ApprovalDescription: 'approved by the test' }, null, 2));
}
const transformModel = (report: Json) => report.states.find((s: Json) => s.name === 'transform').jobs[0];

test('--env <name> is an option of legacy-mlops local', () => {
  expect(parseLocalArgs(['--env', 'prod'])).toMatchObject({ env: 'prod' });
});

test('prod serves the newest approved version, not the newest; with none approved it says so; preprod serves its own', async () => {
  // 1. Prod, nothing approved yet: version 1 is registered (pending), then the execution stops before serving.
  const first = await runQuietly(repo, { backend: 'direct', executionArnPrefix: PROD });
  expect(first.report.status).toBe('FAILED');
  expect(first.report.error).toMatchObject({ error: 'NoApprovedModelVersion', cause: expect.stringContaining('model package group demo has no Approved version') });
  expect(first.report.states.map((s: Json) => s.name)).not.toContain('transform');
  expect(version(1).ModelApprovalStatus).toBe('PendingManualApproval');

  // 2. A person approves version 1. The next prod run registers version 2 (pending) and serves version 1.
  approveInRegistry(1);
  const second = await runQuietly(repo, { backend: 'direct', executionArnPrefix: PROD });
  expect(second.report.status).toBe('SUCCEEDED');
  expect(version(2).ModelApprovalStatus).toBe('PendingManualApproval');
  const approvedArtifact = version(1).InferenceSpecification.Containers[0].ModelDataUrl;
  const newestArtifact = version(2).InferenceSpecification.Containers[0].ModelDataUrl;
  expect(approvedArtifact).not.toBe(newestArtifact);
  const output = second.report.output as Json;
  expect(output.results.model).toMatchObject({ modelPackageArn: expect.stringMatching(/model-package\/demo\/1$/), source: 'latest-approved' });
  expect(second.output).toContain(`${names.list}: version 1 of demo (Approved approved by the test)`);
  // The transform job ran the model made from version 1: version 1's artifact, not this run's.
  const served = second.output.match(/model: model of the approved version: model (\S+) recorded \(artifact (\S+)\)/);
  expect(served?.[2]).toBe(approvedArtifact);
  expect(transformModel(second.report).stateName).toBe('transform');
  expect(readFileSync(join(repo.dir, '.local/registry/demo/1.json'), 'utf8')).toContain('"Approved"');

  // 3. Preprod: the run's own model, no registry read.
  const third = await runQuietly(repo, { backend: 'direct', executionArnPrefix: PREPROD });
  expect(third.report.status).toBe('SUCCEEDED');
  expect(third.report.states.map((s: Json) => s.name)).not.toContain(names.list);
  const own = third.output.match(/model: model (\S+) recorded \(artifact (\S+)\)/);
  expect(own?.[2]).toBe(version(3).InferenceSpecification.Containers[0].ModelDataUrl);
});
