/**
 * The option names projen's `AwsCdkTypeScriptApp` takes, read from projen's own jsii assembly (the
 * type information projen ships), so that a `.projenrc.ts` key that is neither a pipeline option nor
 * a projen option is reported instead of silently ignored, whatever projen version is installed.
 */
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import type { ShapeCheckOptions } from '../model/options-schema.js';

interface JsiiType {
  readonly interfaces?: readonly string[];
  readonly properties?: readonly { readonly name: string }[];
}

const ROOT_TYPE = 'projen.awscdk.AwsCdkTypeScriptAppOptions';

/** The project type's own option beside the pipeline's. */
const OWN_KEYS = ['legacyMlopsVersion'];

/** Keys allowed without reading projen's assembly: create's and the tests' in-process synthesis passes `outdir`. */
export const COMMON_PROJECT_KEYS: readonly string[] = ['outdir', ...OWN_KEYS];
let cached: readonly string[] | undefined;

/**
 * What a `.projenrc.ts` may declare beside the pipeline options: projen's options and the project type's own.
 * A getter: projen's assembly is 3 MB of JSON, read only when a `.projenrc.ts` declares a key that is not a pipeline option.
 */
export function projectOptionShape(): ShapeCheckOptions {
  return {
    get extraTopLevelKeys() {
      return [...projenOptionKeys(), ...OWN_KEYS];
    },
    commonTopLevelKeys: COMMON_PROJECT_KEYS,
  };
}

/** Every property of projen's AwsCdkTypeScriptAppOptions and the interfaces it extends. */
export function projenOptionKeys(): readonly string[] {
  if (cached) return cached;
  const assemblyFile = createRequire(import.meta.url).resolve('projen/.jsii');
  const types = (JSON.parse(fs.readFileSync(assemblyFile, 'utf8')) as { types: Record<string, JsiiType> }).types;
  const keys = new Set<string>();
  const visit = (fqn: string) => {
    const type = types[fqn];
    if (!type) return;
    for (const property of type.properties ?? []) keys.add(property.name);
    for (const parent of type.interfaces ?? []) visit(parent);
  };
  visit(ROOT_TYPE);
  if (keys.size === 0) throw new Error(`projen's assembly (${assemblyFile}) has no ${ROOT_TYPE}; legacy-mlops needs a projen release that ships it`);
  cached = [...keys].sort();
  return cached;
}
