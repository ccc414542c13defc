/**
 * The user's package-index configuration, as the installer that builds stage environments must see it.
 * pip reads its own files and PIP_* variables; uv reads neither, so when uv installs, what pip would use
 * (index, extra indexes, find-links, no-index, constraints, certificate, trusted hosts, timeout) is
 * passed to it on the command line — unless uv has an index configuration of its own (UV_* variables,
 * uv.toml, `[tool.uv]`), which then wins. Written by hand: pip's configuration is read by pip's own
 * Python code (configparser with pip's file order), which no npm package reproduces.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** Where packages come from, in the installer's terms; also what the version lookup asks (index-versions.ts). */
export interface IndexSettings {
  /** The main index; undefined: the installer's default (PyPI). */
  readonly indexUrl?: string;
  readonly extraIndexUrls: readonly string[];
  readonly findLinks: readonly string[];
  readonly noIndex: boolean;
  readonly constraints: readonly string[];
  readonly cert?: string;
  readonly trustedHosts: readonly string[];
  readonly timeoutSeconds?: string;
  /** Whose configuration this is: pip's (files and PIP_*), or uv's own. */
  readonly from: 'pip' | 'uv';
}

export const PYPI_SIMPLE = 'https://pypi.org/simple';

/** pip's configuration files in pip's order, later ones overriding: global, user, site (the interpreter's prefix), PIP_CONFIG_FILE. */
export function pipConfigFiles(env: NodeJS.ProcessEnv, interpreterPrefix?: string): string[] {
  const configFile = env.PIP_CONFIG_FILE;
  if (configFile === '/dev/null') return [];
  const globalDirs = (env.XDG_CONFIG_DIRS || '/etc/xdg').split(':').filter(Boolean);
  const home = env.HOME || homedir();
  const files = [...globalDirs.map((dir) => join(dir, 'pip', 'pip.conf')).reverse(), '/etc/pip.conf'];
  // pip skips the user's files when PIP_CONFIG_FILE names a file that exists.
  if (!(configFile && existsSync(configFile))) files.push(join(home, '.pip', 'pip.conf'), join(env.XDG_CONFIG_HOME || join(home, '.config'), 'pip', 'pip.conf'));
  if (interpreterPrefix) files.push(join(interpreterPrefix, 'pip.conf'));
  if (configFile) files.push(configFile);
  return files;
}

/** What pip install would use: its files' [global] then [install] sections, then PIP_* variables. */
export function pipIndexSettings(env: NodeJS.ProcessEnv, interpreterPrefix?: string): IndexSettings {
  const values = new Map<string, string>();
  for (const file of pipConfigFiles(env, interpreterPrefix)) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue; // absent or unreadable, as pip treats it
    }
    const sections = readIni(text);
    for (const section of ['global', 'install']) for (const [key, value] of sections.get(section) ?? []) values.set(key, value);
  }
  for (const [name, value] of Object.entries(env)) {
    if (name.startsWith('PIP_') && value !== undefined) values.set(name.slice(4).toLowerCase().replace(/_/g, '-'), value);
  }
  const list = (key: string) => (values.get(key) ?? '').split(/\s+/).filter(Boolean);
  const indexUrl = values.get('index-url')?.trim();
  return {
    ...(indexUrl ? { indexUrl } : {}),
    extraIndexUrls: list('extra-index-url'),
    findLinks: list('find-links'),
    noIndex: isTrue(values.get('no-index')),
    constraints: list('constraint'),
    ...(values.get('cert') ? { cert: values.get('cert')!.trim() } : {}),
    trustedHosts: list('trusted-host'),
    ...(values.get('default-timeout') || values.get('timeout') ? { timeoutSeconds: (values.get('default-timeout') ?? values.get('timeout'))!.trim() } : {}),
    from: 'pip',
  };
}

