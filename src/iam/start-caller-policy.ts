/**
 * What the person (or CI role) running `legacy-mlops start` needs with their own credentials: start
 * this pipeline's state machine and follow its executions, and, for the report page, read the last
 * lines of the SageMaker jobs' CloudWatch logs (`/aws/sagemaker/<Kind>Jobs`, streams `<job name>/…`).
 * Not the state machine's role: this is the caller's. Shown in the generated README. Pure.
 */
import { stateMachineArn, stateMachineName } from '../construct/deployed-input.js';
import type { ResolvedPipeline } from '../model/types.js';
import { logGroupArn } from './arns.js';
import { policyDocument } from './policy-document.js';
import type { Permission, PolicyDocument } from './types.js';

/** The log group of the jobs each kind of stage runs (model and endpoint stages run no job). */
const JOB_LOG_GROUP_OF_KIND: Readonly<Record<string, string>> = {
  processing: '/aws/sagemaker/ProcessingJobs',
  evaluation: '/aws/sagemaker/ProcessingJobs',
  training: '/aws/sagemaker/TrainingJobs',
  transform: '/aws/sagemaker/TransformJobs',
};

export function startCallerPermissions(pipeline: ResolvedPipeline): Permission[] {
  const machine = stateMachineArn(pipeline);
  const executions = `arn:${pipeline.partition}:states:${pipeline.region}:${pipeline.account}:execution:${stateMachineName(pipeline)}:*`;
  const sample = executions.replace(/\*$/, 'run-20260501-030405-ab12');
  const start = ['states:ListTagsForResource', 'states:StartExecution'];
  const follow = ['states:GetExecutionHistory', 'states:DescribeStateMachineForExecution'];
  const read = ['logs:DescribeLogStreams', 'logs:GetLogEvents'];
  const groups = [...new Set(pipeline.stages.map((s) => JOB_LOG_GROUP_OF_KIND[s.kind]).filter((g): g is string => g !== undefined))];
  const permissions: Permission[] = [
    { sid: 'StartPipelineExecutions', actions: start, resources: [machine], calls: start.map((action) => ({ action, resource: machine })) },
    { sid: 'FollowPipelineExecutions', actions: follow, resources: [executions], calls: follow.map((action) => ({ action, resource: sample })) },
  ];
  if (groups.length > 0) {
    permissions.push({
      sid: 'ReadJobLogTails',
      actions: read,
      // `:*` covers the group's streams, which is what both calls are authorized against.
      resources: groups.map((group) => `${logGroupArn(pipeline, group)}:*`),
      calls: groups.flatMap((group) => read.map((action) => ({ action, resource: `${logGroupArn(pipeline, group)}:log-stream:${pipeline.name}-job-1a2b/algo-1-1735787045` }))),
    });
  }
  return permissions;
}

export function buildStartCallerPolicy(pipeline: ResolvedPipeline): PolicyDocument {
  return policyDocument(startCallerPermissions(pipeline), 'The start caller policy');
}
