/**
 * How an invalid model ends `npx projen`: the list of problems and exit 1. Left to Node, an uncaught
 * error is printed with the source line it was thrown from, and under tsx (which runs `.projenrc.ts`
 * and loads this package through esbuild with whitespace removed) that line is the whole module:
 * kilobytes of code in front of the problems.
 */
import { inspect } from 'node:util';
import { PipelineValidationError } from '../model/errors.js';
import { SynthesisRefusedError } from './symlink-guard.js';

let installed = false;

/**
 * Makes an uncaught {@link PipelineValidationError} (or {@link SynthesisRefusedError}) print as its message only. Installed when one is
 * thrown, so a caller that catches it (a test, the scaffolder) sees no difference. Any other uncaught
 * error still prints in full (a listener replaces Node's own printing for all of them).
 */
export function printModelErrorsPlainly(): void {
  if (installed) return;
  installed = true;
  process.on('uncaughtException', (error: unknown) => {
    const plain = error instanceof PipelineValidationError || error instanceof SynthesisRefusedError;
    process.stderr.write(plain ? `${error.message}\n` : `${inspect(error)}\n`);
    process.exit(1);
  });
}
