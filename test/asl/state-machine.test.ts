import validator from 'asl-validator';
import { StateMachine } from 'aws-local-stepfunctions';
import fc from 'fast-check';
import { Ajv } from 'ajv';
import { PROCESSING_JOB_RESOURCE, buildStateMachine, type StateMachineDefinition, type TaskState } from '../../src/asl/index.js';
import { buildExecutionInput, buildExecutionInputSchema } from '../../src/input/index.js';
import { resolvePipeline, type PipelineOptions, type ResolvedPipeline } from '../../src/model/index.js';

const base: PipelineOptions = { name: 'demo', region: 'eu-west-1', account: '111122223333' };

function aslErrors(def: StateMachineDefinition) {
  // asl-validator mutates its input.
  const result = (validator as unknown as (d: unknown, o: object) => { isValid: boolean; errors: unknown[] })(structuredClone(def), {
    checkPaths: true,
    checkArn: true,
  });
  return result.isValid ? [] : result.errors;
}

function tasks(def: StateMachineDefinition): [string, TaskState][] {
  return Object.entries(def.States).filter((e): e is [string, TaskState] => e[1].Type === 'Task');
}

type Handler = (request: Record<string, any>) => Promise<unknown>;
async function run(def: StateMachineDefinition, p: ResolvedPipeline, handlers: Record<string, Handler>, name = 'run-1') {
  const machine = new StateMachine(def as never);
  const execution = machine.run(buildExecutionInput(p) as never, {
    overrides: { taskResourceLocalHandlers: handlers as never },
    context: { Execution: { Name: name } },
  } as never);
  return execution.result;
}

const completed: Handler = async (req) => ({ ProcessingJobName: req.ProcessingJobName, ProcessingJobArn: `arn:job/${req.ProcessingJobName}`, ProcessingJobStatus: 'Completed', ProcessingInputs: req.ProcessingInputs });

