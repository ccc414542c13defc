/**
 * S3 locations as ASL expressions. Run outputs are keyed by the execution name,
 * so runs never overwrite each other and a stage's input is the very expression
 * its source stage wrote to (the stage graph is baked in, the bucket is not).
 */
import type { ResolvedPipeline } from '../model/types.js';
import { INPUT, ITEM_INPUT, modelArtifactsPath } from './input-paths.js';
import { KIND_FACTS } from '../model/stage-kinds.js';

/** Which run layout: a fan-out keys every item's outputs by its id too. */
type Layout = Pick<ResolvedPipeline, 'fanOut'>;

/** `<runsUri><execution name>/<stage>/<output>/`, or with a fan-out `<runsUri><execution name>/<item id>/<stage>/<output>/`. */
export function runOutputUri(stageName: string, outputName: string, layout: Layout = {}): string {
  if (layout.fanOut) return `States.Format('{}{}/{}/${stageName}/${outputName}/', ${INPUT.runsUri}, ${ITEM_INPUT.executionName}, ${ITEM_INPUT.itemId})`;
  return `States.Format('{}{}/${stageName}/${outputName}/', ${INPUT.runsUri}, $$.Execution.Name)`;
}

/** `<codeUri><stage>/`: where a script-mode stage's code is uploaded. */
export function stageCodeUri(stageName: string): string {
  return `States.Format('{}${stageName}/', ${INPUT.codeUri})`;
}

/**
 * The S3 URI expression of an input's source: `raw`, `<stage>/<output>`, or a training stage's
 * model, whose location is read from the training Task's result (SageMaker names the artifact
 * after the job, `<output path><job name>/output/model.tar.gz`; it is never guessed).
 */
export function inputSourceUri(from: string, pipeline: Pick<ResolvedPipeline, 'stages' | 'fanOut'>): { key: string; value: string } {
  if (from === 'raw') return { key: 'S3Uri.$', value: INPUT.rawDataUri };
  const [stageName, outputName] = from.split('/');
  const source = pipeline.stages.find((s) => s.name === stageName);
  if (source && KIND_FACTS[source.kind].producesModel) return { key: 'S3Uri.$', value: modelArtifactsPath(stageName) };
  return { key: 'S3Uri.$', value: runOutputUri(stageName, outputName, pipeline) };
}

/** Bucket and key of a file in a stage's run output, for `aws-sdk:s3:getObject` (which takes them apart). */
export function runOutputObject(stageName: string, outputName: string, file: string, layout: Layout = {}): { 'Bucket.$': string; 'Key.$': string } {
  if (layout.fanOut) {
    return {
      'Bucket.$': INPUT.runsBucket,
      'Key.$': `States.Format('{}{}/{}/${stageName}/${outputName}/${file}', ${INPUT.runsKeyPrefix}, ${ITEM_INPUT.executionName}, ${ITEM_INPUT.itemId})`,
    };
  }
  return {
    'Bucket.$': INPUT.runsBucket,
    'Key.$': `States.Format('{}{}/${stageName}/${outputName}/${file}', ${INPUT.runsKeyPrefix}, $$.Execution.Name)`,
  };
}
