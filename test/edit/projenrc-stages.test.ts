import ts from 'typescript';
import { renderProjenrc } from '../../src/create/projenrc.js';
import { DEFAULT_STAGES } from '../../src/model/defaults.js';
import { addStage, readStageNames } from '../../src/edit/projenrc-stages.js';

const rendered = renderProjenrc({ pipeline: { name: 'demo', region: 'eu-west-1', account: '111122223333', stages: [...DEFAULT_STAGES] } });
const withComment = rendered.replace("name: 'predict',", "name: 'predict', // the legacy model lives here");

/** Lines added and removed between two texts (order-insensitive line multiset diff, enough for minimal-edit checks). */
function lineDiff(before: string, after: string) {
  const count = (text: string) => text.split('\n').reduce((m, l) => m.set(l, (m.get(l) ?? 0) + 1), new Map<string, number>());
  const [a, b] = [count(before), count(after)];
  const added = [...b].flatMap(([l, n]) => Array(Math.max(0, n - (a.get(l) ?? 0))).fill(l));
  const removed = [...a].flatMap(([l, n]) => Array(Math.max(0, n - (b.get(l) ?? 0))).fill(l));
  return { added, removed };
}

function parses(source: string) {
  const file = ts.createSourceFile('x.ts', source, ts.ScriptTarget.Latest, true);
  return ((file as unknown as { parseDiagnostics: unknown[] }).parseDiagnostics ?? []).length === 0;
}

