/**
 * The test tree mirrors the code: a unit test lives at test/<folder of the module it tests>/, where that
 * folder exists under src/ or is generators/<name>. End-to-end runs over a whole project sit in
 * test/e2e/, the adversarial suite in test/hostile/, these layout checks in test/structure/. Shared
 * helpers are code in test/support/; test/fixtures/ holds data only; test/bench/ and test/tools/ hold
 * scripts, not tests. Nothing sits directly in test/ but its tsconfig.json.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Folders of test/ that do not mirror code, and whether test files belong there. */
const OWN_FOLDERS: Record<string, 'tests' | 'no tests'> = {
  e2e: 'tests',
  hostile: 'tests',
  structure: 'tests',
  support: 'no tests',
  fixtures: 'no tests',
  bench: 'no tests',
  tools: 'no tests',
};
const TOP_LEVEL_FILES = new Set(['tsconfig.json']);

/**
 * What is out of place among `files` (paths relative to test/, '/'-separated); `codeFolderExists` says
 * whether a folder (e.g. 'local/emulators', 'generators/stage') exists under src/ or at the repo root.
 */
function layoutProblems(files: string[], codeFolderExists: (folder: string) => boolean): string[] {
  const problems: string[] = [];
  for (const file of files) {
    const parts = file.split('/');
    if (parts.length === 1) {
      if (!TOP_LEVEL_FILES.has(file)) problems.push(`test/${file}: directly in test/; move it to the folder it tests, test/e2e/ or test/support/`);
      continue;
    }
    const isTest = file.endsWith('.test.ts');
    const own = OWN_FOLDERS[parts[0]];
    if (own === 'no tests') {
      if (isTest) problems.push(`test/${file}: test/${parts[0]}/ holds no tests; move it to the folder it tests`);
      else if (parts[0] === 'fixtures' && file.endsWith('.ts')) problems.push(`test/${file}: test/fixtures/ holds data only; helpers go in test/support/`);
      continue;
    }
    if (own === 'tests') continue;
    const folder = parts.slice(0, -1).join('/');
    if (!codeFolderExists(folder)) {
      problems.push(`test/${file}: no src/${folder}/ (or ${folder}/ for generators) to mirror; put it beside the tests of the module it tests`);
    }
  }
  return problems;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => statSync(join(dir, file)).isFile())
    .map((file) => file.split('\\').join('/'));
}

function codeFolderExists(folder: string): boolean {
  const candidate = folder.startsWith('generators/') ? join(ROOT, folder) : join(ROOT, 'src', folder);
  return existsSync(candidate) && statSync(candidate).isDirectory();
}

describe('test layout', () => {
  test('every file under test/ is where the layout says', () => {
    expect(layoutProblems(filesUnder(join(ROOT, 'test')), codeFolderExists)).toEqual([]);
  });

  test('unit tests are spread over the folders they test', () => {
    const folders = new Set(filesUnder(join(ROOT, 'test')).filter((f) => f.endsWith('.test.ts')).map((f) => f.split('/')[0]));
    for (const folder of ['asl', 'iam', 'local', 'model', 'create', 'cli', 'construct', 'generators', 'e2e']) expect(folders).toContain(folder);
  });

  test('a file out of place is named with what to do', () => {
    const exists = (folder: string) => ['local', 'local/emulators', 'generators/stage'].includes(folder);
    expect(layoutProblems(['local-run.test.ts'], exists)).toEqual([
      'test/local-run.test.ts: directly in test/; move it to the folder it tests, test/e2e/ or test/support/',
    ]);
    expect(layoutProblems(['temp-dirs.ts'], exists)).toHaveLength(1);
    expect(layoutProblems(['lifecycle/local.test.ts'], exists)).toEqual([
      'test/lifecycle/local.test.ts: no src/lifecycle/ (or lifecycle/ for generators) to mirror; put it beside the tests of the module it tests',
    ]);
    expect(layoutProblems(['generators/app/app.test.ts'], exists)).toHaveLength(1);
    expect(layoutProblems(['support/helpers.test.ts', 'fixtures/repo.ts'], exists)).toHaveLength(2);
    expect(layoutProblems([
      'local/run.test.ts', 'local/emulators/job-lifecycle.test.ts', 'generators/stage/options.test.ts',
      'e2e/pack.test.ts', 'hostile/harness.ts', 'support/temp-dirs.ts', 'fixtures/legacy/a/train.py', 'tsconfig.json',
    ], exists)).toEqual([]);
  });
});
