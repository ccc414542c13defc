/**
 * Issue 15: the 100-stage cap, said in one line (the cap, the count, the quota it protects, what to do)
 * wherever a pipeline is given: synthesis, create's answers file and --stages, and `yo legacy-mlops:stage`.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import helpers from 'yeoman-test';
import StageGenerator from '../../generators/stage/index.js';
import { collectGiven } from '../../src/create/answers.js';
import { readFlags } from '../../src/create/flags.js';
import { validatePipeline } from '../../src/model/resolve.js';
import { MAX_STAGES } from '../../src/model/rules.js';
import type { StageOptions } from '../../src/model/types.js';
import { synthesizeProject } from '../../src/project/synthesize.js';
import { STAGE_GENERATOR, makeRepo, readJson, snapshot } from '../support/stage-generator-fixtures.js';

/** The Task states of the generated state machine, by name. */
const tasksOf = (dir: string): string[] =>
  Object.entries(readJson(path.join(dir, 'pipeline/state-machine.asl.json')).States as Record<string, { Type: string }>)
    .filter(([, state]) => state.Type === 'Task')
    .map(([name]) => name);

const base = { name: 'many', region: 'eu-west-1', account: '111122223333' };
const stagesOf = (count: number): StageOptions[] => Array.from({ length: count }, (_, i) => ({ name: `s${i + 1}`, mode: 'script' }));
const CAP_LINE = /^(Invalid [^:]+: |cannot add stage 'extra': )?101 stages is more than the 100 a pipeline may have \(the cap keeps the state machine well inside Step Functions' 1 MiB definition quota\): split the stages into several pipelines, or run one stage chain per item with fanOut$/;

const tmp = (prefix: string) => fs.mkdtempSync(path.join(os.tmpdir(), prefix));

test('the cap is 100', () => {
  expect(MAX_STAGES).toBe(100);
});

describe('synthesis', () => {
  test('100 stages synthesize, within the definition quota the cap protects', () => {
    const dir = tmp('lmo-cap-');
    synthesizeProject({ ...base, stages: stagesOf(100) }, dir);
    const asl = fs.readFileSync(path.join(dir, 'pipeline/state-machine.asl.json'), 'utf8');
    expect(tasksOf(dir)).toHaveLength(100);
    expect(Buffer.byteLength(asl)).toBeLessThan(1024 * 1024 / 2);
  });

  test('101 stages: one line, and nothing written', () => {
    const dir = tmp('lmo-cap-');
    expect(validatePipeline({ ...base, stages: stagesOf(101) }).map((p) => `${p.path}: ${p.message}`)).toEqual([expect.stringMatching(/^stages: 101 stages is more than the 100/)]);
    expect(() => synthesizeProject({ ...base, stages: stagesOf(101) }, dir)).toThrow(/101 stages is more than the 100 a pipeline may have .*: split the stages into several pipelines, or run one stage chain per item with fanOut/);
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});

describe('create: answers file and --stages', () => {
  const answers = (count: number) => {
    const dir = tmp('lmo-cap-answers-');
    fs.writeFileSync(path.join(dir, 'answers.json'), JSON.stringify({ stages: stagesOf(count) }));
    return dir;
  };

  test('100 stages are accepted', () => {
    const dir = answers(100);
    expect(collectGiven(readFlags({ answers: 'answers.json' }), dir).stages?.value).toHaveLength(100);
    expect(collectGiven(readFlags({ stages: stagesOf(100).map((s) => `${s.name}:script`).join(',') }), dir).stages?.value).toHaveLength(100);
  });

  test('101 stages: one line naming the file key or the flag', () => {
    const dir = answers(101);
    expect(() => collectGiven(readFlags({ answers: 'answers.json' }), dir)).toThrow(/^Invalid 'stages' in answers\.json: 101 stages is more than the 100/);
    expect(() => collectGiven(readFlags({ answers: 'answers.json' }), dir)).toThrow(CAP_LINE);
    expect(() => collectGiven(readFlags({ stages: stagesOf(101).map((s) => `${s.name}:script`).join(',') }), dir)).toThrow(/^Invalid --stages: 101 stages is more than the 100/);
  });
});

describe('yo legacy-mlops:stage', () => {
  const run = (cwd: string) =>
    helpers.run<StageGenerator>(StageGenerator, { resolved: STAGE_GENERATOR }).cd(cwd).withArguments(['extra']).withOptions({ synthInProcess: true, yes: true });

  test('the 100th stage is added; the 101st is refused in one line, and nothing changes', async () => {
    const dir = makeRepo({ pipeline: { ...base, stages: stagesOf(99) } }, undefined);
    await run(dir);
    expect(tasksOf(dir)).toHaveLength(100);
    expect(tasksOf(dir)).toContain('extra');

    // Another stage named differently, so only the count can be the problem.
    fs.writeFileSync(path.join(dir, '.projenrc.ts'), fs.readFileSync(path.join(dir, '.projenrc.ts'), 'utf8').replace("name: 'extra'", "name: 'extra0'"));
    synthesizeProject({ ...base, stages: [...stagesOf(99), { name: 'extra0', mode: 'script' }] }, dir);
    const before = snapshot(dir);
    await expect(run(dir)).rejects.toThrow(CAP_LINE);
    expect(snapshot(dir)).toEqual(before);
  });
});
