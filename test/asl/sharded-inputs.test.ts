/**
 * Sharded inputs: the model option, ShardedByS3Key in the ASL (checked by asl-validator and the
 * SageMaker request shapes), the stub's per-host output names, and the local emulation of N hosts
 * (each with its own resourceconfig.json and share of the objects), checked host by host.
 */
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { buildStateMachine } from '../../src/asl/index.js';
import { captureTaskRequests, checkAsl, checkRequestShape, loadSageMakerModel } from '../../src/checks/index.js';
import { buildExecutionInput } from '../../src/input/index.js';
import { shardOf } from '../../src/local/emulators/processing-hosts.js';
import { pipelineWarnings, resolvePipeline, validatePipeline, type PipelineOptions, type StageOptions } from '../../src/model/index.js';
import { buildReadme } from '../../src/docs/readme.js';
import { renderStageFiles } from '../../src/stages/index.js';
import { PYTHON, generatedRepo, runQuietly } from '../support/generated-repo.js';

const BASE = { name: 'demo', region: 'eu-west-1', account: '111122223333' } as const;
const sharded = (instanceCount: number, extra: Partial<StageOptions> = {}): PipelineOptions => ({
  ...BASE,
  stages: [{ name: 'shard', instanceCount, inputs: [{ name: 'data', distribution: 'sharded' }], ...extra }],
});

describe('sharded inputs in the model and the ASL', () => {
  test('a sharded input becomes ShardedByS3Key; the code channel and replicated inputs stay FullyReplicated', () => {
    const pipeline = resolvePipeline({
      ...BASE,
      stages: [{ name: 'shard', instanceCount: 3, inputs: [{ name: 'data', distribution: 'sharded' }, { name: 'lookup', from: 'raw', localPath: '/opt/ml/processing/lookup' }] }],
    });
    const task = buildStateMachine(pipeline).States.shard as unknown as { Parameters: { ProcessingInputs: { InputName: string; S3Input: { S3DataDistributionType: string } }[] } };
    expect(Object.fromEntries(task.Parameters.ProcessingInputs.map((i) => [i.InputName, i.S3Input.S3DataDistributionType]))).toEqual({
      code: 'FullyReplicated',
      data: 'ShardedByS3Key',
      lookup: 'FullyReplicated',
    });
    expect(checkAsl(buildStateMachine(pipeline))).toEqual([]);
  });

  test('each resolved request matches the SageMaker API model', async () => {
    const lookup = await loadSageMakerModel([PYTHON]);
    expect(lookup.found).toBe(true);
    if (!lookup.found) return;
    const pipeline = resolvePipeline(sharded(3));
    const requests = await captureTaskRequests(buildStateMachine(pipeline), buildExecutionInput(pipeline), 'exec-0001');
    expect(requests).toHaveLength(1);
    expect(requests.flatMap((r) => checkRequestShape('CreateProcessingJob', r.request, lookup.model, r.stateName))).toEqual([]);
  });

  test('bad values and other kinds are refused with one line naming the field', () => {
    const wrong = validatePipeline({ ...BASE, stages: [{ name: 'shard', inputs: [{ name: 'data', distribution: 'split' as never }] }] });
    expect(wrong.map((p) => p.path)).toEqual(['stages[0] (shard).inputs[0].distribution']);
    expect(wrong[0].message).toMatch(/replicated.*sharded/);
    const training = validatePipeline({ ...BASE, stages: [{ name: 'train', kind: 'training', inputs: [{ name: 'train', distribution: 'sharded' }] }] });
    expect(training.map((p) => p.path)).toEqual(['stages[0] (train).inputs[0].distribution']);
    expect(training[0].message).toMatch(/only processing stages shard/);
  });

  test('a sharded stage on one instance is valid but warned about; on three it is not', () => {
    expect(pipelineWarnings(resolvePipeline(sharded(1)))).toEqual([expect.stringMatching(/^stage 'shard': input 'data' is sharded, but the stage runs on one instance/)]);
    expect(pipelineWarnings(resolvePipeline(sharded(3)))).toEqual([]);
  });

  test('the README says what sharding asks of the legacy code; the stub renames outputs per host', () => {
    const pipeline = resolvePipeline(sharded(3));
    expect(buildReadme(pipeline)).toMatch(/\*\*Sharded inputs\*\*: `shard` \(`data`, 3 instances\)/);
    const stub = renderStageFiles(pipeline.stages[0], pipeline)[0].content;
    expect(stub).toContain('name_outputs_per_host(outputs, host)');
    const plain = resolvePipeline({ ...BASE, stages: [{ name: 'shard', instanceCount: 3 }] });
    expect(renderStageFiles(plain.stages[0], plain)[0].content).not.toContain('name_outputs_per_host(outputs, host)');
  });
});

