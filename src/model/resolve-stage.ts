/**
 * One stage: options → resolved stage, per kind. Pure; problems are reported, never thrown.
 *
 * What differs between kinds is data (`KIND_FACTS`): the instance types SageMaker accepts, whether
 * the stage runs code of its own, where its inputs and outputs live in the container. The channel
 * rules of each kind are in `resolveChannels`.
 */
import {
  CODE_CHANNEL,
  CODE_LOCAL_PATH,
  DEFAULT_CHANNEL,
  DEFAULT_ENDPOINT_WAIT_ATTEMPTS,
  DEFAULT_ENDPOINT_WAIT_INTERVAL_SECONDS,
  DEFAULT_INFERENCE_SCRIPT,
  DEFAULT_INSTANCE_COUNT,
  DEFAULT_INSTANCE_TYPE,
  DEFAULT_MAX_RUNTIME_SECONDS,
  DEFAULT_PREDICTIONS_OUTPUT,
  DEFAULT_REPORT_FILE,
  DEFAULT_REPORT_OUTPUT,
  DEFAULT_VOLUME_SIZE_GB,
  MODEL_OUTPUT,
  SHORT_TASK_TIMEOUT_SECONDS,
  TASK_TIMEOUT_MARGIN_SECONDS,
  defaultEntryScript,
} from './defaults.js';
import { FRAMEWORK_NAMES, defaultFrameworkVersion, ecrDomain, partitionOf, resolveFrameworkImage } from './framework-images.js';
import {
  CHANNEL_NAME_PATTERN,
  ECR_IMAGE_PATTERN,
  ENDPOINT_INSTANCE_TYPES,
  ENDPOINT_NAME_PATTERN,
  ENDPOINT_WAIT_ATTEMPTS_RANGE,
  ENDPOINT_WAIT_INTERVAL_RANGE,
  ENTRY_SCRIPT_MAX,
  ENTRY_SCRIPT_PATTERN,
  ENV_KEY_PATTERN,
  ENV_MAX_ENTRIES,
  ENV_VALUE_MAX,
  INSTANCE_COUNT_RANGE,
  JOB_NAME_PATTERN,
  JOB_NAME_PREFIX_MAX,
  MAX_PROCESSING_INPUTS,
  MAX_PROCESSING_OUTPUTS,
  MAX_RUNTIME_RANGE,
  MAX_TRAINING_CHANNELS,
  METRIC_NAME_PATTERN,
  PROCESSING_INSTANCE_TYPES,
  PROCESSING_LOCAL_PATH_MAX,
  PROCESSING_LOCAL_PATH_PREFIX,
  REPORT_FILE_PATTERN,
  RESERVED_STAGE_NAMES,
  STAGE_NAME_MAX,
  STAGE_NAME_PATTERN,
  TRAINING_CHANNEL_ROOT,
  TRAINING_INSTANCE_TYPES,
  TRAINING_MODEL_DIR,
  TRANSFORM_INSTANCE_TYPES,
  VOLUME_SIZE_RANGE,
} from './rules.js';
import { NO_IMAGE, resolveApproval, resolveRegistry } from './resolve-governance.js';
import type {
  InputDistribution,
  ResolvedImage,
  ResolvedMetricGate,
  ResolvedStage,
  ResolvedStageInput,
  ResolvedStageOutput,
  StageKind,
  StageOptions,
} from './types.js';

export interface ProjectContext {
  readonly name: string;
  readonly region: string;
  readonly partition: string;
  readonly account: string;
  readonly cdkQualifier: string;
  /** False when project-level fields are invalid: stage checks that derive from them are skipped, not repeated. */
  readonly valid: boolean;
}

type Fail = (field: string | undefined, message: string) => void;

/** What each kind is, as SageMaker sees it. */
interface KindFacts {
  /** Instance types its request accepts (absent: the kind takes no instance settings). */
  readonly instanceTypes?: readonly string[];
  /** Word for messages: "not a SageMaker <what> instance type". */
  readonly instanceWhat?: string;
  /** Runs a job on instances of its own: count, volume and max runtime apply. */
  readonly runsJob: boolean;
  /** Runs code from stages/<name>/ (script or Dockerfile). */
  readonly hasCode: boolean;
  /** Has an image setting of its own (model stages: the inference image). */
  readonly hasImage: boolean;
  /** Options only this kind takes, for the "only for" messages. */
  readonly options: readonly (keyof StageOptions)[];
}

