/**
 * `validateProject`: runs every offline checker on a generated repo's managed artifacts
 * and groups the findings by check. Reads files; writes nothing into the repo.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { checkAslRules, ASL_RULES_CHECK } from './asl-rules.js';
import { checkAslSchema, ASL_SCHEMA_CHECK } from './asl-schema.js';
import { checkExecutionInput, EXECUTION_INPUT_CHECK } from './execution-input.js';
import { checkPythonSources, defaultPython, PYTHON_SYNTAX_CHECK } from './python-sources.js';
import { checkRequestShape, REQUEST_SHAPE_CHECK } from './request-shape.js';
import { parseSageMakerResource } from './sagemaker-integrations.js';
import { checkSageMakerRules, SAGEMAKER_RULES_CHECK } from './sagemaker-rules.js';
import { checkStageSwitches, STAGE_SWITCHES_CHECK } from './stage-switches.js';
import { MODEL_HINT, loadSageMakerModel, loadServiceModel, type ModelLookup } from './service-model.js';
import { captureTaskRequests, TaskCaptureError, type CapturedTaskRequest } from './task-requests.js';
import { checkIamDocuments } from './iam-documents.js';
import { isFailure, type Finding } from './types.js';
import { checkDrift, DRIFT_CHECK } from './drift.js';
import { checkModelIntegrity, MODEL_INTEGRITY_CHECK } from './model-integrity.js';
import { readPipelineModel } from '../construct/pipeline-model.js';
import { pipelineWarnings } from '../model/warnings.js';

/** The managed files checked (the same paths the project type writes). */
export const CHECKED_ARTIFACTS = {
  stateMachine: 'pipeline/state-machine.asl.json',
  executionInput: 'pipeline/execution-input.json',
  executionInputSchema: 'pipeline/execution-input.schema.json',
  stagesDir: 'stages',
} as const;

export const ARTIFACTS_CHECK = 'artifacts';
export const TASK_REQUESTS_CHECK = 'task-requests';
/** Where the IAM documents' check reports; filled in through {@link ValidateProjectOptions.iamCheck}. */
export const IAM_POLICIES_CHECK = 'iam-policies';

/** Execution name used to resolve the sample requests: UUID-shaped, like a console-started execution's. */
export const SAMPLE_EXECUTION_NAME = '00000000-0000-4000-8000-000000000000';

export type CheckStatus = 'passed' | 'failed' | 'skipped';

export interface CheckResult {
  readonly check: string;
  /** What was examined, e.g. `3 task requests`. */
  readonly subject: string;
  readonly status: CheckStatus;
  /** Findings that fail the check. */
  readonly findings: readonly Finding[];
  /** Rules that could not be applied: shown, but not counted as failures. */
  readonly skippedRules: readonly Finding[];
  /** Why the whole check was skipped, and how to make it run. */
  readonly hint?: string;
}

export interface ValidationReport {
  readonly projectDir: string;
  readonly checks: readonly CheckResult[];
  /** What is valid but probably not meant (the model's warnings, as synthesis and local runs show them). */
  readonly warnings: readonly string[];
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
}

/** An IAM document checker: the findings for the policies and trust documents under `pipeline/iam/`. */
export type IamCheck = (projectDir: string) => Promise<readonly Finding[]>;

export interface ValidateProjectOptions {
  readonly executionName?: string;
  /** Python used for `py_compile`. @default $LEGACY_MLOPS_PYTHON or python3 */
  readonly python?: string;
  /** Where the SageMaker API model comes from. @default {@link loadSageMakerModel} */
  readonly loadModel?: () => Promise<ModelLookup>;
  /** The IAM check. @default checkIamDocuments (drift, wildcards, PassRole condition, coverage of every Task call) */
  readonly iamCheck?: IamCheck;
  /** Re-synthesize from .projenrc.ts and compare every managed file. @default true */
  readonly drift?: boolean;
}

