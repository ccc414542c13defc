export * from './types.js';
export * from './input-paths.js';
export * from './s3-locations.js';
export * from './processing-task.js';
export * from './state-machine.js';
