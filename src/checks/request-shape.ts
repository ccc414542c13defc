/**
 * Checks a request against its SageMaker API input shape: required and unknown members, types,
 * string patterns, lengths, ranges, list/map sizes and enums.
 *
 * Hand-written: botocore's own validator checks types, required members and minimums only (no
 * maximums, patterns or enums), needs a Python process per call, and no JavaScript library validates
 * against a botocore-format model.
 */
import { PROCESSING_INSTANCE_TYPES, TRAINING_INSTANCE_TYPES, TRANSFORM_INSTANCE_TYPES } from '../model/instance-types.js';
import { compileJavaPattern } from './java-regex.js';
import type { ServiceModel, Shape } from './service-model.js';
import { isObject, type Finding } from './types.js';

export const REQUEST_SHAPE_CHECK = 'request-shape';

/**
 * Enum values the service accepts today beyond those of an older botocore model (Debian's is from
 * 2022 and lacks newer instance families): the SDK's enums (generated into src/model/instance-types.ts).
 */
const CURRENT_ENUMS: Readonly<Record<string, readonly string[]>> = {
  ProcessingInstanceType: PROCESSING_INSTANCE_TYPES,
  TrainingInstanceType: TRAINING_INSTANCE_TYPES,
  TransformInstanceType: TRANSFORM_INSTANCE_TYPES,
};

const INT32 = [-(2 ** 31), 2 ** 31 - 1] as const;

export function checkRequestShape(operation: string, request: unknown, model: ServiceModel, location: string = operation): Finding[] {
  const findings: Finding[] = [];
  const inputShape = model.operations[operation]?.input?.shape;
  if (!inputShape) {
    return [{ check: REQUEST_SHAPE_CHECK, location, message: `the SageMaker model has no operation '${operation}'` }];
  }
  new ShapeWalker(model, location, findings).check(inputShape, request, '');
  return findings;
}

class ShapeWalker {
  constructor(
    private readonly model: ServiceModel,
    private readonly location: string,
    private readonly findings: Finding[],
  ) {}

  check(shapeName: string, value: unknown, path: string): void {
    const shape = this.model.shapes[shapeName];
    if (!shape) return this.error(path, `the model has no shape '${shapeName}'`);
    switch (shape.type) {
      case 'structure':
        return this.structure(shapeName, shape, value, path);
      case 'list':
        return this.list(shape, value, path);
      case 'map':
        return this.map(shape, value, path);
      case 'string':
        return this.string(shapeName, shape, value, path);
      case 'integer':
      case 'long':
        return this.integer(shape, value, path);
      case 'float':
      case 'double':
        if (typeof value !== 'number' || !Number.isFinite(value)) return this.error(path, `${show(value)} is not a number`);
        return this.range(shape, value, path);
      case 'boolean':
        if (typeof value !== 'boolean') this.error(path, `${show(value)} is not a boolean`);
        return;
      case 'timestamp':
        if (typeof value !== 'number' && (typeof value !== 'string' || Number.isNaN(Date.parse(value)))) {
          this.error(path, `${show(value)} is not a timestamp`);
        }
        return;
      case 'blob':
        if (typeof value !== 'string') this.error(path, `${show(value)} is not base64 text`);
        return;
      default:
        return this.skipped(path, `shape type '${shape.type}' (${shapeName}) is not checked`);
    }
  }

  private structure(shapeName: string, shape: Shape, value: unknown, path: string) {
    if (!isObject(value)) return this.error(path, `${show(value)} is not an object (${shapeName})`);
    if (shape.document) return;
    const members = shape.members ?? {};
    for (const required of shape.required ?? []) {
      if (!(required in value) || value[required] === null) this.error(join(path, required), `required member is missing (${shapeName})`);
    }
    for (const [key, member] of Object.entries(value)) {
      const ref = members[key];
      if (!ref) {
        this.error(join(path, key), `unknown member of ${shapeName} (allowed: ${Object.keys(members).join(', ')})`);
        continue;
      }
      this.check(ref.shape, member, join(path, key));
    }
  }

