/**
 * Hostile arguments to `create-legacy-mlops`: every one is refused with one line naming the flag,
 * exit 1, and nothing written. A flag that takes a value takes the next argument even when it
 * starts with `-` (`--max-runtime -5` used to be dropped silently: exit 0 with the defaults).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { hostileTable, writeFiles, type CaseContext, type HostileCase } from './harness.js';
import { create } from './create-runner.js';

const nothingCreated = ({ dir }: CaseContext) => expect(fs.readdirSync(dir).filter((e) => !e.endsWith('.json'))).toEqual([]);
const BIN = /^create-legacy-mlops: /;

/** [name, argv (before the quiet flags), expected message]: all refusals. */
const REFUSALS: [string, string[], RegExp][] = [
  ['--max-runtime -5 (value as a separate argument)', ['p', '--max-runtime', '-5'], /Invalid --max-runtime: .*whole number/i],
  ['--volume-size -5 (value as a separate argument)', ['p', '--volume-size', '-5'], /Invalid --volume-size: .*whole number/i],
  ['--max-runtime=-5', ['p', '--max-runtime=-5'], /Invalid --max-runtime/],
  ['--volume-size=-5', ['p', '--volume-size=-5'], /Invalid --volume-size/],
  ['--max-runtime 0', ['p', '--max-runtime', '0'], /Invalid --max-runtime/],
  ['--volume-size 0', ['p', '--volume-size', '0'], /Invalid --volume-size/],
  ['--max-runtime abc', ['p', '--max-runtime', 'abc'], /Invalid --max-runtime/],
  ['--max-runtime 1.5', ['p', '--max-runtime', '1.5'], /Invalid --max-runtime/],
  ['--max-runtime beyond the SageMaker limit', ['p', '--max-runtime', '999999999'], /Invalid --max-runtime/],
  ['--volume-size beyond the SageMaker limit', ['p', '--volume-size', '999999'], /Invalid --volume-size/],
  ['--volume-size -0', ['p', '--volume-size', '-0'], /Invalid --volume-size/],
  ['--region= (empty)', ['p', '--region='], /--region needs a value, got an empty one/],
  ['--region "" (empty)', ['p', '--region', ''], /--region needs a value, got an empty one/],
  ['--region given twice', ['p', '--region', 'eu-west-1'], /--region is given twice/],
  ['--name -x', ['p', '--name', '-x'], /Invalid --name/],
  ['--name with a slash', ['p', '--name', 'a/b'], /Invalid --name/],
  ['--name with a space', ['p', '--name', 'my model'], /Invalid --name/],
  ['--name too long', ['p', '--name', 'a'.repeat(200)], /Invalid --name/],
  ['--bucket -x', ['p', '--bucket', '-x'], /Invalid --bucket/],
  ['--bucket with upper case', ['p', '--bucket', 'MyBucket'], /Invalid --bucket/],
  ['--bucket like an IP address', ['p', '--bucket', '192.168.1.1'], /Invalid --bucket/],
  ['--stages -x', ['p', '--stages', '-x'], /Invalid --stages/],
  ['--stages with a duplicate', ['p', '--stages', 'predict,predict'], /Invalid --stages/],
  ['--stages with an unknown mode', ['p', '--stages', 'predict:lambda'], /Invalid --stages/],
  ['--stages with a path in the name', ['p', '--stages', '../x'], /Invalid --stages/],
  ['--stages empty list', ['p', '--stages', ','], /Invalid --stages/],
  ['--preset -x', ['p', '--preset', '-x'], /Invalid --preset/],
  ['--preset unknown', ['p', '--preset', 'huge'], /Invalid --preset/],
  ['--instance-type -x', ['p', '--instance-type', '-x'], /Invalid --instance-type/],
  ['--instance-type without ml. prefix', ['p', '--instance-type', 'm5.large'], /Invalid --instance-type/],
  ['--from -x (taken as a path)', ['p', '--from', '-x'], /Invalid --from: cannot read \S+\/-x \(it does not exist\)/],
  ['--answers -x (taken as a path)', ['p', '--answers', '-x'], /Invalid --answers: cannot read \S+-x: it does not exist/],
  ['an unknown flag', ['p', '--frobnicate'], /unknown option --frobnicate/],
  ['an unknown short flag', ['p', '-q'], /unknown option -q/],
  ['a misspelt flag', ['p', '--regoin', 'eu-west-1'], /unknown option --regoin/],
  ['two directories', ['p', 'q'], /expected at most one directory, got 'p' 'q'/],
];

