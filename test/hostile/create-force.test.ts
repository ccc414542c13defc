/**
 * `create-legacy-mlops --force` into folders that already hold the user's files. It never deletes or
 * loses anything it did not write in this run: folders merge, user code the scaffold only offers is
 * kept, every replaced file is listed and kept in a backup folder, an existing `.git` keeps its history
 * with the scaffold as one new commit on top (no git action at all with --no-git), and a refusal
 * changes nothing. Before the fix, `--force` removed each top-level entry recursively and replaced `.git`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BACKUP_ROOT } from '../../src/create/merge-into-place.js';
import { hostileTable, writeFiles, type CaseContext, type HostileCase } from './harness.js';
import type { CommandResult } from './processes.js';
import { hashTree } from './tree-hash.js';
import { create, createBin } from './create-runner.js';
import { generatedProject, git, userRepository } from './fixtures.js';

const WITH_GIT = ['--yes', '--skip-install', '--region', 'eu-west-1', '--account', '111122223333'];
const read = (ctx: CaseContext, rel: string) => fs.readFileSync(path.join(ctx.dir, rel), 'utf8');
const backups = (ctx: CaseContext, project = 'p') => {
  const root = path.join(ctx.dir, project, BACKUP_ROOT);
  return fs.existsSync(root) ? fs.readdirSync(root).map((stamp) => path.join(root, stamp)) : [];
};
/** The one backup folder of the run, which the output names. */
function backupOf(ctx: CaseContext, result: CommandResult): string {
  const [dir] = backups(ctx);
  expect(dir).toBeDefined();
  expect(result.stdout + result.stderr).toContain(dir);
  return dir;
}
const unchangedGitDir = (ctx: CaseContext) => expect(hashTree(path.join(ctx.dir, 'p'), ['.git'])).toEqual(ctx.state.gitBefore);

