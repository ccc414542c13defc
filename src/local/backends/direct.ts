/**
 * No isolation: the job runs as a plain process on this machine. /opt/ml paths in the command,
 * the working directory and the environment are rewritten to the job sandbox, and
 * LEGACY_MLOPS_OPT_ML tells the stubs legacy-mlops writes to re-root theirs. A script that
 * hard-codes /opt/ml paths in its own code will not find its files: the last resort.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { codeMountOf, codeSourceOf, type StageCode } from '../stage-code.js';
import { hostEnv, requireCommand, withLocalPython, writeJobShims } from './local-process.js';
import type { BackendProbe, ContainerJob, IsolationBackend, LaunchPlan } from './types.js';

export const OPT_ML_ROOT_VARIABLE = 'LEGACY_MLOPS_OPT_ML';

export class DirectBackend implements IsolationBackend {
  readonly name = 'direct' as const;
  readonly usesLocalPython = true;

  async probe(): Promise<BackendProbe> {
    return { available: true, detail: 'no isolation, /opt/ml paths redirected through arguments and LEGACY_MLOPS_OPT_ML' };
  }

  cannotRun(stage: StageCode): string | undefined {
    return !stage.script && !stage.dockerfile
      ? `it runs an existing image's own entrypoint and has no stages/${stage.stageName}/Dockerfile to run without Docker`
      : undefined;
  }

  async launch(job: ContainerJob): Promise<LaunchPlan> {
    const shims = writeJobShims(job);
    // Longest prefix first, so the stage's code folder wins over /opt/ml.
    const mappings: [string, string][] = [['/opt/ml', job.optMlDir]];
    const mount = codeMountOf(job.stage);
    if (!job.stage.script && mount) mappings.unshift([mount, codeSourceOf(job.stage)]);
    const rewrite = (text: string) => rewritePaths(text, mappings);

    const tmp = join(job.sandboxDir, 'tmp');
    mkdirSync(tmp, { recursive: true });
    const env: NodeJS.ProcessEnv = { ...hostEnv(), TMPDIR: tmp };
    for (const [name, value] of Object.entries(job.env)) env[name] = rewrite(value);
    env[OPT_ML_ROOT_VARIABLE] = job.optMlDir;
    env.PATH = `${shims}:${process.env.PATH ?? '/usr/bin:/bin'}`;
    const argv = withLocalPython(requireCommand(job)).map(rewrite);
    return { argv, env, cwd: rewrite(job.workdir ?? '/opt/ml') };
  }
}

/**
 * Replaces each container path prefix where it starts a path (not inside a longer name),
 * in plain arguments and inside `sh -c` strings alike.
 */
export function rewritePaths(text: string, mappings: readonly (readonly [string, string])[]): string {
  let result = text;
  for (const [from, to] of mappings) {
    const escaped = from.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    result = result.replace(new RegExp(`(?<![\\w./-])${escaped}(?=/|$|[^\\w.-])`, 'g'), () => to);
  }
  return result;
}
