/**
 * A stage's channels: its inputs and outputs, per kind, with where SageMaker mounts them. Pure;
 * problems are reported, never thrown.
 */
import { CODE_CHANNEL, CODE_LOCAL_PATH, DEFAULT_CHANNEL, DEFAULT_PREDICTIONS_OUTPUT, DEFAULT_REPORT_OUTPUT, MODEL_OUTPUT } from './defaults.js';
import type { ReportStageProblem } from './errors.js';
import {
  CHANNEL_NAME_PATTERN,
  MAX_PROCESSING_INPUTS,
  MAX_PROCESSING_OUTPUTS,
  MAX_TRAINING_CHANNELS,
  PROCESSING_LOCAL_PATH_MAX,
  PROCESSING_LOCAL_PATH_PREFIX,
  TRAINING_CHANNEL_ROOT,
  TRAINING_MODEL_DIR,
} from './rules.js';
import { KIND_FACTS } from './stage-kinds.js';
import type { InputDistribution, ResolvedStage, ResolvedStageInput, ResolvedStageOutput, StageKind, StageOptions } from './types.js';

const INPUT_DISTRIBUTIONS: readonly InputDistribution[] = ['replicated', 'sharded'];

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
 * Per channel layout (`KIND_FACTS[kind].channels`):
 * - processing (processing, evaluation): inputs and outputs below /opt/ml/processing/ (the code channel besides);
 * - training (training, tuning): channels at /opt/ml/input/data/<name>, one output `model` (/opt/ml/model, packed as model.tar.gz);
 * - model: one input, a training stage's `model`; no outputs;
 * - records (transform): one data input, one output (the predictions); no local paths (the model container reads requests);
 * - none (endpoint, register, approval): neither.
 */
export function resolveChannels(s: StageOptions, kind: StageKind, index: number, earlier: readonly ResolvedStage[], mode: string, fail: ReportStageProblem) {
  const none = { inputs: [] as ResolvedStageInput[], outputs: [] as ResolvedStageOutput[] };
  const dataDefault = defaultDataSource(index, earlier);
  const trainingDefault = [...earlier].reverse().find((e) => KIND_FACTS[e.kind].producesModel);
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
  const facts = KIND_FACTS[kind];
  // Only processing stages shard: an evaluation's gate reads one report, which several hosts would each write.
  if (facts.channels !== 'processing' || facts.scoresModel) {
    for (const c of inputs ?? []) {
      if (c.distribution !== undefined) fail(`${c.field}.distribution`, `only processing stages shard their inputs (this stage is a ${kind} stage${facts.scoresModel ? ', whose gate reads one report' : ''}); remove distribution`);
    }
  }

  switch (facts.channels) {
    case 'processing': {
      const defaultInputs: Channel[] =
        facts.scoresModel
          ? [
              { name: MODEL_OUTPUT, from: trainingDefault ? `${trainingDefault.name}/${MODEL_OUTPUT}` : undefined, field: 'inputs[0]' },
              { name: 'test', from: dataDefault, field: 'inputs[1]' },
            ]
          : [{ name: DEFAULT_CHANNEL, from: dataDefault, field: 'inputs[0]' }];
      const outs = (outputs ?? [{ name: facts.scoresModel ? DEFAULT_REPORT_OUTPUT : DEFAULT_CHANNEL, field: 'outputs[0]' }]).map((o) => ({
        ...o,
        localPath: stripSlash(o.localPath ?? `/opt/ml/processing/output/${o.name}`),
      }));
      const ins = (inputs ?? defaultInputs).map((i) => ({ ...i, from: i.from ?? dataDefault, localPath: stripSlash(i.localPath ?? `/opt/ml/processing/input/${i.name}`) }));
      if (facts.scoresModel && inputs === undefined && !trainingDefault) fail('inputs', 'an evaluation stage reads a model: add a training stage before it, or list its inputs');
      if (outs.length > MAX_PROCESSING_OUTPUTS) fail('outputs', `at most ${MAX_PROCESSING_OUTPUTS} outputs are allowed`);
      if (facts.scoresModel && outs.length === 0) fail('outputs', 'an evaluation stage writes its report to an output: list at least one');
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
      refuse('outputs', `a ${kind} stage has one output, '${MODEL_OUTPUT}': SageMaker packs ${TRAINING_MODEL_DIR} into model.tar.gz (later stages read it as '<stage>/${MODEL_OUTPUT}')`);
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
    case 'records': {
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
    case 'none': {
      const [inputsWhy, outputsWhy] = NO_DATA[kind] ?? [`a ${kind} stage reads no data`, `a ${kind} stage writes no output`];
      refuse('inputs', inputsWhy);
      refuse('outputs', outputsWhy);
      return none;
    }
  }
}

/** Why a kind without channels takes no inputs and no outputs, where there is more to say than that. */
const NO_DATA: Partial<Record<StageKind, readonly [string, string]>> = {
  endpoint: ['an endpoint stage reads no data: it serves the model of its model stage', 'an endpoint stage writes no output'],
  register: ["a register stage reads no data: it records its model stage's model and the evaluation report", 'a register stage writes no output: it creates a version in the model registry'],
  approval: ['an approval stage reads no data: a person decides', 'an approval stage writes no output'],
};

/** Nearest earlier stage with a data output (training models are not data), or `raw`. */
function defaultDataSource(index: number, earlier: readonly ResolvedStage[]): string {
  if (index === 0) return 'raw';
  const source = [...earlier].reverse().find((e) => !KIND_FACTS[e.kind].producesModel && e.outputs.length > 0);
  return source ? `${source.name}/${source.outputs[0].name}` : 'raw';
}

/** Checks a `from` against the earlier stages; undefined for `raw` or when it names nothing (reported). */
function sourceOf(input: { from?: string; field: string }, earlier: readonly ResolvedStage[], fail: ReportStageProblem): Source | undefined {
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
  return { stage, output: outputName, isModel: KIND_FACTS[stage.kind].producesModel };
}

function checkChannelNames(channels: readonly { name: string; field: string }[], fail: ReportStageProblem) {
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

function checkLocalPaths(inputs: readonly ResolvedStageInput[], outputs: readonly ResolvedStageOutput[], mode: string, fail: ReportStageProblem) {
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
