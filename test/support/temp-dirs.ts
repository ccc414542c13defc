/** Temporary directories a test file makes, removed after that file's tests (each test file loads its own copy). */
import { mkdtempSync, rmSync } from 'node:fs';

const made: string[] = [];

/** `fs.mkdtempSync(prefix)`, remembered for removal after the file's tests. */
export function trackedMkdtemp(prefix: string): string {
  const dir = mkdtempSync(prefix);
  made.push(dir);
  return dir;
}

afterAll(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
