export * from './paths.js';
export * from './legacy-mlops-project.js';
export * from './synthesize.js';
