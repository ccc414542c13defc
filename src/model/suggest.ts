/**
 * The closest valid key to a misspelt one, for "did you mean …?" hints. The edit distance comes from
 * fastest-levenshtein; what counts as close enough (case-insensitive, a third of the word) is ours.
 */
import { distance } from 'fastest-levenshtein';

/** The candidate nearest to `key`, or undefined when none is plausibly what was meant. */
export function closestKey(key: string, candidates: readonly string[]): string | undefined {
  const wanted = key.toLowerCase();
  let best: { candidate: string; cost: number } | undefined;
  for (const candidate of candidates) {
    const cost = distance(wanted, candidate.toLowerCase());
    if (!best || cost < best.cost) best = { candidate, cost };
  }
  if (!best) return undefined;
  const limit = Math.max(2, Math.ceil(Math.max(key.length, best.candidate.length) / 3));
  // A prefix (`maxRuntime` for `maxRuntimeSeconds`) is as telling as a small typo.
  const prefix = best.candidate.toLowerCase().startsWith(wanted) || wanted.startsWith(best.candidate.toLowerCase());
  if (best.cost <= limit) return best.candidate;
  if (wanted.length >= 4) {
    const byPrefix = candidates.find((c) => c.toLowerCase().startsWith(wanted));
    if (byPrefix) return byPrefix;
  }
  return prefix ? best.candidate : undefined;
}
