/**
 * What `.git` held before `--force` committed the scaffold, so that a signal or a failed commit can
 * put it back byte for byte: every file outside the object database (HEAD, index, refs, packed-refs,
 * reflogs, config, COMMIT_EDITMSG…) is kept in memory, and the object database's entries are listed
 * (objects are never rewritten, so removing the ones written since is enough). A folder that had no
 * `.git` gets none back. Git has no "undo this commit and everything it wrote", hence this module.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Folders of a git dir that can be large and that add/commit never write (objects are listed, not read). */
const NOT_READ = new Set(['objects', 'modules', 'lfs', 'worktrees']);

export interface GitDirSnapshot {
  /** Puts the git dir back as it was (synchronous: a signal handler calls it). */
  restore(): void;
}

/** `gitDir` is `<target>/.git` or the absolute git dir git reports; absent means there was no repository. */
export function snapshotGitDir(gitDir: string): GitDirSnapshot {
  if (!fs.existsSync(gitDir)) return { restore: () => fs.rmSync(gitDir, { recursive: true, force: true }) };
  const files = new Map<string, { content: Buffer; mode: number }>();
  const existed = new Set<string>();
  walk(gitDir, '', (rel, stat) => {
    existed.add(rel);
    if (stat.isFile()) files.set(rel, { content: fs.readFileSync(path.join(gitDir, rel)), mode: stat.mode & 0o7777 });
  });
  const objects = new Set(listObjects(gitDir));
  return {
    restore: () => {
      // Newest first: what git wrote since (files, then the folders it made), then the old contents.
      const added: string[] = [];
      walk(gitDir, '', (rel) => {
        if (!existed.has(rel)) added.push(rel);
      });
      for (const rel of listObjects(gitDir)) if (!objects.has(rel)) added.push(rel);
      for (const rel of added.sort().reverse()) fs.rmSync(path.join(gitDir, rel), { recursive: true, force: true });
      for (const [rel, { content, mode }] of files) {
        const file = path.join(gitDir, rel);
        if (!sameContent(file, content)) {
          fs.mkdirSync(path.dirname(file), { recursive: true });
          fs.writeFileSync(file, content);
        }
        if ((fs.statSync(file).mode & 0o7777) !== mode) fs.chmodSync(file, mode);
      }
    },
  };
}

/** Every file and folder under `root/rel`, parents first, skipping the folders NOT_READ at the top. */
function walk(root: string, rel: string, visit: (rel: string, stat: fs.Stats) => void): void {
  for (const name of fs.readdirSync(path.join(root, rel))) {
    const child = rel === '' ? name : `${rel}/${name}`;
    if (rel === '' && NOT_READ.has(name)) continue;
    const stat = fs.lstatSync(path.join(root, child));
    visit(child, stat);
    if (stat.isDirectory()) walk(root, child, visit);
  }
}

/** `objects/<xx>`, `objects/<xx>/<rest>`, `objects/pack/…`, `objects/info/…`: names only. */
function listObjects(gitDir: string): string[] {
  const out: string[] = [];
  const top = path.join(gitDir, 'objects');
  for (const dir of readdirOrEmpty(top)) {
    out.push(`objects/${dir}`);
    for (const entry of readdirOrEmpty(path.join(top, dir))) out.push(`objects/${dir}/${entry}`);
  }
  return out;
}

function readdirOrEmpty(dir: string): string[] {
  try {
    return fs.statSync(dir).isDirectory() ? fs.readdirSync(dir) : [];
  } catch {
    return [];
  }
}

function sameContent(file: string, content: Buffer): boolean {
  try {
    return fs.readFileSync(file).equals(content);
  } catch {
    return false;
  }
}
