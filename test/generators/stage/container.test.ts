/** `yo legacy-mlops:stage --from <container folder>`: a legacy Dockerfile's build context becomes a container stage as-is. */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import helpers from 'yeoman-test';
import StageGenerator from '../../../generators/stage/index.js';
import { readDeclaredOptions } from '../../../src/edit/projenrc-options.js';
import { REPO_ROOT, STAGE_GENERATOR, makeRepo, readJson } from '../../support/stage-generator-fixtures.js';

const CONTAINER = path.join(REPO_ROOT, 'test/fixtures/legacy/a-console-export/inferencecontainer');
const sha = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

describe('--from a legacy container folder', () => {
  let dir: string;
  let notes: readonly string[];
  beforeAll(async () => {
    dir = makeRepo();
    const result = await helpers.run<StageGenerator>(StageGenerator, { resolved: STAGE_GENERATOR }).cd(dir).withArguments(['scoring']).withOptions({ synthInProcess: true, yes: true, from: CONTAINER });
    notes = result.generator.notes;
  });

  test('the migration report is printed and written to MIGRATION.md, as create does', () => {
    const md = fs.readFileSync(path.join(dir, 'MIGRATION.md'), 'utf8');
    expect(md).toMatch(/^# Migration report\n\nImported from `.*inferencecontainer` by `yo legacy-mlops:stage --from`/);
    expect(md).toMatch(/\| inferencecontainer\/ \(Dockerfile\) \| stages\/scoring\/: the whole build context, byte for byte; the image is built from its Dockerfile, which runs src\/predict\.py \|/);
    expect(notes).toContain('Migration report (also written to MIGRATION.md):');
    expect(notes.some((n) => n.includes('inferencecontainer/ (Dockerfile): stages/scoring/: the whole build context'))).toBe(true);
    expect(notes.some((n) => n.includes('inferencecontainer/src/requirements.txt: the stage\'s requirements'))).toBe(true);
    expect(notes).toContain('The migration report is in MIGRATION.md.');
  });

  test('a second import appends its own delimited section; the user\'s text before it is kept byte for byte', async () => {
    const file = path.join(dir, 'MIGRATION.md');
    const edited = `${fs.readFileSync(file, 'utf8')}\nNotes of the team: the scoring image was rebuilt on 2026-11-02.`;
    fs.writeFileSync(file, edited);
    const result = await helpers.run<StageGenerator>(StageGenerator, { resolved: STAGE_GENERATOR }).cd(dir).withArguments(['rescoring']).withOptions({ synthInProcess: true, yes: true, from: CONTAINER });
    const md = fs.readFileSync(file, 'utf8');
    expect(md.startsWith(edited)).toBe(true);
    const section = md.slice(edited.length);
    expect(section).toMatch(/^\n\n<!-- legacy-mlops: stage 'rescoring' imported by yo legacy-mlops:stage --from -->\n## Stage 'rescoring': imported from `.*inferencecontainer`\n/);
    expect(section).toContain('stages/rescoring/: the whole build context');
    expect(section.trimEnd().endsWith("<!-- legacy-mlops: end of stage 'rescoring' -->")).toBe(true);
    expect(result.generator.notes).toContain("The migration report of 'rescoring' is appended to MIGRATION.md (your text above it is kept).");
  });

  test('a MIGRATION.md that is not a regular file refuses the import before anything is written', async () => {
    const other = makeRepo();
    fs.mkdirSync(path.join(other, 'MIGRATION.md'));
    const before = fs.readFileSync(path.join(other, '.projenrc.ts'), 'utf8');
    await expect(helpers.run<StageGenerator>(StageGenerator, { resolved: STAGE_GENERATOR }).cd(other).withArguments(['scoring']).withOptions({ synthInProcess: true, yes: true, from: CONTAINER })).rejects.toThrow(/MIGRATION\.md is not a regular file/);
    expect(fs.readFileSync(path.join(other, '.projenrc.ts'), 'utf8')).toBe(before);
    expect(fs.existsSync(path.join(other, 'stages/scoring'))).toBe(false);
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
