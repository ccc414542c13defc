/**
 * `create-legacy-mlops --existing-bucket`: a bucket that exists already (shared, or kept from an
 * earlier project) is declared `existingBucket: true` in .projenrc.ts, so the stack uses it and never
 * creates it. From the flag, an answers file's `existingBucket`, or the prompt asked after a bucket
 * other than the default. Without a bucket name it is one line naming the flag or key, nothing written.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { collectGiven } from '../../src/create/answers.js';
import { parseCreateOptions } from '../../src/create/cli.js';
import { flagsHelp, readFlags } from '../../src/create/flags.js';
import { isolateFromAws } from '../support/aws-isolation.js';
import { declaredOptions, runAppGenerator } from '../support/declared-options.js';

const PROJECT = { region: 'eu-west-1', account: '111122223333' };
const dirs: string[] = [];

isolateFromAws();
afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

const run = runAppGenerator;

const declared = declaredOptions;

function answersFile(content: unknown): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lmo-existing-bucket-'));
  dirs.push(dir);
  fs.writeFileSync(path.join(dir, 'answers.json'), JSON.stringify(content));
  return dir;
}

test('--bucket <name> --existing-bucket: .projenrc.ts declares it, and the model the stack is built from uses the bucket as it is', async () => {
  const result = await run().withArguments(['shared']).withOptions({ yes: true, ...PROJECT, bucket: 'team-ml-data', 'existing-bucket': true, skipInstall: true, git: false });
  expect(result.askedQuestions).toEqual([]);
  const dir = path.join(result.cwd, 'shared');
  expect(declared(dir)).toMatchObject({ bucket: 'team-ml-data', existingBucket: true });
  expect(fs.readFileSync(path.join(dir, '.projenrc.ts'), 'utf8')).toContain("  bucket: 'team-ml-data',\n  // The bucket exists already: the stack uses it as it is and never creates, changes or deletes it.\n  existingBucket: true,\n");
  const model = JSON.parse(fs.readFileSync(path.join(dir, 'pipeline/pipeline-model.json'), 'utf8'));
  expect(model.environments[0].pipeline.s3).toMatchObject({ bucket: 'team-ml-data', existing: true });
});

test('--bucket alone (or --no-existing-bucket): the stack creates the bucket; nothing is declared', async () => {
  for (const extra of [{}, { 'existing-bucket': false }]) {
    const result = await run().withArguments(['own']).withOptions({ yes: true, ...PROJECT, bucket: 'team-ml-data', ...extra, skipInstall: true, git: false });
    const options = declared(path.join(result.cwd, 'own'));
    expect(options.bucket).toBe('team-ml-data');
    expect(options.existingBucket).toBeUndefined();
  }
});

test('--existing-bucket without --bucket: one line naming the flag, nothing written', async () => {
  const context = run().withArguments(['nameless']).withOptions({ yes: true, ...PROJECT, 'existing-bucket': true, skipInstall: true, git: false });
  await expect(context).rejects.toThrow(/^Invalid --existing-bucket: names no bucket: give the existing bucket's name with --bucket <name>/);
  expect(fs.existsSync(path.join(context.targetDirectory!, 'nameless'))).toBe(false);
});

test('the command line parses it (--no-existing-bucket too) and the help lists it', () => {
  expect(readFlags(parseCreateOptions(['--bucket', 'b-1', '--existing-bucket']))).toEqual(expect.objectContaining({ bucket: 'b-1', existingBucket: true }));
  expect(readFlags(parseCreateOptions(['--no-existing-bucket'])).existingBucket).toBe(false);
  expect(readFlags(parseCreateOptions([])).existingBucket).toBeUndefined();
  expect(flagsHelp()).toMatch(/\n +--existing-bucket +the --bucket bucket exists already/);
});

describe('an answers file', () => {
  test('existingBucket: true with its bucket; a flag wins over the file', () => {
    const dir = answersFile({ bucket: 'team-ml-data', existingBucket: true });
    expect(collectGiven(readFlags({ answers: 'answers.json' }), dir).existingBucket).toEqual({ value: true, origin: { kind: 'file', file: 'answers.json', key: 'existingBucket' } });
    expect(collectGiven(readFlags({ answers: 'answers.json', 'existing-bucket': false }), dir).existingBucket?.value).toBe(false);
  });

  test('not a boolean, or no bucket: one line naming the key', () => {
    expect(() => collectGiven(readFlags({ answers: 'answers.json' }), answersFile({ bucket: 'b-1', existingBucket: 'yes' }))).toThrow(/^Invalid 'existingBucket' in answers\.json: must be true or false$/);
    expect(() => collectGiven(readFlags({ answers: 'answers.json' }), answersFile({ existingBucket: true }))).toThrow(/^Invalid 'existingBucket' in answers\.json: names no bucket/);
    expect(() => collectGiven(readFlags({ answers: 'answers.json' }), answersFile({ existingBuckt: true }))).toThrow(/unknown key\(s\) existingBuckt \(did you mean existingBucket\?\)/);
  });
});

describe('at the prompts', () => {
  test('asked right after a bucket other than the default; yes declares it', async () => {
    const result = await run()
      .withArguments(['asked'])
      .withOptions({ interactive: true, ...PROJECT, stages: 'prep:script', skipInstall: true, git: false })
      .withAnswers({ name: 'asked', bucket: 'team-ml-data', existingBucket: true, from: '', tuneStages: false, fanOut: false });
    const asked = result.askedQuestions.map((q) => q.name);
    expect(asked[asked.indexOf('bucket') + 1]).toBe('existingBucket');
    expect(declared(path.join(result.cwd, 'asked'))).toMatchObject({ bucket: 'team-ml-data', existingBucket: true });
  });

  test('not asked for the default bucket, which the stack creates', async () => {
    const result = await run()
      .withArguments(['plain'])
      .withOptions({ interactive: true, ...PROJECT, stages: 'prep:script', skipInstall: true, git: false })
      .withAnswers({ name: 'plain', bucket: 'plain-111122223333-eu-west-1', from: '', tuneStages: false, fanOut: false });
    expect(result.askedQuestions.map((q) => q.name)).not.toContain('existingBucket');
    expect(declared(path.join(result.cwd, 'plain')).existingBucket).toBeUndefined();
  });
});
