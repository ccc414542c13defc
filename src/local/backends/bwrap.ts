/**
 * bubblewrap: the job sees this machine's filesystem read-only, its own sandbox at /opt/ml,
 * a private writable /tmp and its own PID namespace, so legacy scripts that hard-code
 * /opt/ml/processing/... paths run unchanged and nothing outlives the job.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { codeMountOf, codeSourceOf } from '../stage-code.js';
import type { StageCode } from '../stage-code.js';
import { hostEnv, requireCommand, withLocalPython, writeJobShims } from './local-process.js';
import type { BackendProbe, ContainerJob, IsolationBackend, LaunchPlan } from './types.js';

const OPT_ML = '/opt/ml';
/** Where the python shims appear inside the sandbox. */
const SHIM_DIR = '/opt/legacy-mlops/bin';
const ISOLATION = ['--die-with-parent', '--unshare-pid', '--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc'];

export class BwrapBackend implements IsolationBackend {
  readonly name = 'bwrap' as const;
  readonly usesLocalPython = true;

  constructor(private readonly command = 'bwrap') {}

  probe(): Promise<BackendProbe> {
    return new Promise((resolve) => {
      execFile(this.command, [...ISOLATION, '/bin/true'], { timeout: 10_000, env: process.env }, (error, _stdout, stderr) => {
        if (!error) resolve({ available: true, detail: 'bubblewrap sandbox, the job folder at /opt/ml, the rest read-only' });
        else if ((error as NodeJS.ErrnoException).code === 'ENOENT') resolve({ available: false, detail: 'bubblewrap is not installed (Debian/Ubuntu: apt-get install bubblewrap)' });
        else resolve({ available: false, detail: 'bubblewrap cannot create a sandbox here', diagnostic: stderr.trim() || error.message });
      });
    });
  }

  cannotRun(stage: StageCode): string | undefined {
    if (!stage.script && !stage.dockerfile) return `it runs an existing image's own entrypoint and has no stages/${stage.stageName}/Dockerfile to run without Docker`;
    const mount = codeMountOf(stage);
    if (!stage.script && mount && !mountable(mount)) {
      return `its Dockerfile copies the code to ${mount}, which bubblewrap can only mount below /opt/ml or /tmp`;
    }
    return undefined;
  }

  async launch(job: ContainerJob): Promise<LaunchPlan> {
    const shims = writeJobShims(job);
    const tmp = join(job.sandboxDir, 'tmp');
    mkdirSync(tmp, { recursive: true });
    const args = [...ISOLATION, '--bind', tmp, '/tmp'];
    // The private /tmp hides the machine's /tmp: bring back what the interpreter needs from there.
    for (const prefix of job.python?.prefixes ?? []) {
      if (prefix.startsWith('/tmp/')) args.push('--ro-bind', prefix, prefix);
    }
    // /opt/ml may not exist on this machine and / is read-only: rebuild /opt on a tmpfs with its entries.
    args.push('--tmpfs', '/opt');
    for (const entry of existsSync('/opt') ? readdirSync('/opt') : []) {
      if (entry !== 'ml' && entry !== 'legacy-mlops') args.push('--ro-bind', `/opt/${entry}`, `/opt/${entry}`);
    }
    args.push('--bind', job.optMlDir, OPT_ML, '--ro-bind', shims, SHIM_DIR);
    const mount = codeMountOf(job.stage);
    if (!job.stage.script && mount) args.push('--ro-bind', codeSourceOf(job.stage), mount);
    args.push('--chdir', job.workdir ?? OPT_ML, '--', ...withLocalPython(requireCommand(job)));
    const env = { ...hostEnv(), HOME: '/tmp', TMPDIR: '/tmp', ...job.env, PATH: `${SHIM_DIR}:${process.env.PATH ?? '/usr/bin:/bin'}` };
    return { argv: [this.command, ...args], env, cwd: job.sandboxDir };
  }
}

function mountable(path: string): boolean {
  return path.startsWith(`${OPT_ML}/`) || path.startsWith('/tmp/') || existsSync(path);
}
