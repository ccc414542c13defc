/**
 * Findings of the AWS audit (docs/aws-audit.md) that the other tests did not catch: SageMaker's
 * lowercase ARNs for user-given names, tag values built from any execution name, ListTags on every
 * SageMaker integration. Each test fails on the output from before the fix.
 */
import { buildStateMachine } from '../../src/asl/index.js';
import { captureTaskRequests, checkRequestShape, loadSageMakerModel, parseSageMakerResource } from '../../src/checks/index.js';
import { buildIamDocuments, requiredCalls } from '../../src/iam/index.js';
import { buildExecutionInput } from '../../src/input/index.js';
import { LIFECYCLE_STAGES, resolvePipeline } from '../../src/model/index.js';
import { simulateCall } from '../support/iam-simulation.js';

const ACCOUNT = '111122223333';
const REGION = 'eu-west-1';
const p = resolvePipeline({
  name: 'churn',
  region: REGION,
  account: ACCOUNT,
  stages: [...LIFECYCLE_STAGES, { name: 'serve', kind: 'endpoint', endpointName: 'ChurnEndpoint' }],
});
const definition = buildStateMachine(p);
const docs = buildIamDocuments(definition, p);
/** The same machine with its endpoint Wait at 0 s, so a captured run takes no real minute. */
const noWait = JSON.parse(JSON.stringify(definition, (key, value) => (key === 'Seconds' ? 0 : value)));

async function stateMachineRoleDecides(action: string, resource: string): Promise<string> {
  return `${action} ${resource} → ${await simulateCall(p.roles.stateMachineRoleArn, docs.stateMachineRolePolicy, { action, resource }, { account: ACCOUNT })}`;
}

describe('finding 1: a user-given endpoint name with capitals', () => {
  // SageMaker writes `endpoint/churnendpoint` in the ARN of an endpoint created as `ChurnEndpoint`.
  const lowercaseEndpoint = `arn:aws:sagemaker:${REGION}:${ACCOUNT}:endpoint/churnendpoint`;

  test('the state machine role may create, update, describe and tag the endpoint under the ARN SageMaker uses', async () => {
    const actions = ['CreateEndpoint', 'UpdateEndpoint', 'DescribeEndpoint', 'AddTags', 'ListTags'].map((a) => `sagemaker:${a}`);
    const decisions = await Promise.all(actions.map((action) => stateMachineRoleDecides(action, lowercaseEndpoint)));
    expect(decisions.filter((d) => !d.endsWith('Allowed'))).toEqual([]);
  });

  test('no SageMaker ARN in any document or required call carries a capital letter', () => {
    const arns = JSON.stringify(docs).match(/arn:aws:sagemaker:[^"]*/g) ?? [];
    expect(arns.length).toBeGreaterThan(0);
    expect(arns.filter((arn) => arn !== arn.toLowerCase())).toEqual([]);
    const calls = requiredCalls(definition, p).filter((c) => c.resource.includes(':sagemaker:'));
    expect(calls.filter((c) => c.resource !== c.resource.toLowerCase())).toEqual([]);
  });

  test('the requests still name the endpoint as the user wrote it (SageMaker keeps the name\'s case)', () => {
    expect(JSON.stringify(definition)).toContain('"EndpointName":"ChurnEndpoint"');
  });
});

test('finding 6: ListTags is granted with every SageMaker integration that tags what it creates', () => {
  const statements = docs.stateMachineRolePolicy.Statement.filter((s) => s.Action.some((a) => a === 'sagemaker:AddTags'));
  expect(statements.length).toBeGreaterThanOrEqual(4);
  for (const statement of statements) expect([statement.Sid, statement.Action.includes('sagemaker:ListTags')]).toEqual([statement.Sid, true]);
});

describe('finding 7: execution names Step Functions allows and SageMaker tag values do not', () => {
  // SageMaker's TagValue pattern and length (API reference, Tag); JavaScript's `u` flag reads \p{…} as SageMaker does.
  const TAG_VALUE = /^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$/u;
  const names = ['nightly(1)', "bob's-run", 'retry!', 'a(b)c!d\'e', 'x'.repeat(80)];

  test.each(names)('%s: every tag of every request matches the pattern, and decodes back to the name', async (name) => {
    const requests = await captureTaskRequests(noWait, buildExecutionInput(p), name);
    const tagged = requests.filter((r) => Array.isArray((r.request as { Tags?: unknown }).Tags));
    expect(tagged.length).toBeGreaterThanOrEqual(6);
    for (const { stateName, request } of tagged) {
      for (const tag of (request as { Tags: { Key: string; Value: string }[] }).Tags) {
        expect([stateName, tag.Key, TAG_VALUE.test(tag.Value) && tag.Value.length <= 256]).toEqual([stateName, tag.Key, true]);
      }
      const execution = (request as { Tags: { Key: string; Value: string }[] }).Tags.find((t) => t.Key === 'legacy-mlops:execution-base64')!;
      expect(Buffer.from(execution.Value, 'base64').toString('utf8')).toBe(name);
    }
  });

  const python = process.env.LEGACY_MLOPS_PYTHON;
  (python ? test : test.skip)('botocore\'s SageMaker model finds nothing wrong in the requests of a run named nightly(1)', async () => {
    const lookup = await loadSageMakerModel([python!]);
    if (!lookup.found) throw new Error(lookup.hint);
    const requests = await captureTaskRequests(noWait, buildExecutionInput(p), 'nightly(1)');
    const findings = requests.flatMap((r) => {
      const operation = parseSageMakerResource(r.resource)?.integration.operation;
      return operation ? checkRequestShape(operation, r.request, lookup.model, r.stateName) : [];
    });
    expect(findings.filter((f) => /Tags/.test(f.location))).toEqual([]);
  });
});
