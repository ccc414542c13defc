/**
 * The hostile-input harness: each case prepares a temp folder the way a user
 * (or an adversary) would, runs one command in it, and asserts
 * - the exit code,
 * - the one-line message (a regex on the line that explains the outcome; no stack trace anywhere),
 * - a before/after hash of everything the user owns: unchanged on refusal, or nothing lost on success.
 *
 * Tables are plain arrays of `HostileCase`; `hostileTable(title, cases)` turns one into jest tests.
 * Commands run as child processes in their own process group (killed whole on timeout), optionally as
 * an unprivileged user (`user: 'nobody'`), or in-process through `run` when starting a process per case
 * would cost too much CPU for what it proves (argument refusals).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { canSwitchUser, spawnCommand, type CommandResult, type SignalWhen } from './processes.js';
import { diffTrees, hashTree, lostFrom } from './tree-hash.js';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const TSX = path.join(REPO_ROOT, 'node_modules/.bin/tsx');
/** `create-legacy-mlops` from source, as `npx tsx src/cli/create.ts`. */
export const CREATE_BIN = [TSX, path.join(REPO_ROOT, 'src/cli/create.ts')];
/** `legacy-mlops` from source. */
export const LEGACY_MLOPS_BIN = [TSX, path.join(REPO_ROOT, 'src/cli/legacy-mlops.ts')];
/** `create-legacy-mlops` as one Node process (no tsx wrapper process), for signal cases: `node --import tsx`. */
export const CREATE_NODE = [process.execPath, '--import', pathToFileURL(path.join(REPO_ROOT, 'node_modules/tsx/dist/loader.mjs')).href, path.join(REPO_ROOT, 'src/cli/create.ts')];
/** The flags of a create run that needs no network, no prompt and no AWS account (issue 10's `F`). */
export const QUIET_CREATE_FLAGS = ['--yes', '--skip-install', '--no-git', '--region', 'eu-west-1', '--account', '111122223333'];

/** What one case sees: its workspace and a place to keep state between setup and checks. */
export interface CaseContext {
  /** The temp folder of this case (the user's working directory). */
  readonly dir: string;
  /** Free-form state that `setup` hands to `command`, `owned` or `check`. */
  readonly state: Record<string, unknown>;
}

export type OwnedExpectation =
  /** Refusal: every owned path is byte for byte, mode for mode, as before. */
  | 'unchanged'
  /** Success: every owned file still exists with the same content, except `mayReplace` (which must then be recoverable: see `check`). */
  | 'kept';

export interface HostileCase {
  readonly name: string;
  /** Builds the user's files in `ctx.dir`. */
  readonly setup?: (ctx: CaseContext) => void | Promise<void>;
  /** argv of a child process (argv[0] the executable), or a function giving one. */
  readonly command?: readonly string[] | ((ctx: CaseContext) => readonly string[]);
  /** In-process alternative to `command`. */
  readonly run?: (ctx: CaseContext) => Promise<CommandResult>;
  /** The command's working directory, relative to the workspace (default: the workspace). */
  readonly cwd?: string;
  readonly env?: Readonly<Record<string, string | undefined>> | ((ctx: CaseContext) => Readonly<Record<string, string | undefined>>);
  /** Run as this unprivileged user when the tests run as root (e.g. `yo`, or permission faults root ignores). */
  readonly user?: string;
  /** Text written to stdin (default: stdin closed). */
  readonly stdin?: string;
  /** A signal sent to the command's process group mid-run (Ctrl-C, SIGTERM). */
  readonly signalWhen?: SignalWhen | ((ctx: CaseContext) => SignalWhen);
  /** Expected exit code; 'non-zero' for any failure. */
  readonly exitCode: number | 'non-zero';
  /** The one line that explains the outcome: matched against each line of stderr (then stdout). */
  readonly message?: RegExp;
  /** Lines that must not appear anywhere in the output. */
  readonly forbid?: readonly RegExp[];
  /** Paths (relative to the workspace) the user owns; default: the whole workspace. */
  readonly owned?: readonly string[] | ((ctx: CaseContext) => readonly string[]);
  /** Default: 'unchanged' for a non-zero exit, 'kept' for exit 0. */
  readonly expectOwned?: OwnedExpectation;
  /** Owned paths (relative to the workspace, prefix match) that may be replaced under 'kept'. */
  readonly mayReplace?: readonly string[];
  /** More assertions after the standard ones. */
  readonly check?: (ctx: CaseContext, result: CommandResult) => void | Promise<void>;
  /** Milliseconds before the process group is killed and the case fails (default 90 s). */
  readonly timeoutMs?: number;
  /** Leave the case out, with the reason printed. */
  readonly skip?: string;
}

// ---------------------------------------------------------------------------------------------
// Assertions.

/** The lines of the output that are not blank. */
export function outputLines(result: CommandResult): string[] {
  return `${result.stderr}\n${result.stdout}`.split(/\r?\n/).filter((l) => l.trim() !== '');
}

