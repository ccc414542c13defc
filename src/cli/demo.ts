/**
 * `legacy-mlops demo [directory]`: the whole product in one command, with no AWS account —
 * scaffold the sample pipeline (as `create-legacy-mlops --yes` would) and run it locally.
 */
import { existsSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { execa } from 'execa';
import { runCreate } from '../create/cli.js';
import { runLocal } from './local.js';

const DEFAULT_DIR = 'legacy-mlops-demo';

/** The sample stages use pandas: the first interpreter that has it (LEGACY_MLOPS_PYTHON first). */
export async function pythonWithPandas(candidates = [process.env.LEGACY_MLOPS_PYTHON, 'python3', '/usr/bin/python3']): Promise<string | undefined> {
  for (const python of candidates.filter((c): c is string => Boolean(c))) {
    const probe = await execa(python, ['-c', 'import pandas'], { reject: false, timeout: 20_000 });
    if (probe.exitCode === 0) return python;
  }
  return undefined;
}

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
  const python = await pythonWithPandas();
  if (!python) {
    console.error('legacy-mlops demo: the sample stages need Python 3 with pandas (apt-get install python3-pandas, or pip install pandas), or set LEGACY_MLOPS_PYTHON to such an interpreter');
    return 1;
  }
  const region = process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
  const created = await runCreate([dir, '--yes', '--skip-install', '--no-git', '--region', region, '--account', '111122223333'], cwd);
  if (created !== 0) return created;
  console.log(`\nRunning ${dir}'s pipeline locally with ${python}:\n`);
  return runLocal(['--python', python, ...rest], target);
}
