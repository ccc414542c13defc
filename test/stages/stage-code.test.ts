/**
 * The stage code a generated repo starts with: the stubs compile, run for
 * real on the sample data through the whole default pipeline, fail the
 * SageMaker way, honour the laptop overrides, and the Dockerfile builds the
 * image SageMaker expects.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as fc from 'fast-check';
import { resolvePipeline, type PipelineOptions, type ResolvedPipeline } from '../../src/model/index.js';
import { CONTAINER_BASE_IMAGE, SAMPLE_DATA_PATH, renderSampleData, renderStageFiles, stageRole } from '../../src/stages/index.js';
import { findTemplatesRoot } from '../../src/stages/template-files.js';

const PYTHON = process.env.LEGACY_MLOPS_PYTHON ?? '/usr/bin/python3';
const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const DEFAULT = resolvePipeline({ name: 'demo', region: 'eu-west-1', account: '111122223333' });

function tempDir(label: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `stage-code-${label}-`));
}

/** Renders every stage of a pipeline (and the sample data) into a fresh folder. */
function renderRepo(pipeline: ResolvedPipeline, label: string): string {
  const dir = tempDir(label);
  const files = [...pipeline.stages.flatMap((s) => renderStageFiles(s, pipeline)), ...renderSampleData(pipeline)];
  for (const file of files) {
    fs.mkdirSync(path.dirname(path.join(dir, file.path)), { recursive: true });
    fs.writeFileSync(path.join(dir, file.path), file.content);
  }
  return dir;
}