/** A stack trace, a Node internal error dump or a source excerpt: never shown to a user. */
export const STACK_TRACE = /^\s+at .+[(:]\d+|^node:internal|^\s*\^+\s*$|Error: .*\n\s+at /m;

/** Runs one case in a fresh workspace and asserts everything it declares. Returns what happened for extra checks. */
export async function runHostileCase(c: HostileCase, workspace?: string): Promise<{ ctx: CaseContext; result: CommandResult }> {
  const dir = workspace ?? fs.mkdtempSync(path.join(os.tmpdir(), 'hostile-'));
  const ctx: CaseContext = { dir, state: {} };
  await c.setup?.(ctx);
  if (c.user && canSwitchUser()) {
    fs.chmodSync(dir, 0o755);
    execFileSync('chown', ['-R', '--no-dereference', c.user, dir]);
  }
  const owned = typeof c.owned === 'function' ? c.owned(ctx) : (c.owned ?? ['.']);
  const before = hashTree(dir, owned);
  let result: CommandResult;
  if (c.run) result = await c.run(ctx);
  else {
    if (!c.command) throw new Error(`case '${c.name}' has neither command nor run`);
    const argv = typeof c.command === 'function' ? c.command(ctx) : c.command;
    const env = typeof c.env === 'function' ? c.env(ctx) : c.env;
    result = await spawnCommand(argv, { cwd: path.join(dir, c.cwd ?? '.'), env, user: c.user, stdin: c.stdin, timeoutMs: c.timeoutMs, signalWhen: typeof c.signalWhen === 'function' ? c.signalWhen(ctx) : c.signalWhen, onSpawn: (pid) => (ctx.state.pid = pid) });
  }
  const after = hashTree(dir, owned);
  const shown = `exit ${result.exitCode}${result.timedOut ? ' (timed out)' : ''}\n--- stderr\n${result.stderr}\n--- stdout\n${result.stdout}`;

  if (result.timedOut) throw new Error(`'${c.name}' did not finish in ${c.timeoutMs ?? 90_000} ms (it hangs)\n${shown}`);
  const exitOk = c.exitCode === 'non-zero' ? result.exitCode !== 0 : result.exitCode === c.exitCode;
  if (!exitOk) throw new Error(`'${c.name}': expected exit ${c.exitCode}, got ${result.exitCode}\n${shown}`);
  if (c.message && !outputLines(result).some((line) => c.message!.test(line))) {
    throw new Error(`'${c.name}': no output line matches ${c.message}\n${shown}`);
  }
  if (STACK_TRACE.test(`${result.stderr}\n${result.stdout}`)) throw new Error(`'${c.name}': the output holds a stack trace or source dump\n${shown}`);
  for (const pattern of c.forbid ?? []) {
    const hit = outputLines(result).find((line) => pattern.test(line));
    if (hit) throw new Error(`'${c.name}': forbidden output line ${JSON.stringify(hit)} (matches ${pattern})\n${shown}`);
  }
  const expectation = c.expectOwned ?? (result.exitCode === 0 ? 'kept' : 'unchanged');
  const problems = expectation === 'unchanged' ? diffTrees(before, after) : lostFrom(before, after, c.mayReplace);
  if (problems.length > 0) {
    throw new Error(`'${c.name}': the user's files were ${expectation === 'unchanged' ? 'changed on refusal' : 'not kept'}:\n  ${problems.slice(0, 20).join('\n  ')}\n${shown}`);
  }
  await c.check?.(ctx, result);
  return { ctx, result };
}

/** Registers one jest test per case under `title` (skipped cases print their reason). */
export function hostileTable(title: string, cases: readonly HostileCase[]): void {
  const names = new Set<string>();
  for (const c of cases) {
    if (names.has(c.name)) throw new Error(`duplicate hostile case name '${c.name}' in ${title}`);
    names.add(c.name);
  }
  const made: string[] = [];
  describe(title, () => {
    afterAll(() => {
      for (const dir of made) {
        // Permission faults may leave folders root cannot list as another user: make them removable first.
        try {
          execFileSync('chmod', ['-R', 'u+rwX', dir], { stdio: 'ignore' });
        } catch {
          // Best effort.
        }
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
    for (const c of cases) {
      if (c.skip) {
        test.skip(`${c.name} (skipped: ${c.skip})`, () => undefined);
        continue;
      }
      test(c.name, async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hostile-'));
        made.push(dir);
        await runHostileCase(c, dir);
      }, (c.timeoutMs ?? 90_000) + 60_000);
    }
  });
}

/** Writes `files` (relative path → content) under `dir`, making folders as needed. */
export function writeFiles(dir: string, files: Readonly<Record<string, string | Buffer>>): void {
  for (const [rel, content] of Object.entries(files)) {
    const file = path.join(dir, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  }
}
