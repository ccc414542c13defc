/**
 * One stage: options → resolved stage, per kind. Pure; problems are reported, never thrown.
 *
 * What differs between kinds is data (`KIND_FACTS`, in stage-kinds.ts). The parts are resolved in
 * their own modules: channels, image, and scalar settings; this one checks what crosses them.
 */
import { DEFAULT_INFERENCE_SCRIPT, defaultEntryScript } from './defaults.js';
import type { ReportStageProblem } from './errors.js';
import { NO_IMAGE, resolveApproval, resolveRegistry } from './resolve-governance.js';
import { codeLocalPathFor, resolveChannels } from './resolve-channels.js';
import { modelImage, resolveImage, resolveModelStage } from './resolve-image.js';
import { resolveEndpoint, resolveEnvironment, resolveGate, resolveHyperparameters, resolveInstanceSettings, taskTimeout } from './resolve-stage-settings.js';
import { stageDir } from './repo-layout.js';
import { ENTRY_SCRIPT_MAX, ENTRY_SCRIPT_PATTERN, JOB_NAME_PREFIX_MAX, RESERVED_STAGE_NAMES, STAGE_NAME_MAX, STAGE_NAME_PATTERN, sageMakerNamePattern } from './rules.js';
import { KIND_FACTS, KIND_OPTIONS, STAGE_KINDS, jobNamePrefixMax, resolveKindGroups } from './stage-kinds.js';
import type { ResolvedStage, StageKind, StageOptions } from './types.js';

const STAGE_MODES = ['script', 'container'];

/** Why a kind that runs no container of its own takes no environment, where there is more to say than that. */
const NO_ENVIRONMENT: Partial<Record<StageKind, string>> = {
  endpoint: "an endpoint runs its model's container: set the environment on the model stage",
  register: "a registered version carries its model's container: set the environment on the model stage",
  approval: 'an approval stage runs no container; remove environment',
};

export interface ProjectContext {
  readonly name: string;
  readonly region: string;
  readonly partition: string;
  readonly account: string;
  readonly cdkQualifier: string;
  /** False when project-level fields are invalid: stage checks that derive from them are skipped, not repeated. */
  readonly valid: boolean;
}

/**
 * The resolved stage, and whether it is valid. An invalid stage still comes back as far as it could
 * be resolved (undefined only when not even its kind is known), so that later stages referring to it
 * are not reported too: one message per problem.
 */