/** Region and account come last, by themselves (the quiet flags set them). */
const BASE = ['--yes', '--skip-install', '--no-git'];
const ownRegion = (...argv: string[]) => ['p', ...BASE, '--account', '111122223333', ...argv];
const ownAccount = (...argv: string[]) => ['p', ...BASE, '--region', 'eu-west-1', ...argv];
const OWN: [string, string[], RegExp][] = [
  ['--region -5', ownRegion('--region', '-5'), /Invalid --region/],
  ['--region --yes (a flag name as the value)', ownRegion('--region', '--yes'), /Invalid --region/],
  ['--region at the end with no value', ownRegion('--region'), /--region needs a value/],
  ['--region with a space', ownRegion('--region', 'eu west 1'), /Invalid --region/],
  ['--account -1', ownAccount('--account', '-1'), /Invalid --account/],
  ['--account with 11 digits', ownAccount('--account', '12345678901'), /Invalid --account/],
  ['--account with letters', ownAccount('--account', '12345678901x'), /Invalid --account/],
];

const cases: HostileCase[] = [...REFUSALS.map(([name, argv, message]) => [name, argv, message, true] as const), ...OWN.map(([name, argv, message]) => [name, argv, message, false] as const)].map(([name, argv, message, quiet]) => ({
  name,
  run: create(argv, quiet),
  exitCode: 1,
  message: new RegExp(`${BIN.source}${message.source}`, message.flags),
  check: nothingCreated,
}));

cases.push(
  {
    name: 'the answers file is a FIFO: refused by name, never read',
    setup: ({ dir }) => void execFileSync('mkfifo', [path.join(dir, 'answers.json')]),
    run: create(['p', '--answers', 'answers.json']),
    exitCode: 1,
    message: /Invalid --answers: \S+answers\.json is a FIFO \(named pipe\): give a JSON file/,
  },
  {
    name: 'the answers file is a folder',
    setup: ({ dir }) => fs.mkdirSync(path.join(dir, 'answers.json')),
    run: create(['p', '--answers', 'answers.json']),
    exitCode: 1,
    message: /Invalid --answers: \S+answers\.json is a folder/,
  },
  {
    name: 'the answers file is not JSON',
    setup: ({ dir }) => writeFiles(dir, { 'answers.json': '{ name: x' }),
    run: create(['p', '--answers', 'answers.json']),
    exitCode: 1,
    message: /Invalid --answers: cannot read \S+: it is not valid JSON/,
  },
  {
    name: 'the answers file is a JSON array',
    setup: ({ dir }) => writeFiles(dir, { 'answers.json': '[]' }),
    run: create(['p', '--answers', 'answers.json']),
    exitCode: 1,
    message: /must hold a JSON object/,
  },
  {
    name: 'the answers file has an unknown key',
    setup: ({ dir }) => writeFiles(dir, { 'answers.json': '{"regoin": "eu-west-1"}' }),
    run: create(['p', '--answers', 'answers.json']),
    exitCode: 1,
    message: /unknown key\(s\) regoin/,
  },
  {
    name: 'the answers file gives a negative runtime',
    setup: ({ dir }) => writeFiles(dir, { 'answers.json': '{"maxRuntimeSeconds": -5}' }),
    run: create(['p', '--answers', 'answers.json']),
    exitCode: 1,
    message: /maxRuntimeSeconds/,
  },
  {
    name: 'the target is a file',
    setup: ({ dir }) => writeFiles(dir, { p: 'mine' }),
    run: create(['p']),
    exitCode: 1,
    message: /\S+\/p exists and is not a folder: choose another directory/,
  },
  {
    name: 'the target is a file even with --force',
    setup: ({ dir }) => writeFiles(dir, { p: 'mine' }),
    run: create(['p', '--force']),
    exitCode: 1,
    message: /\S+\/p exists and is not a folder/,
  },
  {
    name: 'the target holds files and --force is not given',
    setup: ({ dir }) => writeFiles(dir, { 'p/notes.txt': 'mine' }),
    run: create(['p']),
    exitCode: 1,
    message: /\S+\/p is not empty \(notes\.txt\): choose a new directory, or pass --force/,
  },
  {
    name: 'the target is a FIFO',
    setup: ({ dir }) => void execFileSync('mkfifo', [path.join(dir, 'p')]),
    run: create(['p']),
    exitCode: 1,
    message: /\S+\/p exists and is not a folder/,
  },
  {
    name: 'a value that starts with a dash is taken for --max-runtime when valid elsewhere (=)',
    run: create(['p', '--max-runtime=600']),
    exitCode: 0,
    check: ({ dir }) => expect(fs.readFileSync(path.join(dir, 'p/.projenrc.ts'), 'utf8')).toContain('600'),
  },
  {
    name: 'a directory with a space and a quote: the printed next steps quote it as one shell word',
    run: create(["my model's dir", '--name', 'p']),
    exitCode: 0,
    message: /^ {2}cd 'my model'\\''s dir'$/,
    check: (ctx, result) => {
      expect(result.stdout + result.stderr).toMatch(/^Created p in 'my model'\\''s dir' /m);
      expect(fs.existsSync(path.join(ctx.dir, "my model's dir/.projenrc.ts"))).toBe(true);
    },
  },
);

hostileTable('create: arguments', cases);
