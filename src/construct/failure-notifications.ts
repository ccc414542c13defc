/**
 * Failed, timed-out and aborted executions → an EventBridge rule → one message per execution, naming
 * it, to an SNS topic encrypted with a
 * customer managed key (EventBridge cannot use the AWS managed SNS key) and reachable over TLS only.
 * The topic and key policies are written here, not granted by CDK helpers, so every action is
 * named (CDK's grant would add `kms:GenerateDataKey*`) and the topic only accepts this rule.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { ResolvedPipeline } from '../model/types.js';
import { notificationTopicName } from '../asl/approval-states.js';
import { approvalKeyPolicyStatement } from '../iam/approver-policy.js';
import { consoleHost } from './deployed-input.js';

/** Execution statuses that notify. */
export const FAILURE_STATUSES = ['FAILED', 'TIMED_OUT', 'ABORTED'];

/** What the account may do with the key: administration only, each action by name. */
const KEY_ADMIN_ACTIONS = [
  'kms:CancelKeyDeletion',
  'kms:CreateAlias',
  'kms:CreateGrant',
  'kms:DeleteAlias',
  'kms:DescribeKey',
  'kms:DisableKey',
  'kms:DisableKeyRotation',
  'kms:EnableKey',
  'kms:EnableKeyRotation',
  'kms:GetKeyPolicy',
  'kms:GetKeyRotationStatus',
  'kms:ListAliases',
  'kms:ListGrants',
  'kms:ListKeyPolicies',
  'kms:ListKeyRotations',
  'kms:ListResourceTags',
  'kms:PutKeyPolicy',
  'kms:RetireGrant',
  'kms:RevokeGrant',
  'kms:RotateKeyOnDemand',
  'kms:ScheduleKeyDeletion',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:UpdateAlias',
  'kms:UpdateKeyDescription',
];

export interface FailureNotificationsProps {
  readonly pipeline: ResolvedPipeline;
  readonly stateMachine: sfn.IStateMachine;
  /** Subscribed to the topic when given. */
  readonly email?: string;
  /** What creates the state machine role: with an approval stage the key policy names that role, which must exist first. */
  readonly stateMachineRole?: Construct;
}

export class FailureNotifications extends Construct {
  public readonly topic: sns.Topic;
  public readonly key: kms.Key;
  public readonly rule: events.Rule;
  private readonly account: string;

  constructor(scope: Construct, id: string, props: FailureNotificationsProps) {
    super(scope, id);
    const { pipeline } = props;
    const eventBridge = new iam.ServicePrincipal('events.amazonaws.com');
    const hasApproval = pipeline.stages.some((s) => s.kind === 'approval');

    this.account = pipeline.account;
    const key = new kms.Key(this, 'Key', {
      description: `legacy-mlops: encrypts the failure notifications of ${pipeline.name}`,
      enableKeyRotation: true,
      pendingWindow: Duration.days(30),
      policy: new iam.PolicyDocument({
        statements: [
          new iam.PolicyStatement({ sid: 'AccountAdministersKey', principals: [new iam.AccountRootPrincipal()], actions: KEY_ADMIN_ACTIONS, resources: ['*'] }),
          // Approval stages publish their request (with its task token) as the state machine role.
          ...(hasApproval ? [iam.PolicyStatement.fromJson(approvalKeyPolicyStatement(pipeline))] : []),
          // EventBridge encrypts what it publishes to the topic with this key (the statement the SNS guide
          // gives for AWS event sources). Who may publish at all is decided by the topic policy below;
          // aws:SourceAccount keeps another account's rules from using the key (confused deputy, IAM guide).
          new iam.PolicyStatement({
            sid: 'EventBridgePublishesEncrypted',
            principals: [eventBridge],
            actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
            resources: ['*'],
            conditions: { StringEquals: { 'aws:SourceAccount': pipeline.account } },
          }),
        ],
      }),
    });

    this.key = key;
    if (hasApproval && props.stateMachineRole) key.node.addDependency(props.stateMachineRole);

    this.topic = new sns.Topic(this, 'Topic', {
      // Named: the state machine's policy (derived from the ASL) names the topic approvals publish to.
      topicName: notificationTopicName(pipeline),
      displayName: `${pipeline.name} pipeline ${hasApproval ? 'failures and approvals' : 'failures'}`,
      masterKey: key,
      enforceSSL: true,
    });
    if (props.email) this.topic.addSubscription(new subscriptions.EmailSubscription(props.email));

    const detail = (path: string) => events.EventField.fromPath(`$.detail.${path}`);
    const host = consoleHost(pipeline.partition, pipeline.region);
    this.rule = new events.Rule(this, 'Rule', {
      description: `legacy-mlops: ${pipeline.name} executions that end ${FAILURE_STATUSES.join(', ')}`,
      eventPattern: {
        source: ['aws.states'],
        detailType: ['Step Functions Execution Status Change'],
        detail: { status: FAILURE_STATUSES, stateMachineArn: [props.stateMachine.stateMachineArn] },
      },
      targets: [
        {
          // The SNS target of aws-events-targets grants through CDK's wildcard KMS grant; this one relies on the policies above.
          bind: () => ({
            arn: this.topic.topicArn,
            targetResource: this.topic,
            input: events.RuleTargetInput.fromText(
              `Pipeline ${pipeline.name}: execution ${detail('name')} ended ${detail('status')}. ` +
                `Details: https://${host}/states/home?region=${pipeline.region}#/v2/executions/details/${detail('executionArn')}`,
            ),
          }),
        },
      ],
    });
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'FailureRulePublishes',
        principals: [eventBridge],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: { ArnEquals: { 'aws:SourceArn': this.rule.ruleArn } },
      }),
    );
  }

  /**
   * Lets one role of this stack publish here (its identity policy names the topic and the key): KMS
   * also asks the key policy, which then names that role, through SNS only.
   */
  public allowRole(sid: string, roleArn: string): void {
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid,
        principals: [new iam.ArnPrincipal(roleArn)],
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: ['*'],
        conditions: { StringEquals: { 'kms:ViaService': `sns.${Stack.of(this).region}.amazonaws.com` } },
      }),
    );
  }

  /**
   * Lets one CloudWatch alarm publish here: CloudWatch encrypts with the topic's key, so both the key
   * and the topic policy name the alarm (aws:SourceArn) and this account (aws:SourceAccount).
   */
  public allowAlarm(alarmArn: string): void {
    const cloudWatch = new iam.ServicePrincipal('cloudwatch.amazonaws.com');
    const conditions = { ArnEquals: { 'aws:SourceArn': alarmArn }, StringEquals: { 'aws:SourceAccount': this.account } };
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({ sid: 'AlarmPublishesEncrypted', principals: [cloudWatch], actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: ['*'], conditions }),
    );
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({ sid: 'AlarmPublishes', principals: [cloudWatch], actions: ['sns:Publish'], resources: [this.topic.topicArn], conditions }),
    );
  }
}
