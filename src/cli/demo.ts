/**
 * `legacy-mlops demo [directory]`: the whole product in one command, with no AWS account —
 * scaffold the sample pipeline (as `create-legacy-mlops --yes` would) and run it locally.
 */
import { existsSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { runCreate } from '../create/cli.js';
import { runLocal } from './local.js';

const DEFAULT_DIR = 'legacy-mlops-demo';

export async function runDemo(argv: string[], cwd: string): Promise<number> {
  const [dir = DEFAULT_DIR, ...rest] = argv;
  if (dir.startsWith('-')) {
    console.error('Usage: legacy-mlops demo [directory] [--backend bwrap|direct|docker]');
    return 1;
  }
  const target = resolve(cwd, dir);
  if (existsSync(target) && readdirSync(target).length > 0) {
    console.error(`legacy-mlops demo: ${dir} already exists and is not empty; choose another directory or remove it`);
    return 1;
  }
  const region = process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
  const created = await runCreate([dir, '--yes', '--skip-install', '--no-git', '--region', region, '--account', '111122223333'], cwd);
  if (created !== 0) return created;
  // Each stage gets a Python environment like its image (pandas, scikit-learn, …), built from python3 on the first run.
  console.log(`\nRunning ${dir}'s pipeline locally:\n`);
  return runLocal(rest, target);
}
