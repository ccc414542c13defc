export * from './model/index.js';
export * from './asl/index.js';
export * from './input/index.js';
