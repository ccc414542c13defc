/**
 * Ctrl-C (SIGINT) and SIGTERM while a project is being created: every child
 * process group still running (npm install and whatever it started) is ended,
 * every staging folder is removed, and the command exits 130 / 143 with one
 * line. Nothing in the target has changed by then: the target is only touched
 * by the final synchronous merge, which a signal handler cannot interrupt, and
 * what is done to it after that (the `--force` commit) is tracked as a
 * rollback that the handler runs once the git processes are gone.
 */
import * as fs from 'node:fs';

const groups = new Set<number>();
const folders = new Set<string>();
/** Undo steps for changes already made to the target, run newest first. */
const rollbacks: (() => void)[] = [];
let installed: ((signal: NodeJS.Signals) => void) | undefined;
/** Set once the project is in place: a signal after that must not claim the target is unchanged. */
let written: string | undefined;

/**
 * Lets a signal that arrived during synchronous work (synthesis, a merge) be handled now: signal
 * handlers run only between event-loop turns, and this yields one. Called before the project is moved
 * into place, and before a failure is reported (a child killed by the same Ctrl-C fails first).
 */
export function interruptionPoint(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** The project is now in `target` (moved or merged): what a later signal says. */
export function markWritten(target: string | undefined): void {
  written = target;
}

/** Awaits a child started with `detached: true`, ending its whole group on a signal meanwhile. */
export async function tracked<T>(child: Promise<T> & { pid?: number }): Promise<T> {
  const untrack = trackProcessGroup(child.pid);
  try {
    return await child;
  } finally {
    untrack();
  }
}

/** A child started with `detached: true` (its own process group), ended with its group on a signal. */
export function trackProcessGroup(pid: number | undefined): () => void {
  if (pid === undefined) return () => undefined;
  groups.add(pid);
  return () => groups.delete(pid);
}

/** A folder removed on a signal (staging). Returns the function that stops tracking it. */
export function trackFolder(folder: string): () => void {
  folders.add(folder);
  return () => folders.delete(folder);
}

/** A change to the target to undo on a signal or a failure (e.g. the `--force` merge). Returns the function that stops tracking it. */
export function trackRollback(undo: () => void): () => void {
  rollbacks.push(undo);
  return () => {
    const at = rollbacks.indexOf(undo);
    if (at >= 0) rollbacks.splice(at, 1);
  };
}

/**
 * Ends tracked groups, runs the rollbacks (newest first) and removes tracked folders, synchronously
 * (also used on ordinary failures). Returns the messages of rollbacks that failed (empty: all undone).
 */
export function cleanUpNow(): string[] {
  for (const pgid of groups) signalGroup(pgid, 'SIGKILL');
  // Wait (briefly) for the killed processes to be gone, so none writes into a folder after its removal.
  const deadline = Date.now() + 3000;
  while ([...groups].some(alive) && Date.now() < deadline) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
  groups.clear();
  const failures: string[] = [];
  for (const undo of rollbacks.splice(0).reverse()) {
    try {
      undo();
    } catch (error) {
      failures.push((error as Error).message);
    }
  }
  for (const folder of folders) fs.rmSync(folder, { recursive: true, force: true });
  folders.clear();
  return failures;
}

/** Installs the handlers for the life of the command; `say` prints the one line. */
export function handleInterrupts(say: (line: string) => void, name: string): () => void {
  const handler = (signal: NodeJS.Signals) => {
    const failures = cleanUpNow();
    say(
      failures.length > 0
        ? `${name}: interrupted by ${signal}; ${failures[0]}`
        : written
          ? `${name}: interrupted by ${signal} after the project was written to ${written}: its files are complete; check \`git status\` there before committing`
          : `${name}: interrupted by ${signal}: stopped, removed the partial project; nothing in the target was changed`,
    );
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  installed = handler;
  written = undefined;
  rollbacks.length = 0;
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
    installed = undefined;
  };
}

/** Whether the handlers are on (for tests). */
export function interruptsHandled(): boolean {
  return installed !== undefined;
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // Already gone.
  }
}

/** A process group with a live (not zombie) member. Linux reads /proc; elsewhere kill(0) answers. */
function alive(pgid: number): boolean {
  if (fs.existsSync('/proc/self/stat')) {
    for (const entry of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        if (fields[0] !== 'Z' && Number(fields[2]) === pgid) return true;
      } catch {
        // Ended while reading.
      }
    }
    return false;
  }
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}
