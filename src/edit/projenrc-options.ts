/**
 * What a `.projenrc.ts` passes to `new LegacyMlopsProject(...)`, found by running it: the file is
 * transpiled with TypeScript and evaluated with `generator-legacy-mlops` replaced by a stand-in whose
 * constructor records its options and stops the run there, so nothing is synthesized or written.
 *
 * Running the file (rather than reading literals from its syntax tree) gives the model exactly what
 * `npx projen` would give it, whatever variables or helpers the user's file builds its options with.
 */
import { createRequire } from 'node:module';
import * as path from 'node:path';
import * as vm from 'node:vm';
import ts from 'typescript';
import type { PipelineOptions } from '../model/types.js';
import { PACKAGE_NAME, PROJECT_TYPE_IMPORTS } from '../package-info.js';

/** The options as declared: the pipeline plus whatever projen options the file sets. */
export type DeclaredOptions = PipelineOptions & Readonly<Record<string, unknown>>;

export type OptionsReading = { readonly ok: true; readonly options: DeclaredOptions } | { readonly ok: false; readonly reason: string };

/** Thrown by the stand-in constructor: carries the options out of the evaluated file. */
class Captured {
  constructor(readonly options: unknown) {}
}

/**
 * Evaluates `source` as the `.projenrc.ts` at `file` (its own imports resolve from there) and returns
 * the options of its LegacyMlopsProject. Code after `new LegacyMlopsProject(...)` does not run.
 */
export function readDeclaredOptions(source: string, file: string): OptionsReading {
  const out = ts.transpileModule(source, {
    fileName: path.basename(file),
    reportDiagnostics: true,
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
  });
  const syntax = out.diagnostics?.[0];
  if (syntax) return { ok: false, reason: `${path.basename(file)} does not parse (${ts.flattenDiagnosticMessageText(syntax.messageText, ' ')}); fix it first` };

  const realRequire = createRequire(file);
  let real: Record<string, unknown> | undefined;
  const standIn = new Proxy(
    {
      // Named and namespace imports alike read the stand-in's properties (no default-export wrapping).
      __esModule: true,
      LegacyMlopsProject: class {
        constructor(options: unknown) {
          throw new Captured(options);
        }
      },
    } as Record<string | symbol, unknown>,
    {
      // Anything else the file takes from the package (constants, helpers) is the installed package's.
      get: (target, key) => (key in target ? target[key] : (real ??= realRequire(PACKAGE_NAME) as Record<string, unknown>)[key as string]),
    },
  );
  const requireIn = (id: string) => (PROJECT_TYPE_IMPORTS.includes(id) ? standIn : realRequire(id));
  const module = { exports: {} };
  try {
    const run = vm.runInThisContext(`(function (exports, require, module, __filename, __dirname) {${out.outputText}\n})`, { filename: file });
    run(module.exports, requireIn, module, file, path.dirname(file));
  } catch (error) {
    if (error instanceof Captured) {
      const options = error.options;
      if (typeof options !== 'object' || options === null) return { ok: false, reason: `the options of LegacyMlopsProject in ${path.basename(file)} are not an object` };
      return { ok: true, options: options as DeclaredOptions };
    }
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return { ok: false, reason: `running ${path.basename(file)} to read its pipeline failed (${message})` };
  }
  return { ok: false, reason: `${path.basename(file)} never creates a LegacyMlopsProject` };
}
