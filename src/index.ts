export * from './model/index.js';
export * from './asl/index.js';
export * from './input/index.js';
export * from './iam/index.js';
export * from './stages/index.js';
export * from './project/index.js';
export { packageInfo, templatesDir } from './package-info.js';
export * from './construct/index.js';
