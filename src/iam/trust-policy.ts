/**
 * Trust policies of the two roles, with the confused-deputy conditions each service documents:
 * Step Functions presents the state machine ARN, SageMaker the processing job ARN, both the account.
 */
import type { ResolvedPipeline } from '../model/types.js';
import { stateMachinesArnPattern } from './arns.js';
import type { ConditionBlock, PolicyDocument, TrustStatement } from './types.js';

export function trustPolicy(sid: string, service: string, pipeline: ResolvedPipeline, sourceArns: readonly string[]): PolicyDocument<TrustStatement> {
  const condition: ConditionBlock = { StringEquals: { 'aws:SourceAccount': pipeline.account } };
  if (sourceArns.length > 0) condition.ArnLike = { 'aws:SourceArn': sourceArns.length === 1 ? sourceArns[0] : [...sourceArns] };
  return {
    Version: '2012-10-17',
    Statement: [{ Sid: sid, Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole', Condition: condition }],
  };
}

export function stateMachineRoleTrust(pipeline: ResolvedPipeline): PolicyDocument<TrustStatement> {
  // The state machine's name is chosen at deploy time, so any state machine of the account and region.
  return trustPolicy('StepFunctionsAssumesRole', 'states.amazonaws.com', pipeline, [stateMachinesArnPattern(pipeline)]);
}

export function sageMakerExecutionRoleTrust(pipeline: ResolvedPipeline, jobArnPatterns: readonly string[]): PolicyDocument<TrustStatement> {
  return trustPolicy('SageMakerAssumesRole', 'sagemaker.amazonaws.com', pipeline, jobArnPatterns);
}
