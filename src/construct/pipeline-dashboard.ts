/**
 * The pipeline's CloudWatch dashboard and its alarm on failed executions.
 *
 * Metrics: the state machine's execution counts and times (AWS/States, per state machine) and each
 * gate's metric, which the pipeline publishes itself (src/asl/gate-metric.ts), with its threshold.
 * Per-stage durations and failures come from the execution log (see dashboard-queries.ts).
 * The alarm (failed or timed-out executions in at least two 5-minute periods of the last 24 hours:
 * repeated failure, see FAILED_EXECUTIONS_ALARM) publishes to the notifications topic when the
 * project has one, on turning red only; each single failure is the execution-status rule's message.
 * That topic is encrypted with a customer managed key, so the topic and key policies let CloudWatch
 * publish for this alarm only (FailureNotifications.allowAlarm).
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { gateMetricDimensions, gateMetricNamespace } from '../asl/gate-metric.js';
import type { ResolvedPipeline } from '../model/types.js';
import { dashboardQueries } from './dashboard-queries.js';
import { stateMachineName } from './deployed-input.js';
import { dashboardName, FAILED_EXECUTIONS_ALARM, failedExecutionsAlarmArn, failedExecutionsAlarmName } from './monitoring-names.js';
import type { FailureNotifications } from './failure-notifications.js';

export interface PipelineDashboardProps {
  readonly pipeline: ResolvedPipeline;
  readonly stateMachine: sfn.StateMachine;
  readonly logGroup: logs.ILogGroup;
  /** The alarm publishes here when given. */
  readonly notifications?: FailureNotifications;
}

const WIDTH = 24;

export class PipelineDashboard extends Construct {
  public readonly dashboard: cloudwatch.Dashboard;
  public readonly failedExecutionsAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: PipelineDashboardProps) {
    super(scope, id);
    const { pipeline, stateMachine } = props;
    const day = { period: Duration.days(1), statistic: cloudwatch.Stats.SUM };

    const failedOrTimedOut = new cloudwatch.MathExpression({
      label: 'Failed or timed out',
      expression: 'FILL(failed, 0) + FILL(timedOut, 0)',
      usingMetrics: {
        failed: stateMachine.metricFailed({ statistic: cloudwatch.Stats.SUM }),
        timedOut: stateMachine.metricTimedOut({ statistic: cloudwatch.Stats.SUM }),
      },
      period: Duration.minutes(FAILED_EXECUTIONS_ALARM.periodMinutes),
    });
    this.failedExecutionsAlarm = new cloudwatch.Alarm(this, 'FailedExecutions', {
      alarmName: failedExecutionsAlarmName(pipeline),
      alarmDescription:
        `legacy-mlops: executions of ${stateMachineName(pipeline)} failed or timed out in ${FAILED_EXECUTIONS_ALARM.datapointsToAlarm} or more ${FAILED_EXECUTIONS_ALARM.periodMinutes}-minute periods within 24 hours: the pipeline keeps failing. ` +
        'Each failed execution was also notified once by name; the execution log and npx projen start show why.',
      metric: failedOrTimedOut,
      threshold: 1,
      evaluationPeriods: FAILED_EXECUTIONS_ALARM.evaluationPeriods,
      datapointsToAlarm: FAILED_EXECUTIONS_ALARM.datapointsToAlarm,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      // No execution is not a failure.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    if (props.notifications) {
      props.notifications.allowAlarm(failedExecutionsAlarmArn(pipeline));
      // On turning red only: no OK or insufficient-data action, so the topic hears of repeated failure once.
      this.failedExecutionsAlarm.addAlarmAction(new actions.SnsAction(props.notifications.topic));
    }

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: dashboardName(pipeline),
      defaultInterval: Duration.days(30),
    });
    this.dashboard.addWidgets(
      new cloudwatch.TextWidget({
        markdown: `# ${pipeline.name}\nStages: ${pipeline.stages.map((s) => `${s.name} (${s.kind})`).join(' → ')}. Counts per day; stage figures from the execution log ${props.logGroup.logGroupName}.`,
        width: WIDTH,
        height: 2,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Executions per day',
        left: [
          stateMachine.metricStarted({ ...day, label: 'Started' }),
          stateMachine.metricSucceeded({ ...day, label: 'Succeeded' }),
          stateMachine.metricFailed({ ...day, label: 'Failed' }),
          stateMachine.metricTimedOut({ ...day, label: 'Timed out' }),
          stateMachine.metricAborted({ ...day, label: 'Aborted' }),
        ],
        width: 9,
      }),
      new cloudwatch.GraphWidget({
        title: 'Execution time (ms)',
        left: [
          stateMachine.metricTime({ period: Duration.days(1), statistic: cloudwatch.Stats.AVERAGE, label: 'Average' }),
          stateMachine.metricTime({ period: Duration.days(1), statistic: cloudwatch.Stats.MAXIMUM, label: 'Longest' }),
        ],
        width: 9,
      }),
      new cloudwatch.AlarmStatusWidget({ title: 'Alarm', alarms: [this.failedExecutionsAlarm], width: 6 }),
    );
    for (const stage of pipeline.stages) {
      const gate = stage.gate;
      if (!gate) continue;
      const metric = (statistic: string, label: string) =>
        new cloudwatch.Metric({
          namespace: gateMetricNamespace(pipeline),
          metricName: gate.metric,
          dimensionsMap: gateMetricDimensions(pipeline, stage),
          statistic,
          period: Duration.days(1),
          label,
        });
      this.dashboard.addWidgets(
        new cloudwatch.GraphWidget({
          title: `${gate.metric} of stage ${stage.name}, per day (published by the pipeline at its gate)`,
          // The worst value of the day is the one a gate may have stopped on.
          left: [metric(cloudwatch.Stats.AVERAGE, 'Average'), metric(gate.greaterIsBetter ? cloudwatch.Stats.MINIMUM : cloudwatch.Stats.MAXIMUM, gate.greaterIsBetter ? 'Lowest' : 'Highest')],
          leftAnnotations: [{ value: gate.threshold, label: `Default threshold ${gate.threshold} (${gate.greaterIsBetter ? 'at least' : 'at most'})` }],
          width: WIDTH,
          height: 6,
        }),
      );
    }
    for (const query of dashboardQueries(pipeline)) {
      this.dashboard.addWidgets(
        new cloudwatch.LogQueryWidget({
          title: query.title,
          logGroupNames: [props.logGroup.logGroupName],
          queryLines: [...query.lines],
          view: query.overTime ? cloudwatch.LogQueryVisualizationType.LINE : cloudwatch.LogQueryVisualizationType.TABLE,
          width: WIDTH,
          height: 6,
        }),
      );
    }
  }
}
