/**
 * The project type's own import path (`generator-legacy-mlops/project`): what a generated `.projenrc.ts`
 * imports, so that `npx projen` loads what synthesis needs and not the CDK construct (aws-cdk-lib, cdk-nag)
 * nor ajv's compiler. Repositories made before it import the package root, and synthesize the same files.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { renderProjenrc } from '../../src/create/projenrc.js';
import { PACKAGE_NAME, PROJECT_TYPE_IMPORT } from '../../src/package-info.js';
import { linkDependencies, removeTempDirs, tempDir } from '../support/deploy-fixtures.js';
import { DEMO, snapshot } from '../support/stage-generator-fixtures.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const ENTRY = 'src/project/index.ts';

afterAll(removeTempDirs);

/** Modules a file loads when it runs: static and dynamic imports and re-exports, type-only ones left out. */
function runtimeImports(file: string): string[] {
  const source = ts.createSourceFile(file, fs.readFileSync(path.join(ROOT, file), 'utf8'), ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && !node.importClause?.isTypeOnly && ts.isStringLiteral(node.moduleSpecifier)) found.push(node.moduleSpecifier.text);
    else if (ts.isExportDeclaration(node) && !node.isTypeOnly && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) found.push(node.moduleSpecifier.text);
    else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteral(node.arguments[0])) found.push(node.arguments[0].text);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** Every source file reached from `entry`, and the packages they load. */
function reach(entry: string): { files: Set<string>; packages: Map<string, string> } {
  const files = new Set<string>();
  const packages = new Map<string, string>();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (files.has(file)) continue;
    files.add(file);
    for (const spec of runtimeImports(file)) {
      if (spec.startsWith('.')) queue.push(path.posix.normalize(path.posix.join(path.posix.dirname(file), spec)).replace(/\.js$/, '.ts'));
      else if (!spec.startsWith('node:')) packages.set(spec, packages.get(spec) ?? file);
    }
  }
  return { files, packages };
}

describe('the project type import path', () => {
  test('package.json exports it, pointing at the compiled src/project/index.ts', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    expect(PROJECT_TYPE_IMPORT).toBe(`${PACKAGE_NAME}/project`);
    expect(pkg.exports['./project']).toEqual({ types: './lib/src/project/index.d.ts', default: './lib/src/project/index.js' });
    expect(pkg.files).toContain('lib/src');
  });

  test('a generated .projenrc.ts imports the project type from it', () => {
    expect(renderProjenrc(DEMO)).toContain(`import { LegacyMlopsProject } from '${PROJECT_TYPE_IMPORT}';`);
  });

  test('what it loads holds neither the CDK construct nor ajv nor an AWS SDK client', () => {
    const { files, packages } = reach(ENTRY);
    expect([...files].filter((f) => f.startsWith('src/construct/') && !['pipeline-model.ts', 'deployed-input.ts', 'monitoring-names.ts'].includes(path.basename(f)))).toEqual([]);
    const heavy = [...packages].filter(([name]) => /^(aws-cdk-lib|cdk-nag|constructs|ajv|@aws-sdk\/|esbuild|execa|yaml|yeoman-)/.test(name));
    expect(heavy).toEqual([]);
    // The package root still exports the construct (the CDK app's src/main.ts imports it from there).
    expect(reach('src/index.ts').packages.has('aws-cdk-lib')).toBe(true);
  });

  test('a .projenrc.ts of an older repo (the package root import) synthesizes the same files as a new one', () => {
    const synthesize = (projenrc: string): Record<string, string> => {
      const repo = tempDir('entry');
      fs.writeFileSync(path.join(repo, '.projenrc.ts'), projenrc);
      linkDependencies(repo);
      const run = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), '.projenrc.ts'], {
        cwd: repo,
        encoding: 'utf8',
        env: { ...process.env, PROJEN_DISABLE_POST: 'true', CI: 'true' },
        timeout: 120_000,
      });
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      const files = snapshot(repo);
      for (const key of Object.keys(files)) if (key.startsWith('node_modules') || key === '.projenrc.ts') delete files[key];
      return files;
    };
    const current = renderProjenrc(DEMO);
    const older = current.replace(`from '${PROJECT_TYPE_IMPORT}'`, `from '${PACKAGE_NAME}'`);
    expect(older).not.toBe(current);
    const files = synthesize(current);
    expect(files['pipeline/state-machine.asl.json']).toBeDefined();
    expect(synthesize(older)).toEqual(files);
  });
});
