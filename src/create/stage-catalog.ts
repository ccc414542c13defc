/**
 * The stages offered in the scaffolder's checkbox: the classic lift-and-shift
 * trio from the model's defaults plus an evaluation step, with the other
 * names legacy scripts commonly carry (to match `--from` files to stages).
 */
import { DEFAULT_STAGES } from '../model/defaults.js';
import type { StageMode, StageOptions } from '../model/types.js';

export interface CatalogStage {
  readonly name: string;
  readonly description: string;
  readonly mode: StageMode;
  /** Checked in the checkbox and used when no stages are given. */
  readonly byDefault: boolean;
  /** Other script names that mean this stage (`preprocessing.py` → preprocess). */
  readonly aliases: readonly string[];
}

const ALIASES: Readonly<Record<string, readonly string[]>> = {
  preprocess: ['preprocessing', 'pre-processing', 'prep', 'prepare', 'clean'],
  predict: ['prediction', 'predictions', 'inference', 'infer', 'score', 'scoring'],
  postprocess: ['postprocessing', 'post-processing', 'post', 'report'],
  evaluate: ['evaluation', 'eval', 'metrics'],
};

export const STAGE_CATALOG: readonly CatalogStage[] = [
  ...DEFAULT_STAGES.map((s) => ({
    name: s.name,
    description: s.description ?? '',
    mode: s.mode ?? 'script',
    byDefault: true,
    aliases: ALIASES[s.name] ?? [],
  })),
  {
    name: 'evaluate',
    description: 'Scores the predictions against known outcomes.',
    mode: 'script',
    byDefault: false,
    aliases: ALIASES.evaluate,
  },
];

export function catalogStage(name: string): CatalogStage | undefined {
  return STAGE_CATALOG.find((s) => s.name === name);
}

/** A stage as the scaffolder starts it: the catalog's description and mode for a known name. */
export function newStage(name: string, mode?: StageMode): StageOptions {
  const known = catalogStage(name);
  return {
    name,
    ...(known ? { description: known.description } : {}),
    mode: mode ?? known?.mode ?? 'script',
  };
}

/** The stages used when none are given: the model's classic pipeline. */
export function defaultStages(): StageOptions[] {
  return STAGE_CATALOG.filter((s) => s.byDefault).map((s) => newStage(s.name));
}
