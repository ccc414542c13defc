/**
 * A Lambda function's code from one of this package's modules, bundled at synth time with esbuild
 * into a single ES module (`index.mjs`). The AWS SDK v3 clients stay external: the Node.js Lambda
 * runtimes provide them. The bundle is written to a folder named by its content hash, so synthesizing
 * twice gives the same asset and nothing accumulates per synth.
 *
 * Why not NodejsFunction: it looks for a lockfile and the entry from the user's project and falls
 * back to Docker; the entry here is inside this package, as `.js` when installed and `.ts` when run
 * from the sources (tests, tsx), which esbuild bundles alike.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';

/** The Lambda runtime the bundles target (its AWS SDK v3 is the one they use). */
export const FUNCTION_NODE_TARGET = 'node22';

/** `<module>.js` next to the compiled package, or `<module>.ts` in the sources. */
export function packageModulePath(relativeToThisFolder: string): string {
  const base = fileURLToPath(new URL(relativeToThisFolder, import.meta.url));
  for (const candidate of [`${base}.js`, `${base}.ts`]) if (existsSync(candidate)) return candidate;
  throw new Error(`the function code ${base}.js is missing from the legacy-mlops package: reinstall it`);
}

/** Bundles `entry` and returns the folder holding `index.mjs` (its handler is `index.<export>`). */
export function bundleFunction(entry: string): string {
  const result = buildSync({
    entryPoints: [entry],
    bundle: true,
    write: false,
    platform: 'node',
    format: 'esm',
    target: FUNCTION_NODE_TARGET,
    external: ['@aws-sdk/*'],
    legalComments: 'none',
    logLevel: 'silent',
  });
  const code = result.outputFiles[0].contents;
  const hash = createHash('sha256').update(code).digest('hex').slice(0, 16);
  const dir = join(tmpdir(), 'legacy-mlops-functions', hash);
  if (!existsSync(join(dir, 'index.mjs'))) {
    mkdirSync(dir, { recursive: true });
    // Write then rename: a concurrent synth never sees half a file.
    const partial = join(dir, `index.mjs.${process.pid}.partial`);
    writeFileSync(partial, code);
    renameSync(partial, join(dir, 'index.mjs'));
  }
  return dir;
}
