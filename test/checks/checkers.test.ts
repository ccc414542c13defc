/**
 * The offline checkers on generated artifacts: everything the builders emit passes, and each
 * checker catches a defect planted in the ASL, the sample input or the sources.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildStateMachine } from '../../src/asl/index.js';
import {
  captureTaskRequests,
  checkAsl,
  checkAslRules,
  checkAslSchema,
  checkExecutionInput,
  checkPythonSources,
  checkRequestShape,
  checkSageMakerRules,
  isFailure,
  loadSageMakerModel,
  operationForResource,
  TaskCaptureError,
  type CapturedTaskRequest,
  type Finding,
  type ServiceModel,
} from '../../src/checks/index.js';
import { buildExecutionInput, buildExecutionInputSchema } from '../../src/input/index.js';
import { resolvePipeline, type PipelineOptions } from '../../src/model/index.js';
import { trackedMkdtemp as mkdtempSync } from '../support/temp-dirs.js';



type Json = any;

const DEFAULT: PipelineOptions = { name: 'demo', region: 'eu-west-1', account: '111122223333' };

/** Custom pipelines covering container/script mode, several inputs/outputs, environment and long names. */
const CUSTOM: Record<string, PipelineOptions> = {
  'container-only with an existing image': {
    name: 'churn',
    region: 'us-east-1',
    account: '123456789012',
    stages: [
      {
        name: 'score',
        mode: 'container',
        imageUri: '123456789012.dkr.ecr.us-east-1.amazonaws.com/churn/scorer:1.0',
        instanceType: 'ml.c5.xlarge',
        instanceCount: 2,
        volumeSizeGb: 100,
        maxRuntimeSeconds: 604800,
        environment: { MODEL_VERSION: '3', LOG_LEVEL: 'debug' },
      },
    ],
  },
  'longest names, Dockerfile images, fan-in inputs': {
    name: 'a-very-long-project-name-for-job', // 32 characters, the maximum
    region: 'ap-southeast-2',
    account: '210987654321',
    stages: [
      { name: 'extract-and-cleanse', mode: 'container', outputs: [{ name: 'features' }, { name: 'labels', localPath: '/opt/ml/processing/labels' }] },
      {
        name: 'join-everything-now',
        mode: 'container',
        inputs: [
          { name: 'raw', from: 'raw' },
          { name: 'features', from: 'extract-and-cleanse/features' },
          { name: 'labels', from: 'extract-and-cleanse/labels', localPath: '/opt/ml/processing/in/labels' },
        ],
        outputs: [{ name: 'joined' }],
      },
    ],
  },
};

function artifacts(options: PipelineOptions) {
  const pipeline = resolvePipeline(options);
  return {
    definition: structuredClone(buildStateMachine(pipeline)) as Json,
    input: structuredClone(buildExecutionInput(pipeline)) as Json,
    schema: buildExecutionInputSchema(pipeline) as Json,
  };
}

/** A script-mode ContainerEntrypoint item over the API's 256-character limit (a defect this check once caught). */
const isEntrypointLengthDefect = (f: Finding) => /ContainerEntrypoint\[\d+\]$/.test(f.location) && /maximum is 256/.test(f.message);

const operationOf = (request: CapturedTaskRequest) => operationForResource(request.resource) ?? 'unknown';

const models: { label: string; model: ServiceModel }[] = [];

beforeAll(async () => {
  // Every Python that has botocore: Debian's (2022 model) and a pip one (current model), when present.
  const seen = new Set<string>();
  for (const python of ['/usr/bin/python3', 'python3']) {
    const lookup = await loadSageMakerModel([python]);
    if (lookup.found && !seen.has(lookup.path)) {
      seen.add(lookup.path);
      models.push({ label: lookup.path, model: lookup.model });
    }
  }
  // The request-shape tests need a model: fail loudly rather than pass vacuously.
  expect(models.length).toBeGreaterThan(0);
});

async function shapeFindings(definition: Json, input: Json): Promise<Finding[]> {
  const requests = await captureTaskRequests(definition, input, 'exec-0001');
  return models.flatMap(({ model }) => requests.flatMap((r) => checkRequestShape(operationOf(r), r.request, model, r.stateName)));
}

