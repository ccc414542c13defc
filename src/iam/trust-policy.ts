/**
 * Trust policies of the two roles, with the confused-deputy conditions each service documents:
 * Step Functions presents the state machine ARN, SageMaker the training or processing job ARN, both the account.
 */
import type { ResolvedPipeline } from '../model/types.js';
import { sageMakerAccountArnPattern, stateMachinesArnPattern } from './arns.js';
import type { ConditionBlock, PolicyDocument, TrustStatement } from './types.js';

export function trustPolicy(sid: string, service: string, pipeline: ResolvedPipeline, sourceArns: readonly string[]): PolicyDocument<TrustStatement> {
  const condition: ConditionBlock = { StringEquals: { 'aws:SourceAccount': pipeline.account } };
  if (sourceArns.length > 0) condition.ArnLike = { 'aws:SourceArn': sourceArns.length === 1 ? sourceArns[0] : [...sourceArns] };
  return trustDocument(sid, service, condition);
}

function trustDocument(sid: string, service: string, condition: ConditionBlock): PolicyDocument<TrustStatement> {
  return {
    Version: '2012-10-17',
    Statement: [{ Sid: sid, Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole', Condition: condition }],
  };
}

export function stateMachineRoleTrust(pipeline: ResolvedPipeline): PolicyDocument<TrustStatement> {
  // The state machine's name is chosen at deploy time, so any state machine of the account and region.
  return trustPolicy('StepFunctionsAssumesRole', 'states.amazonaws.com', pipeline, [stateMachinesArnPattern(pipeline)]);
}

/**
 * SageMaker documents the job's ARN as `aws:SourceArn` for training jobs. For a model's role (CreateModel,
 * batch transform, endpoint hosting) it does not say which ARN, if any, it presents; an `ArnLike` on a key
 * absent from the request does not match, and CreateModel would fail with "Could not access model data".
 * So once the pipeline hosts a model, the trust follows AWS's advice for an unknown ARN (the account-wide
 * `arn:<partition>:sagemaker:<region>:<account>:*` with `aws:SourceAccount`), as `…IfExists`, so a request
 * that carries neither key is admitted too. Who may hand SageMaker the role is still limited by iam:PassRole.
 */
export function sageMakerExecutionRoleTrust(pipeline: ResolvedPipeline, jobArnPatterns: readonly string[]): PolicyDocument<TrustStatement> {
  const accountWide = sageMakerAccountArnPattern(pipeline);
  if (!jobArnPatterns.includes(accountWide)) return trustPolicy('SageMakerAssumesRole', 'sagemaker.amazonaws.com', pipeline, jobArnPatterns);
  return trustDocument('SageMakerAssumesRole', 'sagemaker.amazonaws.com', {
    StringEqualsIfExists: { 'aws:SourceAccount': pipeline.account },
    ArnLikeIfExists: { 'aws:SourceArn': accountWide },
  });
}