describe('shardOf: the local split of a sharded input', () => {
  test('deals the keys round-robin in byte order: every key exactly once, sizes differ by at most one', () => {
    const keys = Array.from({ length: 10 }, (_, i) => `part-${String(i).padStart(2, '0')}.csv`);
    const shares = [0, 1, 2].map((host) => shardOf(keys, host, 3));
    expect(shares.map((s) => s.length)).toEqual([4, 3, 3]);
    expect(shares.flat().sort()).toEqual(keys);
    expect(shares[1]).toEqual(['part-01.csv', 'part-04.csv', 'part-07.csv']);
  });
});

/** The stub's legacy section replaced by code that counts the rows of every CSV in its share. */
const COUNTING_LEGACY = `
import csv


def legacy_shard(inputs: "dict[str, Path]", outputs: "dict[str, Path]") -> None:
    files = sorted(p.name for p in inputs["data"].glob("*.csv"))
    rows = sum(len(list(csv.DictReader(open(inputs["data"] / name)))) for name in files)
    config = json.loads(under_opt_ml_root(RESOURCE_CONFIG_FILE).read_text())
    (outputs["data"] / "counts.json").write_text(json.dumps({"host": config["current_host"], "hosts": config["hosts"], "files": files, "rows": rows}))

`;

describe('local run of a sharded stage on three hosts', () => {
  test('each host gets its share and its own resourceconfig.json; the stub names each output per host', async () => {
    const repo = generatedRepo(sharded(3));
    const stubPath = 'stages/shard/shard.py';
    const stub = repo.read(stubPath);
    const begin = stub.indexOf('# =============================== LEGACY CODE');
    const end = stub.indexOf('# ============================= END LEGACY CODE');
    repo.write(stubPath, `${stub.slice(0, stub.indexOf('\n', begin) + 1)}${COUNTING_LEGACY}${stub.slice(end)}`);
    // Five raw files of 1 to 5 rows instead of the sample data.
    rmSync(join(repo.dir, 'data/raw'), { recursive: true });
    ['a', 'b', 'c', 'd', 'e'].forEach((p, i) => repo.write(`data/raw/${p}.csv`, `id\n${Array.from({ length: i + 1 }, (_, r) => `${p}${r}`).join('\n')}\n`));

    const { report, output } = await runQuietly(repo);
    expect({ status: report.status, error: report.error }).toEqual({ status: 'SUCCEEDED', error: undefined });
    expect(output).toMatch(/shard: 3 instances run as 3 local hosts/);

    const outDir = join(report.s3Root, repo.pipeline.s3.bucket, 'runs', report.executionName, 'shard', 'data');
    expect(readdirSync(outDir).sort()).toEqual(['counts-algo-1.json', 'counts-algo-2.json', 'counts-algo-3.json']);
    const counts = [1, 2, 3].map((h) => JSON.parse(readFileSync(join(outDir, `counts-algo-${h}.json`), 'utf8')) as { host: string; hosts: string[]; files: string[]; rows: number });
    const allFiles = readdirSync(join(repo.dir, 'data/raw')).sort();
    counts.forEach((c, i) => {
      expect(c.host).toBe(`algo-${i + 1}`);
      expect(c.hosts).toEqual(['algo-1', 'algo-2', 'algo-3']);
      expect(c.files).toEqual(shardOf(allFiles, i, 3));
    });
    // Every raw file read by exactly one host: the shares add up to the whole.
    expect(counts.flatMap((c) => c.files).sort()).toEqual(allFiles);
    expect(counts.reduce((sum, c) => sum + c.rows, 0)).toBe(1 + 2 + 3 + 4 + 5);
    const job = report.states.find((s) => s.name === 'shard')!.jobs[0];
    expect(job.hosts?.map((h) => [h.host, h.inputObjects.data, h.outputFiles.data])).toEqual(
      counts.map((c, i) => [`algo-${i + 1}`, c.files.length, [`counts-algo-${i + 1}.json`]]),
    );
    expect(report.notices ?? []).toEqual([]);
  }, 120_000);

  test('two hosts writing the same file name is a notice in the run', async () => {
    const repo = generatedRepo({ ...BASE, stages: [{ name: 'shard', instanceCount: 2, inputs: [{ name: 'data', distribution: 'sharded' }] }] });
    repo.write('stages/shard/shard.py', 'import pathlib\npathlib.Path("/opt/ml/processing/output/data/result.csv").write_text("x\\n")\n');
    const { report, output } = await runQuietly(repo);
    expect(report.status).toBe('SUCCEEDED');
    expect(output).toMatch(/notice: shard: hosts algo-1, algo-2 all wrote 'result.csv' to output 'data'; S3 keeps only one/);
  }, 120_000);
});
