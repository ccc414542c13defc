/**
 * The two pipeline roles, created from exactly the documents under `pipeline/iam/` (both come from
 * `buildIamDocuments`), or looked up in bring-your-own-role mode, where nothing is created.
 */
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { StateMachineDefinition } from '../asl/types.js';
import { buildIamDocuments } from '../iam/documents.js';
import type { IamDocuments } from '../iam/types.js';
import type { ResolvedPipeline } from '../model/types.js';
import { acknowledgeNagFindings, wildcardResourceAcknowledgements } from './nag-acknowledgements.js';

export interface PipelineRolesProps {
  readonly pipeline: ResolvedPipeline;
  readonly definition: StateMachineDefinition;
}

export class PipelineRoles extends Construct {
  /** The IAM documents the roles carry (or an administrator attaches in bring-your-own-role mode). */
  public readonly documents: IamDocuments;
  /** Immutable: CDK must not add statements the documents do not have. */
  public readonly stateMachineRole: iam.IRole;
  public readonly sageMakerExecutionRoleArn: string;

  constructor(scope: Construct, id: string, props: PipelineRolesProps) {
    super(scope, id);
    const { pipeline } = props;
    this.documents = buildIamDocuments(props.definition, pipeline);
    if (pipeline.roles.bringYourOwn) {
      this.stateMachineRole = iam.Role.fromRoleArn(this, 'StateMachineRole', pipeline.roles.stateMachineRoleArn, { mutable: false });
      this.sageMakerExecutionRoleArn = pipeline.roles.sageMakerExecutionRoleArn;
      return;
    }
    // CfnRole keeps the documents verbatim (trust conditions included); the names are the ones the
    // documents already use (the state machine role may pass exactly the SageMaker execution role).
    const stateMachineRole = this.role('StateMachineRole', pipeline.roles.stateMachineRoleArn, 'Step Functions state machine of the pipeline', this.documents.stateMachineRoleTrust, this.documents.stateMachineRolePolicy);
    const sageMakerRole = this.role('SageMakerExecutionRole', pipeline.roles.sageMakerExecutionRoleArn, 'SageMaker processing jobs of the pipeline', this.documents.sageMakerExecutionRoleTrust, this.documents.sageMakerExecutionRolePolicy);
    this.stateMachineRole = iam.Role.fromRoleArn(this, 'StateMachineRoleRef', stateMachineRole.attrArn, { mutable: false });
    this.sageMakerExecutionRoleArn = sageMakerRole.attrArn;

    acknowledgeNagFindings(stateMachineRole, wildcardResourceAcknowledgements(this.documents.stateMachineRolePolicy.Statement, (resource) =>
      resource === '*'
        ? 'CloudWatch Logs log delivery, X-Ray tracing and cloudwatch:PutMetricData (held to the pipeline\'s namespace by its cloudwatch:namespace condition) have no resource-level permissions; the actions are listed one by one.'
        : `The state machine starts jobs with a fresh name per attempt (<prefix>-<uuid>), so it can only be scoped to the project's name prefix: ${resource}.`));
    acknowledgeNagFindings(sageMakerRole, wildcardResourceAcknowledgements(this.documents.sageMakerExecutionRolePolicy.Statement, (resource) =>
      resource === '*'
        ? 'ecr:GetAuthorizationToken and cloudwatch:PutMetricData have no resource-level permissions; the actions are listed one by one.'
        : sageMakerWildcardReason(resource)));
  }

  private role(id: string, arn: string, purpose: string, trust: object, policy: object): iam.CfnRole {
    return new iam.CfnRole(this, id, {
      roleName: arn.slice(arn.lastIndexOf('/') + 1),
      description: `legacy-mlops: ${purpose} (documents under pipeline/iam/)`,
      assumeRolePolicyDocument: trust,
      policies: [{ policyName: 'pipeline', policyDocument: policy }],
    });
  }
}

function sageMakerWildcardReason(resource: string): string {
  if (resource.includes(':log-group:')) return `SageMaker creates one log stream per job, named at run time: ${resource}.`;
  if (resource.includes('/runs/*/')) return `Run outputs live under the execution's name, known only at run time; the stage and output parts stay fixed: ${resource}.`;
  return `Jobs read every object under this prefix, whose file names are the user's: ${resource}.`;
}