describe('addStage', () => {
  test('appends after the last stage by default; the diff only adds the stage; comments survive', () => {
    const edit = addStage(withComment, { name: 'report', mode: 'script', instanceType: 'ml.t3.medium' });
    expect(edit.ok).toBe(true);
    if (!edit.ok) return;
    expect(edit.stageNames).toEqual(['preprocess', 'predict', 'postprocess', 'report']);
    const { added, removed } = lineDiff(withComment, edit.source);
    expect(removed).toEqual([]);
    expect(added.join('\n')).toMatch(/name: 'report'.*instanceType: 'ml\.t3\.medium'/s);
    expect(edit.source).toContain("// the legacy model lives here");
    expect(parses(edit.source)).toBe(true);
    expect(readStageNames(edit.source)).toEqual({ ok: true, names: ['preprocess', 'predict', 'postprocess', 'report'] });
  });

  test('inserts after a named anchor', () => {
    const edit = addStage(rendered, { name: 'validate-data', mode: 'script' }, { after: 'preprocess' });
    expect(edit.ok && edit.stageNames).toEqual(['preprocess', 'validate-data', 'predict', 'postprocess']);
    expect(edit.ok && readStageNames(edit.source)).toEqual({ ok: true, names: ['preprocess', 'validate-data', 'predict', 'postprocess'] });
  });

  test('works on hand-formatted arrays with and without a trailing comma', () => {
    for (const stages of ["[{ name: 'a' }, { name: 'b' }]", "[\n    { name: 'a' },\n    { name: 'b' },\n  ]"]) {
      const source = `import { LegacyMlopsProject } from 'generator-legacy-mlops';\nconst p = new LegacyMlopsProject({ name: 'x', region: 'eu-west-1', account: '111122223333', stages: ${stages} });\np.synth();\n`;
      for (const after of ['a', 'b']) {
        const edit = addStage(source, { name: 'c' }, { after });
        expect(edit.ok).toBe(true);
        if (edit.ok) {
          expect(parses(edit.source)).toBe(true);
          expect(readStageNames(edit.source)).toEqual({ ok: true, names: after === 'a' ? ['a', 'c', 'b'] : ['a', 'b', 'c'] });
          expect(lineDiff(source, edit.source).removed.length).toBeLessThanOrEqual(1); // one-line arrays are split, never dropped
        }
      }
    }
  });

  test('without a stages property the defaults are written out with the new stage', () => {
    const source = "import { LegacyMlopsProject } from 'generator-legacy-mlops';\n\nconst project = new LegacyMlopsProject({\n  name: 'x',\n  region: 'eu-west-1',\n  account: '111122223333',\n});\nproject.synth();\n";
    const edit = addStage(source, { name: 'report' });
    expect(edit.ok && readStageNames(edit.source)).toEqual({ ok: true, names: ['preprocess', 'predict', 'postprocess', 'report'] });
  });

  test('adding the same stage twice changes nothing the second time', () => {
    const stage = { name: 'report', mode: 'script' as const };
    const once = addStage(rendered, stage);
    expect(once.ok).toBe(true);
    if (!once.ok) return;
    const twice = addStage(once.source, stage);
    expect(twice).toMatchObject({ ok: true, changed: false, source: once.source });
  });

  test.each<[string, string, object, RegExp]>([
    ['duplicate name with other settings', rendered, { name: 'predict', mode: 'script' }, /a stage named 'predict' already exists/],
    ['missing anchor', rendered, { name: 'x', after: 'nope' }, /there is no stage 'nope' to add 'x' after \(stages: preprocess, predict, postprocess\)/],
    ['stages from a variable', rendered.replace(/stages: \[[\s\S]*?\n  \],/, 'stages: myStages,'), { name: 'x' }, /is not an array literal/],
    ['not a legacy-mlops repo', "console.log('hi');\n", { name: 'x' }, /has no `new LegacyMlopsProject/],
    ['syntax error', rendered.replace('project.synth();', 'project.synth(;'), { name: 'x' }, /does not parse \(line \d+/],
  ])('refuses: %s', (_label, source, stage, reason) => {
    const { after, ...s } = stage as { after?: string; name: string };
    const edit = addStage(source, s, { after });
    expect(edit.ok).toBe(false);
    if (!edit.ok) expect(edit.reason).toMatch(reason);
  });

  test('an uneditable shape comes with the exact snippet to add by hand', () => {
    const edit = addStage(rendered.replace(/stages: \[[\s\S]*?\n  \],/, 'stages: [...base],'), { name: 'report', instanceType: 'ml.t3.medium' });
    expect(edit.ok).toBe(false);
    if (!edit.ok) expect(edit.snippet).toMatch(/\n    \{ name: 'report', mode: 'script', instanceType: 'ml\.t3\.medium' \},$/);
  });
});

describe('addStage on hand-written .projenrc.ts shapes (issue 10, defect 12)', () => {
  const custom = renderProjenrc({ pipeline: { name: 'demo', region: 'eu-west-1', account: '111122223333', stages: [{ name: 'clean', mode: 'script' }, { name: 'score', mode: 'script' }] } });

  test.each([
    ['single-quoted', "'stages':"],
    ['double-quoted', '"stages":'],
    ['computed', "['stages']:"],
  ])('a %s `stages` key is edited like an unquoted one (no second `stages` added)', (_label, key) => {
    const source = custom.replace('stages:', key).replace("name: 'score'", "'name': 'score'");
    const edit = addStage(source, { name: 'report' });
    expect(edit.ok).toBe(true);
    if (!edit.ok) return;
    expect(edit.stageNames).toEqual(['clean', 'score', 'report']);
    expect(edit.source.split(key).length).toBe(2);
    expect(edit.source).not.toMatch(/^\s*stages:/m);
    expect(readStageNames(edit.source)).toEqual({ ok: true, names: ['clean', 'score', 'report'] });
    expect(lineDiff(source, edit.source).removed).toEqual([]);
  });

  test('CRLF files come back CRLF only; LF files LF only', () => {
    for (const [label, source] of [
      ['array', custom.replace(/\n/g, '\r\n')],
      ['absent', custom.replace(/\n  stages: \[[\s\S]*?\n  \],/, '').replace(/\n/g, '\r\n')],
    ] as const) {
      const edit = addStage(source, { name: 'report', instanceType: 'ml.t3.medium' }, { after: label === 'array' ? 'clean' : undefined });
      expect(edit.ok).toBe(true);
      if (!edit.ok) continue;
      expect(edit.source.length).toBeGreaterThan(source.length);
      expect(edit.source.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
      const lf = addStage(source.replace(/\r\n/g, '\n'), { name: 'report', instanceType: 'ml.t3.medium' });
      expect(lf.ok && lf.source).not.toContain('\r');
    }
  });

  test('a BOM stays in front', () => {
    const edit = addStage(`\uFEFF${custom}`, { name: 'report' });
    expect(edit.ok && edit.source.startsWith('\uFEFF// ')).toBe(true);
    expect(edit.ok && edit.source.indexOf('\uFEFF', 1)).toBe(-1);
  });

  test('no `stages` property: one is added with the declared stages and the new one', () => {
    const source = custom.replace(/\n  stages: \[[\s\S]*?\n  \],/, '');
    const edit = addStage(source, { name: 'report' }, { after: 'preprocess' });
    expect(edit.ok && readStageNames(edit.source)).toEqual({ ok: true, names: ['preprocess', 'report', 'predict', 'postprocess'] });
    expect(edit.ok && lineDiff(source, edit.source).removed).toEqual([]);
  });

  test.each([
    ['options from a variable', custom.replace('const project = new LegacyMlopsProject({', 'const options = {').replace('});\n\nproject.synth', '};\nconst project = new LegacyMlopsProject(options);\n\nproject.synth')],
    ['a spread that may bring stages', custom.replace(/\n  stages: \[[\s\S]*?\n  \],/, '\n  ...base,')],
    ['`stages` set twice', custom.replace('stages: [', "'stages': [], stages: [")],
  ])('%s: refused with the whole `stages` property to paste', (_label, source) => {
    const edit = addStage(source, { name: 'report', instanceType: 'ml.t3.medium' }, { declared: [{ name: 'clean' }, { name: 'score' }] });
    expect(edit.ok).toBe(false);
    if (edit.ok) return;
    expect(edit.reason).toMatch(/cannot add `stages` safely|set more than once/);
    expect(edit.snippet).toMatch(/^Set `stages` in the options of LegacyMlopsProject in \.projenrc\.ts by hand, then run `npx projen`:\n    stages: \[\n/);
    expect(edit.snippet).toMatch(/name: 'clean'[\s\S]*name: 'score'[\s\S]*name: 'report',[\s\S]*instanceType: 'ml\.t3\.medium'/);
  });
});
