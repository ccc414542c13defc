/**
 * Writes plain data as a TypeScript literal a person would write by hand:
 * single quotes, bare keys, trailing commas, short values on one line.
 */

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const MAX_LINE = 100;

export type LiteralValue = string | number | boolean | null | undefined | readonly LiteralValue[] | { readonly [key: string]: LiteralValue };

export interface LiteralOptions {
  /** Nesting levels always spread over several lines (0: only on one line when short). */
  readonly expandDepth?: number;
}

export function tsLiteral(value: LiteralValue, indent = '', options: LiteralOptions = {}): string {
  return write(value, indent, 0, options.expandDepth ?? 0);
}

export function tsString(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n').replace(/\r/g, '\\r')}'`;
}

function write(value: LiteralValue, indent: string, depth: number, expandDepth: number): string {
  if (typeof value === 'string') return tsString(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  if (value === undefined) return 'undefined';
  const inner = `${indent}  `;
  const entries = Array.isArray(value)
    ? (value as readonly LiteralValue[]).map((v) => write(v, inner, depth + 1, expandDepth))
    : Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => `${IDENTIFIER.test(k) ? k : tsString(k)}: ${write(v, inner, depth + 1, expandDepth)}`);
  const [open, close] = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
  if (entries.length === 0) return `${open}${close}`;
  const oneLine = Array.isArray(value) ? `[${entries.join(', ')}]` : `{ ${entries.join(', ')} }`;
  if (depth >= expandDepth && !oneLine.includes('\n') && indent.length + oneLine.length <= MAX_LINE) return oneLine;
  return `${open}\n${entries.map((e) => `${inner}${e},`).join('\n')}\n${indent}${close}`;
}
