/**
 * `legacy-mlops demo [directory]`: the whole product in one command, with no AWS account —
 * scaffold the sample pipeline (as `create-legacy-mlops --yes` would) and run it locally.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { runCreate } from '../create/cli.js';
import type { LocalRunReport } from '../local/report.js';
import { REPORT_PAGE_FILE } from '../report/local-record.js';
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
  // No next steps: they start with `npm install` in the project, which the demo neither needs nor can do
  // before generator-legacy-mlops is on the registry; the pipeline run follows right here.
  const created = await runCreate([dir, '--yes', '--skip-install', '--no-git', '--region', region, '--account', '111122223333'], cwd, undefined, { nextSteps: false });
  if (created !== 0) return created;
  // Each stage gets a Python environment like its image (pandas, scikit-learn, …), built from python3 on the first run.
  console.log(`\nRunning ${dir}'s pipeline locally:\n`);
  let report: LocalRunReport | undefined;
  const code = await runLocal(rest, target, (finished) => (report = finished));
  for (const line of demoEnding(cwd, target, report)) console.log(line);
  return code;
}

/**
 * The runner names its files from the project's folder; the user stands in `cwd`, so say where they are from there.
 */
export function demoEnding(cwd: string, target: string, report: LocalRunReport | undefined): string[] {
  const show = (path: string) => relative(cwd, path) || '.';
  if (report?.status !== 'SUCCEEDED') return ['', `The paths above are inside ${show(target)}.`];
  const outputs = report.states.flatMap((state) => state.jobs.flatMap((job) => job.outputs));
  const last = outputs[outputs.length - 1]?.localPath;
  const files = last && existsSync(last) ? readdirSync(last).filter((name) => statSync(join(last, name)).isFile()) : [];
  return [
    '',
    'Demo done. From this folder:',
    ...(last ? (files.length > 0 && files.length <= 3 ? files.map((file) => `  final output: ${show(join(last, file))}`) : [`  final output: ${show(last)}`]) : []),
    `  report page:  ${show(join(report.runDir, REPORT_PAGE_FILE))} (open it in a browser)`,
    `  the project:  ${show(target)} (.projenrc.ts, stages/, pipeline/, README.md); your own: npx create-legacy-mlops <name>`,
  ];
}
