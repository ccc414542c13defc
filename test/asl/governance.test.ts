/**
 * Register and approval stages as a definition: model validation, asl-validator and our ASL rules,
 * every request resolved by aws-local-stepfunctions and checked against botocore's SageMaker and SNS
 * models, the approve / reject / timeout paths run by the engine, and the IAM they need simulated.
 */
import { validateIdentityPolicy } from '@cloud-copilot/iam-policy';
import { runSimulation } from '@cloud-copilot/iam-simulate';
import validator from 'asl-validator';
import { StateMachine } from 'aws-local-stepfunctions';
import { APPROVAL_REJECTED_ERROR, buildStateMachine, type StateMachineDefinition } from '../../src/asl/index.js';
import { captureTaskRequests, checkAslRules, checkRequestShape, loadServiceModel, parseSageMakerResource } from '../../src/checks/index.js';
import { approvalKeyPolicyStatement, buildApproverPolicy, buildIamDocuments, requiredCalls, type ApiCall, type PolicyDocument } from '../../src/iam/index.js';
import { buildExecutionInput } from '../../src/input/index.js';
import { resolvePipeline, validatePipeline, type PipelineOptions, type StageOptions } from '../../src/model/index.js';
import { FIXED_LIFECYCLE, TEAM_NOTIFICATIONS, governedStages } from '../support/governed-pipeline.js';

const ACCOUNT = '111122223333';
const REGION = 'eu-west-1';
const governed = (register: Partial<StageOptions> = {}, approval: Partial<StageOptions> = {}): PipelineOptions => ({
  name: 'demo',
  region: REGION,
  account: ACCOUNT,
  notifications: TEAM_NOTIFICATIONS,
  stages: governedStages({ register, approval }),
});
const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
type Json = Record<string, any>;