const UV_INDEX_VARIABLES = ['UV_INDEX_URL', 'UV_DEFAULT_INDEX', 'UV_INDEX', 'UV_EXTRA_INDEX_URL', 'UV_FIND_LINKS', 'UV_NO_INDEX'];
const UV_INDEX_KEYS = /^\s*(index-url|extra-index-url|default-index|find-links|no-index)\s*=|^\s*\[\[(tool\.uv\.)?index\]\]/m;

/** uv's own configuration files that could hold an index: UV_CONFIG_FILE, or the system, user and project ones. */
export function uvConfigFiles(env: NodeJS.ProcessEnv, projectDir: string): string[] {
  if (env.UV_NO_CONFIG && isTrue(env.UV_NO_CONFIG)) return [];
  if (env.UV_CONFIG_FILE) return [env.UV_CONFIG_FILE];
  const home = env.HOME || homedir();
  const systemDirs = (env.XDG_CONFIG_DIRS || '/etc/xdg').split(':').filter(Boolean);
  return [
    ...systemDirs.map((dir) => join(dir, 'uv', 'uv.toml')),
    '/etc/uv/uv.toml',
    join(env.XDG_CONFIG_HOME || join(home, '.config'), 'uv', 'uv.toml'),
    join(projectDir, 'uv.toml'),
    join(projectDir, 'pyproject.toml'),
  ];
}

