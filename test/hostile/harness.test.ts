/**
 * The harness itself: it must fail a case that changes, loses or hangs, and pass one that does not.
 * Otherwise every table built on it proves nothing.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { hostileTable, runHostileCase, writeFiles, type HostileCase } from './harness.js';
import { processesInGroup, spawnCommand } from './processes.js';
import { diffTrees, hashTree, lostFrom } from './tree-hash.js';

const sh = (script: string) => ['/bin/sh', '-c', script];

async function fails(c: HostileCase): Promise<string> {
  try {
    await runHostileCase(c);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`case '${c.name}' passed but should have failed`);
}

describe('hashTree', () => {
  test('records content, mode, links and special files, and sees every change', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hash-'));
    writeFiles(dir, { 'a/b.txt': 'one', 'c.txt': 'two' });
    fs.symlinkSync('c.txt', path.join(dir, 'link'));
    const before = hashTree(dir);
    expect(before.get('a/b.txt')).toMatch(/^file 644 [0-9a-f]{64}$/);
    expect(before.get('link')).toBe('link c.txt');
    fs.writeFileSync(path.join(dir, 'a/b.txt'), 'ONE');
    fs.chmodSync(path.join(dir, 'c.txt'), 0o600);
    fs.rmSync(path.join(dir, 'link'));
    fs.writeFileSync(path.join(dir, 'new.txt'), '');
    const diff = diffTrees(before, hashTree(dir));
    expect(diff).toEqual(expect.arrayContaining([expect.stringMatching(/^changed a\/b\.txt/), expect.stringMatching(/^changed c\.txt/), 'removed link (link)', 'added new.txt (file)']));
    fs.rmSync(dir, { recursive: true });
  });

  test('lostFrom ignores additions and allowed replacements, not losses', () => {
    const before = new Map([['.', 'dir 755'], ['keep', 'file 644 x'], ['replace/me', 'file 644 y']]);
    const after = new Map([['.', 'dir 700'], ['keep', 'file 644 x'], ['replace/me', 'file 644 z'], ['extra', 'file 644 w']]);
    expect(lostFrom(before, after, ['replace'])).toEqual([]);
    expect(lostFrom(before, new Map([['.', 'dir 755']]), ['replace'])).toEqual(['lost keep (file)']);
  });
});

describe('runHostileCase catches', () => {
  const base = { setup: ({ dir }: { dir: string }) => writeFiles(dir, { 'mine.txt': 'data' }) };

  test('a wrong exit code', async () => {
    expect(await fails({ ...base, name: 'exit', command: sh('exit 3'), exitCode: 1 })).toMatch(/expected exit 1, got 3/);
  });
  test('a missing message line', async () => {
    expect(await fails({ ...base, name: 'msg', command: sh('echo nope >&2; exit 1'), exitCode: 1, message: /^expected/ })).toMatch(/no output line matches/);
  });
  test('a stack trace', async () => {
    expect(await fails({ ...base, name: 'stack', command: sh('printf "TypeError: x\\n    at f (/a/b.js:1:2)\\n" >&2; exit 1'), exitCode: 1 })).toMatch(/stack trace/);
  });
  test('a change on refusal', async () => {
    expect(await fails({ ...base, name: 'changed', command: sh('echo x >> mine.txt; exit 1'), exitCode: 1 })).toMatch(/changed on refusal:\n\s+changed mine\.txt/);
  });
  test('a loss on success', async () => {
    expect(await fails({ ...base, name: 'lost', command: sh('rm mine.txt'), exitCode: 0 })).toMatch(/not kept:\n\s+lost mine\.txt/);
  });
  test('a hang, killing the whole process group', async () => {
    let pid = 0;
    const result = await spawnCommand(sh('sleep 60 & sleep 60'), { cwd: os.tmpdir(), timeoutMs: 500, onSpawn: (p) => (pid = p) });
    expect(result.timedOut).toBe(true);
    await new Promise((r) => setTimeout(r, 200));
    expect(processesInGroup(pid)).toEqual([]);
  });
});

hostileTable('a table of cases that pass', [
  { name: 'refusal with one line', setup: ({ dir }) => writeFiles(dir, { 'x.txt': '1' }), command: sh('echo "tool: bad input: fix it" >&2; exit 2'), exitCode: 2, message: /^tool: bad input/ },
  { name: 'success that only adds', setup: ({ dir }) => writeFiles(dir, { 'x.txt': '1' }), command: sh('echo new > y.txt'), exitCode: 0, check: ({ dir }) => expect(fs.readFileSync(path.join(dir, 'y.txt'), 'utf8')).toBe('new\n') },
  { name: 'success that replaces an allowed file', setup: ({ dir }) => writeFiles(dir, { 'gen/x.txt': '1' }), command: sh('echo 2 > gen/x.txt'), exitCode: 0, mayReplace: ['gen'] },
  { name: 'a non-root user', user: 'nobody', command: sh('test "$(id -u)" != 0 || exit 9; touch made'), exitCode: 0 },
]);

test('no module of the hostile suite is over 400 lines (the brief\'s limit)', () => {
  const dir = path.dirname(fileURLToPath(import.meta.url));
  const long = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => ({ f, lines: fs.readFileSync(path.join(dir, f), 'utf8').split('\n').length }))
    .filter(({ lines }) => lines > 400);
  expect(long).toEqual([]);
});