describe('state machine of the default pipeline', () => {
  const p = resolvePipeline(base);
  const def = buildStateMachine(p);

  test('passes asl-validator with path and ARN checks', () => {
    expect(aslErrors(def)).toEqual([]);
  });

  test('one createProcessingJob.sync task per stage, in order, ending the machine', () => {
    expect(tasks(def).map(([name, t]) => [name, t.Resource])).toEqual(p.stages.map((s) => [s.name, PROCESSING_JOB_RESOURCE]));
    expect(def.StartAt).toBe('preprocess');
    expect(def.States.preprocess).toMatchObject({ Next: 'predict' });
    expect(def.States.postprocess).toMatchObject({ End: true });
  });

  test('retries only capacity limits (never the generic error carrying ValidationException), catches everything into a Fail state carrying the cause', () => {
    for (const [name, t] of tasks(def)) {
      expect(t.Retry?.flatMap((r) => r.ErrorEquals)).toEqual(['SageMaker.ResourceLimitExceededException']);
      expect(t.Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: `${name} failed` }]);
      expect(def.States[`${name} failed`]).toMatchObject({ Type: 'Fail', CausePath: '$.error.Cause', ErrorPath: '$.error.Error' });
    }
  });

  test('task timeouts exceed max runtime; the machine has its own timeout', () => {
    for (const [name, t] of tasks(def)) expect(t.TimeoutSeconds).toBeGreaterThan(p.stages.find((s) => s.name === name)!.maxRuntimeSeconds);
    expect(def.TimeoutSeconds).toBe(p.pipelineTimeoutSeconds);
  });

  test('script-mode stages get their code as an S3 input and an entrypoint that installs non-empty requirements first', () => {
    const pre = def.States.preprocess as TaskState;
    const params = pre.Parameters as any;
    expect(params.ProcessingInputs[0]).toMatchObject({ InputName: 'code', S3Input: { LocalPath: '/opt/ml/processing/input/code' } });
    const entrypoint: string[] = params.AppSpecification.ContainerEntrypoint;
    const [shell, flag, command, , requirements, script] = entrypoint;
    expect([shell, flag]).toEqual(['/bin/sh', '-c']);
    expect(command).toContain('pip install');
    expect([requirements, script]).toEqual(['/opt/ml/processing/input/code/requirements.txt', '/opt/ml/processing/input/code/preprocess.py']);
    // SageMaker's limit per ContainerEntrypoint item.
    for (const item of entrypoint) expect(item.length).toBeLessThanOrEqual(256);
    const predict = (def.States.predict as TaskState).Parameters as any;
    expect(predict.AppSpecification.ContainerEntrypoint).toBeUndefined();
    expect(predict.ProcessingInputs.map((i: any) => i.InputName)).toEqual(['data']);
  });

  test('ResultSelector keeps the payload small', () => {
    for (const [, t] of tasks(def)) expect(Object.keys(t.ResultSelector ?? {})).toEqual(['jobName.$', 'jobArn.$', 'status.$']);
  });

  test('run through aws-local-stepfunctions: job names unique per run and per attempt, outputs chain into inputs', async () => {
    const requests: Record<string, any>[] = [];
    const handlers = Object.fromEntries(tasks(def).map(([name]) => [name, async (req: any) => (requests.push(req), completed(req))]));
    const output: any = await run(def, p, handlers, 'exec-a');
    await run(def, p, handlers, 'exec-b');
    const names = requests.map((r) => r.ProcessingJobName);
    expect(new Set(names).size).toBe(6);
    for (const n of names) expect(n).toMatch(/^demo-(preprocess|predict|postprocess)-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    for (const n of names) expect(n.length).toBeLessThanOrEqual(63);
    const [pre, predict] = requests;
    expect(pre.ProcessingInputs[1].S3Input.S3Uri).toBe('s3://demo-111122223333-eu-west-1/data/raw/');
    expect(pre.ProcessingOutputConfig.Outputs[0].S3Output.S3Uri).toBe('s3://demo-111122223333-eu-west-1/runs/exec-a/preprocess/data/');
    expect(predict.ProcessingInputs[0].S3Input.S3Uri).toBe(pre.ProcessingOutputConfig.Outputs[0].S3Output.S3Uri);
    expect(pre.RoleArn).toBe(p.roles.sageMakerExecutionRoleArn);
    expect(output.results.postprocess).toEqual({ jobName: requests[2].ProcessingJobName, jobArn: `arn:job/${requests[2].ProcessingJobName}`, status: 'Completed' });
  });

  test('a capacity limit is retried with a fresh job name; a ValidationException, an access error or a failed job fail on the first attempt', async () => {
    const seen: string[] = [];
    let first = true;
    const flaky: Handler = async (req) => {
      seen.push(req.ProcessingJobName);
      if (first) {
        first = false;
        throw Object.assign(new Error('The account-level service limit for concurrent processing jobs is 4'), { name: 'SageMaker.ResourceLimitExceededException' });
      }
      return completed(req);
    };
    const fast = { ...def, States: { ...def.States, preprocess: { ...(def.States.preprocess as TaskState), Retry: [{ ...(def.States.preprocess as TaskState).Retry![0], IntervalSeconds: 0, MaxDelaySeconds: undefined, JitterStrategy: undefined }] } } } as StateMachineDefinition;
    let failedAttempts = 0;
    const failing: Handler = async () => {
      failedAttempts++;
      throw Object.assign(new Error('AlgorithmError: ValueError: bad column'), { name: 'States.TaskFailed' });
    };
    await expect(run(fast as never, p, { preprocess: flaky, predict: failing, postprocess: completed })).rejects.toThrow(/AlgorithmError: ValueError: bad column/);
    expect(seen).toHaveLength(2);
    expect(seen[0]).not.toBe(seen[1]);
    expect(failedAttempts).toBe(1);

    // How Step Functions reports an error code SageMaker's model does not name: the generic exception, the code in the Cause.
    for (const cause of [
      'Could not assume role arn:aws:iam::111122223333:role/demo-sagemaker (Service: AmazonSageMaker; Status Code: 400; Error Code: ValidationException)',
      'User is not authorized to perform: sagemaker:CreateProcessingJob (Service: AmazonSageMaker; Status Code: 400; Error Code: AccessDeniedException)',
    ]) {
      let attempts = 0;
      const rejected: Handler = async () => {
        attempts++;
        throw Object.assign(new Error(cause), { name: 'SageMaker.AmazonSageMakerException' });
      };
      await expect(run(fast as never, p, { preprocess: rejected, predict: completed, postprocess: completed })).rejects.toThrow(cause.slice(0, 20));
      expect(attempts).toBe(1);
    }
  });
});

