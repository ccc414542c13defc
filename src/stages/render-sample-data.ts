/** The sample raw data a generated repo starts with, so the default pipeline runs end to end at once. */
import { SAMPLE_ITEM_IDS } from '../input/execution-input.js';
import type { ResolvedPipeline } from '../model/index.js';
import type { RenderedFile } from './render-stage-files.js';
import { readTemplate } from './template-files.js';
import { KIND_FACTS } from '../model/stage-kinds.js';
import { RAW_DATA_DIR } from '../model/repo-layout.js';

/** Where the sample lives in a generated repo (the local twin of the bucket's `data/raw/` prefix). */
export const SAMPLE_DATA_PATH = `${RAW_DATA_DIR}/pre_processing_input.csv`;

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
  const trains = pipeline.stages.some((s) => KIND_FACTS[s.kind].producesModel);
  const content = trains ? LABELLED_CSV : SAMPLE_CSV;
  if (!pipeline.fanOut) return [{ path: SAMPLE_DATA_PATH, content }];
  // A fan-out: each sample item reads its own raw data under data/raw/<id>/. Unlabelled records are dealt
  // out so that every item has different data; a training set stays whole, large enough to learn from.
  const [header, ...rows] = content.trimEnd().split('\n');
  // Listed from the raw-data prefix, every object is one item: one file per item, named after it.
  const perObject = pipeline.fanOut.itemsFrom === 's3-prefix';
  const files = SAMPLE_ITEM_IDS.map((id, i) => ({
    path: perObject ? `${RAW_DATA_DIR}/${id}.csv` : `${RAW_DATA_DIR}/${id}/${SAMPLE_FILE_NAME}`,
    content: trains ? content : `${[header, ...rows.filter((_, r) => r % SAMPLE_ITEM_IDS.length === i)].join('\n')}\n`,
  }));
  if (pipeline.fanOut.itemsFrom === 's3') files.push({ path: SAMPLE_ITEMS_PATH, content: `${JSON.stringify(SAMPLE_ITEM_IDS.map((id) => ({ id })), null, 2)}\n` });
  return files;
}

const SAMPLE_FILE_NAME = 'pre_processing_input.csv';
/** A fan-out from S3: the items file the local runner copies to `s3://<itemsBucket>/<itemsKey>` when it is absent. */
export const SAMPLE_ITEMS_PATH = 'data/items.json';