describe('generated artifacts pass every checker', () => {
  const cases: [string, PipelineOptions][] = [['default pipeline', DEFAULT], ...Object.entries(CUSTOM)];

  test.each(cases)('%s: ASL, input schema, sagemaker rules', async (_label, options) => {
    const { definition, input, schema } = artifacts(options);
    expect(checkAsl(definition)).toEqual([]);
    expect(checkExecutionInput(input, schema)).toEqual([]);
    const requests = await captureTaskRequests(definition, input, 'exec-0001');
    expect(requests.map((r) => r.stateName)).toEqual(resolvePipeline(options).stages.map((s) => s.name));
    expect(requests.flatMap((r) => checkSageMakerRules('CreateProcessingJob', r.request, r.stateName))).toEqual([]);
  });

  test.each(Object.entries(CUSTOM))('%s: request shapes match the SageMaker API model', async (_label, options) => {
    const { definition, input } = artifacts(options);
    expect(await shapeFindings(definition, input)).toEqual([]);
  });

  test('default pipeline: request shapes match the SageMaker API model', async () => {
    const { definition, input } = artifacts(DEFAULT);
    expect(await shapeFindings(definition, input)).toEqual([]);
  });

  test('default pipeline: script-mode ContainerEntrypoint items fit the 256-character limit', async () => {
    const { definition, input } = artifacts(DEFAULT);
    expect((await shapeFindings(definition, input)).filter(isEntrypointLengthDefect)).toEqual([]);
  });

  test('the longest project and stage names give job names of at most 63 characters that match the pattern', async () => {
    const { definition, input } = artifacts(CUSTOM['longest names, Dockerfile images, fan-in inputs']);
    const requests = await captureTaskRequests(definition, input, 'exec-0001');
    for (const r of requests) {
      const name = (r.request as Json).ProcessingJobName as string;
      expect(name.length).toBeLessThanOrEqual(63);
      expect(name.length).toBeGreaterThanOrEqual(60); // the prefix budget is used, so the limit is really exercised
    }
  });
});

test('the integration table maps Task resources to SageMaker operations', () => {
  expect(operationForResource('arn:aws:states:::sagemaker:createProcessingJob.sync')).toBe('CreateProcessingJob');
  expect(operationForResource('arn:aws-cn:states:::sagemaker:createProcessingJob')).toBe('CreateProcessingJob');
  expect(operationForResource('arn:aws:states:::sagemaker:createTrainingJob.sync')).toBe('CreateTrainingJob');
  expect(operationForResource('arn:aws:states:::sagemaker:createModel')).toBe('CreateModel');
  expect(operationForResource('arn:aws:states:::sagemaker:createProcesingJob.sync')).toBeUndefined();
  expect(operationForResource('arn:aws:states:::lambda:invoke')).toBeUndefined();
});

describe('captureTaskRequests (aws-local-stepfunctions)', () => {
  test('resolves Parameters against the input and the execution name, with a fresh UUID job name per task', async () => {
    const { definition, input } = artifacts(DEFAULT);
    const requests = await captureTaskRequests(definition, input, 'nightly-42');
    const predict = requests.find((r) => r.stateName === 'predict')!.request as Json;
    expect(predict.RoleArn).toBe(input.roleArn);
    expect(predict.ProcessingResources.ClusterConfig.InstanceType).toBe(input.stages.predict.instanceType);
    expect(predict.ProcessingJobName).toMatch(/^demo-predict-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(predict.ProcessingInputs[0].S3Input.S3Uri).toBe(`${input.runsUri}nightly-42/preprocess/data/`);
    expect(predict.Tags).toContainEqual({ Key: 'legacy-mlops:execution-base64', Value: Buffer.from('nightly-42').toString('base64') });
    expect(new Set(requests.map((r) => (r.request as Json).ProcessingJobName)).size).toBe(3);
  });

  test('overrides every Task, unknown resources included, so nothing calls AWS', async () => {
    const { definition, input } = artifacts(DEFAULT);
    definition.States.predict.Resource = 'arn:aws:lambda:eu-west-1:111122223333:function:not-there';
    const requests = await captureTaskRequests(definition, input, 'exec-0001');
    expect(requests.map((r) => r.resource)).toContain('arn:aws:lambda:eu-west-1:111122223333:function:not-there');
    expect(requests).toHaveLength(3);
  });

  test('a failing execution raises TaskCaptureError with what was captured before it', async () => {
    const { definition, input } = artifacts(DEFAULT);
    // The second task reads a setting the input does not have: the path fails at run time.
    definition.States.predict.Parameters.ProcessingResources.ClusterConfig['InstanceType.$'] = '$.stages.predict.nothing';
    const error = await captureTaskRequests(definition, input, 'exec-0001').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TaskCaptureError);
    expect((error as TaskCaptureError).requests.map((r) => r.stateName)).toEqual(['preprocess']);
  });
});