describe('execution input', () => {
  const ajv = new Ajv({ allErrors: true, strict: false });
  test('the sample validates against its schema; a wrong instance type or missing stage does not', () => {
    const p = resolvePipeline(base);
    const validate = ajv.compile(buildExecutionInputSchema(p));
    const input = buildExecutionInput(p) as any;
    expect(validate(input)).toBe(true);
    expect(validate({ ...input, stages: { ...input.stages, predict: { ...input.stages.predict, instanceType: 'ml.m5.huge' } } })).toBe(false);
    const { predict: _drop, ...rest } = input.stages;
    expect(validate({ ...input, stages: rest })).toBe(false);
    expect(validate({ ...input, runsUri: 's3://demo/runs' })).toBe(false);
  });
  test('hyphenated stage names become underscore keys that the ASL reads', () => {
    const p = resolvePipeline({ ...base, stages: [{ name: 'clean-data' }] });
    expect(Object.keys(buildExecutionInput(p).stages)).toEqual(['clean_data']);
    expect(JSON.stringify(buildStateMachine(p))).toContain('$.stages.clean_data.imageUri');
  });
});

describe('properties over random valid models', () => {
  const stage = fc.record({
    name: fc.stringMatching(/^[a-z][a-z0-9]{0,9}(-[a-z0-9]{1,5})?$/).filter((n) => !['raw', 'code', 'runs', 'data'].includes(n)),
    mode: fc.constantFrom('script' as const, 'container' as const),
    framework: fc.constantFrom({ name: 'sklearn' as const }, { name: 'xgboost' as const, version: '1.7-1' }, { name: 'pytorch' as const, version: '2.3.0' }),
    instanceType: fc.constantFrom('ml.t3.medium', 'ml.m5.large', 'ml.c5.2xlarge', 'ml.r5.4xlarge'),
    maxRuntimeSeconds: fc.integer({ min: 1, max: 604800 }),
  });
  const model = fc.uniqueArray(stage, { minLength: 1, maxLength: 10, selector: (s) => s.name }).map((stages) => ({
    ...base,
    stages: stages.map(({ mode, framework, ...s }) => (mode === 'script' ? { ...s, mode, framework } : { ...s, mode })),
  }));

  test('the ASL always validates and its sample input always matches its schema', () => {
    fc.assert(
      fc.property(model, (options) => {
        const p = resolvePipeline(options);
        const def = buildStateMachine(p);
        return aslErrors(def).length === 0 && new Ajv({ strict: false }).validate(buildExecutionInputSchema(p), buildExecutionInput(p)) === true;
      }),
      { numRuns: 60 },
    );
  });
});

describe('partitions', () => {
  test('China and GovCloud tasks use their partition in the integration ARN', () => {
    const cn = buildStateMachine(resolvePipeline({ ...base, region: 'cn-north-1' }));
    expect((cn.States.preprocess as TaskState).Resource).toBe('arn:aws-cn:states:::sagemaker:createProcessingJob.sync');
    expect(aslErrors(cn)).toEqual([]);
  });
});
