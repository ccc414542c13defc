/**
 * One parser reads every job-name form the ASL writes: the prefix and suffix come back from the
 * expression, the IAM pattern matches exactly the names the expression computes, and nothing else.
 */
import { randomUUID } from 'node:crypto';
import { jobNameExpression } from '../../src/asl/task-common.js';
import { jobNameOf, jobNamePattern, sampleJobName, stageJobName } from '../../src/iam/job-name.js';
import { LIFECYCLE_STAGES, resolvePipeline, type StageOptions } from '../../src/model/index.js';
import { KIND_FACTS } from '../../src/model/stage-kinds.js';

const TUNING: StageOptions = {
  name: 'train',
  kind: 'tuning',
  tuning: { objective: { metric: 'train_accuracy', type: 'Maximize' }, strategy: 'Random', maxJobs: 2, maxParallelJobs: 1, ranges: { C: { type: 'continuous', min: 0.1, max: 1 } } },
};
const pipeline = resolvePipeline({ name: 'demo', region: 'eu-west-1', account: '111122223333', stages: LIFECYCLE_STAGES.map((s) => (s.name === 'train' ? TUNING : s)) });

/** What Step Functions computes for the expression, with one UUID. */
function evaluate(expression: string, uuid: string): string {
  const [, prefix, suffix] = /^States\.Format\('(.*)-\{\}', (.*)\)$/.exec(expression)!;
  return `${prefix}-${suffix === 'States.UUID()' ? uuid : uuid.split('-')[4]}`;
}

/** IAM's `?` matches one character; nothing else in our patterns is special. */
const matches = (pattern: string, name: string) => new RegExp(`^${pattern.replace(/[.*+^${}()|[\]\\-]/g, '\\$&').replace(/\?/g, '.')}$`).test(name);

test.each(pipeline.stages.map((s) => [s.name, s] as const))('%s: the expression reads back as the stage’s prefix and form, and its pattern matches exactly its names', (_name, stage) => {
  const expression = jobNameExpression(stage);
  const name = jobNameOf(expression, 'test');
  expect(name).toEqual({ prefix: stage.jobNamePrefix, suffix: KIND_FACTS[stage.kind].jobName.suffix });
  expect(name).toEqual(stageJobName(stage));
  const uuid = randomUUID();
  const real = evaluate(expression, uuid);
  expect(real.length).toBeLessThanOrEqual(KIND_FACTS[stage.kind].jobName.max);
  expect(matches(jobNamePattern(name), real)).toBe(true);
  expect(jobNamePattern(name)).toHaveLength(real.length);
  expect(matches(jobNamePattern(name), sampleJobName(name, uuid))).toBe(true);
  // A longer prefix's names are not granted.
  expect(matches(jobNamePattern(name), evaluate(expression.replace(`'${stage.jobNamePrefix}-`, `'${stage.jobNamePrefix}-v2-`), uuid))).toBe(false);
});

test('the tuning stage’s name is the short form; spacing after commas does not matter', () => {
  const tune = pipeline.stages.find((s) => s.kind === 'tuning')!;
  expect(jobNameExpression(tune)).toBe("States.Format('demo-train-{}', States.ArrayGetItem(States.StringSplit(States.UUID(), '-'), 4))");
  expect(jobNameOf("States.Format('demo-train-{}',States.ArrayGetItem(States.StringSplit(States.UUID(),'-'),4))", 'test')).toEqual({ prefix: 'demo-train', suffix: 'uuid-last-group' });
  expect(jobNameOf("States.Format('demo-pre-{}',  States.UUID())", 'test')).toEqual({ prefix: 'demo-pre', suffix: 'uuid' });
});

test.each([
  ['the execution name', '$$.Execution.Name'],
  ['another intrinsic', "States.Format('demo-{}', States.Hash('x', 'MD5'))"],
  ['a literal name', 'demo-train'],
  ['no string', 42],
])('%s is refused in one line naming both forms', (_what, expression) => {
  expect(() => jobNameOf(expression, "Task 'x': TrainingJobName")).toThrow(
    /^Task 'x': TrainingJobName: cannot scope IAM permissions to the job name .*; expected the expression States\.Format\('<prefix>-\{\}', States\.UUID\(\)\) or States\.Format\('<prefix>-\{\}', States\.ArrayGetItem/,
  );
});