export function resolveStage(
  s: StageOptions,
  index: number,
  earlier: readonly ResolvedStage[],
  project: ProjectContext,
  report: (path: string, message: string) => void,
): { stage: ResolvedStage; ok: boolean } | undefined {
  const name = String(s.name ?? '');
  const at = (field?: string) => `stages[${index}] (${name || '?'})${field ? `.${field}` : ''}`;
  let ok = true;
  const fail: ReportStageProblem = (field, message) => {
    ok = false;
    report(at(field), message);
  };

  const nameValid = STAGE_NAME_PATTERN.test(name) && name.length <= STAGE_NAME_MAX;
  if (!nameValid) {
    fail('name', `'${name}' is not a valid stage name: use lowercase letters, digits and single hyphens, starting with a letter, at most ${STAGE_NAME_MAX} characters (e.g. 'preprocess')`);
  } else if (RESERVED_STAGE_NAMES.includes(name)) {
    fail('name', `'${name}' is reserved (${RESERVED_STAGE_NAMES.join(', ')}); choose another stage name`);
  }

  const kind = (s.kind ?? 'processing') as StageKind;
  if (!STAGE_KINDS.includes(kind)) {
    fail('kind', `'${String(kind)}' is not a stage kind (allowed: ${STAGE_KINDS.join(', ')})`);
    return undefined;
  }
  const facts = KIND_FACTS[kind];
  for (const option of KIND_OPTIONS) {
    if (s[option] !== undefined && !facts.options.includes(option)) {
      const kinds = STAGE_KINDS.filter((k) => KIND_FACTS[k].options.includes(option));
      fail(option, `only ${kinds.join(' and ')} stages take '${option}' (this stage is a ${kind} stage)`);
    }
  }
  if (!facts.hasImage && (s.mode !== undefined || s.framework !== undefined || s.imageUri !== undefined)) {
    fail(s.mode !== undefined ? 'mode' : s.framework !== undefined ? 'framework' : 'imageUri', `a ${kind} stage runs the image of its model stage; remove mode, framework and imageUri`);
  }
  if (!facts.hasCode && !facts.servesModel && s.entryScript !== undefined) fail('entryScript', `a ${kind} stage runs no code of its own; the model stage's inference code runs`);
  // Only jobs and images of a stage's own take an environment.
  if (!facts.runsJob && !facts.hasImage && s.environment !== undefined) fail('environment', NO_ENVIRONMENT[kind] ?? `a ${kind} stage runs no container of its own; remove environment`);

  const mode = facts.hasImage ? (s.mode ?? (s.imageUri ? 'container' : 'script')) : 'script';
  if (!STAGE_MODES.includes(mode)) fail('mode', `'${mode}' is not a stage mode (allowed: script, container)`);

  const codeDir = stageDir(name);
  const modelStage = facts.usesModelStage ? resolveModelStage(s, earlier, kind, fail) : undefined;
  // A kind with neither image nor model stage (an approval) runs nothing: it gets an empty image that no derivation reads.
  const image = facts.hasImage ? resolveImage(s, mode, name, kind, project, fail) : facts.usesModelStage ? modelStage && modelImage(modelStage) : NO_IMAGE;

  const entryScript = s.entryScript ?? (facts.servesModel ? DEFAULT_INFERENCE_SCRIPT : defaultEntryScript(name));
  if (!ENTRY_SCRIPT_PATTERN.test(entryScript) || entryScript.length > ENTRY_SCRIPT_MAX) {
    const where = facts.servesModel ? "the model artifact's code/ folder" : `${codeDir}/`;
    fail('entryScript', `'${entryScript}' must be a Python file path relative to ${where} (letters, digits, underscores; ending in .py; at most ${ENTRY_SCRIPT_MAX} characters)`);
  }
  if (facts.servesModel && mode === 'container' && s.entryScript !== undefined) {
    fail('entryScript', "a container-mode model runs its image's own serving code; entryScript applies to script mode only");
  }

  // Tuning-job names hold 32 characters, other job names 63.
  const prefixMax = jobNamePrefixMax(facts.jobName);
  const jobNamePrefix = jobPrefix(project.name, name, prefixMax);
  if ((project.valid && nameValid && !sageMakerNamePattern(prefixMax).test(jobNamePrefix)) || jobNamePrefix.length > prefixMax) {
    fail('name', `job-name prefix '${jobNamePrefix}' is not valid for SageMaker job names`);
  }

  const settings = resolveInstanceSettings(s, kind, facts, fail);
  const environment = resolveEnvironment(s, fail);
  const channels = resolveChannels(s, kind, index, earlier, mode, fail);
  const gate = facts.options.includes('gate') ? resolveGate(s, channels.outputs, fail) : undefined;
  const hyperparameters = facts.options.includes('hyperparameters') ? resolveHyperparameters(s, fail) : {};
  const groups = resolveKindGroups(s, kind, { hyperparameters }, fail);
  const endpoint = facts.options.includes('endpointName') ? resolveEndpoint(s, project.name, name, fail) : undefined;
  const registry = facts.options.includes('registry') ? resolveRegistry(s, earlier, project.name, fail) : undefined;
  const approval = facts.options.includes('approval') ? resolveApproval(s, earlier, fail) : undefined;
  const skippable = s.skippable ?? false;
  if (typeof skippable !== 'boolean') fail('skippable', `${JSON.stringify(skippable)} must be true or false`);

  const stage: ResolvedStage = {
    name,
    description: s.description ?? `The ${name} stage.`,
    kind,
    mode: mode as ResolvedStage['mode'],
    // Only an invalid stage lacks an image; it is never returned from resolvePipeline.
    image: image ?? { source: 'uri', imageUri: '', repositoryArn: '' },
    codeDir,
    entryScript,
    jobNamePrefix,
    ...settings,
    taskTimeoutSeconds: approval ? approval.timeoutSeconds : taskTimeout(facts, settings.maxRuntimeSeconds, endpoint),
    environment,
    inputs: channels.inputs,
    outputs: channels.outputs,
    ...(mode === 'script' && facts.channels === 'processing' ? { codeLocalPath: codeLocalPathFor(channels.inputs, channels.outputs) } : {}),
    skippable,
    hyperparameters,
    ...(gate ? { gate } : {}),
    ...(modelStage ? { modelStage: modelStage.name } : {}),
    ...(endpoint ? { endpoint } : {}),
    ...(registry ? { registry } : {}),
    ...(approval ? { approval } : {}),
    ...groups,
  };
  return { stage, ok: ok && image !== undefined };
}

/** `<project>-<stage>`, the project part shortened so the prefix fits the job-name budget. */
export function jobPrefix(project: string, stage: string, max = JOB_NAME_PREFIX_MAX): string {
  const room = max - stage.length - 1;
  const head = project.slice(0, Math.max(0, room)).replace(/-+$/, '');
  return head ? `${head}-${stage}` : stage;
}