export const KIND_FACTS: Readonly<Record<StageKind, KindFacts>> = {
  processing: { instanceTypes: PROCESSING_INSTANCE_TYPES, instanceWhat: 'processing', runsJob: true, hasCode: true, hasImage: true, options: [] },
  evaluation: { instanceTypes: PROCESSING_INSTANCE_TYPES, instanceWhat: 'processing', runsJob: true, hasCode: true, hasImage: true, options: ['gate'] },
  training: { instanceTypes: TRAINING_INSTANCE_TYPES, instanceWhat: 'training', runsJob: true, hasCode: true, hasImage: true, options: ['hyperparameters'] },
  model: { runsJob: false, hasCode: false, hasImage: true, options: [] },
  transform: { instanceTypes: TRANSFORM_INSTANCE_TYPES, instanceWhat: 'transform', runsJob: true, hasCode: false, hasImage: false, options: ['modelStage'] },
  endpoint: { instanceTypes: ENDPOINT_INSTANCE_TYPES, instanceWhat: 'endpoint (production variant)', runsJob: false, hasCode: false, hasImage: false, options: ['modelStage', 'endpointName', 'endpointWait'] },
  register: { runsJob: false, hasCode: false, hasImage: false, options: ['modelStage', 'registry'] },
  approval: { runsJob: false, hasCode: false, hasImage: false, options: ['approval'] },
};

export const STAGE_KINDS = Object.keys(KIND_FACTS) as StageKind[];
const STAGE_MODES = ['script', 'container'];
const INPUT_DISTRIBUTIONS: readonly InputDistribution[] = ['replicated', 'sharded'];
/** Options that belong to one or two kinds; set on another kind they are a mistake, not a no-op. */
const KIND_OPTIONS: readonly (keyof StageOptions)[] = ['gate', 'hyperparameters', 'modelStage', 'endpointName', 'endpointWait', 'registry', 'approval'];

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
  const fail: Fail = (field, message) => {
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
  if (!facts.hasCode && kind !== 'model' && s.entryScript !== undefined) fail('entryScript', `a ${kind} stage runs no code of its own; the model stage's inference code runs`);
  if ((kind === 'endpoint' || kind === 'register') && s.environment !== undefined) fail('environment', `a${kind === 'endpoint' ? 'n endpoint runs' : ' registered version carries'} its model's container: set the environment on the model stage`);
  if (kind === 'approval' && s.environment !== undefined) fail('environment', 'an approval stage runs no container; remove environment');

  const mode = facts.hasImage ? (s.mode ?? (s.imageUri ? 'container' : 'script')) : 'script';
  if (!STAGE_MODES.includes(mode)) fail('mode', `'${mode}' is not a stage mode (allowed: script, container)`);

  const codeDir = `stages/${name}`;
  const modelStage = kind === 'transform' || kind === 'endpoint' || kind === 'register' ? resolveModelStage(s, earlier, kind, fail) : undefined;
  // An approval runs nothing: it gets an empty image that no derivation reads.
  const image = facts.hasImage ? resolveImage(s, mode, name, kind, project, fail) : kind === 'approval' ? NO_IMAGE : modelStage && modelImage(modelStage);

  const entryScript = s.entryScript ?? (kind === 'model' ? DEFAULT_INFERENCE_SCRIPT : defaultEntryScript(name));
  if (!ENTRY_SCRIPT_PATTERN.test(entryScript) || entryScript.length > ENTRY_SCRIPT_MAX) {
    const where = kind === 'model' ? "the model artifact's code/ folder" : `${codeDir}/`;
    fail('entryScript', `'${entryScript}' must be a Python file path relative to ${where} (letters, digits, underscores; ending in .py; at most ${ENTRY_SCRIPT_MAX} characters)`);
  }
  if (kind === 'model' && mode === 'container' && s.entryScript !== undefined) {
    fail('entryScript', "a container-mode model runs its image's own serving code; entryScript applies to script mode only");
  }

  const jobNamePrefix = jobPrefix(project.name, name);
  if ((project.valid && nameValid && !JOB_NAME_PATTERN.test(jobNamePrefix)) || jobNamePrefix.length > JOB_NAME_PREFIX_MAX) {
    fail('name', `job-name prefix '${jobNamePrefix}' is not valid for SageMaker job names`);
  }

  const settings = resolveInstanceSettings(s, kind, facts, fail);
  const environment = resolveEnvironment(s, fail);
  const channels = resolveChannels(s, kind, index, earlier, mode, fail);
  const gate = kind === 'evaluation' ? resolveGate(s, channels.outputs, fail) : undefined;
  const hyperparameters = kind === 'training' ? resolveHyperparameters(s, fail) : {};
  const endpoint = kind === 'endpoint' ? resolveEndpoint(s, project.name, name, fail) : undefined;
  const registry = kind === 'register' ? resolveRegistry(s, earlier, project.name, fail) : undefined;
  const approval = kind === 'approval' ? resolveApproval(s, earlier, fail) : undefined;
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
    taskTimeoutSeconds: approval ? approval.timeoutSeconds : taskTimeout(kind, settings.maxRuntimeSeconds, endpoint),
    environment,
    inputs: channels.inputs,
    outputs: channels.outputs,
    ...(mode === 'script' && (kind === 'processing' || kind === 'evaluation') ? { codeLocalPath: codeLocalPathFor(channels.inputs, channels.outputs) } : {}),
    skippable,
    hyperparameters,
    ...(gate ? { gate } : {}),
    ...(modelStage ? { modelStage: modelStage.name } : {}),
    ...(endpoint ? { endpoint } : {}),
    ...(registry ? { registry } : {}),
    ...(approval ? { approval } : {}),
  };
  return { stage, ok: ok && image !== undefined };
}

