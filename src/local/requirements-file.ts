/**
 * Reads a pip requirements file as pip would for a stage environment: `-r`/`--requirement` includes are
 * followed (relative to the including file, nested), so their pins count like the file's own (nearest
 * versions, the image's pins overridden) and their content is part of the environment's cache key;
 * `-c`/`--constraint` files are handed to pip by absolute path and their content (and their own
 * includes) is part of the key too; so is the content of local paths the lines name (requirement-paths.ts). An include that is missing, outside the repository or including
 * itself stops the run with one line naming the file and line. Written by hand: pip has no API for
 * reading its requirement files, and the npm parsers of them do not follow includes.
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { LocalRunRefused } from './errors.js';
import type { PackagePin } from './install-packages.js';
import { contentDigest, localPathLine } from './requirement-paths.js';

export interface RequirementsContent {
  readonly pins: PackagePin[];
  /** Lines handed to pip as written (options, URLs, paths), `-c` ones with the constraint file's absolute path. */
  readonly verbatim: string[];
  /** Every file read, repo-relative, in order; the stage's own file first. */
  readonly files: string[];
  /** What the constraint files say (comments and blank lines aside), for the cache key. */
  readonly constraints: string[];
  /** One line each: includes outside the stage folder, which the job in the cloud does not receive. */
  readonly warnings: string[];
  /** Files and folders that requirement lines name (`./x.whl`, `-e .`, `file:` URLs), repo-relative, with their content's digest. */
  readonly localPaths: { readonly path: string; readonly digest: string }[];
}

const INCLUDE = /^(-r|--requirement|-c|--constraint)(?:\s*=\s*|\s+|(?<=^-[rc]))(\S.*)$/;

/**
 * The content of `path` and everything it includes. `stageDir`: includes outside it are allowed (the
 * repository holds them) but warned about, as only the stage folder is shipped to the job.
 */
export function readRequirements(path: string, repoRoot: string, stageDir: string): RequirementsContent {
  const content: RequirementsContent = { pins: [], verbatim: [], files: [], constraints: [], warnings: [], localPaths: [] };
  readInto(content, path, { repoRoot: realOrSelf(repoRoot), shownRoot: repoRoot, stageDir: realOrSelf(stageDir), chain: [], mode: 'requirements' });
  return content;
}

interface ReadContext {
  readonly repoRoot: string;
  readonly shownRoot: string;
  readonly stageDir: string;
  /** Files being read, outermost first: an include of one of them is a cycle. */
  readonly chain: readonly string[];
  readonly mode: 'requirements' | 'constraints';
}

function readInto(content: RequirementsContent, path: string, context: ReadContext): void {
  const real = realOrSelf(path);
  const shown = relative(context.shownRoot, path);
  content.files.push(shown);
  const lines = logicalLines(readFileSync(path, 'utf8'));
  for (const { text, line } of lines) {
    const include = INCLUDE.exec(text);
    if (include) {
      const kind = include[1].startsWith('--') ? include[1].slice(2) : include[1] === '-r' ? 'requirement' : 'constraint';
      const target = include[2].trim().replace(/^["']|["']$/g, '');
      const where = `${shown} line ${line}`;
      if (/^[a-z][a-z0-9+.-]*:\/\//i.test(target)) {
        // A URL: pip fetches it; its content cannot be part of the key.
        content.verbatim.push(text);
        content.warnings.push(`${where}: ${include[1]} ${target} is a URL, so a change there does not rebuild the environment (use --rebuild-envs)`);
        continue;
      }
      const resolved = resolve(dirname(path), target);
      if (!existsSync(resolved)) throw new LocalRunRefused(`${where}: ${include[1]} ${target}: file not found (${relative(context.shownRoot, resolved)})`);
      const realTarget = realOrSelf(resolved);
      if (!inside(realTarget, context.repoRoot)) throw new LocalRunRefused(`${where}: ${include[1]} ${target} is outside the repository (${realTarget}); copy it into the repository`);
      if ([...context.chain, real].includes(realTarget)) throw new LocalRunRefused(`${where}: ${include[1]} ${target} includes a file that includes it`);
      if (!inside(realTarget, context.stageDir)) {
        content.warnings.push(`${where}: ${include[1]} ${target} is outside the stage folder; the job in the cloud receives only the stage folder, so its pip will not find it`);
      }
      const next: ReadContext = { ...context, chain: [...context.chain, real], mode: kind === 'constraint' ? 'constraints' : context.mode };
      if (kind === 'constraint' && context.mode === 'requirements') content.verbatim.push(`-c ${resolved}`);
      readInto(content, resolved, next);
      continue;
    }
    if (context.mode === 'constraints') {
      content.constraints.push(text);
      continue;
    }
    const pin = parseRequirementLine(text, shown);
    if (pin) content.pins.push(pin);
    else content.verbatim.push(localLine(content, text, path, `${shown} line ${line}`, context));
  }
}

/** A line naming a local file or folder: checked, made absolute, its content's digest kept for the key. */
function localLine(content: RequirementsContent, text: string, file: string, where: string, context: ReadContext): string {
  const local = localPathLine(text, file);
  if (!local) return text;
  const shownPath = relative(context.shownRoot, local.path);
  if (!existsSync(local.path)) throw new LocalRunRefused(`${where}: ${text}: not found (${shownPath})`);
  const real = realOrSelf(local.path);
  if (!inside(real, context.repoRoot)) throw new LocalRunRefused(`${where}: ${text} is outside the repository (${real}); copy it into the repository`);
  if (!inside(real, context.stageDir)) {
    content.warnings.push(`${where}: ${text} is outside the stage folder; the job in the cloud receives only the stage folder, so its pip will not find it`);
  }
  content.localPaths.push({ path: shownPath || '.', digest: contentDigest(local.path) ?? '' });
  return local.line;
}

/** Lines as pip reads them: `\` continuations joined, comments (` #…`) and blank lines dropped. */
function logicalLines(text: string): { text: string; line: number }[] {
  const result: { text: string; line: number }[] = [];
  let pending = '';
  let start = 0;
  text.split(/\r?\n/).forEach((raw, i) => {
    if (pending === '') start = i + 1;
    if (raw.endsWith('\\')) {
      pending += raw.slice(0, -1);
      return;
    }
    const line = (pending + raw).replace(/(^|\s)#.*$/, '').trim();
    pending = '';
    if (line !== '') result.push({ text: line, line: start });
  });
  return result;
}

/** `name[extras] spec`, or undefined for anything richer (options, URLs, paths, markers). */
export function parseRequirementLine(line: string, origin: string): PackagePin | undefined {
  const match = /^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?\s*((?:[=<>!~]=?[^,;\s]+\s*,?\s*)*)$/.exec(line.trim());
  if (!match) return undefined;
  return { name: match[1] + (match[2] ?? ''), spec: match[3].replace(/\s+/g, ''), origin };
}

function inside(path: string, folder: string): boolean {
  const rel = relative(folder, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

function realOrSelf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}
