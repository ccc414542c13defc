/**
 * Per-stage enable flags against the state machine: an input that skips a stage (`stages.<key>.enabled:
 * false`) while a stage that still runs reads its output would fail mid-run, after paying for the
 * stages before it. JSON Schema cannot see which stage reads which output; the state machine can.
 *
 * Hand-written (no library walks ASL this way). Which states run is followed from StartAt with each
 * stage switch (a Choice on `$.stages.<key>.enabled`) decided by the input; every other Choice may go
 * either way. What a state reads is found in its paths: `$.results.<key>…` (a stage's Task result,
 * e.g. a training stage's model artifact) and run-output URIs `States.Format('{}{}/<stage>/<output>/…')`.
 */
import { isObject, type Finding } from './types.js';

export const STAGE_SWITCHES_CHECK = 'stage-switches';

const ENABLED_PATH = /^\$\.stages\.([A-Za-z0-9_]+)\.enabled$/;
const RESULT_REFERENCE = /\$\.results\.([A-Za-z0-9_]+)/g;
const RUN_OUTPUT_REFERENCE = /\{\}\{\}\/([a-z][a-z0-9-]*)\/([A-Za-z0-9_-]+)\//g;

/** A switch: the Choice that skips stage `key` (to `skipTo`) or runs it (`runTo`). */
interface StageSwitch {
  readonly key: string;
  readonly skipTo: string;
  readonly runTo: string;
}

/** The stage keys the input switches off. */
export function skippedStageKeys(input: unknown): string[] {
  const stages = isObject(input) && isObject(input.stages) ? input.stages : {};
  return Object.entries(stages)
    .filter(([, settings]) => isObject(settings) && settings.enabled === false)
    .map(([key]) => key);
}

export function checkStageSwitches(definition: unknown, input: unknown, location = 'stages'): Finding[] {
  const states = isObject(definition) && isObject(definition.States) ? (definition.States as Record<string, unknown>) : {};
  const switches = new Map<string, StageSwitch>();
  for (const [name, state] of Object.entries(states)) {
    const found = switchOf(state);
    if (found) switches.set(name, found);
  }
  const skipped = new Set(skippedStageKeys(input));
  const findings: Finding[] = [];
  const switchable = new Set([...switches.values()].map((s) => s.key));
  for (const key of skipped) {
    if (!switchable.has(key)) {
      findings.push({ check: STAGE_SWITCHES_CHECK, location: `${location}.${key}.enabled`, message: `stage '${key}' cannot be skipped (it has no switch in the state machine; make it skippable in .projenrc.ts)` });
    }
  }

  const reported = new Set<string>();
  for (const name of reachable(states, switches, skipped, definition)) {
    for (const [key, how] of referencesOf(states[name])) {
      if (!skipped.has(key) || reported.has(`${name}|${key}`)) continue;
      reported.add(`${name}|${key}`);
      findings.push({
        check: STAGE_SWITCHES_CHECK,
        location: `${location}.${key}.enabled`,
        message: `stage '${key}' is skipped, but state '${name}' still runs and reads its output (${how}): enable '${key}', or skip the stages that need it too`,
      });
    }
  }
  return findings;
}

function switchOf(state: unknown): StageSwitch | undefined {
  if (!isObject(state) || state.Type !== 'Choice' || !Array.isArray(state.Choices) || typeof state.Default !== 'string') return undefined;
  for (const rule of state.Choices.filter(isObject)) {
    const parts = Array.isArray(rule.And) ? rule.And.filter(isObject) : [rule];
    const compared = parts.find((p) => p.BooleanEquals === false && typeof p.Variable === 'string' && ENABLED_PATH.test(p.Variable));
    if (compared && typeof rule.Next === 'string') return { key: ENABLED_PATH.exec(String(compared.Variable))![1], skipTo: rule.Next, runTo: state.Default };
  }
  return undefined;
}

/** States an execution with this input may enter. */
function reachable(states: Record<string, unknown>, switches: ReadonlyMap<string, StageSwitch>, skipped: ReadonlySet<string>, definition: unknown): string[] {
  const start = isObject(definition) && typeof definition.StartAt === 'string' ? definition.StartAt : undefined;
  const seen = new Set<string>();
  const queue = start ? [start] : [];
  while (queue.length > 0) {
    const name = queue.shift()!;
    if (seen.has(name) || !(name in states)) continue;
    seen.add(name);
    const stageSwitch = switches.get(name);
    if (stageSwitch) {
      queue.push(skipped.has(stageSwitch.key) ? stageSwitch.skipTo : stageSwitch.runTo);
      continue;
    }
    queue.push(...successors(states[name]));
  }
  return [...seen];
}

function successors(state: unknown): string[] {
  if (!isObject(state)) return [];
  const targets: unknown[] = [state.Next, state.Default];
  for (const list of [state.Choices, state.Catch]) if (Array.isArray(list)) targets.push(...list.filter(isObject).map((c) => c.Next));
  return targets.filter((t): t is string => typeof t === 'string');
}

/** `[stage key, how it is read]` for every stage output a state reads. */
export function referencesOf(state: unknown): [string, string][] {
  if (!isObject(state)) return [];
  const read: unknown[] = [state.Parameters, state.InputPath, state.ItemsPath];
  if (Array.isArray(state.Choices)) read.push(state.Choices);
  const found: [string, string][] = [];
  for (const text of strings(read)) {
    for (const m of text.matchAll(RESULT_REFERENCE)) found.push([m[1], m[0]]);
    for (const m of text.matchAll(RUN_OUTPUT_REFERENCE)) found.push([m[1].replace(/-/g, '_'), `<runs>/<execution>/${m[1]}/${m[2]}/`]);
  }
  return found;
}

function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (isObject(value)) return Object.values(value).flatMap(strings);
  return [];
}
