/**
 * The fan-out questions of `yo legacy-mlops` / `create-legacy-mlops`, as data: whether the stage chain
 * runs once per item, and if so where the items come from, how many run at once and how many may fail.
 * Each is answered by its `--fan-out*` flag or the answers file's `fanOut`, and checked by the model.
 */
import { FAN_OUT_ANSWERS, fanOutFieldProblem } from '../../src/create/fan-out-answers.js';
import { DEFAULT_FAN_OUT_CONCURRENCY } from '../../src/model/fan-out.js';
import type { ProjectContext, Question } from './prompts.js';

const text = (answer: unknown) => String(answer ?? '').trim();
const asNumber = (answer: unknown) => (text(answer) === '' ? Number.NaN : Number(text(answer)));
const fannedOut = (ctx: ProjectContext) => ctx.draft.fanOut === true;

/** Where items come from, as the prompt offers them. */
export const ITEMS_SOURCES = [
  { value: 'input', name: "input      the execution input's items array (up to a few thousand items)" },
  { value: 's3', name: 's3         a JSON array of items in S3 (itemsBucket/itemsKey in the input)' },
  { value: 's3-prefix', name: 's3-prefix  one item per file under the raw-data prefix, its file name the id (thousands of items)' },
];

export const FAN_OUT_QUESTIONS: readonly Question<ProjectContext>[] = [
  {
    name: 'fanOut',
    flag: '--fan-out',
    type: 'confirm',
    message: () => 'Run the whole stage chain once per item (fan-out: one model per store, product line, region…)?',
    default: () => ({ value: false, known: true }),
  },
  {
    name: 'fanOutItems',
    flag: `--${FAN_OUT_ANSWERS.fanOutItems.flag}`,
    type: 'select',
    message: () => 'Fan-out: where do the items come from?',
    when: fannedOut,
    choices: () => ITEMS_SOURCES.map((s) => ({ ...s, short: s.value })),
    default: () => ({ value: 'input', known: true }),
    validate: (answer) => fanOutFieldProblem('itemsFrom', answer),
  },
  {
    name: 'fanOutConcurrency',
    flag: `--${FAN_OUT_ANSWERS.fanOutConcurrency.flag}`,
    type: 'input',
    message: () => "Fan-out: items running at once (each holds its current job's instances: SageMaker's job quotas are the real limit)",
    when: fannedOut,
    default: () => ({ value: String(DEFAULT_FAN_OUT_CONCURRENCY), known: true }),
    validate: (answer) => fanOutFieldProblem('maxConcurrency', asNumber(answer)),
    parse: asNumber,
  },
  {
    name: 'fanOutToleratedFailure',
    flag: `--${FAN_OUT_ANSWERS.fanOutToleratedFailure.flag}`,
    type: 'input',
    message: () => 'Fan-out: percentage of items that may fail (each failure ends that item only) before the execution fails',
    when: fannedOut,
    default: () => ({ value: '0', known: true }),
    validate: (answer) => fanOutFieldProblem('toleratedFailurePercentage', asNumber(answer)),
    parse: asNumber,
  },
];
