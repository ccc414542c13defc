/**
 * The generated repository's file layout: where each managed file, the user's code and data, and the
 * local runner's state live. Everyone who reads or writes a generated repo names paths from here.
 * Repo-relative POSIX paths.
 */

/** User code: one folder per stage with code. */
export const STAGES_DIR = 'stages';
/** Sample raw data: the local twin of the bucket's `data/raw/` prefix. */
export const RAW_DATA_DIR = 'data/raw';
/** The local runner's state (git-ignored): runs, environments, the emulated bucket and registry. */
export const LOCAL_DIR = '.local';
export const LOCAL_RUNS_DIR = `${LOCAL_DIR}/runs`;
export const LOCAL_ENVS_DIR = `${LOCAL_DIR}/envs`;
/** The emulated CloudWatch metrics: `<namespace>/<metric>.jsonl`, one datapoint a line, kept across runs. */
export const LOCAL_METRICS_DIR = `${LOCAL_DIR}/metrics`;

/** Managed files that other tools read: the contract of the generated repo. */
export const PIPELINE_FILES = {
  stateMachine: 'pipeline/state-machine.asl.json',
  executionInput: 'pipeline/execution-input.json',
  executionInputSchema: 'pipeline/execution-input.schema.json',
  /** The resolved model of every environment, read by the CDK app, `start`, `approve` and `validate`. */
  pipelineModel: 'pipeline/pipeline-model.json',
  stateMachineRolePolicy: 'pipeline/iam/state-machine-role-policy.json',
  stateMachineRoleTrust: 'pipeline/iam/state-machine-role-trust.json',
  sageMakerExecutionRolePolicy: 'pipeline/iam/sagemaker-execution-role-policy.json',
  sageMakerExecutionRoleTrust: 'pipeline/iam/sagemaker-execution-role-trust.json',
  readme: 'README.md',
} as const;

/** Managed files that only some pipelines have. */
export const OPTIONAL_PIPELINE_FILES = {
  /** Only with an approval stage: for the people who run `legacy-mlops approve`. */
  approverPolicy: 'pipeline/iam/approver-policy.json',
} as const;

/** Read by LegacyMlopsProject: synthesize into this folder instead (how `legacy-mlops validate` checks for drift). */
export const SYNTH_OUTDIR_VARIABLE = 'LEGACY_MLOPS_SYNTH_OUTDIR';

/** `stages/<stage>`: a stage's code folder. */
export function stageDir(stage: string): string {
  return `${STAGES_DIR}/${stage}`;
}

/** `.local/runs/<execution>`: a local run's report and jobs (also where `start` writes a cloud run's report). */
export function localRunDir(execution: string): string {
  return `${LOCAL_RUNS_DIR}/${execution}`;
}
