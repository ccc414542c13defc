/**
 * One way for the tests to ask @cloud-copilot/iam-simulate whether a derived policy allows a call,
 * so each test states only its principal, policy and call.
 */
import { runSimulation } from '@cloud-copilot/iam-simulate';
import type { IamDocuments, PolicyDocument } from '../../src/iam/index.js';
import type { ResolvedPipeline } from '../../src/model/index.js';

export type Decision = 'Allowed' | 'ExplicitlyDenied' | 'ImplicitlyDenied';

export interface SimulatedCall {
  readonly action: string;
  readonly resource: string;
  readonly context?: Readonly<Record<string, string | readonly string[]>>;
}

export interface SimulationOptions {
  /** The account that owns the resource; the caller's, unless the ARN names another. */
  readonly account: string;
  /** The resource's own policy (a key policy, a trust policy), when the service asks it too. */
  readonly resourcePolicy?: unknown;
}

/** The simulator's decision; a simulation that cannot run (a malformed request) throws. */
export async function simulateCall(principal: string, policy: PolicyDocument | undefined, call: SimulatedCall, options: SimulationOptions): Promise<Decision> {
  const result = await runSimulation(
    {
      request: { principal, action: call.action, resource: { resource: call.resource, accountId: options.account }, contextVariables: { ...(call.context as Record<string, string | string[]>) } },
      identityPolicies: policy ? [{ name: 'policy', policy: policy as never }] : [],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      ...(options.resourcePolicy ? { resourcePolicy: options.resourcePolicy as never } : {}),
    },
    {},
  );
  if (result.resultType === 'error') throw new Error(`simulation of ${call.action} on ${call.resource} failed: ${JSON.stringify(result.errors)}`);
  return result.overallResult as Decision;
}

/**
 * What one of a pipeline's two roles may do, from the documents derived for it. A resource in
 * another account (an AWS-owned image repository) lets anyone pull: only the identity policy decides.
 */
export async function pipelineRoleDecides(pipeline: ResolvedPipeline, docs: IamDocuments, role: 'stateMachine' | 'sageMakerExecution', call: SimulatedCall): Promise<Decision> {
  const policy = role === 'stateMachine' ? docs.stateMachineRolePolicy : docs.sageMakerExecutionRolePolicy;
  const principal = role === 'stateMachine' ? pipeline.roles.stateMachineRoleArn : pipeline.roles.sageMakerExecutionRoleArn;
  const field = call.resource.split(':')[4];
  const owner = field && /^\d{12}$/.test(field) ? field : pipeline.account;
  const resourcePolicy = owner === pipeline.account ? undefined : { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: [call.action], Resource: '*' }] };
  return simulateCall(principal, policy as PolicyDocument, call, { account: owner, resourcePolicy });
}
