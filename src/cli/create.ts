#!/usr/bin/env node
/**
 * The `create-legacy-mlops` bin. It checks the Node.js version before loading
 * anything that needs a newer one (yeoman, execa), then hands over; on an older Node it runs again on Node 24.
 */
import { nodeVersionProblem } from './node-version.js';

const tooOld = nodeVersionProblem();
if (tooOld) {
  const { rerunOnNewerNode } = await import('./rerun-on-node.js');
  process.exitCode = await rerunOnNewerNode('create-legacy-mlops', tooOld);
} else {
  const { runCreate } = await import('../create/cli.js');
  process.exitCode = await runCreate(process.argv.slice(2));
}