/** `<project>-<stage>`, the project part shortened so the prefix fits the job-name budget. */
export function jobPrefix(project: string, stage: string): string {
  const room = JOB_NAME_PREFIX_MAX - stage.length - 1;
  const head = project.slice(0, Math.max(0, room)).replace(/-+$/, '');
  return head ? `${head}-${stage}` : stage;
}

/**
 * The Task's timeout. Jobs: their max runtime plus the margin. CreateModel: a short call. Transform
 * jobs have no max runtime in their request, so `maxRuntimeSeconds` is the budget of the Task.
 * Endpoints: every wait plus the calls around them.
 */
function taskTimeout(kind: StageKind, maxRuntimeSeconds: number, endpoint: ResolvedStage['endpoint']): number {
  if (kind === 'model' || kind === 'register') return SHORT_TASK_TIMEOUT_SECONDS;
  if (endpoint) return endpoint.intervalSeconds * endpoint.maxAttempts + 4 * SHORT_TASK_TIMEOUT_SECONDS;
  return maxRuntimeSeconds + TASK_TIMEOUT_MARGIN_SECONDS;
}

function resolveInstanceSettings(s: StageOptions, kind: StageKind, facts: KindFacts, fail: Fail) {
  const instanceType = s.instanceType ?? DEFAULT_INSTANCE_TYPE;
  const instanceCount = s.instanceCount ?? DEFAULT_INSTANCE_COUNT;
  const volumeSizeGb = s.volumeSizeGb ?? DEFAULT_VOLUME_SIZE_GB;
  const maxRuntimeSeconds = s.maxRuntimeSeconds ?? DEFAULT_MAX_RUNTIME_SECONDS;
  const types = facts.instanceTypes;
  if (!types) {
    for (const field of ['instanceType', 'instanceCount', 'volumeSizeGb', 'maxRuntimeSeconds'] as const) {
      if (s[field] !== undefined) fail(field, `a ${kind} stage runs on no instance of its own; remove ${field}`);
    }
    return { instanceType, instanceCount, volumeSizeGb, maxRuntimeSeconds };
  }
  if (!types.includes(instanceType)) {
    const close = types.filter((t) => t.split('.')[1] === String(instanceType).split('.')[1]).slice(0, 6);
    fail('instanceType', `'${instanceType}' is not a SageMaker ${facts.instanceWhat} instance type (e.g. ${(close.length ? close : ['ml.m5.large', 'ml.m5.xlarge', 'ml.c5.2xlarge']).join(', ')})`);
  }
  if (!isIntIn(instanceCount, ...INSTANCE_COUNT_RANGE)) fail('instanceCount', `${instanceCount} must be a whole number from ${INSTANCE_COUNT_RANGE[0]} to ${INSTANCE_COUNT_RANGE[1]}`);
  // Transform and endpoint requests carry no volume size (the instance's own storage is used).
  if (kind === 'transform' || kind === 'endpoint') {
    if (s.volumeSizeGb !== undefined) fail('volumeSizeGb', `a ${kind} stage uses its instances' own storage; remove volumeSizeGb`);
  } else if (!isIntIn(volumeSizeGb, ...VOLUME_SIZE_RANGE)) {
    fail('volumeSizeGb', `${volumeSizeGb} must be a whole number of GB from ${VOLUME_SIZE_RANGE[0]} to ${VOLUME_SIZE_RANGE[1]}`);
  }
  if (kind === 'endpoint') {
    if (s.maxRuntimeSeconds !== undefined) fail('maxRuntimeSeconds', 'an endpoint runs until it is replaced; set endpointWait to bound the wait for InService');
  } else if (!isIntIn(maxRuntimeSeconds, ...MAX_RUNTIME_RANGE)) {
    fail('maxRuntimeSeconds', `${maxRuntimeSeconds} must be a whole number of seconds from ${MAX_RUNTIME_RANGE[0]} to ${MAX_RUNTIME_RANGE[1]} (7 days)`);
  }
  return { instanceType, instanceCount, volumeSizeGb, maxRuntimeSeconds };
}

