export * from './legacy-mlops-project.js';
export * from './synthesize.js';
