/**
 * The registry path of the approval stages: a version of a decided group turning Approved or
 * Rejected in the SageMaker Model Registry → an EventBridge rule → a small function that finds the
 * execution waiting for that version and sends it the decision (src/approval/registry-resume.ts).
 *
 * Why a function reading the execution history rather than a token stored for it: the register
 * stage already writes the execution's ARN on the version, and the token is already in that
 * execution's history, where `legacy-mlops approve` finds it. Both paths read the same place with
 * the same code (src/approval/waiting-approval.ts), there is no table to keep consistent or to
 * secure, and the token never leaves the Step Functions history (a tag or a metadata property on
 * the version would show it to everyone who may describe the registry).
 *
 * Least privilege: the function's policy is derived from the model (src/iam/registry-resume-policy.ts):
 * DescribeModelPackage on the decided groups' versions, history reads on this state machine's
 * executions, SendTaskSuccess/SendTaskFailure (no resource type exists for them: the token is the
 * capability), its own log group, and publishing to the notifications topic, where Lambda sends an
 * event the function still could not handle after its retries. The rule matches only the decided
 * groups and statuses.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { REGISTRY_RESUME_ENV } from '../approval/approval-contract.js';
import { buildRegistryResumePolicy, registryApprovals, registryResumeLogGroupName } from '../iam/registry-resume-policy.js';
import type { PolicyDocument } from '../iam/types.js';
import type { ResolvedPipeline } from '../model/types.js';
import { stateMachineName } from './deployed-input.js';
import type { FailureNotifications } from './failure-notifications.js';
import { bundleFunction, packageModulePath } from './function-bundle.js';
import { acknowledgeNagFindings, wildcardResourceAcknowledgements } from './nag-acknowledgements.js';

/** The detail type SageMaker sends when a model package's status changes. */
export const MODEL_PACKAGE_STATE_CHANGE_DETAIL_TYPE = 'SageMaker Model Package State Change';

export interface RegistryApprovalsProps {
  readonly pipeline: ResolvedPipeline;
  readonly stateMachine: sfn.IStateMachine;
  /** Where an event the function could not handle (after Lambda's two retries) is published. */
  readonly notifications: FailureNotifications;
}

export class RegistryApprovals extends Construct {
  public readonly rule: events.Rule;
  public readonly function: lambda.Function;
  public readonly logGroup: logs.LogGroup;
  /** The function's policy, exactly as derived from the model. */
  public readonly policy: PolicyDocument;

  constructor(scope: Construct, id: string, props: RegistryApprovalsProps) {
    super(scope, id);
    const { pipeline } = props;
    const approvals = registryApprovals(pipeline);
    const policy = buildRegistryResumePolicy(pipeline);
    if (!approvals || !policy) throw new Error(`pipeline '${pipeline.name}' has no approval stage deciding a registered version: there is no registry path to deploy`);
    this.policy = policy;

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName: registryResumeLogGroupName(pipeline),
      retention: logs.RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // CfnRole keeps the derived document verbatim; the immutable reference stops CDK adding to it.
    const role = new iam.CfnRole(this, 'Role', {
      description: `legacy-mlops: resumes executions of ${stateMachineName(pipeline)} when their model version is decided in the registry`,
      assumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      },
      policies: [{ policyName: 'registry-approvals', policyDocument: policy }],
    });
    acknowledgeNagFindings(role, wildcardResourceAcknowledgements(policy.Statement, (resource) => wildcardReason(resource)));

    const code = bundleFunction(packageModulePath('../approval/registry-resume-handler'));
    this.function = new lambda.Function(this, 'Function', {
      description: `legacy-mlops: approval of ${stateMachineName(pipeline)} decided in the model registry → the waiting execution`,
      runtime: lambda.Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code: lambda.Code.fromAsset(code),
      role: iam.Role.fromRoleArn(this, 'RoleRef', role.attrArn, { mutable: false }),
      logGroup: this.logGroup,
      timeout: Duration.minutes(1),
      memorySize: 256,
      environment: {
        [REGISTRY_RESUME_ENV.stateMachineArn]: props.stateMachine.stateMachineArn,
        [REGISTRY_RESUME_ENV.groups]: approvals.groups.join(','),
        [REGISTRY_RESUME_ENV.statuses]: approvals.statuses.join(','),
      },
    });
    this.function.node.addDependency(role);
    // A decision made in the registry is never lost silently: an event still failing after Lambda's
    // retries goes to the notifications topic (the role's policy and the key policy allow exactly that).
    this.function.configureAsyncInvoke({ retryAttempts: 2, onFailure: new destinations.SnsDestination(props.notifications.topic) });
    props.notifications.allowRole('RegistryApprovalsReportUnhandled', role.attrArn);

    this.rule = new events.Rule(this, 'Rule', {
      description: `legacy-mlops: versions of ${approvals.groups.join(', ')} turning ${approvals.statuses.join(' or ')} resume the execution of ${stateMachineName(pipeline)} waiting for them`,
      eventPattern: {
        source: ['aws.sagemaker'],
        detailType: [MODEL_PACKAGE_STATE_CHANGE_DETAIL_TYPE],
        detail: { ModelPackageGroupName: approvals.groups, ModelApprovalStatus: approvals.statuses },
      },
      // EventBridge retries delivery; the function itself is idempotent per version and execution.
      targets: [new targets.LambdaFunction(this.function, { retryAttempts: 8, maxEventAge: Duration.hours(6) })],
    });
  }
}

function wildcardReason(resource: string): string {
  if (resource === '*') return 'states:SendTaskSuccess and SendTaskFailure have no resource type (Service Authorization Reference): the task token is the capability, and this function reads tokens only from this state machine\'s executions.';
  if (resource.includes(':model-package/')) return `Versions are numbered by the registry as they are created; the grant stays within the decided group: ${resource}.`;
  if (resource.includes(':execution:')) return `Executions are named at start; the grant stays within this state machine: ${resource}.`;
  return `Lambda names its log streams at run time; the grant stays within the function's own log group: ${resource}.`;
}
