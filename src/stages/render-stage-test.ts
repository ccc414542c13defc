/**
 * Renders a stage's starter test, `stages/<name>/test_<name>.py`: standard-library unittest that loads
 * the stage script as a module, calls its legacy function on a tiny fixture in a temporary folder and
 * checks the shape of what it writes. Pure; written once like the stub, then the user's.
 */
import ejs from 'ejs';
import type { ResolvedPipeline, ResolvedStage } from '../model/index.js';
import { KIND_FACTS } from '../model/stage-kinds.js';
import { legacyFunctionName, pyString } from './python-text.js';
import { renderSampleData } from './render-sample-data.js';
import { legacyCodeData, roleOf, type RenderedFile } from './render-stage-files.js';
import type { StageRole } from './stage-role.js';
import { readTemplate } from './template-files.js';

const TEST_SCRIPT = readTemplate('stages/python/test_stage.py.ejs');
const LABELLED_ROWS = readTemplate('stages/python/tests/labelled-rows.py.ejs');
const ROLE_TESTS: Record<StageRole, string> = {
  preprocess: readTemplate('stages/python/tests/preprocess.py.ejs'),
  predict: readTemplate('stages/python/tests/predict.py.ejs'),
  postprocess: readTemplate('stages/python/tests/postprocess.py.ejs'),
  split: readTemplate('stages/python/tests/split.py.ejs'),
  train: readTemplate('stages/python/tests/train.py.ejs'),
  evaluate: readTemplate('stages/python/tests/evaluate.py.ejs'),
  generic: readTemplate('stages/python/tests/generic.py.ejs'),
};
/** Rows of the sample data a first-stage fixture takes: enough for a missing value and for both labels in train and test. */
const SAMPLE_ROWS: Partial<Record<StageRole, number>> = { preprocess: 10, split: 40 };

/** `stages/<name>/test_<name>.py` (dashes become underscores: unittest imports it by that name). */
export function stageTestPath(stageName: string): string {
  return `stages/${stageName}/test_${stageName.replace(/-/g, '_')}.py`;
}

export function renderStageTest(stage: ResolvedStage, pipeline: ResolvedPipeline): RenderedFile[] {
  if (!KIND_FACTS[stage.kind].hasCode) return [];
  const role = roleOf(stage, pipeline);
  const legacyFunction = role === 'generic' ? legacyFunctionName(stage.name) : legacyFunctionName(role);
  const rows = SAMPLE_ROWS[role];
  const sample = renderSampleData(pipeline)[0].content;
  const roleTests = ejs.render(ROLE_TESTS[role], {
    ...legacyCodeData(stage, pipeline, role, legacyFunction),
    className: `${stage.name.split(/[-_]/).map((part) => part.charAt(0).toUpperCase() + part.slice(1)).join('')}Test`,
    labelledRows: LABELLED_ROWS.trimEnd(),
    sampleHead: rows === undefined ? '' : `${sample.split(/\r?\n/).slice(0, rows + 1).join('\n')}\n`,
  });
  const content = ejs.render(TEST_SCRIPT, {
    py: pyString,
    stageName: stage.name,
    pipelineName: pipeline.name,
    legacyFunction,
    entryScript: stage.entryScript,
    moduleName: `stage_${stage.name.replace(/-/g, '_')}`,
    roleTests: `${roleTests.trimEnd()}\n\n`,
  });
  return [{ path: stageTestPath(stage.name), content }];
}
