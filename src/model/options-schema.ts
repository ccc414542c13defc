/**
 * The runtime schema of the pipeline options: the one place that says which keys exist at every
 * level and what type each holds. `.projenrc.ts` synthesis, the answers file and `yo legacy-mlops:stage`
 * all reach it through `validatePipeline`, so a misspelt or mistyped option is an error everywhere,
 * never a silent default (tsx runs `.projenrc.ts` without type-checking it).
 *
 * Typed with ajv's `JSONSchemaType<PipelineOptions>`: the compiler rejects a schema that lacks a
 * property of the TypeScript interfaces or types one differently, and test/model/options-schema.test.ts
 * checks the other direction (no key here that the interfaces lack). Every option added to
 * `src/model/pipeline-options.ts` must be added here too.
 *
 * Ranges, patterns and cross-field rules stay in resolve*.ts (their messages say what to write);
 * this schema only checks shape: keys and types.
 */
import type { ErrorObject, JSONSchemaType, ValidateFunction } from 'ajv';
import type {
  ApprovalOptions,
  EndpointWaitOptions,
  EnvironmentOptions,
  FanOutOptions,
  FrameworkOptions,
  KindOptionGroup,
  KindOptionGroups,
  MetricGateOptions,
  NotificationOptions,
  PipelineOptions,
  RegistryOptions,
  ScheduleOptions,
  StageInputOptions,
  StageOptions,
  StageOutputOptions,
} from './types.js';
import { KIND_OPTION_GROUPS, KIND_OPTION_GROUP_NAMES, STAGE_KINDS } from './stage-kinds.js';
import type { ModelProblem } from './errors.js';
import { closestKey } from './suggest.js';
import { validatePipelineShape as pipelineValidator, validateStageShape as stageValidator } from './options-validators.js';

const stringMap = { type: 'object', additionalProperties: { type: 'string' }, required: [], nullable: true } as const;

const frameworkSchema: JSONSchemaType<FrameworkOptions> = {
  type: 'object',
  properties: {
    name: { type: 'string', enum: ['sklearn', 'xgboost', 'pytorch'] },
    version: { type: 'string', nullable: true },
  },
  required: ['name'],
  additionalProperties: false,
};

const inputSchema: JSONSchemaType<StageInputOptions> = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    from: { type: 'string', nullable: true },
    localPath: { type: 'string', nullable: true },
    distribution: { type: 'string', enum: ['replicated', 'sharded'], nullable: true },
  },
  required: ['name'],
  additionalProperties: false,
};

const outputSchema: JSONSchemaType<StageOutputOptions> = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    localPath: { type: 'string', nullable: true },
  },
  required: ['name'],
  additionalProperties: false,
};

const gateSchema: JSONSchemaType<MetricGateOptions> = {
  type: 'object',
  properties: {
    metric: { type: 'string' },
    threshold: { type: 'number' },
    greaterIsBetter: { type: 'boolean', nullable: true },
    onFail: { type: 'string', enum: ['fail', 'skip'], nullable: true },
    reportFile: { type: 'string', nullable: true },
  },
  required: ['metric', 'threshold'],
  additionalProperties: false,
};

const endpointWaitSchema: JSONSchemaType<EndpointWaitOptions> = {
  type: 'object',
  properties: {
    intervalSeconds: { type: 'number', nullable: true },
    maxAttempts: { type: 'number', nullable: true },
  },
  required: [],
  additionalProperties: false,
};

const registrySchema: JSONSchemaType<RegistryOptions> = {
  type: 'object',
  properties: {
    group: { type: 'string', nullable: true },
    autoApprove: { type: 'boolean', nullable: true },
    existingGroup: { type: 'boolean', nullable: true },
  },
  required: [],
  additionalProperties: false,
};

const approvalSchema: JSONSchemaType<ApprovalOptions> = {
  type: 'object',
  properties: {
    timeoutSeconds: { type: 'number', nullable: true },
  },
  required: [],
  additionalProperties: false,
};

