/**
 * Renders the code a stage starts with: its Python stub, `requirements.txt`
 * and, when its image is built from a Dockerfile, that Dockerfile.
 *
 * Pure: templates are read once when this module loads. The files are the
 * user's from then on; whoever writes them must write them only when absent.
 */
import ejs from 'ejs';
import type { ResolvedFramework, ResolvedPipeline, ResolvedStage } from '../model/index.js';
import { DEFAULT_INFERENCE_SCRIPT } from '../model/defaults.js';
import { KIND_FACTS, trainsModel } from '../model/stage-kinds.js';
import { CONTAINER_BASE_IMAGE, CONTAINER_PYTHON_VERSION, CONTAINER_REQUIREMENTS } from './container-image.js';
import { docstringLine, legacyFunctionName, pyString } from './python-text.js';
import { stageRole, type StageRole } from './stage-role.js';
import { readTemplate } from './template-files.js';

export interface RenderedFile {
  /** Path relative to the generated repo's root. */
  readonly path: string;
  readonly content: string;
}

const STAGE_SCRIPT = readTemplate('stages/python/stage.py.ejs');
/** Training stages follow the training contract (channels, /opt/ml/model, hyperparameters, failure file). */
const TRAINING_SCRIPT = readTemplate('stages/python/training.py.ejs');
const INFERENCE_SCRIPT = readTemplate('stages/python/inference.py.ejs');
const LEGACY_CODE: Record<StageRole, string> = {
  preprocess: readTemplate('stages/python/legacy/preprocess.py.ejs'),
  predict: readTemplate('stages/python/legacy/predict.py.ejs'),
  postprocess: readTemplate('stages/python/legacy/postprocess.py.ejs'),
  split: readTemplate('stages/python/legacy/split.py.ejs'),
  train: readTemplate('stages/python/legacy/train.py.ejs'),
  evaluate: readTemplate('stages/python/legacy/evaluate.py.ejs'),
  generic: readTemplate('stages/python/legacy/generic.py.ejs'),
};
/** What the training and evaluation stubs import beyond pandas and numpy (in images built from a Dockerfile). */
const MODEL_REQUIREMENTS = ['scikit-learn==1.5.2', 'joblib==1.4.2'];
const REQUIREMENTS_SCRIPT = readTemplate('stages/requirements-script.txt.ejs');
const REQUIREMENTS_DOCKERFILE = readTemplate('stages/requirements-dockerfile.txt.ejs');
const REQUIREMENTS_IMAGE = readTemplate('stages/requirements-image.txt.ejs');
const DOCKERFILE = readTemplate('stages/Dockerfile.ejs');

/** Libraries a prebuilt framework image brings besides pandas and numpy. */
const FRAMEWORK_LIBRARY: Record<ResolvedFramework['name'], string> = {
  sklearn: 'scikit-learn',
  xgboost: 'XGBoost',
  pytorch: 'PyTorch',
};

export function renderStageFiles(stage: ResolvedStage, pipeline: ResolvedPipeline): RenderedFile[] {
  // Model, transform and endpoint stages run the inference code the training stage packs into its model.
  if (!KIND_FACTS[stage.kind].hasCode) return [];
  const dir = `stages/${stage.name}`;
  const files: RenderedFile[] = [
    { path: `${dir}/${stage.entryScript}`, content: trainsModel(stage.kind) ? renderTrainingScript(stage, pipeline) : renderStageScript(stage, pipeline) },
    { path: `${dir}/requirements.txt`, content: renderRequirements(stage) },
  ];
  if (trainsModel(stage.kind)) {
    files.push({ path: `${dir}/${inferenceScriptOf(stage, pipeline)}`, content: renderInferenceScript(stage, pipeline) });
  }
  if (stage.image.source === 'dockerfile') {
    files.push({ path: stage.image.dockerfile, content: renderDockerfile(stage) });
  }
  return files;
}

/**
 * The role a stage's stub plays, given what its channels allow: the evaluation logic needs a model
 * input (a training stage's artifact), a data input and the gate's report output.
 */
export function roleOf(stage: ResolvedStage, pipeline: ResolvedPipeline): StageRole {
  const role = stageRole(stage);
  if (role === 'evaluate' && !(evaluationInputs(stage, pipeline) && stage.gate)) return 'generic';
  return role;
}

export function evaluationInputs(stage: ResolvedStage, pipeline: ResolvedPipeline): { model: string; test: string } | undefined {
  const isModel = (from: string) => pipeline.stages.some((s) => KIND_FACTS[s.kind].producesModel && from.startsWith(`${s.name}/`));
  const model = stage.inputs.find((i) => isModel(i.from));
  const test = stage.inputs.find((i) => !isModel(i.from));
  return model && test ? { model: model.name, test: test.name } : undefined;
}

/** The inference script a training stage packs: the one the model stage serving its artifact names. */
export function inferenceScriptOf(training: ResolvedStage, pipeline: ResolvedPipeline): string {
  const model = pipeline.stages.find((s) => s.kind === 'model' && s.mode === 'script' && s.inputs[0]?.from === `${training.name}/model`);
  return model?.entryScript ?? DEFAULT_INFERENCE_SCRIPT;
}

