/**
 * `legacy-mlops local` on the lifecycle preset: the generated stubs train a real scikit-learn model on
 * the labelled sample data, evaluate it behind the accuracy gate, register it and score every customer
 * with a batch transform, all on real Python (/usr/bin/python3) under bubblewrap. The results are
 * checked against the model itself, loaded by a separate Python process.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LocalRunRefused, type LocalRunReport } from '../../src/local/index.js';
import { LIFECYCLE_STAGES, type StageOptions } from '../../src/model/index.js';
import { PIPELINE_FILES } from '../../src/model/repo-layout.js';
import { PYTHON, generatedRepo, parseCsv, runQuietly, type GeneratedRepo } from '../support/generated-repo.js';

type Json = Record<string, any>;
const runsOf = (repo: GeneratedRepo, report: LocalRunReport) => join(report.s3Root, repo.pipeline.s3.bucket, 'runs', report.executionName);

/** An execution input file next to the sample, changed by `change`. */
function inputWith(repo: GeneratedRepo, file: string, change: (input: Json) => void): string {
  const input = repo.readJson<Json>(PIPELINE_FILES.executionInput);
  change(input);
  repo.write(`pipeline/${file}`, JSON.stringify(input, null, 2));
  return join(repo.dir, 'pipeline', file);
}

/** Runs Python on the model artifact, independently of the stubs: accuracy on test.csv and probabilities for score.csv. */
function scoreWithArtifact(artifact: string, test: string, score: string): { accuracy: number; probabilities: Record<string, number> } {
  const program = `
import json, sys, tarfile, io
import joblib, pandas as pd
with tarfile.open(sys.argv[1]) as tar:
    member = next(m for m in tar.getmembers() if m.name.endswith('model.joblib'))
    model = joblib.load(io.BytesIO(tar.extractfile(member).read()))
test = pd.read_csv(sys.argv[2])
features = test.drop(columns=['customer_id', 'churned'])
accuracy = float((model.predict(features) == test['churned']).mean())
score = pd.read_csv(sys.argv[3], header=None)
probabilities = model.predict_proba(score.iloc[:, 1:].set_axis(features.columns, axis=1))[:, 1]
print(json.dumps({'accuracy': accuracy, 'probabilities': dict(zip(score[0].astype(str), map(float, probabilities)))}))
`;
  return JSON.parse(execFileSync(PYTHON, ['-c', program, artifact, test, score], { encoding: 'utf8' })) as { accuracy: number; probabilities: Record<string, number> };
}

