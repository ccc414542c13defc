/**
 * A folder that stands in for S3: object `s3://<bucket>/<key>` is the file `<root>/<bucket>/<key>`.
 * Only what the emulated jobs need: prefix download into a folder, folder upload under a prefix.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

const S3_URI = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/;

export class LocalS3 {
  readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  /** The local path of an S3 URI (a file for an object key, a folder for a prefix). */
  pathOf(uri: string): string {
    const match = S3_URI.exec(uri);
    if (!match) throw new Error(`'${uri}' is not an s3://<bucket>/<key> URI`);
    const key = match[2] ?? '';
    // Keys are relative; '..' segments would escape the local S3 root.
    if (key.split('/').some((segment) => segment === '..')) throw new Error(`S3 key '${key}' contains '..'`);
    return join(this.root, match[1], key);
  }

  /** True when the prefix holds at least one object. */
  hasObjects(uri: string): boolean {
    return countFiles(this.pathOf(uri)) > 0;
  }

  /**
   * Copies every object under a prefix into `dir`, keys relative to the prefix, like SageMaker's
   * S3Prefix File-mode download. A URI naming a single object lands as `dir/<its name>`.
   * Returns the number of files copied.
   */
  download(uri: string, dir: string): number {
    const source = this.pathOf(uri);
    mkdirSync(dir, { recursive: true });
    if (!existsSync(source)) return 0;
    if (statSync(source).isFile()) {
      cpSync(source, join(dir, basename(source)));
      return 1;
    }
    cpSync(source, dir, { recursive: true });
    return countFiles(dir);
  }

  /** Keys of every object under a prefix, relative to it, in byte order ('/'-separated). */
  list(uri: string): string[] {
    const root = this.pathOf(uri);
    if (!existsSync(root)) return [];
    if (statSync(root).isFile()) return [basename(root)];
    const keys: string[] = [];
    const walk = (dir: string, prefix: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        if (entry.isDirectory()) walk(join(dir, entry.name), `${prefix}${entry.name}/`);
        else if (entry.isFile()) keys.push(`${prefix}${entry.name}`);
      }
    };
    walk(root, '');
    return keys.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /** Copies the named objects (keys relative to the prefix, from {@link list}) into `dir`, keeping their relative paths. */
  downloadKeys(uri: string, keys: readonly string[], dir: string): number {
    const root = this.pathOf(uri);
    mkdirSync(dir, { recursive: true });
    const single = existsSync(root) && statSync(root).isFile();
    for (const key of keys) {
      const target = join(dir, key);
      mkdirSync(dirname(target), { recursive: true });
      cpSync(single ? root : join(root, key), target);
    }
    return keys.length;
  }

  /** Uploads every file under `dir` below the prefix (existing objects with other keys stay, as in S3). */
  upload(dir: string, uri: string): number {
    const target = this.pathOf(uri);
    mkdirSync(target, { recursive: true });
    if (!existsSync(dir)) return 0;
    cpSync(dir, target, { recursive: true });
    return countFiles(dir);
  }

  /** Makes the prefix hold exactly the files of `dir` (the deploy's code upload). */
  replace(dir: string, uri: string, exclude: (name: string) => boolean = () => false): void {
    const target = this.pathOf(uri);
    rmSync(target, { recursive: true, force: true });
    mkdirSync(target, { recursive: true });
    cpSync(dir, target, { recursive: true, filter: (src) => !exclude(basename(src)) });
  }
}

function countFiles(path: string): number {
  if (!existsSync(path)) return 0;
  if (statSync(path).isFile()) return 1;
  let count = 0;
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    count += entry.isDirectory() ? countFiles(join(path, entry.name)) : entry.isFile() ? 1 : 0;
  }
  return count;
}
