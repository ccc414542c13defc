/**
 * The runtime schema of the pipeline options: it agrees with the TypeScript interfaces (both ways),
 * and every way in (.projenrc.ts synthesis, the answers file, validatePipeline for yo) rejects unknown
 * keys and wrong types with the key, the stage and the closest valid key.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { readAnswersFile } from '../../src/create/answers.js';
import { PIPELINE_OPTIONS_SCHEMA, PipelineValidationError, validatePipeline, type PipelineOptions } from '../../src/model/index.js';
import { closestKey } from '../../src/model/suggest.js';
import { synthesizeProject } from '../../src/project/index.js';
import { COMMON_PROJECT_KEYS, projenOptionKeys } from '../../src/project/projen-option-keys.js';
import { optionShapeProblems } from '../../src/model/options-schema.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const base: PipelineOptions = { name: 'demo', region: 'eu-west-1', account: '111122223333' };

interface Shape {
  readonly keys: Record<string, { optional: boolean; nested?: Shape }>;
}

/** The `*Options` interfaces of src/model/pipeline-options.ts as key trees (nested options interfaces and inline object types followed). */
function typeShapes(): Record<string, Shape> {
  const interfaces = new Map<string, ts.InterfaceDeclaration>();
  // A kind's own options live in its module (the tuning kind's in src/model/tuning.ts): every model module is read.
  for (const name of fs.readdirSync(path.join(ROOT, 'src/model')).filter((f) => f.endsWith('.ts'))) {
    const file = path.join(ROOT, 'src/model', name);
    const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    source.forEachChild((node) => {
      if (ts.isInterfaceDeclaration(node)) interfaces.set(node.name.text, node);
    });
  }
  const shapeOf = (members: ts.NodeArray<ts.TypeElement>): Shape => {
    const keys: Shape['keys'] = {};
    for (const member of members) {
      if (!ts.isPropertySignature(member) || !member.type) continue;
      let type: ts.TypeNode = member.type;
      if (ts.isArrayTypeNode(type)) type = type.elementType;
      let nested: Shape | undefined;
      if (ts.isTypeLiteralNode(type)) nested = shapeOf(type.members);
      else if (ts.isTypeReferenceNode(type) && interfaces.has(type.typeName.getText()) && type.typeName.getText().endsWith('Options')) {
        nested = interfaceShape(interfaces.get(type.typeName.getText())!);
      }
      keys[member.name.getText()] = { optional: member.questionToken !== undefined, ...(nested ? { nested } : {}) };
    }
    return { keys };
  };
  // `extends KindGroupOptions`: one optional key per member of KindOptionGroups, shaped like its `options` type.
  const kindGroups = (node: ts.InterfaceDeclaration): Shape['keys'] => {
    const extended = (node.heritageClauses ?? []).flatMap((h) => h.types.map((t) => t.expression.getText()));
    if (!extended.includes('KindGroupOptions')) return {};
    const keys: Shape['keys'] = {};
    for (const member of interfaces.get('KindOptionGroups')!.members) {
      if (!ts.isPropertySignature(member) || !member.type || !ts.isTypeLiteralNode(member.type)) continue;
      const options = member.type.members.find((m) => m.name?.getText() === 'options');
      const type = options && ts.isPropertySignature(options) && options.type && ts.isTypeReferenceNode(options.type) ? options.type.typeName.getText() : '';
      keys[member.name.getText()] = { optional: true, ...(interfaces.has(type) ? { nested: interfaceShape(interfaces.get(type)!) } : {}) };
    }
    return keys;
  };
  const interfaceShape = (node: ts.InterfaceDeclaration): Shape => ({ keys: { ...shapeOf(node.members).keys, ...kindGroups(node) } });
  return Object.fromEntries([...interfaces].map(([name, node]) => [name, interfaceShape(node)]));
}

/** The same tree read from a JSON schema node. */
function schemaShape(schema: any): Shape {
  const keys: Shape['keys'] = {};
  for (const [key, value] of Object.entries<any>(schema.properties ?? {})) {
    const node = value.type === 'array' ? value.items : value;
    const nested = node.type === 'object' && node.properties ? schemaShape(node) : undefined;
    keys[key] = { optional: !(schema.required ?? []).includes(key), ...(nested ? { nested } : {}) };
  }
  return { keys };
}

describe('the options schema agrees with the TypeScript types', () => {
  test('every key, at every level, with the same optionality (both directions)', () => {
    expect(schemaShape(PIPELINE_OPTIONS_SCHEMA)).toEqual(typeShapes().PipelineOptions);
  });
  test('string maps (environment, hyperparameters) take string values only', () => {
    expect(PIPELINE_OPTIONS_SCHEMA.properties!.stages!.items.properties.environment).toMatchObject({ additionalProperties: { type: 'string' } });
  });
});

