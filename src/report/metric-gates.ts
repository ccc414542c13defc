/**
 * The metric gates of a run: every Choice state whose rule compares a numeric value with a
 * threshold path (`NumericGreaterThanEqualsPath`...), evaluated on the input that state received.
 */
import type { GateView } from './run-record.js';

const COMPARISONS: Record<string, GateView['comparison']> = {
  NumericGreaterThanEqualsPath: '>=',
  NumericLessThanEqualsPath: '<=',
  NumericGreaterThanPath: '>',
  NumericLessThanPath: '<',
};

interface Comparison {
  readonly variable: string;
  readonly thresholdPath: string;
  readonly comparison: GateView['comparison'];
}

/** @param choiceInput the input the Choice state received in this run (last entry), undefined when not reached */
export function metricGates(definition: unknown, choiceInput: (state: string) => unknown): GateView[] {
  const states = ((definition ?? {}) as { States?: Record<string, { Type?: unknown; Choices?: unknown }> }).States ?? {};
  const gates: GateView[] = [];
  for (const [name, state] of Object.entries(states)) {
    if (state.Type !== 'Choice' || !Array.isArray(state.Choices)) continue;
    const found = state.Choices.map((rule) => findComparison(rule)).find((c) => c !== undefined);
    if (!found) continue;
    const input = choiceInput(name);
    const value = input === undefined ? undefined : numberAt(input, found.variable);
    const threshold = input === undefined ? undefined : numberAt(input, found.thresholdPath);
    const passed = value === undefined || threshold === undefined ? undefined : compare(value, threshold, found.comparison);
    gates.push({ state: name, metric: metricName(found.variable), value, threshold, comparison: found.comparison, passed });
  }
  return gates;
}

function findComparison(rule: unknown): Comparison | undefined {
  if (!rule || typeof rule !== 'object') return undefined;
  const r = rule as Record<string, unknown>;
  for (const [key, comparison] of Object.entries(COMPARISONS)) {
    if (typeof r.Variable === 'string' && typeof r[key] === 'string') return { variable: r.Variable, thresholdPath: r[key] as string, comparison };
  }
  for (const nested of [...(Array.isArray(r.And) ? r.And : []), ...(Array.isArray(r.Or) ? r.Or : [])]) {
    const found = findComparison(nested);
    if (found) return found;
  }
  return undefined;
}

/** `$.results.evaluate.report.body.metrics.accuracy.value` → `accuracy`. */
function metricName(path: string): string {
  const parts = path.split('.');
  const at = parts.lastIndexOf('metrics');
  return at >= 0 && parts[at + 1] ? parts[at + 1] : parts.filter((p) => p !== 'value').pop() ?? path;
}

/** A plain dotted reference path (`$.a.b.c`), as the generated gates use; anything else reads as absent. */
function numberAt(input: unknown, path: string): number | undefined {
  if (!path.startsWith('$.')) return undefined;
  let value: unknown = input;
  for (const key of path.slice(2).split('.')) {
    if (!value || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return typeof value === 'number' ? value : undefined;
}

function compare(value: number, threshold: number, comparison: GateView['comparison']): boolean {
  switch (comparison) {
    case '>=':
      return value >= threshold;
    case '<=':
      return value <= threshold;
    case '>':
      return value > threshold;
    case '<':
      return value < threshold;
  }
}
