/**
 * The report page's pure parts: the graph drawn from the ASL, the metric gates read from a Choice's input,
 * the cloud record read from an execution history, and the page's safety (escaped names, nothing fetched).
 */
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { buildStateMachine } from '../../src/asl/index.js';
import { LIFECYCLE_STAGES, resolvePipeline } from '../../src/model/index.js';
import { cloudRunRecord, layoutStateMachine, metricGates, renderReportPage, type RunRecord } from '../../src/report/index.js';
import { GROUPED_DEFINITION, GROUPED_RECORD } from '../support/grouped-definition.js';

const lifecycle = buildStateMachine(resolvePipeline({ name: 'demo', region: 'eu-west-1', account: '111122223333', stages: LIFECYCLE_STAGES as never }));

test('the graph has every state once and every transition of the definition, with coordinates', () => {
  const layout = layoutStateMachine(lifecycle);
  const states = Object.keys((lifecycle as { States: object }).States);
  expect(layout.nodes.map((n) => n.name).sort()).toEqual([...states].sort());
  expect(layout.edges).toContainEqual(expect.objectContaining({ from: 'evaluate: gate', to: 'evaluate: below threshold', kind: 'choice' }));
  expect(layout.edges).toContainEqual(expect.objectContaining({ from: 'train', to: 'train failed', kind: 'catch' }));
  for (const edge of layout.edges) expect(edge.points.length).toBeGreaterThanOrEqual(2);
  // Layered top to bottom: a state comes below the one that leads to it on the main path.
  const y = (name: string) => layout.nodes.find((n) => n.name === name)!.y;
  expect(y('preprocess')).toBeLessThan(y('train'));
  expect(y('train')).toBeLessThan(y('evaluate'));
});

test('metric gates: the value and threshold the Choice compared, either direction; not reached without an input', () => {
  const choice = (comparison: string) => ({
    States: { gate: { Type: 'Choice', Choices: [{ And: [{ Variable: '$.r.body.metrics.rmse.value', IsPresent: true }, { Variable: '$.r.body.metrics.rmse.value', [comparison]: '$.t' }], Next: 'ok' }], Default: 'no' } },
  });
  const input = { r: { body: { metrics: { rmse: { value: 0.31 } } } }, t: 0.3 };
  expect(metricGates(choice('NumericLessThanEqualsPath'), () => input)).toEqual([{ state: 'gate', metric: 'rmse', value: 0.31, threshold: 0.3, comparison: '<=', passed: false }]);
  expect(metricGates(choice('NumericGreaterThanEqualsPath'), () => input)[0].passed).toBe(true);
  expect(metricGates(choice('NumericGreaterThanEqualsPath'), () => undefined)[0]).toEqual({ state: 'gate', metric: 'rmse', value: undefined, threshold: undefined, comparison: '>=', passed: undefined });
  // The generated lifecycle gate is found.
  expect(metricGates(lifecycle, () => undefined).map((g) => [g.state, g.metric, g.comparison])).toEqual([['evaluate: gate', 'accuracy', '>=']]);
});

test('cloud history: a retried job is one state with two attempts and two jobs; a timed-out execution names its state', () => {
  const t0 = Date.parse('2025-01-02T03:04:05Z');
  const submitted = (job: string) => ({ type: 'TaskSubmitted', taskSubmittedEventDetails: { resource: 'createTrainingJob.sync', output: JSON.stringify({ TrainingJobArn: `arn:aws:sagemaker:eu-west-1:1:training-job/${job}` }) } });
  const events = [
    { type: 'ExecutionStarted' },
    { type: 'TaskStateEntered', stateEnteredEventDetails: { name: 'train' } },
    { type: 'TaskScheduled' },
    submitted('train-1'),
    { type: 'TaskFailed', taskFailedEventDetails: { error: 'SageMaker.AmazonSageMakerException', cause: JSON.stringify({ TrainingJobStatus: 'Failed', FailureReason: 'CapacityError: no ml.m5.large' }) } },
    { type: 'TaskScheduled' },
    submitted('train-2'),
    { type: 'ExecutionTimedOut', executionTimedOutEventDetails: { error: 'States.Timeout' } },
  ].map((e, i) => ({ ...e, id: i + 1, timestamp: new Date(t0 + i * 1000) }) as unknown as HistoryEvent);
  const record = cloudRunRecord(events, { StartAt: 'train', States: { train: { Type: 'Task', Resource: 'x', End: true } } }, { executionName: 'n' });
  expect(record.status).toBe('TIMED_OUT');
  expect(record.states).toEqual([expect.objectContaining({ name: 'train', type: 'Task', outcome: 'failed', attempts: 2 })]);
  expect(record.jobs.map((j) => [j.name, j.kind, j.status, j.failureReason])).toEqual([
    ['train-1', 'training', 'Failed', 'CapacityError: no ml.m5.large'],
    ['train-2', 'training', 'InProgress', undefined],
  ]);
  expect(record.error).toEqual({ error: 'States.Timeout', cause: '', state: 'train' });
  expect(record.durationMs).toBe(7000);
});

