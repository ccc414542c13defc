/**
 * create-legacy-mlops loads yeoman-environment only when it may ask a question: under --yes (or with
 * no terminal) the same session runs without it, and writes the same project.
 */
import { jest } from '@jest/globals';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isolateFromAws } from '../support/aws-isolation.js';

const yeomanLoads: string[] = [];
jest.unstable_mockModule('yeoman-environment', () => {
  yeomanLoads.push('yeoman-environment');
  throw new Error('yeoman-environment was loaded');
});
const { parseCreateOptions, runCreate } = await import('../../src/create/cli.js');

isolateFromAws();

function captured() {
  const lines: { out: string[]; err: string[] } = { out: [], err: [] };
  return { lines, io: { out: (l: string) => lines.out.push(l), err: (l: string) => lines.err.push(l) } };
}

const BASE = ['--skip-install', '--no-git', '--region', 'eu-west-1', '--account', '111122223333'];

describe('the Yeoman-free path', () => {
  test('--yes writes the project without loading yeoman-environment', async () => {
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'yeoman-free-'));
    const { lines, io } = captured();
    let logged = '';
    const write = process.stderr.write;
    process.stderr.write = ((chunk: string | Uint8Array) => ((logged += String(chunk)), true)) as typeof process.stderr.write;
    let code: number;
    try {
      code = await runCreate(['churn', '--yes', ...BASE], cwd, io);
    } finally {
      process.stderr.write = write;
    }
    expect({ code, err: lines.err }).toEqual({ code: 0, err: [] });
    expect(yeomanLoads).toEqual([]);
    const projenrc = fs.readFileSync(path.join(cwd, 'churn', '.projenrc.ts'), 'utf8');
    expect(projenrc).toContain("name: 'churn'");
    expect(projenrc).toContain("region: 'eu-west-1'");
    expect(fs.existsSync(path.join(cwd, 'churn', 'pipeline', 'state-machine.asl.json'))).toBe(true);
    // Like Yeoman's logger: the summary on stderr, and `io` only for the one-line errors.
    expect(logged).toMatch(/Created churn in churn .*\nNext:\n {2}cd churn\n/);
    expect(lines.out).toEqual([]);
  });

  test('a run that may ask goes through Yeoman', async () => {
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'yeoman-free-'));
    const { lines, io } = captured();
    const code = await runCreate(['churn', '--interactive', ...BASE], cwd, io);
    expect(code).toBe(1);
    expect(yeomanLoads).toEqual(['yeoman-environment']);
    expect(lines.err).toEqual([expect.stringContaining('yeoman-environment was loaded')]);
    expect(fs.existsSync(path.join(cwd, 'churn'))).toBe(false);
  });

  test('options are parsed as the generator declares them', () => {
    expect(parseCreateOptions(['dir', '-y', '--no-git', '--instance-type=ml.c5.xlarge', '--skip-install'])).toEqual({
      directory: 'dir',
      yes: true,
      git: false,
      'instance-type': 'ml.c5.xlarge',
      'skip-install': true,
      force: false,
    });
  });
});
