/**
 * The model lifecycle as a definition: preprocess → train → evaluate (+ gate) → model → transform.
 * Checked by independent tools: asl-validator, SageMaker's request shapes from botocore's model, the
 * input schema with ajv, and aws-local-stepfunctions running the state machine on fake responses.
 */
import validator from 'asl-validator';
import { StateMachine } from 'aws-local-stepfunctions';
import {
  CREATE_MODEL_RESOURCE,
  PROCESSING_JOB_RESOURCE,
  PUT_METRIC_DATA_RESOURCE,
  S3_GET_OBJECT_RESOURCE,
  TRAINING_JOB_RESOURCE,
  TRANSFORM_JOB_RESOURCE,
  buildStateMachine,
  type StateMachineDefinition,
} from '../../src/asl/index.js';
import {
  captureTaskRequests,
  checkAslRules,
  checkExecutionInput,
  checkRequestShape,
  checkStageSwitches,
  loadSageMakerModel,
  parseSageMakerResource,
  type ServiceModel,
} from '../../src/checks/index.js';
import { buildExecutionInput, buildExecutionInputSchema } from '../../src/input/index.js';
import { LIFECYCLE_STAGES, resolvePipeline, validatePipeline, type PipelineOptions, type StageOptions } from '../../src/model/index.js';

const base: PipelineOptions = { name: 'demo', region: 'eu-west-1', account: '111122223333' };
const lifecycle: PipelineOptions = { ...base, stages: [...LIFECYCLE_STAGES] };
const withStage = (name: string, change: Partial<StageOptions>): PipelineOptions => ({
  ...base,
  stages: LIFECYCLE_STAGES.map((s) => (s.name === name ? { ...s, ...change } : s)),
});
const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

function aslErrors(def: StateMachineDefinition) {
  const result = (validator as unknown as (d: unknown, o: object) => { isValid: boolean; errors: unknown[] })(structuredClone(def), { checkPaths: true, checkArn: true });
  return result.isValid ? [] : result.errors;
}

// ---- a fake SageMaker and S3 for aws-local-stepfunctions ----

type Json = Record<string, any>;
const ARTIFACT = (request: Json) => `${request.OutputDataConfig.S3OutputPath}${request.TrainingJobName}/output/model.tar.gz`;

/** Answers every Task of the lifecycle like the service would; the report carries `metrics`. */
function fakeServices(def: StateMachineDefinition, metrics: Json, calls: [string, Json][] = []) {
  const answer: Record<string, (r: Json) => Json> = {
    [PROCESSING_JOB_RESOURCE]: (r) => ({ ProcessingJobName: r.ProcessingJobName, ProcessingJobArn: `arn:aws:sagemaker:eu-west-1:111122223333:processing-job/${r.ProcessingJobName}`, ProcessingJobStatus: 'Completed' }),
    [TRAINING_JOB_RESOURCE]: (r) => ({ TrainingJobName: r.TrainingJobName, TrainingJobArn: `arn:aws:sagemaker:eu-west-1:111122223333:training-job/${r.TrainingJobName}`, TrainingJobStatus: 'Completed', ModelArtifacts: { S3ModelArtifacts: ARTIFACT(r) } }),
    [S3_GET_OBJECT_RESOURCE]: () => ({ Body: JSON.stringify({ metrics }), ContentType: 'application/json' }),
    [PUT_METRIC_DATA_RESOURCE]: () => ({}),
    [CREATE_MODEL_RESOURCE]: (r) => ({ ModelArn: `arn:aws:sagemaker:eu-west-1:111122223333:model/${r.ModelName}` }),
    [TRANSFORM_JOB_RESOURCE]: (r) => ({ TransformJobName: r.TransformJobName, TransformJobArn: `arn:aws:sagemaker:eu-west-1:111122223333:transform-job/${r.TransformJobName}`, TransformJobStatus: 'Completed' }),
  };
  return Object.fromEntries(
    Object.entries(def.States)
      .filter(([, s]) => s.Type === 'Task')
      .map(([name, s]) => [
        name,
        async (request: Json) => {
          calls.push([name, request]);
          return answer[(s as { Resource: string }).Resource](request);
        },
      ]),
  );
}