/** What the templates of a stage's legacy code (and of its starter test) are rendered with: its role's folders and gate. */
export function legacyCodeData(stage: ResolvedStage, pipeline: ResolvedPipeline, role: StageRole, legacyFunction: string) {
  const evaluation = role === 'evaluate' ? evaluationInputs(stage, pipeline) : undefined;
  return {
    py: pyString,
    stageName: stage.name,
    legacyFunction,
    input: stage.inputs[0]?.name,
    output: stage.outputs[0]?.name,
    outputs: Object.fromEntries(stage.outputs.map((o) => [o.name, o.name])),
    channel: stage.inputs[0]?.name,
    modelInput: evaluation?.model,
    testInput: evaluation?.test,
    reportOutput: stage.gate?.reportOutput,
    reportFile: stage.gate?.reportFile,
    metric: stage.gate?.metric,
    objectiveMetric: stage.tuning?.objective.metric,
    // A fan-out over the objects under a prefix hands each item its own object, whatever its name.
    rawFromObject: pipeline.fanOut?.itemsFrom === 's3-prefix' && stage.inputs[0]?.from === 'raw',
  };
}

function renderLegacyCode(stage: ResolvedStage, pipeline: ResolvedPipeline, role: StageRole, legacyFunction: string): string {
  return ejs.render(LEGACY_CODE[role], legacyCodeData(stage, pipeline, role, legacyFunction));
}

/** What every stub's header and command line say about its stage. */
function scriptHeaderData(stage: ResolvedStage, pipeline: ResolvedPipeline) {
  return {
    py: pyString,
    docTitle: docstringLine(`${stage.name}: ${stage.description}`),
    argparseDescription: pyString(`${stage.name}: ${stage.description}`),
    stageName: stage.name,
    pipelineName: pipeline.name,
    runsOn: runsOn(stage),
    scriptPath: `stages/${stage.name}/${stage.entryScript}`,
  };
}

function renderTrainingScript(stage: ResolvedStage, pipeline: ResolvedPipeline): string {
  const legacyFunction = legacyFunctionName('train');
  const legacyCode = renderLegacyCode(stage, pipeline, 'train', legacyFunction);
  return ejs.render(TRAINING_SCRIPT, {
    ...scriptHeaderData(stage, pipeline),
    channels: stage.inputs,
    inferenceScript: inferenceScriptOf(stage, pipeline),
    legacyFunction,
    legacyCode: legacyCode.trimEnd() + '\n\n',
  });
}

function renderInferenceScript(stage: ResolvedStage, pipeline: ResolvedPipeline): string {
  const model = pipeline.stages.find((s) => s.kind === 'model' && s.inputs[0]?.from === `${stage.name}/model`);
  return ejs.render(INFERENCE_SCRIPT, { stageName: stage.name, pipelineName: pipeline.name, modelStage: model?.name ?? '(none yet)' });
}

function renderStageScript(stage: ResolvedStage, pipeline: ResolvedPipeline): string {
  const role = roleOf(stage, pipeline);
  const legacyFunction = role === 'generic' ? legacyFunctionName(stage.name) : legacyFunctionName(role);
  const legacyCode = renderLegacyCode(stage, pipeline, role, legacyFunction);
  return ejs.render(STAGE_SCRIPT, {
    ...scriptHeaderData(stage, pipeline),
    inputs: stage.inputs,
    outputs: stage.outputs,
    sharded: stage.inputs.filter((i) => i.distribution === 'sharded').map((i) => `'${i.name}'`).join(', '),
    legacyFunction,
    // Two blank lines after the last definition, as PEP 8 asks.
    legacyCode: legacyCode.trimEnd() + '\n\n',
  });
}

/** Where the job runs, in words, for the stub's docstring. */
function runsOn(stage: ResolvedStage): string {
  switch (stage.image.source) {
    case 'framework':
      return `the prebuilt SageMaker ${frameworkLabel(stage.image.framework)} image (script mode)`;
    case 'dockerfile':
      return `an image built from ${stage.image.dockerfile}`;
    case 'uri':
      return `the existing image ${stage.image.imageUri}`;
    case 'model':
      return `the image of the model of stage ${stage.image.modelStage}`;
  }
}

function frameworkLabel(framework: ResolvedFramework): string {
  return `${FRAMEWORK_LIBRARY[framework.name]} ${framework.version}`;
}

function renderRequirements(stage: ResolvedStage): string {
  const common = { stageName: stage.name, entryScript: stage.entryScript };
  switch (stage.image.source) {
    case 'framework':
      return ejs.render(REQUIREMENTS_SCRIPT, {
        ...common,
        frameworkLabel: frameworkLabel(stage.image.framework),
        frameworkLibrary: FRAMEWORK_LIBRARY[stage.image.framework.name],
      });
    case 'dockerfile':
      return ejs.render(REQUIREMENTS_DOCKERFILE, {
        ...common,
        dockerfile: stage.image.dockerfile,
        pythonVersion: CONTAINER_PYTHON_VERSION,
        pins: trainsModel(stage.kind) || KIND_FACTS[stage.kind].scoresModel ? [...CONTAINER_REQUIREMENTS, ...MODEL_REQUIREMENTS] : CONTAINER_REQUIREMENTS,
      });
    case 'uri':
    case 'model':
      return ejs.render(REQUIREMENTS_IMAGE, { ...common, imageUri: stage.image.imageUri });
  }
}

function renderDockerfile(stage: ResolvedStage): string {
  return ejs.render(DOCKERFILE, { stageName: stage.name, baseImage: CONTAINER_BASE_IMAGE, entryScript: stage.entryScript });
}
