/**
 * A small disk for ENOSPC fault injection: a tmpfs of a given size and inode count mounted on a temp
 * folder, then filled so that exactly the asked room is left. Mounting needs root (or CAP_SYS_ADMIN);
 * `whySmallDiskUnavailable()` says why not on this machine, and the cases are skipped with that reason.
 * (bwrap --size/--tmpfs and `unshare -rm` mount one too, but only inside a namespace this test process
 * cannot enter, so its before/after hashes could not be taken from here.)
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface SmallDisk {
  /** The mount point: the workspace of a case. */
  readonly dir: string;
  /** Unmounts and removes the mount point. */
  release(): void;
}

let probed: string | undefined | null = null;

/** Undefined when a tmpfs can be mounted here; otherwise the reason (printed with the skipped cases). */
export function whySmallDiskUnavailable(): string | undefined {
  if (probed !== null) return probed;
  if (process.platform !== 'linux') return (probed = `tmpfs mounts are a Linux feature (this is ${process.platform})`);
  if (process.getuid?.() !== 0) return (probed = 'mounting a tmpfs needs root, and these tests run as an unprivileged user');
  try {
    mountSmallDisk({ bytes: 64 * 1024 }).release();
    return (probed = undefined);
  } catch (error) {
    return (probed = `mount -t tmpfs failed here (${String((error as { stderr?: unknown }).stderr ?? (error as Error).message).trim()})`);
  }
}

/** A fresh tmpfs of `bytes` (rounded up to pages by the kernel) and at most `inodes` files and folders. */
export function mountSmallDisk(options: { bytes: number; inodes?: number }): SmallDisk {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hostile-small-disk-'));
  const opts = [`size=${options.bytes}`, 'mode=0755', ...(options.inodes ? [`nr_inodes=${options.inodes}`] : [])];
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', opts.join(','), 'tmpfs', dir], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    fs.rmdirSync(dir);
    throw error;
  }
  return {
    dir,
    release: () => {
      execFileSync('umount', [dir], { stdio: 'ignore' });
      fs.rmdirSync(dir);
    },
  };
}

/** Bytes and inodes still free on the file system holding `dir`. */
export function room(dir: string): { bytes: number; inodes: number } {
  const s = fs.statfsSync(dir);
  return { bytes: s.bavail * s.bsize, inodes: s.ffree };
}

/**
 * Leaves only `bytes` free on the disk holding `dir` (one filler file, `name`, which the user "owns"
 * like everything else), and only `inodes` free when given (empty filler files).
 */
export function fillDisk(dir: string, leave: { bytes?: number; inodes?: number }, name = 'filler'): void {
  if (leave.inodes !== undefined) {
    const fillers = path.join(dir, `${name}-inodes`);
    fs.mkdirSync(fillers);
    for (let i = 0; room(dir).inodes > leave.inodes; i++) fs.writeFileSync(path.join(fillers, String(i)), '');
  }
  if (leave.bytes !== undefined) {
    const take = room(dir).bytes - leave.bytes;
    if (take > 0) fs.writeFileSync(path.join(dir, name), Buffer.alloc(take));
  }
}
