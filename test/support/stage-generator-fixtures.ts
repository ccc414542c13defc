/**
 * Generated repos for the stage generator's tests: `.projenrc.ts` rendered by the scaffolder and the
 * project synthesized in-process, optionally with node_modules linked to this checkout's so that
 * `npx projen` runs there without installing; hashes of every file to prove a run changed nothing.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderProjenrc, type ProjectDefinition } from '../../src/create/projenrc.js';
import { defaultStages } from '../../src/create/stage-catalog.js';
import { synthesizeProject } from '../../src/project/synthesize.js';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const STAGE_GENERATOR = path.join(REPO_ROOT, 'generators/stage/index.ts');
export const PYTHON = process.env.LEGACY_MLOPS_PYTHON ?? '/usr/bin/python3';

export const DEMO: ProjectDefinition = { pipeline: { name: 'demo', region: 'eu-west-1', account: '111122223333', stages: defaultStages() } };

/** A user's comment in `.projenrc.ts`, which every edit must keep. */
export const USER_COMMENT = '// the legacy model lives here; ask Dana before changing it';

/** A generated repo in a new temp folder, with a comment of the user's own in the stages list. */
export function makeRepo(definition: ProjectDefinition = DEMO, projenrc = renderProjenrc(definition).replace("name: 'predict',", `name: 'predict', ${USER_COMMENT}`)): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lmo-stage-'));
  fs.writeFileSync(path.join(dir, '.projenrc.ts'), projenrc);
  synthesizeProject({ ...definition.pipeline, ...(definition.legacyMlopsVersion ? { legacyMlopsVersion: definition.legacyMlopsVersion } : {}) }, dir);
  return dir;
}

/** sha256 of every file under `dir` (symlinks by their target, node_modules by its links only). */
export function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (folder: string, prefix: string) => {
    for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
      const rel = `${prefix}${entry.name}`;
      const full = path.join(folder, entry.name);
      if (entry.isSymbolicLink()) out[rel] = `-> ${fs.readlinkSync(full)}`;
      else if (entry.isDirectory()) {
        out[`${rel}/`] = 'dir';
        walk(full, `${rel}/`);
      } else out[rel] = createHash('sha256').update(fs.readFileSync(full)).digest('hex');
    }
  };
  walk(dir, '');
  return out;
}

/** Lines added and removed between two texts (a line multiset diff: enough to prove an edit only adds). */
export function lineDiff(before: string, after: string): { added: string[]; removed: string[] } {
  const count = (text: string) => text.split('\n').reduce((m, l) => m.set(l, (m.get(l) ?? 0) + 1), new Map<string, number>());
  const [a, b] = [count(before), count(after)];
  const added = [...b].flatMap(([l, n]) => Array<string>(Math.max(0, n - (a.get(l) ?? 0))).fill(l));
  const removed = [...a].flatMap(([l, n]) => Array<string>(Math.max(0, n - (b.get(l) ?? 0))).fill(l));
  return { added, removed };
}

/**
 * `after` as `before` with one piece of text inserted: that text and the line it starts on, or
 * undefined when anything of `before` was changed or removed.
 */
export function insertionOf(before: string, after: string): { text: string; line: number } | undefined {
  let start = 0;
  while (start < before.length && before[start] === after[start]) start++;
  let end = 0;
  while (end < before.length - start && before[before.length - 1 - end] === after[after.length - 1 - end]) end++;
  if (start + end !== before.length) return undefined;
  return { text: after.slice(start, after.length - end), line: before.slice(0, start).split('\n').length };
}

export function readJson(file: string): any {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/** The stage states of the state machine in execution order (following Next from StartAt). */
export function taskOrder(dir: string): string[] {
  const asl = readJson(path.join(dir, 'pipeline/state-machine.asl.json'));
  const order: string[] = [];
  for (let name: string | undefined = asl.StartAt; name; ) {
    const state = asl.States[name];
    if (state.Type === 'Task') order.push(name);
    name = state.Next ?? state.Default;
    if (order.length > 50) throw new Error('state machine loops');
  }
  return order;
}

/** Whether an IAM resource pattern (`*`, `?`) matches an ARN. */
export function arnMatches(pattern: string, arn: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  return re.test(arn);
}

/** The state machine role may create, describe and stop a processing job of this name. */
export function roleCoversJob(dir: string, jobName: string): boolean {
  const policy = readJson(path.join(dir, 'pipeline/iam/state-machine-role-policy.json'));
  const arn = `arn:aws:sagemaker:eu-west-1:111122223333:processing-job/${jobName}`;
  const needed = ['sagemaker:CreateProcessingJob', 'sagemaker:DescribeProcessingJob', 'sagemaker:StopProcessingJob'];
  return needed.every((action) =>
    (policy.Statement as { Effect: string; Action: string | string[]; Resource: string | string[] }[]).some(
      (s) => s.Effect === 'Allow' && [s.Action].flat().includes(action) && [s.Resource].flat().some((r) => arnMatches(r, arn)),
    ),
  );
}

/** Packages a generated repo resolves from this checkout's node_modules (what `npx projen` loads). */
const LINKED = ['projen', 'tsx', 'typescript', 'constructs', 'aws-cdk-lib', 'aws-cdk', 'cdk-nag', 'esbuild', '@types/node'];

/**
 * Makes `npx projen` work in a generated repo without installing: node_modules entries link to this
 * checkout's, `generator-legacy-mlops` to `packageDir` (a built copy of this package). package.json
 * gets the versions projen writes once it resolved its `*` dependencies after an install, so projen
 * sees nothing to install (ts-node, which nothing here needs, gets a stand-in manifest).
 */
export function linkDependencies(dir: string, packageDir: string): void {
  const modules = path.join(dir, 'node_modules');
  fs.mkdirSync(path.join(modules, '.bin'), { recursive: true });
  fs.mkdirSync(path.join(modules, '@types'), { recursive: true });
  fs.symlinkSync(packageDir, path.join(modules, 'generator-legacy-mlops'));
  for (const name of LINKED) fs.symlinkSync(path.join(REPO_ROOT, 'node_modules', name), path.join(modules, name));
  fs.mkdirSync(path.join(modules, 'ts-node'));
  fs.writeFileSync(path.join(modules, 'ts-node/package.json'), JSON.stringify({ name: 'ts-node', version: '10.9.2' }));
  fs.symlinkSync('../projen/bin/projen', path.join(modules, '.bin/projen'));
  fs.symlinkSync('../tsx/dist/cli.mjs', path.join(modules, '.bin/tsx'));

  const file = path.join(dir, 'package.json');
  const pkg = readJson(file);
  for (const field of ['dependencies', 'devDependencies']) {
    for (const [name, spec] of Object.entries(pkg[field] ?? {})) {
      if (spec !== '*') continue;
      pkg[field][name] = `^${readJson(path.join(modules, name, 'package.json')).version}`;
    }
  }
  const mode = fs.statSync(file).mode;
  fs.chmodSync(file, 0o644);
  fs.writeFileSync(file, `${JSON.stringify(pkg, null, 2)}\n`);
  fs.chmodSync(file, mode);
}

/**
 * A folder on PATH whose `npm` refuses to run: projen's install step must not happen in these tests
 * (it would reach the registry and rewrite the linked node_modules).
 */
export function npmGuard(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lmo-npm-guard-'));
  fs.writeFileSync(path.join(dir, 'npm'), '#!/bin/sh\necho "npm $* is blocked in this test" >&2\nexit 97\n', { mode: 0o755 });
  return dir;
}
