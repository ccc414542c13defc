/** Starts the pipeline on an EventBridge schedule with the deployed execution input. */
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { ExecutionInput } from '../input/execution-input.js';

export interface PipelineScheduleProps {
  /** `cron(...)` or `rate(...)`, validated by the model. */
  readonly expression: string;
  readonly enabled: boolean;
  readonly stateMachine: sfn.IStateMachine;
  readonly executionInput: ExecutionInput;
}

export class PipelineSchedule extends Construct {
  public readonly rule: events.Rule;

  constructor(scope: Construct, id: string, props: PipelineScheduleProps) {
    super(scope, id);
    this.rule = new events.Rule(this, 'Rule', {
      description: `legacy-mlops: starts the pipeline on ${props.expression}`,
      schedule: events.Schedule.expression(props.expression),
      enabled: props.enabled,
      // The target's role may call states:StartExecution on this state machine only.
      targets: [new targets.SfnStateMachine(props.stateMachine, { input: events.RuleTargetInput.fromObject(props.executionInput) })],
    });
  }
}
