/**
 * `resolvePipeline`: options → fully-defaulted, validated model. Pure.
 *
 * Collects every problem before throwing so the user sees them all at once.
 */
import {
  CODE_CHANNEL,
  CODE_LOCAL_PATH,
  DEFAULT_CDK_QUALIFIER,
  DEFAULT_CHANNEL,
  DEFAULT_INSTANCE_COUNT,
  DEFAULT_INSTANCE_TYPE,
  DEFAULT_MAX_RUNTIME_SECONDS,
  DEFAULT_STAGES,
  DEFAULT_VOLUME_SIZE_GB,
  PIPELINE_TIMEOUT_MARGIN_SECONDS,
  TASK_TIMEOUT_MARGIN_SECONDS,
  defaultBucket,
  defaultEntryScript,
} from './defaults.js';
import { PipelineValidationError, type ModelProblem } from './errors.js';
import { FRAMEWORK_NAMES, defaultFrameworkVersion, ecrDomain, partitionOf, resolveFrameworkImage } from './framework-images.js';
import {
  ACCOUNT_PATTERN,
  CHANNEL_NAME_PATTERN,
  ECR_IMAGE_PATTERN,
  ENTRY_SCRIPT_MAX,
  ENTRY_SCRIPT_PATTERN,
  ENV_KEY_PATTERN,
  ENV_MAX_ENTRIES,
  ENV_VALUE_MAX,
  INSTANCE_COUNT_RANGE,
  JOB_NAME_PATTERN,
  JOB_NAME_PREFIX_MAX,
  MAX_PROCESSING_INPUTS,
  MAX_PROCESSING_OUTPUTS,
  MAX_RUNTIME_RANGE,
  MAX_STAGES,
  PIPELINE_TIMEOUT_MAX,
  PROCESSING_INSTANCE_TYPES,
  PROCESSING_LOCAL_PATH_MAX,
  PROCESSING_LOCAL_PATH_PREFIX,
  PROJECT_NAME_MAX,
  PROJECT_NAME_PATTERN,
  REGION_PATTERN,
  RESERVED_STAGE_NAMES,
  ROLE_ARN_PATTERN,
  STAGE_NAME_MAX,
  STAGE_NAME_PATTERN,
  VOLUME_SIZE_RANGE,
  bucketNameProblem,
} from './rules.js';
import type {
  PipelineOptions,
  ResolvedEnvironment,
  ResolvedImage,
  ResolvedPipeline,
  ResolvedStage,
  ResolvedStageInput,
  ResolvedStageOutput,
  StageOptions,
} from './types.js';

const STAGE_KINDS = ['processing'];
const STAGE_MODES = ['script', 'container'];
const PLANNED_KINDS = ['training', 'evaluation', 'model', 'transform', 'endpoint'];

/** Resolves and validates; throws {@link PipelineValidationError} listing every problem. */
export function resolvePipeline(options: PipelineOptions): ResolvedPipeline {
  const problems: ModelProblem[] = [];
  const result = resolveCollecting(options, problems);
  if (problems.length > 0 || !result) throw new PipelineValidationError(problems);
  return result;
}

/** Validation only: the problems of a model (empty when valid). */
export function validatePipeline(options: PipelineOptions): readonly ModelProblem[] {
  const problems: ModelProblem[] = [];
  resolveCollecting(options, problems);
  return problems;
}

