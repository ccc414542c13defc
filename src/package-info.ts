/**
 * This package's root, name and version, found by walking up from this module:
 * the same code runs from `src/` (tsx, ts-jest) and from `lib/src/` (published), at different depths.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PACKAGE_NAME = 'generator-legacy-mlops';

/**
 * What a generated `.projenrc.ts` imports the project type from: the package's `./project` export, which
 * loads what synthesis needs and not the CDK construct (aws-cdk-lib) that the root export also carries.
 * Repositories made before it import the root, which keeps exporting the project type.
 */
export const PROJECT_TYPE_IMPORT = `${PACKAGE_NAME}/project`;

/** Every import path a `.projenrc.ts` may take the project type from. */
export const PROJECT_TYPE_IMPORTS: readonly string[] = [PROJECT_TYPE_IMPORT, PACKAGE_NAME];

export interface PackageInfo {
  readonly root: string;
  readonly name: string;
  readonly version: string;
}

let cached: PackageInfo | undefined;

export function packageInfo(): PackageInfo {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === PACKAGE_NAME) return (cached = { root: dir, name: pkg.name, version: pkg.version ?? '0.0.0' });
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find the ${PACKAGE_NAME} package.json above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

/** The `templates/` folder shipped at the package root. */
export function templatesDir(): string {
  return join(packageInfo().root, 'templates');
}
