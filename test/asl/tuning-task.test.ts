/**
 * The `tuning` kind: a hyperparameter tuning job in place of the lifecycle's training stage, whose
 * best training job's model (read with DescribeTrainingJob) feeds the model stage. Checked by
 * asl-validator, botocore's request shapes, iam-simulate, and the model's one-line validation.
 */
import { randomUUID } from 'node:crypto';
import { validateIdentityPolicy } from '@cloud-copilot/iam-policy';
import validator from 'asl-validator';
import { buildStateMachine, type StateMachineDefinition } from '../../src/asl/index.js';
import { captureTaskRequests, checkRequestShape, loadSageMakerModel, parseSageMakerResource } from '../../src/checks/index.js';
import { buildIamDocuments, requiredCalls, type ApiCall } from '../../src/iam/index.js';
import { buildExecutionInput } from '../../src/input/index.js';
import { LIFECYCLE_STAGES, resolvePipeline, validatePipeline, type PipelineOptions, type StageOptions } from '../../src/model/index.js';
import { pipelineRoleDecides } from '../support/iam-simulation.js';
import { TUNING_STAGE, tunedLifecycle } from '../support/tuning-fixtures.js';

const ACCOUNT = '111122223333';
const REGION = 'eu-west-1';
type Json = Record<string, any>;

const withTuning = (change: Partial<StageOptions> = {}): PipelineOptions => ({
  name: 'demo',
  region: REGION,
  account: ACCOUNT,
  stages: tunedLifecycle({ ...TUNING_STAGE, ...change }),
});
const tuningWith = (tuning: Json) => withTuning({ tuning: { ...TUNING_STAGE.tuning!, ...tuning } as never });

const pipeline = resolvePipeline(withTuning());
const definition = buildStateMachine(pipeline);

function aslErrors(def: StateMachineDefinition) {
  const result = (validator as unknown as (d: unknown, o: object) => { isValid: boolean; errors: unknown[] })(structuredClone(def), { checkPaths: true, checkArn: true });
  return result.isValid ? [] : result.errors;
}

