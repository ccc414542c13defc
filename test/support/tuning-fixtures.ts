/** The tuning stage the model, ASL and schema tests share: the lifecycle's train stage tuned by a Random search. */
import { LIFECYCLE_STAGES, type StageOptions } from '../../src/model/index.js';

/** Random over a continuous (logarithmic) and a categorical range, 3 training jobs, 2 at a time, max_iter fixed. */
export const TUNING_STAGE: StageOptions = {
  name: 'train',
  kind: 'tuning',
  hyperparameters: { max_iter: '1000' },
  tuning: {
    objective: { metric: 'train_accuracy', type: 'Maximize' },
    strategy: 'Random',
    maxJobs: 3,
    maxParallelJobs: 2,
    ranges: { C: { type: 'continuous', min: 0.01, max: 10, scaling: 'Logarithmic' }, solver: { type: 'categorical', values: ['lbfgs', 'liblinear'] } },
  },
};

/** The lifecycle preset with `stage` in place of its training stage. */
export function tunedLifecycle(stage: StageOptions = TUNING_STAGE): StageOptions[] {
  return LIFECYCLE_STAGES.map((s) => (s.name === 'train' ? stage : s));
}
