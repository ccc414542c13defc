/**
 * Promotion: production (`modelSource: 'latest-approved'`) serves the newest Approved version of the
 * group, pre-production the run's own model. The model rules, the states (asl-validator, our rules),
 * every request resolved by the engine as production and checked against botocore's SageMaker shapes,
 * the engine's three outcomes, and the IAM grants simulated (this group allowed, another denied).
 */
import validator from 'asl-validator';
import { StateMachine } from 'aws-local-stepfunctions';
import { LIST_MODEL_PACKAGES_RESOURCE, NO_APPROVED_VERSION_ERROR, buildStateMachine, promotionStateNames } from '../../src/asl/index.js';
import { captureTaskRequests, checkAslRules, checkRequestShape, loadServiceModel, parseSageMakerResource } from '../../src/checks/index.js';
import { buildIamDocuments, requiredCalls, type ApiCall } from '../../src/iam/index.js';
import { buildExecutionInput } from '../../src/input/index.js';
import { GOVERNED_STAGES, LIFECYCLE_STAGES, resolvePipeline, validatePipeline, type PipelineOptions } from '../../src/model/index.js';
import { simulateCall } from '../support/iam-simulation.js';

const PREPROD = '111122223333';
const PROD = '444455556666';
const REGION = 'eu-west-1';
const governed: PipelineOptions = {
  name: 'demo',
  region: REGION,
  account: PREPROD,
  notifications: { email: 'ml-team@example.com' },
  stages: [...GOVERNED_STAGES],
  environments: [
    { name: 'preprod', account: PREPROD, region: REGION },
    { name: 'prod', account: PROD, region: REGION },
  ],
};
const p = resolvePipeline(governed);
const def = buildStateMachine(p);
const input = buildExecutionInput(p);
const names = promotionStateNames({ name: 'model' });
const prodExecution = (name: string) => `arn:aws:states:${REGION}:${PROD}:execution:demo:${name}`;
const preprodExecution = (name: string) => `arn:aws:states:${REGION}:${PREPROD}:execution:demo:${name}`;
const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
type Json = Record<string, any>;

describe('the model', () => {
  test('the last of several environments serves the latest approved version when a stage registers the model; others, and a lone one, this run\'s', () => {
    expect(p.environments.map((e) => [e.name, e.modelSource])).toEqual([['preprod', 'this-run'], ['prod', 'latest-approved']]);
    expect(resolvePipeline({ ...governed, environments: undefined }).environments.map((e) => e.modelSource)).toEqual(['this-run']);
    const unregistered = resolvePipeline({ ...governed, stages: [...LIFECYCLE_STAGES], notifications: undefined });
    expect(unregistered.environments.map((e) => e.modelSource)).toEqual(['this-run', 'this-run']);
    const chosen = resolvePipeline({ ...governed, environments: [{ ...governed.environments![0], modelSource: 'latest-approved' }, { ...governed.environments![1], modelSource: 'this-run' }] });
    expect(chosen.environments.map((e) => e.modelSource)).toEqual(['latest-approved', 'this-run']);
  });

  test('mistakes are named one line each', () => {
    const lines = (o: PipelineOptions) => validatePipeline(o).map((x) => `${x.path}: ${x.message}`);
    expect(lines({ ...governed, environments: [governed.environments![0], { ...governed.environments![1], modelSource: 'approved' as never }] })).toEqual([
      "environments[1] (prod).modelSource: 'approved' is not an allowed value (allowed: this-run, latest-approved)",
    ]);
    expect(lines({ ...governed, stages: [...LIFECYCLE_STAGES], notifications: undefined, environments: [{ ...governed.environments![0], modelSource: 'latest-approved' }] })).toEqual([
      expect.stringMatching(/^environments\[0\] \(preprod\)\.modelSource: 'latest-approved' serves the newest Approved version .* but no stage registers one/),
    ]);
    // A transform before the register stage would serve a model nobody approved.
    const early = [...LIFECYCLE_STAGES.slice(0, 3).map((s) => ({ ...s, skippable: false })), LIFECYCLE_STAGES[3], LIFECYCLE_STAGES[4], { name: 'register', kind: 'register' as const }];
    expect(lines({ ...governed, notifications: undefined, stages: early })).toEqual([
      "stages[4] (transform): runs the model of 'model' before 'register' registers it, but environment 'prod' serves only approved versions: move 'transform' after 'register'",
    ]);
  });
});

