/** A definition with a (Distributed) Map and a Parallel state, and a record of a run whose second item failed. */
import type { RunRecord } from '../../src/report/run-record.js';

export const GROUPED_DEFINITION = {
  StartAt: 'prepare',
  States: {
    prepare: { Type: 'Pass', Next: 'score each customer' },
    'score each customer': {
      Type: 'Map',
      ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, StartAt: 'score', States: { score: { Type: 'Task', Resource: 'x', Next: 'rank' }, rank: { Type: 'Task', Resource: 'x', End: true } } },
      Next: 'report both',
      Catch: [{ ErrorEquals: ['States.ALL'], Next: 'fan-out failed' }],
    },
    'report both': {
      Type: 'Parallel',
      Branches: [
        { StartAt: 'write csv', States: { 'write csv': { Type: 'Task', Resource: 'x', End: true } } },
        { StartAt: 'notify', States: { notify: { Type: 'Task', Resource: 'x', End: true } } },
      ],
      Next: 'done',
    },
    done: { Type: 'Succeed' },
    'fan-out failed': { Type: 'Fail' },
  },
};

export const GROUPED_RECORD: RunRecord = {
  source: 'local',
  executionName: 'grouped',
  status: 'FAILED',
  startedAt: '2025-01-02T03:04:05.000Z',
  definition: GROUPED_DEFINITION,
  states: [
    { name: 'prepare', type: 'Pass', outcome: 'succeeded' },
    { name: 'score each customer', type: 'Map', outcome: 'caught' },
    { name: 'item-1 › score', type: 'Task', outcome: 'succeeded' },
    { name: 'item-1 › rank', type: 'Task', outcome: 'succeeded' },
    { name: 'item-2 › score', type: 'Task', outcome: 'failed' },
    { name: 'fan-out failed', type: 'Fail', outcome: 'failed' },
  ],
  jobs: [],
  outputs: [],
  gates: [],
};