describe('each checker catches a planted defect', () => {
  const plant = (mutate: (a: ReturnType<typeof artifacts>) => void) => {
    const a = artifacts(CUSTOM['container-only with an existing image']);
    mutate(a);
    return a;
  };

  test('asl-validator: a transition to a missing state', () => {
    const { definition } = plant((a) => (a.definition.States.score.Catch[0].Next = 'nowhere'));
    expect(checkAslSchema(definition).map((f) => f.message).join('\n')).toMatch(/nowhere/);
  });

  test('request shape: an unknown parameter', async () => {
    const { definition, input } = plant((a) => (a.definition.States.score.Parameters.ProcessingTimeout = 3600));
    const findings = await shapeFindings(definition, input);
    expect(findings.length).toBeGreaterThan(0);
    expect(findings.every((f) => f.location === 'score › ProcessingTimeout' && /unknown member/.test(f.message))).toBe(true);
  });

  test('request shape: a missing required member', async () => {
    const { definition, input } = plant((a) => delete a.definition.States.score.Parameters['RoleArn.$']);
    const findings = await shapeFindings(definition, input);
    expect(findings.map((f) => f.location)).toContain('score › RoleArn');
    expect(findings[0].message).toMatch(/required member is missing/);
  });

  test('request shape and input schema: an invalid instance type in the input', async () => {
    const { definition, input, schema } = plant((a) => (a.input.stages.score.instanceType = 'ml.m5.huge'));
    const findings = await shapeFindings(definition, input);
    expect(findings.map((f) => f.location)).toEqual(models.map(() => 'score › ProcessingResources.ClusterConfig.InstanceType'));
    expect(findings[0].message).toMatch(/"ml\.m5\.huge" is not a valid ProcessingInstanceType/);
    expect(checkExecutionInput(input, schema).map((f) => f.location)).toEqual(['/stages/score/instanceType']);
  });

  test('request shape: an instance type newer than Debian botocore is accepted (SDK enum union)', async () => {
    const newer = 'ml.g6.xlarge'; // not in botocore 1.29's ProcessingInstanceType enum
    const debian = await loadSageMakerModel(['/usr/bin/python3']);
    if (debian.found) expect((debian.model.shapes.ProcessingInstanceType.enum ?? []).includes(newer)).toBe(false);
    const { definition, input } = plant((a) => (a.input.stages.score.instanceType = newer));
    expect(await shapeFindings(definition, input)).toEqual([]);
  });

  test('request shape: a job-name prefix too long for 63 characters', async () => {
    const { definition, input } = plant((a) => {
      a.definition.States.score.Parameters['ProcessingJobName.$'] = `States.Format('${'x'.repeat(40)}-{}', States.UUID())`;
    });
    const findings = await shapeFindings(definition, input);
    expect(findings.length).toBeGreaterThan(0);
    expect(findings.every((f) => f.location === 'score › ProcessingJobName')).toBe(true);
    expect(findings.map((f) => f.message).join('\n')).toMatch(/has 77 characters; the maximum is 63/);
  });

  test('request shape: a job-name prefix that breaks the pattern', async () => {
    const { definition, input } = plant((a) => {
      a.definition.States.score.Parameters['ProcessingJobName.$'] = "States.Format('churn_score-{}', States.UUID())";
    });
    const findings = await shapeFindings(definition, input);
    expect(findings).toHaveLength(models.length);
    expect(findings[0].message).toMatch(/does not match ProcessingJobName's pattern/);
  });

  test('sagemaker rules: a LocalPath not under /opt/ml/processing', async () => {
    const { definition, input } = plant((a) => (a.definition.States.score.Parameters.ProcessingOutputConfig.Outputs[0].S3Output.LocalPath = '/tmp/out'));
    const [request] = await captureTaskRequests(definition, input, 'exec-0001');
    const findings = checkSageMakerRules('CreateProcessingJob', request.request, 'score');
    expect(findings).toEqual([
      expect.objectContaining({ check: 'sagemaker-rules', location: 'score › ProcessingOutputConfig.Outputs[0].S3Output.LocalPath' }),
    ]);
    expect(checkSageMakerRules('CreateProcessingJob', { ProcessingInputs: [{ S3Input: { LocalPath: '/opt/ml/processing/../../etc' } }] })).toHaveLength(1);
  });

  test('asl rules: a task without Catch', () => {
    const { definition } = plant((a) => {
      delete a.definition.States.score.Catch;
      delete a.definition.States['score failed']; // else asl-validator reports it unreachable
    });
    expect(checkAslSchema(definition)).toEqual([]); // valid ASL, so only our rule can see it
    expect(checkAslRules(definition)).toEqual([expect.objectContaining({ location: 'States.score.Catch', message: expect.stringMatching(/no Catch/) })]);
  });

  test('asl rules: a Catch that does not lead to a Fail state', () => {
    const { definition } = plant((a) => {
      a.definition.States.done = { Type: 'Succeed' };
      a.definition.States.score.Catch[0].Next = 'done';
    });
    expect(checkAslRules(definition).map((f) => f.message)).toEqual([expect.stringMatching(/States.ALL into a Fail state/)]);
  });

  test('asl rules: a Retry on States.ALL', () => {
    const { definition } = plant((a) => a.definition.States.score.Retry.push({ ErrorEquals: ['States.ALL'], MaxAttempts: 2 }));
    expect(checkAslSchema(definition)).toEqual([]);
    expect(checkAslRules(definition)).toEqual([expect.objectContaining({ location: 'States.score.Retry[1].ErrorEquals', message: expect.stringMatching(/'States.ALL'/) })]);
  });

  test('asl rules: missing timeouts and a job name taken from the input', () => {
    const { definition } = plant((a) => {
      delete a.definition.TimeoutSeconds;
      delete a.definition.States.score.TimeoutSeconds;
      delete a.definition.States.score.Parameters['ProcessingJobName.$'];
      a.definition.States.score.Parameters['ProcessingJobName.$'] = '$.jobName';
    });
    expect(checkAslRules(definition).map((f) => f.location)).toEqual(['TimeoutSeconds', 'States.score.TimeoutSeconds', 'States.score.Parameters.ProcessingJobName.$']);
  });

  test('asl rules: an unknown Task resource is reported, not skipped (asl-validator lets it through)', () => {
    const { definition } = plant((a) => (a.definition.States.score.Resource = 'arn:aws:states:::sagemaker:createProcesingJob.sync'));
    expect(checkAslSchema(definition)).toEqual([]);
    const findings = checkAsl(definition);
    expect(findings).toEqual([expect.objectContaining({ check: 'asl-rules', location: 'States.score.Resource', message: expect.stringMatching(/not a SageMaker optimized integration/) })]);
  });

  test('asl rules: a job integration without .sync', () => {
    const { definition } = plant((a) => (a.definition.States.score.Resource = 'arn:aws:states:::sagemaker:createProcessingJob'));
    expect(checkAslRules(definition).map((f) => f.message)).toEqual([expect.stringMatching(/without \.sync/)]);
  });

  test('execution input: schema-invalid input', () => {
    const { input, schema } = plant((a) => {
      delete a.input.roleArn;
      a.input.stages.score.instanceCount = 0;
      a.input.bucket = 'extra';
    });
    const findings = checkExecutionInput(input, schema);
    expect(findings.map((f) => f.location).sort()).toEqual(['/', '/', '/stages/score/instanceCount']);
    const messages = findings.map((f) => f.message).join('\n');
    expect(messages).toMatch(/missing required property 'roleArn'/);
    expect(messages).toMatch(/unexpected property 'bucket'/);
  });
});

describe('checkPythonSources', () => {
  test('reports a syntax error with its line, passes valid code, and leaves no __pycache__ behind', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'checks-py-'));
    writeFileSync(join(dir, 'good.py'), 'import sys\n\nprint(sys.argv)\n');
    writeFileSync(join(dir, 'bad.py'), 'def main(:\n    pass\n');
    writeFileSync(join(dir, 'indent.py'), 'x = 1\nif x:\nprint(x)\n');
    const findings = await checkPythonSources(['good.py', 'bad.py', 'indent.py'], '/usr/bin/python3', dir);
    expect(findings).toEqual([
      expect.objectContaining({ check: 'python-syntax', location: 'bad.py:1', message: expect.stringMatching(/SyntaxError/) }),
      expect.objectContaining({ check: 'python-syntax', location: 'indent.py:3', message: expect.stringMatching(/IndentationError/) }),
    ]);
    expect(readdirSync(dir).sort()).toEqual(['bad.py', 'good.py', 'indent.py']);
  });

  test('a missing interpreter is a skipped check, not a pass', async () => {
    const findings = await checkPythonSources(['x.py'], '/nonexistent/python3');
    expect(findings).toHaveLength(1);
    expect(isFailure(findings[0])).toBe(false);
  });
});

