/** What a create run must not leave behind: a process of its own or of the fake tools, or a staging folder. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CaseContext } from './harness.js';
import { fakeToolsAlive, removeFakeTools } from './fake-tools.js';
import { processesInGroup } from './processes.js';

/** Nothing of the run is left: not the command's process group, not the fake tools' processes. */
export function noProcessLeft(ctx: CaseContext): void {
  const pid = Number(ctx.state.pid);
  const deadline = Date.now() + 3000;
  // The group's last members may take a moment to be reaped.
  while ((processesInGroup(pid).length > 0 || fakeToolsAlive(ctx).length > 0) && Date.now() < deadline) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
  expect({ group: processesInGroup(pid), tools: fakeToolsAlive(ctx) }).toEqual({ group: [], tools: [] });
  removeFakeTools(ctx);
}

/** No staging folder anywhere in the workspace (the hash check also catches one; this names it). */
export function noStaging(ctx: CaseContext): void {
  const leftovers: string[] = [];
  const visit = (dir: string, depth: number) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (/legacy-mlops-(staging-)?/.test(entry.name) && entry.name.startsWith('.') && entry.name !== '.legacy-mlops-backup') leftovers.push(path.join(dir, entry.name));
      if (entry.isDirectory() && depth < 1) visit(path.join(dir, entry.name), depth + 1);
    }
  };
  visit(ctx.dir, 0);
  expect(leftovers).toEqual([]);
}
