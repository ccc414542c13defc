/**
 * `resolvePipeline`: options → fully-defaulted, validated model. Pure.
 *
 * Collects every problem before throwing so the user sees them all at once.
 */
import { checkServingOrder, resolveModelSource } from './resolve-promotion.js';
import { DEFAULT_CDK_QUALIFIER, DEFAULT_STAGES, PIPELINE_TIMEOUT_MARGIN_SECONDS, defaultBucket } from './defaults.js';
import { PipelineValidationError, type ModelProblem } from './errors.js';
import { isolatedRegionProblem, partitionOf } from './framework-images.js';
import { optionShapeProblems, type ShapeCheckOptions } from './options-schema.js';
import { resolveFanOut } from './fan-out.js';
import { resolveStage } from './resolve-stage.js';
import { ACCOUNT_PATTERN, MAX_STAGES, PIPELINE_TIMEOUT_MAX, PROJECT_NAME_MAX, PROJECT_NAME_PATTERN, REGION_PATTERN, ROLE_ARN_PATTERN, bucketNameProblem, isIntIn, tooManyStagesMessage } from './rules.js';
import type { PipelineOptions, ResolvedEnvironment, ResolvedPipeline, ResolvedStage, StageOptions } from './types.js';

export { jobPrefix } from './resolve-stage.js';
export { STAGE_KINDS, KIND_FACTS } from './stage-kinds.js';


/**
 * Resolves and validates; throws {@link PipelineValidationError} listing every problem.
 * `shape.extraTopLevelKeys` names keys beside the pipeline options that are allowed (a project's projen options).
 */
export function resolvePipeline(options: PipelineOptions, shape: ShapeCheckOptions = {}): ResolvedPipeline {
  const problems: ModelProblem[] = [];
  const result = resolveCollecting(options, problems, shape);
  if (problems.length > 0 || !result) throw new PipelineValidationError(problems);
  return result;
}

/** Validation only: the problems of a model (empty when valid). */
export function validatePipeline(options: PipelineOptions, shape: ShapeCheckOptions = {}): readonly ModelProblem[] {
  const problems: ModelProblem[] = [];
  resolveCollecting(options, problems, shape);
  return problems;
}