describe('definition', () => {
  test('asl-validator finds nothing; the tuning Task is followed by the best model lookup, then the evaluation', () => {
    expect(aslErrors(definition)).toEqual([]);
    const tune = definition.States.train as Json;
    expect(tune.Resource).toBe('arn:aws:states:::sagemaker:createHyperParameterTuningJob.sync');
    expect(tune.Next).toBe('train best model');
    const best = definition.States['train best model'] as Json;
    expect(best.Resource).toBe('arn:aws:states:::aws-sdk:sagemaker:describeTrainingJob');
    expect(best.Parameters).toEqual({ 'TrainingJobName.$': '$.results.train.bestTrainingJobName' });
    expect(best.ResultSelector['modelArtifacts.$']).toBe('$.ModelArtifacts.S3ModelArtifacts');
    expect(best.ResultPath).toBe('$.results.train');
    // The model stage reads the artifact where a training stage would have put it.
    expect((definition.States.model as Json).Parameters.PrimaryContainer['ModelDataUrl.$']).toBe('$.results.train.modelArtifacts');
  });

  test('every request passes its botocore shape; names fit 32 characters; script mode goes through the toolkit hyperparameters', async () => {
    const lookup = await loadSageMakerModel();
    if (!lookup.found) throw new Error(`botocore's SageMaker model is needed: ${lookup.hint}`);
    const requests = await captureTaskRequests(definition, buildExecutionInput(pipeline), '00000000-0000-4000-8000-000000000000');
    const ops = requests.map((r) => [r.stateName, parseSageMakerResource(r.resource)?.integration.operation]);
    expect(ops.slice(0, 3)).toEqual([
      ['preprocess', 'CreateProcessingJob'],
      ['train', 'CreateHyperParameterTuningJob'],
      ['train best model', 'DescribeTrainingJob'],
    ]);
    // Requests to SageMaker; the gate's CloudWatch PutMetricData is checked against its own model in gate-metric.test.ts.
    for (const r of requests) {
      const integration = parseSageMakerResource(r.resource)?.integration;
      if (integration?.operation && (integration.service ?? 'sagemaker') === 'sagemaker') expect(checkRequestShape(integration.operation, r.request, lookup.model, r.stateName)).toEqual([]);
    }
    const tune = requests.find((r) => r.stateName === 'train')!.request as Json;
    expect(tune.HyperParameterTuningJobName.length).toBeLessThanOrEqual(32);
    expect(tune.HyperParameterTuningJobName).toMatch(/^demo-train-[0-9a-f]{12}$/);
    expect(tune.HyperParameterTuningJobConfig).toEqual({
      Strategy: 'Random',
      HyperParameterTuningJobObjective: { Type: 'Maximize', MetricName: 'train_accuracy' },
      ResourceLimits: { MaxNumberOfTrainingJobs: 3, MaxParallelTrainingJobs: 2 },
      ParameterRanges: {
        ContinuousParameterRanges: [{ Name: 'C', MinValue: '0.01', MaxValue: '10', ScalingType: 'Logarithmic' }],
        CategoricalParameterRanges: [{ Name: 'solver', Values: ['lbfgs', 'liblinear'] }],
      },
      TrainingJobEarlyStoppingType: 'Off',
    });
    expect(tune.TrainingJobDefinition.StaticHyperParameters).toEqual({ max_iter: '1000', sagemaker_program: 'train.py', sagemaker_submit_directory: '/opt/ml/input/data/code' });
    expect(tune.TrainingJobDefinition.AlgorithmSpecification.MetricDefinitions[0].Name).toBe('train_accuracy');
    expect(new RegExp(tune.TrainingJobDefinition.AlgorithmSpecification.MetricDefinitions[0].Regex).exec('train_accuracy=0.8125')?.[1]).toBe('0.8125');
  });

  test('Grid sends integer ranges as their categorical values and no MaxNumberOfTrainingJobs', async () => {
    const p = resolvePipeline(tuningWith({ strategy: 'Grid', maxJobs: undefined, maxParallelJobs: 1, ranges: { max_depth: { type: 'integer', min: 2, max: 4 }, solver: { type: 'categorical', values: ['a', 'b'] } } }));
    const def = buildStateMachine(p);
    expect(aslErrors(def)).toEqual([]);
    const config = (def.States.train as Json).Parameters.HyperParameterTuningJobConfig;
    expect(config.ResourceLimits).toEqual({ MaxParallelTrainingJobs: 1 });
    // Six combinations, one at a time: six full training runtimes.
    expect((def.States.train as Json).TimeoutSeconds).toBe(6 * p.stages.find((s) => s.name === 'train')!.taskTimeoutSeconds);
    expect(config.ParameterRanges).toEqual({ CategoricalParameterRanges: [{ Name: 'max_depth', Values: ['2', '3', '4'] }, { Name: 'solver', Values: ['a', 'b'] }] });
    const lookup = await loadSageMakerModel();
    if (!lookup.found) throw new Error(lookup.hint);
    const requests = await captureTaskRequests(def, buildExecutionInput(p), '00000000-0000-4000-8000-000000000000');
    const tune = requests.find((r) => r.stateName === 'train')!;
    expect(checkRequestShape('CreateHyperParameterTuningJob', tune.request, lookup.model, 'train')).toEqual([]);
  });
});

describe('validation: one line naming what to fix', () => {
  const problems = (options: PipelineOptions) => {
    return validatePipeline(options).map((problem) => `${problem.path}: ${problem.message}`);
  };
  test.each([
    [{ strategy: 'Grid', maxJobs: undefined, ranges: { C: { type: 'continuous', min: 0.1, max: 1 } } }, /tuning\.ranges\.C.*Grid searches categorical and integer ranges only/],
    [{ strategy: 'Grid', maxJobs: 4, ranges: { s: { type: 'categorical', values: ['a'] } } }, /tuning\.maxJobs.*Grid runs every combination/],
    [{ maxJobs: undefined }, /tuning\.maxJobs.*whole number from 1 to 500/],
    [{ maxJobs: 501 }, /tuning\.maxJobs/],
    [{ maxJobs: 2, maxParallelJobs: 3 }, /tuning\.maxParallelJobs.*more than maxJobs/],
    [{ ranges: {} }, /tuning\.ranges.*at least one hyperparameter/],
    [{ ranges: { C: { type: 'integer', min: 5, max: 1 } } }, /min \(5\) is greater than max \(1\)/],
    [{ ranges: { C: { type: 'continuous', min: 0, max: 1, scaling: 'Logarithmic' } } }, /Logarithmic needs min > 0/],
    [{ ranges: { max_iter: { type: 'integer', min: 1, max: 5 } } }, /also a fixed hyperparameter/],
    [{ objective: { metric: 'acc', type: 'Maximize', regex: 'acc=[0-9.]+' } }, /needs a capturing group/],
  ])('%j', (tuning, message) => {
    const found = problems(tuningWith(tuning));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(message);
  });

  test('a tuning stage without tuning, tuning on a training stage, and unknown keys are errors', () => {
    expect(problems(withTuning({ tuning: undefined })).join('\n')).toMatch(/needs 'tuning'/);
    const training = { ...LIFECYCLE_STAGES.find((s) => s.name === 'train')!, tuning: TUNING_STAGE.tuning };
    expect(problems({ name: 'demo', region: REGION, account: ACCOUNT, stages: LIFECYCLE_STAGES.map((s) => (s.name === 'train' ? training : s)) }).join('\n')).toMatch(/only tuning stages take 'tuning'/);
    expect(problems(tuningWith({ seed: 1 })).join('\n')).toMatch(/seed/);
  });

  test('the job-name prefix leaves room for the 12-digit suffix within 32 characters', () => {
    const p = resolvePipeline({ ...withTuning(), name: 'a-rather-long-project-name' });
    const stage = p.stages.find((s) => s.name === 'train')!;
    expect(stage.jobNamePrefix.length).toBeLessThanOrEqual(19);
  });
});

