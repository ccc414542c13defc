/**
 * Promotion: in an environment whose `modelSource` is `latest-approved` (production, by default, when
 * the pipeline registers its model), the stages that serve a registered model (batch transform,
 * endpoint) serve the newest Approved version of the model package group, not the model this run
 * trained. Before the first such stage (after the register and approval stages):
 *
 *   which model?   a Choice on the execution's own ARN (`$$.Execution.Id`): an execution in the account
 *                  and region of a latest-approved environment goes on below; any other serves this run's
 *   latest approved version    `aws-sdk:sagemaker:listModelPackages` (the group, Approved, newest first, one)
 *   approved version found?    none: the execution ends in a Fail state saying so
 *   model of the approved version   `createModel` from the version (`ModelPackageName`)
 *   serve the approved version      a Pass puts that model where the serving stages read the model stage's
 *
 * Why the execution's ARN and not the execution input: an input can be edited by whoever starts an
 * execution; the account an execution runs in cannot. Each environment has its own account (a model
 * rule), so the ARN says which environment this is. Every environment's definition carries the same
 * states, so the repo's own state machine file (checked, simulated, run locally) has the production
 * branch too.
 */
import { CREATE_MODEL_RESOURCE, LIST_MODEL_PACKAGES_RESOURCE, taskResourceArn } from './task-resources.js';
import type { ResolvedPipeline, ResolvedStage } from '../model/types.js';
import { INPUT, stageResultPath } from './input-paths.js';
import { TRANSIENT_SAGEMAKER_RETRY, catchIntoFailState, jobNameExpression, stageTags } from './task-common.js';
import type { ChoiceRule, State } from './types.js';

/** The error of the Fail state when the group has no Approved version yet. */
export const NO_APPROVED_VERSION_ERROR = 'NoApprovedModelVersion';
/** Request/response calls: a few minutes at most. */
const CALL_TIMEOUT_SECONDS = 300;

/** A registered model stage and the first stage serving it after its register stage. */
export interface Promotion {
  readonly modelStage: ResolvedStage;
  readonly registerStage: ResolvedStage;
  readonly group: string;
  /** The stage whose entry the promotion states come before. */
  readonly servingStage: ResolvedStage;
}

/** Stages that run a model stage's model for predictions (the register stage only records it). */
export function servesModel(stage: ResolvedStage): boolean {
  return stage.modelStage !== undefined && !stage.registry;
}

/** The promotions of a pipeline; none when no environment serves the latest approved version. */
export function promotions(pipeline: ResolvedPipeline): Promotion[] {
  if (!pipeline.environments.some((e) => e.modelSource === 'latest-approved')) return [];
  const found: Promotion[] = [];
  pipeline.stages.forEach((register, index) => {
    if (!register.registry || !register.modelStage || found.some((f) => f.modelStage.name === register.modelStage)) return;
    const modelStage = pipeline.stages.find((s) => s.name === register.modelStage);
    const servingStage = pipeline.stages.slice(index + 1).find((s) => servesModel(s) && s.modelStage === register.modelStage);
    if (modelStage && servingStage) found.push({ modelStage, registerStage: register, group: register.registry.group, servingStage });
  });
  return found;
}

export function promotionStateNames(modelStage: Pick<ResolvedStage, 'name'>) {
  const m = modelStage.name;
  return {
    which: `${m}: which model to serve`,
    list: `${m}: latest approved version`,
    found: `${m}: approved version found`,
    none: `${m}: no approved version`,
    create: `${m}: model of the approved version`,
    serve: `${m}: serve the approved version`,
  };
}

/** Where the listing lands, and the newest Approved version's ARN in it. */
export function approvedVersionsPath(modelStage: string): string {
  return `${stageResultPath(modelStage)}.approved`;
}
export function approvedVersionArnPath(modelStage: string): string {
  return `${approvedVersionsPath(modelStage)}.versions[0].ModelPackageArn`;
}