function resolveCollecting(options: PipelineOptions, problems: ModelProblem[], shape: ShapeCheckOptions): ResolvedPipeline | undefined {
  const report = (path: string, message: string) => problems.push({ path, message });
  // Keys and types first (the runtime schema): the rules below assume the shape, and a misspelt key must
  // not fall back to a default. Shape problems are reported alone; the rest follow once they are fixed.
  const shapeProblems = optionShapeProblems(options, shape);
  if (shapeProblems.length > 0) {
    problems.push(...shapeProblems);
    return undefined;
  }
  const o = (options ?? {}) as Partial<PipelineOptions>;

  const name = String(o.name ?? '');
  if (!PROJECT_NAME_PATTERN.test(name) || name.length > PROJECT_NAME_MAX) {
    report('name', `'${name}' is not a valid project name: use lowercase letters, digits and single hyphens, starting with a letter, at most ${PROJECT_NAME_MAX} characters (e.g. 'churn-model')`);
  }
  const region = String(o.region ?? '');
  if (!REGION_PATTERN.test(region)) report('region', `'${region}' is not an AWS region code (e.g. 'us-east-1', 'eu-west-1')`);
  else if (isolatedRegionProblem(region)) report('region', isolatedRegionProblem(region)!);
  const account = String(o.account ?? '');
  if (!ACCOUNT_PATTERN.test(account)) report('account', `'${account}' is not an AWS account id: 12 digits (e.g. '111122223333')`);

  const bucket = o.bucket ?? defaultBucket(name, account, region);
  const bucketProblem = bucketNameProblem(bucket);
  if (o.existingBucket === true && o.bucket === undefined) report('existingBucket', 'names no bucket: set `bucket` to the existing bucket\'s name');
  // A derived bucket name is only worth reporting when its parts are valid; otherwise they are the problem.
  if (bucketProblem && (o.bucket !== undefined || problems.length === 0)) {
    report('bucket', `'${bucket}' is not a valid S3 bucket name: it ${bucketProblem}${o.bucket === undefined ? ' (derived from name, account and region; set `bucket` explicitly)' : ''}`);
  }
  const partition = partitionOf(region);

  const cdkQualifier = o.cdkQualifier ?? DEFAULT_CDK_QUALIFIER;
  if (!/^[a-z0-9]{1,10}$/.test(cdkQualifier)) report('cdkQualifier', `'${cdkQualifier}' must be 1 to 10 lowercase letters or digits (the CDK bootstrap qualifier)`);

  const roles = resolveRoles(o, partition, account, name, report);

  const stageOptions = o.stages ?? DEFAULT_STAGES;
  if (!Array.isArray(stageOptions) || stageOptions.length === 0) {
    report('stages', 'a pipeline needs at least one stage');
  } else if (stageOptions.length > MAX_STAGES) {
    report('stages', tooManyStagesMessage(stageOptions.length));
  }
  const stages: ResolvedStage[] = [];
  // Every stage as far as it resolved, valid or not: what later stages' references are checked against.
  const known: ResolvedStage[] = [];
  const seen = new Set<string>();
  const prefixes = new Map<string, string>();
  const projectValid = problems.length === 0;
  (Array.isArray(stageOptions) ? stageOptions : []).forEach((s, index) => {
    const stageName = String(s?.name ?? '');
    if (seen.has(stageName)) {
      report(`stages[${index}] (${stageName}).name`, `stage name '${stageName}' is used twice; stage names must be unique`);
      return;
    }
    seen.add(stageName);
    const context = { name, region, partition, account, cdkQualifier, valid: projectValid };
    const resolved = resolveStage(s ?? ({} as StageOptions), index, known, context, report);
    if (!resolved) return;
    known.push(resolved.stage);
    if (!resolved.ok) return;
    const { stage } = resolved;
    const other = prefixes.get(stage.jobNamePrefix);
    if (other) {
      report(`stages[${index}] (${stage.name})`, `job-name prefix '${stage.jobNamePrefix}' clashes with stage '${other}'; rename one of them`);
    }
    prefixes.set(stage.jobNamePrefix, stage.name);
    stages.push(stage);
  });

  const taskTotal = stages.reduce((sum, s) => sum + s.taskTimeoutSeconds, 0);
  const pipelineTimeoutSeconds = o.pipelineTimeoutSeconds ?? Math.min(taskTotal + PIPELINE_TIMEOUT_MARGIN_SECONDS, PIPELINE_TIMEOUT_MAX);
  if (!isIntIn(pipelineTimeoutSeconds, 1, PIPELINE_TIMEOUT_MAX)) {
    report('pipelineTimeoutSeconds', `${pipelineTimeoutSeconds} must be a whole number of seconds from 1 to ${PIPELINE_TIMEOUT_MAX}`);
  }

  const deployment = resolveDeployment(o, name, account, region, report);
  checkServingOrder(stages, deployment.environments, report);
  const fanOut = resolveFanOut(o.fanOut, Array.isArray(stageOptions) ? stageOptions : [], report);
  const approval = stages.find((s) => s.kind === 'approval');
  if (approval && !deployment.notifications) {
    report('notifications', `stage '${approval.name}' asks a person through the notifications topic: add notifications: { email: '<who decides>' }`);
  }
  // Each environment resolves the same model in its own account and region (framework images differ
  // per region); only checked when the model itself is valid, so no problem is reported twice.
  if (problems.length === 0 && o.environments) checkEnvironmentModels(o, deployment.environments, report, shape);

  if (problems.length > 0) return undefined;
  return {
    name,
    region,
    account,
    partition,
    s3: {
      bucket,
      existing: o.existingBucket === true,
      rawDataUri: `s3://${bucket}/data/raw/`,
      codeUri: `s3://${bucket}/code/`,
      runsUri: `s3://${bucket}/runs/`,
    },
    stages,
    roles,
    pipelineTimeoutSeconds,
    cdkQualifier,
    ...deployment,
    ...(fanOut ? { fanOut } : {}),
    dashboard: o.dashboard ?? true,
  };
}

