/** Turning model values into safe Python source text. */

/**
 * A Python string literal. JSON string syntax is a subset of Python's
 * (same escapes; other characters stay as they are in the UTF-8 source).
 */
export function pyString(value: string): string {
  return JSON.stringify(value);
}

/** One line of free text that is safe inside a `"""` docstring: no line breaks, quotes or backslashes that could end or escape it. */
export function docstringLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim().replace(/\\/g, '\\\\').replace(/"/g, '\\"');
}

/** The stage's legacy function: `legacy_<stage name with underscores>`. */
export function legacyFunctionName(stageName: string): string {
  return `legacy_${stageName.replace(/-/g, '_')}`;
}