test('the page is self-contained and escapes every name, message and log line', () => {
  const record: RunRecord = {
    source: 'local',
    executionName: 'x<y>',
    status: 'FAILED',
    startedAt: '2025-01-02T03:04:05.000Z',
    durationMs: 1200,
    definition: { StartAt: '<script>alert(1)</script>', States: { '<script>alert(1)</script>': { Type: 'Task', End: true } } },
    states: [{ name: '<script>alert(1)</script>', type: 'Task', outcome: 'failed', error: { error: 'E', cause: '"><img src=x onerror=alert(1)>' } }],
    jobs: [{ state: '<script>alert(1)</script>', name: 'j&b', status: 'Failed', startedAt: '2025-01-02T03:04:05.100Z', durationMs: 900, logTail: { source: 'stderr.log', lines: ['</pre><script>bad()</script>'] } }],
    outputs: [{ state: 's', name: 'o', uri: 's3://b/k', preview: { file: 'a.csv', rows: [['<b>h</b>'], ['1']] } }],
    gates: [],
  };
  const html = renderReportPage(record);
  expect(html).not.toMatch(/<script|<img/i);
  expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  expect(html).toContain('j&amp;b');
  // Nothing to fetch: no script, no external stylesheet or image, and a policy that forbids loading any.
  expect(html).not.toMatch(/<(link|img|iframe|object|embed)\b|url\(/i);
  expect(html).toContain(`default-src 'none'`);
});

test('a Map and a Parallel state are groups: a box around the state and the states it runs, an edge to each inner start', () => {
  const layout = layoutStateMachine(GROUPED_DEFINITION);
  expect(layout.groups.map((g) => [g.name, g.type])).toEqual([['score each customer', 'Map'], ['report both', 'Parallel']]);
  expect(layout.nodes.map((n) => n.name).sort()).toEqual(['done', 'fan-out failed', 'notify', 'prepare', 'rank', 'report both', 'score', 'score each customer', 'write csv']);
  const inside = (group: string, node: string) => {
    const g = layout.groups.find((x) => x.name === group)!;
    const n = layout.nodes.find((x) => x.name === node)!;
    return n.x - n.width / 2 >= g.x - g.width / 2 && n.x + n.width / 2 <= g.x + g.width / 2 && n.y - n.height / 2 >= g.y - g.height / 2 && n.y + n.height / 2 <= g.y + g.height / 2;
  };
  for (const node of ['score each customer', 'score', 'rank']) expect([node, inside('score each customer', node)]).toEqual([node, true]);
  for (const node of ['report both', 'write csv', 'notify']) expect([node, inside('report both', node)]).toEqual([node, true]);
  for (const node of ['prepare', 'done', 'fan-out failed']) expect([node, inside('score each customer', node) || inside('report both', node)]).toEqual([node, false]);
  expect(layout.edges.filter((e) => e.kind === 'branch').map((e) => `${e.from}->${e.to}`).sort()).toEqual(['report both->notify', 'report both->write csv', 'score each customer->score']);
  // A state inside the fan-out shows its worst item: item-2's score failed.
  const page = renderReportPage(GROUPED_RECORD);
  expect(page).toContain('<g class="state" data-state="score" data-outcome="failed">');
  expect(page).toContain('<g class="state" data-state="rank" data-outcome="succeeded">');
  expect(page).toContain('<g class="group" data-group="score each customer" data-type="Map">');
});
