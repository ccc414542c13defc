/**
 * S3 locations as ASL expressions. Run outputs are keyed by the execution name,
 * so runs never overwrite each other and a stage's input is the very expression
 * its source stage wrote to (the stage graph is baked in, the bucket is not).
 */
import { INPUT } from './input-paths.js';

/** `<runsUri><execution name>/<stage>/<output>/` */
export function runOutputUri(stageName: string, outputName: string): string {
  return `States.Format('{}{}/${stageName}/${outputName}/', ${INPUT.runsUri}, $$.Execution.Name)`;
}

/** `<codeUri><stage>/`: where a script-mode stage's code is uploaded. */
export function stageCodeUri(stageName: string): string {
  return `States.Format('{}${stageName}/', ${INPUT.codeUri})`;
}

/** The S3 URI expression of an input's source: `raw` or `<stage>/<output>`. */
export function inputSourceUri(from: string): { key: string; value: string } {
  if (from === 'raw') return { key: 'S3Uri.$', value: INPUT.rawDataUri };
  const [stageName, outputName] = from.split('/');
  return { key: 'S3Uri.$', value: runOutputUri(stageName, outputName) };
}