describe('the lifecycle pipeline under bwrap', () => {
  const repo = generatedRepo({ stages: [...LIFECYCLE_STAGES] });
  let report: LocalRunReport;
  let output: string;

  beforeAll(async () => {
    ({ report, output } = await runQuietly(repo, { backend: 'bwrap' }));
  });

  test('every stage runs: split, train, evaluate and gate, model, transform', () => {
    expect(report.status).toBe('SUCCEEDED');
    expect(report.states.filter((s) => s.type !== 'Choice').map((s) => [s.name, s.status, s.jobs.map((j) => j.jobKind)])).toEqual([
      ['preprocess', 'SUCCEEDED', [undefined]],
      ['train', 'SUCCEEDED', ['training']],
      ['evaluate', 'SUCCEEDED', [undefined]],
      ['evaluate: read report', 'SUCCEEDED', []],
      ['evaluate: publish metric', 'SUCCEEDED', []],
      ['model', 'SUCCEEDED', []],
      ['transform', 'SUCCEEDED', ['transform']],
    ]);
    expect(report.states.find((s) => s.name === 'evaluate: gate')?.status).toBe('SUCCEEDED');
  });

  test('training writes model.tar.gz where SageMaker would, and the result names it', () => {
    const train = report.states.find((s) => s.name === 'train')!.jobs[0];
    const uri = `${repo.pipeline.s3.runsUri}${report.executionName}/train/model/${train.jobName}/output/model.tar.gz`;
    const results = (report.output as Json).results;
    expect(results.train.modelArtifacts).toBe(uri);
    expect(train.outputs).toEqual([{ name: 'model', s3Uri: uri, localPath: join(runsOf(repo, report), 'train', 'model', train.jobName, 'output', 'model.tar.gz') }]);
    const listing = execFileSync('tar', ['-tzf', train.outputs[0].localPath], { encoding: 'utf8' }).split('\n').map((l) => l.replace(/^\.\//, ''));
    expect(listing).toEqual(expect.arrayContaining(['model.joblib', 'code/inference.py']));
  });

  test('the training job saw the training contract: channels, hyperparameters, config files', () => {
    const job = report.states.find((s) => s.name === 'train')!.jobs[0];
    const config = join(job.dir, 'opt/ml/input/config');
    expect(JSON.parse(readFileSync(join(config, 'hyperparameters.json'), 'utf8'))).toEqual({ C: '1.0', max_iter: '1000' });
    expect(Object.keys(JSON.parse(readFileSync(join(config, 'inputdataconfig.json'), 'utf8')))).toEqual(['code', 'train']);
    expect(JSON.parse(readFileSync(join(config, 'resourceconfig.json'), 'utf8'))).toMatchObject({ current_host: 'algo-1', hosts: ['algo-1'] });
    expect(existsSync(join(job.dir, 'opt/ml/input/data/train/train.csv'))).toBe(true);
    expect(readFileSync(job.stdoutLog, 'utf8')).toMatch(/train: trained on 180 rows, 5 features/);
  });

  test('a real scikit-learn model: the report matches the model on the held-out rows, and it passes the 0.7 gate', () => {
    const runs = runsOf(repo, report);
    const artifact = report.states.find((s) => s.name === 'train')!.jobs[0].outputs[0].localPath;
    const independent = scoreWithArtifact(artifact, join(runs, 'preprocess/test/test.csv'), join(runs, 'preprocess/score/score.csv'));
    const evaluation = JSON.parse(readFileSync(join(runs, 'evaluate/report/evaluation.json'), 'utf8'));
    expect(evaluation.metrics.accuracy.value).toBeCloseTo(independent.accuracy, 10);
    expect(evaluation.metrics.accuracy.value).toBeGreaterThanOrEqual(0.7);
    expect(evaluation.rows).toBe(60);
    expect(Object.keys(evaluation.metrics).sort()).toEqual(['accuracy', 'f1', 'log_loss', 'precision', 'recall', 'roc_auc']);
    expect((report.output as Json).results.evaluate.report.body).toEqual(evaluation);
  });

  test('the gate published the accuracy it compared, as CloudWatch would keep it, under .local/metrics', () => {
    const evaluation = JSON.parse(readFileSync(join(runsOf(repo, report), 'evaluate/report/evaluation.json'), 'utf8'));
    const points = readFileSync(join(repo.dir, '.local/metrics/legacy-mlops/demo/accuracy.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(points).toEqual([expect.objectContaining({ execution: report.executionName, namespace: 'legacy-mlops/demo', dimensions: { Pipeline: 'demo', Stage: 'evaluate' }, value: evaluation.metrics.accuracy.value, unit: 'None' })]);
    expect(output).toContain('evaluate: publish metric: accuracy = ');
  });

  test('the batch transform ran the model on every input line: one prediction per customer, from the model itself', () => {
    const runs = runsOf(repo, report);
    const artifact = report.states.find((s) => s.name === 'train')!.jobs[0].outputs[0].localPath;
    const { probabilities } = scoreWithArtifact(artifact, join(runs, 'preprocess/test/test.csv'), join(runs, 'preprocess/score/score.csv'));
    const predictions = readFileSync(join(runs, 'transform/predictions/score.csv.out'), 'utf8').trim().split('\n').map((l) => l.split(','));
    const customers = parseCsv(repo.read('data/raw/pre_processing_input.csv')).map((r) => r.customer_id);
    expect(predictions.map(([id]) => id)).toEqual(customers);
    for (const [id, p] of predictions) expect(Math.abs(Number(p) - probabilities[id])).toBeLessThanOrEqual(1e-6);
    expect(output).toMatch(/final output: \.local\/s3\/.*\/transform\/predictions/);
  });

  test('the model stage recorded the model the transform ran', () => {
    const results = (report.output as Json).results;
    const model = results.model.modelName;
    expect(model).toMatch(/^demo-model-[0-9a-f-]{36}$/);
    const transform = report.states.find((s) => s.name === 'transform')!.jobs[0];
    const config = readFileSync(join(transform.dir, 'opt/ml/model/code/inference.py'), 'utf8');
    expect(config).toContain('def model_fn(model_dir');
    expect(output).toContain(`model: model ${model} recorded`);
  });
});

describe('the same lifecycle with other inputs', () => {
  const repo = generatedRepo({ stages: [...LIFECYCLE_STAGES] });

  test('a threshold above the achieved accuracy ends in the gate Fail state naming metric, value and threshold', async () => {
    const strict = inputWith(repo, 'strict.json', (input) => (input.stages.evaluate.threshold = 0.95));
    const { report, output } = await runQuietly(repo, { backend: 'bwrap', inputPath: strict });
    expect(report.status).toBe('FAILED');
    expect(report.error).toEqual({
      error: 'MetricBelowThreshold',
      cause: expect.stringMatching(/^accuracy 0\.8\d* is below the threshold 0\.95 \(higher is better\): the model did not pass the evaluate gate$/),
      state: 'evaluate: gate failed',
    });
    const ran = report.states.map((s) => s.name);
    expect(ran).not.toContain('model');
    expect(ran).not.toContain('transform');
    expect(output).toMatch(/MetricBelowThreshold: accuracy 0\.8\d* is below the threshold 0\.95/);
    // The failing value is on the graph too.
    const points = readFileSync(join(repo.dir, '.local/metrics/legacy-mlops/demo/accuracy.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(points.find((pt) => pt.execution === report.executionName)?.value).toBe(Number(/^accuracy (\S+) is below/.exec(report.error!.cause)![1]));
  });

  test('a skipped stage nobody needs is skipped; skipping one an enabled stage reads refuses the run before any job', async () => {
    const noTransform = inputWith(repo, 'no-transform.json', (input) => (input.stages.transform.enabled = false));
    const { report } = await runQuietly(repo, { backend: 'bwrap', inputPath: noTransform });
    expect(report.status).toBe('SUCCEEDED');
    expect(report.states.map((s) => s.name)).not.toContain('transform');
    expect(report.states.map((s) => s.name)).toContain('model');

    const noTrain = inputWith(repo, 'no-train.json', (input) => (input.stages.train.enabled = false));
    const refused = await runQuietly(repo, { backend: 'bwrap', inputPath: noTrain }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(LocalRunRefused);
    expect((refused as LocalRunRefused).problems).toEqual([
      expect.stringMatching(/^pipeline\/no-train\.json: field 'stages\.train\.enabled': stage 'train' is skipped, but state 'evaluate' still runs/),
      expect.stringMatching(/state 'model' still runs and reads its output \(\$\.results\.train\)/),
    ]);
  });

  test('a failing training script fails the job with /opt/ml/output/failure as the reason', async () => {
    const broken = generatedRepo({ stages: [...LIFECYCLE_STAGES] });
    const script = broken.read('stages/train/train.py').replace('model.fit(features, label)', 'raise ValueError("no convergence today")');
    broken.write('stages/train/train.py', script);
    const { report, output } = await runQuietly(broken, { backend: 'bwrap' });
    expect(report.status).toBe('FAILED');
    expect(report.error?.state).toBe('train failed');
    const job = report.states.find((s) => s.name === 'train')!.jobs[0];
    expect(job).toMatchObject({ status: 'Failed', exitCode: 1, failureReason: 'AlgorithmError: ValueError: no convergence today, exit code: 1' });
    expect(JSON.parse(report.error!.cause)).toMatchObject({ TrainingJobStatus: 'Failed', FailureReason: 'AlgorithmError: ValueError: no convergence today, exit code: 1' });
    expect(output).toContain('failure reason: AlgorithmError: ValueError: no convergence today');
  });
});

describe('an endpoint stage locally', () => {
  test('is not emulated: its calls are answered, nothing is deployed, and the run says so', async () => {
    const stages: StageOptions[] = [...LIFECYCLE_STAGES, { name: 'serve', kind: 'endpoint', endpointWait: { intervalSeconds: 30, maxAttempts: 3 } }];
    const repo = generatedRepo({ stages });
    const { report, output } = await runQuietly(repo, { backend: 'direct' });
    expect(report.status).toBe('SUCCEEDED');
    expect(report.notices).toEqual([expect.stringMatching(/^stage 'serve' deploys a real-time endpoint, which local runs do not emulate/)]);
    expect(output).toContain("notice: stage 'serve' deploys a real-time endpoint");
    // The wait loop ran without waiting: one check, InService.
    expect(report.states.filter((s) => s.name.startsWith('serve')).map((s) => s.name)).toEqual([
      'serve',
      'serve: find endpoint',
      'serve: create or update?',
      'serve: create endpoint',
      'serve: start waiting',
      'serve: wait',
      'serve: status',
      'serve: in service?',
    ]);
    // The Wait state asks for 30 s; locally it does not wait (its own duration, not the machine's speed, is what is asserted).
    expect(report.states.find((s) => s.name === 'serve: wait')!.durationMs).toBeLessThan(30_000 / 2);
  });
});
