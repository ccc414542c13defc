export { runPipelineLocally, type LocalRunOptions } from './run-pipeline.js';
export { parseLocalArgs, LOCAL_USAGE, type LocalCommandOptions } from './cli-options.js';
export { LocalRunRefused } from './errors.js';
export { TASK_EMULATORS, assignEmulators, emulatorFor, taskStatesOf } from './emulators/registry.js';
export type { TaskEmulator, TaskStateRef, PreparedTask, TaskHandler } from './emulators/types.js';
export { BACKEND_NAMES, type BackendName, type IsolationBackend } from './backends/types.js';
export { LocalS3 } from './local-s3.js';
export { venvCacheKey, listsRequirements } from './python-env.js';
export type { LocalRunReport, StateRecord, JobRecord, ExecutionStatus } from './report.js';
