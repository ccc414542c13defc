/** `yo legacy-mlops:stage --from <container folder>`: a legacy Dockerfile's build context becomes a container stage as-is. */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import helpers from 'yeoman-test';
import StageGenerator from '../generators/stage/index.js';
import { readDeclaredOptions } from '../src/edit/projenrc-options.js';
import { REPO_ROOT, STAGE_GENERATOR, makeRepo, readJson } from './stage-generator-fixtures.js';

const CONTAINER = path.join(REPO_ROOT, 'test/fixtures/legacy/a-console-export/inferencecontainer');
const sha = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

describe('--from a legacy container folder', () => {
  let dir: string;
  beforeAll(async () => {
    dir = makeRepo();
    await helpers.run<StageGenerator>(StageGenerator, { resolved: STAGE_GENERATOR }).cd(dir).withArguments(['scoring']).withOptions({ synthInProcess: true, yes: true, from: CONTAINER });
  });

  test('adds a container stage built from the legacy Dockerfile, its entry found through CMD and COPY', () => {
    const file = path.join(dir, '.projenrc.ts');
    const read = readDeclaredOptions(fs.readFileSync(file, 'utf8'), file);
    if (!read.ok) throw new Error(read.reason);
    const stage = read.options.stages!.find((s) => s.name === 'scoring')!;
    expect(stage).toMatchObject({ name: 'scoring', mode: 'container', entryScript: 'src/predict.py' });
    expect(stage.framework).toBeUndefined();
    // The folders its script reads and writes: /opt/ml/processing/input and /output themselves.
    expect(stage.inputs).toMatchObject([{ localPath: '/opt/ml/processing/input' }]);
    expect(stage.outputs).toMatchObject([{ localPath: '/opt/ml/processing/output' }]);
    const task = readJson(path.join(dir, 'pipeline/state-machine.asl.json')).States.scoring;
    // The image's own CMD runs: no script-mode entrypoint, no code input.
    expect(task.Parameters.AppSpecification.ContainerEntrypoint).toBeUndefined();
    expect(task.Parameters.ProcessingInputs.map((i: { InputName: string }) => i.InputName)).not.toContain('code');
  });

  test('the build context is copied byte for byte, the legacy Dockerfile kept; requirements point at the legacy ones', () => {
    for (const f of ['Dockerfile', 'src/predict.py', 'src/requirements.txt']) expect([f, sha(path.join(dir, 'stages/scoring', f))]).toEqual([f, sha(path.join(CONTAINER, f))]);
    expect(fs.readFileSync(path.join(dir, 'stages/scoring/requirements.txt'), 'utf8')).toMatch(/^-r src\/requirements\.txt$/m);
    // Beside the legacy code: its smoke test (src/stage-smoke via legacy-mlops smoke).
    expect(fs.readdirSync(path.join(dir, 'stages/scoring')).sort()).toEqual(['Dockerfile', 'requirements.txt', 'src', 'test_scoring.py']);
  });
});
