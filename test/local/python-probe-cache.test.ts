/**
 * The interpreter probe's cache (src/local/python-probe-cache.ts): a cached run starts no Python process
 * to learn what `python3` is, and asks again as soon as anything that decides the answer changes.
 * The fake "shims" below count their calls and exec the real interpreter.
 */
import { chmodSync, readFileSync, writeFileSync, existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolvePython } from '../../src/local/python-env.js';
import { PYTHON } from '../support/generated-repo.js';
import { trackedMkdtemp } from '../support/temp-dirs.js';

function fakeLauncher(dir: string, body: string): { env: NodeJS.ProcessEnv; calls: () => number } {
  const bin = join(dir, 'shims');
  const counter = join(dir, 'calls');
  mkdirSync(bin, { recursive: true });
  writeFileSync(join(bin, 'python3'), `#!/bin/sh\necho x >> '${counter}'\n${body}\nexec '${PYTHON}' "$@"\n`);
  chmodSync(join(bin, 'python3'), 0o755);
  const calls = () => (existsSync(counter) ? readFileSync(counter, 'utf8').split('\n').filter(Boolean).length : 0);
  return { env: { PATH: `${bin}:/usr/bin:/bin`, HOME: dir, PYENV_ROOT: join(dir, 'pyenv'), PYENV_DIR: join(dir, 'project') }, calls };
}

describe('resolving python3 on a cached run', () => {
  test('a pyenv shim is asked once, then again only when its version choice (variable, version file) changes', async () => {
    const dir = trackedMkdtemp(join(tmpdir(), 'legacy-mlops-probe-'));
    const cache = join(dir, 'cache');
    mkdirSync(join(dir, 'project'), { recursive: true });
    const { env, calls } = fakeLauncher(dir, '# exec "/root/.pyenv/libexec/pyenv" exec "$program" "$@" (what a pyenv shim runs)');
    const first = await resolvePython(undefined, env, cache);
    expect(calls()).toBe(1);
    expect(await resolvePython(undefined, env, cache)).toEqual(first);
    expect(calls()).toBe(1);

    await resolvePython(undefined, { ...env, PYENV_VERSION: '3.12.1' }, cache);
    expect(calls()).toBe(2);
    writeFileSync(join(dir, 'project', '.python-version'), '3.10.4\n');
    await resolvePython(undefined, env, cache);
    expect(calls()).toBe(3);
    mkdirSync(join(dir, 'pyenv'), { recursive: true });
    writeFileSync(join(dir, 'pyenv', 'version'), '3.9.0\n');
    await resolvePython(undefined, env, cache);
    expect(calls()).toBe(4);
    await resolvePython(undefined, env, cache);
    expect(calls()).toBe(4);
    // Another PATH may find another python3.
    await resolvePython(undefined, { ...env, PATH: `${env.PATH}:/usr/local/bin` }, cache);
    expect(calls()).toBe(5);
  });

  test('a launcher script of unknown kind is asked every time; without a cache folder nothing is remembered', async () => {
    const dir = trackedMkdtemp(join(tmpdir(), 'legacy-mlops-probe-'));
    const { env, calls } = fakeLauncher(dir, '# chooses a python its own way');
    await resolvePython(undefined, env, join(dir, 'cache'));
    await resolvePython(undefined, env, join(dir, 'cache'));
    expect(calls()).toBe(2);
    const shim = fakeLauncher(join(dir, 'other'), '# pyenv" exec');
    await resolvePython(undefined, shim.env);
    await resolvePython(undefined, shim.env);
    expect(shim.calls()).toBe(2);
  });

  test('a binary interpreter is remembered by its file; a command that does not run is still refused', async () => {
    const dir = trackedMkdtemp(join(tmpdir(), 'legacy-mlops-probe-'));
    const first = await resolvePython(PYTHON, process.env, join(dir, 'cache'));
    expect(await resolvePython(PYTHON, process.env, join(dir, 'cache'))).toEqual(first);
    await expect(resolvePython(join(dir, 'nope'), process.env, join(dir, 'cache'))).rejects.toThrow(/does not run/);
  });
});
