/**
 * Finds the generated repo a command runs in: the nearest folder at or above
 * the start folder holding a `.projenrc.ts`, which must build on
 * generator-legacy-mlops (an import of the package, read from its syntax tree).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';
import { CreateError } from '../create/errors.js';
import { PROJENRC_FILE } from '../create/projenrc.js';
import { PACKAGE_NAME, PROJECT_TYPE_IMPORTS } from '../package-info.js';
import { readText } from './projenrc-file.js';

export interface GeneratedRepo {
  readonly root: string;
  /** Absolute path of its `.projenrc.ts`. */
  readonly projenrc: string;
  readonly source: string;
}

/** The generated repo holding `start`, or a one-line refusal. */
export function findGeneratedRepo(start: string): GeneratedRepo {
  let dir = path.resolve(start);
  for (;;) {
    const file = path.join(dir, PROJENRC_FILE);
    if (fs.existsSync(file)) {
      const source = readText(file);
      if (!importsPackage(source)) {
        throw new CreateError(`${file} does not import ${PACKAGE_NAME}: ${dir} is not a legacy-mlops repo (run this inside a repo made by create-legacy-mlops)`);
      }
      return { root: dir, projenrc: file, source };
    }
    const parent = path.dirname(dir);
    if (parent === dir) {
      throw new CreateError(`no ${PROJENRC_FILE} in ${path.resolve(start)} or any folder above it: run this inside a legacy-mlops repo (create one with create-legacy-mlops)`);
    }
    dir = parent;
  }
}

/** `import … from 'generator-legacy-mlops'` (or its `/project` export) or `require(…)` of either, anywhere in the file. */
export function importsPackage(source: string): boolean {
  const file = ts.createSourceFile(PROJENRC_FILE, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  let found = false;
  const visit = (node: ts.Node): void => {
    if (found) return;
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier) && PROJECT_TYPE_IMPORTS.includes(node.moduleSpecifier.text)) found = true;
    else if (ts.isCallExpression(node) && node.expression.getText(file) === 'require' && node.arguments.length === 1) {
      const [arg] = node.arguments;
      if (ts.isStringLiteral(arg) && PROJECT_TYPE_IMPORTS.includes(arg.text)) found = true;
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}
