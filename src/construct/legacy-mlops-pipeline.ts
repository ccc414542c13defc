/**
 * `LegacyMlopsPipeline`: everything one environment of a generated repo deploys. Its inputs are the
 * resolved model and the ASL built from it, the same inputs every file under `pipeline/` comes from.
 */
import { CfnOutput, RemovalPolicy, Stack, Tags } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { Construct } from 'constructs';
import { stageInputKey } from '../asl/input-paths.js';
import { buildStateMachine } from '../asl/state-machine.js';
import type { StateMachineDefinition } from '../asl/types.js';
import type { ExecutionInput } from '../input/execution-input.js';
import { registryApprovals } from '../iam/registry-resume-policy.js';
import type { ResolvedPipeline } from '../model/types.js';
import { MAX_BUILT_IMAGE_TAGS, builtImageStages, builtImageTagKey, consoleHost, deployedExecutionInput, stateMachineName } from './deployed-input.js';
import { FailureNotifications } from './failure-notifications.js';
import { ModelPackageGroups } from './model-package-groups.js';
import { PipelineBucket } from './pipeline-bucket.js';
import { dashboardName } from './monitoring-names.js';
import { PipelineDashboard } from './pipeline-dashboard.js';
import { PipelineRoles } from './pipeline-roles.js';
import { PipelineSchedule } from './pipeline-schedule.js';
import { RegistryApprovals } from './registry-approvals.js';
import { StageCodeUpload } from './stage-code-upload.js';
import { StageImages } from './stage-images.js';

export interface LegacyMlopsPipelineProps {
  /** The resolved model of the environment being deployed (its account and region). */
  readonly pipeline: ResolvedPipeline;
  /** @default buildStateMachine(pipeline), i.e. `pipeline/state-machine.asl.json` */
  readonly definition?: StateMachineDefinition;
  /** Root of the generated repo: stage folders are read from `<projectDir>/stages/<name>/`. @default process.cwd() */
  readonly projectDir?: string;
  /** @default the model's schedule */
  readonly schedule?: ResolvedPipeline['schedule'];
  /** @default the model's notifications */
  readonly notifications?: ResolvedPipeline['notifications'];
  /** Add the CloudWatch dashboard and the failed-executions alarm. @default the model's `dashboard` */
  readonly dashboard?: boolean;
}

/** Logical ids of the stack outputs (stable: `cdk deploy --outputs-file` and people read them). */
export const PIPELINE_OUTPUTS = {
  stateMachineArn: 'StateMachineArn',
  bucketName: 'BucketName',
  stateMachineRoleArn: 'StateMachineRoleArn',
  sageMakerExecutionRoleArn: 'SageMakerExecutionRoleArn',
  executionInput: 'ExecutionInput',
  failureTopicArn: 'FailureTopicArn',
  dashboardUrl: 'DashboardUrl',
} as const;

/** Output logical id of a container stage's image URI: `ImageUri<StageInPascalCase>`. */
export function imageUriOutputId(stageName: string): string {
  return `ImageUri${stageName.split('-').map((part) => part[0].toUpperCase() + part.slice(1)).join('')}`;
}

export class LegacyMlopsPipeline extends Construct {
  public readonly bucket: PipelineBucket;
  public readonly roles: PipelineRoles;
  public readonly images: StageImages;
  public readonly stageCode: StageCodeUpload;
  public readonly stateMachine: sfn.StateMachine;
  public readonly logGroup: logs.LogGroup;
  /** The execution input that runs this deployment (image URIs are CDK tokens until deployed). */
  public readonly executionInput: ExecutionInput;
  public readonly schedule?: PipelineSchedule;
  public readonly notifications?: FailureNotifications;
  public readonly dashboard?: PipelineDashboard;
  /** The model package groups of the register stages (none without one). */
  public readonly modelPackageGroups: ModelPackageGroups;
  /** Approvals decided in the model registry resume the waiting execution (with an approval stage after a register stage; not in bring-your-own-role mode). */
  public readonly registryApprovals?: RegistryApprovals;