const problemsOf = (options: unknown) => validatePipeline(options as PipelineOptions).map((p) => `${p.path}: ${p.message}`);

describe('unknown keys and wrong types are errors naming key, stage and the closest valid key', () => {
  const cases: [string, unknown, RegExp][] = [
    ['misspelt stage key', { ...base, stages: [{ name: 'prep', instancetype: 'ml.m5.xlarge' }] }, /^stages\[0\] \(prep\)\.instancetype: unknown key 'instancetype'; did you mean 'instanceType'\?$/],
    ['shortened stage key', { ...base, stages: [{ name: 'prep', maxRuntime: 60 }] }, /^stages\[0\] \(prep\)\.maxRuntime: unknown key 'maxRuntime'; did you mean 'maxRuntimeSeconds'\?$/],
    ['framework as a string', { ...base, stages: [{ name: 'prep', framework: 'xgboost' }] }, /^stages\[0\] \(prep\)\.framework: must be an object, not the string 'xgboost' \(write \{ name: 'xgboost' \}/],
    ['misspelt framework key', { ...base, stages: [{ name: 'prep', framework: { name: 'xgboost', versoin: '1.7-1' } }] }, /^stages\[0\] \(prep\)\.framework\.versoin: unknown key 'versoin'; did you mean 'version'\?$/],
    ['misspelt framework name', { ...base, stages: [{ name: 'prep', framework: { name: 'sklarn' } }] }, /framework\.name: 'sklarn' is not a framework \(allowed: sklearn, xgboost, pytorch\); did you mean 'sklearn'\?$/],
    ['misspelt project key', { ...base, regoin: 'eu-west-1' }, /^regoin: unknown key 'regoin'; did you mean 'region'\?$/],
    ['misspelt input key', { ...base, stages: [{ name: 'prep', inputs: [{ name: 'x', form: 'raw' }] }] }, /^stages\[0\] \(prep\)\.inputs\[0\]\.form: unknown key 'form'; did you mean 'from'\?$/],
    ['misspelt output key', { ...base, stages: [{ name: 'prep', outputs: [{ name: 'x', localpath: '/opt/ml/processing/output/x' }] }] }, /outputs\[0\]\.localpath: unknown key 'localpath'; did you mean 'localPath'\?$/],
    ['misspelt gate key', { ...base, stages: [{ name: 'ev', kind: 'evaluation', gate: { metric: 'accuracy', threshold: 0.8, greaterIsBeter: true } }] }, /^stages\[0\] \(ev\)\.gate\.greaterIsBeter: unknown key 'greaterIsBeter'; did you mean 'greaterIsBetter'\?$/],
    ['threshold as a string', { ...base, stages: [{ name: 'ev', kind: 'evaluation', gate: { metric: 'accuracy', threshold: '0.8' } }] }, /gate\.threshold: must be a number, not the string '0\.8'$/],
    ['hyperparameter as a number', { ...base, stages: [{ name: 'tr', kind: 'training', hyperparameters: { epochs: 10 } }] }, /^stages\[0\] \(tr\)\.hyperparameters\.epochs: must be a string, not number 10$/],
    ['environment variable as a boolean', { ...base, stages: [{ name: 'prep', environment: { DEBUG: true } }] }, /environment\.DEBUG: must be a string, not boolean true$/],
    ['misspelt environment key', { ...base, environments: [{ name: 'prod', acount: '111122223333', region: 'eu-west-1' }] }, /^environments\[0\] \(prod\)\.acount: unknown key 'acount'; did you mean 'account'\?$/],
    ['misspelt schedule key', { ...base, schedule: { expresion: 'rate(1 day)' } }, /^schedule\.expresion: unknown key 'expresion'; did you mean 'expression'\?$/],
    ['misspelt role key', { ...base, existingRoles: { stateMachineRole: 'arn:aws:iam::111122223333:role/x' } }, /existingRoles\.stateMachineRole: unknown key 'stateMachineRole'; did you mean 'stateMachineRoleArn'\?$/],
    ['misspelt endpointWait key', { ...base, stages: [{ name: 'e', kind: 'endpoint', endpointWait: { interval: 5 } }] }, /endpointWait\.interval: unknown key 'interval'; did you mean 'intervalSeconds'\?$/],
    ['stages not a list', { ...base, stages: { name: 'prep' } }, /^stages: must be an array, not an object$/],
    ['count as a string', { ...base, stages: [{ name: 'prep', instanceCount: '2' }] }, /instanceCount: must be a number, not the string '2'$/],
    ['explicit null', { ...base, stages: [{ name: 'prep', instanceType: null }] }, /instanceType: must be a string, not null$/],
    ['skippable as a string', { ...base, stages: [{ name: 'prep', skippable: 'yes' }] }, /skippable: must be true or false, not the string 'yes'$/],
  ];
  test.each(cases)('%s', (_label, options, expected) => {
    const problems = problemsOf(options);
    expect(problems.some((p) => expected.test(p))).toBe(true);
  });

  test('a valid model has no shape problem, and defaults still apply', () => {
    expect(problemsOf({ ...base, stages: [{ name: 'prep', description: undefined }] })).toEqual([]);
  });

  test('closest keys: plausible only', () => {
    expect(closestKey('instancetype', ['instanceType', 'instanceCount'])).toBe('instanceType');
    expect(closestKey('zzzzzz', ['instanceType', 'name'])).toBeUndefined();
  });
});

describe('.projenrc.ts synthesis', () => {
  const fresh = () => fs.mkdtempSync(path.join(os.tmpdir(), 'lmo-schema-'));

  test('a misspelt option fails synthesis before any file is written', () => {
    const dir = fresh();
    const options = { ...base, stages: [{ name: 'prep', instancetype: 'ml.m5.xlarge' }] } as unknown as PipelineOptions;
    expect(() => synthesizeProject(options, dir)).toThrow(PipelineValidationError);
    expect(() => synthesizeProject(options, dir)).toThrow(/did you mean 'instanceType'/);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  test("projen's own options are accepted beside the pipeline; a key that is neither is reported against both", () => {
    expect(projenOptionKeys()).toEqual(expect.arrayContaining(['deps', 'gitignore', 'description', 'outdir', 'appEntrypoint']));
    const dir = fresh();
    expect(() => synthesizeProject({ ...base, description: 'churn', deps: ['lodash'] }, dir)).not.toThrow();
    expect(() => synthesizeProject({ ...base, gitignor: ['x'] } as unknown as PipelineOptions, fresh())).toThrow(/gitignor: unknown key 'gitignor'; did you mean 'gitignore'\?/);
  });

  test('projen options are accepted with several environments too (each environment re-resolves the model)', () => {
    const environments = [{ name: 'preprod', account: '111122223333', region: 'eu-west-1' }, { name: 'prod', account: '444455556666', region: 'eu-central-1' }];
    expect(() => synthesizeProject({ ...base, environments, description: 'churn' }, fresh())).not.toThrow();
  });
});

describe('answers file', () => {
  const write = (content: unknown) => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lmo-answers-')), 'answers.json');
    fs.writeFileSync(file, JSON.stringify(content));
    return file;
  };
  test('a stage object goes through the same schema', () => {
    expect(() => readAnswersFile(write({ stages: [{ name: 'prep', instancetype: 'ml.m5.xlarge' }] }))).toThrow(/stages\[0\] \(prep\)\.instancetype: unknown key 'instancetype'; did you mean 'instanceType'\?/);
    expect(() => readAnswersFile(write({ stages: [{ name: 'prep', framework: 'xgboost' }] }))).toThrow(/framework: must be an object, not the string 'xgboost'/);
  });
  test('a misspelt top-level key names the closest one', () => {
    expect(() => readAnswersFile(write({ regoin: 'eu-west-1' }))).toThrow(/regoin \(did you mean region\?\)/);
  });
});

describe("projen's option list is read only when a key needs it", () => {
  const unread = () => ({
    commonTopLevelKeys: COMMON_PROJECT_KEYS,
    get extraTopLevelKeys(): string[] {
      throw new Error("projen's option list was read");
    },
  });
  test('the keys known without it are projen options or the project type own', () => {
    expect([...projenOptionKeys(), 'legacyMlopsVersion']).toEqual(expect.arrayContaining([...COMMON_PROJECT_KEYS]));
  });
  test('the outdir of an in-process synthesis does not read it', () => {
    expect(optionShapeProblems({ ...base, outdir: '/tmp/x', legacyMlopsVersion: '^0.1.0' }, unread())).toEqual([]);
  });
  test('any other key does, and is then checked against it', () => {
    expect(() => optionShapeProblems({ ...base, outdir: '/tmp/x', description: 'churn' }, unread())).toThrow(/was read/);
    const shape = { commonTopLevelKeys: COMMON_PROJECT_KEYS, extraTopLevelKeys: ['outdir', 'description'] };
    expect(optionShapeProblems({ ...base, outdir: '/tmp/x', description: 'churn' }, shape)).toEqual([]);
    expect(optionShapeProblems({ ...base, outdir: '/tmp/x', descripton: 'churn' }, shape)).toEqual([expect.objectContaining({ path: 'descripton', message: expect.stringMatching(/did you mean 'description'/) })]);
  });
});
