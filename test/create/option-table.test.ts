/**
 * The one option table: the flags `create-legacy-mlops` and `yo legacy-mlops:stage` share have the same
 * names, types, parsing and validation because both commands derive them from one row. Checked through
 * each command's own surface: create's argv parser and help, the stage generator's command-line reader
 * and the options it declares to Yeoman, and the one-line refusals each command prints for the same bad value.
 */
import { fileURLToPath } from 'node:url';
import { createEnv } from 'yeoman-environment';
import helpers from 'yeoman-test';
import StageGenerator from '../../generators/stage/index.js';
import { parseStageArguments } from '../../generators/stage/options.js';
import LegacyMlopsGenerator from '../../generators/app/index.js';
import { parseCreateOptions, runCreate } from '../../src/create/cli.js';
import { flagsHelp } from '../../src/create/flags.js';
import { OPTION_TABLE, optionsOf } from '../../src/create/option-table.js';
import { STAGE_GENERATOR, makeRepo, snapshot } from '../support/stage-generator-fixtures.js';
import { declaredOptions } from '../support/declared-options.js';

const SHARED = optionsOf('create')
  .filter((o) => o.commands.includes('stage'))
  .map((o) => o.name);

const APP_GENERATOR = fileURLToPath(new URL('../../generators/app/index.ts', import.meta.url));

/** A generator as yo constructs it (no run): what it declared to Yeoman, and its help. */
function construct(generator: 'create' | 'stage'): { _options: Record<string, { type: unknown; alias?: string; default?: unknown }>; help(): string } {
  const Gen = (generator === 'create' ? LegacyMlopsGenerator : StageGenerator) as unknown as new (args: string[], options: object) => never;
  return new Gen([], { env: createEnv(), resolved: generator === 'create' ? APP_GENERATOR : STAGE_GENERATOR, namespace: `legacy-mlops:${generator === 'create' ? 'app' : 'stage'}` });
}

/** What each generator declared to Yeoman, by option name: the type's kind, alias and default. */
function declaredToYeoman(generator: 'create' | 'stage'): Record<string, { type: string; alias?: string; default?: unknown }> {
  const kindOf = (type: unknown) => (type === Boolean ? 'boolean' : Array.isArray((type as (v: unknown) => unknown)('a')) ? 'list' : 'string');
  return Object.fromEntries(Object.entries(construct(generator)._options).map(([name, o]) => [name, { type: kindOf(o.type), ...(o.alias ? { alias: o.alias } : {}), ...(o.default !== undefined ? { default: o.default } : {}) }]));
}

const createLine = async (argv: string[]) => {
  const err: string[] = [];
  const code = await runCreate(['p', '--yes', '--skip-install', '--no-git', '--region', 'eu-west-1', '--account', '111122223333', ...argv], makeRepo(), { out: () => {}, err: (l) => err.push(l) });
  return { code, line: err.join('\n').replace(/^create-legacy-mlops: /, '') };
};

const stageLine = async (argv: string[], dir = makeRepo()) => {
  const before = snapshot(dir);
  try {
    await helpers.run<StageGenerator>(StageGenerator, { resolved: STAGE_GENERATOR }).cd(dir).withArguments(argv).withOptions({ synthInProcess: true });
  } catch (error) {
    expect(snapshot(dir)).toEqual(before);
    return (error as Error).message;
  }
  throw new Error(`yo stage accepted ${argv.join(' ')}`);
};

test('the commands share the job settings, the approver, the tuning flags, --from and --yes, each from one row', () => {
  expect(SHARED).toEqual(expect.arrayContaining(['instance-type', 'volume-size', 'max-runtime', 'approver-email', 'range', 'objective-metric', 'objective', 'strategy', 'max-jobs', 'max-parallel-jobs', 'from', 'yes']));
  // A name is one row: no command has two rows of one name, and no two rows share a name.
  expect(new Set(OPTION_TABLE.map((o) => o.name)).size).toBe(OPTION_TABLE.length);
});

