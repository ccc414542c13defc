/**
 * Shared by the deploy tests: a generated repo in a fresh folder, its CDK app built in-process
 * from `pipeline/pipeline-model.json` (as `src/main.ts` does), and template helpers.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, Validations, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { addPipelineStacks, readPipelineModel, type PipelineModelFile, type PipelineStack } from '../../src/construct/index.js';
import { synthesizeProject, type LegacyMlopsProjectOptions } from '../../src/project/index.js';

export const BASE_MODEL = { name: 'churn-model', region: 'eu-west-1', account: '111122223333' } as const;

const tempDirs: string[] = [];

export function tempDir(label: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `deploy-${label}-`));
  tempDirs.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of tempDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

/** Synthesizes a generated repo (no install) and returns its folder. */
export function generateRepo(label: string, options: Partial<LegacyMlopsProjectOptions> = {}): string {
  const outdir = tempDir(label);
  synthesizeProject({ ...BASE_MODEL, ...options } as LegacyMlopsProjectOptions, outdir);
  return outdir;
}

export function readJson<T = any>(dir: string, file: string): T {
  return JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as T;
}

export interface BuiltApp {
  readonly repo: string;
  readonly model: PipelineModelFile;
  readonly app: App;
  readonly stacks: PipelineStack[];
  readonly templates: Template[];
}

/** What the generated `src/main.ts` does, in-process, with assets staged in a fresh folder. */
export function buildApp(repo: string): BuiltApp {
  const model = readPipelineModel(repo);
  const app = new App({ outdir: tempDir('cdk-out') });
  const stacks = addPipelineStacks(app, model, repo);
  return { repo, model, app, stacks, templates: stacks.map(({ stack }) => Template.fromStack(stack)) };
}

export type Resources = Record<string, { Type: string; Properties?: any; [key: string]: unknown }>;

export function resourcesOf(template: Template): Resources {
  return template.toJSON().Resources as Resources;
}

export function resourcesOfType(template: Template, type: string): [string, any][] {
  return Object.entries(resourcesOf(template)).filter(([, r]) => r.Type === type);
}

/** Logical ids added, removed and changed from one template to another. */
export function diffResources(before: Template, after: Template) {
  const a = resourcesOf(before);
  const b = resourcesOf(after);
  const type = (r: Resources, id: string) => `${id} ${r[id].Type}`;
  return {
    added: Object.keys(b).filter((id) => !(id in a)).map((id) => type(b, id)).sort(),
    removed: Object.keys(a).filter((id) => !(id in b)).map((id) => type(a, id)).sort(),
    changed: Object.keys(a).filter((id) => id in b && JSON.stringify(a[id]) !== JSON.stringify(b[id])).map((id) => type(a, id)).sort(),
  };
}

/** Every IAM-style policy document in a template, with where it was found. */
export function policyDocuments(template: Template): { where: string; document: any }[] {
  const docs: { where: string; document: any }[] = [];
  for (const [id, r] of Object.entries(resourcesOf(template))) {
    const p = r.Properties ?? {};
    if (r.Type === 'AWS::IAM::Role') {
      docs.push({ where: `${id} trust`, document: p.AssumeRolePolicyDocument });
      for (const policy of p.Policies ?? []) docs.push({ where: `${id} ${policy.PolicyName}`, document: policy.PolicyDocument });
    }
    if (r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::S3::BucketPolicy' || r.Type === 'AWS::SNS::TopicPolicy') {
      docs.push({ where: id, document: p.PolicyDocument });
    }
    if (r.Type === 'AWS::KMS::Key') docs.push({ where: id, document: p.KeyPolicy });
  }
  return docs;
}

export function statementsOf(document: any): any[] {
  return Array.isArray(document.Statement) ? document.Statement : [document.Statement];
}

export function actionsOf(statement: any): string[] {
  return ([] as string[]).concat(statement.Action ?? []);
}

/** cdk-nag AwsSolutions findings of a stack, each as `<rule id> <construct path>`. */
export function nagFindings(stack: Stack): string[] {
  const report = new AwsSolutionsChecks(undefined, { verbose: true }).validateScope(stack);
  return report.violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} (${v.severity}) ${r.constructPath}: ${v.description}`));
}

/** Every acknowledgement recorded in a construct tree: rule id → reason. */
export function acknowledgements(stack: Stack): { path: string; id: string; reason: string }[] {
  return stack.node.findAll().flatMap((c) =>
    c.node.metadata
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) => Object.entries(m.data as Record<string, string>).map(([id, reason]) => ({ path: c.node.path, id: id.replace(/^annotation::/i, ''), reason }))),
  );
}

/*
 * A real `cdk synth`: the generated repo has no node_modules of its own, so its packages are linked
 * to this checkout's (generator-legacy-mlops resolves to src/ through a small package.json: tsx runs
 * the TypeScript sources directly).
 */
const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MODULES = path.join(REPO_ROOT, 'node_modules');

/** node_modules of the generated repo, pointing at this checkout. */
export function linkDependencies(repo: string): void {
  const modules = path.join(repo, 'node_modules');
  const own = path.join(modules, 'generator-legacy-mlops');
  fs.mkdirSync(path.join(modules, '.bin'), { recursive: true });
  fs.mkdirSync(own);
  fs.writeFileSync(path.join(own, 'package.json'), JSON.stringify({ name: 'generator-legacy-mlops', type: 'module', exports: { '.': './src/index.ts', './project': './src/project/index.ts' } }));
  fs.symlinkSync(path.join(REPO_ROOT, 'src'), path.join(own, 'src'));
  for (const name of ['aws-cdk-lib', 'constructs', 'cdk-nag', 'projen', 'tsx']) fs.symlinkSync(path.join(MODULES, name), path.join(modules, name));
  // cdk.json runs `npx projen bundle` (build) and `npx tsx src/main.ts` (app): both must resolve locally.
  fs.symlinkSync(path.join(MODULES, 'projen/bin/projen'), path.join(modules, '.bin/projen'));
  fs.symlinkSync(path.join(MODULES, 'tsx/dist/cli.mjs'), path.join(modules, '.bin/tsx'));
}

/** `cdk synth` (the pinned aws-cdk CLI) of a generated repo into `out`, offline; links its dependencies first. */
export function cdkSynth(repo: string, out: string): SpawnSyncReturns<string> {
  linkDependencies(repo);
  return spawnSync(process.execPath, [path.join(MODULES, 'aws-cdk/bin/cdk'), 'synth', '--quiet', '--output', out], {
    cwd: repo,
    encoding: 'utf8',
    // Offline: npx must find tsx and projen locally, never download; no account lookups; no telemetry.
    env: { ...process.env, npm_config_offline: 'true', CDK_DISABLE_CLI_TELEMETRY: 'true', AWS_EC2_METADATA_DISABLED: 'true' },
    timeout: 180_000,
  });
}
