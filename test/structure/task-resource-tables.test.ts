/**
 * Every Task resource a generated state machine can use has a row in each table keyed by it. The IAM
 * and emulator tables are typed by the TaskResource union (a missing row does not compile); the
 * request-shape table is parsed from ARNs, so it is checked here.
 */
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
});
