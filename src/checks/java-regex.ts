/**
 * Translates the Java-flavoured regular expressions of AWS service models into JavaScript.
 *
 * Hand-written: no library translates java.util.regex to ECMAScript. The service validates a
 * whole value (Java `Matcher.matches()`), so the result is anchored at both ends. Constructs with
 * no faithful JavaScript equivalent (possessive quantifiers, atomic groups, class unions and
 * intersections, `\h`, `\R`, Unicode blocks, ...) are refused with a reason, never approximated:
 * the caller reports such a rule as skipped rather than passed.
 */

export type CompiledPattern = { readonly ok: true; readonly regex: RegExp } | { readonly ok: false; readonly reason: string };

/** Java's `\s` is ASCII whitespace only (JavaScript's also matches Unicode spaces such as U+00A0). */
const JAVA_SPACE = ' \\t\\n\\x0B\\f\\r';

/** POSIX classes (US-ASCII, Java's default), as class bodies without brackets. */
const POSIX_CLASSES: Record<string, string> = {
  Lower: 'a-z',
  Upper: 'A-Z',
  ASCII: '\\x00-\\x7F',
  Alpha: 'a-zA-Z',
  Digit: '0-9',
  Alnum: 'a-zA-Z0-9',
  Punct: '!-\\/:-@\\[-`{-~',
  Graph: '!-~',
  Print: ' -~',
  Blank: ' \\t',
  Cntrl: '\\x00-\\x1F\\x7F',
  XDigit: '0-9a-fA-F',
  Space: JAVA_SPACE,
};

/** Characters that keep their backslash in a JavaScript `u`-mode pattern. */
const JS_SYNTAX = new Set('^$\\.*+?()[]{}|/'.split(''));

class Untranslatable extends Error {}

const cache = new Map<string, CompiledPattern>();

export function compileJavaPattern(pattern: string): CompiledPattern {
  let compiled = cache.get(pattern);
  if (!compiled) {
    compiled = translate(pattern);
    cache.set(pattern, compiled);
  }
  return compiled;
}

function translate(pattern: string): CompiledPattern {
  let body: { source: string; flags: string };
  try {
    body = new Translator(pattern).run();
  } catch (error) {
    if (error instanceof Untranslatable) return { ok: false, reason: error.message };
    throw error;
  }
  try {
    return { ok: true, regex: new RegExp(`^(?:${body.source})$`, body.flags) };
  } catch (error) {
    return { ok: false, reason: `JavaScript cannot compile it (${(error as Error).message})` };
  }
}

class Translator {
  private out = '';
  private i = 0;
  private inClass = false;
  private flags = 'u';
  /** Output offset of the last emitted zero-width assertion, while it is the last thing emitted. */
  private assertionStart: number | undefined;

  constructor(private readonly src: string) {}

  run(): { source: string; flags: string } {
    const leadingFlags = /^\(\?([a-zA-Z]+)\)/.exec(this.src);
    if (leadingFlags) {
      if (leadingFlags[1] !== 'i') throw new Untranslatable(`inline flags (?${leadingFlags[1]}) have no JavaScript equivalent`);
      this.flags += 'i';
      this.i = leadingFlags[0].length;
    }
    while (this.i < this.src.length) {
      if (this.inClass) this.classChar();
      else this.outsideChar();
    }
    if (this.inClass) throw new Untranslatable('unclosed character class');
    return { source: this.out, flags: this.flags };
  }

  private emit(text: string, assertion = false) {
    this.assertionStart = assertion ? this.out.length : undefined;
    this.out += text;
  }

  private outsideChar() {
    const c = this.src[this.i];
    if (c === '\\') return this.escape();
    if (c === '[') {
      this.i += 1;
      this.emit('[');
      this.inClass = true;
      if (this.src[this.i] === '^') {
        this.out += '^';
        this.i += 1;
      }
      if (this.src[this.i] === ']') throw new Untranslatable("a ']' first in a character class is read differently by Java");
      return;
    }
    if (c === '(') return this.group();
    if (c === '*' || c === '+' || c === '?' || c === '{') return this.quantifier();
    if (c === ']' || c === '}') {
      // Java reads a lone closing bracket as itself; JavaScript's u-mode needs it escaped.
      this.i += 1;
      return this.emit(`\\${c}`);
    }
    this.i += 1;
    this.emit(c, c === '^' || c === '$');
  }

  private classChar() {
    const c = this.src[this.i];
    if (c === '\\') return this.escape();
    if (c === '[') throw new Untranslatable('Java class unions ([a[b]]) have no JavaScript equivalent');
    if (c === '&' && this.src[this.i + 1] === '&') throw new Untranslatable('Java class intersections (&&) have no JavaScript equivalent');
    this.i += 1;
    if (c === ']') this.inClass = false;
    this.out += c;
  }

