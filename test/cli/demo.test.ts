/**
 * `legacy-mlops demo .local/demo` (the README's `npm run demo`) as its user reads it: run from the repository
 * root, it must not tell them to `npm install` in the demo project (generator-legacy-mlops is not on the
 * registry they use; the demo has already run the pipeline), and the files it names must open from where they stand.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { jest } from '@jest/globals';
import { runDemo } from '../../src/cli/demo.js';
import { PYTHON } from '../support/generated-repo.js';
import { trackedMkdtemp } from '../support/temp-dirs.js';

function captured(): { lines: string[]; restore: () => void } {
  const lines: string[] = [];
  const keep = (text: unknown) => lines.push(...String(text).split('\n'));
  const log = jest.spyOn(console, 'log').mockImplementation(keep);
  const error = jest.spyOn(console, 'error').mockImplementation(keep);
  const stderr = jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => (keep(chunk), true));
  return { lines, restore: () => [log, error, stderr].forEach((spy) => spy.mockRestore()) };
}

/** Runs the demo command in `cwd`, keeping what it prints. */
async function demo(args: string[], cwd: string): Promise<{ code: number; lines: string[] }> {
  const out = captured();
  try {
    return { code: await runDemo(args, cwd), lines: out.lines };
  } finally {
    out.restore();
  }
}

describe('legacy-mlops demo', () => {
  test('ends with the output file and report page named from the folder it was run in, and no next steps that would fail', async () => {
    const cwd = trackedMkdtemp(join(tmpdir(), 'legacy-mlops-demo-cli-'));
    const { code, lines } = await demo(['.local/demo', '--backend', 'direct', '--no-envs', '--python', PYTHON], cwd);
    const text = lines.join('\n');
    expect(code).toBe(0);
    expect(text).toMatch(/Created demo in \.local\/demo \(files in [\d.]+ s\)\./);
    expect(text).not.toMatch(/npm install|Next:|dependencies not installed/);

    const named = (label: string) => lines.find((line) => line.startsWith(`  ${label}:`))?.replace(/^\s+[a-z ]+:\s+/, '').replace(/ \(.*$/, '');
    const output = named('final output');
    expect(output).toMatch(/^\.local\/demo\/\.local\/s3\/demo-111122223333-[a-z0-9-]+\/runs\/local-[^/]+\/postprocess\/data\/final_output\.csv$/);
    expect(readFileSync(resolve(cwd, output!), 'utf8').split('\n')[0]).toMatch(/,/);
    const page = named('report page');
    expect(page).toMatch(/^\.local\/demo\/\.local\/runs\/local-[^/]+\/report\.html$/);
    expect(existsSync(resolve(cwd, page!))).toBe(true);
    expect(named('the project')).toBe('.local/demo');
  }, 300_000);

  test("an earlier demo's stage environments (all `npm run demo` keeps of it) are carried into the new project, byte for byte", async () => {
    const cwd = trackedMkdtemp(join(tmpdir(), 'legacy-mlops-demo-cli-'));
    const built = join(cwd, 'again/.local/envs/2880e6f4239fb28c');
    mkdirSync(built, { recursive: true });
    writeFileSync(join(built, 'legacy-mlops-env.json'), '{"installed":{}}\n');
    const { code } = await demo(['again', '--backend', 'direct', '--no-envs', '--python', PYTHON], cwd);
    expect(code).toBe(0);
    expect(readFileSync(join(built, 'legacy-mlops-env.json'), 'utf8')).toBe('{"installed":{}}\n');
    expect(existsSync(join(cwd, 'again/.projenrc.ts'))).toBe(true);
    // Nothing left beside it: the folder the environments waited in is gone.
    expect(readdirSync(cwd)).toEqual(['again']);
  }, 300_000);

  test("`npm run demo`'s first step, run by projen's task runtime, clears the previous demo but its environments (and copes with none)", async () => {
    const repo = fileURLToPath(new URL('../..', import.meta.url));
    const demoTask = (JSON.parse(readFileSync(join(repo, '.projen/tasks.json'), 'utf8')) as { tasks: Record<string, { steps: unknown[] }> }).tasks.demo;
    const cwd = trackedMkdtemp(join(tmpdir(), 'legacy-mlops-demo-task-'));
    mkdirSync(join(cwd, '.projen'));
    writeFileSync(join(cwd, '.projen/tasks.json'), JSON.stringify({ tasks: { clear: { name: 'clear', steps: [demoTask.steps[0]] } } }));
    const clear = () => execa(join(repo, 'node_modules/.bin/projen'), ['clear'], { cwd, reject: false });
    for (const dir of ['.local/demo/stages/predict', '.local/demo/.local/s3/bucket', '.local/demo/.local/envs/2880e6f4239fb28c']) mkdirSync(join(cwd, dir), { recursive: true });
    writeFileSync(join(cwd, '.local/demo/.projenrc.ts'), '');
    writeFileSync(join(cwd, '.local/demo/.local/envs/stages.json'), '{}');
    expect((await clear()).exitCode).toBe(0);
    expect(readdirSync(join(cwd, '.local/demo'))).toEqual(['.local']);
    expect(readdirSync(join(cwd, '.local/demo/.local'))).toEqual(['envs']);
    expect(readdirSync(join(cwd, '.local/demo/.local/envs')).sort()).toEqual(['2880e6f4239fb28c', 'stages.json']);
    // No environments: nothing of the demo is left; no demo at all: nothing to do.
    rmSync(join(cwd, '.local/demo/.local/envs'), { recursive: true });
    expect((await clear()).exitCode).toBe(0);
    expect(readdirSync(join(cwd, '.local'))).toEqual([]);
    expect((await clear()).exitCode).toBe(0);
  });

  test('a non-empty target is refused in one line and left alone', async () => {
    const cwd = trackedMkdtemp(join(tmpdir(), 'legacy-mlops-demo-cli-'));
    mkdirSync(join(cwd, 'taken'));
    writeFileSync(join(cwd, 'taken', 'mine.py'), 'print(1)\n');
    const { code, lines } = await demo(['taken'], cwd);
    expect(code).toBe(1);
    expect(lines.filter(Boolean)).toEqual(['legacy-mlops demo: taken already exists and is not empty; choose another directory or remove it']);
    expect(readdirSync(join(cwd, 'taken'))).toEqual(['mine.py']);
  });
});
