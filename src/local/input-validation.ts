/** Checks the execution input against `pipeline/execution-input.schema.json` before anything runs. */
import { Ajv, type ErrorObject } from 'ajv';
import { checkStageSwitches } from '../checks/stage-switches.js';
import { LocalRunRefused } from './errors.js';

/** Throws {@link LocalRunRefused} with one line per problem, each naming the field. */
export function validateExecutionInput(input: unknown, schema: object, inputLabel: string): void {
  // strict: false because the schema carries annotation keywords (description, title) only for people.
  const ajv = new Ajv({ allErrors: true, strict: false, verbose: true });
  const validate = ajv.compile(schema);
  if (validate(input)) return;
  const problems = (validate.errors ?? []).map((error) => `${inputLabel}: ${describeProblem(error)}`);
  throw new LocalRunRefused([...new Set(problems)]);
}

/**
 * Throws {@link LocalRunRefused} when the input skips a stage whose output a stage that still runs
 * reads (the schema cannot express it; the state machine's paths say it).
 */
export function validateStageSwitches(definition: unknown, input: unknown, inputLabel: string): void {
  const findings = checkStageSwitches(definition, input);
  if (findings.length > 0) throw new LocalRunRefused(findings.map((f) => `${inputLabel}: field '${f.location}': ${f.message}`));
}

/** `stages.predict.instanceCount must be integer`, `stages: predict is missing`… */
function describeProblem(error: ErrorObject): string {
  const field = error.instancePath.split('/').slice(1).map(unescapePointer).join('.');
  const at = (name: string) => (field ? `${field}.${name}` : name);
  switch (error.keyword) {
    case 'required':
      return `field '${at(String(error.params.missingProperty))}' is missing`;
    case 'additionalProperties':
      return `field '${at(String(error.params.additionalProperty))}' is not allowed`;
    case 'enum':
      return `field '${field}' is ${shown(error.data)}, not one of the allowed values`;
    default:
      return `field '${field || '(root)'}' ${error.message ?? 'is invalid'} (got ${shown(error.data)})`;
  }
}

function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function unescapePointer(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}