function resolveEnvironment(s: StageOptions, fail: Fail): Record<string, string> {
  const environment = s.environment ?? {};
  const entries = Object.entries(environment);
  if (entries.length > ENV_MAX_ENTRIES) fail('environment', `at most ${ENV_MAX_ENTRIES} variables are allowed`);
  for (const [key, value] of entries) {
    if (!ENV_KEY_PATTERN.test(key) || key.length > 256) fail(`environment.${key}`, 'variable names use letters, digits and underscores and do not start with a digit');
    if (typeof value !== 'string' || value.length > ENV_VALUE_MAX) fail(`environment.${key}`, `value must be a string of at most ${ENV_VALUE_MAX} characters`);
  }
  return { ...environment };
}

function resolveImage(s: StageOptions, mode: string, name: string, kind: StageKind, project: ProjectContext, fail: Fail): ResolvedImage | undefined {
  if (mode === 'script') {
    if (s.imageUri) fail('imageUri', "script mode runs on a prebuilt framework image; set mode: 'container' to use imageUri");
    const frameworkName = s.framework?.name ?? 'sklearn';
    if (!FRAMEWORK_NAMES.includes(frameworkName)) {
      fail('framework.name', `'${frameworkName}' is not a prebuilt framework (allowed: ${FRAMEWORK_NAMES.join(', ')})`);
      return undefined;
    }
    const version = s.framework?.version ?? defaultFrameworkVersion(frameworkName);
    // A model serves: frameworks with a separate inference image (PyTorch) use it.
    const ref = resolveFrameworkImage(frameworkName, version, project.region, kind === 'model' ? 'inference' : 'job');
    if ('error' in ref) {
      // With an invalid region the project-level message already says it all.
      if (project.valid || !ref.error.includes('region')) fail('framework', ref.error);
      return undefined;
    }
    return { source: 'framework', framework: { name: frameworkName, version, ...ref } };
  }
  if (s.framework) fail('framework', "container mode does not use a framework image; remove `framework` or set mode: 'script'");
  if (s.imageUri !== undefined) {
    const m = ECR_IMAGE_PATTERN.exec(s.imageUri);
    if (!m) {
      fail('imageUri', `'${s.imageUri}' is not an Amazon ECR image URI (<account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag>)`);
      return undefined;
    }
    const [, acct, imageRegion, , repository] = m;
    return { source: 'uri', imageUri: s.imageUri, repositoryArn: `arn:${partitionOf(imageRegion)}:ecr:${imageRegion}:${acct}:repository/${repository}` };
  }
  // Built from stages/<name>/Dockerfile and published as a CDK image asset to the bootstrap repository.
  const repository = `cdk-${project.cdkQualifier}-container-assets-${project.account}-${project.region}`;
  return {
    source: 'dockerfile',
    dockerfile: `stages/${name}/Dockerfile`,
    imageUri: `${project.account}.${ecrDomain(project.region)}/${repository}:${name}`,
    repositoryArn: `arn:${project.partition}:ecr:${project.region}:${project.account}:repository/${repository}`,
  };
}

function modelImage(model: ResolvedStage): ResolvedImage {
  const image = model.image;
  const uri = image.source === 'framework' ? image.framework : image;
  return { source: 'model', modelStage: model.name, imageUri: uri.imageUri, repositoryArn: uri.repositoryArn };
}

/** The model stage a transform or endpoint runs: named, or the nearest earlier one. */
function resolveModelStage(s: StageOptions, earlier: readonly ResolvedStage[], kind: StageKind, fail: Fail): ResolvedStage | undefined {
  const models = earlier.filter((e) => e.kind === 'model');
  if (s.modelStage === undefined) {
    const nearest = models[models.length - 1];
    if (!nearest) fail('modelStage', `a ${kind} stage runs a model: add a model stage before it`);
    return nearest;
  }
  const named = models.find((m) => m.name === s.modelStage);
  if (!named) fail('modelStage', `'${s.modelStage}' is not an earlier model stage (model stages before this one: ${models.map((m) => m.name).join(', ') || 'none'})`);
  return named;
}

