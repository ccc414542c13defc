/**
 * Remembers which files already passed a deterministic check, so a repeated local run skips it.
 * Checking the definition with asl-validator costs about 0.3 s per run, more than the rest of the
 * runner together; an unchanged file (same bytes, same checker) needs no second check.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export class ValidationCache {
  constructor(private readonly dir: string) {}

  /** Runs `check` unless these exact inputs passed it before; records a pass. */
  check(kind: string, inputs: readonly string[], check: () => void): void {
    const hash = createHash('sha256');
    for (const input of inputs) hash.update(`${input.length}:${input}`);
    const marker = join(this.dir, `${kind}-${hash.digest('hex').slice(0, 32)}`);
    if (existsSync(marker)) return;
    check();
    try {
      mkdirSync(this.dir, { recursive: true });
      writeFileSync(marker, '');
    } catch {
      // A cache that cannot be written only costs time.
    }
  }
}
