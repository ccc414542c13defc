/** The sample raw data a generated repo starts with, so the default pipeline runs end to end at once. */
import type { ResolvedPipeline } from '../model/index.js';
import type { RenderedFile } from './render-stage-files.js';
import { readTemplate } from './template-files.js';

/** Where the sample lives in a generated repo (the local twin of the bucket's `data/raw/` prefix). */
export const SAMPLE_DATA_PATH = 'data/raw/pre_processing_input.csv';

/** 30 customer records; two ages and one monthly charge are missing, for preprocess to fill. */
const SAMPLE_CSV = readTemplate(SAMPLE_DATA_PATH);

/** The raw data is the same for any pipeline today: every first stage reads `raw`. */
export function renderSampleData(_pipeline: ResolvedPipeline): RenderedFile[] {
  return [{ path: SAMPLE_DATA_PATH, content: SAMPLE_CSV }];
}