/** Each kind's own option group (`KIND_OPTION_GROUPS`), optional on every stage: the model refuses it on other kinds in one line. */
function kindGroupSchemas(): { [G in KindOptionGroup]: JSONSchemaType<KindOptionGroups[G]['options']> & { nullable: true } } {
  return Object.fromEntries(KIND_OPTION_GROUP_NAMES.map((group) => [group, { ...KIND_OPTION_GROUPS[group].schema, nullable: true }])) as never;
}

export const STAGE_OPTIONS_SCHEMA: JSONSchemaType<StageOptions> = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    description: { type: 'string', nullable: true },
    kind: { type: 'string', enum: STAGE_KINDS, nullable: true },
    mode: { type: 'string', enum: ['script', 'container'], nullable: true },
    framework: { ...frameworkSchema, nullable: true },
    imageUri: { type: 'string', nullable: true },
    entryScript: { type: 'string', nullable: true },
    instanceType: { type: 'string', nullable: true },
    instanceCount: { type: 'number', nullable: true },
    volumeSizeGb: { type: 'number', nullable: true },
    maxRuntimeSeconds: { type: 'number', nullable: true },
    environment: stringMap,
    inputs: { type: 'array', items: inputSchema, nullable: true },
    outputs: { type: 'array', items: outputSchema, nullable: true },
    skippable: { type: 'boolean', nullable: true },
    hyperparameters: stringMap,
    ...kindGroupSchemas(),
    gate: { ...gateSchema, nullable: true },
    modelStage: { type: 'string', nullable: true },
    endpointName: { type: 'string', nullable: true },
    endpointWait: { ...endpointWaitSchema, nullable: true },
    registry: { ...registrySchema, nullable: true },
    approval: { ...approvalSchema, nullable: true },
  },
  required: ['name'],
  additionalProperties: false,
};

const scheduleSchema: JSONSchemaType<ScheduleOptions> = {
  type: 'object',
  properties: {
    expression: { type: 'string' },
    enabled: { type: 'boolean', nullable: true },
  },
  required: ['expression'],
  additionalProperties: false,
};

const notificationSchema: JSONSchemaType<NotificationOptions> = {
  type: 'object',
  properties: { email: { type: 'string', nullable: true } },
  required: [],
  additionalProperties: false,
};

const fanOutSchema: JSONSchemaType<FanOutOptions> = {
  type: 'object',
  properties: {
    maxConcurrency: { type: 'number', nullable: true },
    toleratedFailurePercentage: { type: 'number', nullable: true },
    itemsFrom: { type: 'string', enum: ['input', 's3', 's3-prefix'], nullable: true },
  },
  required: [],
  additionalProperties: false,
};

const environmentSchema: JSONSchemaType<EnvironmentOptions> = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    account: { type: 'string' },
    region: { type: 'string' },
    modelSource: { type: 'string', enum: ['this-run', 'latest-approved'], nullable: true },
  },
  required: ['name', 'account', 'region'],
  additionalProperties: false,
};

export const PIPELINE_OPTIONS_SCHEMA: JSONSchemaType<PipelineOptions> = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    region: { type: 'string' },
    account: { type: 'string' },
    bucket: { type: 'string', nullable: true },
    existingBucket: { type: 'boolean', nullable: true },
    stages: { type: 'array', items: STAGE_OPTIONS_SCHEMA, nullable: true },
    existingRoles: {
      type: 'object',
      properties: {
        stateMachineRoleArn: { type: 'string', nullable: true },
        sageMakerExecutionRoleArn: { type: 'string', nullable: true },
      },
      required: [],
      additionalProperties: false,
      nullable: true,
    },
    pipelineTimeoutSeconds: { type: 'number', nullable: true },
    cdkQualifier: { type: 'string', nullable: true },
    schedule: { ...scheduleSchema, nullable: true },
    notifications: { ...notificationSchema, nullable: true },
    environments: { type: 'array', items: environmentSchema, nullable: true },
    fanOut: { ...fanOutSchema, nullable: true },
    dashboard: { type: 'boolean', nullable: true },
  },
  required: ['name', 'region', 'account'],
  additionalProperties: false,
};