/** Whether uv has an index configuration of its own (then it is left to it); the files' names are for messages. */
export function uvOwnIndexConfig(env: NodeJS.ProcessEnv, projectDir: string): string | undefined {
  const variable = UV_INDEX_VARIABLES.find((name) => env[name]);
  if (variable) return variable;
  for (const file of uvConfigFiles(env, projectDir)) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    // In pyproject.toml only the [tool.uv] tables count.
    const relevant = file.endsWith('pyproject.toml') ? (/\[\[?tool\.uv[\].]/.test(text) ? text.slice(text.search(/\[\[?tool\.uv[\].]/)) : '') : text;
    if (UV_INDEX_KEYS.test(relevant)) return file;
  }
  return undefined;
}

/**
 * The index settings uv reports from its own configuration, as far as the version lookup needs them:
 * UV_* variables first (uv's precedence), else the simple keys of the config file found.
 */
export function uvIndexSettings(env: NodeJS.ProcessEnv, configFile: string | undefined): IndexSettings {
  const fileValues = configFile && existsSync(configFile) ? tomlStringValues(readFileSync(configFile, 'utf8')) : new Map<string, string[]>();
  const words = (variable: string, key: string, separator = /\s+/) => (env[variable] ? env[variable]!.split(separator).filter(Boolean) : (fileValues.get(key) ?? []));
  const withoutNames = (urls: string[]) => urls.map((url) => url.replace(/^[A-Za-z0-9._-]+=(?=[a-z][a-z0-9+.-]*:)/i, ''));
  const defaultIndex = withoutNames([...words('UV_DEFAULT_INDEX', 'default-index'), ...words('UV_INDEX_URL', 'index-url')])[0] ?? fileValues.get('index.default')?.[0];
  return {
    ...(defaultIndex ? { indexUrl: defaultIndex } : {}),
    extraIndexUrls: withoutNames([...words('UV_INDEX', 'index.url'), ...words('UV_EXTRA_INDEX_URL', 'extra-index-url')]),
    findLinks: words('UV_FIND_LINKS', 'find-links', /,/),
    noIndex: isTrue(env.UV_NO_INDEX ?? fileValues.get('no-index')?.[0]),
    constraints: [],
    trustedHosts: [],
    from: 'uv',
  };
}

/** `uv pip install` options carrying pip's settings; none for uv's own configuration. */
export function uvIndexArguments(settings: IndexSettings): string[] {
  if (settings.from === 'uv') return [];
  return [
    ...(settings.noIndex ? ['--no-index'] : []),
    ...(settings.indexUrl && !settings.noIndex ? ['--index-url', settings.indexUrl] : []),
    ...(settings.noIndex ? [] : settings.extraIndexUrls.flatMap((url) => ['--extra-index-url', url])),
    ...settings.findLinks.flatMap((link) => ['--find-links', link]),
    ...settings.constraints.flatMap((file) => ['--constraint', file]),
    ...settings.trustedHosts.flatMap((host) => ['--allow-insecure-host', host]),
  ];
}

/** Variables uv reads for what pip's certificate and timeout settings say (the user's own take precedence). */
export function uvEnvironment(settings: IndexSettings, env: NodeJS.ProcessEnv): Record<string, string> {
  if (settings.from === 'uv') return {};
  return {
    ...(settings.cert && !env.SSL_CERT_FILE ? { SSL_CERT_FILE: settings.cert } : {}),
    ...(settings.timeoutSeconds && !env.UV_HTTP_TIMEOUT ? { UV_HTTP_TIMEOUT: settings.timeoutSeconds } : {}),
  };
}

/** configparser's format as pip reads it: `[section]`, `key = value` or `key: value`, indented continuation lines, `#`/`;` comments. */
export function readIni(text: string): Map<string, Map<string, string>> {
  const sections = new Map<string, Map<string, string>>();
  let section: Map<string, string> | undefined;
  let lastKey: string | undefined;
  for (const raw of text.split(/\r?\n/)) {
    if (/^\s*[#;]/.test(raw) || raw.trim() === '') continue;
    const header = /^\[([^\]]+)\]\s*$/.exec(raw.trim());
    if (header && !/^\s/.test(raw)) {
      section = sections.get(header[1].trim()) ?? new Map<string, string>();
      sections.set(header[1].trim(), section);
      lastKey = undefined;
      continue;
    }
    if (/^\s/.test(raw) && section && lastKey) {
      section.set(lastKey, `${section.get(lastKey)}\n${raw.trim()}`.trim());
      continue;
    }
    const entry = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(raw);
    if (!entry || !section) continue;
    // pip accepts `index_url` for `index-url`.
    lastKey = entry[1].trim().toLowerCase().replace(/_/g, '-');
    section.set(lastKey, entry[2].trim());
  }
  return sections;
}

/**
 * The string and string-array values of a uv.toml (or `[tool.uv]`) by key: top-level and `[pip]` keys
 * as they are, `[[index]]` ones as `index.url`, and the default index's URL as `index.default`. Enough
 * for the version lookup; uv itself reads the file in full.
 */
function tomlStringValues(text: string): Map<string, string[]> {
  const values = new Map<string, string[]>();
  const add = (key: string, found: string[]) => values.set(key, [...(values.get(key) ?? []), ...found]);
  let table = '';
  let indexUrl: string[] = [];
  let isDefault = false;
  const closeIndex = () => {
    if (table === 'index') add(isDefault ? 'index.default' : 'index.url', indexUrl);
    indexUrl = [];
    isDefault = false;
  };
  for (const line of text.split(/\r?\n/)) {
    const header = /^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*$/.exec(line);
    if (header) {
      closeIndex();
      table = header[1].replace(/^tool\.uv\.?/, '');
      continue;
    }
    const entry = /^\s*([A-Za-z0-9_-]+)\s*=\s*(.*)$/.exec(line);
    if (!entry) continue;
    const strings = [...entry[2].matchAll(/"([^"]*)"|'([^']*)'/g)].map((m) => m[1] ?? m[2]);
    const found = strings.length > 0 ? strings : [entry[2].trim()];
    if (table === 'index') {
      if (entry[1] === 'url') indexUrl = found;
      if (entry[1] === 'default') isDefault = found[0] === 'true';
    } else if (table === '' || table === 'pip') add(entry[1], found);
  }
  closeIndex();
  return values;
}

function isTrue(value: string | undefined): boolean {
  return value !== undefined && ['1', 'true', 'yes', 'on'].includes(value.trim().toLowerCase());
}
