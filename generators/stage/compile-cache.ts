/**
 * Node.js's on-disk compile cache (`module.enableCompileCache`, Node.js ≥ 22.1), switched on before the
 * generator's CommonJS dependencies are compiled: TypeScript (9 MB, for reading and editing
 * `.projenrc.ts`) and everything the in-process synthesis loads (projen, constructs, the project type)
 * then compile once per machine and user instead of once per run, as TypeScript's own `tsc` does for
 * itself. Imported first by the generator; it changes nothing but speed, and
 * NODE_DISABLE_COMPILE_CACHE=1 turns it off. Under a test runner's module shim without it, nothing.
 */
import * as nodeModule from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';

interface CompileCacheApi {
  enableCompileCache?: (dir?: string) => { status: number } | undefined;
  getCompileCacheDir?: () => string | undefined;
  constants?: { compileCacheStatus?: { FAILED: number } };
}
const api = nodeModule as unknown as CompileCacheApi;
if (api.getCompileCacheDir?.() === undefined) {
  const first = api.enableCompileCache?.();
  // Node.js's default folder is shared by every user of the machine: one created by another user is not writable.
  if (first && first.status === api.constants?.compileCacheStatus?.FAILED) api.enableCompileCache?.(path.join(os.tmpdir(), `node-compile-cache-${process.getuid?.() ?? 'user'}`));
}
