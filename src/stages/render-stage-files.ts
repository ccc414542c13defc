/**
 * Renders the code a stage starts with: its Python stub, `requirements.txt`
 * and, when its image is built from a Dockerfile, that Dockerfile.
 *
 * Pure: templates are read once when this module loads. The files are the
 * user's from then on; whoever writes them must write them only when absent.
 */
import ejs from 'ejs';
import type { ResolvedFramework, ResolvedPipeline, ResolvedStage } from '../model/index.js';
import { KIND_FACTS } from '../model/resolve-stage.js';
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
const LEGACY_CODE: Record<StageRole, string> = {
  preprocess: readTemplate('stages/python/legacy/preprocess.py.ejs'),
  predict: readTemplate('stages/python/legacy/predict.py.ejs'),
  postprocess: readTemplate('stages/python/legacy/postprocess.py.ejs'),
  generic: readTemplate('stages/python/legacy/generic.py.ejs'),
};
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
    { path: `${dir}/${stage.entryScript}`, content: renderStageScript(stage, pipeline) },
    { path: `${dir}/requirements.txt`, content: renderRequirements(stage) },
  ];
  if (stage.image.source === 'dockerfile') {
    files.push({ path: stage.image.dockerfile, content: renderDockerfile(stage) });
  }
  return files;
}

function renderStageScript(stage: ResolvedStage, pipeline: ResolvedPipeline): string {
  const role = stageRole(stage);
  const legacyFunction = role === 'generic' ? legacyFunctionName(stage.name) : legacyFunctionName(role);
  const legacyCode = ejs.render(LEGACY_CODE[role], {
    py: pyString,
    stageName: stage.name,
    legacyFunction,
    input: stage.inputs[0]?.name,
    output: stage.outputs[0]?.name,
  });
  return ejs.render(STAGE_SCRIPT, {
    py: pyString,
    docTitle: docstringLine(`${stage.name}: ${stage.description}`),
    argparseDescription: pyString(`${stage.name}: ${stage.description}`),
    stageName: stage.name,
    pipelineName: pipeline.name,
    runsOn: runsOn(stage),
    scriptPath: `stages/${stage.name}/${stage.entryScript}`,
    inputs: stage.inputs,
    outputs: stage.outputs,
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
        pins: CONTAINER_REQUIREMENTS,
      });
    case 'uri':
    case 'model':
      return ejs.render(REQUIREMENTS_IMAGE, { ...common, imageUri: stage.image.imageUri });
  }
}

function renderDockerfile(stage: ResolvedStage): string {
  return ejs.render(DOCKERFILE, { stageName: stage.name, baseImage: CONTAINER_BASE_IMAGE, entryScript: stage.entryScript });
}
