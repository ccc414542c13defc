/** The sample raw data a generated repo starts with, so the default pipeline runs end to end at once. */
import type { ResolvedPipeline } from '../model/index.js';
import type { RenderedFile } from './render-stage-files.js';
import { readTemplate } from './template-files.js';

/** Where the sample lives in a generated repo (the local twin of the bucket's `data/raw/` prefix). */
export const SAMPLE_DATA_PATH = 'data/raw/pre_processing_input.csv';

/** 30 customer records; two ages and one monthly charge are missing, for preprocess to fill. */
const SAMPLE_CSV = readTemplate(SAMPLE_DATA_PATH);
/**
 * 240 customer records with a `churned` label, for pipelines that train a model. Drawn once (fixed
 * seed) from the classic sample's hand-set churn score plus noise: a logistic regression learns it
 * to roughly 0.8 accuracy. Three ages and two monthly charges are missing.
 */
const LABELLED_CSV = readTemplate('data/raw-labelled/pre_processing_input.csv');

/** The same file name for every pipeline; labelled when a stage trains a model. */
export function renderSampleData(pipeline: ResolvedPipeline): RenderedFile[] {
  const trains = pipeline.stages.some((s) => s.kind === 'training');
  return [{ path: SAMPLE_DATA_PATH, content: trains ? LABELLED_CSV : SAMPLE_CSV }];
}
