/// <reference path="./asl-validator.d.ts" />
/** The Amazon States Language itself (schema, paths, intrinsics, ARN syntax, reachability), checked by asl-validator. */
import validator from 'asl-validator';
import type { Finding } from './types.js';

export const ASL_SCHEMA_CHECK = 'asl-validator';

export function checkAslSchema(definition: unknown): Finding[] {
  // asl-validator writes default QueryLanguage fields into what it is given: hand it a copy.
  const result = validator(structuredClone(definition), { checkPaths: true, checkArn: true });
  if (result.isValid) return [];
  return result.errors.map((error) => ({
    check: ASL_SCHEMA_CHECK,
    location: error.schemaError?.instancePath || 'definition',
    message: `${error['Error code']}: ${error.Message}`,
  }));
}