/** The keys a pipeline model may hold at its top level. */
export const PIPELINE_OPTION_KEYS: readonly string[] = Object.keys(PIPELINE_OPTIONS_SCHEMA.properties!);

/** The pipeline options among a project's options (which also hold projen's). */
export function pickPipelineOptions<T extends PipelineOptions>(options: T): PipelineOptions {
  return Object.fromEntries(Object.entries(options).filter(([k]) => PIPELINE_OPTION_KEYS.includes(k))) as unknown as PipelineOptions;
}

/**
 * The schema as validated: `JSONSchemaType` asks for `nullable: true` on optional properties, which would
 * let `null` through; an explicit `null` is a mistake here (it would silently mean the default), so the
 * runtime schema drops it.
 */
export function runtimeSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(runtimeSchema);
  if (typeof schema !== 'object' || schema === null) return schema;
  return Object.fromEntries(Object.entries(schema).filter(([k]) => k !== 'nullable').map(([k, v]) => [k, runtimeSchema(v)]));
}

// Compiled ahead of time (ajv standalone, src/model/options-validators.ts, `npx projen validators`): compiling
// here loaded ajv's compiler and cost about 0.1 s per schema in every process that validated options.
const validatePipelineShape = pipelineValidator as ValidateFunction;
const validateStageShape = stageValidator as ValidateFunction;

export interface ShapeCheckOptions {
  /**
   * Top-level keys that are not pipeline options but are allowed (a project's projen options). Read only
   * when the options have a key that is not a pipeline option, so it may be a getter that costs something.
   */
  readonly extraTopLevelKeys?: readonly string[];
  /**
   * A few of `extraTopLevelKeys` known without that cost (the `outdir` every in-process synthesis passes):
   * when every non-pipeline key is one of these, `extraTopLevelKeys` is not read.
   */
  readonly commonTopLevelKeys?: readonly string[];
}

/**
 * Problems with the shape of a pipeline model (unknown keys, wrong types, missing required keys),
 * one per offending key, with the closest valid key for an unknown one. Empty when the shape is right.
 */
export function optionShapeProblems(options: unknown, check: ShapeCheckOptions = {}): ModelProblem[] {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    return [{ path: 'options', message: `must be an object, not ${describe(options)}` }];
  }
  const common = check.commonTopLevelKeys ?? [];
  const onlyKnownKeys = Object.keys(options).every((k) => PIPELINE_OPTION_KEYS.includes(k) || common.includes(k));
  const extra = new Set(onlyKnownKeys ? common : [...common, ...(check.extraTopLevelKeys ?? [])]);
  // Known non-pipeline keys (projen's own options) are checked by projen; the schema sees the rest.
  const pipelinePart = Object.fromEntries(Object.entries(options).filter(([k]) => !extra.has(k) || PIPELINE_OPTION_KEYS.includes(k)));
  validatePipelineShape(pipelinePart);
  const candidates = (errorPath: string) => (errorPath === '' ? [...PIPELINE_OPTION_KEYS, ...extra] : undefined);
  return toProblems(validatePipelineShape.errors ?? [], options, '', candidates);
}

/** Shape problems of one stage on its own (e.g. a stage object of an answers file), paths as in a pipeline at `index`. */
export function stageShapeProblems(stage: unknown, index: number): ModelProblem[] {
  validateStageShape(stage);
  return toProblems(validateStageShape.errors ?? [], { stages: Object.assign([], { [index]: stage }) }, `/stages/${index}`);
}