function resolveGate(s: StageOptions, outputs: readonly ResolvedStageOutput[], fail: Fail): ResolvedMetricGate | undefined {
  const gate = s.gate;
  if (gate === undefined || gate === null || typeof gate !== 'object') {
    fail('gate', "an evaluation stage needs a gate: { metric: 'accuracy', threshold: 0.8 } (the metric its report names, and the least acceptable value)");
    return undefined;
  }
  const metric = String(gate.metric ?? '');
  if (!METRIC_NAME_PATTERN.test(metric)) fail('gate.metric', `'${metric}' must be a metric name of letters, digits and underscores (e.g. 'accuracy', 'roc_auc')`);
  if (typeof gate.threshold !== 'number' || !Number.isFinite(gate.threshold)) fail('gate.threshold', `${JSON.stringify(gate.threshold)} must be a number`);
  const greaterIsBetter = gate.greaterIsBetter ?? true;
  if (typeof greaterIsBetter !== 'boolean') fail('gate.greaterIsBetter', `${JSON.stringify(greaterIsBetter)} must be true or false`);
  const onFail = gate.onFail ?? 'fail';
  if (onFail !== 'fail' && onFail !== 'skip') fail('gate.onFail', `'${String(onFail)}' must be 'fail' (end in a Fail state) or 'skip' (end successfully, skipping the later stages)`);
  const reportFile = gate.reportFile ?? DEFAULT_REPORT_FILE;
  if (!REPORT_FILE_PATTERN.test(reportFile)) fail('gate.reportFile', `'${reportFile}' must be a JSON file name (letters, digits, '.', '_', '-'; ending in .json)`);
  if (outputs.length === 0) return undefined;
  return { metric, threshold: gate.threshold, greaterIsBetter, onFail, reportOutput: outputs[0].name, reportFile };
}

function resolveHyperparameters(s: StageOptions, fail: Fail): Record<string, string> {
  const hyperparameters = s.hyperparameters ?? {};
  const entries = Object.entries(hyperparameters);
  // CreateTrainingJob: at most 100 entries, keys up to 256 and values up to 2500 characters, all strings.
  if (entries.length > 100) fail('hyperparameters', 'at most 100 hyperparameters are allowed');
  for (const [key, value] of entries) {
    if (key.length === 0 || key.length > 256) fail(`hyperparameters.${key}`, 'names are 1 to 256 characters');
    if (typeof value !== 'string' || value.length > 2500) fail(`hyperparameters.${key}`, `value must be a string of at most 2500 characters (SageMaker passes every hyperparameter as text; write '${String(value)}')`);
  }
  return { ...hyperparameters };
}

function resolveEndpoint(s: StageOptions, project: string, stage: string, fail: Fail): ResolvedStage['endpoint'] {
  const name = s.endpointName ?? `${project}-${stage}`;
  if (!ENDPOINT_NAME_PATTERN.test(name)) fail('endpointName', `'${name}' is not a SageMaker endpoint name: letters, digits and hyphens, at most 63 characters`);
  const intervalSeconds = s.endpointWait?.intervalSeconds ?? DEFAULT_ENDPOINT_WAIT_INTERVAL_SECONDS;
  const maxAttempts = s.endpointWait?.maxAttempts ?? DEFAULT_ENDPOINT_WAIT_ATTEMPTS;
  if (!isIntIn(intervalSeconds, ...ENDPOINT_WAIT_INTERVAL_RANGE)) {
    fail('endpointWait.intervalSeconds', `${intervalSeconds} must be a whole number of seconds from ${ENDPOINT_WAIT_INTERVAL_RANGE[0]} to ${ENDPOINT_WAIT_INTERVAL_RANGE[1]}`);
  }
  if (!isIntIn(maxAttempts, ...ENDPOINT_WAIT_ATTEMPTS_RANGE)) {
    fail('endpointWait.maxAttempts', `${maxAttempts} must be a whole number from ${ENDPOINT_WAIT_ATTEMPTS_RANGE[0]} to ${ENDPOINT_WAIT_ATTEMPTS_RANGE[1]}`);
  }
  return { name, intervalSeconds, maxAttempts };
}

// ---- channels: inputs and outputs per kind ----

interface Channel {
  readonly name: string;
  readonly from?: string;
  readonly localPath?: string;
  readonly distribution?: unknown;
  readonly field: string;
}

/** Which stage output a `from` names, and whether it is a training stage's model artifact. */
interface Source {
  readonly stage: ResolvedStage;
  readonly output: string;
  readonly isModel: boolean;
}

/**
 * Per kind:
 * - processing, evaluation: inputs and outputs below /opt/ml/processing/ (the code channel besides);
 * - training: channels at /opt/ml/input/data/<name>, one output `model` (/opt/ml/model, packed as model.tar.gz);
 * - model: one input, a training stage's `model`; no outputs;
 * - transform: one data input, one output (the predictions); no local paths (the model container reads requests);
 * - endpoint: neither.
 */
