/**
 * Locates the package's `templates/` folder and reads template text from it.
 *
 * The folder sits at the package root, next to `src/` (run from source) and
 * `lib/` (the published package, where this module is `lib/src/stages/`), so
 * it is found by walking up from this module's own file.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A file inside the templates folder that proves we found the right one. */
const MARKER = join('stages', 'python', 'stage.py.ejs');
/** src/stages → root is 2 levels up; lib/src/stages → 3. One spare level. */
const MAX_LEVELS_UP = 4;

export function findTemplatesRoot(moduleUrl: string = import.meta.url): string {
  let dir = dirname(fileURLToPath(moduleUrl));
  for (let level = 0; level <= MAX_LEVELS_UP; level++) {
    const candidate = join(dir, 'templates');
    if (existsSync(join(candidate, MARKER))) return candidate;
    dir = dirname(dir);
  }
  throw new Error(`legacy-mlops: cannot find its templates/ folder above ${fileURLToPath(moduleUrl)}; the package is incomplete`);
}

const TEMPLATES_ROOT = findTemplatesRoot();

/** Reads a template by its path relative to `templates/` (call at module load, not per render). */
export function readTemplate(relativePath: string): string {
  return readFileSync(join(TEMPLATES_ROOT, relativePath), 'utf8');
}
