export * from './types.js';
export * from './documents.js';
export * from './required-calls.js';
export { TASK_INTEGRATIONS, integrationFor, type TaskIntegration } from './integrations.js';
export { UUID_WILDCARD, jobNamePrefixOf } from './job-name.js';
export { POLICY_SIZE_MAX, TRUST_POLICY_SIZE_MAX } from './size-limits.js';
export * from './approver-policy.js';
export * from './start-caller-policy.js';
export * from './registry-resume-policy.js';