describe('the definition', () => {
  test('approve → which model to serve → (prod) latest approved version → found? → model of it → serve it → transform; asl-validator and our rules pass', () => {
    const states = def.States as Record<string, Json>;
    // The transform is skippable: its switch first, then promotion (a skipped transform takes no version).
    expect(states['approve: approve version'].Next).toBe('run transform?');
    expect(states['run transform?'].Default).toBe(names.which);
    expect(states[names.which]).toMatchObject({
      Type: 'Choice',
      Choices: [{ Variable: '$$.Execution.Id', StringMatches: `arn:aws:states:${REGION}:${PROD}:execution:*`, Next: names.list }],
      Default: 'transform',
    });
    expect(states[names.list]).toMatchObject({
      Resource: LIST_MODEL_PACKAGES_RESOURCE,
      Parameters: { ModelPackageGroupName: 'demo', ModelApprovalStatus: 'Approved', SortBy: 'CreationTime', SortOrder: 'Descending', MaxResults: 1 },
      Next: names.found,
    });
    expect(states[names.found]).toMatchObject({ Default: names.none });
    expect(states[names.none]).toMatchObject({ Type: 'Fail', Error: NO_APPROVED_VERSION_ERROR });
    expect(states[names.create].Parameters.PrimaryContainer).toEqual({ 'ModelPackageName.$': '$.results.model.approved.versions[0].ModelPackageArn' });
    expect(states[names.serve]).toMatchObject({ Type: 'Pass', ResultPath: '$.results.model', Next: 'transform' });
    const result = (validator as unknown as (d: unknown, o: object) => { isValid: boolean; errors: unknown[] })(clone(def), { checkPaths: true, checkArn: true });
    expect(result.errors).toEqual([]);
    expect(checkAslRules(def)).toEqual([]);
  });

  test('a serving stage that cannot be skipped: promotion is its entry', () => {
    const fixed = resolvePipeline({ ...governed, stages: GOVERNED_STAGES.map((s) => (s.name === 'transform' ? { ...s, skippable: false } : s)) });
    const states = buildStateMachine(fixed).States as Record<string, Json>;
    expect(states['approve: approve version'].Next).toBe(names.which);
    expect(states[names.serve].Next).toBe('transform');
  });

  test('no environment serving the latest approved version: the definition is what it was', () => {
    const lone = buildStateMachine(resolvePipeline({ ...governed, environments: undefined }));
    expect(Object.keys(lone.States).filter((n) => n.startsWith('model: '))).toEqual([]);
    expect((lone.States['run transform?'] as Json).Default).toBe('transform');
  });
});

describe('requests, resolved as an execution in production', () => {
  test('ListModelPackages and CreateModel from the version pass the SageMaker shapes; the transform runs the promoted model', async () => {
    const sagemaker = await loadServiceModel('sagemaker');
    if (!sagemaker.found) throw new Error('botocore models are needed (LEGACY_MLOPS_PYTHON=/usr/bin/python3)');
    const requests = await captureTaskRequests(def, input, 'nightly-1', prodExecution('nightly-1'));
    const list = requests.find((r) => r.stateName === names.list)!;
    const create = requests.find((r) => r.stateName === names.create)!;
    expect(list.request).toEqual({ ModelPackageGroupName: 'demo', ModelApprovalStatus: 'Approved', SortBy: 'CreationTime', SortOrder: 'Descending', MaxResults: 1 });
    expect((create.request as Json).PrimaryContainer).toEqual({ ModelPackageName: expect.stringMatching(/:model-package\/demo\/3$/) });
    for (const r of [list, create]) {
      expect(checkRequestShape(parseSageMakerResource(r.resource)!.integration.operation!, r.request, sagemaker.model, r.stateName)).toEqual([]);
    }
    const transform = requests.find((r) => r.stateName === 'transform')!.request as Json;
    expect(transform.ModelName).toBe((create.request as Json).ModelName);
    // Not vacuous: a wrong sort key is caught.
    expect(checkRequestShape('ListModelPackages', { ...(list.request as Json), SortBy: 'Version' }, sagemaker.model, names.list)).not.toEqual([]);
    // As pre-production: no registry read, the run's own model.
    const preprod = await captureTaskRequests(def, input, 'nightly-1', preprodExecution('nightly-1'));
    expect(preprod.map((r) => r.stateName)).not.toContain(names.list);
  });
});

