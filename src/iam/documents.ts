/** `buildIamDocuments`: the ASL and its pipeline → the four IAM documents under `pipeline/iam/`. Pure. */
import type { StateMachineDefinition } from '../asl/types.js';
import type { ResolvedPipeline } from '../model/types.js';
import { coarsenJobResources, coarsenS3, commonPattern } from './compaction.js';
import { policyDocument } from './policy-document.js';
import { DEFAULT_SAMPLES } from './required-calls.js';
import { POLICY_SIZE_MAX, TRUST_POLICY_SIZE_MAX, checkSize, policySize } from './size-limits.js';
import { stateMachineFeaturePermissions } from './state-machine-features.js';
import { taskPermissions } from './task-permissions.js';
import { sageMakerExecutionRoleTrust, stateMachineRoleTrust } from './trust-policy.js';
import type { IamDocuments, Permission, PolicyDocument } from './types.js';

/**
 * The same documents whether the roles are created or brought by the user: in bring-your-own-role
 * mode only the role ARNs (the PassRole target) are the user's, and an administrator attaches these.
 */
export function buildIamDocuments(definition: StateMachineDefinition, pipeline: ResolvedPipeline): IamDocuments {
  const tasks = taskPermissions(definition, pipeline, DEFAULT_SAMPLES);
  const sourceArns = [...new Set(tasks.flatMap((t) => t.executionRoleSourceArns))];
  return {
    stateMachineRolePolicy: stateMachineRolePolicy([...tasks.flatMap((t) => t.stateMachineRole), ...stateMachineFeaturePermissions()]),
    stateMachineRoleTrust: stateMachineRoleTrust(pipeline),
    sageMakerExecutionRolePolicy: executionRolePolicy(
      tasks.flatMap((t) => t.sageMakerExecutionRole),
      pipeline,
    ),
    sageMakerExecutionRoleTrust: executionRoleTrust(pipeline, sourceArns),
  };
}

/** Exact per-stage job patterns; one project-wide job pattern only if the exact policy is over IAM's size quota. */
function stateMachineRolePolicy(permissions: Permission[]): PolicyDocument {
  const what = 'The state machine role policy';
  const exact = policyDocument(permissions, what);
  if (policySize(exact) <= POLICY_SIZE_MAX) return exact;
  const coarse = { ...exact, Statement: exact.Statement.map((st) => ({ ...st, Resource: coarsenJobResources(st.Resource) })) };
  return checkSize(coarse, POLICY_SIZE_MAX, what);
}

/** Exact per-input and per-output S3 scopes; layout-level scopes only if the exact policy is over IAM's size quota. */
function executionRolePolicy(permissions: Permission[], pipeline: ResolvedPipeline): PolicyDocument {
  const what = 'The SageMaker execution role policy';
  const exact = policyDocument(permissions, what);
  if (policySize(exact) <= POLICY_SIZE_MAX) return exact;
  return checkSize(policyDocument(permissions.map((p) => coarsenS3(p, pipeline)), what), POLICY_SIZE_MAX, what);
}

/** One `aws:SourceArn` pattern per job prefix; their common prefix only if the list is over the trust policy quota. */
function executionRoleTrust(pipeline: ResolvedPipeline, sourceArns: string[]) {
  const what = 'The SageMaker execution role trust policy';
  const exact = sageMakerExecutionRoleTrust(pipeline, sourceArns);
  if (policySize(exact) <= TRUST_POLICY_SIZE_MAX) return exact;
  return checkSize(sageMakerExecutionRoleTrust(pipeline, [commonPattern(sourceArns)]), TRUST_POLICY_SIZE_MAX, what);
}