export async function validateProject(projectDir: string, options: ValidateProjectOptions = {}): Promise<ValidationReport> {
  const checks: CheckResult[] = [];
  const artifactFindings: Finding[] = [];
  const readJson = async (path: string) => {
    try {
      return JSON.parse(await readFile(join(projectDir, path), 'utf8')) as unknown;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      artifactFindings.push({ check: ARTIFACTS_CHECK, location: path, message: code === 'ENOENT' ? 'is missing (run npx projen to generate it)' : `cannot be read: ${(error as Error).message}` });
      return undefined;
    }
  };
  const definition = await readJson(CHECKED_ARTIFACTS.stateMachine);
  const input = await readJson(CHECKED_ARTIFACTS.executionInput);
  const schema = await readJson(CHECKED_ARTIFACTS.executionInputSchema);
  const pythonFiles = await stagePythonFiles(projectDir);
  checks.push(result(ARTIFACTS_CHECK, 'pipeline/*.json', artifactFindings));

  const needs = (check: string, what: string, ...values: unknown[]) =>
    values.every((v) => v !== undefined) ? undefined : skippedResult(check, `needs ${what}`);

  checks.push(needs(ASL_SCHEMA_CHECK, CHECKED_ARTIFACTS.stateMachine, definition) ?? result(ASL_SCHEMA_CHECK, CHECKED_ARTIFACTS.stateMachine, checkAslSchema(definition)));
  checks.push(needs(ASL_RULES_CHECK, CHECKED_ARTIFACTS.stateMachine, definition) ?? result(ASL_RULES_CHECK, CHECKED_ARTIFACTS.stateMachine, checkAslRules(definition)));
  checks.push(
    needs(EXECUTION_INPUT_CHECK, `${CHECKED_ARTIFACTS.executionInput} and its schema`, input, schema) ??
      result(EXECUTION_INPUT_CHECK, `${CHECKED_ARTIFACTS.executionInput} against ${CHECKED_ARTIFACTS.executionInputSchema}`, checkExecutionInput(input, schema)),
  );

  checks.push(
    needs(STAGE_SWITCHES_CHECK, 'the state machine and its sample input', definition, input) ??
      result(STAGE_SWITCHES_CHECK, `stage switches of ${CHECKED_ARTIFACTS.executionInput}`, checkStageSwitches(definition, input)),
  );

  let requests: readonly CapturedTaskRequest[] | undefined;
  const captureSkip = needs(TASK_REQUESTS_CHECK, 'the state machine and its sample input', definition, input);
  if (captureSkip) checks.push(captureSkip);
  else {
    const executionName = options.executionName ?? SAMPLE_EXECUTION_NAME;
    const captured = await capture(definition, input, executionName);
    // Branches chosen by the execution's own ARN (an environment serving approved versions) are captured as that environment's execution.
    for (const arn of executionArnSamples(definition, executionName)) {
      const more = await capture(definition, input, executionName, arn);
      captured.requests = [...captured.requests, ...more.requests.filter((r) => !captured.requests.some((c) => c.stateName === r.stateName))];
      captured.findings.push(...more.findings);
    }
    requests = captured.requests;
    checks.push(result(TASK_REQUESTS_CHECK, `sample execution (${count(requests.length, 'task request')})`, captured.findings));
  }

  checks.push(requests ? await requestShapes(requests, options.loadModel ?? (() => loadSageMakerModel())) : skippedResult(REQUEST_SHAPE_CHECK, 'needs the captured task requests'));
  checks.push(requests ? result(SAGEMAKER_RULES_CHECK, count(requests.length, 'task request'), requests.flatMap(sageMakerRules)) : skippedResult(SAGEMAKER_RULES_CHECK, 'needs the captured task requests'));

  const pythonFindings = await checkPythonSources(pythonFiles, options.python ?? defaultPython(), projectDir);
  const pythonSkip = pythonFindings.find((f) => !isFailure(f));
  checks.push(pythonSkip ? skippedResult(PYTHON_SYNTAX_CHECK, pythonSkip.message) : result(PYTHON_SYNTAX_CHECK, `${count(pythonFiles.length, 'Python file')} under stages/`, pythonFindings));

  checks.push(
    result(IAM_POLICIES_CHECK, 'pipeline/iam/*.json', await (options.iamCheck ?? checkIamDocuments)(projectDir)),
  );

  checks.push(result(MODEL_INTEGRITY_CHECK, 'Task retries, catches, timeouts and entrypoints; input role, bucket and images; entry scripts', checkModelIntegrity(projectDir, definition, input)));
  if (options.drift ?? true) {
    const drift = await checkDrift(projectDir);
    checks.push(drift.skipped ? skippedResult(DRIFT_CHECK, drift.skipped) : result(DRIFT_CHECK, `${count(drift.compared, 'managed file')} against .projenrc.ts`, drift.findings));
  }

  return {
    projectDir,
    checks,
    warnings: modelWarnings(projectDir),
    passed: checks.filter((c) => c.status === 'passed').length,
    failed: checks.filter((c) => c.status === 'failed').length,
    skipped: checks.filter((c) => c.status === 'skipped').length,
  };
}

