/**
 * What kind of thing a path is, before any byte of it is read: `--from`
 * imports only regular files. Opening a FIFO for reading blocks until a writer
 * appears (an import that hangs forever), a socket cannot be read at all, and a
 * device can be endless (`/dev/zero`); each is refused by name. Symbolic links
 * are never followed silently: the caller reports them.
 *
 * Node's fs has no "open only if regular" call, so the check is here: open
 * with O_NONBLOCK (never blocks, even on a FIFO), then fstat the open
 * descriptor, so a path swapped between the check and the read is still caught.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export type FileKind = 'file' | 'folder' | 'symlink' | 'fifo' | 'socket' | 'character device' | 'block device' | 'unknown';

/** The kind of `stats` (from lstat: a link is a link). */
export function kindOf(stats: fs.Stats | fs.Dirent): FileKind {
  if (stats.isSymbolicLink()) return 'symlink';
  if (stats.isFile()) return 'file';
  if (stats.isDirectory()) return 'folder';
  if (stats.isFIFO()) return 'fifo';
  if (stats.isSocket()) return 'socket';
  if (stats.isCharacterDevice()) return 'character device';
  if (stats.isBlockDevice()) return 'block device';
  return 'unknown';
}

/** How an error names a kind: "a FIFO (named pipe)". */
export function describeKind(kind: FileKind): string {
  switch (kind) {
    case 'file':
      return 'a regular file';
    case 'folder':
      return 'a folder';
    case 'symlink':
      return 'a symbolic link';
    case 'fifo':
      return 'a FIFO (named pipe)';
    case 'socket':
      return 'a socket';
    case 'character device':
      return 'a character device';
    case 'block device':
      return 'a block device';
    default:
      return 'not a regular file';
  }
}

/** Thrown when a path is not what an import may read; the message names the path and its kind. */
export class FileKindError extends Error {
  constructor(
    readonly file: string,
    readonly kind: FileKind,
  ) {
    super(`${file} is ${describeKind(kind)}: only regular files and folders are imported`);
    this.name = 'FileKindError';
  }
}

/** The kind of `file` after following links (what a read would see); a dangling link is 'symlink'. */
export function followedKind(file: string): FileKind {
  try {
    return kindOf(fs.statSync(file));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && isLink(file)) return 'symlink';
    throw error;
  }
}

function isLink(file: string): boolean {
  try {
    return fs.lstatSync(file).isSymbolicLink();
  } catch {
    return false;
  }
}

/** Reads a regular file; any other kind (seen on the open descriptor, so never blocking) throws FileKindError. */
export function readRegularFile(file: string): Buffer {
  const fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  try {
    const kind = kindOf(fs.fstatSync(fd));
    if (kind !== 'file') throw new FileKindError(file, kind);
    return fs.readFileSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Copies a regular file's bytes and mode to `destination` (created with its folders); other kinds throw FileKindError. */
export function copyRegularFile(source: string, destination: string): void {
  const bytes = readRegularFile(source);
  fs.mkdirSync(path.dirname(destination), { recursive: true });
  fs.writeFileSync(destination, bytes, { mode: fs.statSync(source).mode & 0o777 });
}

export interface FolderListing {
  /** Regular files, relative to the folder, `/`-separated, sorted. */
  readonly files: readonly string[];
  /** Symbolic links (not followed): relative path and what they point at. */
  readonly symlinks: readonly { readonly path: string; readonly target: string }[];
  /** FIFOs, sockets and devices: relative path and kind. */
  readonly special: readonly { readonly path: string; readonly kind: FileKind }[];
}

/** Walks `folder` without following links, sorting what it finds by kind; `skip(name)` leaves out folders and files by name. */
export function listFolder(folder: string, skip: (name: string) => boolean = () => false): FolderListing {
  const files: string[] = [];
  const symlinks: { path: string; target: string }[] = [];
  const special: { path: string; kind: FileKind }[] = [];
  const walk = (dir: string, prefix: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (skip(entry.name)) continue;
      const relative = `${prefix}${entry.name}`;
      const kind = kindOf(entry);
      if (kind === 'folder') walk(path.join(dir, entry.name), `${relative}/`);
      else if (kind === 'file') files.push(relative);
      else if (kind === 'symlink') symlinks.push({ path: relative, target: fs.readlinkSync(path.join(dir, entry.name)) });
      else special.push({ path: relative, kind });
    }
  };
  walk(folder, '');
  return { files, symlinks, special };
}