async function execute(def: StateMachineDefinition, input: unknown, metrics: Json) {
  const calls: [string, Json][] = [];
  const machine = new StateMachine(clone(def) as never);
  const execution = machine.run(clone(input) as never, {
    overrides: { taskResourceLocalHandlers: fakeServices(def, metrics, calls) as never },
    context: { Execution: { Name: 'run-1' } },
  } as never);
  try {
    return { output: (await execution.result) as Json, calls, error: undefined };
  } catch (error) {
    return { output: undefined, calls, error: error as Error & { cause?: Error } };
  }
}

describe('the lifecycle preset', () => {
  const p = resolvePipeline(lifecycle);
  const def = buildStateMachine(p);
  const input = buildExecutionInput(p);

  test('resolves to the five kinds, the training output being its model', () => {
    expect(p.stages.map((s) => [s.name, s.kind, s.skippable])).toEqual([
      ['preprocess', 'processing', true],
      ['train', 'training', true],
      ['evaluate', 'evaluation', true],
      ['model', 'model', true],
      ['transform', 'transform', true],
    ]);
    const train = p.stages[1];
    expect(train.inputs).toEqual([{ name: 'train', from: 'preprocess/train', localPath: '/opt/ml/input/data/train' }]);
    expect(train.outputs).toEqual([{ name: 'model', localPath: '/opt/ml/model' }]);
    expect(p.stages[2].gate).toEqual({ metric: 'accuracy', threshold: 0.7, greaterIsBetter: true, onFail: 'fail', reportOutput: 'report', reportFile: 'evaluation.json' });
    expect(p.stages[4].modelStage).toBe('model');
  });

  test('the ASL passes asl-validator and the structural rules (Catch, Retry, unique names, timeouts)', () => {
    expect(aslErrors(def)).toEqual([]);
    expect(checkAslRules(def)).toEqual([]);
  });

  test('the sample input validates against its schema; enabled and threshold are typed', () => {
    expect(checkExecutionInput(input, buildExecutionInputSchema(p))).toEqual([]);
    const schema = buildExecutionInputSchema(p);
    const bad = clone(input) as Json;
    bad.stages.evaluate.threshold = 'high';
    bad.stages.train.enabled = 'no';
    delete bad.runsBucket;
    expect(checkExecutionInput(bad, schema).map((f) => f.location).sort()).toEqual(['/', '/stages/evaluate/threshold', '/stages/train/enabled']);
    expect(`s3://${input.runsBucket}/${input.runsKeyPrefix}`).toBe(input.runsUri);
  });

  test('a stage that is not skippable takes no enabled flag', () => {
    const classic = resolvePipeline(base);
    const classicInput = clone(buildExecutionInput(classic)) as Json;
    classicInput.stages.predict.enabled = false;
    expect(checkExecutionInput(classicInput, buildExecutionInputSchema(classic))).toEqual([expect.objectContaining({ location: '/stages/predict', message: "has an unexpected property 'enabled'" })]);
  });

  describe('every task request, resolved by aws-local-stepfunctions, against the SageMaker API model', () => {
    let model: ServiceModel;
    let requests: Awaited<ReturnType<typeof captureTaskRequests>>;
    beforeAll(async () => {
      const lookup = await loadSageMakerModel();
      if (!lookup.found) throw new Error(`botocore's SageMaker model is needed: ${lookup.hint}`);
      model = lookup.model;
      requests = await captureTaskRequests(def, input, '00000000-0000-4000-8000-000000000000');
    });

    test('one request per Task state, each passing its operation shape', () => {
      expect(requests.map((r) => [r.stateName, parseSageMakerResource(r.resource)?.integration.operation ?? 's3:GetObject'])).toEqual([
        ['preprocess', 'CreateProcessingJob'],
        ['train', 'CreateTrainingJob'],
        ['evaluate', 'CreateProcessingJob'],
        ['evaluate: read report', 's3:GetObject'],
        ['evaluate: publish metric', 'PutMetricData'],
        ['model', 'CreateModel'],
        ['transform', 'CreateTransformJob'],
      ]);
      for (const r of requests) {
        const operation = parseSageMakerResource(r.resource)!.integration.operation;
        // PutMetricData is CloudWatch's (checked against its model in test/asl/gate-metric.test.ts).
        if (operation && operation !== 'PutMetricData') expect(checkRequestShape(operation, r.request, model, r.stateName)).toEqual([]);
      }
    });

    test('the training job follows the training contract: channels, hyperparameters, script through the code channel', () => {
      const train = requests.find((r) => r.stateName === 'train')!.request as Json;
      expect(train.InputDataConfig.map((c: Json) => c.ChannelName)).toEqual(['code', 'train']);
      expect(train.InputDataConfig[1].DataSource.S3DataSource.S3Uri).toBe('s3://demo-111122223333-eu-west-1/runs/00000000-0000-4000-8000-000000000000/preprocess/train/');
      expect(train.HyperParameters).toEqual({ C: '1.0', max_iter: '1000' });
      expect(train.AlgorithmSpecification.ContainerEntrypoint.slice(4, 6)).toEqual(['/opt/ml/input/data/code/requirements.txt', '/opt/ml/input/data/code/train.py']);
      expect(train.AlgorithmSpecification.ContainerEntrypoint[2]).toContain('/opt/ml/output/failure');
      expect(train.OutputDataConfig.S3OutputPath).toBe('s3://demo-111122223333-eu-west-1/runs/00000000-0000-4000-8000-000000000000/train/model/');
    });

    test('evaluation and model read the artifact the training result names, never a guessed path', () => {
      const train = requests.find((r) => r.stateName === 'train')!.request as Json;
      const artifact = ARTIFACT(train);
      const evaluate = requests.find((r) => r.stateName === 'evaluate')!.request as Json;
      expect(evaluate.ProcessingInputs.find((i: Json) => i.InputName === 'model').S3Input.S3Uri).toBe(artifact);
      const createModel = requests.find((r) => r.stateName === 'model')!.request as Json;
      expect(createModel.PrimaryContainer).toEqual({
        // scikit-learn 1.4-2 is listed for training only; the SDK serves it from the py312 image.
        Image: '141502667606.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-scikit-learn:1.4-2-py312-cpu-py3',
        ModelDataUrl: artifact,
        Environment: { SAGEMAKER_PROGRAM: 'inference.py', SAGEMAKER_SUBMIT_DIRECTORY: '/opt/ml/model/code' },
      });
      expect(JSON.stringify(def)).not.toContain('model.tar.gz');
    });

    test('the transform runs the model the model stage created, over the scoring set', () => {
      const createModel = requests.find((r) => r.stateName === 'model')!.request as Json;
      const transform = requests.find((r) => r.stateName === 'transform')!.request as Json;
      expect(transform.ModelName).toBe(createModel.ModelName);
      expect(transform.TransformInput).toMatchObject({ ContentType: 'text/csv', SplitType: 'Line', DataSource: { S3DataSource: { S3Uri: expect.stringMatching(/\/preprocess\/score\/$/) } } });
      expect(transform.TransformOutput.S3OutputPath).toMatch(/\/transform\/predictions\/$/);
    });

    test('the gate reads the report from the evaluation output in the runs bucket', () => {
      const read = requests.find((r) => r.stateName === 'evaluate: read report')!.request as Json;
      expect(read).toEqual({ Bucket: 'demo-111122223333-eu-west-1', Key: 'runs/00000000-0000-4000-8000-000000000000/evaluate/report/evaluation.json' });
    });
  });

  describe('the metric gate, run by aws-local-stepfunctions', () => {
    test('at or above the threshold the model is created and the transform runs', async () => {
      const run = await execute(def, input, { accuracy: { value: 0.7 } });
      expect(run.error).toBeUndefined();
      expect(run.calls.map(([name]) => name)).toEqual(['preprocess', 'train', 'evaluate', 'evaluate: read report', 'evaluate: publish metric', 'model', 'transform']);
      expect(run.output!.results.evaluate.report.body.metrics.accuracy.value).toBe(0.7);
      expect(run.output!.results.model.modelName).toBe(run.calls[5][1].ModelName);
    });

    test('below it the execution ends in the gate Fail state naming metric, value and threshold; nothing after it runs', async () => {
      const run = await execute(def, input, { accuracy: { value: 0.65 } });
      // The failing value is published too: the dashboard shows it.
      expect(run.calls.map(([name]) => name)).toEqual(['preprocess', 'train', 'evaluate', 'evaluate: read report', 'evaluate: publish metric']);
      expect(run.error?.cause?.name).toBe('MetricBelowThreshold');
      expect(run.error?.cause?.message).toBe('accuracy 0.65 is below the threshold 0.7 (higher is better): the model did not pass the evaluate gate');
    });

    test('the threshold of the execution input wins over the model default', async () => {
      const strict = clone(input) as Json;
      strict.stages.evaluate.threshold = 0.99;
      const run = await execute(def, strict, { accuracy: { value: 0.9 } });
      expect(run.error?.cause?.message).toMatch(/^accuracy 0\.9 is below the threshold 0\.99/);
    });

    test('lower-is-better metrics compare the other way', async () => {
      const p2 = resolvePipeline(withStage('evaluate', { gate: { metric: 'log_loss', threshold: 0.5, greaterIsBetter: false } }));
      const def2 = buildStateMachine(p2);
      expect((await execute(def2, buildExecutionInput(p2), { log_loss: { value: 0.4 } })).error).toBeUndefined();
      const worse = await execute(def2, buildExecutionInput(p2), { log_loss: { value: 0.6 } });
      expect(worse.error?.cause?.message).toBe('log_loss 0.6 is above the threshold 0.5 (lower is better): the model did not pass the evaluate gate');
    });

    test('a report without the metric, or with a non-numeric one, fails clearly instead of comparing', async () => {
      for (const metrics of [{ auc: { value: 0.9 } }, { accuracy: { value: 'n/a' } }]) {
        const run = await execute(def, input, metrics);
        expect(run.error?.cause?.name).toBe('MetricMissing');
        expect(run.error?.cause?.message).toMatch(/report\/evaluation\.json of stage evaluate has no numeric "metrics": \{"accuracy"/);
      }
    });

    test("onFail 'skip' ends successfully without the later stages, the verdict in the output", async () => {
      const p2 = resolvePipeline(withStage('evaluate', { gate: { metric: 'accuracy', threshold: 0.7, onFail: 'skip' } }));
      const run = await execute(buildStateMachine(p2), buildExecutionInput(p2), { accuracy: { value: 0.5 } });
      expect(run.error).toBeUndefined();
      expect(run.calls.map(([name]) => name)).not.toContain('model');
      expect(run.output!.results.evaluate.gate).toMatchObject({ metric: 'accuracy', value: 0.5, threshold: 0.7 });
    });
  });

  describe('per-stage enable flags', () => {
    const skipping = (...keys: string[]) => {
      const changed = clone(input) as Json;
      for (const key of keys) changed.stages[key].enabled = false;
      return changed;
    };

    test('absent or true runs the stage; false skips it and goes on with the next', async () => {
      const absent = clone(input) as Json;
      for (const key of Object.keys(absent.stages)) delete absent.stages[key].enabled;
      expect(checkExecutionInput(absent, buildExecutionInputSchema(p))).toEqual([]);
      expect((await execute(def, absent, { accuracy: { value: 0.9 } })).calls).toHaveLength(7);
      const run = await execute(def, skipping('transform'), { accuracy: { value: 0.9 } });
      expect(run.error).toBeUndefined();
      expect(run.calls.map(([name]) => name)).toEqual(['preprocess', 'train', 'evaluate', 'evaluate: read report', 'evaluate: publish metric', 'model']);
      expect(checkStageSwitches(def, skipping('transform'))).toEqual([]);
    });

    test('skipping a stage whose output an enabled stage reads is an input error naming both', () => {
      const findings = checkStageSwitches(def, skipping('train'));
      expect(findings.map((f) => f.location)).toEqual(['stages.train.enabled', 'stages.train.enabled']);
      expect(findings.map((f) => f.message)).toEqual([
        expect.stringMatching(/^stage 'train' is skipped, but state 'evaluate' still runs and reads its output \(\$\.results\.train\): enable 'train'/),
        expect.stringMatching(/^stage 'train' is skipped, but state 'model' still runs and reads its output \(\$\.results\.train\)/),
      ]);
      expect(checkStageSwitches(def, skipping('preprocess')).map((f) => f.message)).toEqual([
        expect.stringContaining("state 'train' still runs and reads its output (<runs>/<execution>/preprocess/train/)"),
        expect.stringContaining("state 'evaluate' still runs and reads its output (<runs>/<execution>/preprocess/test/)"),
        expect.stringContaining("state 'transform' still runs and reads its output (<runs>/<execution>/preprocess/score/)"),
      ]);
    });

    test('skipping every stage that needs it is fine: train and evaluate only, or preprocess alone', () => {
      expect(checkStageSwitches(def, skipping('model', 'transform'))).toEqual([]);
      expect(checkStageSwitches(def, skipping('train', 'evaluate', 'model', 'transform'))).toEqual([]);
      expect(checkStageSwitches(def, skipping('model'))).toEqual([expect.objectContaining({ message: expect.stringMatching(/state 'transform' still runs .*\$\.results\.model/) })]);
    });
  });
});

describe('lifecycle stages: one clear message per problem', () => {
  test.each<[string, PipelineOptions, RegExp]>([
    ['an evaluation without a gate', withStage('evaluate', { gate: undefined }), /evaluate\)\.gate: an evaluation stage needs a gate/],
    ['a gate metric that is no identifier', withStage('evaluate', { gate: { metric: 'roc-auc', threshold: 1 } }), /gate\.metric: 'roc-auc' must be a metric name/],
    ['a gate threshold that is no number', withStage('evaluate', { gate: { metric: 'auc', threshold: '0.8' as never } }), /gate\.threshold: must be a number, not the string '0\.8'/],
    ['a gate on a processing stage', withStage('preprocess', { gate: { metric: 'auc', threshold: 1 } }), /preprocess\)\.gate: only evaluation stages take 'gate'/],
    ['hyperparameters that are not strings', withStage('train', { hyperparameters: { C: 1 as never } }), /hyperparameters\.C: must be a string, not number 1/],
    ['a training stage naming outputs', withStage('train', { outputs: [{ name: 'x' }] }), /train\)\.outputs: a training stage has one output, 'model'/],
    ['a training channel elsewhere than /opt/ml/input/data', withStage('train', { inputs: [{ name: 'train', from: 'preprocess/train', localPath: '/data/train' }] }), /training channels are always at \/opt\/ml\/input\/data\/<channel>/],
    ['a training instance type SageMaker lacks', withStage('train', { instanceType: 'ml.t3.nano' }), /'ml\.t3\.nano' is not a SageMaker training instance type/],
    ['a model from processing data', withStage('model', { inputs: [{ name: 'model', from: 'preprocess/train' }] }), /'preprocess\/train' is not a training stage's model/],
    ['a model with instances', withStage('model', { instanceType: 'ml.m5.large' }), /model\)\.instanceType: a model stage runs on no instance of its own/],
    ['a transform of a model artifact', withStage('transform', { inputs: [{ name: 'data', from: 'train/model' }] }), /'train\/model' is a model artifact, not records to score/],
    ['a transform of a model stage that does not exist', withStage('transform', { modelStage: 'nope' }), /modelStage: 'nope' is not an earlier model stage \(model stages before this one: model\)/],
    ['a transform with its own image', withStage('transform', { imageUri: '111122223333.dkr.ecr.eu-west-1.amazonaws.com/x:1' }), /runs the image of its model stage/],
    ['skippable that is no boolean', withStage('train', { skippable: 'yes' as never }), /train\)\.skippable: must be true or false, not the string 'yes'/],
  ])('%s', (_label, options, expected) => {
    const problems = validatePipeline(options).map((p) => `${p.path}: ${p.message}`);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(expected);
  });

  test('a transform without any model stage before it', () => {
    const problems = validatePipeline({ ...base, stages: [{ name: 'prep' }, { name: 'score', kind: 'transform' }] });
    expect(problems.map((p) => p.message)).toEqual(['a transform stage runs a model: add a model stage before it']);
  });
});