describe('the engine', () => {
  async function run(executionId: string, versions: Json[]) {
    const calls: [string, Json][] = [];
    const handlers: Record<string, (r: Json) => Promise<Json>> = {};
    for (const [name, state] of Object.entries(def.States as Record<string, Json>)) {
      if (state.Type !== 'Task') continue;
      handlers[name] = async (request) => {
        calls.push([name, request]);
        if (state.Resource.includes('sns:publish')) return { decision: 'approved', by: 'alice', at: '2026-05-01T10:00:00Z', reason: 'ok' };
        if (state.Resource.includes('getObject')) return { Body: JSON.stringify({ metrics: { accuracy: { value: 0.9 } } }) };
        if (state.Resource === LIST_MODEL_PACKAGES_RESOURCE) return { ModelPackageSummaryList: versions };
        const parsed = parseSageMakerResource(state.Resource)!;
        return parsed.integration.response(request, parsed.sync, (kind, n) => `arn:aws:sagemaker:${REGION}:${PROD}:${kind}/${n}`) as Json;
      };
    }
    const execution = new StateMachine(clone(def) as never).run(clone(input) as never, {
      overrides: { taskResourceLocalHandlers: handlers as never },
      context: { Execution: { Name: 'run-1', Id: executionId }, Task: { Token: 'token-1' } },
    } as never);
    try {
      return { output: (await execution.result) as Json, calls, error: undefined };
    } catch (error) {
      return { output: undefined, calls, error: error as Error & { cause?: Json } };
    }
  }
  const approved = { ModelPackageGroupName: 'demo', ModelPackageVersion: 2, ModelPackageArn: `arn:aws:sagemaker:${REGION}:${PROD}:model-package/demo/2`, ModelApprovalStatus: 'Approved' };

  test('production: the transform runs a model made from the approved version, whose ARN the output names', async () => {
    const { output, calls, error } = await run(prodExecution('run-1'), [approved]);
    expect(error).toBeUndefined();
    const create = calls.find(([n]) => n === names.create)![1];
    expect(create.PrimaryContainer).toEqual({ ModelPackageName: approved.ModelPackageArn });
    expect(calls.find(([n]) => n === 'transform')![1].ModelName).toBe(create.ModelName);
    expect(output!.results.model).toEqual({ modelArn: expect.stringContaining(create.ModelName), modelName: create.ModelName, modelPackageArn: approved.ModelPackageArn, source: 'latest-approved' });
  });

  test('production with nothing approved: NoApprovedModelVersion, and nothing is served', async () => {
    const { calls, error } = await run(prodExecution('run-1'), []);
    expect(String(error?.cause?.name ?? error?.message)).toContain(NO_APPROVED_VERSION_ERROR);
    expect(calls.map(([n]) => n)).not.toContain('transform');
    expect(calls.map(([n]) => n)).not.toContain(names.create);
  });

  test('pre-production (another account): the run\'s own model, no registry read', async () => {
    const { calls, error } = await run(preprodExecution('run-1'), [approved]);
    expect(error).toBeUndefined();
    expect(calls.map(([n]) => n)).not.toContain(names.list);
    expect(calls.find(([n]) => n === 'transform')![1].ModelName).toBe(calls.find(([n]) => n === 'model')![1].ModelName);
  });
});

describe('IAM', () => {
  const docs = buildIamDocuments(def, p);
  const decide = (call: ApiCall): Promise<string> => simulateCall(p.roles.stateMachineRoleArn, docs.stateMachineRolePolicy, call, { account: PREPROD });
  const sm = (type: string, name: string) => `arn:aws:sagemaker:${REGION}:${PREPROD}:${type}/${name}`;

  test('every call promotion makes is allowed; the same calls on another group are denied', async () => {
    const calls = requiredCalls(def, p).filter((c) => c.state === names.list || c.state === names.create);
    expect(calls.map((c) => c.action).sort()).toEqual(['iam:PassRole', 'sagemaker:AddTags', 'sagemaker:CreateModel', 'sagemaker:DescribeModelPackage', 'sagemaker:ListModelPackages', 'sagemaker:ListTags']);
    for (const call of calls) expect(`${call.action} ${call.resource} → ${await decide(call)}`).toMatch(/→ Allowed$/);
    expect(await decide({ action: 'sagemaker:ListModelPackages', resource: sm('model-package', 'demo/3') })).toBe('Allowed');
    expect(await decide({ action: 'sagemaker:ListModelPackages', resource: sm('model-package', 'other/3') })).toBe('ImplicitlyDenied');
    expect(await decide({ action: 'sagemaker:DescribeModelPackage', resource: sm('model-package', 'demo/7') })).toBe('Allowed');
    expect(await decide({ action: 'sagemaker:DescribeModelPackage', resource: sm('model-package', 'other/7') })).toBe('ImplicitlyDenied');
    expect(await decide({ action: 'sagemaker:UpdateModelPackage', resource: sm('model-package', 'other/7') })).toBe('ImplicitlyDenied');
  });
});