describe('loadSageMakerModel', () => {
  test('finds a gzipped model through the Python it is given', async () => {
    const root = mkdtempSync(join(tmpdir(), 'checks-botocore-'));
    const modelDir = join(root, 'botocore', 'data', 'sagemaker', '2017-07-24');
    execFileSync('mkdir', ['-p', modelDir]);
    const model = { metadata: { apiVersion: '2017-07-24' }, operations: { Ping: { input: { shape: 'PingRequest' } } }, shapes: { PingRequest: { type: 'structure', members: {} } } };
    execFileSync('sh', ['-c', `printf '%s' '${JSON.stringify(model)}' | gzip > ${modelDir}/service-2.json.gz`]);
    const fakePython = join(root, 'python');
    writeFileSync(fakePython, `#!/bin/sh\necho ${join(root, 'botocore')}\n`, { mode: 0o755 });
    const lookup = await loadSageMakerModel(['/nonexistent/python', fakePython]);
    expect(lookup.found && lookup.path).toBe(join(modelDir, 'service-2.json.gz'));
    expect(lookup.found && Object.keys(lookup.model.operations)).toEqual(['Ping']);
  });

  test('without botocore it says how to install it', async () => {
    const lookup = await loadSageMakerModel(['/nonexistent/python']);
    expect(lookup.found).toBe(false);
    expect(!lookup.found && lookup.hint).toMatch(/apt-get install python3-botocore.*pip install botocore/);
    expect(existsSync('/nonexistent/python')).toBe(false);
  });
});

