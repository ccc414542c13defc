/**
 * A path as a POSIX shell word, for the commands we print: left bare when it
 * holds only characters no shell treats specially, else single-quoted (a `'`
 * inside becomes `'\''`). Three lines do not warrant a dependency.
 */
export function shellQuote(word: string): string {
  if (/^[A-Za-z0-9_/.,:@%+=-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}
