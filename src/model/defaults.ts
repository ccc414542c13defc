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

/**
 * The model lifecycle (`--preset lifecycle`): labelled data is cleaned and split, a scikit-learn
 * model is trained on it, evaluated on the held-out rows behind an accuracy gate, registered as a
 * SageMaker model and run as a batch transform over the rows to score. Every stage may be switched
 * off per execution (`stages.<key>.enabled: false`) as long as no enabled stage needs its output.
 */
export const LIFECYCLE_STAGES: readonly StageOptions[] = [
  {
    name: 'preprocess',
    description: 'Cleans the labelled customer records and splits them into training, test and scoring sets.',
    mode: 'script',
    framework: { name: 'sklearn' },
    outputs: [{ name: 'train' }, { name: 'test' }, { name: 'score' }],
    skippable: true,
  },
  {
    name: 'train',
    kind: 'training',
    description: 'Trains a scikit-learn churn classifier on the training set.',
    mode: 'script',
    framework: { name: 'sklearn' },
    inputs: [{ name: 'train', from: 'preprocess/train' }],
    hyperparameters: { C: '1.0', max_iter: '1000' },
    skippable: true,
  },
  {
    name: 'evaluate',
    kind: 'evaluation',
    description: 'Scores the trained model on the held-out test set and stops the pipeline below the accuracy threshold.',
    mode: 'script',
    framework: { name: 'sklearn' },
    inputs: [
      { name: 'model', from: 'train/model' },
      { name: 'test', from: 'preprocess/test' },
    ],
    outputs: [{ name: 'report' }],
    gate: { metric: 'accuracy', threshold: 0.7, greaterIsBetter: true },
    skippable: true,
  },
  {
    name: 'model',
    kind: 'model',
    description: 'Registers the trained model with its inference code as a SageMaker model.',
    mode: 'script',
    framework: { name: 'sklearn' },
    inputs: [{ name: 'model', from: 'train/model' }],
    skippable: true,
  },
  {
    name: 'transform',
    kind: 'transform',
    description: 'Scores every customer of the scoring set with a batch transform job.',
    inputs: [{ name: 'data', from: 'preprocess/score' }],
    outputs: [{ name: 'predictions' }],
    modelStage: 'model',
    skippable: true,
  },
];

/**
 * The lifecycle with model governance: the evaluated model is registered (PendingManualApproval) and a
 * person approves it before the transform runs. The evaluation cannot be skipped: the version carries its
 * report, and the person decides on its metric.
 */
export const GOVERNED_STAGES: readonly StageOptions[] = [
  ...LIFECYCLE_STAGES.slice(0, -1).map((s) => (s.kind === 'evaluation' ? { ...s, skippable: false } : s)),
  { name: 'register', kind: 'register', description: 'Registers the model as a version in the model registry, with the evaluation report as its metrics.' },
  { name: 'approve', kind: 'approval', description: 'Waits until a person approves (or rejects) the registered version.' },
  LIFECYCLE_STAGES[LIFECYCLE_STAGES.length - 1],
];

/** Named stage layouts the scaffolder offers (`--preset <name>`). */
export const STAGE_PRESETS: Readonly<Record<'classic' | 'lifecycle' | 'governed', readonly StageOptions[]>> = {
  classic: DEFAULT_STAGES,
  lifecycle: LIFECYCLE_STAGES,
  governed: GOVERNED_STAGES,
};

/** Training stages name their single output, the model artifact, like this (`<stage>/model` in `from`). */
export const MODEL_OUTPUT = 'model';
/** Inference code a model stage runs from its artifact's `code/` folder (script mode). */
export const DEFAULT_INFERENCE_SCRIPT = 'inference.py';
/** Default output of an evaluation stage (its report) and of a transform stage (its predictions). */
export const DEFAULT_REPORT_OUTPUT = 'report';
export const DEFAULT_PREDICTIONS_OUTPUT = 'predictions';
export const DEFAULT_REPORT_FILE = 'evaluation.json';
/** CreateModel and the endpoint calls are request/response: their Task states need little time. */
export const SHORT_TASK_TIMEOUT_SECONDS = 300;
export const DEFAULT_ENDPOINT_WAIT_INTERVAL_SECONDS = 60;
export const DEFAULT_ENDPOINT_WAIT_ATTEMPTS = 60;

export function defaultEntryScript(stageName: string): string {
  return `${stageName.replace(/-/g, '_')}.py`;
}

export function defaultBucket(name: string, account: string, region: string): string {
  return `${name}-${account}-${region}`;
}