test('both parsers read the shared flags the same way: a value starting with - is a value, lists repeat, a Boolean is bare or --no-', () => {
  const argv = ['--instance-type', 'ml.m5.xlarge', '--volume-size', '-5', '--max-runtime=600', '--approver-email', 'a@b.example', '--range', 'C=0.01:10:log', '--range', 'solver=lbfgs,liblinear', '--objective', 'minimize', '--max-jobs', '4', '--from', '-legacy', '-y'];
  const create = parseCreateOptions(argv);
  const stage = parseStageArguments(argv).options;
  for (const name of SHARED) expect([name, stage[name]]).toEqual([name, create[name]]);
  expect(create['volume-size']).toBe('-5');
  expect(create.from).toBe('-legacy');
  expect(create.range).toEqual(['C=0.01:10:log', 'solver=lbfgs,liblinear']);
  expect(parseStageArguments(['--no-yes']).options.yes).toBe(false);
  expect(parseCreateOptions(['--no-yes']).yes).toBe(false);
});

test('both generators declare the shared flags to Yeoman with the same type and alias', () => {
  const create = declaredToYeoman('create');
  const stage = declaredToYeoman('stage');
  for (const name of SHARED) {
    expect([name, stage[name]]).toEqual([name, create[name]]);
    expect(create[name].type).toBe(OPTION_TABLE.find((o) => o.name === name)!.type);
  }
});

test("both helps list every shared flag (create's usage, yo stage's Yeoman help)", () => {
  const createHelp = flagsHelp();
  const stageHelp = construct('stage').help();
  for (const name of SHARED.filter((n) => !optionsOf('create').find((o) => o.name === n)!.hide)) {
    expect(createHelp).toContain(`--${name}`);
    expect(stageHelp).toContain(`--${name}`);
  }
});

describe('the same bad value is refused in the same words by both commands, nothing written', () => {
  test.each([
    ['--max-runtime', '-5'],
    ['--max-runtime', 'soon'],
    ['--volume-size', '0'],
    ['--instance-type', 'ml.banana.huge'],
  ])('%s %s', async (flag, value) => {
    const create = await createLine([flag, value]);
    expect(create.code).toBe(1);
    const stage = await stageLine(['report', flag, value, '--yes']);
    expect(create.line).toMatch(new RegExp(`^Invalid ${flag}: `));
    expect(stage).toBe(create.line);
  }, 60_000);

  test('--approver-email nobody (for an approval stage: the governed preset, or yo stage --kind approval)', async () => {
    const create = await createLine(['--preset', 'governed', '--approver-email', 'nobody']);
    const stage = await stageLine(['approve', '--kind', 'approval', '--approver-email', 'nobody', '--yes']);
    expect(create.line).toMatch(/^Invalid --approver-email: 'nobody' is not an e-mail address/);
    expect(stage).toBe(create.line);
  }, 60_000);

  test('a misspelt flag: both name the closest one', async () => {
    const create = await createLine(['--instance-typ', 'ml.m5.xlarge']);
    const stage = await stageLine(['report', '--instance-typ', 'ml.m5.xlarge', '--yes']);
    expect(create.line).toMatch(/^unknown option --instance-typ \(did you mean --instance-type\?\)/);
    expect(stage).toMatch(/^Unknown option --instance-typ \(did you mean --instance-type\?\)/);
  }, 60_000);
});

test('yo stage reads its own command line by the table: --max-runtime 600 sets the stage field', async () => {
  const dir = makeRepo();
  await helpers.run<StageGenerator>(StageGenerator, { resolved: STAGE_GENERATOR }).cd(dir).withArguments(['report', '--max-runtime', '600', '--yes']).withOptions({ synthInProcess: true });
  expect(declaredOptions(dir).stages.find((s: { name: string }) => s.name === 'report').maxRuntimeSeconds).toBe(600);
}, 60_000);