function resolveCollecting(options: PipelineOptions, problems: ModelProblem[]): ResolvedPipeline | undefined {
  const report = (path: string, message: string) => problems.push({ path, message });
  const o = (options ?? {}) as Partial<PipelineOptions>;

  const name = String(o.name ?? '');
  if (!PROJECT_NAME_PATTERN.test(name) || name.length > PROJECT_NAME_MAX) {
    report('name', `'${name}' is not a valid project name: use lowercase letters, digits and single hyphens, starting with a letter, at most ${PROJECT_NAME_MAX} characters (e.g. 'churn-model')`);
  }
  const region = String(o.region ?? '');
  if (!REGION_PATTERN.test(region)) report('region', `'${region}' is not an AWS region code (e.g. 'us-east-1', 'eu-west-1')`);
  const account = String(o.account ?? '');
  if (!ACCOUNT_PATTERN.test(account)) report('account', `'${account}' is not an AWS account id: 12 digits (e.g. '111122223333')`);

  const bucket = o.bucket ?? defaultBucket(name, account, region);
  const bucketProblem = bucketNameProblem(bucket);
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
    report('stages', `${stageOptions.length} stages is more than the ${MAX_STAGES} allowed`);
  }
  const stages: ResolvedStage[] = [];
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
    const stage = resolveStage(s ?? ({} as StageOptions), index, stages, context, report);
    if (!stage) return;
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
  // Each environment resolves the same model in its own account and region (framework images differ
  // per region); only checked when the model itself is valid, so no problem is reported twice.
  if (problems.length === 0 && o.environments) checkEnvironmentModels(o, deployment.environments, report);

  if (problems.length > 0) return undefined;
  return {
    name,
    region,
    account,
    partition,
    s3: {
      bucket,
      rawDataUri: `s3://${bucket}/data/raw/`,
      codeUri: `s3://${bucket}/code/`,
      runsUri: `s3://${bucket}/runs/`,
    },
    stages,
    roles,
    pipelineTimeoutSeconds,
    cdkQualifier,
    ...deployment,
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
    if (!explicit) return { name: envName, account, region, stackName: `${name}-${envName}` };
    if (!PROJECT_NAME_PATTERN.test(envName) || envName.length > ENVIRONMENT_NAME_MAX) {
      report(at('name'), `'${envName}' is not a valid environment name: use lowercase letters, digits and single hyphens, starting with a letter, at most ${ENVIRONMENT_NAME_MAX} characters (e.g. 'prod')`);
    }
    const envAccount = String(env?.account ?? '');
    if (!ACCOUNT_PATTERN.test(envAccount)) report(at('account'), `'${envAccount}' is not an AWS account id: 12 digits (e.g. '111122223333')`);
    const envRegion = String(env?.region ?? '');
    if (!REGION_PATTERN.test(envRegion)) report(at('region'), `'${envRegion}' is not an AWS region code (e.g. 'us-east-1', 'eu-west-1')`);
    return { name: envName, account: envAccount, region: envRegion, stackName: `${name}-${envName}` };
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
function checkEnvironmentModels(o: Partial<PipelineOptions>, environments: readonly ResolvedEnvironment[], report: Report) {
  environments.forEach((env, index) => {
    if (env.account === o.account && env.region === o.region) return;
    const nested = validatePipeline({ ...(o as PipelineOptions), account: env.account, region: env.region, environments: undefined });
    for (const problem of nested) report(`environments[${index}] (${env.name}): ${problem.path}`, problem.message);
  });
}

interface ProjectContext {
  readonly name: string;
  readonly region: string;
  readonly partition: string;
  readonly account: string;
  readonly cdkQualifier: string;
  /** False when project-level fields are invalid: stage checks that derive from them are skipped, not repeated. */
  readonly valid: boolean;
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

function resolveStage(
  s: StageOptions,
  index: number,
  earlier: readonly ResolvedStage[],
  project: ProjectContext,
  report: Report,
): ResolvedStage | undefined {
  const name = String(s.name ?? '');
  const at = (field?: string) => `stages[${index}] (${name || '?'})${field ? `.${field}` : ''}`;
  let ok = true;
  const fail = (field: string | undefined, message: string) => {
    ok = false;
    report(at(field), message);
  };

  const nameValid = STAGE_NAME_PATTERN.test(name) && name.length <= STAGE_NAME_MAX;
  if (!nameValid) {
    fail('name', `'${name}' is not a valid stage name: use lowercase letters, digits and single hyphens, starting with a letter, at most ${STAGE_NAME_MAX} characters (e.g. 'preprocess')`);
  } else if (RESERVED_STAGE_NAMES.includes(name)) {
    fail('name', `'${name}' is reserved (${RESERVED_STAGE_NAMES.join(', ')}); choose another stage name`);
  }

  const kind = s.kind ?? 'processing';
  if (!STAGE_KINDS.includes(kind)) {
    const later = PLANNED_KINDS.includes(kind) ? ` ('${kind}' is planned but not supported yet)` : '';
    fail('kind', `'${kind}' is not a supported stage kind (allowed: ${STAGE_KINDS.join(', ')})${later}`);
  }
  const mode = s.mode ?? (s.imageUri ? 'container' : 'script');
  if (!STAGE_MODES.includes(mode)) fail('mode', `'${mode}' is not a stage mode (allowed: script, container)`);

  const codeDir = `stages/${name}`;
  const image = resolveImage(s, mode, name, project, fail);

  const entryScript = s.entryScript ?? defaultEntryScript(name);
  if (!ENTRY_SCRIPT_PATTERN.test(entryScript) || entryScript.length > ENTRY_SCRIPT_MAX) {
    fail('entryScript', `'${entryScript}' must be a Python file path relative to ${codeDir}/ (letters, digits, underscores; ending in .py; at most ${ENTRY_SCRIPT_MAX} characters)`);
  }

  const jobNamePrefix = jobPrefix(project.name, name);
  if (project.valid && nameValid && !JOB_NAME_PATTERN.test(jobNamePrefix) || jobNamePrefix.length > JOB_NAME_PREFIX_MAX) {
    fail('name', `job-name prefix '${jobNamePrefix}' is not valid for SageMaker job names`);
  }

  const instanceType = s.instanceType ?? DEFAULT_INSTANCE_TYPE;
  if (!PROCESSING_INSTANCE_TYPES.includes(instanceType)) {
    const close = PROCESSING_INSTANCE_TYPES.filter((t) => t.split('.')[1] === String(instanceType).split('.')[1]).slice(0, 6);
    fail('instanceType', `'${instanceType}' is not a SageMaker processing instance type (e.g. ${(close.length ? close : ['ml.t3.medium', 'ml.m5.large', 'ml.m5.xlarge', 'ml.c5.2xlarge']).join(', ')})`);
  }
  const instanceCount = s.instanceCount ?? DEFAULT_INSTANCE_COUNT;
  if (!isIntIn(instanceCount, ...INSTANCE_COUNT_RANGE)) fail('instanceCount', `${instanceCount} must be a whole number from ${INSTANCE_COUNT_RANGE[0]} to ${INSTANCE_COUNT_RANGE[1]}`);
  const volumeSizeGb = s.volumeSizeGb ?? DEFAULT_VOLUME_SIZE_GB;
  if (!isIntIn(volumeSizeGb, ...VOLUME_SIZE_RANGE)) fail('volumeSizeGb', `${volumeSizeGb} must be a whole number of GB from ${VOLUME_SIZE_RANGE[0]} to ${VOLUME_SIZE_RANGE[1]}`);
  const maxRuntimeSeconds = s.maxRuntimeSeconds ?? DEFAULT_MAX_RUNTIME_SECONDS;
  if (!isIntIn(maxRuntimeSeconds, ...MAX_RUNTIME_RANGE)) fail('maxRuntimeSeconds', `${maxRuntimeSeconds} must be a whole number of seconds from ${MAX_RUNTIME_RANGE[0]} to ${MAX_RUNTIME_RANGE[1]} (7 days)`);

  const environment = s.environment ?? {};
  const envEntries = Object.entries(environment);
  if (envEntries.length > ENV_MAX_ENTRIES) fail('environment', `at most ${ENV_MAX_ENTRIES} variables are allowed`);
  for (const [key, value] of envEntries) {
    if (!ENV_KEY_PATTERN.test(key) || key.length > 256) fail(`environment.${key}`, 'variable names use letters, digits and underscores and do not start with a digit');
    if (typeof value !== 'string' || value.length > ENV_VALUE_MAX) fail(`environment.${key}`, `value must be a string of at most ${ENV_VALUE_MAX} characters`);
  }

  const outputs = resolveOutputs(s, fail);
  const inputs = resolveInputs(s, index, earlier, mode, fail);
  checkLocalPaths(inputs, outputs, mode, fail);

  if (!ok) return undefined;
  return {
    name,
    description: s.description ?? `The ${name} stage.`,
    kind: kind as ResolvedStage['kind'],
    mode: mode as ResolvedStage['mode'],
    image: image!,
    codeDir,
    entryScript,
    jobNamePrefix,
    instanceType,
    instanceCount,
    volumeSizeGb,
    maxRuntimeSeconds,
    taskTimeoutSeconds: maxRuntimeSeconds + TASK_TIMEOUT_MARGIN_SECONDS,
    environment: { ...environment },
    inputs,
    outputs,
  };
}

/** `<project>-<stage>`, the project part shortened so the prefix fits the job-name budget. */
export function jobPrefix(project: string, stage: string): string {
  const room = JOB_NAME_PREFIX_MAX - stage.length - 1;
  const head = project.slice(0, Math.max(0, room)).replace(/-+$/, '');
  return head ? `${head}-${stage}` : stage;
}

function resolveImage(
  s: StageOptions,
  mode: string,
  name: string,
  project: ProjectContext,
  fail: (field: string | undefined, message: string) => void,
): ResolvedImage | undefined {
  if (mode === 'script') {
    if (s.imageUri) fail('imageUri', "script mode runs on a prebuilt framework image; set mode: 'container' to use imageUri");
    const frameworkName = s.framework?.name ?? 'sklearn';
    if (!FRAMEWORK_NAMES.includes(frameworkName)) {
      fail('framework.name', `'${frameworkName}' is not a prebuilt framework (allowed: ${FRAMEWORK_NAMES.join(', ')})`);
      return undefined;
    }
    const version = s.framework?.version ?? defaultFrameworkVersion(frameworkName);
    const ref = resolveFrameworkImage(frameworkName, version, project.region);
    if ('error' in ref) {
      // With an invalid region the project-level message already says it all.
      if (project.valid || !ref.error.includes('region')) fail('framework', ref.error);
      return undefined;
    }
    return { source: 'framework', framework: { name: frameworkName, version, ...ref } };
  }
  if (s.framework) fail('framework', "container mode does not use a framework image; remove `framework` or set mode: 'script'");
  if (s.imageUri !== undefined) {
    const m = ECR_IMAGE_PATTERN.exec(s.imageUri);
    if (!m) {
      fail('imageUri', `'${s.imageUri}' is not an Amazon ECR image URI (<account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag>)`);
      return undefined;
    }
    const [, acct, imageRegion, , repository] = m;
    return {
      source: 'uri',
      imageUri: s.imageUri,
      repositoryArn: `arn:${partitionOf(imageRegion)}:ecr:${imageRegion}:${acct}:repository/${repository}`,
    };
  }
  // Built from stages/<name>/Dockerfile and published as a CDK image asset to the bootstrap repository.
  const repository = `cdk-${project.cdkQualifier}-container-assets-${project.account}-${project.region}`;
  return {
    source: 'dockerfile',
    dockerfile: `stages/${name}/Dockerfile`,
    imageUri: `${project.account}.${ecrDomain(project.region)}/${repository}:${name}`,
    repositoryArn: `arn:${project.partition}:ecr:${project.region}:${project.account}:repository/${repository}`,
  };
}

function resolveOutputs(s: StageOptions, fail: (field: string | undefined, message: string) => void): ResolvedStageOutput[] {
  const outputs = (s.outputs ?? [{ name: DEFAULT_CHANNEL }]).map((out, i) => ({
    name: String(out?.name ?? ''),
    localPath: stripSlash(out?.localPath ?? `/opt/ml/processing/output/${out?.name}`),
    field: `outputs[${i}]`,
  }));
  if (outputs.length > MAX_PROCESSING_OUTPUTS) fail('outputs', `at most ${MAX_PROCESSING_OUTPUTS} outputs are allowed`);
  checkChannelNames(outputs, fail);
  return outputs.map(({ name, localPath }) => ({ name, localPath }));
}

function resolveInputs(
  s: StageOptions,
  index: number,
  earlier: readonly ResolvedStage[],
  mode: string,
  fail: (field: string | undefined, message: string) => void,
): ResolvedStageInput[] {
  const previous = earlier[earlier.length - 1];
  const defaultFrom = index === 0 || !previous ? 'raw' : `${previous.name}/${previous.outputs[0].name}`;
  const inputs = (s.inputs ?? [{ name: DEFAULT_CHANNEL }]).map((inp, i) => ({
    name: String(inp?.name ?? ''),
    from: inp?.from ?? defaultFrom,
    localPath: stripSlash(inp?.localPath ?? `/opt/ml/processing/input/${inp?.name}`),
    field: `inputs[${i}]`,
  }));
  const max = mode === 'script' ? MAX_PROCESSING_INPUTS - 1 : MAX_PROCESSING_INPUTS;
  if (inputs.length > max) fail('inputs', `at most ${max} inputs are allowed${mode === 'script' ? ' (one of the 10 carries the script)' : ''}`);
  checkChannelNames(inputs, fail);
  for (const input of inputs) {
    if (mode === 'script' && input.name === CODE_CHANNEL) fail(`${input.field}.name`, `'${CODE_CHANNEL}' is reserved for the stage's script in script mode`);
    if (input.from === 'raw') continue;
    const [stageName, outputName, ...rest] = input.from.split('/');
    const source = earlier.find((e) => e.name === stageName);
    if (rest.length > 0 || !outputName || !source) {
      const names = earlier.flatMap((e) => e.outputs.map((out) => `${e.name}/${out.name}`));
      fail(`${input.field}.from`, `'${input.from}' is not 'raw' or an earlier stage's output (allowed: ${['raw', ...names].join(', ')})`);
    } else if (!source.outputs.some((out) => out.name === outputName)) {
      fail(`${input.field}.from`, `stage '${stageName}' has no output '${outputName}' (it has: ${source.outputs.map((out) => out.name).join(', ')})`);
    }
  }
  return inputs.map(({ name, from, localPath }) => ({ name, from, localPath }));
}

function checkChannelNames(channels: { name: string; field: string }[], fail: (field: string | undefined, message: string) => void) {
  const names = new Set<string>();
  for (const c of channels) {
    if (!CHANNEL_NAME_PATTERN.test(c.name)) fail(`${c.field}.name`, `'${c.name}' must be 1 to 64 letters, digits, '_' or '-', starting with a letter or digit`);
    if (names.has(c.name)) fail(`${c.field}.name`, `'${c.name}' is used twice in this stage`);
    names.add(c.name);
  }
}

function checkLocalPaths(
  inputs: readonly ResolvedStageInput[],
  outputs: readonly ResolvedStageOutput[],
  mode: string,
  fail: (field: string | undefined, message: string) => void,
) {
  const all = [
    ...inputs.map((c, i) => ({ path: c.localPath, field: `inputs[${i}].localPath` })),
    ...outputs.map((c, i) => ({ path: c.localPath, field: `outputs[${i}].localPath` })),
    ...(mode === 'script' ? [{ path: CODE_LOCAL_PATH, field: 'script code input' }] : []),
  ];
  for (const c of all) {
    if (!c.path.startsWith(PROCESSING_LOCAL_PATH_PREFIX) || c.path.length <= PROCESSING_LOCAL_PATH_PREFIX.length) {
      fail(c.field, `'${c.path}' must be a folder under ${PROCESSING_LOCAL_PATH_PREFIX}`);
    } else if (c.path.length > PROCESSING_LOCAL_PATH_MAX || /(^|\/)\.\.?(\/|$)|\/\/|\s/.test(c.path)) {
      fail(c.field, `'${c.path}' must be a plain absolute path (no '.', '..', '//' or spaces; at most ${PROCESSING_LOCAL_PATH_MAX} characters)`);
    }
  }
  for (let i = 0; i < all.length; i++) {
    for (let j = i + 1; j < all.length; j++) {
      const [a, b] = [all[i], all[j]];
      if (a.path === b.path || a.path.startsWith(`${b.path}/`) || b.path.startsWith(`${a.path}/`)) {
        fail(b.field === 'script code input' ? a.field : b.field, `'${b.path}' overlaps '${a.path}' (${a.field}); each input and output needs its own folder`);
      }
    }
  }
}

function stripSlash(p: string): string {
  return p.length > 1 ? p.replace(/\/+$/, '') : p;
}

function isIntIn(value: unknown, min: number, max: number): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}
