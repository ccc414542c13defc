/**
 * The interpreter of one stage's local environment, for tools outside a pipeline run (a stage's tests
 * run "in the stage's environment"): the same environment `legacy-mlops local` builds and reuses.
 */
import { join, relative, resolve } from 'node:path';
import { LOCAL_DIR, LOCAL_ENVS_DIR, PIPELINE_FILES } from '../model/repo-layout.js';
import { taskStatesOf } from './emulators/registry.js';
import { staticImageUri } from './emulators/job-support.js';
import { stageEnvSpec } from './env-spec.js';
import { LocalRunRefused } from './errors.js';
import { resolvePython } from './python-env.js';
import { readJsonFile } from './repo-files.js';
import { stageCodeOf } from './stage-code.js';
import { ensureStageEnvironment } from './stage-env.js';

export interface StageInterpreterOptions {
  /** Python the environment is built from (default `LEGACY_MLOPS_PYTHON`, else `python3`). */
  readonly python?: string;
  /** Progress lines while an environment builds (default: none). */
  readonly log?: (line: string) => void;
}

/** Absolute path of the stage's environment Python, building the environment when it is not there yet. */
export async function stageInterpreter(repoRoot: string, stageName: string, options: StageInterpreterOptions = {}): Promise<string> {
  const root = resolve(repoRoot);
  const definition = readJsonFile(root, join(root, PIPELINE_FILES.stateMachine), 'state machine').value;
  const input = readJsonFile(root, join(root, PIPELINE_FILES.executionInput), 'execution input').value;
  for (const state of taskStatesOf(definition)) {
    const parameters = state.definition.Parameters as Record<string, unknown> | undefined;
    const training = state.resource.includes('createTrainingJob');
    if (!training && !state.resource.includes('createProcessingJob')) continue;
    const stage = stageCodeOf(root, state.name, parameters);
    if (stage.stageName !== stageName) continue;
    const image = training ? staticImageUri(parameters?.AlgorithmSpecification, 'TrainingImage', input) : staticImageUri(parameters?.AppSpecification, 'ImageUri', input);
    const base = await resolvePython(options.python, process.env, join(root, LOCAL_DIR, 'cache'));
    const spec = stageEnvSpec(root, stage, image, training);
    const log = options.log ?? (() => undefined);
    const env = await ensureStageEnvironment(spec, base, { root: join(root, LOCAL_ENVS_DIR), projectDir: root, log, show: (path) => relative(root, path) });
    for (const warning of env.freshWarnings) log(`  notice: ${warning}`);
    return env.interpreter.executable;
  }
  throw new LocalRunRefused(`no processing or training stage '${stageName}' in ${PIPELINE_FILES.stateMachine}`);
}