  constructor(scope: Construct, id: string, props: LegacyMlopsPipelineProps) {
    super(scope, id);
    // Independent of the app's cdk.json: access logs are delivered through a bucket policy (ACLs stay disabled).
    this.node.setContext(cxapi.S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY, true);

    const { pipeline } = props;
    const stack = Stack.of(this);
    // The IAM documents and the bucket name are specific to one account and region.
    if (stack.account !== pipeline.account || stack.region !== pipeline.region) {
      throw new Error(`LegacyMlopsPipeline '${pipeline.name}' is resolved for ${pipeline.account}/${pipeline.region} but its stack is in ${stack.account}/${stack.region}: give the stack env { account: '${pipeline.account}', region: '${pipeline.region}' }`);
    }
    const definition = props.definition ?? buildStateMachine(pipeline);
    const projectDir = props.projectDir ?? process.cwd();
    const built = builtImageStages(pipeline);
    if (built.length > MAX_BUILT_IMAGE_TAGS) throw new Error(`${built.length} stages build their image from a Dockerfile; at most ${MAX_BUILT_IMAGE_TAGS} fit in the state machine's tags`);

    this.bucket = new PipelineBucket(this, 'Storage', { bucketName: pipeline.s3.bucket, existing: pipeline.s3.existing });
    this.roles = new PipelineRoles(this, 'Roles', { pipeline, definition });
    this.images = new StageImages(this, 'Images', { pipeline, projectDir });
    this.stageCode = new StageCodeUpload(this, 'StageCode', { pipeline, bucket: this.bucket.bucket, projectDir });

    this.logGroup = new logs.LogGroup(this, 'ExecutionLogs', {
      // The vendedlogs prefix keeps CloudWatch Logs' resource policy small (Step Functions guide).
      logGroupName: `/aws/vendedlogs/states/${stateMachineName(pipeline)}`,
      retention: logs.RetentionDays.ONE_YEAR,
      // Execution history stays in Step Functions and the data in the retained bucket; a fixed
      // name must be free again for a redeploy after `npx projen destroy`.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineName: stateMachineName(pipeline),
      // .sync integrations need a STANDARD workflow.
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromString(JSON.stringify(definition)),
      role: this.roles.stateMachineRole,
      logs: { destination: this.logGroup, level: sfn.LogLevel.ALL, includeExecutionData: true },
      tracingEnabled: true,
    });
    // Register stages must find their group before anything can start an execution.
    this.modelPackageGroups = new ModelPackageGroups(this, 'ModelRegistry', { pipeline });
    for (const group of Object.values(this.modelPackageGroups.created)) this.stateMachine.node.addDependency(group);
    // Script stages must find their code in the bucket before anything can start an execution.
    if (this.stageCode.deployment) this.stateMachine.node.addDependency(this.stageCode.deployment);
    for (const stage of built) Tags.of(this.stateMachine).add(builtImageTagKey(stage), this.images.imageUris[stage.name]);

    this.executionInput = deployedExecutionInput(pipeline, this.images.imageUris);
    const schedule = props.schedule ?? pipeline.schedule;
    if (schedule) {
      this.schedule = new PipelineSchedule(this, 'Schedule', {
        ...schedule,
        stateMachine: this.stateMachine,
        executionInput: this.executionInput,
        ruleName: `${stateMachineName(pipeline)}-schedule`,
      });
    }
    const notifications = props.notifications ?? pipeline.notifications;
    if (notifications) {
      this.notifications = new FailureNotifications(this, 'FailureNotifications', { pipeline, stateMachine: this.stateMachine, email: notifications.email, stateMachineRole: this.roles });
    }
    // Bring-your-own-role mode creates no IAM role, so no registry path (the README says to use the command).
    // An approval stage needs notifications (the model says so), where the path reports what it could not handle.
    if (registryApprovals(pipeline) && !pipeline.roles.bringYourOwn && this.notifications) {
      this.registryApprovals = new RegistryApprovals(this, 'RegistryApprovals', { pipeline, stateMachine: this.stateMachine, notifications: this.notifications });
    }
    if (props.dashboard ?? pipeline.dashboard) {
      this.dashboard = new PipelineDashboard(this, 'Monitoring', { pipeline, stateMachine: this.stateMachine, logGroup: this.logGroup, notifications: this.notifications });
    }
    this.addOutputs(pipeline);
  }

  private addOutputs(pipeline: ResolvedPipeline): void {
    const output = (id: string, value: string, description: string) => new CfnOutput(this, id, { value, description }).overrideLogicalId(id);
    output(PIPELINE_OUTPUTS.stateMachineArn, this.stateMachine.stateMachineArn, 'Start executions here (npx projen start)');
    output(PIPELINE_OUTPUTS.bucketName, this.bucket.bucket.bucketName, 'Raw data under data/raw/, stage code under code/, run outputs under runs/');
    output(PIPELINE_OUTPUTS.stateMachineRoleArn, this.roles.stateMachineRole.roleArn, 'Role of the state machine');
    output(PIPELINE_OUTPUTS.sageMakerExecutionRoleArn, this.roles.sageMakerExecutionRoleArn, 'Role of the SageMaker processing jobs');
    for (const stage of pipeline.stages.filter((s) => s.mode === 'container')) {
      // Transform and endpoint stages run their model stage's image: they have none of their own.
      const imageUri = this.executionInput.stages[stageInputKey(stage.name)]?.imageUri;
      if (imageUri !== undefined) output(imageUriOutputId(stage.name), imageUri, `Image of the ${stage.name} stage`);
    }
    output(PIPELINE_OUTPUTS.executionInput, Stack.of(this).toJsonString(this.executionInput), 'Execution input that runs this deployment');
    if (this.dashboard) {
      const host = consoleHost(pipeline.partition, pipeline.region);
      output(PIPELINE_OUTPUTS.dashboardUrl, `https://${host}/cloudwatch/home?region=${pipeline.region}#dashboards/dashboard/${dashboardName(pipeline)}`, 'CloudWatch dashboard of the pipeline');
    }
    if (this.notifications) output(PIPELINE_OUTPUTS.failureTopicArn, this.notifications.topic.topicArn, 'Failed, timed-out and aborted executions are published here');
  }
}
