/**
 * The metric gate after an evaluation job: read the report the job wrote (`aws-sdk:s3:getObject`,
 * parsed with `States.StringToJson`); when its metric is a number, publish it to CloudWatch
 * (gate-metric.ts), then a Choice compares it with the threshold of the execution input. Below it, a
 * Pass state words the cause (metric, value, threshold) and the execution ends in a Fail state, or,
 * when the gate is set to skip, succeeds without the later stages.
 */
import { S3_GET_OBJECT_RESOURCE, taskResourceArn } from './task-resources.js';
import type { ResolvedMetricGate, ResolvedPipeline, ResolvedStage } from '../model/types.js';
import { stageResultPath, stageSettingPath } from './input-paths.js';
import { publishGateMetricState } from './gate-metric.js';
import { catchIntoFailState } from './task-common.js';
import { runOutputObject } from './s3-locations.js';
import type { ChoiceRule, State } from './types.js';

/** GetObject of a small report: a minute is plenty. */
const READ_REPORT_TIMEOUT_SECONDS = 60;
/** The report format the gate reads (and the evaluation stub writes): `{"metrics": {"<name>": {"value": <number>}}}`. */
export const REPORT_METRICS_KEY = 'metrics';

export function gateStateNames(stage: ResolvedStage) {
  return {
    read: `${stage.name}: read report`,
    /** Is the report's metric a number? Only then is it published and compared. */
    present: `${stage.name}: metric present`,
    publish: `${stage.name}: publish metric`,
    check: `${stage.name}: gate`,
    below: `${stage.name}: below threshold`,
    failed: `${stage.name}: gate failed`,
    skipped: `${stage.name}: gate skipped the rest`,
    missing: `${stage.name}: metric missing`,
  };
}

/** Where the parsed report lands, and the metric's value in it. */
export function reportPath(stage: ResolvedStage): string {
  return `${stageResultPath(stage.name)}.report`;
}

export function metricValuePath(stage: ResolvedStage, gate: ResolvedMetricGate): string {
  return `${reportPath(stage)}.body.${REPORT_METRICS_KEY}.${gate.metric}.value`;
}

/** The gate's states, entered after the job; `next` is where a passing model goes. */
export function metricGateStates(stage: ResolvedStage, pipeline: ResolvedPipeline, next: string): Record<string, State> {
  const gate = stage.gate;
  if (!gate) throw new Error(`stage '${stage.name}' has no gate`);
  const names = gateStateNames(stage);
  const value = metricValuePath(stage, gate);
  const threshold = stageSettingPath(stage.name, 'threshold');
  const passes: ChoiceRule = gate.greaterIsBetter ? { Variable: value, NumericGreaterThanEqualsPath: threshold } : { Variable: value, NumericLessThanEqualsPath: threshold };
  const direction = gate.greaterIsBetter ? 'below the threshold {} (higher is better)' : 'above the threshold {} (lower is better)';
  const where = `${stage.outputs.find((o) => o.name === gate.reportOutput)?.name ?? gate.reportOutput}/${gate.reportFile}`;
  return {
    [names.read]: {
      Type: 'Task',
      Comment: `Reads the report ${where} the ${stage.name} job wrote.`,
      Resource: taskResourceArn(S3_GET_OBJECT_RESOURCE, pipeline.partition),
      Parameters: runOutputObject(stage.name, gate.reportOutput, gate.reportFile, pipeline),
      ResultSelector: { 'body.$': 'States.StringToJson($.Body)' },
      ResultPath: reportPath(stage),
      TimeoutSeconds: READ_REPORT_TIMEOUT_SECONDS,
      // No Retry: a missing or unreadable report is the job's fault, and a retry would not fix it.
      Catch: catchIntoFailState(stage),
      Next: names.present,
    },
    [names.present]: {
      Type: 'Choice',
      Comment: `Goes on only when the report has a numeric ${gate.metric}.`,
      // Positive tests only, the second guarded by the first inside And (evaluated in order).
      Choices: [{ And: [{ Variable: value, IsPresent: true }, { Variable: value, IsNumeric: true }], Next: names.publish }],
      Default: names.missing,
    },
    [names.publish]: publishGateMetricState(stage, gate, pipeline, value, names.check),
    [names.check]: {
      Type: 'Choice',
      Comment: `Passes when ${gate.metric} is ${gate.greaterIsBetter ? 'at least' : 'at most'} stages.<key>.threshold of the execution input.`,
      // The value is a number (checked before it was published): one comparison decides.
      Choices: [{ ...passes, Next: next }],
      Default: names.below,
    },
    [names.missing]: {
      Type: 'Fail',
      Comment: `The report has no numeric ${REPORT_METRICS_KEY}.${gate.metric}.value.`,
      Error: 'MetricMissing',
      Cause: `${where} of stage ${stage.name} has no numeric "${REPORT_METRICS_KEY}": {"${gate.metric}": {"value": <number>}}: the gate cannot compare it with the threshold`,
    },
    [names.below]: {
      Type: 'Pass',
      Comment: 'Words the verdict for the Fail state (or the execution output).',
      Parameters: {
        metric: gate.metric,
        'value.$': value,
        'threshold.$': threshold,
        'cause.$': `States.Format('${gate.metric} {} is ${direction}: the model did not pass the ${stage.name} gate', ${value}, ${threshold})`,
      },
      ResultPath: `${stageResultPath(stage.name)}.gate`,
      Next: gate.onFail === 'fail' ? names.failed : names.skipped,
    },
    ...(gate.onFail === 'fail'
      ? {
          [names.failed]: {
            Type: 'Fail' as const,
            Comment: 'The model is not good enough; nothing after the gate ran.',
            Error: 'MetricBelowThreshold',
            CausePath: `${stageResultPath(stage.name)}.gate.cause`,
          },
        }
      : {
          [names.skipped]: {
            Type: 'Succeed' as const,
            Comment: `Below the threshold: the stages after ${stage.name} are skipped; the output's results.${stage.name.replace(/-/g, '_')}.gate says why.`,
          },
        }),
  };
}
