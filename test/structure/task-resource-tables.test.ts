/**
 * Every Task resource a generated state machine can use has a row in each table keyed by it. The IAM
 * and emulator tables are typed by the TaskResource union (a missing row does not compile); the
 * request-shape table is parsed from ARNs, so it is checked here.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TASK_INTEGRATION_FACTS, TASK_RESOURCES, integrationArn } from '../../src/asl/index.js';
import { SAGEMAKER_INTEGRATIONS, knownResourceExamples, parseSageMakerResource } from '../../src/checks/sagemaker-integrations.js';
import { HAND_GRANTED, TASK_INTEGRATIONS, integrationFor } from '../../src/iam/integrations.js';
import { TASK_EMULATORS, emulatorFor } from '../../src/local/emulators/registry.js';

describe('tables keyed by Task resource', () => {
  it.each(TASK_RESOURCES.map((r) => [r]))('%s has an IAM row, an emulator and a request-shape row in every partition', (resource) => {
    for (const partition of ['aws', 'aws-cn', 'aws-us-gov']) {
      const arn = integrationArn(resource, partition);
      expect(integrationFor(arn)).toBeDefined();
      expect(emulatorFor(arn)).toBeDefined();
      const parsed = parseSageMakerResource(arn);
      expect(parsed).toBeDefined();
      expect(parsed?.suffixProblem).toBeUndefined();
    }
  });

  it('no table has a row for a resource the state machines do not use', () => {
    const known = new Set<string>(TASK_RESOURCES);
    expect(Object.keys(TASK_INTEGRATIONS).filter((r) => !known.has(r))).toEqual([]);
    expect([...TASK_EMULATORS.keys()].filter((r) => !known.has(r))).toEqual([]);
  });

  it('the request-shape rows are derived one per resource, and IAM writes grants by hand exactly for the calls without job facts', () => {
    expect(SAGEMAKER_INTEGRATIONS).toHaveLength(TASK_RESOURCES.length);
    expect(knownResourceExamples()).toEqual(TASK_RESOURCES);
    const withoutJobFacts = TASK_RESOURCES.filter((r) => !('job' in TASK_INTEGRATION_FACTS[r]));
    expect(Object.keys(HAND_GRANTED).sort()).toEqual([...withoutJobFacts].sort());
    // The .sync jobs of the optimized integrations, each with its managed rule: their grants are derived.
    const jobs = TASK_RESOURCES.filter((r) => 'job' in TASK_INTEGRATION_FACTS[r]);
    expect(jobs.every((r) => r.endsWith('.sync') && TASK_INTEGRATIONS[r].description.endsWith('run to completion (.sync)'))).toBe(true);
  });

  it('an unknown resource has no row', () => {
    expect(integrationFor('arn:aws:states:::sagemaker:createLabelingJob.sync')).toBeUndefined();
    expect(emulatorFor('arn:aws:states:::sagemaker:createLabelingJob.sync')).toBeUndefined();
  });

  it('Task resource ARNs are written in the facts table only (besides the approval contract it imports and the Map reader/writer resources)', () => {
    const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
    const allowed = ['src/asl/task-resources.ts', 'src/approval/approval-contract.ts', 'src/asl/fan-out.ts', 'src/local/distributed-map.ts'];
    const writers = ['src', 'generators']
      .flatMap((dir) => readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' }).map((file) => join(dir, file)))
      .filter((file) => file.endsWith('.ts') && /['"]arn:aws:states:::[a-z]/.test(readFileSync(join(root, file), 'utf8')));
    expect(writers.filter((file) => !allowed.includes(file))).toEqual([]);
    expect(writers).toContain('src/asl/task-resources.ts');
  });
});
