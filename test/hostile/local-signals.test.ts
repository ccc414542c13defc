/**
 * SIGINT and SIGTERM during a real `legacy-mlops local` run, on each backend this machine has (direct,
 * bwrap), sent to the terminal's process group (Ctrl-C) or to the command alone (a supervisor's
 * `kill <pid>`). The job starts a child and a `setsid` grandchild, as legacy scripts do. Each case: exit
 * 130/143, one line, the user's files (stages/, data/, pipeline/…) byte for byte as before, no job
 * process left in the process table (found by a marker in their environment, across bwrap's pid
 * namespace), no job scratch folder left under .local/runs. test/e2e/local-signals.test.ts has the
 * second Ctrl-C and the re-seed cases.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { PipelineOptions } from '../../src/model/index.js';
import { synthesizeProject } from '../../src/project/index.js';
import { REPO_ROOT, hostileTable, type HostileCase } from './harness.js';
import { isAlive, processesInGroup, processesMentioning } from './processes.js';

const PYTHON = process.env.LEGACY_MLOPS_PYTHON ?? '/usr/bin/python3';
const base: PipelineOptions = { name: 'demo', region: 'eu-west-1', account: '111122223333' };
/** What the user owns in a generated repo (`.local/` is the runner's own scratch and record). */
const USER_OWNED = ['stages', 'data', 'pipeline', 'README.md', 'package.json'];
/** `legacy-mlops` as one Node process, so that `kill <pid>` reaches the command itself. */
const LOCAL_NODE = [process.execPath, '--import', pathToFileURL(path.join(REPO_ROOT, 'node_modules/tsx/dist/loader.mjs')).href, path.join(REPO_ROOT, 'src/cli/legacy-mlops.ts'), 'local'];

/**
 * A preprocess script that re-executes itself with a marker in its environment (so that it and all it
 * starts can be found in /proc from outside any namespace), starts a child and a setsid grandchild,
 * says it is ready in its /opt/ml folder, and sleeps.
 */
const stubborn = (mark: string) => `import os, subprocess, sys, time
MARK = ${JSON.stringify(mark)}
if os.environ.get("HOSTILE_MARK") != MARK:
    os.environ["HOSTILE_MARK"] = MARK
    os.execv(sys.executable, [sys.executable] + sys.argv)
subprocess.Popen(["sleep", "300"])
subprocess.Popen(["setsid", "sleep", "300"], stdin=subprocess.DEVNULL)
time.sleep(0.3)
root = os.environ.get("LEGACY_MLOPS_OPT_ML", "/opt/ml")
open(os.path.join(root, "hostile-ready"), "w").close()
time.sleep(300)
`;

/** Live processes whose environment holds `HOSTILE_MARK=<mark>`: the job and everything it started. */
function markedProcesses(mark: string): number[] {
  const needle = Buffer.from(`HOSTILE_MARK=${mark}\0`);
  return fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p)).map(Number).filter((pid) => {
    try {
      return fs.readFileSync(`/proc/${pid}/environ`).includes(needle) && isAlive(pid);
    } catch {
      return false;
    }
  });
}

/** Files or folders named `name` under `dir` (depth-first). */
function findNamed(dir: string, name: string): string[] {
  const found: string[] = [];
  const walk = (d: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const full = path.join(d, e.name);
      if (e.name === name) found.push(full);
      if (e.isDirectory() && !e.isSymbolicLink()) walk(full);
    }
  };
  walk(dir);
  return found;
}

function bwrapWorks(): string | undefined {
  try {
    execFileSync('bwrap', ['--die-with-parent', '--unshare-pid', '--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', 'true'], { stdio: 'ignore' });
    return undefined;
  } catch {
    return 'bwrap is missing or cannot make a pid namespace here';
  }
}

interface SignalCase {
  readonly signal: 'SIGINT' | 'SIGTERM';
  readonly backend: 'direct' | 'bwrap';
  readonly to?: 'group' | 'leader';
}

function localSignal(c: SignalCase): HostileCase {
  const skip = c.backend === 'bwrap' ? bwrapWorks() : undefined;
  return {
    name: `${c.signal} to ${c.to === 'leader' ? 'the command alone (kill <pid>)' : 'the process group (as a terminal)'} during a ${c.backend} job`,
    ...(skip ? { skip } : {}),
    setup: (ctx) => {
      synthesizeProject(base, ctx.dir);
      ctx.state.mark = path.basename(ctx.dir);
      const script = path.join(ctx.dir, 'stages/preprocess/preprocess.py');
      fs.chmodSync(script, 0o644);
      fs.writeFileSync(script, stubborn(String(ctx.state.mark)));
    },
    command: [...LOCAL_NODE, '--python', PYTHON, '--backend', c.backend],
    env: { PYTHONDONTWRITEBYTECODE: '1' },
    signalWhen: (ctx) => ({
      signal: c.signal,
      to: c.to,
      whenTrue: () => {
        const ready = findNamed(path.join(ctx.dir, '.local'), 'hostile-ready').length > 0;
        // What the detector sees before the signal: the job, its child and its setsid grandchild.
        if (ready) ctx.state.before = markedProcesses(String(ctx.state.mark));
        return ready;
      },
    }),
    exitCode: c.signal === 'SIGINT' ? 130 : 143,
    message: c.signal === 'SIGINT' ? /^legacy-mlops local: interrupted \(Ctrl-C\): every job process stopped$/ : /^legacy-mlops local: terminated \(SIGTERM\): every job process stopped$/,
    forbid: [/^\s+at /, /Traceback/],
    owned: USER_OWNED,
    timeoutMs: 240_000,
    check: async (ctx, result) => {
      expect(result.stderr.split('\n').filter((l) => l.trim() !== '')).toHaveLength(1);
      expect((ctx.state.before as number[]).length).toBeGreaterThanOrEqual(3);
      const mark = String(ctx.state.mark);
      const deadline = Date.now() + 3000;
      const left = () => ({ job: markedProcesses(mark), group: processesInGroup(Number(ctx.state.pid)), mentioning: processesMentioning(ctx.dir) });
      while (Object.values(left()).some((pids) => pids.length > 0) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(left()).toEqual({ job: [], group: [], mentioning: [] });
      // The job's scratch (its tmp folder) is gone; its /opt/ml record may stay.
      expect(findNamed(path.join(ctx.dir, '.local/runs'), 'tmp')).toEqual([]);
    },
  };
}

const cases: HostileCase[] = [
  localSignal({ signal: 'SIGINT', backend: 'direct' }),
  localSignal({ signal: 'SIGTERM', backend: 'direct' }),
  localSignal({ signal: 'SIGTERM', backend: 'direct', to: 'leader' }),
  localSignal({ signal: 'SIGINT', backend: 'bwrap' }),
  localSignal({ signal: 'SIGTERM', backend: 'bwrap' }),
  localSignal({ signal: 'SIGTERM', backend: 'bwrap', to: 'leader' }),
];

hostileTable('legacy-mlops local: SIGINT and SIGTERM mid-job', cases);

