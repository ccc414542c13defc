/** Paths in a generated repo that other tools read: the contract of the managed files. */
export const PIPELINE_FILES = {
  stateMachine: 'pipeline/state-machine.asl.json',
  executionInput: 'pipeline/execution-input.json',
  executionInputSchema: 'pipeline/execution-input.schema.json',
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
