/**
 * Fault injection into the `--force` merge: a failure at every single step (a rename the file system
 * refuses) leaves the target byte for byte as it was, and the staging folder whole.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { mergeIntoPlace, planMerge } from '../../src/create/merge-into-place.js';
import { writeFiles } from './harness.js';
import { diffTrees, hashTree } from './tree-hash.js';

function scene(): { target: string; staging: string } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'merge-fault-'));
  const target = path.join(root, 'p');
  writeFiles(target, { 'README.md': 'old readme', 'stages/a/a.py': 'user code', 'stages/a/helper.py': 'helper', 'data/raw/x.csv': '1', '.projenrc.ts': 'old' });
  fs.symlinkSync('README.md', path.join(target, 'LINK.md'));
  const staging = fs.mkdtempSync(path.join(target, '.legacy-mlops-staging-'));
  writeFiles(staging, { 'README.md': 'new readme', 'LINK.md': 'now a file', 'stages/a/a.py': 'stub', 'stages/b/b.py': 'stub b', 'pipeline/asl.json': '{}', '.projenrc.ts': 'new', 'package.json': '{}' });
  return { target, staging };
}

const keepExisting = (rel: string) => rel.startsWith('stages/');

test('a failure before any step of the merge restores the target byte for byte', () => {
  const probe = scene();
  const steps = planMerge(probe.staging, probe.target, { keepExisting }).filter((s) => s.kind === 'new' || s.kind === 'replace');
  expect(steps.length).toBeGreaterThanOrEqual(5);
  for (let failAt = 0; failAt < steps.length; failAt++) {
    const { target, staging } = scene();
    const stagingName = path.relative(target, staging);
    const owned = fs.readdirSync(target).filter((e) => e !== stagingName);
    const before = hashTree(target, owned);
    const stagedBefore = hashTree(staging);
    let seen = 0;
    expect(() =>
      mergeIntoPlace(staging, target, {
        keepExisting,
        beforeStep: () => {
          if (seen++ === failAt) throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
        },
      }),
    ).toThrow(/could not write \S+ \(EACCES\); nothing was changed in \S+: make it writable/);
    expect(diffTrees(before, hashTree(target, fs.readdirSync(target).filter((e) => e !== stagingName)))).toEqual([]);
    expect(diffTrees(stagedBefore, hashTree(staging))).toEqual([]);
  }
});

test('without a fault, replaced files (links included) are in the backup folder and user code is kept', () => {
  const { target, staging } = scene();
  const result = mergeIntoPlace(staging, target, { keepExisting, stamp: 'run' });
  expect(result.kept).toEqual(['stages/a/a.py']);
  expect([...result.replaced].sort()).toEqual(['.projenrc.ts', 'LINK.md', 'README.md']);
  expect(fs.readFileSync(path.join(result.backupDir!, 'README.md'), 'utf8')).toBe('old readme');
  expect(fs.readlinkSync(path.join(result.backupDir!, 'LINK.md'))).toBe('README.md');
  expect(fs.readFileSync(path.join(target, 'stages/a/a.py'), 'utf8')).toBe('user code');
  expect(fs.readFileSync(path.join(target, 'stages/a/helper.py'), 'utf8')).toBe('helper');
});
