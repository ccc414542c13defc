/**
 * The few Dockerfile instructions a local run without Docker needs: how the image starts
 * (ENTRYPOINT/CMD), where it starts (WORKDIR), its ENV, and where `COPY . <dir>` puts the stage's code.
 * Hand-written: the maintained Dockerfile parsers on npm are abandoned or pull in a BuildKit toolchain,
 * and this subset (final stage only, no ARG expansion) is all a stage Dockerfile written by legacy-mlops uses.
 */

export interface DockerfileInfo {
  /** Exec-form arrays; a shell-form instruction becomes `['/bin/sh', '-c', text]` as Docker does. */
  readonly entrypoint?: readonly string[];
  readonly cmd?: readonly string[];
  readonly workdir?: string;
  readonly env: Readonly<Record<string, string>>;
  /** Destination of `COPY . <dir>` (or `ADD`), where the build context (the stage folder) lands. */
  readonly codeDir?: string;
  /** The context folder copied there: '' for `COPY . <dir>`, `src` for a legacy `COPY ./src/* <dir>/`. */
  readonly codeSource?: string;
}

export function parseDockerfile(text: string): DockerfileInfo {
  let entrypoint: string[] | undefined;
  let cmd: string[] | undefined;
  let workdir: string | undefined;
  let codeDir: string | undefined;
  let codeSource: string | undefined;
  let env: Record<string, string> = {};
  for (const { instruction, args } of dockerInstructions(text)) {
    switch (instruction) {
      case 'FROM':
        // A later stage starts afresh: only the final stage describes the image.
        entrypoint = cmd = workdir = codeDir = codeSource = undefined;
        env = {};
        break;
      case 'ENTRYPOINT':
        // Docker resets only a CMD inherited from the base image, which this reading never sees.
        entrypoint = commandOf(args);
        break;
      case 'CMD':
        cmd = commandOf(args);
        break;
      case 'WORKDIR':
        workdir = args.startsWith('/') || !workdir ? absolute(args) : `${workdir.replace(/\/$/, '')}/${args}`;
        break;
      case 'ENV':
        Object.assign(env, parseEnv(args));
        break;
      case 'COPY':
      case 'ADD': {
        const words = args.split(/\s+/).filter((w) => !w.startsWith('--'));
        // The whole context (`.`), or one folder of it (`src`, `./src/`, `./src/*`), as legacy Dockerfiles copy their code.
        const source = words.length === 2 ? words[0].replace(/^\.\//, '').replace(/\/\*$/, '').replace(/\/+$/, '') : undefined;
        if (source !== undefined && (source === '' || source === '.' || /^[\w-]+(\/[\w-]+)*$/.test(source))) {
          const dest = words[1] === '.' || words[1] === './' ? (workdir ?? '/') : words[1];
          codeDir = absolute(dest).replace(/\/+$/, '') || '/';
          codeSource = source === '.' ? '' : source;
        }
        break;
      }
    }
  }
  return { entrypoint, cmd, workdir, env, codeDir, ...(codeSource ? { codeSource } : {}) };
}

/** Docker's rule: ENTRYPOINT plus (arguments or CMD); no ENTRYPOINT means CMD alone. */
export function imageCommand(info: DockerfileInfo, containerArguments?: readonly string[]): string[] {
  const args = containerArguments ?? info.cmd ?? [];
  return [...(info.entrypoint ?? []), ...args];
}

/** The instructions of a Dockerfile, continuation lines joined and comments dropped. */
export function* dockerInstructions(text: string): Generator<{ instruction: string; args: string }> {
  let pending = '';
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (pending === '' && (line === '' || line.startsWith('#'))) continue;
    if (line.startsWith('#')) continue; // comment inside a continued instruction
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1)} `;
      continue;
    }
    const full = (pending + line).trim();
    pending = '';
    const match = /^(\w+)\s+([\s\S]*)$/.exec(full);
    if (match) yield { instruction: match[1].toUpperCase(), args: match[2].trim() };
  }
}

function commandOf(args: string): string[] {
  if (args.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(args);
      if (Array.isArray(parsed) && parsed.every((item) => typeof item === 'string')) return parsed;
    } catch {
      // Not valid JSON: Docker then treats it as shell form too.
    }
  }
  return ['/bin/sh', '-c', args];
}

function parseEnv(args: string): Record<string, string> {
  const words = shellWords(args);
  if (words.length > 0 && !words[0].includes('=')) {
    // Legacy form `ENV KEY value with spaces`.
    return { [words[0]]: args.slice(args.indexOf(words[0]) + words[0].length).trim() };
  }
  const env: Record<string, string> = {};
  for (const word of words) {
    const eq = word.indexOf('=');
    if (eq > 0) env[word.slice(0, eq)] = word.slice(eq + 1);
  }
  return env;
}

/** Splits on whitespace, honouring double and single quotes and backslash escapes. */
function shellWords(text: string): string[] {
  const words: string[] = [];
  let current = '';
  let quote: string | undefined;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && i + 1 < text.length) current += text[++i];
      else current += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < text.length) {
      current += text[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(current);
      current = '';
      inWord = false;
    } else {
      current += c;
      inWord = true;
    }
  }
  if (inWord) words.push(current);
  return words;
}

function absolute(path: string): string {
  return path.startsWith('/') ? path : `/${path}`;
}
