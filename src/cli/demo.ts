/**
 * `legacy-mlops demo [directory]`: the whole product in one command, with no AWS account —
 * scaffold the sample pipeline (as `create-legacy-mlops --yes` would) and run it locally.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmdirSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { runCreate } from '../create/cli.js';
import type { LocalRunReport } from '../local/report.js';
import { LOCAL_DIR, LOCAL_ENVS_DIR } from '../model/repo-layout.js';
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
  const envs = onlyEarlierEnvironments(target);
  if (!envs && existsSync(target) && readdirSync(target).length > 0) {
    console.error(`legacy-mlops demo: ${dir} already exists and is not empty; choose another directory or remove it`);
    return 1;
  }
  // An earlier demo's stage environments (`npm run demo` keeps them): aside while the project is created, then back,
  // where the run reuses each one whose content hash still matches.
  const aside = envs ? moveAside(envs, target) : undefined;
  const region = process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
  let created: number;
  try {
    // No next steps: they start with `npm install` in the project, which the demo neither needs nor can do
    // before generator-legacy-mlops is on the registry; the pipeline run follows right here.
    created = await runCreate([dir, '--yes', '--skip-install', '--no-git', '--region', region, '--account', '111122223333'], cwd, undefined, { nextSteps: false });
  } finally {
    if (aside) putBack(aside, target);
  }
  if (created !== 0) return created;
  // Each stage gets a Python environment like its image (pandas, scikit-learn, …), built from python3 on the first run.
  console.log(`\nRunning ${dir}'s pipeline locally:\n`);
  let report: LocalRunReport | undefined;
  const code = await runLocal(rest, target, (finished) => (report = finished));
  for (const line of demoEnding(cwd, target, report)) console.log(line);
  return code;
}

/** `target/.local/envs` when that is all the folder holds (what `npm run demo` leaves of the previous demo). */
function onlyEarlierEnvironments(target: string): string | undefined {
  const only = (dir: string, name: string) => existsSync(dir) && readdirSync(dir).join('/') === name;
  return only(target, LOCAL_DIR) && only(join(target, LOCAL_DIR), basename(LOCAL_ENVS_DIR)) ? join(target, LOCAL_ENVS_DIR) : undefined;
}

/** Renames the environments beside the target (same file system) and leaves the target absent for create. */
function moveAside(envs: string, target: string): string {
  const aside = join(mkdtempSync(join(dirname(target), `.${basename(target)}-envs-`)), 'envs');
  renameSync(envs, aside);
  rmdirSync(join(target, LOCAL_DIR));
  rmdirSync(target);
  return aside;
}

/** Back into the new project, or into an otherwise empty target when create failed: nothing built is lost. */
function putBack(aside: string, target: string): void {
  const envs = join(target, LOCAL_ENVS_DIR);
  if (existsSync(envs)) return;
  mkdirSync(dirname(envs), { recursive: true });
  renameSync(aside, envs);
  rmdirSync(dirname(aside));
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
