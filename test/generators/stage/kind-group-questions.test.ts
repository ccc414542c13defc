/**
 * A kind option group that lists its fields (`KIND_OPTION_GROUPS[group].fields`) gets one flag of
 * `yo legacy-mlops:stage` and one question per field with no hand-written row: the flag sets
 * `stages[].<group>.<key>`, the question checks its answer with the model (that field only), a required
 * field not given names its flag, and the answers become the stage's group. Shown with stand-in fields
 * on the tuning group, whose own conversation is hand-written, so its model does the checking.
 */
import { kindGroupOptionRows, readValue } from '../../../src/create/option-table.js';
import type { KindGroupField } from '../../../src/model/stage-kinds.js';
import { draftGroup, kindGroupQuestions } from '../../../generators/stage/kind-questions.js';
import type { AddStageContext } from '../../../generators/stage/question-kit.js';

const FIELDS: readonly KindGroupField[] = [
  { key: 'objective', flag: 'group-objective', value: '<json>', description: 'the objective', required: true, sample: { metric: 'acc', type: 'Maximize' } },
  { key: 'ranges', flag: 'group-ranges', value: '<json>', description: 'the ranges', required: true, sample: { C: { type: 'continuous', min: 0.1, max: 1 } } },
  { key: 'maxJobs', flag: 'group-max-jobs', value: '<n>', description: 'training jobs in all', syntax: 'whole-number', required: true },
  { key: 'strategy', flag: 'group-strategy', value: '<strategy>', description: 'Bayesian, Random or Grid', required: false },
];
const fieldsOf = () => FIELDS;
const context = (kind: string, draft: Record<string, unknown> = {}) => ({ stage: { name: 'train', kind }, draft, region: 'eu-west-1' }) as unknown as AddStageContext;

test('one flag per field: the option it sets, its syntax, only for the kinds that take the group', () => {
  const rows = kindGroupOptionRows(['tuning'], fieldsOf);
  expect(rows.slice(2).map((r) => [r.name, r.sets, r.question, r.commands])).toEqual([
    ['group-max-jobs', 'stages[].tuning.maxJobs', 'tuning.maxJobs', ['stage']],
    ['group-strategy', 'stages[].tuning.strategy', 'tuning.strategy', ['stage']],
  ]);
  expect(rows[2].description).toBe('tuning: training jobs in all');
  expect(rows[3].description).toBe('tuning: Bayesian, Random or Grid (optional)');
  expect(readValue(rows[2], 'four')).toEqual({ problem: "'four' is not a whole number" });
  expect(readValue(rows[2], '4')).toEqual({ value: 4 });
});

test('one question per field: applies to the group’s kinds, checked by the model one field at a time, the missing one named by its flag', () => {
  const [, , maxJobs, strategy] = kindGroupQuestions(['tuning'], fieldsOf);
  expect(maxJobs.name).toBe('tuning.maxJobs');
  expect(maxJobs.applies!(context('tuning'))).toBe(true);
  expect(maxJobs.applies!(context('processing'))).toBe(false);
  expect(maxJobs.notApplicableTo!(context('processing'))).toBe('only tuning stages take it (this is a processing stage)');
  // The model's own message for this field; objective and ranges, not answered, stand in with their samples.
  expect(maxJobs.validate!('501', context('tuning'))).toMatch(/whole number from 1 to 500/);
  expect(maxJobs.validate!('4', context('tuning'))).toBeUndefined();
  expect(maxJobs.parse!('4', context('tuning'))).toBe(4);
  expect(maxJobs.missing!(context('tuning'))).toBe('a tuning stage needs tuning.maxJobs: pass --group-max-jobs <n> (training jobs in all)');
  // Optional fields are set by their flag, never asked.
  expect(strategy.when!(context('tuning'))).toBe(false);
  expect(strategy.missing).toBeUndefined();
});

test('the answers become the group, the unanswered fields left out', () => {
  expect(draftGroup('tuning', { 'tuning.maxJobs': 4 }, FIELDS)).toEqual({ maxJobs: 4 });
  expect(draftGroup('tuning', { 'tuning.maxJobs': 4, 'tuning.strategy': 'Random' }, FIELDS)).toEqual({ maxJobs: 4, strategy: 'Random' });
  expect(draftGroup('tuning', {}, FIELDS)).toBeUndefined();
});