/** Runs a stub with a clean environment: only the variables given (plus PATH/HOME) are set. */
function runStub(script: string, args: string[] = [], env: Record<string, string> = {}) {
  const result = spawnSync(PYTHON, [script, ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', ...env },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/**
 * Compiles with py_compile and also parses with Python 3.9's grammar, since
 * the framework images run older Pythons than the one on this machine.
 */
function compileAll(files: string[]): void {
  const check = [
    'import ast, py_compile, sys',
    'for f in sys.argv[1:]:',
    '    py_compile.compile(f, doraise=True)',
    '    ast.parse(open(f, encoding="utf-8").read(), f, feature_version=(3, 9))',
  ].join('\n');
  const result = spawnSync(PYTHON, ['-c', check, ...files], { encoding: 'utf8' });
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
}

function parseCsv(text: string): Record<string, string>[] {
  const [header, ...rows] = text.trim().split(/\r?\n/);
  const columns = header.split(',');
  return rows.map((row) => Object.fromEntries(row.split(',').map((value, i) => [columns[i], value])));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * The expected final output, computed here from the raw rows and the
 * specification of the sample logic (not from the Python code): medians fill
 * gaps, a fixed logistic model scores churn, bands at 0.7 and 0.4.
 */
function expectedFinalRows(rawCsv: string) {
  const raw = parseCsv(rawCsv);
  const numeric = ['age', 'tenure_months', 'monthly_charges', 'support_calls'];
  const fill = Object.fromEntries(
    numeric.map((c) => [c, median(raw.filter((r) => r[c] !== '').map((r) => Number(r[c])))]),
  );
  const scored = raw.map((r) => {
    const x = (c: string) => (r[c] === '' ? fill[c] : Number(r[c]));
    const monthToMonth = r.contract.trim().toLowerCase() === 'month-to-month' ? 1 : 0;
    const z = -1.0 - 0.02 * x('age') - 0.05 * x('tenure_months') + 0.025 * x('monthly_charges') + 0.45 * x('support_calls') + 1.1 * monthToMonth;
    return { id: r.customer_id, probability: 1 / (1 + Math.exp(-z)) };
  });
  scored.sort((a, b) => b.probability - a.probability || a.id.localeCompare(b.id));
  return {
    fill,
    rows: scored.map((s, i) => ({
      rank: i + 1,
      id: s.id,
      probability: s.probability,
      band: s.probability >= 0.7 ? 'high' : s.probability >= 0.4 ? 'medium' : 'low',
    })),
  };
}

describe('renderStageFiles for the default pipeline', () => {
  const files = DEFAULT.stages.flatMap((s) => renderStageFiles(s, DEFAULT));
  const byPath = new Map(files.map((f) => [f.path, f.content]));

  it('writes a stub and requirements per stage, and a Dockerfile only for the stage built from one', () => {
    expect([...byPath.keys()].sort()).toEqual([
      'stages/postprocess/postprocess.py',
      'stages/postprocess/requirements.txt',
      'stages/predict/Dockerfile',
      'stages/predict/predict.py',
      'stages/predict/requirements.txt',
      'stages/preprocess/preprocess.py',
      'stages/preprocess/requirements.txt',
    ]);
  });

  it('bakes each stage\'s resolved folders into its stub and names the legacy function after the role', () => {
    for (const stage of DEFAULT.stages) {
      const script = byPath.get(`stages/${stage.name}/${stage.entryScript}`)!;
      expect(script).toContain(`"${stage.inputs[0].name}": "${stage.inputs[0].localPath}"`);
      expect(script).toContain(`"${stage.outputs[0].name}": "${stage.outputs[0].localPath}"`);
      expect(script).toContain(`def legacy_${stage.name}(inputs`);
      expect(script).toMatch(/# =+ LEGACY CODE =+\n[\s\S]*def legacy_[\s\S]*# =+ END LEGACY CODE =+/);
      expect(script).toContain('MESSAGE_FILE = "/opt/ml/output/message"');
    }
  });

  it('script-mode requirements are comments only and say they are pip-installed; the container ones pin pandas', () => {
    for (const name of ['preprocess', 'postprocess']) {
      const text = byPath.get(`stages/${name}/requirements.txt`)!;
      const packages = text.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('#'));
      expect(packages).toEqual([]);
      expect(text).toMatch(/pip-installed/);
      expect(text).toContain('scikit-learn');
    }
    const container = byPath.get('stages/predict/requirements.txt')!;
    expect(container).toMatch(/^pandas==\d+\.\d+\.\d+$/m);
    expect(container.split('\n').filter((line) => line && !line.startsWith('#')).every((l) => /^[a-z0-9_-]+==[\d.]+$/i.test(l))).toBe(true);
  });

  it('Dockerfile: slim Python base, requirements installed before the code is copied, exec-form ENTRYPOINT on the entry script', () => {
    const lines = byPath.get('stages/predict/Dockerfile')!.split('\n').map((l) => l.trim());
    expect(lines.filter((l) => l.startsWith('FROM '))).toEqual([`FROM ${CONTAINER_BASE_IMAGE}`]);
    expect(CONTAINER_BASE_IMAGE).toBe('python:3.12-slim-bookworm');
    const at = (pattern: RegExp) => lines.findIndex((l) => pattern.test(l));
    const copyRequirements = at(/^COPY requirements\.txt /);
    const install = at(/^RUN pip install --no-cache-dir -r \S*requirements\.txt$/);
    const copyCode = at(/^COPY \. \/opt\/ml\/code\/?$/);
    expect(copyRequirements).toBeGreaterThan(0);
    expect(install).toBeGreaterThan(copyRequirements);
    expect(copyCode).toBeGreaterThan(install);
    expect(lines.some((l) => /PYTHONUNBUFFERED=1/.test(l))).toBe(true);
    const entrypoints = lines.filter((l) => l.startsWith('ENTRYPOINT'));
    expect(entrypoints).toHaveLength(1);
    expect(JSON.parse(entrypoints[0].slice('ENTRYPOINT'.length))).toEqual(['python3', '/opt/ml/code/predict.py']);
  });
});

describe('stage roles', () => {
  it('a sample role name with a custom channel layout gets the generic stub, with its real channels', () => {
    const pipeline = resolvePipeline({
      name: 'demo',
      region: 'eu-west-1',
      account: '111122223333',
      stages: [
        { name: 'preprocess' },
        { name: 'predict', inputs: [{ name: 'features', from: 'preprocess/data' }, { name: 'lookup', from: 'raw' }] },
      ],
    });
    expect(stageRole(pipeline.stages[0])).toBe('preprocess');
    expect(stageRole(pipeline.stages[1])).toBe('generic');
    const [script] = renderStageFiles(pipeline.stages[1], pipeline);
    expect(script.content).toContain('"features": "/opt/ml/processing/input/features"');
    expect(script.content).toContain('"lookup": "/opt/ml/processing/input/lookup"');
    expect(script.content).not.toContain('COEFFICIENTS');
    expect(script.content).toContain('def legacy_predict(inputs');
  });

  it('a custom entry script and an existing image: stub at the entry script, no Dockerfile, requirements say nothing installs them', () => {
    const imageUri = '444455556666.dkr.ecr.eu-west-1.amazonaws.com/legacy/scorer:1.0';
    const pipeline = resolvePipeline({
      name: 'demo',
      region: 'eu-west-1',
      account: '111122223333',
      stages: [{ name: 'score', mode: 'container', imageUri, entryScript: 'jobs/run_score.py' }],
    });
    const files = renderStageFiles(pipeline.stages[0], pipeline);
    expect(files.map((f) => f.path)).toEqual(['stages/score/jobs/run_score.py', 'stages/score/requirements.txt']);
    expect(files[1].content).toContain(imageUri);
    expect(files[1].content).toMatch(/nothing installs this file/);
  });

  it('a Dockerfile stage with an entry script in a subfolder points its ENTRYPOINT there', () => {
    const pipeline = resolvePipeline({
      name: 'demo',
      region: 'eu-west-1',
      account: '111122223333',
      stages: [{ name: 'score', mode: 'container', entryScript: 'jobs/run_score.py' }],
    });
    const dockerfile = renderStageFiles(pipeline.stages[0], pipeline).find((f) => f.path === 'stages/score/Dockerfile')!;
    expect(dockerfile.content).toContain('ENTRYPOINT ["python3", "/opt/ml/code/jobs/run_score.py"]');
  });

  it('a stage description with quotes, backslashes and line breaks cannot break the stub\'s Python', () => {
    const pipeline = resolvePipeline({
      name: 'demo',
      region: 'eu-west-1',
      account: '111122223333',
      stages: [{ name: 'tricky', description: 'Ends with a quote: """\\n and\nnew "lines" \\' }],
    });
    const dir = renderRepo(pipeline, 'tricky');
    compileAll([path.join(dir, 'stages/tricky/tricky.py')]);
  });
});

describe('templates folder', () => {
  it('is found from the source module and from the compiled lib/src/stages layout of the published package', () => {
    const templates = path.join(REPO_ROOT, 'templates');
    expect(findTemplatesRoot(pathToFileURL(path.join(REPO_ROOT, 'src/stages/template-files.ts')).href)).toBe(templates);
    expect(findTemplatesRoot(pathToFileURL(path.join(REPO_ROOT, 'lib/src/stages/template-files.js')).href)).toBe(templates);
  });

  it('the sample data is small, has an id and numeric features, and a few gaps for preprocess', () => {
    const [sample] = renderSampleData(DEFAULT);
    expect(sample.path).toBe(SAMPLE_DATA_PATH);
    expect(SAMPLE_DATA_PATH).toBe('data/raw/pre_processing_input.csv');
    const rows = parseCsv(sample.content);
    expect(rows.length).toBeGreaterThanOrEqual(20);
    expect(rows.length).toBeLessThanOrEqual(50);
    expect(new Set(rows.map((r) => r.customer_id)).size).toBe(rows.length);
    const gaps = rows.flatMap((r) => Object.values(r)).filter((v) => v === '').length;
    expect(gaps).toBeGreaterThanOrEqual(2);
  });
});

describe('running the default pipeline\'s stubs for real (Python with pandas)', () => {
  const repo = renderRepo(DEFAULT, 'default');
  const script = (name: string) => path.join(repo, 'stages', name, `${name}.py`);
  const rawCsv = fs.readFileSync(path.join(repo, SAMPLE_DATA_PATH), 'utf8');

  it('every stub compiles (Python 3.9 grammar too)', () => {
    compileAll(DEFAULT.stages.map((s) => script(s.name)));
  });

  it('preprocess → predict → postprocess under LEGACY_MLOPS_OPT_ML produce the expected final output', () => {
    const root = tempDir('chain');
    const input = path.join(root, 'processing/input/data');
    const output = path.join(root, 'processing/output/data');
    fs.mkdirSync(input, { recursive: true });
    fs.copyFileSync(path.join(repo, SAMPLE_DATA_PATH), path.join(input, 'pre_processing_input.csv'));
    const produced: Record<string, string[]> = {};
    let features = '';
    for (const stage of ['preprocess', 'predict', 'postprocess']) {
      const run = runStub(script(stage), [], { LEGACY_MLOPS_OPT_ML: root });
      expect({ stage, status: run.status, stderr: run.stderr }).toEqual({ stage, status: 0, stderr: '' });
      produced[stage] = fs.readdirSync(output);
      if (stage === 'preprocess') features = fs.readFileSync(path.join(output, 'predictions_input.csv'), 'utf8');
      // The next stage reads what this one wrote, as SageMaker would copy it through S3.
      fs.rmSync(input, { recursive: true });
      fs.renameSync(output, input);
    }
    expect(produced).toEqual({
      preprocess: ['predictions_input.csv'],
      predict: ['predictions_output.csv'],
      postprocess: ['final_output.csv'],
    });
    expect(fs.existsSync(path.join(root, 'output/message'))).toBe(false);

    const expected = expectedFinalRows(rawCsv);
    // The gaps were filled with the column medians.
    const featureRows = new Map(parseCsv(features).map((r) => [r.customer_id, r]));
    const raw = parseCsv(rawCsv);
    for (const r of raw) {
      for (const column of ['age', 'monthly_charges']) {
        const want = r[column] === '' ? expected.fill[column] : Number(r[column]);
        expect(Number(featureRows.get(r.customer_id)![column])).toBeCloseTo(want, 9);
      }
    }
    expect(raw.filter((r) => r.age === '' || r.monthly_charges === '').length).toBeGreaterThanOrEqual(2);

    const final = parseCsv(fs.readFileSync(path.join(input, 'final_output.csv'), 'utf8'));
    expect(Object.keys(final[0])).toEqual(['rank', 'customer_id', 'churn_probability', 'risk_band']);
    expect(final.map((r) => r.customer_id)).toEqual(expected.rows.map((r) => r.id));
    expect(final.map((r) => Number(r.rank))).toEqual(expected.rows.map((r) => r.rank));
    expect(final.map((r) => r.risk_band)).toEqual(expected.rows.map((r) => r.band));
    final.forEach((r, i) => {
      // Rounded to 4 decimals by postprocess.
      expect(Math.abs(Number(r.churn_probability) - expected.rows[i].probability)).toBeLessThanOrEqual(0.00005 + 1e-9);
    });
    // The sample exercises every band.
    expect(new Set(final.map((r) => r.risk_band))).toEqual(new Set(['high', 'medium', 'low']));
  });

  it('a missing input file fails the job with an ExitMessage naming the file', () => {
    const root = tempDir('missing');
    const run = runStub(script('preprocess'), [], { LEGACY_MLOPS_OPT_ML: root });
    expect(run.status).not.toBe(0);
    const message = fs.readFileSync(path.join(root, 'output/message'), 'utf8');
    expect(message).toContain(path.join(root, 'processing/input/data/pre_processing_input.csv'));
    expect(message).toMatch(/^FileNotFoundError: /);
  });

  it('a legacy function that raises exits non-zero and writes at most 1 KB of valid UTF-8 to the message file', () => {
    const original = fs.readFileSync(script('predict'), 'utf8');
    const anchor = '    features_path = require_input_file(';
    expect(original).toContain(anchor);
    const broken = original.replace(anchor, `    raise ValueError("legacy model exploded: " + "é" * 2000)\n${anchor}`);
    const brokenScript = path.join(tempDir('broken'), 'predict.py');
    fs.writeFileSync(brokenScript, broken);
    const root = tempDir('raise');
    const run = runStub(brokenScript, [], { LEGACY_MLOPS_OPT_ML: root });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('Traceback');
    const bytes = fs.readFileSync(path.join(root, 'output/message'));
    const text = bytes.toString('utf8');
    expect(text.startsWith('ValueError: legacy model exploded: éé')).toBe(true);
    expect(bytes.length).toBeLessThanOrEqual(1024);
    expect(bytes.length).toBeGreaterThan(1020);
    // No character was cut in half: decoding and re-encoding gives the same bytes.
    expect(Buffer.from(text, 'utf8').equals(bytes)).toBe(true);
  });

  it('--input-data / --output-data override single folders, and win over LEGACY_MLOPS_OPT_ML', () => {
    const inputDir = tempDir('flag-in');
    const outputDir = path.join(tempDir('flag-out'), 'nested', 'out');
    fs.writeFileSync(path.join(inputDir, 'pre_processing_input.csv'), rawCsv);
    const root = tempDir('flag-root');
    const run = runStub(script('preprocess'), ['--input-data', inputDir, '--output-data', outputDir], { LEGACY_MLOPS_OPT_ML: root });
    expect(run.status).toBe(0);
    expect(fs.readdirSync(outputDir)).toEqual(['predictions_input.csv']);
    expect(parseCsv(fs.readFileSync(path.join(outputDir, 'predictions_input.csv'), 'utf8'))).toHaveLength(parseCsv(rawCsv).length);
    expect(fs.existsSync(path.join(root, 'processing'))).toBe(false);
  });
});

describe('generic stubs', () => {
  it('a custom stage with two inputs (one at a custom path) and two outputs compiles and copies every input to every output', () => {
    const pipeline = resolvePipeline({
      name: 'demo',
      region: 'eu-west-1',
      account: '111122223333',
      stages: [
        { name: 'clean' },
        {
          name: 'join-tables',
          inputs: [
            { name: 'features', from: 'clean/data' },
            { name: 'lookup', from: 'raw', localPath: '/opt/ml/processing/reference/lookup' },
          ],
          outputs: [{ name: 'train' }, { name: 'report' }],
        },
      ],
    });
    const stage = pipeline.stages[1];
    expect(stageRole(stage)).toBe('generic');
    const repo = renderRepo(pipeline, 'generic');
    const stub = path.join(repo, 'stages/join-tables/join_tables.py');
    expect(fs.readFileSync(stub, 'utf8')).toContain('def legacy_join_tables(inputs');
    compileAll([stub, path.join(repo, 'stages/clean/clean.py')]);

    const root = tempDir('generic-run');
    const features = path.join(root, 'processing/input/features');
    const lookup = path.join(root, 'processing/reference/lookup');
    fs.mkdirSync(features, { recursive: true });
    fs.mkdirSync(path.join(lookup, 'codes'), { recursive: true });
    fs.writeFileSync(path.join(features, 'rows.csv'), 'id,x\n1,0.5\n2,1.5\n');
    fs.writeFileSync(path.join(lookup, 'codes', 'regions.json'), '{"eu": 1}\n');
    const run = runStub(stub, [], { LEGACY_MLOPS_OPT_ML: root });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    for (const output of ['train', 'report']) {
      const dir = path.join(root, 'processing/output', output);
      expect(fs.readFileSync(path.join(dir, 'features/rows.csv'), 'utf8')).toBe('id,x\n1,0.5\n2,1.5\n');
      expect(fs.readFileSync(path.join(dir, 'lookup/codes/regions.json'), 'utf8')).toBe('{"eu": 1}\n');
    }

    // An empty input is a clear failure, not an empty output.
    fs.rmSync(lookup, { recursive: true });
    const failed = runStub(stub, [], { LEGACY_MLOPS_OPT_ML: root });
    expect(failed.status).toBe(1);
    expect(fs.readFileSync(path.join(root, 'output/message'), 'utf8')).toContain(`input 'lookup' has no files in ${lookup}`);
  });

  it('stubs for random stage and channel names compile and offer a flag per channel', () => {
    const channel = fc.stringMatching(/^[a-zA-Z0-9][a-zA-Z0-9_-]{0,11}$/);
    const stageName = fc
      .stringMatching(/^[a-z](-?[a-z0-9]){0,12}$/)
      .filter((n) => n.length <= 20 && !['raw', 'code', 'runs', 'data'].includes(n));
    const stageArb = fc.record({
      name: stageName,
      mode: fc.constantFrom('script' as const, 'container' as const),
      inputs: fc.uniqueArray(channel, { minLength: 1, maxLength: 4, selector: (c) => c.toLowerCase() }),
      outputs: fc.uniqueArray(channel, { minLength: 1, maxLength: 3, selector: (c) => c.toLowerCase() }),
    });
    const samples = fc.sample(stageArb, { numRuns: 8, seed: 20240611 });
    const scripts: string[] = [];
    const flags: { script: string; expected: string[] }[] = [];
    samples.forEach((s, i) => {
      // Code is the reserved script channel in script mode.
      const inputs = s.inputs.filter((c) => s.mode === 'container' || c.toLowerCase() !== 'code');
      const options: PipelineOptions = {
        name: 'demo',
        region: 'eu-west-1',
        account: '111122223333',
        stages: [{
          name: s.name,
          mode: s.mode,
          inputs: (inputs.length ? inputs : ['in']).map((c) => ({ name: c, localPath: `/opt/ml/processing/input/${c.toLowerCase()}` })),
          outputs: s.outputs.map((c) => ({ name: c, localPath: `/opt/ml/processing/output/${c.toLowerCase()}` })),
        }],
      };
      const pipeline = resolvePipeline(options);
      const repo = renderRepo(pipeline, `random-${i}`);
      const stage = pipeline.stages[0];
      const file = path.join(repo, stage.codeDir, stage.entryScript);
      scripts.push(file);
      flags.push({ script: file, expected: [...stage.inputs.map((c) => `--input-${c.name}`), ...stage.outputs.map((c) => `--output-${c.name}`)] });
    });
    compileAll(scripts);
    for (const { script, expected } of flags.slice(0, 3)) {
      const help = runStub(script, ['--help']);
      expect(help.status).toBe(0);
      for (const flag of expected) expect(help.stdout).toContain(`${flag} DIR`);
    }
  });
});