describe('IAM (iam-simulate)', () => {
  const docs = buildIamDocuments(definition, pipeline);
  async function decide(role: 'stateMachine' | 'sageMakerExecution', call: ApiCall): Promise<string> {
    return `${call.action} ${call.resource} → ${await pipelineRoleDecides(pipeline, docs, role, call)}`;
  }
  const sm = (type: string, name: string) => `arn:aws:sagemaker:${REGION}:${ACCOUNT}:${type}/${name}`;
  const suffix = randomUUID().split('-')[4];

  test('the policies validate and every call the tuning Tasks make is allowed', async () => {
    expect(validateIdentityPolicy(docs.stateMachineRolePolicy)).toEqual([]);
    expect(validateIdentityPolicy(docs.sageMakerExecutionRolePolicy)).toEqual([]);
    const derived = requiredCalls(definition, pipeline).filter((c) => c.state === 'train' || c.state === 'train best model');
    expect(new Set(derived.map((c) => c.state))).toEqual(new Set(['train', 'train best model']));
    const lines = await Promise.all(derived.map((c) => decide(c.role, c)));
    expect(lines.filter((l) => !l.endsWith('→ Allowed'))).toEqual([]);
  });

  test('written out: the tuning job, its managed rule, its trials; neighbours denied', async () => {
    const tuningJob = sm('hyper-parameter-tuning-job', `demo-train-${suffix}`);
    const allowed = [
      ...['CreateHyperParameterTuningJob', 'DescribeHyperParameterTuningJob', 'StopHyperParameterTuningJob', 'ListTags', 'AddTags'].map((a) => ({ action: `sagemaker:${a}`, resource: tuningJob })),
      ...['events:PutTargets', 'events:PutRule', 'events:DescribeRule'].map((action) => ({ action, resource: `arn:aws:events:${REGION}:${ACCOUNT}:rule/StepFunctionsGetEventsForSageMakerHyperParameterTuningJobsRule` })),
      { action: 'sagemaker:DescribeTrainingJob', resource: sm('training-job', `demo-train-${suffix}-002-0f0f0f0f`) },
    ];
    const denied = [
      { action: 'sagemaker:CreateHyperParameterTuningJob', resource: sm('hyper-parameter-tuning-job', `demo-other-${suffix}`) },
      { action: 'sagemaker:DescribeTrainingJob', resource: sm('training-job', `demo-evaluate-${suffix}-002-0f0f0f0f`) },
      { action: 'sagemaker:CreateTrainingJob', resource: sm('training-job', `demo-train-${suffix}-002-0f0f0f0f`) },
    ];
    expect((await Promise.all(allowed.map((c) => decide('stateMachine', c)))).filter((l) => !l.endsWith('→ Allowed'))).toEqual([]);
    expect((await Promise.all(denied.map((c) => decide('stateMachine', c)))).filter((l) => !l.endsWith('→ ImplicitlyDenied'))).toEqual([]);
    expect(JSON.stringify(docs.stateMachineRolePolicy)).toContain('iam:PassedToService');
  });
});

describe('README', () => {
  test('the stage table says what the tuning stage runs', async () => {
    const { buildReadme } = await import('../../src/docs/readme.js');
    const text = buildReadme(pipeline);
    expect(text).toContain('up to 3 training jobs (2 at a time, Random, Maximize `train_accuracy`)');
  });
});
