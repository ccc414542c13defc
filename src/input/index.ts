export * from './execution-input.js';
