/** Starts the pipeline on an EventBridge schedule with the deployed execution input. */
import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { ExecutionInput } from '../input/execution-input.js';

export interface PipelineScheduleProps {
  /** `cron(...)` or `rate(...)`, validated by the model. */
  readonly expression: string;
  readonly enabled: boolean;
  readonly stateMachine: sfn.IStateMachine;
  readonly executionInput: ExecutionInput;
  /** Fixed, so the target role's trust can name the rule's ARN without a circular reference. */
  readonly ruleName: string;
}

export class PipelineSchedule extends Construct {
  public readonly rule: events.Rule;
  /** The role EventBridge assumes to start executions. */
  public readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: PipelineScheduleProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const ruleArn = stack.formatArn({ service: 'events', resource: 'rule', resourceName: props.ruleName, arnFormat: ArnFormat.SLASH_RESOURCE_NAME });
    // Only this rule of this account may assume the role: EventBridge presents the rule as aws:SourceArn
    // (EventBridge guide, "Cross-service confused deputy prevention").
    this.role = new iam.Role(this, 'TargetRole', {
      description: `legacy-mlops: EventBridge rule ${props.ruleName} starts the pipeline`,
      assumedBy: new iam.ServicePrincipal('events.amazonaws.com').withConditions({
        StringEquals: { 'aws:SourceAccount': stack.account },
        ArnEquals: { 'aws:SourceArn': ruleArn },
      }),
    });
    this.rule = new events.Rule(this, 'Rule', {
      ruleName: props.ruleName,
      description: `legacy-mlops: starts the pipeline on ${props.expression}`,
      schedule: events.Schedule.expression(props.expression),
      enabled: props.enabled,
      // The target grants the role states:StartExecution on this state machine only.
      targets: [new targets.SfnStateMachine(props.stateMachine, { input: events.RuleTargetInput.fromObject(props.executionInput), role: this.role })],
    });
  }
}
