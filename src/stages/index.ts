export { renderStageFiles, type RenderedFile } from './render-stage-files.js';
export { renderSampleData, SAMPLE_DATA_PATH } from './render-sample-data.js';
export { stageRole, SAMPLE_ROLES, type SampleRole, type StageRole } from './stage-role.js';
export { legacyFunctionName } from './python-text.js';
export { CONTAINER_BASE_IMAGE, CONTAINER_REQUIREMENTS } from './container-image.js';
export { renderStageTest, stageTestPath } from './render-stage-test.js';
export { renderSmokeTest } from './render-smoke-test.js';