function toProblems(errors: readonly ErrorObject[], root: unknown, prefix: string, candidatesAt: (path: string) => string[] | undefined = () => undefined): ModelProblem[] {
  const problems: ModelProblem[] = [];
  const seen = new Set<string>();
  for (const error of errors) {
    const instancePath = prefix + error.instancePath;
    const problem = toProblem(error, instancePath, root, candidatesAt(error.instancePath));
    const key = `${problem.path}\n${problem.message}`;
    if (!seen.has(key)) problems.push(problem);
    seen.add(key);
  }
  return problems;
}

function toProblem(error: ErrorObject, instancePath: string, root: unknown, candidates: string[] | undefined): ModelProblem {
  const path = readablePath(instancePath, root);
  const join = (key: string) => (path ? `${path}.${key}` : key);
  const value = valueAt(root, instancePath);
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(error.params.additionalProperty);
      const allowed = candidates ?? Object.keys((error.parentSchema as { properties?: object }).properties ?? {});
      const closest = closestKey(key, allowed);
      const hint = closest ? `did you mean '${closest}'?` : `allowed: ${allowed.join(', ')}`;
      return { path: join(key), message: `unknown key '${key}'; ${hint}` };
    }
    case 'required':
      return { path: join(String(error.params.missingProperty)), message: 'is required' };
    case 'type': {
      const expected = String(error.params.type);
      const hint = expected === 'object' && typeof value === 'string' ? objectHint(instancePath, value) : '';
      const wanted = expected === 'boolean' ? 'true or false' : article(expected);
      return { path, message: `must be ${wanted}, not ${describe(value)}${hint}` };
    }
    case 'enum': {
      const allowed = (error.params.allowedValues as unknown[]).map(String);
      const closest = typeof value === 'string' ? closestKey(value, allowed) : undefined;
      const shown = typeof value === 'string' ? `'${value}'` : describe(value);
      const noun = ENUM_NOUNS[instancePath.split('/').pop() ?? ''] ?? 'allowed value';
      return { path, message: `${shown} is not ${/^[aeiou]/.test(noun) ? 'an' : 'a'} ${noun} (allowed: ${allowed.join(', ')})${closest ? `; did you mean '${closest}'?` : ''}` };
    }
    default:
      return { path, message: error.message ?? 'is not valid' };
  }
}

/** What the values of each enum-typed key are called in messages. */
const ENUM_NOUNS: Readonly<Record<string, string>> = { kind: 'stage kind', mode: 'stage mode', name: 'framework', onFail: "gate's onFail action", itemsFrom: 'fan-out item source' };

/** `framework: 'xgboost'` is the common slip: say what the object looks like. */
function objectHint(instancePath: string, value: string): string {
  return instancePath.endsWith('/framework') ? ` (write { name: '${value}' } or { name: '${value}', version: '…' })` : '';
}

function article(type: string): string {
  return type === 'object' || type === 'array' || type === 'integer' ? `an ${type}` : `a ${type}`;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return `the string '${value.length > 40 ? `${value.slice(0, 40)}…` : value}'`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${JSON.stringify(value) ?? String(value)}`;
}

/** JSON pointer → `stages[1] (predict).inputs[0].from`: list items under `stages` and `environments` carry their name. */
function readablePath(pointer: string, root: unknown): string {
  const segments = pointer.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  let text = '';
  let node: unknown = root;
  let parentKey = '';
  for (const segment of segments) {
    const next = (node as Record<string, unknown> | undefined)?.[segment];
    if (Array.isArray(node) && /^\d+$/.test(segment)) {
      const named = parentKey === 'stages' || parentKey === 'environments';
      const itemName = (next as { name?: unknown } | undefined)?.name;
      text += `[${segment}]${named ? ` (${typeof itemName === 'string' && itemName ? itemName : '?'})` : ''}`;
    } else {
      text += text ? `.${segment}` : segment;
    }
    parentKey = segment;
    node = next;
  }
  return text;
}

function valueAt(root: unknown, pointer: string): unknown {
  let node: unknown = root;
  for (const segment of pointer.split('/').slice(1)) node = (node as Record<string, unknown> | undefined)?.[segment.replace(/~1/g, '/').replace(/~0/g, '~')];
  return node;
}
