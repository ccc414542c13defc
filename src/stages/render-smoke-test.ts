/**
 * Renders the starter test of a stage whose script was already there (imported legacy code): a smoke
 * test, `stages/<name>/test_<name>.py`, that runs the script untouched on the sample data through
 * `legacy-mlops smoke` and checks it exits 0 and writes each output, and the files the script names in
 * them. Pure (the caller reads the script); written once beside the legacy code, then the user's.
 */
import ejs from 'ejs';
import { posix } from 'node:path';
import { findOptMlLiterals } from '../create/legacy-paths.js';
import type { ResolvedPipeline, ResolvedStage } from '../model/index.js';
import { KIND_FACTS } from '../model/stage-kinds.js';
import { pyString } from './python-text.js';
import type { RenderedFile } from './render-stage-files.js';
import { stageTestPath } from './render-stage-test.js';
import { readTemplate } from './template-files.js';

const SMOKE_TEST = readTemplate('stages/python/test_smoke.py.ejs');

/** @param scriptText the stage's entry script as it is on disk (its literal output paths name the expected files) */
export function renderSmokeTest(stage: ResolvedStage, pipeline: ResolvedPipeline, scriptText: string): RenderedFile[] {
  if (!KIND_FACTS[stage.kind].hasCode) return [];
  const content = ejs.render(SMOKE_TEST, {
    py: pyString,
    stageName: stage.name,
    pipelineName: pipeline.name,
    scriptPath: `stages/${stage.name}/${stage.entryScript}`,
    className: `${stage.name.split(/[-_]/).map((part) => part.charAt(0).toUpperCase() + part.slice(1)).join('')}SmokeTest`,
    outputs: expectedOutputs(stage, scriptText),
  });
  return [{ path: stageTestPath(stage.name), content }];
}

/** Each output, with the files the script writes into it by a literal path (`/opt/ml/processing/output/clean/x.csv`). */
export function expectedOutputs(stage: ResolvedStage, scriptText: string): { name: string; files: string[] }[] {
  const outputs = stage.outputs.map((output) => ({ name: output.name, localPath: output.localPath.replace(/\/+$/, ''), files: [] as string[] }));
  for (const literal of findOptMlLiterals(scriptText)) {
    // A file: its last part has a dot and it does not end with a slash (as the import reads them).
    if (literal.endsWith('/') || !posix.basename(literal).includes('.')) continue;
    const owner = outputs.filter((o) => literal.startsWith(`${o.localPath}/`)).sort((a, b) => b.localPath.length - a.localPath.length)[0];
    const file = owner ? literal.slice(owner.localPath.length + 1) : undefined;
    if (owner && file && !owner.files.includes(file)) owner.files.push(file);
  }
  return outputs.map(({ name, files }) => ({ name, files }));
}
