/**
 * A legacy script-mode training script ran through the SageMaker framework container's training
 * toolkit: hyperparameters as `--name value` arguments and SM_* variables, and a model whose
 * inference code the legacy pipeline shipped separately (the CreateModel's SAGEMAKER_SUBMIT_DIRECTORY).
 * Our training stages start their script themselves (ContainerEntrypoint), which bypasses the
 * toolkit, so the import writes a launcher beside the legacy script that does what the toolkit did,
 * and packs the serving code into the model's code/ folder, where the model stage serves it from
 * (SAGEMAKER_SUBMIT_DIRECTORY=/opt/ml/model/code). The same launcher runs in the cloud and locally.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import ejs from 'ejs';
import type { StageOptions } from '../model/types.js';
import { pyString } from '../stages/python-text.js';
import { readTemplate } from '../stages/template-files.js';
import type { CopiedFile, StageImport } from './import-types.js';
import type { MigrationItem } from './migration-report.js';

export const LAUNCHER_SCRIPT = 'script_mode_launcher.py';
/** Where serving files go in the training stage when a name is taken by a training file. */
const SERVING_FOLDER = 'serving';
const LAUNCHER_TEMPLATE = readTemplate('stages/python/script_mode_launcher.py.ejs');

interface Generated { stage: string; target: string; content: string }

/** One serving file: where it sits in the training stage, and where it goes inside the model's code/. */
export interface ServingFile {
  readonly source: string;
  readonly target: string;
}

export function renderLauncher(legacyScript: string, servingFiles: readonly ServingFile[], imageName: string): string {
  return ejs.render(LAUNCHER_TEMPLATE, {
    legacyScript,
    imageName,
    servingFiles: servingFiles.map((f) => f.source),
    servingPairs: servingFiles,
    py: pyString,
  });
}

/**
 * Rewrites the stages a legacy state machine gave: each script-mode training stage runs its legacy
 * script through the launcher, and the model stage's imported serving code moves into that training
 * stage (the model stage has no code of its own: it serves what the artifact carries).
 */
export function launchLegacyTraining(stages: StageOptions[], imports: StageImport[], generated: Generated[], report: MigrationItem[]): void {
  stages.forEach((training, index) => {
    if (training.kind !== 'training' || training.mode === 'container') return;
    const trainImport = imports.find((i) => i.stage === training.name);
    const model = stages.find((s) => s.kind === 'model' && s.mode !== 'container' && s.inputs?.[0]?.from === `${training.name}/model`);
    const modelImport = model ? imports.find((i) => i.stage === model.name) : undefined;
    const serving: ServingFile[] = [];
    if (modelImport) {
      imports.splice(imports.indexOf(modelImport), 1);
      // The import's own line said the files went to the model stage's folder.
      for (let i = report.length - 1; i >= 0; i--) if (report[i].outcome.startsWith(`stages/${model!.name}/`)) report.splice(i, 1);
      const files = [...(trainImport?.files ?? [])];
      for (const file of modelImport.files) {
        const taken = files.find((f) => f.target === file.target);
        if (taken && sameBytes(taken.source, file.source)) {
          serving.push({ source: file.target, target: file.target });
          continue;
        }
        const target = taken ? path.posix.join(SERVING_FOLDER, file.target) : file.target;
        files.push({ source: file.source, target });
        serving.push({ source: target, target: file.target });
      }
      const moved: StageImport = trainImport
        ? { ...trainImport, files }
        : { stage: training.name, files, entryScript: '', paths: modelImport.paths, channelsFixed: true };
      if (trainImport) imports.splice(imports.indexOf(trainImport), 1, moved);
      else imports.push(moved);
      report.push({
        legacy: `${model!.name}: inference code ${modelImport.files.map((f) => path.basename(f.source)).join(', ')}`,
        outcome: `stages/${training.name}/${serving.map((f) => f.source).join(', ')}, byte for byte: the training stage packs it into the model's code/ folder, which the model stage serves (SAGEMAKER_PROGRAM=${model!.entryScript}, SAGEMAKER_SUBMIT_DIRECTORY=/opt/ml/model/code)`,
        why: 'the legacy pipeline shipped it as a separate archive (SAGEMAKER_SUBMIT_DIRECTORY); the model now carries its own code',
      });
    }
    if (!trainImport || !training.entryScript) return;
    const legacyScript = training.entryScript;
    const launcherImport = imports.find((i) => i.stage === training.name)!;
    imports.splice(imports.indexOf(launcherImport), 1, { ...launcherImport, entryScript: LAUNCHER_SCRIPT });
    stages[index] = { ...training, entryScript: LAUNCHER_SCRIPT };
    const imageName = training.framework ? `${training.framework.name} ${training.framework.version ?? ''}`.trim() : 'framework';
    generated.push({ stage: training.name, target: LAUNCHER_SCRIPT, content: renderLauncher(legacyScript, serving, imageName) });
    report.push({
      legacy: `${training.name}: ${legacyScript} (script mode, run by the image's training toolkit)`,
      outcome: `stages/${training.name}/${LAUNCHER_SCRIPT}, written beside it, runs it as the toolkit did: hyperparameters as command-line arguments and SM_* variables${serving.length > 0 ? ', then packs the inference code into the model' : ''}`,
      why: "the pipeline starts each stage's script itself, which bypasses the image's toolkit",
    });
    report.push(...oneLetterArguments(training, trainImport.files.find((f) => f.target === legacyScript)));
  });
}

/**
 * The toolkit passes a one-letter hyperparameter `C` as `-C value`: an argparse option declared only
 * as `--C` does not match it, and the script keeps its default (as it did in the legacy pipeline).
 */
function oneLetterArguments(training: StageOptions, script: CopiedFile | undefined): MigrationItem[] {
  if (!script) return [];
  const text = readFileSync(script.source, 'utf8');
  return Object.keys(training.hyperparameters ?? {})
    .filter((key) => key.length === 1 && new RegExp(`["']--${key}["']`).test(text) && !new RegExp(`["']-${key}["']`).test(text))
    .map((key) => ({
      legacy: `${training.name}: hyperparameter ${key} (${path.basename(script.source)} declares only --${key})`,
      outcome: 'left behind',
      why: `the training toolkit passes a one-letter hyperparameter as -${key} ${training.hyperparameters![key]}, which argparse does not match to --${key}: the script keeps its default, in the legacy pipeline as now`,
      action: `to use the value, the script must also accept -${key} (a change to the legacy code: yours to make)`,
    }));
}

function sameBytes(a: string, b: string): boolean {
  return readFileSync(a).equals(readFileSync(b));
}