const cases: HostileCase[] = [
  {
    name: 'files added to a generated project survive a second --force (issue repro)',
    setup: async (ctx) => {
      await generatedProject(ctx.dir);
      writeFiles(ctx.dir, { 'p/stages/preprocess/helper.py': 'def helper():\n    return 1\n', 'p/data/raw/extra.csv': 'a,b\n1,2\n' });
    },
    run: create(['p', '--force']),
    exitCode: 0,
    check: (ctx) => {
      expect(read(ctx, 'p/stages/preprocess/helper.py')).toContain('def helper');
      expect(read(ctx, 'p/data/raw/extra.csv')).toBe('a,b\n1,2\n');
    },
  },
  {
    name: 'an edited stage script is kept, and the output says so',
    setup: async (ctx) => {
      await generatedProject(ctx.dir);
      writeFiles(ctx.dir, { 'p/stages/preprocess/preprocess.py': 'print("my legacy logic")\n' });
    },
    run: create(['p', '--force']),
    exitCode: 0,
    message: /^Kept your existing stages\/preprocess\/preprocess\.py \(user code is never overwritten\)/,
    check: (ctx) => expect(read(ctx, 'p/stages/preprocess/preprocess.py')).toBe('print("my legacy logic")\n'),
  },
  {
    name: 'edited requirements, Dockerfile and sample data are kept',
    setup: async (ctx) => {
      await generatedProject(ctx.dir);
      writeFiles(ctx.dir, { 'p/stages/predict/requirements.txt': 'xgboost==1.7.6\n', 'p/stages/predict/Dockerfile': 'FROM mine\n', 'p/data/raw/pre_processing_input.csv': 'mine\n' });
    },
    run: create(['p', '--force']),
    exitCode: 0,
    message: /^Kept your existing .*stages\/predict\/Dockerfile/,
  },
  {
    name: 'a hand-edited managed README is replaced, listed, and its old version is in the named backup folder',
    setup: async (ctx) => {
      await generatedProject(ctx.dir);
      fs.chmodSync(path.join(ctx.dir, 'p/README.md'), 0o644);
      writeFiles(ctx.dir, { 'p/README.md': '# my notes\n' });
    },
    run: create(['p', '--force']),
    exitCode: 0,
    mayReplace: ['p/README.md'],
    message: /^Replaced 1 file; the previous versions are in \S+\/p\/\.legacy-mlops-backup\/\S+: README\.md$/,
    check: (ctx, result) => {
      expect(fs.readFileSync(path.join(backupOf(ctx, result), 'README.md'), 'utf8')).toBe('# my notes\n');
      expect(read(ctx, 'p/README.md')).not.toBe('# my notes\n');
    },
  },
  {
    name: 'a changed .projenrc.ts (other stages) is replaced with a backup; stages it no longer names are kept',
    setup: async (ctx) => {
      await generatedProject(ctx.dir);
      ctx.state.projenrc = read(ctx, 'p/.projenrc.ts');
    },
    run: create(['p', '--force', '--stages', 'preprocess:script,train']),
    exitCode: 0,
    mayReplace: ['p/.projenrc.ts', 'p/README.md', 'p/pipeline'],
    message: /^Replaced \d+ files; the previous versions are in \S+: .*\.projenrc\.ts/,
    check: (ctx, result) => {
      expect(fs.readFileSync(path.join(backupOf(ctx, result), '.projenrc.ts'), 'utf8')).toBe(ctx.state.projenrc);
      expect(fs.existsSync(path.join(ctx.dir, 'p/stages/postprocess/postprocess.py'))).toBe(true);
      expect(fs.existsSync(path.join(ctx.dir, 'p/stages/train/train.py'))).toBe(true);
    },
  },
  {
    name: 'a folder of the user\'s own files (not a project) only gains files',
    setup: ({ dir }) => writeFiles(dir, { 'p/analysis.ipynb': '{}', 'p/data/raw/customers.csv': 'id\n1\n', 'p/stages/notes.md': 'plan', 'p/src/util.ts': 'export {}' }),
    run: create(['p', '--force']),
    exitCode: 0,
    check: (ctx, result) => {
      expect(backups(ctx)).toEqual([]);
      expect(result.stdout).not.toMatch(/Replaced/);
      expect(fs.existsSync(path.join(ctx.dir, 'p/.projenrc.ts'))).toBe(true);
    },
  },
  {
    name: 'the user\'s own .gitignore and package.json are replaced, listed and backed up',
    setup: ({ dir }) => writeFiles(dir, { 'p/.gitignore': 'secret.env\n', 'p/package.json': '{"name":"mine"}' }),
    run: create(['p', '--force']),
    exitCode: 0,
    mayReplace: ['p/.gitignore', 'p/package.json'],
    message: /^Replaced 2 files; .*: \.gitignore, package\.json$/,
    check: (ctx, result) => {
      const backup = backupOf(ctx, result);
      expect(fs.readFileSync(path.join(backup, '.gitignore'), 'utf8')).toBe('secret.env\n');
      expect(fs.readFileSync(path.join(backup, 'package.json'), 'utf8')).toBe('{"name":"mine"}');
    },
  },
  {
    name: 'a second --force over an untouched project writes nothing and makes no backup',
    setup: async (ctx) => void (await generatedProject(ctx.dir)),
    run: create(['p', '--force']),
    exitCode: 0,
    expectOwned: 'unchanged',
    message: /already held every file of the project: nothing was written/,
  },
  {
    name: 'a folder where the project writes a file: refused, nothing changed',
    setup: ({ dir }) => writeFiles(dir, { 'p/README.md/mine.txt': 'x', 'p/keep.txt': 'k' }),
    run: create(['p', '--force']),
    exitCode: 1,
    message: /^create-legacy-mlops: \S+\/p\/README\.md is a folder where the project writes a file: move it away and rerun$/,
  },
  {
    name: 'a file where the project needs a folder: refused, nothing changed',
    setup: ({ dir }) => writeFiles(dir, { 'p/stages': 'not a folder', 'p/keep.txt': 'k' }),
    run: create(['p', '--force']),
    exitCode: 1,
    message: /\S+\/p\/stages is a file where the project needs a folder/,
  },
  {
    name: 'a symlinked folder the project would write through: refused, nothing changed on either side',
    setup: ({ dir }) => {
      writeFiles(dir, { 'elsewhere/state-machine.asl.json': 'mine', 'p/keep.txt': 'k' });
      fs.symlinkSync('../elsewhere', path.join(dir, 'p/pipeline'));
    },
    run: create(['p', '--force']),
    exitCode: 1,
    message: /\S+\/p\/pipeline is a symbolic link where the project needs a folder \(files would be written through it\)/,
  },
  {
    name: 'a symlink where the project writes a file is replaced (the link, never its target) and backed up',
    setup: ({ dir }) => {
      writeFiles(dir, { 'outside.md': 'outside', 'p/keep.txt': 'k' });
      fs.symlinkSync('../outside.md', path.join(dir, 'p/README.md'));
    },
    run: create(['p', '--force']),
    exitCode: 0,
    mayReplace: ['p/README.md'],
    message: /^Replaced 1 file; .*: README\.md$/,
    check: (ctx, result) => {
      expect(read(ctx, 'outside.md')).toBe('outside');
      expect(fs.readlinkSync(path.join(backupOf(ctx, result), 'README.md'))).toBe('../outside.md');
    },
  },
  {
    name: 'an existing repository keeps its history: the scaffold is one new commit on top',
    setup: async (ctx) => {
      writeFiles(ctx.dir, { 'p/model.py': 'print(1)\n', 'p/README.md': '# old\n' });
      ctx.state.head = userRepository(path.join(ctx.dir, 'p'));
    },
    run: create(['p', '--force', ...WITH_GIT], false),
    exitCode: 0,
    mayReplace: ['p/.git', 'p/README.md'],
    message: /^committed the scaffold as [0-9a-f]+ \("Scaffold from create-legacy-mlops --force"\) on top of the existing history$/,
    check: (ctx) => {
      const repo = path.join(ctx.dir, 'p');
      expect(git(repo, 'rev-parse', 'HEAD~1')).toBe(ctx.state.head);
      expect(git(repo, 'log', '--format=%s')).toBe('Scaffold from create-legacy-mlops --force\nuser history');
      expect(git(repo, 'show', `${ctx.state.head}:README.md`)).toBe('# old');
      const committed = git(repo, 'show', '--name-only', '--format=', 'HEAD').split('\n');
      expect(committed).toContain('.projenrc.ts');
      expect(committed).toContain('README.md');
      expect(committed.some((f) => f.startsWith(BACKUP_ROOT) || f === 'model.py')).toBe(false);
    },
  },
  {
    name: 'in an existing repository, what the user had staged stays staged and out of the scaffold commit',
    setup: async (ctx) => {
      writeFiles(ctx.dir, { 'p/model.py': 'print(1)\n' });
      userRepository(path.join(ctx.dir, 'p'));
      writeFiles(ctx.dir, { 'p/model.py': 'print(2)\n', 'p/wip.py': 'x = 1\n' });
      git(path.join(ctx.dir, 'p'), 'add', 'model.py', 'wip.py');
    },
    run: create(['p', '--force', ...WITH_GIT], false),
    exitCode: 0,
    mayReplace: ['p/.git'],
    check: (ctx) => {
      const repo = path.join(ctx.dir, 'p');
      expect(git(repo, 'status', '--porcelain', '--', 'model.py', 'wip.py')).toBe('M  model.py\nA  wip.py');
      expect(git(repo, 'show', '--name-only', '--format=', 'HEAD')).not.toMatch(/model\.py|wip\.py/);
    },
  },
  {
    name: 'an uncommitted edit to a tracked file that is replaced is in the backup folder',
    setup: async (ctx) => {
      writeFiles(ctx.dir, { 'p/README.md': '# committed\n' });
      userRepository(path.join(ctx.dir, 'p'));
      writeFiles(ctx.dir, { 'p/README.md': '# uncommitted edit\n' });
    },
    run: create(['p', '--force', ...WITH_GIT], false),
    exitCode: 0,
    mayReplace: ['p/.git', 'p/README.md'],
    check: (ctx, result) => expect(fs.readFileSync(path.join(backupOf(ctx, result), 'README.md'), 'utf8')).toBe('# uncommitted edit\n'),
  },
  {
    name: 'a repository in the middle of a merge gets no commit, and says so',
    setup: async (ctx) => {
      writeFiles(ctx.dir, { 'p/model.py': 'print(1)\n' });
      const head = userRepository(path.join(ctx.dir, 'p'));
      fs.writeFileSync(path.join(ctx.dir, 'p/.git/MERGE_HEAD'), `${head}\n`);
      ctx.state.head = head;
    },
    run: create(['p', '--force', ...WITH_GIT], false),
    exitCode: 0,
    mayReplace: ['p/.git/index'],
    message: /the repository is in the middle of an operation \(MERGE_HEAD\), so nothing was committed/,
    check: (ctx) => expect(git(path.join(ctx.dir, 'p'), 'rev-parse', 'HEAD')).toBe(ctx.state.head),
  },
  {
    name: '--no-git in an existing repository: no git action at all (.git byte for byte)',
    setup: async (ctx) => {
      writeFiles(ctx.dir, { 'p/model.py': 'print(1)\n' });
      userRepository(path.join(ctx.dir, 'p'));
      ctx.state.gitBefore = hashTree(path.join(ctx.dir, 'p'), ['.git']);
    },
    run: create(['p', '--force']),
    exitCode: 0,
    check: unchangedGitDir,
  },
  {
    name: 'a folder that is no repository gets a new one holding only the scaffold\'s files',
    setup: ({ dir }) => writeFiles(dir, { 'p/private-notes.txt': 'mine' }),
    run: create(['p', '--force', ...WITH_GIT], false),
    exitCode: 0,
    message: /committed the scaffold as [0-9a-f]+ .* in a new git repository/,
    check: (ctx) => {
      const repo = path.join(ctx.dir, 'p');
      expect(git(repo, 'ls-files')).not.toContain('private-notes.txt');
      expect(git(repo, 'status', '--porcelain')).toBe('?? private-notes.txt');
    },
  },
  {
    name: 'a folder inside another repository: nothing committed there, its HEAD unchanged',
    setup: async (ctx) => {
      writeFiles(ctx.dir, { 'outer.txt': 'outer', 'p/mine.txt': 'm' });
      ctx.state.head = userRepository(ctx.dir);
    },
    run: create(['p', '--force', ...WITH_GIT], false),
    exitCode: 0,
    mayReplace: ['.git'],
    message: /is inside the git repository \S+, so nothing was committed/,
    check: (ctx) => expect(git(ctx.dir, 'rev-parse', 'HEAD')).toBe(ctx.state.head),
  },
  {
    name: 'a project imported with --from over existing stage scripts: the imported scripts replace them, backed up',
    setup: async (ctx) => {
      await generatedProject(ctx.dir);
      writeFiles(ctx.dir, { 'legacy/predict.py': 'print("imported")\n' });
    },
    run: create(['p', '--force', '--from', 'legacy']),
    exitCode: 0,
    mayReplace: ['p/stages/predict/predict.py', 'p/.projenrc.ts', 'p/README.md', 'p/pipeline'],
    check: (ctx, result) => {
      expect(read(ctx, 'p/stages/predict/predict.py')).toBe('print("imported")\n');
      expect(fs.existsSync(path.join(backupOf(ctx, result), 'stages/predict/predict.py'))).toBe(true);
    },
  },
  {
    name: 'the current folder (.) with --force keeps the user\'s files',
    setup: ({ dir }) => writeFiles(dir, { 'p/notebook.ipynb': '{}' }),
    cwd: 'p',
    run: (ctx) => create(['.', '--force', '--name', 'p'])({ ...ctx, dir: path.join(ctx.dir, 'p') }),
    exitCode: 0,
    check: (ctx) => expect(fs.existsSync(path.join(ctx.dir, 'p/.projenrc.ts'))).toBe(true),
  },
  {
    // Issue defect 3: before the fix, README.md and package.json were already replaced when this failed.
    name: 'a sub-folder the user cannot write (permission fault mid-merge, as a non-root user): refused, every file byte for byte',
    setup: async (ctx) => {
      await generatedProject(ctx.dir);
      fs.chmodSync(path.join(ctx.dir, 'p/README.md'), 0o644);
      writeFiles(ctx.dir, { 'p/README.md': '# my notes\n', 'p/stages/preprocess/helper.py': 'x = 1\n' });
      // Files in pipeline/ are replaced after .projenrc.ts and README.md: those renames must be undone.
      fs.chmodSync(path.join(ctx.dir, 'p/pipeline'), 0o555);
    },
    command: createBin(['p', '--force', '--stages', 'preprocess:script,train']),
    user: 'nobody',
    exitCode: 1,
    message: /^create-legacy-mlops: could not write \S+\/p\/pipeline\/\S+ \(EACCES\); nothing was changed in \S+\/p: make it writable \(or choose another directory\) and rerun$/,
    timeoutMs: 120_000,
    check: (ctx) => expect(fs.readdirSync(path.join(ctx.dir, 'p')).filter((e) => e.startsWith('.legacy-mlops'))).toEqual([]),
  },
  {
    name: 'a project folder the user cannot write (as a non-root user): refused before anything is staged',
    setup: async (ctx) => {
      await generatedProject(ctx.dir);
      fs.chmodSync(path.join(ctx.dir, 'p'), 0o555);
    },
    command: createBin(['p', '--force']),
    user: 'nobody',
    exitCode: 1,
    message: /^create-legacy-mlops: .*EACCES.*nothing was changed in \S+\/p: make it writable/,
    timeoutMs: 120_000,
  },
];

hostileTable('create --force: nothing lost', cases);