function resolveChannels(s: StageOptions, kind: StageKind, index: number, earlier: readonly ResolvedStage[], mode: string, fail: Fail) {
  const none = { inputs: [] as ResolvedStageInput[], outputs: [] as ResolvedStageOutput[] };
  const dataDefault = defaultDataSource(index, earlier);
  const trainingDefault = [...earlier].reverse().find((e) => e.kind === 'training');
  const given = (list: readonly { name?: string; from?: string; localPath?: string; distribution?: unknown }[] | undefined, what: 'inputs' | 'outputs'): Channel[] | undefined =>
    list === undefined
      ? undefined
      : list.map((c, i) => ({ name: String(c?.name ?? ''), from: c?.from, localPath: c?.localPath, distribution: c?.distribution, field: `${what}[${i}]` }));
  const inputs = given(s.inputs, 'inputs');
  const outputs = given(s.outputs, 'outputs');
  const refuse = (what: 'inputs' | 'outputs', why: string) => {
    if ((what === 'inputs' ? inputs : outputs) !== undefined) fail(what, why);
  };
  const noLocalPaths = (channels: Channel[], why: string) => {
    for (const c of channels) if (c.localPath !== undefined) fail(`${c.field}.localPath`, why);
  };
  // Only processing stages shard: an evaluation's gate reads one report, which several hosts would each write.
  if (kind !== 'processing') {
    for (const c of inputs ?? []) {
      if (c.distribution !== undefined) fail(`${c.field}.distribution`, `only processing stages shard their inputs (this stage is a ${kind} stage${kind === 'evaluation' ? ', whose gate reads one report' : ''}); remove distribution`);
    }
  }

  switch (kind) {
    case 'processing':
    case 'evaluation': {
      const defaultInputs: Channel[] =
        kind === 'evaluation'
          ? [
              { name: MODEL_OUTPUT, from: trainingDefault ? `${trainingDefault.name}/${MODEL_OUTPUT}` : undefined, field: 'inputs[0]' },
              { name: 'test', from: dataDefault, field: 'inputs[1]' },
            ]
          : [{ name: DEFAULT_CHANNEL, from: dataDefault, field: 'inputs[0]' }];
      const outs = (outputs ?? [{ name: kind === 'evaluation' ? DEFAULT_REPORT_OUTPUT : DEFAULT_CHANNEL, field: 'outputs[0]' }]).map((o) => ({
        ...o,
        localPath: stripSlash(o.localPath ?? `/opt/ml/processing/output/${o.name}`),
      }));
      const ins = (inputs ?? defaultInputs).map((i) => ({ ...i, from: i.from ?? dataDefault, localPath: stripSlash(i.localPath ?? `/opt/ml/processing/input/${i.name}`) }));
      if (kind === 'evaluation' && inputs === undefined && !trainingDefault) fail('inputs', 'an evaluation stage reads a model: add a training stage before it, or list its inputs');
      if (outs.length > MAX_PROCESSING_OUTPUTS) fail('outputs', `at most ${MAX_PROCESSING_OUTPUTS} outputs are allowed`);
      if (kind === 'evaluation' && outs.length === 0) fail('outputs', 'an evaluation stage writes its report to an output: list at least one');
      const max = mode === 'script' ? MAX_PROCESSING_INPUTS - 1 : MAX_PROCESSING_INPUTS;
      if (ins.length > max) fail('inputs', `at most ${max} inputs are allowed${mode === 'script' ? ' (one of the 10 carries the script)' : ''}`);
      checkChannelNames([...ins], fail);
      checkChannelNames([...outs], fail);
      for (const input of ins) {
        if (mode === 'script' && input.name === CODE_CHANNEL) fail(`${input.field}.name`, `'${CODE_CHANNEL}' is reserved for the stage's script in script mode`);
        sourceOf(input, earlier, fail);
      }
      for (const input of ins) {
        if (input.distribution !== undefined && !INPUT_DISTRIBUTIONS.includes(input.distribution as InputDistribution)) {
          fail(`${input.field}.distribution`, `${JSON.stringify(input.distribution)} must be 'replicated' (every instance gets every object) or 'sharded' (each instance gets a share of the objects)`);
        }
      }
      const resolvedInputs = ins.map(({ name, from, localPath, distribution }) => ({
        name,
        from: from!,
        localPath,
        distribution: (distribution ?? 'replicated') as InputDistribution,
      }));
      const resolvedOutputs = outs.map(({ name, localPath }) => ({ name, localPath }));
      checkLocalPaths(resolvedInputs, resolvedOutputs, mode, fail);
      return { inputs: resolvedInputs, outputs: resolvedOutputs };
    }
    case 'training': {
      refuse('outputs', `a training stage has one output, '${MODEL_OUTPUT}': SageMaker packs ${TRAINING_MODEL_DIR} into model.tar.gz (later stages read it as '<stage>/${MODEL_OUTPUT}')`);
      const ins = (inputs ?? [{ name: 'train', field: 'inputs[0]' }]).map((i) => ({ ...i, from: i.from ?? dataDefault }));
      if (ins.length === 0) fail('inputs', 'a training stage needs at least one channel');
      const max = mode === 'script' ? MAX_TRAINING_CHANNELS - 1 : MAX_TRAINING_CHANNELS;
      if (ins.length > max) fail('inputs', `at most ${max} channels are allowed${mode === 'script' ? ' (one of the 20 carries the script)' : ''}`);
      checkChannelNames(ins, fail);
      for (const input of ins) {
        const fixed = `${TRAINING_CHANNEL_ROOT}${input.name}`;
        if (input.localPath !== undefined && stripSlash(input.localPath) !== fixed) fail(`${input.field}.localPath`, `training channels are always at ${TRAINING_CHANNEL_ROOT}<channel> ('${fixed}'); remove localPath`);
        if (mode === 'script' && input.name === CODE_CHANNEL) fail(`${input.field}.name`, `'${CODE_CHANNEL}' is reserved for the stage's script in script mode`);
        sourceOf(input, earlier, fail);
      }
      return {
        inputs: ins.map((i) => ({ name: i.name, from: i.from, localPath: `${TRAINING_CHANNEL_ROOT}${i.name}` })),
        outputs: [{ name: MODEL_OUTPUT, localPath: TRAINING_MODEL_DIR }],
      };
    }
    case 'model': {
      refuse('outputs', 'a model stage has no outputs; transform and endpoint stages name it in modelStage');
      const ins = inputs ?? [{ name: MODEL_OUTPUT, from: trainingDefault ? `${trainingDefault.name}/${MODEL_OUTPUT}` : undefined, field: 'inputs[0]' }];
      if (ins.length !== 1) {
        fail('inputs', `a model stage has exactly one input: a training stage's model ('<training stage>/${MODEL_OUTPUT}')`);
        return none;
      }
      noLocalPaths(ins, 'a model input is not mounted anywhere: SageMaker hands the artifact to the serving container');
      const source = ins[0].from === undefined ? undefined : sourceOf({ ...ins[0], from: ins[0].from }, earlier, fail);
      if (ins[0].from === undefined) fail('inputs', `a model stage needs a training stage before it (its input is '<training stage>/${MODEL_OUTPUT}')`);
      else if (source && !source.isModel) fail(`${ins[0].field}.from`, `'${ins[0].from}' is not a training stage's model; a model stage packages '<training stage>/${MODEL_OUTPUT}'`);
      checkChannelNames(ins, fail);
      return { inputs: [{ name: ins[0].name, from: ins[0].from ?? '', localPath: '' }], outputs: [] };
    }
    case 'transform': {
      const ins = (inputs ?? [{ name: DEFAULT_CHANNEL, field: 'inputs[0]' }]).map((i) => ({ ...i, from: i.from ?? dataDefault }));
      const outs = outputs ?? [{ name: DEFAULT_PREDICTIONS_OUTPUT, field: 'outputs[0]' }];
      if (ins.length !== 1) fail('inputs', 'a transform stage reads exactly one input (the records to score)');
      if (outs.length !== 1) fail('outputs', 'a transform stage writes exactly one output (the predictions)');
      noLocalPaths([...ins, ...outs], 'a transform job sends records to the model container; it mounts no folder');
      checkChannelNames(ins, fail);
      checkChannelNames(outs, fail);
      for (const input of ins) {
        const source = sourceOf(input, earlier, fail);
        if (source?.isModel) fail(`${input.field}.from`, `'${input.from}' is a model artifact, not records to score`);
      }
      return { inputs: ins.map((i) => ({ name: i.name, from: i.from, localPath: '' })), outputs: outs.map((o) => ({ name: o.name, localPath: '' })) };
    }
    case 'endpoint':
      refuse('inputs', 'an endpoint stage reads no data: it serves the model of its model stage');
      refuse('outputs', 'an endpoint stage writes no output');
      return none;
    case 'register':
      refuse('inputs', "a register stage reads no data: it records its model stage's model and the evaluation report");
      refuse('outputs', 'a register stage writes no output: it creates a version in the model registry');
      return none;
    case 'approval':
      refuse('inputs', 'an approval stage reads no data: a person decides');
      refuse('outputs', 'an approval stage writes no output');
      return none;
  }
}