/** An execution ARN for each `$$.Execution.Id` pattern a Choice compares with (its `*` standing for the rest). */
function executionArnSamples(definition: unknown, executionName: string): string[] {
  const text = JSON.stringify(definition ?? {});
  const patterns = [...text.matchAll(/"Variable":"\$\$\.Execution\.Id","StringMatches":"([^"]+)"/g)].map((m) => m[1]);
  return [...new Set(patterns)].map((pattern) => pattern.replace(/\*$/, `sample:${executionName}`));
}

async function capture(definition: unknown, input: unknown, executionName: string, executionArn?: string): Promise<{ requests: readonly CapturedTaskRequest[]; findings: Finding[] }> {
  try {
    return { requests: await captureTaskRequests(definition, input, executionName, executionArn), findings: [] };
  } catch (error) {
    const requests = error instanceof TaskCaptureError ? error.requests : [];
    return { requests, findings: [{ check: TASK_REQUESTS_CHECK, location: CHECKED_ARTIFACTS.stateMachine, message: (error as Error).message }] };
  }
}

async function requestShapes(requests: readonly CapturedTaskRequest[], loadModel: () => Promise<ModelLookup>): Promise<CheckResult> {
  const lookup = await loadModel();
  if (!lookup.found) return skippedResult(REQUEST_SHAPE_CHECK, `SageMaker API model not found: ${lookup.hint}`);
  // Other services' models (SNS for an approval's publish) come from the same botocore.
  const otherModels = new Map<string, ModelLookup>();
  for (const { resource } of requests) {
    const service = parseSageMakerResource(resource)?.integration.service;
    if (service && service !== 'sagemaker' && !otherModels.has(service)) otherModels.set(service, await loadServiceModel(service));
  }
  const findings = requests.flatMap(({ stateName, resource, request }) => {
    const parsed = parseSageMakerResource(resource);
    if (!parsed) {
      return [{ check: REQUEST_SHAPE_CHECK, location: stateName, message: `no SageMaker operation is known for resource '${resource}', so its request cannot be checked` }];
    }
    // Not a SageMaker request (S3 GetObject of a report): no SageMaker shape to check it against.
    if (!parsed.integration.operation) return [];
    const service = parsed.integration.service ?? 'sagemaker';
    const model = service === 'sagemaker' ? lookup : otherModels.get(service);
    if (!model?.found) return [{ check: REQUEST_SHAPE_CHECK, location: stateName, message: `skipped: the ${service} API model was not found (${MODEL_HINT})`, severity: 'skipped' as const }];
    return checkRequestShape(parsed.integration.operation, request, model.model, stateName);
  });
  return result(REQUEST_SHAPE_CHECK, `${count(requests.length, 'task request')} against ${lookup.path}`, findings);
}

function sageMakerRules({ stateName, resource, request }: CapturedTaskRequest): Finding[] {
  const parsed = parseSageMakerResource(resource);
  // An unknown resource is already reported by asl-rules and request-shape.
  return parsed?.integration.operation ? checkSageMakerRules(parsed.integration.operation, request, stateName) : [];
}

/** The model's warnings, from the synthesized model file; none when it cannot be read (model-integrity reports that). */
function modelWarnings(projectDir: string): string[] {
  try {
    return pipelineWarnings(readPipelineModel(projectDir).environments[0].pipeline);
  } catch {
    return [];
  }
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function result(check: string, subject: string, all: readonly Finding[]): CheckResult {
  const findings = all.filter(isFailure);
  return { check, subject, status: findings.length > 0 ? 'failed' : 'passed', findings, skippedRules: all.filter((f) => !isFailure(f)) };
}

function skippedResult(check: string, hint: string): CheckResult {
  return { check, subject: '', status: 'skipped', findings: [], skippedRules: [], hint };
}

/** Every `.py` file under `stages/<stage>/`, as repo-relative POSIX paths; environments and caches are not sources. */
async function stagePythonFiles(projectDir: string): Promise<string[]> {
  const files: string[] = [];
  const ignored = new Set(['__pycache__', 'node_modules', 'venv']);
  const walk = async (relative: string) => {
    let entries;
    try {
      entries = await readdir(join(projectDir, relative), { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = `${relative}/${entry.name}`;
      if (entry.isDirectory() && !entry.name.startsWith('.') && !ignored.has(entry.name)) await walk(path);
      else if (entry.isFile() && entry.name.endsWith('.py') && relative !== CHECKED_ARTIFACTS.stagesDir) files.push(path);
    }
  };
  await walk(CHECKED_ARTIFACTS.stagesDir);
  return files.sort();
}
