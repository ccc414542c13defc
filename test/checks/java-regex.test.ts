/** The Java → JavaScript pattern translation used for the SageMaker model's string patterns. */
import { compileJavaPattern, loadSageMakerModel } from '../../src/checks/index.js';

function matcher(pattern: string): (value: string) => boolean {
  const compiled = compileJavaPattern(pattern);
  if (!compiled.ok) throw new Error(`${pattern} did not compile: ${compiled.reason}`);
  return (value) => compiled.regex.test(value);
}

describe('compileJavaPattern', () => {
  test('matches the whole value, as the service does, whether or not the model anchors it', () => {
    for (const pattern of ['^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}', '[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}']) {
      const jobName = matcher(pattern);
      expect(jobName('demo-predict-0b3c2f8e-1d2a-4e5f-9a8b-7c6d5e4f3a2b')).toBe(true);
      expect(jobName('demo_predict')).toBe(false); // a prefix match would accept it
      expect(jobName('-demo')).toBe(false);
      expect(jobName('a'.repeat(64))).toBe(false);
    }
  });

  test('a quantified anchor (as in the tag patterns) means the anchor itself', () => {
    const tag = matcher('^([\\p{L}\\p{Z}\\p{N}_.:\\/=+\\-@]*)${1,256}');
    expect(tag('legacy-mlops:project')).toBe(true);
    expect(tag('Zürich 2024/ü')).toBe(true);
    expect(tag('no#hash')).toBe(false);
  });

  test("Java's identity escapes of ordinary characters are literals", () => {
    const name = matcher('[a-zA-Z0-9\\ \\_\\.]+');
    expect(name('a b_c.d')).toBe(true);
    expect(name('a-b')).toBe(false);
  });

  test("\\s is Java's ASCII whitespace, not JavaScript's Unicode whitespace", () => {
    expect(matcher('\\s+')(' \t\n')).toBe(true);
    expect(matcher('\\s+')('\u00a0')).toBe(false);
    expect(matcher('[\\S\\s]*')('anything\nat all')).toBe(true);
  });

  test('POSIX classes, \\Q...\\E quoting, octal and \\x{...} escapes', () => {
    expect(matcher('\\p{Alnum}+')('abc123')).toBe(true);
    expect(matcher('\\p{Alnum}+')('ab-c')).toBe(false);
    expect(matcher('[\\p{Alpha}_]+')('a_b')).toBe(true);
    expect(matcher('\\P{Digit}+')('abc')).toBe(true);
    expect(matcher('\\p{Punct}')('!')).toBe(true);
    expect(matcher('\\p{Punct}')('a')).toBe(false);
    expect(matcher('\\Qa.b\\E')('a.b')).toBe(true);
    expect(matcher('\\Qa.b\\E')('axb')).toBe(false);
    expect(matcher('\\0101\\x{42}')('AB')).toBe(true);
    expect(matcher('\\p{IsLatin}+')('abc')).toBe(true);
    expect(matcher('[\\u0020-\\uD7FF\\uE000-\\uFFFD\\uD800\\uDC00-\\uDBFF\\uDFFF\\t]*')('ok 😀')).toBe(true);
  });

  test.each([
    ['a*+b', /possessive/],
    ['(?>a)b', /atomic group/],
    ['[a-z&&[^b]]', /intersection/],
    ['[a[b]]', /union/],
    ['\\p{InGreek}', /block/],
    ['\\h+', /no JavaScript equivalent/],
    ['(?x)a', /inline flags/],
  ])('refuses %s with a reason instead of approximating it', (pattern, reason) => {
    const compiled = compileJavaPattern(pattern);
    expect(compiled.ok).toBe(false);
    expect(!compiled.ok && compiled.reason).toMatch(reason);
  });

  test('(?i) at the start becomes the i flag', () => {
    expect(matcher('(?i)abc')('ABC')).toBe(true);
  });

  test('every pattern of the installed SageMaker models translates', async () => {
    const paths = new Set<string>();
    for (const python of ['/usr/bin/python3', 'python3']) {
      const lookup = await loadSageMakerModel([python]);
      if (!lookup.found || paths.has(lookup.path)) continue;
      paths.add(lookup.path);
      const patterns = new Set(Object.values(lookup.model.shapes).flatMap((s) => (s.pattern === undefined ? [] : [s.pattern])));
      expect(patterns.size).toBeGreaterThan(100);
      const refused = [...patterns].filter((p) => !compileJavaPattern(p).ok);
      expect(refused).toEqual([]);
    }
    expect(paths.size).toBeGreaterThan(0);
  });
});
