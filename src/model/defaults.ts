/** Defaults of the pipeline model. */
import type { StageOptions } from './types.js';

export const DEFAULT_INSTANCE_TYPE = 'ml.m5.large';
export const DEFAULT_INSTANCE_COUNT = 1;
export const DEFAULT_VOLUME_SIZE_GB = 30;
export const DEFAULT_MAX_RUNTIME_SECONDS = 3600;
/** Margin added to a job's max runtime for its task timeout: provisioning, image pull, upload. */
export const TASK_TIMEOUT_MARGIN_SECONDS = 1800;
/** Margin added to the sum of the task timeouts for the whole state machine. */
export const PIPELINE_TIMEOUT_MARGIN_SECONDS = 600;
export const DEFAULT_CDK_QUALIFIER = 'hnb659fds';
/** Default channel name of a stage's single input and single output. */
export const DEFAULT_CHANNEL = 'data';
/** Script-mode stages receive their code through this input channel. */
export const CODE_CHANNEL = 'code';
export const CODE_LOCAL_PATH = '/opt/ml/processing/input/code';

/** The classic lift-and-shift pipeline: preprocess (script) → predict (container) → postprocess (script). */
export const DEFAULT_STAGES: readonly StageOptions[] = [
  {
    name: 'preprocess',
    description: 'Cleans the raw data and prepares the model features.',
    mode: 'script',
    framework: { name: 'sklearn' },
  },
  {
    name: 'predict',
    description: 'Runs the legacy model on the prepared features, in its own container.',
    mode: 'container',
  },
  {
    name: 'postprocess',
    description: 'Turns the raw predictions into the final output.',
    mode: 'script',
    framework: { name: 'sklearn' },
  },
];

export function defaultEntryScript(stageName: string): string {
  return `${stageName.replace(/-/g, '_')}.py`;
}

export function defaultBucket(name: string, account: string, region: string): string {
  return `${name}-${account}-${region}`;
}