/** Nearest earlier stage with a data output (training models are not data), or `raw`. */
function defaultDataSource(index: number, earlier: readonly ResolvedStage[]): string {
  if (index === 0) return 'raw';
  const source = [...earlier].reverse().find((e) => e.kind !== 'training' && e.outputs.length > 0);
  return source ? `${source.name}/${source.outputs[0].name}` : 'raw';
}

/** Checks a `from` against the earlier stages; undefined for `raw` or when it names nothing (reported). */
function sourceOf(input: { from?: string; field: string }, earlier: readonly ResolvedStage[], fail: Fail): Source | undefined {
  const from = String(input.from);
  if (from === 'raw') return undefined;
  const [stageName, outputName, ...rest] = from.split('/');
  const stage = earlier.find((e) => e.name === stageName);
  if (rest.length > 0 || !outputName || !stage) {
    const names = earlier.flatMap((e) => e.outputs.map((out) => `${e.name}/${out.name}`));
    fail(`${input.field}.from`, `'${from}' is not 'raw' or an earlier stage's output (allowed: ${['raw', ...names].join(', ')})`);
    return undefined;
  }
  if (!stage.outputs.some((out) => out.name === outputName)) {
    fail(`${input.field}.from`, `stage '${stageName}' has no output '${outputName}' (it has: ${stage.outputs.map((out) => out.name).join(', ') || 'none'})`);
    return undefined;
  }
  return { stage, output: outputName, isModel: stage.kind === 'training' };
}