describe('checkRequestShape on a hand-made model', () => {
  const model: ServiceModel = {
    operations: { Op: { input: { shape: 'Req' } } },
    shapes: {
      Req: { type: 'structure', required: ['Name'], members: { Name: { shape: 'Name' }, Odd: { shape: 'Odd' }, Count: { shape: 'Count' }, Items: { shape: 'Items' }, Flag: { shape: 'Flag' }, Env: { shape: 'Env' } } },
      Name: { type: 'string', min: 1, max: 8, pattern: '^[a-z]+$' },
      Odd: { type: 'string', pattern: 'a*+b' },
      Count: { type: 'long', min: 1, max: 5 },
      Items: { type: 'list', member: { shape: 'Name' }, max: 2 },
      Flag: { type: 'boolean' },
      Env: { type: 'map', key: { shape: 'Name' }, value: { shape: 'Name' }, max: 1 },
    },
  };

  test('types, ranges, sizes and map keys', () => {
    const findings = checkRequestShape('Op', { Name: 'ok', Count: 6, Items: ['a', 'b', 'C'], Flag: 'yes', Env: { a: 'b', B: 'c' } }, model, 'op');
    expect(findings.map((f) => f.location)).toEqual(['op › Count', 'op › Items', 'op › Items[2]', 'op › Flag', 'op › Env', 'op › Env.B (key)']);
    expect(checkRequestShape('Op', { Name: 'ok', Count: 1.5 }, model)[0].message).toMatch(/not a whole number/);
    expect(checkRequestShape('Nope', {}, model)[0].message).toMatch(/no operation 'Nope'/);
  });

  test('a pattern JavaScript cannot compile is reported as a skipped rule, not a pass', () => {
    const findings = checkRequestShape('Op', { Name: 'ok', Odd: 'aab' }, model, 'op');
    expect(findings).toEqual([expect.objectContaining({ location: 'op › Odd', severity: 'skipped', message: expect.stringMatching(/possessive/) })]);
    expect(findings.filter(isFailure)).toEqual([]);
  });
});
