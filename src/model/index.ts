export * from './types.js';
export * from './errors.js';
export * from './defaults.js';
export * from './rules.js';
export * from './framework-images.js';
export * from './resolve.js';
export * from './warnings.js';
export * from './options-schema.js';
