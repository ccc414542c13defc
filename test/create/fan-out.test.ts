/**
 * Issue 15: fan-out at creation. `create-legacy-mlops --fan-out` (with --fan-out-items,
 * --fan-out-concurrency, --fan-out-tolerated-failure), an answers file's `fanOut`, and the prompts:
 * the generated .projenrc.ts declares the fan-out and the state machine runs the chain in a Map.
 * Bad values are one line naming the flag or file key, with nothing written.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { collectGiven } from '../../src/create/answers.js';
import { parseCreateOptions } from '../../src/create/cli.js';
import { readFlags } from '../../src/create/flags.js';
import { isolateFromAws } from '../support/aws-isolation.js';
import { declaredOptions, runAppGenerator } from '../support/declared-options.js';

const PROJECT = { region: 'eu-west-1', account: '111122223333' };

isolateFromAws();

const run = runAppGenerator;

const declared = declaredOptions;

const asl = (dir: string) => JSON.parse(fs.readFileSync(path.join(dir, 'pipeline/state-machine.asl.json'), 'utf8'));

describe('flags, with --yes', () => {
  test('--fan-out alone: items from the input, the safe defaults written out for the user to tune', async () => {
    const result = await run().withArguments(['stores']).withOptions({ yes: true, ...PROJECT, 'fan-out': true, skipInstall: true, git: false });
    expect(result.askedQuestions).toEqual([]);
    const dir = path.join(result.cwd, 'stores');
    expect(declared(dir).fanOut).toEqual({ itemsFrom: 'input', maxConcurrency: 5, toleratedFailurePercentage: 0 });
    const source = fs.readFileSync(path.join(dir, '.projenrc.ts'), 'utf8');
    expect(source).toMatch(/\/\/ Fan-out: the stages run once per item/);
    const map = asl(dir).States['fan out'];
    expect(map).toEqual(expect.objectContaining({ Type: 'Map', ItemsPath: '$.items', MaxConcurrency: 5, ToleratedFailurePercentage: 0 }));
    expect(Object.keys(map.ItemProcessor.States)).toEqual(expect.arrayContaining(['preprocess', 'predict', 'postprocess']));
    // The sample input has items, each with its own raw data.
    const input = JSON.parse(fs.readFileSync(path.join(dir, 'pipeline/execution-input.json'), 'utf8'));
    expect(input.items.length).toBe(3);
  });

  test('every fan-out flag; a --fan-out-* flag turns fan-out on by itself', async () => {
    const result = await run()
      .withArguments(['products'])
      .withOptions({ yes: true, ...PROJECT, 'fan-out-items': 's3', 'fan-out-concurrency': '20', 'fan-out-tolerated-failure': '12.5', skipInstall: true, git: false });
    const dir = path.join(result.cwd, 'products');
    expect(declared(dir).fanOut).toEqual({ itemsFrom: 's3', maxConcurrency: 20, toleratedFailurePercentage: 12.5 });
    const map = asl(dir).States['fan out'];
    expect(map.MaxConcurrency).toBe(20);
    expect(map.ToleratedFailurePercentage).toBe(12.5);
    expect(map.ItemReader.Resource).toBe('arn:aws:states:::s3:getObject');
  });

  test('without --fan-out there is none, and no question about it under --yes', async () => {
    const result = await run().withArguments(['plain']).withOptions({ yes: true, ...PROJECT, skipInstall: true, git: false });
    expect(declared(path.join(result.cwd, 'plain')).fanOut).toBeUndefined();
    expect(asl(path.join(result.cwd, 'plain')).States['fan out']).toBeUndefined();
  });

  test('the command line parses them (--no-fan-out too)', () => {
    expect(readFlags(parseCreateOptions(['--fan-out', '--fan-out-concurrency', '3']))).toEqual(expect.objectContaining({ fanOut: true, fanOutConcurrency: '3' }));
    expect(readFlags(parseCreateOptions(['--no-fan-out']))).toEqual(expect.objectContaining({ fanOut: false }));
    expect(readFlags(parseCreateOptions([])).fanOut).toBeUndefined();
  });
});

describe('bad values: one line naming the flag or the file key, nothing written', () => {
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ 'fan-out-concurrency': '0' }, /^Invalid --fan-out-concurrency: 0 must be a whole number of items from 1 to 10000 \(SageMaker's job quotas are the real limit: start low\)$/],
    [{ 'fan-out-concurrency': 'many' }, /^Invalid --fan-out-concurrency: 'many' is not a number$/],
    [{ 'fan-out-concurrency': '2.5' }, /^Invalid --fan-out-concurrency: 2\.5 must be a whole number/],
    [{ 'fan-out-tolerated-failure': '101' }, /^Invalid --fan-out-tolerated-failure: 101 must be a percentage from 0/],
    [{ 'fan-out-items': 'ftp' }, /^Invalid --fan-out-items: 'ftp' is not a fan-out item source \(allowed: input, s3, s3-prefix\)$/],
    [{ 'fan-out': false, 'fan-out-concurrency': '3' }, /^Invalid --fan-out-concurrency: it sets the fan-out, which --no-fan-out turns off; drop one of them$/],
  ];
  test.each(cases)('%j', async (flags, message) => {
    const context = run().withArguments(['bad']).withOptions({ yes: true, ...PROJECT, ...flags, skipInstall: true, git: false });
    await expect(context).rejects.toThrow(message);
    expect(fs.existsSync(path.join(context.targetDirectory!, 'bad'))).toBe(false);
  });

  const file = (content: unknown) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lmo-fan-out-answers-'));
    fs.writeFileSync(path.join(dir, 'answers.json'), JSON.stringify(content));
    return dir;
  };
  const fileCases: [unknown, RegExp][] = [
    [{ maxConcurrency: 0 }, /^Invalid 'fanOut\.maxConcurrency' in answers\.json: 0 must be a whole number of items from 1 to 10000/],
    [{ maxConcurency: 3 }, /^Invalid 'fanOut' in answers\.json: fanOut\.maxConcurency: unknown key 'maxConcurency'; did you mean 'maxConcurrency'\?$/],
    [{ itemsFrom: 'ftp' }, /^Invalid 'fanOut' in answers\.json: fanOut\.itemsFrom: 'ftp' is not a fan-out item source/],
    ['yes', /^Invalid 'fanOut' in answers\.json: must be true, false or an object/],
  ];
  test.each(fileCases)('answers file fanOut %j', (fanOut, message) => {
    const dir = file({ fanOut });
    expect(() => collectGiven(readFlags({ answers: 'answers.json' }), dir)).toThrow(message);
  });
});

describe('an answers file', () => {
  test('fanOut as the .projenrc.ts object; flags win over it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lmo-fan-out-answers-'));
    fs.writeFileSync(path.join(dir, 'answers.json'), JSON.stringify({ ...PROJECT, fanOut: { maxConcurrency: 8, itemsFrom: 's3' } }));
    const result = await run()
      .withArguments(['filed'])
      .withOptions({ yes: true, answers: path.join(dir, 'answers.json'), 'fan-out-tolerated-failure': '25', skipInstall: true, git: false });
    expect(declared(path.join(result.cwd, 'filed')).fanOut).toEqual({ itemsFrom: 's3', maxConcurrency: 8, toleratedFailurePercentage: 25 });
  });

  test('fanOut: true and fanOut: false', () => {
    const on = fs.mkdtempSync(path.join(os.tmpdir(), 'lmo-fan-out-answers-'));
    fs.writeFileSync(path.join(on, 'answers.json'), JSON.stringify({ fanOut: true }));
    expect(collectGiven(readFlags({ answers: 'answers.json' }), on).fanOut?.value).toBe(true);
    fs.writeFileSync(path.join(on, 'answers.json'), JSON.stringify({ fanOut: false }));
    expect(collectGiven(readFlags({ answers: 'answers.json' }), on).fanOut?.value).toBe(false);
  });
});

describe('at the prompts', () => {
  test('asked last; the item source, concurrency and tolerance only when fanning out', async () => {
    const result = await run()
      .withArguments(['asked'])
      .withOptions({ interactive: true, ...PROJECT, stages: 'prep:script', skipInstall: true, git: false })
      .withAnswers({ name: 'asked', from: '', tuneStages: false, fanOut: true, fanOutItems: 's3', fanOutConcurrency: '10', fanOutToleratedFailure: '34' });
    const asked = result.askedQuestions.map((q) => q.name);
    expect(asked.slice(-4)).toEqual(['fanOut', 'fanOutItems', 'fanOutConcurrency', 'fanOutToleratedFailure']);
    expect(declared(path.join(result.cwd, 'asked')).fanOut).toEqual({ itemsFrom: 's3', maxConcurrency: 10, toleratedFailurePercentage: 34 });
  });

  test('declined: nothing more is asked and there is no fan-out', async () => {
    const result = await run()
      .withArguments(['single'])
      .withOptions({ interactive: true, ...PROJECT, stages: 'prep:script', skipInstall: true, git: false })
      .withAnswers({ name: 'single', from: '', tuneStages: false, fanOut: false });
    expect(result.askedQuestions.map((q) => q.name).at(-1)).toBe('fanOut');
    expect(declared(path.join(result.cwd, 'single')).fanOut).toBeUndefined();
  });
});
