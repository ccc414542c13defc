/**
 * `yo legacy-mlops:stage` for the hostile tables, two ways:
 * - in this process through yeoman-test (`yoStage`), with the command line turned into options the
 *   way yo does (each `--flag` as camelCase and kebab-case) and a failure reported the way yo's own
 *   error handler does (`Error <args>`, the message, `process.exit(error.code || 1)`: a string code
 *   there is Node's TypeError crash, reproduced here so the table catches it);
 * - the real `yo` binary (`yoBin`) as an unprivileged user (yo run as root switches users), loading
 *   this checkout's TypeScript through tsx's ESM loader, for the cases where yo's own parsing or the
 *   file permissions of another user are the point.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import helpers from 'yeoman-test';
import StageGenerator from '../../generators/stage/index.js';
import { STAGE_GENERATOR, makeRepo } from '../support/stage-generator-fixtures.js';
import { REPO_ROOT, type CaseContext } from './harness.js';
import type { CommandResult } from './processes.js';

/** argv after the generator name → yo's options (camelCase and kebab-case) and its arguments. */
export function yoOptions(argv: readonly string[]): { args: string[]; options: Record<string, unknown> } {
  const args: string[] = [];
  const options: Record<string, unknown> = {};
  // A repeated flag becomes a list, as yo's parser makes it.
  const set = (key: string, value: unknown) => {
    for (const k of new Set([key, key.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())])) options[k] = k in options ? [options[k], value].flat() : value;
  };
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i];
    if (!token.startsWith('-') || /^-\d/.test(token)) {
      args.push(token);
      continue;
    }
    const [flag, inline] = token.replace(/^--?/, '').split(/=(.*)/s);
    if (inline !== undefined) set(flag, inline);
    else if (flag.startsWith('no-')) set(flag.slice(3), false);
    else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) set(flag, argv[++i]);
    else set(flag, true);
  }
  return { args, options };
}

/** A case's `run`: `yo legacy-mlops:stage <argv>` in the workspace folder `cwd` (relative), in this process. */
export function yoStage(argv: readonly string[] | ((ctx: CaseContext) => readonly string[]), cwd = 'repo') {
  return async (ctx: CaseContext): Promise<CommandResult> => {
    const given = typeof argv === 'function' ? argv(ctx) : argv;
    const { args, options } = yoOptions(given);
    const saved = process.cwd();
    try {
      await helpers.run<StageGenerator>(StageGenerator, { resolved: STAGE_GENERATOR }).cd(path.join(ctx.dir, cwd)).withArguments(args).withOptions(options);
      return { exitCode: 0, stdout: '', stderr: '' };
    } catch (error) {
      const e = error as Error & { code?: unknown };
      const head = `Error legacy-mlops:stage ${given.join(' ')} \n\n${e.message}\n`;
      const code = e.code || 1;
      if (typeof code !== 'number') {
        // What Node does with yo's process.exit('EACCES').
        return { exitCode: 1, stdout: '', stderr: `${head}TypeError [ERR_INVALID_ARG_TYPE]: The "code" argument must be of type number. Received type string ('${String(code)}')\n    at process.exit (node:internal/process/per_thread:231:24)\n` };
      }
      return { exitCode: code, stdout: '', stderr: head };
    } finally {
      process.chdir(saved);
    }
  };
}

/** The real yo binary with this checkout's generators (run it with `user` and `yoEnv`). */
export function yoBin(...argv: string[]): readonly string[] {
  return [path.join(REPO_ROOT, 'node_modules/.bin/yo'), 'legacy-mlops:stage', ...argv];
}

/** yo's environment: TypeScript loaded by tsx, no update check. */
export const YO_ENV: Readonly<Record<string, string>> = {
  NODE_OPTIONS: `--import ${pathToFileURL(path.join(REPO_ROOT, 'node_modules/tsx/dist/esm/index.mjs')).href}`,
  NO_UPDATE_NOTIFIER: '1',
  LANG: 'C.UTF-8',
};

let template: string | undefined;

/**
 * A generated repo (`.projenrc.ts` as create writes it, synthesized) at `ctx.dir/repo`, copied from one
 * made per test file, with this checkout's generators installed as yo finds them (`linkGenerators`).
 */
export function generatedRepo(ctx: CaseContext, projenrc?: (source: string) => string): string {
  template ??= makeRepo();
  const repo = path.join(ctx.dir, 'repo');
  fs.cpSync(template, repo, { recursive: true, verbatimSymlinks: true });
  linkGenerators(repo);
  if (projenrc) fs.writeFileSync(path.join(repo, '.projenrc.ts'), projenrc(fs.readFileSync(path.join(repo, '.projenrc.ts'), 'utf8')));
  return repo;
}

/**
 * `repo/node_modules/generator-legacy-mlops` as a package that holds only the TypeScript sources of
 * `checkout` (links to its generators/, src/ and templates/; its entry point is src/index.ts).
 * Not a link to the checkout itself: yo registers `lib/generators/<name>/index.js` after, and over,
 * `generators/<name>/index.ts`, so a checkout with a compiled lib/ from an earlier build (a bench, a
 * `npx projen compile`) ran that stale build instead of the code under test. That is why the real-yo
 * cases failed in one worktree and passed in CI's checkout, whose lib/ was built from the same commit.
 */
export function linkGenerators(repo: string, checkout = REPO_ROOT): string {
  const pkg = path.join(repo, 'node_modules/generator-legacy-mlops');
  fs.mkdirSync(pkg, { recursive: true });
  const { version } = JSON.parse(fs.readFileSync(path.join(checkout, 'package.json'), 'utf8')) as { version?: string };
  const manifest = { name: 'generator-legacy-mlops', version: version ?? '0.0.0', type: 'module', exports: { '.': './src/index.ts', './project': './src/project/index.ts', './package.json': './package.json' } };
  fs.writeFileSync(path.join(pkg, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  for (const folder of ['generators', 'src', 'templates']) if (fs.existsSync(path.join(checkout, folder))) fs.symlinkSync(path.join(checkout, folder), path.join(pkg, folder));
  return pkg;
}

/** A legacy script outside the repo, for `--from`. */
export function legacyScript(ctx: CaseContext, name = 'score.py', content = 'import sys\nprint("scored", sys.argv)\n'): string {
  const dir = path.join(ctx.dir, 'legacy');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, name), content);
  return path.join(dir, name);
}