type Report = (path: string, message: string) => void;

const ENVIRONMENT_NAME_MAX = 20;
const RATE_EXPRESSION = /^rate\((1 (minute|hour|day)|([2-9]|[1-9]\d+) (minutes|hours|days))\)$/;
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Schedule, notifications and environments: what `cdk deploy` needs beyond the pipeline itself. */
function resolveDeployment(o: Partial<PipelineOptions>, name: string, account: string, region: string, report: Report) {
  let schedule: ResolvedPipeline['schedule'];
  if (o.schedule !== undefined) {
    const expression = String(o.schedule?.expression ?? '');
    const problem = scheduleExpressionProblem(expression);
    if (problem) report('schedule.expression', `'${expression}' ${problem}`);
    const enabled = o.schedule?.enabled ?? true;
    if (typeof enabled !== 'boolean') report('schedule.enabled', `${JSON.stringify(enabled)} must be true or false`);
    schedule = { expression, enabled };
  }

  let notifications: ResolvedPipeline['notifications'];
  if (o.notifications !== undefined) {
    const email = o.notifications?.email;
    if (email !== undefined && !EMAIL_PATTERN.test(String(email))) report('notifications.email', `'${email}' is not an e-mail address (e.g. 'ml-team@example.com')`);
    notifications = email === undefined ? {} : { email };
  }

  const options = o.environments ?? [{ name: 'default', account, region }];
  if (!Array.isArray(options) || options.length === 0) {
    report('environments', 'list at least one environment, or leave `environments` out to deploy to the project\'s account and region');
  }
  // The implicit environment is the model's own account and region, whose problems are reported already.
  const explicit = o.environments !== undefined;
  const environments = (Array.isArray(options) ? options : []).map((env, index) => {
    const envName = String(env?.name ?? '');
    const at = (field: string) => `environments[${index}] (${envName || '?'}).${field}`;
    if (!explicit) return { name: envName, account, region, stackName: `${name}-${envName}`, modelSource: 'this-run' as const };
    if (!PROJECT_NAME_PATTERN.test(envName) || envName.length > ENVIRONMENT_NAME_MAX) {
      report(at('name'), `'${envName}' is not a valid environment name: use lowercase letters, digits and single hyphens, starting with a letter, at most ${ENVIRONMENT_NAME_MAX} characters (e.g. 'prod')`);
    }
    const envAccount = String(env?.account ?? '');
    if (!ACCOUNT_PATTERN.test(envAccount)) report(at('account'), `'${envAccount}' is not an AWS account id: 12 digits (e.g. '111122223333')`);
    const envRegion = String(env?.region ?? '');
    if (!REGION_PATTERN.test(envRegion)) report(at('region'), `'${envRegion}' is not an AWS region code (e.g. 'us-east-1', 'eu-west-1')`);
    else if (isolatedRegionProblem(envRegion)) report(at('region'), isolatedRegionProblem(envRegion)!);
    const modelSource = resolveModelSource(env?.modelSource, index, options.length, Array.isArray(o.stages) ? o.stages : [], at('modelSource'), report);
    return { name: envName, account: envAccount, region: envRegion, stackName: `${name}-${envName}`, modelSource };
  });
  environments.forEach((env, index) => {
    const at = (field: string) => `environments[${index}] (${env.name}).${field}`;
    const earlier = environments.slice(0, index);
    if (earlier.some((e) => e.name === env.name)) report(at('name'), `environment name '${env.name}' is used twice; environment names must be unique`);
    const sameAccount = earlier.find((e) => e.account === env.account);
    if (sameAccount && ACCOUNT_PATTERN.test(env.account)) {
      report(at('account'), `account ${env.account} is already environment '${sameAccount.name}': the roles '${name}-state-machine' and '${name}-sagemaker-execution' are named per account, so each environment needs its own account`);
    }
    if (o.existingRoles && ACCOUNT_PATTERN.test(env.account) && env.account !== account) {
      report(at('account'), `bring-your-own-role mode uses roles of account ${account}, but this environment is in account ${env.account}`);
    }
  });
  if (o.bucket !== undefined && environments.length > 1) {
    report('bucket', `one bucket name cannot serve ${environments.length} environments (S3 bucket names are global); remove \`bucket\` to derive one per environment`);
  }
  return { ...(schedule ? { schedule } : {}), ...(notifications ? { notifications } : {}), environments };
}