  private group() {
    const rest = this.src.slice(this.i);
    const prefix = /^\((\?(:|=|!|<=|<!|<[a-zA-Z][a-zA-Z0-9]*>))?/.exec(rest)![0];
    if (rest.startsWith('(?') && prefix === '(') {
      throw new Untranslatable(`the group ${rest.slice(0, 4)}... (atomic group or inline flags) has no JavaScript equivalent`);
    }
    this.i += prefix.length;
    this.emit(prefix);
  }

  private quantifier() {
    const rest = this.src.slice(this.i);
    const match = /^(?:[*+?]|\{(\d+)(?:,(\d*))?\})/.exec(rest);
    if (!match) throw new Untranslatable(`'${rest[0]}' at ${this.i} is not a valid quantifier`);
    let text = match[0];
    const min = text === '*' || text === '?' ? 0 : text === '+' ? 1 : Number(match[1]);
    this.i += text.length;
    const modifier = this.src[this.i];
    if (modifier === '+') throw new Untranslatable('possessive quantifiers have no JavaScript equivalent');
    if (modifier === '?') {
      text += '?';
      this.i += 1;
    }
    if (this.assertionStart !== undefined) {
      // Java accepts a quantified assertion such as `${1,128}`; JavaScript does not. Repeating a
      // zero-width assertion at least once is the assertion itself; zero times is nothing.
      if (min === 0) this.out = this.out.slice(0, this.assertionStart);
      this.assertionStart = undefined;
      return;
    }
    this.out += text;
  }

  private escape() {
    const c = this.src[this.i + 1];
    if (c === undefined) throw new Untranslatable('the pattern ends in a lone backslash');
    this.i += 2;
    const inClass = this.inClass;
    switch (c) {
      case 'p':
      case 'P':
        return this.property(c === 'P');
      case 'Q':
        return this.quoted();
      case 's':
        return this.put(inClass ? JAVA_SPACE : `[${JAVA_SPACE}]`);
      case 'S':
        // Inside a class JavaScript's \S is kept: it differs from Java's only on non-ASCII spaces.
        return this.put(inClass ? '\\S' : `[^${JAVA_SPACE}]`);
      case 'A':
      case 'z':
      case 'Z':
        if (inClass) throw new Untranslatable(`\\${c} is not allowed in a character class`);
        // \Z also allows a final line terminator before the end.
        return this.emit(c === 'A' ? '^' : c === 'z' ? '$' : '(?=\\n?$)', true);
      case 'b':
      case 'B':
        if (inClass) throw new Untranslatable(`\\${c} in a character class means different things in Java and JavaScript`);
        return this.emit(`\\${c}`, true);
      case 'e':
        return this.put('\\x1B');
      case 'a':
        return this.put('\\x07');
      case 'x':
        return this.hexEscape();
      case '0':
        return this.octalEscape();
      case 'd':
      case 'D':
      case 'w':
      case 'W':
      case 't':
      case 'n':
      case 'r':
      case 'f':
      case 'u':
      case 'c':
      case 'k':
        return this.put(`\\${c}`);
      default:
        break;
    }
    if (/[1-9]/.test(c)) {
      if (inClass) throw new Untranslatable('a back-reference cannot appear in a character class');
      return this.put(`\\${c}`);
    }
    if (/[a-zA-Z0-9]/.test(c)) throw new Untranslatable(`\\${c} has no JavaScript equivalent`);
    // Java lets any non-alphanumeric character be escaped; u-mode JavaScript only syntax characters.
    if (JS_SYNTAX.has(c) || (inClass && c === '-')) return this.put(`\\${c}`);
    return this.put(c);
  }

  private put(text: string) {
    if (this.inClass) this.out += text;
    else this.emit(text);
  }

  private property(negated: boolean) {
    let name: string;
    if (this.src[this.i] === '{') {
      const end = this.src.indexOf('}', this.i);
      if (end < 0) throw new Untranslatable('unclosed \\p{...}');
      name = this.src.slice(this.i + 1, end);
      this.i = end + 1;
    } else {
      name = this.src[this.i] ?? '';
      this.i += 1;
    }
    const posix = POSIX_CLASSES[name];
    if (posix !== undefined) {
      if (!this.inClass) return this.emit(`[${negated ? '^' : ''}${posix}]`);
      if (negated) throw new Untranslatable(`\\P{${name}} inside a character class has no JavaScript equivalent`);
      return void (this.out += posix);
    }
    if (name.startsWith('In')) throw new Untranslatable(`Unicode blocks (\\p{${name}}) have no JavaScript equivalent`);
    if (name.startsWith('java')) throw new Untranslatable(`\\p{${name}} (a java.lang.Character method) has no JavaScript equivalent`);
    // Java's Is-prefix names a category, binary property or script; JavaScript spells scripts Script=X.
    const bare = name.startsWith('Is') ? name.slice(2) : name;
    const escape = negated ? 'P' : 'p';
    const candidates = [`\\${escape}{${bare}}`, `\\${escape}{Script=${bare}}`];
    const valid = candidates.find((candidate) => {
      try {
        new RegExp(candidate, 'u');
        return true;
      } catch {
        return false;
      }
    });
    if (!valid) throw new Untranslatable(`\\p{${name}} is not a Unicode property JavaScript knows`);
    this.put(valid);
  }

  private quoted() {
    const end = this.src.indexOf('\\E', this.i);
    const literal = this.src.slice(this.i, end < 0 ? undefined : end);
    this.i = end < 0 ? this.src.length : end + 2;
    const special = this.inClass ? /[\\\]\-^[]/ : /[\^$\\.*+?()[\]{}|/]/;
    for (const ch of literal) this.put(special.test(ch) ? `\\${ch}` : ch);
  }

  private hexEscape() {
    if (this.src[this.i] === '{') {
      const end = this.src.indexOf('}', this.i);
      if (end < 0) throw new Untranslatable('unclosed \\x{...}');
      const hex = this.src.slice(this.i + 1, end);
      this.i = end + 1;
      return this.put(`\\u{${hex}}`);
    }
    const hex = this.src.slice(this.i, this.i + 2);
    if (!/^[0-9a-fA-F]{2}$/.test(hex)) throw new Untranslatable('\\x needs two hex digits');
    this.i += 2;
    this.put(`\\x${hex}`);
  }

  private octalEscape() {
    // Java: \0n, \0nn, \0mnn (m <= 3).
    const digits = /^(?:[0-3][0-7]{2}|[0-7]{1,2})/.exec(this.src.slice(this.i))?.[0];
    if (!digits) throw new Untranslatable('\\0 needs octal digits');
    this.i += digits.length;
    this.put(`\\u{${parseInt(digits, 8).toString(16)}}`);
  }
}
