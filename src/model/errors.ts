/** One problem in a pipeline model: where it is, and what is allowed. */
export interface ModelProblem {
  /** Path of the offending field, e.g. `stages[1] (predict).instanceType`. */
  readonly path: string;
  readonly message: string;
}

/** Thrown before anything is written when a pipeline model is invalid; lists every problem, one a line. */
export class PipelineValidationError extends Error {
  constructor(readonly problems: readonly ModelProblem[]) {
    super(
      `Invalid legacy-mlops pipeline (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map((p) => `  - ${p.path}: ${p.message}`).join('\n'),
    );
    this.name = 'PipelineValidationError';
  }
}

/** How a stage resolver reports a problem: the field below the stage (undefined: the stage) and what to do. */
export type ReportStageProblem = (field: string | undefined, message: string) => void;
