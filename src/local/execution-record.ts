/** Builds the report's state records from aws-local-stepfunctions' event log and the emulators' job records. */
import type { StateMachine } from 'aws-local-stepfunctions';
import type { JobRecord, StateRecord } from './report.js';

/** The package does not export its event type; this is it, taken from `run()`'s signature. */
export type ExecutionEvent = ReturnType<StateMachine['run']>['eventLogs'] extends AsyncGenerator<infer E> ? E : never;

export class ExecutionRecorder {
  readonly states: StateRecord[] = [];
  private readonly entered = new Map<string, { record: StateRecord; at: number }>();
  private readonly jobs: JobRecord[] = [];

  onEvent(event: ExecutionEvent): void {
    if (!('state' in event)) return;
    const { name, type } = event.state;
    switch (event.type) {
      case 'StateEntered': {
        const record: StateRecord = { name, type, status: 'RUNNING', startedAt: new Date(event.timestamp).toISOString(), attempts: 1, jobs: [] };
        // A Choice's input is what it compared (a metric gate's value and threshold): the report page shows it.
        if (type === 'Choice') record.input = event.state.input;
        this.states.push(record);
        this.entered.set(name, { record, at: event.timestamp });
        break;
      }
      case 'StateExited':
        this.update(name, event.timestamp, (r) => {
          if (r.status === 'RUNNING') r.status = 'SUCCEEDED';
        });
        break;
      case 'StateFailed':
        this.update(name, event.timestamp, (r) => {
          r.status = 'FAILED';
          r.error = { error: event.Error, cause: String(event.Cause) };
        });
        break;
      case 'StateRetried':
        this.update(name, event.timestamp, (r) => {
          r.status = 'RUNNING';
          r.attempts += 1;
        });
        break;
      case 'StateCaught':
        this.update(name, event.timestamp, (r) => {
          r.status = 'CAUGHT';
          r.caughtTo = event.catch.catcher.Next;
        });
        break;
    }
  }

  onJobEnded(job: JobRecord): void {
    this.jobs.push(job);
  }

  /** The records with each job attached to the state that ran it (the last entry of that state before the job began). */
  finish(): StateRecord[] {
    for (const job of this.jobs) {
      const candidates = this.states.filter((s) => s.name === job.stateName && s.startedAt <= job.startedAt);
      const owner = candidates[candidates.length - 1] ?? this.states.find((s) => s.name === job.stateName);
      owner?.jobs.push(job);
    }
    return this.states;
  }

  entryTime(name: string): number | undefined {
    return this.entered.get(name)?.at;
  }

  private update(name: string, timestamp: number, change: (record: StateRecord) => void): void {
    const entry = this.entered.get(name);
    if (!entry) return;
    change(entry.record);
    entry.record.durationMs = timestamp - entry.at;
  }
}