  private list(shape: Shape, value: unknown, path: string) {
    if (!Array.isArray(value)) return this.error(path, `${show(value)} is not a list`);
    this.size(shape, value.length, path, 'items');
    value.forEach((item, i) => this.check(shape.member!.shape, item, `${path}[${i}]`));
  }

  private map(shape: Shape, value: unknown, path: string) {
    if (!isObject(value)) return this.error(path, `${show(value)} is not a map`);
    const entries = Object.entries(value);
    this.size(shape, entries.length, path, 'entries');
    for (const [key, entry] of entries) {
      this.check(shape.key!.shape, key, `${join(path, key)} (key)`);
      this.check(shape.value!.shape, entry, join(path, key));
    }
  }

  private string(shapeName: string, shape: Shape, value: unknown, path: string) {
    if (typeof value !== 'string') return this.error(path, `${show(value)} is not a string`);
    // Java measures strings in UTF-16 code units, as JavaScript's length does.
    this.size(shape, value.length, path, 'characters', value);
    const allowed = enumValues(shapeName, shape);
    if (allowed && !allowed.includes(value)) {
      return this.error(path, `${show(value)} is not a valid ${shapeName} (${allowed.length} values allowed, e.g. ${allowed.slice(0, 4).join(', ')})`);
    }
    if (shape.pattern === undefined) return;
    const compiled = compileJavaPattern(shape.pattern);
    if (!compiled.ok) return this.skipped(path, `pattern ${shape.pattern} of ${shapeName} not checked: ${compiled.reason}`);
    if (!compiled.regex.test(value)) this.error(path, `${show(value)} does not match ${shapeName}'s pattern ${shape.pattern}`);
  }

  private integer(shape: Shape, value: unknown, path: string) {
    if (typeof value !== 'number' || !Number.isInteger(value)) return this.error(path, `${show(value)} is not a whole number`);
    if (shape.type === 'integer' && (value < INT32[0] || value > INT32[1])) return this.error(path, `${value} does not fit a 32-bit integer`);
    if (shape.type === 'long' && !Number.isSafeInteger(value)) return this.error(path, `${value} is beyond exact integer precision`);
    this.range(shape, value, path);
  }

  private range(shape: Shape, value: number, path: string) {
    if (shape.min !== undefined && value < shape.min) this.error(path, `${value} is below the minimum ${shape.min}`);
    if (shape.max !== undefined && value > shape.max) this.error(path, `${value} is above the maximum ${shape.max}`);
  }

  private size(shape: Shape, size: number, path: string, unit: string, value?: string) {
    const what = value === undefined ? `${size} ${unit}` : `${show(value)} has ${size} ${unit}`;
    if (shape.min !== undefined && size < shape.min) this.error(path, `${what}; the minimum is ${shape.min}`);
    if (shape.max !== undefined && size > shape.max) this.error(path, `${what}; the maximum is ${shape.max}`);
  }

  private error(path: string, message: string) {
    this.findings.push({ check: REQUEST_SHAPE_CHECK, location: this.at(path), message });
  }

  private skipped(path: string, message: string) {
    this.findings.push({ check: REQUEST_SHAPE_CHECK, location: this.at(path), message, severity: 'skipped' });
  }

  private at(path: string): string {
    return path ? `${this.location} › ${path}` : this.location;
  }
}

function enumValues(shapeName: string, shape: Shape): readonly string[] | undefined {
  if (!shape.enum) return undefined;
  const current = CURRENT_ENUMS[shapeName];
  return current ? [...new Set([...shape.enum, ...current])] : shape.enum;
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

/** A value as a finding shows it: long strings are cut so one finding stays one line. */
function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 60)}…${text.slice(-12)}` : text;
}
