import fc from 'fast-check';
import {
  DEFAULT_STAGES,
  PROCESSING_INSTANCE_TYPES,
  PipelineValidationError,
  jobPrefix,
  resolvePipeline,
  validatePipeline,
  type PipelineOptions,
} from '../../src/model/index.js';

const base: PipelineOptions = { name: 'demo', region: 'eu-west-1', account: '111122223333' };

function problemsOf(options: PipelineOptions) {
  return validatePipeline(options).map((p) => `${p.path}: ${p.message}`);
}

describe('resolvePipeline defaults', () => {
  const p = resolvePipeline(base);

  test('the classic three stages: script, container from a Dockerfile, script', () => {
    expect(p.stages.map((s) => [s.name, s.mode, s.image.source])).toEqual([
      ['preprocess', 'script', 'framework'],
      ['predict', 'container', 'dockerfile'],
      ['postprocess', 'script', 'framework'],
    ]);
  });

  test('each stage reads the previous stage output; the first reads raw data', () => {
    expect(p.stages.map((s) => s.inputs.map((i) => i.from))).toEqual([['raw'], ['preprocess/data'], ['predict/data']]);
  });

  test('bucket, roles and S3 layout derive from name, account and region', () => {
    expect(p.s3.bucket).toBe('demo-111122223333-eu-west-1');
    expect(p.s3.rawDataUri).toBe('s3://demo-111122223333-eu-west-1/data/raw/');
    expect(p.roles).toEqual({
      bringYourOwn: false,
      stateMachineRoleArn: 'arn:aws:iam::111122223333:role/demo-state-machine',
      sageMakerExecutionRoleArn: 'arn:aws:iam::111122223333:role/demo-sagemaker-execution',
    });
  });

  test('framework image resolved for the region from the data table', () => {
    const image = p.stages[0].image;
    expect(image.source === 'framework' && image.framework.imageUri).toBe(
      '141502667606.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-scikit-learn:1.4-2-cpu-py3',
    );
  });

  test('China regions use the aws-cn partition and the .com.cn ECR domain', () => {
    const cn = resolvePipeline({ ...base, region: 'cn-north-1' });
    expect(cn.partition).toBe('aws-cn');
    const image = cn.stages[0].image;
    expect(image.source === 'framework' && image.framework.imageUri).toMatch(/^450853457545\.dkr\.ecr\.cn-north-1\.amazonaws\.com\.cn\//);
  });

  test('task timeouts exceed job max runtime and the machine timeout exceeds their sum', () => {
    for (const s of p.stages) expect(s.taskTimeoutSeconds).toBeGreaterThan(s.maxRuntimeSeconds);
    expect(p.pipelineTimeoutSeconds).toBeGreaterThan(p.stages.reduce((n, s) => n + s.taskTimeoutSeconds, 0));
  });
});

describe('job-name prefixes', () => {
  test('leave room for "-" and a 36-character UUID within 63 characters', () => {
    const long = resolvePipeline({ ...base, name: 'a-very-long-project-name-indeed', stages: [{ name: 'twenty-characters-ok' }] });
    expect(long.stages[0].jobNamePrefix.length).toBeLessThanOrEqual(26);
    expect(`${long.stages[0].jobNamePrefix}-${'x'.repeat(36)}`.length).toBeLessThanOrEqual(63);
  });
  test('keep the project name when it fits', () => {
    expect(jobPrefix('demo', 'predict')).toBe('demo-predict');
  });
});

describe('invalid models: one clear message per problem', () => {
  test.each<[string, PipelineOptions, RegExp]>([
    ['project name', { ...base, name: 'Bad_Name' }, /^name: 'Bad_Name' is not a valid project name/],
    ['region', { ...base, region: 'mars-1' }, /^region: 'mars-1' is not an AWS region code/],
    ['account', { ...base, account: '1234' }, /^account: '1234' is not an AWS account id: 12 digits/],
    ['bucket', { ...base, bucket: 'Has_Upper' }, /^bucket: 'Has_Upper' is not a valid S3 bucket name/],
    ['stage name', { ...base, stages: [{ name: 'Pre_Process' }] }, /^stages\[0\] \(Pre_Process\)\.name: 'Pre_Process' is not a valid stage name/],
    ['instance type', { ...base, stages: [{ name: 'a', instanceType: 'ml.m5.huge' }] }, /^stages\[0\] \(a\)\.instanceType: 'ml\.m5\.huge' is not a SageMaker processing instance type \(e\.g\. ml\.m5\./],
    ['duplicate stage', { ...base, stages: [{ name: 'a' }, { name: 'a' }] }, /^stages\[1\] \(a\)\.name: stage name 'a' is used twice/],
    ['unknown source', { ...base, stages: [{ name: 'a', inputs: [{ name: 'x', from: 'b/data' }] }] }, /from: 'b\/data' is not 'raw' or an earlier stage's output \(allowed: raw\)/],
    ['unknown output', { ...base, stages: [{ name: 'a' }, { name: 'b', inputs: [{ name: 'x', from: 'a/nope' }] }] }, /stage 'a' has no output 'nope' \(it has: data\)/],
    ['local path outside /opt/ml/processing', { ...base, stages: [{ name: 'a', outputs: [{ name: 'o', localPath: '/tmp/out' }] }] }, /'\/tmp\/out' must be a folder under \/opt\/ml\/processing\//],
    ['overlapping paths', { ...base, stages: [{ name: 'a', inputs: [{ name: 'x', localPath: '/opt/ml/processing/input/d' }, { name: 'y', localPath: '/opt/ml/processing/input/d/e' }] }] }, /overlaps/],
    ['framework version', { ...base, stages: [{ name: 'a', framework: { name: 'sklearn', version: '9.9' } }] }, /scikit-learn version '9\.9' is not known \(allowed: .*1\.2-1/],
    ['unknown kind', { ...base, stages: [{ name: 'a', kind: 'labeling' as never }] }, /'labeling' is not a stage kind \(allowed: processing, evaluation, training, tuning, model, transform, endpoint, register, approval\)/],
    ['image URI', { ...base, stages: [{ name: 'a', mode: 'container', imageUri: 'docker.io/library/python:3' }] }, /is not an Amazon ECR image URI/],
    ['volume', { ...base, stages: [{ name: 'a', volumeSizeGb: 0 }] }, /volumeSizeGb: 0 must be a whole number of GB from 1 to 16384/],
    ['runtime', { ...base, stages: [{ name: 'a', maxRuntimeSeconds: 604801 }] }, /maxRuntimeSeconds: 604801 must be a whole number of seconds from 1 to 604800/],
    ['reserved name', { ...base, stages: [{ name: 'raw' }] }, /'raw' is reserved/],
    ['byo role account', { ...base, existingRoles: { stateMachineRoleArn: 'arn:aws:iam::999999999999:role/x', sageMakerExecutionRoleArn: 'arn:aws:iam::111122223333:role/y' } }, /is in account 999999999999, not the project's account 111122223333/],
  ])('%s', (_label, options, expected) => {
    const problems = problemsOf(options);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(expected);
    expect(() => resolvePipeline(options)).toThrow(PipelineValidationError);
  });

  test('every problem is reported at once, none repeated for a derived field', () => {
    const problems = problemsOf({ name: 'X', region: 'nowhere', account: '1', stages: [{ name: 'a', instanceType: 'nope' }] });
    expect(problems.map((p) => p.split(':')[0])).toEqual(['name', 'region', 'account', 'stages[0] (a).instanceType']);
  });
});

describe('properties', () => {
  const stageName = fc.stringMatching(/^[a-z][a-z0-9]{0,7}(-[a-z0-9]{1,4})?$/).filter((n) => !['raw', 'code', 'runs', 'data'].includes(n));
  test('any valid instance type from the SDK enum is accepted, anything else is refused', () => {
    fc.assert(
      fc.property(fc.constantFrom(...PROCESSING_INSTANCE_TYPES), (t) => problemsOf({ ...base, stages: [{ name: 'a', instanceType: t }] }).length === 0),
    );
    fc.assert(
      fc.property(fc.string().filter((t) => !PROCESSING_INSTANCE_TYPES.includes(t)), (t) => problemsOf({ ...base, stages: [{ name: 'a', instanceType: t }] }).length === 1),
    );
  });
  test('random unique stage names always resolve, with unique job-name prefixes within budget', () => {
    fc.assert(
      fc.property(fc.uniqueArray(stageName, { minLength: 1, maxLength: 12 }), (names) => {
        const p = resolvePipeline({ ...base, stages: names.map((name) => ({ name })) });
        const prefixes = p.stages.map((s) => s.jobNamePrefix);
        return new Set(prefixes).size === names.length && prefixes.every((x) => x.length <= 26);
      }),
    );
  });
  test('defaults are not mutated by resolution', () => {
    const before = JSON.stringify(DEFAULT_STAGES);
    resolvePipeline(base);
    expect(JSON.stringify(DEFAULT_STAGES)).toBe(before);
  });
});

describe('LocalPaths legacy pipelines use', () => {
  test('/opt/ml/processing/input and /output themselves are accepted, and the script code input moves aside', () => {
    const p = resolvePipeline({
      name: 'demo', region: 'eu-west-1', account: '111122223333',
      stages: [
        { name: 'a', inputs: [{ name: 'data', localPath: '/opt/ml/processing/input' }], outputs: [{ name: 'out', localPath: '/opt/ml/processing/output' }] },
        { name: 'b', inputs: [{ name: 'x', localPath: '/opt/ml/processing/input/code/x' }] },
        { name: 'c' },
        { name: 'd', mode: 'container', inputs: [{ name: 'data', localPath: '/opt/ml/processing/input' }] },
      ],
    });
    expect(p.stages.map((s) => s.codeLocalPath)).toEqual(['/opt/ml/processing/code', '/opt/ml/processing/code', '/opt/ml/processing/input/code', undefined]);
    expect(p.stages[0].inputs[0].localPath).toBe('/opt/ml/processing/input');
  });
});
