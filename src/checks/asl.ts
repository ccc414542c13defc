/** Both ASL checks: the language (asl-validator) and legacy-mlops' own structural rules. */
import { checkAslRules } from './asl-rules.js';
import { checkAslSchema } from './asl-schema.js';
import type { Finding } from './types.js';

export function checkAsl(definition: unknown): Finding[] {
  return [...checkAslSchema(definition), ...checkAslRules(definition)];
}