function checkChannelNames(channels: readonly { name: string; field: string }[], fail: Fail) {
  const names = new Set<string>();
  for (const c of channels) {
    if (!CHANNEL_NAME_PATTERN.test(c.name)) fail(`${c.field}.name`, `'${c.name}' must be 1 to 64 letters, digits, '_' or '-', starting with a letter or digit`);
    if (names.has(c.name)) fail(`${c.field}.name`, `'${c.name}' is used twice in this stage`);
    names.add(c.name);
  }
}

/** Where a script-mode processing stage's code goes: the usual folder, or one aside when a data input or output takes its path. */
const CODE_LOCAL_PATHS = [CODE_LOCAL_PATH, '/opt/ml/processing/code', '/opt/ml/processing/legacy-mlops-code'];

export function codeLocalPathFor(inputs: readonly { localPath: string }[], outputs: readonly { localPath: string }[]): string {
  const taken = [...inputs, ...outputs].map((c) => c.localPath);
  const overlaps = (a: string, b: string) => a === b || a.startsWith(`${b}/`) || b.startsWith(`${a}/`);
  return CODE_LOCAL_PATHS.find((p) => !taken.some((t) => overlaps(p, t))) ?? CODE_LOCAL_PATH;
}

function checkLocalPaths(inputs: readonly ResolvedStageInput[], outputs: readonly ResolvedStageOutput[], mode: string, fail: Fail) {
  const all = [
    ...inputs.map((c, i) => ({ path: c.localPath, field: `inputs[${i}].localPath` })),
    ...outputs.map((c, i) => ({ path: c.localPath, field: `outputs[${i}].localPath` })),
    ...(mode === 'script' ? [{ path: codeLocalPathFor(inputs, outputs), field: 'script code input' }] : []),
  ];
  for (const c of all) {
    // Any path SageMaker accepts: below /opt/ml/processing/, including /opt/ml/processing/input and /output themselves.
    if (!c.path.startsWith(PROCESSING_LOCAL_PATH_PREFIX) || c.path.length <= PROCESSING_LOCAL_PATH_PREFIX.length) {
      fail(c.field, `'${c.path}' must be a folder under ${PROCESSING_LOCAL_PATH_PREFIX}`);
    } else if (c.path.length > PROCESSING_LOCAL_PATH_MAX || /(^|\/)\.\.?(\/|$)|\/\/|\s/.test(c.path)) {
      fail(c.field, `'${c.path}' must be a plain absolute path (no '.', '..', '//' or spaces; at most ${PROCESSING_LOCAL_PATH_MAX} characters)`);
    }
  }
  for (let i = 0; i < all.length; i++) {
    for (let j = i + 1; j < all.length; j++) {
      const [a, b] = [all[i], all[j]];
      if (a.path === b.path || a.path.startsWith(`${b.path}/`) || b.path.startsWith(`${a.path}/`)) {
        fail(b.field === 'script code input' ? a.field : b.field, `'${b.path}' overlaps '${a.path}' (${a.field}); each input and output needs its own folder`);
      }
    }
  }
}

function stripSlash(p: string): string {
  return p.length > 1 ? p.replace(/\/+$/, '') : p;
}

export function isIntIn(value: unknown, min: number, max: number): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}