/** `arn:<partition>:states:<region>:<account>:execution:*` of each environment that serves the latest approved version. */
export function latestApprovedExecutionPatterns(pipeline: ResolvedPipeline): string[] {
  return pipeline.environments
    .filter((e) => e.modelSource === 'latest-approved')
    .map((e) => `arn:${pipeline.partition}:states:${e.region}:${e.account}:execution:*`);
}

/** The states of one promotion, entered at `names.which`; `entry` is the serving stage's own first state. */
export function promotionStates(promotion: Promotion, pipeline: ResolvedPipeline, entry: string): Record<string, State> {
  const { modelStage, group } = promotion;
  const names = promotionStateNames(modelStage);
  const result = stageResultPath(modelStage.name);
  const environments = pipeline.environments.filter((e) => e.modelSource === 'latest-approved').map((e) => e.name);
  const rules: ChoiceRule[] = latestApprovedExecutionPatterns(pipeline).map((pattern) => ({ Variable: '$$.Execution.Id', StringMatches: pattern }));
  const arn = approvedVersionArnPath(modelStage.name);
  return {
    [names.which]: {
      Type: 'Choice',
      Comment: `In ${environments.join(', ')} (their accounts and regions) ${promotion.servingStage.name} serves the newest Approved version of ${group}; elsewhere the model this run made.`,
      Choices: [{ ...(rules.length === 1 ? rules[0] : { Or: rules }), Next: names.list }],
      Default: entry,
    },
    [names.list]: {
      Type: 'Task',
      Comment: `The newest Approved version of model package group ${group}.`,
      Resource: taskResourceArn(LIST_MODEL_PACKAGES_RESOURCE, pipeline.partition),
      Parameters: { ModelPackageGroupName: group, ModelApprovalStatus: 'Approved', SortBy: 'CreationTime', SortOrder: 'Descending', MaxResults: 1 },
      ResultSelector: { 'versions.$': '$.ModelPackageSummaryList' },
      ResultPath: approvedVersionsPath(modelStage.name),
      TimeoutSeconds: CALL_TIMEOUT_SECONDS,
      Retry: [TRANSIENT_SAGEMAKER_RETRY],
      Catch: catchIntoFailState(modelStage),
      Next: names.found,
    },
    [names.found]: {
      Type: 'Choice',
      Comment: 'An empty list: nothing was approved yet.',
      Choices: [{ Variable: arn, IsPresent: true, Next: names.create }],
      Default: names.none,
    },
    [names.none]: {
      Type: 'Fail',
      Comment: 'Serving only approved models, there is nothing to serve yet.',
      Error: NO_APPROVED_VERSION_ERROR,
      Cause: `model package group ${group} has no Approved version, and this environment serves only approved versions: approve one (legacy-mlops approve, or in the registry) and run again`,
    },
    [names.create]: {
      Type: 'Task',
      Comment: `A SageMaker model from the approved version (its image and model data, as registered).`,
      Resource: taskResourceArn(CREATE_MODEL_RESOURCE, pipeline.partition),
      Parameters: {
        'ModelName.$': jobNameExpression(modelStage),
        'ExecutionRoleArn.$': INPUT.roleArn,
        PrimaryContainer: { 'ModelPackageName.$': arn },
        Tags: stageTags(modelStage, pipeline),
      },
      ResultSelector: { 'modelArn.$': '$.ModelArn', 'modelName.$': "States.ArrayGetItem(States.StringSplit($.ModelArn, '/'), 1)" },
      ResultPath: `${result}.served`,
      TimeoutSeconds: CALL_TIMEOUT_SECONDS,
      Retry: [TRANSIENT_SAGEMAKER_RETRY],
      Catch: catchIntoFailState(modelStage),
      Next: names.serve,
    },
    [names.serve]: {
      Type: 'Pass',
      Comment: `From here on, ${modelStage.name}'s model is the approved version's.`,
      Parameters: { 'modelArn.$': `${result}.served.modelArn`, 'modelName.$': `${result}.served.modelName`, 'modelPackageArn.$': arn, source: 'latest-approved' },
      ResultPath: result,
      Next: entry,
    },
  };
}
