/**
 * The CloudWatch Logs Insights queries of the pipeline dashboard, read from the state machine's
 * execution log (every event, with data). Pure: model → query lines.
 *
 * Why logs and not metrics: Step Functions publishes execution metrics per state machine, but its
 * service-integration metrics are per integration ARN (every processing stage of every state machine
 * in the account shares `createProcessingJob.sync`), and SageMaker publishes no job-duration metric.
 * The execution log names each state, so per-stage durations and failures come from there. The gate's
 * metric is a real metric: the pipeline publishes it (src/asl/gate-metric.ts).
 */
import type { ResolvedPipeline, ResolvedStage } from '../model/types.js';

export interface DashboardQuery {
  readonly title: string;
  readonly lines: readonly string[];
  /** A line chart over time (`stats … by bin()`), else a table. */
  readonly overTime: boolean;
}

/** A string literal of the query language (double-quoted, backslash escapes). */
const literal = (text: string) => JSON.stringify(text);

/** The stages whose main state is named after them and runs something worth timing. */
function timedStages(pipeline: ResolvedPipeline): ResolvedStage[] {
  // An endpoint stage's time is spread over its create/wait loop; its first state is not named after it.
  return pipeline.stages.filter((s) => s.kind !== 'endpoint');
}

export function stageDurationQuery(pipeline: ResolvedPipeline): DashboardQuery {
  const names = timedStages(pipeline).map((s) => literal(s.name));
  return {
    title: 'Stage durations (seconds, per execution: entered → exited)',
    overTime: false,
    lines: [
      'fields details.name as stage',
      `filter type in ["TaskStateEntered", "TaskStateExited"] and stage in [${names.join(', ')}]`,
      // First stats: one duration per execution and stage; second: their spread per stage.
      'stats (max(@timestamp) - min(@timestamp)) / 1000 as seconds by execution_arn, stage',
      'stats count(*) as runs, avg(seconds) as average, max(seconds) as longest by stage',
      'sort stage asc',
    ],
  };
}

export function stageFailureQuery(): DashboardQuery {
  return {
    title: 'Failures by stage (executions that ended in a stage\'s Fail state)',
    overTime: false,
    lines: [
      'fields details.name as failState',
      // Every Fail state counts: a job's ('<stage> failed'), a gate's, a rejection, a timeout.
      'filter type = "FailStateEntered"',
      'stats count(*) as executions by failState',
      'sort executions desc',
    ],
  };
}

export function dashboardQueries(pipeline: ResolvedPipeline): DashboardQuery[] {
  return [stageDurationQuery(pipeline), stageFailureQuery()];
}
