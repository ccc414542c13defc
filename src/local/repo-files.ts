/** Reads the generated repo's pipeline files, with one clear line when one is missing or broken. */
import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { LocalRunRefused, messageOf } from './errors.js';

/** The parsed file and its text (the text keys the validation cache). */
export function readJsonFile(repoRoot: string, path: string, what: string): { value: unknown; text: string } {
  const absolute = resolve(repoRoot, path);
  let text: string;
  try {
    text = readFileSync(absolute, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const shown = relative(repoRoot, absolute) || absolute;
    throw new LocalRunRefused(
      code === 'ENOENT' ? `${what} ${shown} not found (run \`npx projen\` to generate it)` : `cannot read ${what} ${shown}: ${messageOf(error)}`,
    );
  }
  try {
    return { value: JSON.parse(text), text };
  } catch (error) {
    throw new LocalRunRefused(`${what} ${relative(repoRoot, absolute) || absolute} is not valid JSON: ${messageOf(error)}`);
  }
}
