/**
 * On a Node.js older than MIN_NODE (Node 20 is what many machines still ship), a bin runs itself again on
 * Node.js 24 from the npm registry's `node` package — the way this repository's own `npm install` gets it —
 * instead of only saying what to install. Loaded only on that path, so it costs current Node nothing.
 * Written by hand: no library re-executes a script under another Node version fetched through npm.
 */
import { spawn, spawnSync } from 'node:child_process';
import { constants } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { MIN_NODE, nodeVersionProblem } from './node-version.js';

/** The registry package that carries the Node.js binary, and the mark that stops a second rerun. */
export const NODE_PACKAGE = 'node@24';
const RERUN_MARK = 'LEGACY_MLOPS_RERUN_ON_NODE';

/**
 * Runs this process's command (`process.argv`) on Node.js 24 and returns its exit code. When that Node cannot be
 * had (no registry, no npm, or already rerun), prints `problem` (the one-line fix) and returns 1.
 */
export async function rerunOnNewerNode(bin: string, problem: string): Promise<number> {
  const node = process.env[RERUN_MARK] ? undefined : newerNode(bin);
  if (!node) {
    console.error(problem);
    return 1;
  }
  const env = {
    ...process.env,
    [RERUN_MARK]: '1',
    // Everything the command starts (tsx, projen, npm's scripts) runs on the same Node.
    PATH: `${dirname(node)}${delimiter}${process.env.PATH ?? ''}`,
    // npm finds its global npmrc (a registry, a CA file) beside the node that runs it: keep the machine's.
    npm_config_globalconfig: process.env.npm_config_globalconfig ?? join(dirname(dirname(process.execPath)), 'etc', 'npmrc'),
  };
  const child = spawn(node, [...process.execArgv, process.argv[1], ...process.argv.slice(2)], { stdio: 'inherit', env });
  // Ctrl-C reaches the child through the terminal's process group; a SIGTERM sent to this process alone is passed on.
  const ignoreInterrupt = () => undefined;
  const passOn = (signal: NodeJS.Signals) => child.kill(signal);
  process.on('SIGINT', ignoreInterrupt);
  process.on('SIGTERM', passOn);
  try {
    return await new Promise<number>((resolve) => {
      child.on('error', (error) => {
        console.error(`${bin}: could not start ${node}: ${error.message}`);
        resolve(1);
      });
      child.on('exit', (code, signal) => resolve(code ?? 128 + (signal ? constants.signals[signal] : 0)));
    });
  } finally {
    process.off('SIGINT', ignoreInterrupt);
    process.off('SIGTERM', passOn);
  }
}

/** The path of a Node.js 24 binary from `npm exec` (cached by npm after the first time), or undefined. */
function newerNode(bin: string): string | undefined {
  console.error(`${bin}: Node.js ${process.version} is older than ${MIN_NODE.join('.')}; running on Node.js 24 from the npm registry (npm exec ${NODE_PACKAGE}). Install Node.js 24 to skip this step.`);
  const windows = process.platform === 'win32';
  const found = spawnSync(windows ? 'npm.cmd' : 'npm', ['exec', '--yes', '--prefer-offline', `--package=${NODE_PACKAGE}`, '--', 'node', '-p', 'process.version + " " + process.execPath'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    shell: windows,
  });
  const [version, ...path] = (found.status === 0 ? found.stdout.trim().split('\n').pop() ?? '' : '').split(' ');
  if (!version || nodeVersionProblem(version)) return undefined;
  return path.join(' ');
}
