/**
 * `--from <legacy repository>` on bad input: a JSON that is not ASL, an ASL with no SageMaker task,
 * a Dockerfile with no entry, two Dockerfiles for one stage, S3 wiring that forms a cycle. Each is
 * one clear line (or a report line when the rest still imports), and nothing is written on error.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyseDockerfile, pipInstalls } from '../../src/create/legacy-dockerfile.js';
import { parseLegacyAsl, readPath } from '../../src/create/legacy-asl.js';
import { planImport } from '../../src/create/legacy-import.js';
import { namesMatch } from '../../src/create/legacy-repo.js';
import { runCreate } from '../../src/create/cli.js';
import { isolateFromAws } from '../support/aws-isolation.js';
import { trackedMkdtemp } from '../support/temp-dirs.js';

isolateFromAws();
const STAGES = ['preprocess', 'predict', 'postprocess'];

function legacyRepo(files: Record<string, string>): string {
  const dir = trackedMkdtemp(path.join(os.tmpdir(), 'legacy-bad-'));
  for (const [file, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), content);
  }
  return dir;
}

const task = (name: string, next: string | undefined, input: string, output: string) => ({
  Type: 'Task',
  Resource: 'arn:aws:states:::sagemaker:createProcessingJob.sync',
  Parameters: {
    AppSpecification: { ImageUri: '141502667606.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3', ContainerEntrypoint: ['python3', `/opt/ml/processing/input/code/${name}.py`] },
    ProcessingInputs: [{ InputName: 'in', S3Input: { S3Uri: input, LocalPath: '/opt/ml/processing/input/data' } }],
    ProcessingOutputConfig: { Outputs: [{ OutputName: 'out', S3Output: { S3Uri: output, LocalPath: '/opt/ml/processing/output' } }] },
  },
  ...(next ? { Next: next } : { End: true }),
});

describe('bad legacy repositories', () => {
  test('an ASL with no SageMaker task and a JSON that is not ASL are report lines when the rest imports', () => {
    const dir = legacyRepo({
      'lambda-flow.json': JSON.stringify({ StartAt: 'A', States: { A: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', End: true } } }),
      'notes.json': '{ not json',
      'inference/Dockerfile': 'FROM python:3.11\nCOPY predict.py /app/\nENTRYPOINT ["python3", "/app/predict.py"]\n',
      'inference/predict.py': 'print(1)\n',
    });
    const plan = planImport([{ path: dir }], STAGES, '--from');
    const lines = plan.repository!.report.map((r) => `${r.legacy}: ${r.outcome}: ${r.why ?? ''}`);
    expect(lines).toEqual(expect.arrayContaining([expect.stringMatching(/lambda-flow\.json: not imported: .*no SageMaker task/), expect.stringMatching(/notes\.json: not imported: .*does not parse/)]));
    expect(plan.repository!.overrides).toEqual([{ name: 'predict', mode: 'container', entryScript: 'predict.py' }]);
  });

  test.each([
    ['a Dockerfile with no entry', { 'predict/Dockerfile': 'FROM python:3.11\nCOPY . /app\n', 'predict/predict.py': '' }, /predict\/Dockerfile: it has no ENTRYPOINT or CMD/],
    ['two Dockerfiles for one stage', { 'predict/Dockerfile': 'FROM a\nCMD ["python3","/x.py"]\n', 'predict/Dockerfile.gpu': 'FROM b\nCMD ["python3","/x.py"]\n' }, /predict\/ holds two Dockerfiles \(Dockerfile, Dockerfile\.gpu\) for one stage/],
    ['S3 wiring that forms a cycle', {
      'sm.json': JSON.stringify({ StartAt: 'preprocess', States: { preprocess: task('preprocess', 'predict', 's3://b/y/', 's3://b/x/'), predict: task('predict', undefined, 's3://b/x/', 's3://b/y/') } }),
      'preprocess/preprocess.py': '', 'predict/predict.py': '',
    }, /the legacy S3 locations form a cycle \(preprocess → predict → preprocess\)/],
  ])('%s is one clear error line, and create writes nothing', async (_what, files, message) => {
    const dir = legacyRepo(files as Record<string, string>);
    expect(() => planImport([{ path: dir }], STAGES, '--from')).toThrow(message);
    const parent = trackedMkdtemp(path.join(os.tmpdir(), 'legacy-bad-target-'));
    const errors: string[] = [];
    const code = await runCreate([path.join(parent, 'x'), '--yes', '--region', 'eu-west-1', '--account', '111122223333', '--from', dir, '--skip-install', '--no-git'], parent, { out: () => undefined, err: (l) => errors.push(l) });
    expect(code).toBe(1);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(message);
    expect(fs.readdirSync(parent)).toEqual([]);
  });
});

describe('legacy readers', () => {
  test('ASL: non-ASL, no SageMaker task, reach order and reference paths', () => {
    expect(parseLegacyAsl('{"a":1}', 'x.json')).toEqual({ notAsl: expect.stringContaining('not a state machine') });
    expect(parseLegacyAsl('StartAt: A\nStates:\n  A: {Type: Pass, End: true}\n', 'x.yaml')).toEqual({ problem: expect.stringContaining('no SageMaker task') });
    const asl = parseLegacyAsl(JSON.stringify({ StartAt: 'C', States: { B: { Type: 'Task', Resource: 'arn:aws:states:::sagemaker:createTransformJob.sync', End: true }, C: { Type: 'Task', Resource: 'arn:aws:states:::sagemaker:createTrainingJob', Next: 'B' } } }), 'x.json');
    expect('machine' in asl && asl.machine.tasks.map((t) => [t.stateName, t.kind, t.sync])).toEqual([['C', 'training', false], ['B', 'transform', true]]);
    expect(readPath({ a: { b: [1, { c: 'x' }] } }, "$.a.b[1]['c']")).toBe('x');
    expect(readPath({ a: 1 }, '$..a')).toBeUndefined();
  });

  test('Dockerfile: entry through WORKDIR and COPY (exec and shell forms), requirements from pip lines', () => {
    const files = ['Dockerfile', 'src/predict.py', 'src/requirements.txt', 'extra.txt'];
    expect(analyseDockerfile('FROM python:3.8\nCOPY ./src/requirements.txt /opt/ml/code/requirements.txt\nRUN pip3 install --no-cache-dir -r /opt/ml/code/requirements.txt && pip install boto3==1.2\nCOPY ./src/* /opt/ml/code/\nCMD ["python", "/opt/ml/code/predict.py"]\n', files)).toEqual({
      command: ['python', '/opt/ml/code/predict.py'], entryFile: 'src/predict.py', entryInImage: '/opt/ml/code/predict.py', requirementsFiles: ['src/requirements.txt'], packages: ['boto3==1.2'],
    });
    expect(analyseDockerfile('FROM x\nWORKDIR /srv\nCOPY src app\nWORKDIR app\nENTRYPOINT python predict.py --fast\n', files)).toMatchObject({ entryFile: 'src/predict.py', entryInImage: '/srv/app/predict.py' });
    expect(analyseDockerfile('FROM x\nCMD ["python", "/nowhere/run.py"]\n', files).problem).toMatch(/runs \/nowhere\/run\.py, which no COPY/);
    expect(pipInstalls('python3 -m pip install -r req.txt pandas; echo done')).toEqual([{ requirements: ['req.txt'], packages: ['pandas'] }]);
  });

  test('names: folders, scripts and states that mean one stage', () => {
    expect(namesMatch('inferencecontainer', 'Inference')).toBe(true);
    expect(namesMatch('preprocessing', 'PreProcessing')).toBe(true);
    expect(namesMatch('postprocess.py', 'PreProcessing')).toBe(false);
  });
});
