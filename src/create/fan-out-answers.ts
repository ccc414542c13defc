/**
 * Fan-out answers of `create-legacy-mlops`: from the `--fan-out*` flags or an answers file's `fanOut`
 * (true, false or the `fanOut` object of .projenrc.ts), each checked by the model's own rules up front
 * and remembered with where it came from, so an error names the flag or file key to fix.
 */
import { validatePipeline } from '../model/resolve.js';
import type { FanOutOptions, PipelineOptions } from '../model/types.js';
import { optionShapeProblems } from '../model/options-schema.js';
import { CreateError, describeOrigin, invalidAnswer, type AnswerOrigin, type Given } from './errors.js';

/** The fan-out answers, by question name. */
export interface FanOutGiven {
  fanOut?: Given<boolean>;
  fanOutItems?: Given<string>;
  fanOutConcurrency?: Given<number>;
  fanOutToleratedFailure?: Given<number>;
}

/** Question name → the field of `fanOut` it sets, and its flag. */
export const FAN_OUT_ANSWERS = {
  fanOutItems: { field: 'itemsFrom', flag: 'fan-out-items' },
  fanOutConcurrency: { field: 'maxConcurrency', flag: 'fan-out-concurrency' },
  fanOutToleratedFailure: { field: 'toleratedFailurePercentage', flag: 'fan-out-tolerated-failure' },
} as const;
export type FanOutAnswer = keyof typeof FAN_OUT_ANSWERS;

const PROBE: PipelineOptions = { name: 'probe', region: 'us-east-1', account: '111122223333', stages: [{ name: 'probe', mode: 'container' }] };

/** The model's message for one fan-out field, or undefined when it is valid. */
export function fanOutFieldProblem(field: keyof FanOutOptions, value: unknown): string | undefined {
  return validatePipeline({ ...PROBE, fanOut: { [field]: value } }).find((p) => p.path === `fanOut.${field}`)?.message;
}

function parseNumber(text: string, origin: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) throw new CreateError(`Invalid ${origin}: '${text}' is not a number`);
  return value;
}

/** The flags' fan-out answers: a `--fan-out-*` value turns fan-out on by itself; `--no-fan-out` with one is a contradiction. */
export function fanOutFromFlags(flags: { fanOut?: boolean; fanOutItems?: string; fanOutConcurrency?: string; fanOutToleratedFailure?: string }): FanOutGiven {
  const origin = (flag: string): AnswerOrigin => ({ kind: 'flag', flag: `--${flag}` });
  const given: FanOutGiven = {};
  if (flags.fanOutItems !== undefined) given.fanOutItems = { value: flags.fanOutItems, origin: origin(FAN_OUT_ANSWERS.fanOutItems.flag) };
  for (const name of ['fanOutConcurrency', 'fanOutToleratedFailure'] as const) {
    const text = flags[name];
    if (text !== undefined) given[name] = { value: parseNumber(text, `--${FAN_OUT_ANSWERS[name].flag}`), origin: origin(FAN_OUT_ANSWERS[name].flag) };
  }
  const first = (Object.keys(FAN_OUT_ANSWERS) as FanOutAnswer[]).find((name) => given[name]);
  if (flags.fanOut === false && first) throw new CreateError(`Invalid --${FAN_OUT_ANSWERS[first].flag}: it sets the fan-out, which --no-fan-out turns off; drop one of them`);
  if (flags.fanOut !== undefined) given.fanOut = { value: flags.fanOut, origin: origin('fan-out') };
  else if (first) given.fanOut = { value: true, origin: given[first]!.origin };
  return given;
}

/** An answers file's `fanOut`: true, false, or the `fanOut` object of .projenrc.ts. */
export function fanOutFromFile(value: unknown, file: string): FanOutGiven {
  const origin = (key: string): AnswerOrigin => ({ kind: 'file', file, key });
  if (typeof value === 'boolean') return { fanOut: { value, origin: origin('fanOut') } };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new CreateError(`Invalid ${describeOrigin(origin('fanOut'))}: must be true, false or an object like { "maxConcurrency": 5, "toleratedFailurePercentage": 0, "itemsFrom": "input" }`);
  }
  // The same runtime schema as .projenrc.ts: unknown keys (with the closest valid one) and wrong types.
  const shape = optionShapeProblems({ fanOut: value }).filter((p) => p.path.startsWith('fanOut'));
  if (shape.length > 0) throw new CreateError(`Invalid ${describeOrigin(origin('fanOut'))}: ${shape.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
  const options = value as FanOutOptions;
  const given: FanOutGiven = { fanOut: { value: true, origin: origin('fanOut') } };
  for (const [name, { field }] of Object.entries(FAN_OUT_ANSWERS) as [FanOutAnswer, (typeof FAN_OUT_ANSWERS)[FanOutAnswer]][]) {
    const v = options[field];
    if (v !== undefined) (given as Record<string, Given<unknown>>)[name] = { value: v, origin: origin(`fanOut.${field}`) };
  }
  return given;
}

/** Each given fan-out answer against the model, before any question is asked. */
export function checkFanOutGiven(given: FanOutGiven): void {
  for (const name of Object.keys(FAN_OUT_ANSWERS) as FanOutAnswer[]) {
    const answer = given[name];
    const problem = answer && fanOutFieldProblem(FAN_OUT_ANSWERS[name].field, answer.value);
    if (problem) throw invalidAnswer(answer.origin, problem);
  }
}

/** The `fanOut` option .projenrc.ts declares from the answers: absent without fan-out, and only the fields given. */
export function fanOutOption(answers: Record<string, unknown>): FanOutOptions | undefined {
  if (answers.fanOut !== true) return undefined;
  const entries = (Object.entries(FAN_OUT_ANSWERS) as [FanOutAnswer, (typeof FAN_OUT_ANSWERS)[FanOutAnswer]][])
    .filter(([name]) => answers[name] !== undefined)
    .map(([name, { field }]) => [field, answers[name]]);
  return Object.fromEntries(entries) as FanOutOptions;
}