describe('the model', () => {
  test('a register stage defaults to the project group, pending approval, carrying the nearest evaluation report', () => {
    const p = resolvePipeline(governed());
    const register = p.stages.find((s) => s.kind === 'register')!;
    expect(register.registry).toEqual({ group: 'demo', autoApprove: false, existingGroup: false, evaluationStage: 'evaluate' });
    expect(register.modelStage).toBe('model');
    expect(p.stages.find((s) => s.kind === 'approval')!.approval).toEqual({ timeoutSeconds: 604800, registerStage: 'register' });
  });

  test('mistakes are named one line each', () => {
    const problems = validatePipeline({
      ...governed({ registry: { group: 'bad_group!' }, instanceType: 'ml.m5.large' }, { approval: { timeoutSeconds: 5 } }),
      notifications: undefined,
    });
    expect(problems.map((p) => `${p.path}: ${p.message}`)).toEqual([
      expect.stringMatching(/^stages\[4\] \(register\)\.instanceType: a register stage runs on no instance/),
      expect.stringMatching(/^stages\[4\] \(register\)\.registry\.group: 'bad_group!' is not a model package group name/),
      expect.stringMatching(/^stages\[5\] \(approve\)\.approval\.timeoutSeconds: 5 must be a whole number of seconds from 60/),
    ]);
    expect(validatePipeline(governed({ registry: { autoApprove: 'yes' as never } })).map((p) => `${p.path}: ${p.message}`)).toEqual([
      "stages[4] (register).registry.autoApprove: must be true or false, not the string 'yes'",
    ]);
    expect(validatePipeline({ ...governed(), notifications: undefined }).map((p) => `${p.path}: ${p.message}`)).toEqual([
      expect.stringMatching(/^notifications: stage 'approve' asks a person through the notifications topic: add notifications: \{ email:/),
    ]);
  });

  test('autoApprove needs a gate before it, a register stage a model stage, and kind options stay with their kind', () => {
    const noEval = validatePipeline({ ...governed({ registry: { autoApprove: true } }), stages: [FIXED_LIFECYCLE[0], FIXED_LIFECYCLE[1], FIXED_LIFECYCLE[3], { name: 'register', kind: 'register', registry: { autoApprove: true } }] });
    expect(noEval.map((p) => p.message)).toEqual([expect.stringContaining('autoApprove approves a version because the metric gate passed')]);
    const noModel = validatePipeline({ ...governed(), stages: [FIXED_LIFECYCLE[0], FIXED_LIFECYCLE[1], { name: 'register', kind: 'register' }] });
    expect(noModel.map((p) => p.message)).toEqual(['a register stage runs a model: add a model stage before it']);
    const misplaced = validatePipeline({ ...governed(), stages: [{ ...FIXED_LIFECYCLE[0], registry: {} }] });
    expect(misplaced.map((p) => p.message)).toEqual(["only register stages take 'registry' (this stage is a processing stage)"]);
  });
});

describe('the definition', () => {
  const p = resolvePipeline(governed());
  const def = buildStateMachine(p);
  const input = buildExecutionInput(p);

  test('passes asl-validator and the ASL rules', () => {
    const result = (validator as unknown as (d: unknown, o: object) => { isValid: boolean; errors: unknown[] })(clone(def), { checkPaths: true, checkArn: true });
    expect(result.errors).toEqual([]);
    expect(checkAslRules(def)).toEqual([]);
  });

  test('register → approve (pauses on the token) → record the decision → transform', () => {
    const states = def.States as Record<string, Json>;
    expect(states.register.Resource).toBe('arn:aws:states:::aws-sdk:sagemaker:createModelPackage');
    expect(states.register.Next).toBe('approve');
    expect(states.approve.Resource).toBe('arn:aws:states:::sns:publish.waitForTaskToken');
    expect(states.approve.TimeoutSeconds).toBe(604800);
    expect(states.approve.Catch.map((c: Json) => [c.ErrorEquals[0], c.Next])).toEqual([
      [APPROVAL_REJECTED_ERROR, 'approve: reject version'],
      ['States.Timeout', 'approve: no decision in time'],
      ['States.ALL', 'approve failed'],
    ]);
    expect(states['approve: approve version'].Next).toBe('transform');
    expect(states['approve: reject version'].Next).toBe('approve: rejected');
  });

  test('every request, resolved by the engine, passes the SageMaker and SNS request shapes', async () => {
    const sagemaker = await loadServiceModel('sagemaker');
    const sns = await loadServiceModel('sns');
    if (!sagemaker.found || !sns.found) throw new Error('botocore models are needed (LEGACY_MLOPS_PYTHON=/usr/bin/python3)');
    const requests = await captureTaskRequests(def, input, 'nightly-1');
    const governance = requests.filter((r) => /register|approve/.test(r.stateName));
    expect(governance.map((r) => [r.stateName, parseSageMakerResource(r.resource)?.integration.operation])).toEqual([
      ['register', 'CreateModelPackage'],
      ['approve', 'Publish'],
      ['approve: approve version', 'UpdateModelPackage'],
    ]);
    for (const r of governance) {
      const integration = parseSageMakerResource(r.resource)!.integration;
      const model = integration.service === 'sns' ? sns.model : sagemaker.model;
      expect(checkRequestShape(integration.operation!, r.request, model, r.stateName)).toEqual([]);
    }
    const register = governance[0].request as Json;
    expect(register.ModelApprovalStatus).toBe('PendingManualApproval');
    expect(register.ModelMetrics.ModelQuality.Statistics.S3Uri).toBe(`s3://${p.s3.bucket}/runs/nightly-1/evaluate/report/evaluation.json`);
    expect(register.InferenceSpecification.Containers[0].ModelDataUrl).toMatch(/\/runs\/nightly-1\/train\/model\/demo-train-.*\/output\/model\.tar\.gz$/);
    expect(register.CustomerMetadataProperties).toEqual({ 'legacy-mlops:execution': expect.stringContaining(':execution:'), accuracy: '0.7' });
    const publish = governance[1].request as Json;
    expect(publish.MessageAttributes.taskToken.StringValue).toBeTruthy();
    expect(publish.Message).toContain('npx legacy-mlops approve ');
    expect(publish.Message).toContain('Or approve or reject the version in the SageMaker Model Registry, group demo: the execution resumes.');
    // A broken request is caught: the check is not vacuous.
    expect(checkRequestShape('CreateModelPackage', { ...register, ModelApprovalStatus: 'Maybe' }, sagemaker.model, 'register')).not.toEqual([]);
  });

  test('autoApprove registers the version as Approved', () => {
    const auto = buildStateMachine(resolvePipeline(governed({ registry: { autoApprove: true } })));
    expect((auto.States.register as Json).Parameters.ModelApprovalStatus).toBe('Approved');
    // A pre-approved version is decided in the registry by a rejection only; with existing roles there is no registry path.
    expect((auto.States.approve as Json).Parameters['Message.$']).toContain('Or reject the version in the SageMaker Model Registry, group demo: the execution ends.');
    const existingRoles = { stateMachineRoleArn: 'arn:aws:iam::111122223333:role/a', sageMakerExecutionRoleArn: 'arn:aws:iam::111122223333:role/b' };
    const byo = buildStateMachine(resolvePipeline({ ...governed(), existingRoles }));
    expect((byo.States.approve as Json).Parameters['Message.$']).not.toContain('Model Registry');
  });

  // ---- the engine runs the three endings ----
  async function run(definition: StateMachineDefinition, decide: (request: Json) => Json) {
    const calls: [string, Json][] = [];
    const handlers: Record<string, (r: Json) => Promise<Json>> = {};
    for (const [name, state] of Object.entries(definition.States as Record<string, Json>)) {
      if (state.Type !== 'Task') continue;
      handlers[name] = async (request) => {
        calls.push([name, request]);
        if (state.Resource.includes('sns:publish')) return decide(request);
        if (state.Resource.includes('getObject')) return { Body: JSON.stringify({ metrics: { accuracy: { value: 0.9 } } }) };
        if (state.Resource.includes('createModelPackage')) return { ModelPackageArn: `arn:aws:sagemaker:${REGION}:${ACCOUNT}:model-package/demo/7` };
        // Everything else answers like the request-shape check's plausible responses.
        const parsed = parseSageMakerResource(state.Resource)!;
        return parsed.integration.response(request, parsed.sync, (kind, name) => `arn:aws:sagemaker:${REGION}:${ACCOUNT}:${kind}/${name}`) as Json;
      };
    }
    const machine = new StateMachine(clone(definition) as never);
    const execution = machine.run(clone(input) as never, {
      overrides: { taskResourceLocalHandlers: handlers as never },
      context: { Execution: { Name: 'run-1', Id: `arn:aws:states:${REGION}:${ACCOUNT}:execution:demo:run-1` }, Task: { Token: 'token-1' } },
    } as never);
    try {
      return { output: (await execution.result) as Json, calls, error: undefined };
    } catch (error) {
      return { output: undefined, calls, error: error as Error & { cause?: Json } };
    }
  }

  test('approved: the version is marked Approved with who, when and why, and the transform runs', async () => {
    const { output, calls, error } = await run(def, () => ({ decision: 'approved', by: 'alice', at: '2026-05-01T10:00:00Z', reason: 'looks good' }));
    expect(error).toBeUndefined();
    expect(output!.results.approve).toEqual({ decision: 'approved', by: 'alice', at: '2026-05-01T10:00:00Z', reason: 'looks good' });
    const update = calls.find(([name]) => name === 'approve: approve version')![1];
    expect(update).toEqual({ ModelPackageArn: expect.stringContaining('model-package/demo/7'), ModelApprovalStatus: 'Approved', ApprovalDescription: 'Approved by alice at 2026-05-01T10:00:00Z: looks good' });
    expect(calls.map(([name]) => name)).toContain('transform');
  });

  test('rejected: the version is marked Rejected and the execution ends in the rejection Fail', async () => {
    const rejection = Object.assign(new Error('{"by":"bob","reason":"drift"}'), { name: APPROVAL_REJECTED_ERROR });
    const { calls, error } = await run(def, () => {
      throw rejection;
    });
    expect(calls.map(([name]) => name)).toContain('approve: reject version');
    expect(calls.map(([name]) => name)).not.toContain('transform');
    expect(calls.find(([name]) => name === 'approve: reject version')![1].ModelApprovalStatus).toBe('Rejected');
    expect(String(error?.cause?.name ?? error?.message)).toContain(APPROVAL_REJECTED_ERROR);
  });

  test('no register stage: an approval on its own just pauses and goes on', () => {
    const alone = resolvePipeline({ ...governed(), stages: [FIXED_LIFECYCLE[0], { name: 'approve', kind: 'approval', approval: { timeoutSeconds: 3600 } }] });
    const states = buildStateMachine(alone).States as Record<string, Json>;
    expect(states.approve.End).toBe(true);
    expect(states.approve.Catch[0].Next).toBe('approve: rejected');
    expect(Object.keys(states).filter((n) => n.includes('version'))).toEqual([]);
  });
});

describe('IAM', () => {
  const p = resolvePipeline(governed());
  const def = buildStateMachine(p);
  const docs = buildIamDocuments(def, p);
  const approvers = buildApproverPolicy(p)!;

  // KMS also asks the key's policy: the statement the CDK app adds to the topic key.
  const keyPolicy = { Version: '2012-10-17', Statement: [approvalKeyPolicyStatement(p)] };
  async function decide(policy: PolicyDocument, principal: string, call: ApiCall): Promise<string> {
    const result = await runSimulation(
      {
        request: { principal, action: call.action, resource: { resource: call.resource, accountId: ACCOUNT }, contextVariables: { ...call.context } },
        identityPolicies: [{ name: 'policy', policy }],
        serviceControlPolicies: [],
        resourceControlPolicies: [],
        resourcePolicy: call.action.startsWith('kms:') ? (keyPolicy as never) : undefined,
      },
      {},
    );
    if (result.resultType === 'error') throw new Error(JSON.stringify(result.errors));
    return `${call.action} ${call.resource} → ${result.overallResult}`;
  }
  const role = p.roles.stateMachineRoleArn;
  const person = `arn:aws:iam::${ACCOUNT}:user/alice`;
  const pkg = (group: string) => `arn:aws:sagemaker:${REGION}:${ACCOUNT}:model-package/${group}/3`;
  const key = `arn:aws:kms:${REGION}:${ACCOUNT}:key/0b1c2d3e-1111-2222-3333-444455556666`;

  test('the documents validate', () => {
    expect(validateIdentityPolicy(docs.stateMachineRolePolicy)).toEqual([]);
    expect(validateIdentityPolicy(approvers)).toEqual([]);
  });

  test('the state machine may register and decide versions of its group and ask on its topic, and nothing next to that', async () => {
    const derived = requiredCalls(def, p).filter((c) => c.role === 'stateMachine' && /register|approve/.test(c.state));
    expect(derived.length).toBeGreaterThan(0);
    const allowed = [
      ...derived,
      { action: 'sagemaker:CreateModelPackage', resource: pkg('demo') },
      { action: 'sagemaker:UpdateModelPackage', resource: pkg('demo') },
      { action: 'sns:Publish', resource: `arn:aws:sns:${REGION}:${ACCOUNT}:demo-notifications` },
      { action: 'kms:GenerateDataKey', resource: key, context: { 'kms:ViaService': `sns.${REGION}.amazonaws.com` } },
    ];
    const results = await Promise.all(allowed.map((c) => decide(docs.stateMachineRolePolicy as PolicyDocument, role, c)));
    expect(results.filter((r) => !r.endsWith('Allowed'))).toEqual([]);
    const denied: ApiCall[] = [
      { action: 'sagemaker:CreateModelPackage', resource: pkg('other-team') },
      { action: 'sagemaker:UpdateModelPackage', resource: pkg('other-team') },
      { action: 'sagemaker:DeleteModelPackage', resource: pkg('demo') },
      { action: 'sns:Publish', resource: `arn:aws:sns:${REGION}:${ACCOUNT}:other-topic` },
      { action: 'kms:Decrypt', resource: key, context: { 'kms:ViaService': `s3.${REGION}.amazonaws.com` } },
      { action: 'states:SendTaskSuccess', resource: '*' },
    ];
    const refused = await Promise.all(denied.map((c) => decide(docs.stateMachineRolePolicy as PolicyDocument, role, c)));
    expect(refused.filter((r) => !r.endsWith('ImplicitlyDenied'))).toEqual([]);
  });

  test("approvers read this pipeline's executions and send decisions; other pipelines' histories stay closed", async () => {
    const execution = (machine: string) => `arn:aws:states:${REGION}:${ACCOUNT}:execution:${machine}:run-1`;
    const allowed: ApiCall[] = [
      { action: 'states:GetExecutionHistory', resource: execution('demo') },
      { action: 'states:DescribeExecution', resource: execution('demo') },
      { action: 'states:SendTaskSuccess', resource: '*' },
      { action: 'states:SendTaskFailure', resource: '*' },
    ];
    const results = await Promise.all(allowed.map((c) => decide(approvers as PolicyDocument, person, c)));
    expect(results.filter((r) => !r.endsWith('Allowed'))).toEqual([]);
    const denied: ApiCall[] = [
      { action: 'states:GetExecutionHistory', resource: execution('payroll') },
      { action: 'states:StopExecution', resource: execution('demo') },
      { action: 'states:StartExecution', resource: `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:demo` },
      { action: 'sagemaker:UpdateModelPackage', resource: pkg('demo') },
    ];
    const refused = await Promise.all(denied.map((c) => decide(approvers as PolicyDocument, person, c)));
    expect(refused.filter((r) => !r.endsWith('ImplicitlyDenied'))).toEqual([]);
  });

  test('no approval stage, no approvers policy', () => {
    expect(buildApproverPolicy(resolvePipeline({ name: 'demo', region: REGION, account: ACCOUNT }))).toBeUndefined();
  });
});
