/**
 * Where each run-specific value lives in the execution input: the one contract
 * shared by the ASL (which reads it), the sample input and its schema (which write it),
 * and the local runner. JSONPath keys avoid hyphens, so stage keys use underscores.
 */
export const INPUT = {
  roleArn: '$.roleArn',
  rawDataUri: '$.rawDataUri',
  codeUri: '$.codeUri',
  runsUri: '$.runsUri',
} as const;

/** Key of a stage under `stages` in the execution input (stage names never contain `_`, so this is reversible). */
export function stageInputKey(stageName: string): string {
  return stageName.replace(/-/g, '_');
}

/** Per-stage settings read from `$.stages.<key>`. */
export const STAGE_SETTINGS = ['imageUri', 'instanceType', 'instanceCount', 'volumeSizeInGB', 'maxRuntimeInSeconds'] as const;
export type StageSetting = (typeof STAGE_SETTINGS)[number];

export function stageSettingPath(stageName: string, setting: StageSetting): string {
  return `$.stages.${stageInputKey(stageName)}.${setting}`;
}

/** Where a task's trimmed result lands in the state data. */
export function stageResultPath(stageName: string): string {
  return `$.results.${stageInputKey(stageName)}`;
}

/** Where a caught error lands before the Fail state reads it. */
export const ERROR_PATH = '$.error';
