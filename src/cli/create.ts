#!/usr/bin/env node
/**
 * The `create-legacy-mlops` bin. It checks the Node.js version before loading
 * anything that needs a newer one (yeoman, execa), then hands over.
 */
import { nodeVersionProblem } from './node-version.js';

const tooOld = nodeVersionProblem();
if (tooOld) {
  console.error(tooOld);
  process.exitCode = 1;
} else {
  const { runCreate } = await import('../create/cli.js');
  process.exitCode = await runCreate(process.argv.slice(2));
}