/** EventBridge schedule expressions: `rate(1 day)`/`rate(5 minutes)`, or a 6-field cron with `?` in day-of-month or day-of-week. */
function scheduleExpressionProblem(expression: string): string | undefined {
  if (expression.startsWith('rate(')) {
    return RATE_EXPRESSION.test(expression) ? undefined : "is not a rate expression: 'rate(1 day)', 'rate(6 hours)', 'rate(30 minutes)' (singular unit for 1, plural otherwise)";
  }
  const cron = /^cron\((.*)\)$/.exec(expression);
  if (!cron) return "is not a schedule expression: use 'cron(<minutes> <hours> <day-of-month> <month> <day-of-week> <year>)' or 'rate(<n> <unit>)'";
  const fields = cron[1].trim().split(/\s+/);
  if (fields.length !== 6) return `has ${fields.length} cron fields; EventBridge needs 6: minutes hours day-of-month month day-of-week year (e.g. 'cron(0 6 * * ? *)')`;
  if ((fields[2] === '?') === (fields[4] === '?')) return "needs '?' in exactly one of day-of-month and day-of-week (e.g. 'cron(0 6 * * ? *)')";
  return undefined;
}

/** Every environment must resolve on its own: e.g. a script stage's framework image must exist in its region. */
function checkEnvironmentModels(o: Partial<PipelineOptions>, environments: readonly ResolvedEnvironment[], report: Report, shape: ShapeCheckOptions) {
  environments.forEach((env, index) => {
    if (env.account === o.account && env.region === o.region) return;
    const nested = validatePipeline({ ...(o as PipelineOptions), account: env.account, region: env.region, environments: undefined }, shape);
    for (const problem of nested) report(`environments[${index}] (${env.name}): ${problem.path}`, problem.message);
  });
}

function resolveRoles(o: Partial<PipelineOptions>, partition: string, account: string, name: string, report: Report) {
  const existing = o.existingRoles;
  const defaults = {
    stateMachineRoleArn: `arn:${partition}:iam::${account}:role/${name}-state-machine`,
    sageMakerExecutionRoleArn: `arn:${partition}:iam::${account}:role/${name}-sagemaker-execution`,
  };
  if (!existing) return { bringYourOwn: false, ...defaults };
  const check = (field: 'stateMachineRoleArn' | 'sageMakerExecutionRoleArn') => {
    const arn = existing[field];
    if (arn === undefined) {
      report(`existingRoles.${field}`, 'bring-your-own-role mode needs both stateMachineRoleArn and sageMakerExecutionRoleArn');
      return defaults[field];
    }
    const match = ROLE_ARN_PATTERN.exec(arn);
    if (!match) report(`existingRoles.${field}`, `'${arn}' is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)`);
    else if (match[2] !== account) report(`existingRoles.${field}`, `role '${arn}' is in account ${match[2]}, not the project's account ${account}`);
    return arn;
  };
  return {
    bringYourOwn: true,
    stateMachineRoleArn: check('stateMachineRoleArn'),
    sageMakerExecutionRoleArn: check('sageMakerExecutionRoleArn'),
  };
}
