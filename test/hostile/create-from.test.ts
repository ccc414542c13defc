/**
 * Hostile `--from` sources: only regular files are read. FIFOs, sockets and devices are refused by
 * name (a FIFO used to hang the import forever: those cases run the real bin under a timeout), and
 * symbolic links inside imported folders are reported, never followed or dropped silently.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { hostileTable, writeFiles, type HostileCase } from './harness.js';
import { create, createBin } from './create-runner.js';

const SCRIPT = 'import pandas\nprint("legacy")\n';
const legacy = (dir: string, extra: Record<string, string> = {}) => writeFiles(dir, { 'legacy/predict.py': SCRIPT, ...extra });
const fifo = (file: string): void => void execFileSync('mkfifo', [file]);
/** A Unix socket file left on disk (Node removes its own on close, Python does not). */
const socketFile = (file: string): void => void execFileSync('python3', ['-c', `import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])`, file]);
const canMknod = (() => {
  try {
    const probe = path.join(fs.mkdtempSync('/tmp/mknod-'), 'null');
    execFileSync('mknod', [probe, 'c', '1', '3'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
const noMknod = canMknod ? undefined : 'mknod is not permitted here (not root, or no CAP_MKNOD)';
const existsIn = (dir: string, rel: string) => fs.existsSync(path.join(dir, rel));
const notCreated = ({ dir }: { dir: string }) => expect(existsIn(dir, 'p')).toBe(false);

const cases: HostileCase[] = [
  {
    name: 'a FIFO named like a stage script in the folder is refused by name, without hanging',
    setup: ({ dir }) => (legacy(dir), fifo(path.join(dir, 'legacy/preprocess.py'))),
    command: createBin(['p', '--from', 'legacy']),
    exitCode: 1,
    message: /^create-legacy-mlops: Invalid --from: \S+\/legacy\/preprocess\.py is a FIFO \(named pipe\)/,
    timeoutMs: 120_000,
    check: notCreated,
  },
  {
    name: 'a FIFO given as the --from item is refused by name, without hanging',
    setup: ({ dir }) => (legacy(dir), fifo(path.join(dir, 'legacy/preprocess.py'))),
    command: createBin(['p', '--from', 'legacy/preprocess.py,legacy/predict.py']),
    exitCode: 1,
    message: /legacy\/preprocess\.py is a FIFO \(named pipe\)/,
    timeoutMs: 120_000,
    check: notCreated,
  },
  {
    name: 'a FIFO mapped explicitly with stage=path is refused by name',
    setup: ({ dir }) => (legacy(dir), fifo(path.join(dir, 'legacy/pipe.py'))),
    run: create(['p', '--from', 'preprocess=legacy/pipe.py']),
    exitCode: 1,
    message: /legacy\/pipe\.py is a FIFO \(named pipe\)/,
    check: notCreated,
  },
  {
    name: 'a FIFO deep inside a stage folder is refused by name',
    setup: ({ dir }) => (writeFiles(dir, { 'legacy/preprocess/preprocess.py': SCRIPT, 'legacy/preprocess/lib/util.py': SCRIPT }), fifo(path.join(dir, 'legacy/preprocess/lib/stream'))),
    run: create(['p', '--from', 'legacy']),
    exitCode: 1,
    message: /legacy\/preprocess\/lib\/stream is a FIFO \(named pipe\)/,
    check: notCreated,
  },
  {
    name: 'a socket named like a stage script is refused by name',
    setup: ({ dir }) => (legacy(dir), socketFile(path.join(dir, 'legacy/preprocess.py'))),
    run: create(['p', '--from', 'legacy']),
    exitCode: 1,
    message: /legacy\/preprocess\.py is a socket/,
    check: notCreated,
  },
  {
    name: 'a socket inside a stage folder is refused by name',
    setup: ({ dir }) => (writeFiles(dir, { 'legacy/predict/predict.py': SCRIPT }), socketFile(path.join(dir, 'legacy/predict/agent.sock'))),
    run: create(['p', '--from', 'legacy']),
    exitCode: 1,
    message: /legacy\/predict\/agent\.sock is a socket/,
    check: notCreated,
  },
  {
    name: 'a character device given as a stage script is refused by name',
    run: create(['p', '--from', 'preprocess=/dev/zero']),
    exitCode: 1,
    message: /\/dev\/zero is a character device: only regular files and folders/,
    check: notCreated,
  },
  {
    name: 'a device node named like a stage script in the folder is refused by name',
    skip: noMknod,
    setup: ({ dir }) => void (legacy(dir), execFileSync('mknod', [path.join(dir, 'legacy/preprocess.py'), 'c', '1', '5'])),
    run: create(['p', '--from', 'legacy']),
    exitCode: 1,
    message: /legacy\/preprocess\.py is a character device/,
    check: notCreated,
  },
  {
    name: 'a symlink to a device named like a script is refused, naming the device',
    setup: ({ dir }) => (legacy(dir), fs.symlinkSync('/dev/zero', path.join(dir, 'legacy/zero.py'))),
    run: create(['p', '--from', 'preprocess=legacy/zero.py']),
    exitCode: 1,
    message: /legacy\/zero\.py is a character device/,
    check: notCreated,
  },
  {
    name: 'a symlink named like a stage script in the folder is reported, not followed',
    setup: ({ dir }) => (legacy(dir), writeFiles(dir, { 'outside/secret.py': 'TOKEN = 1\n' }), fs.symlinkSync('../outside/secret.py', path.join(dir, 'legacy/preprocess.py'))),
    run: create(['p', '--from', 'legacy']),
    exitCode: 0,
    message: /^Note: symbolic links not followed in \S+\/legacy: preprocess\.py -> \.\.\/outside\/secret\.py/,
    check: ({ dir }) => {
      expect(fs.readFileSync(path.join(dir, 'p/stages/predict/predict.py'), 'utf8')).toBe(SCRIPT);
      expect(fs.readFileSync(path.join(dir, 'p/stages/preprocess/preprocess.py'), 'utf8')).not.toContain('TOKEN');
    },
  },
  {
    name: 'a symlink inside an imported stage folder is reported, not copied',
    setup: ({ dir }) => (writeFiles(dir, { 'legacy/predict/predict.py': SCRIPT, 'shared/util.py': 'X = 1\n' }), fs.symlinkSync('../../shared/util.py', path.join(dir, 'legacy/predict/util.py'))),
    run: create(['p', '--from', 'legacy']),
    exitCode: 0,
    message: /^Note: symbolic links not followed in \S+\/legacy\/predict: util\.py -> \.\.\/\.\.\/shared\/util\.py/,
    check: ({ dir }) => expect(fs.existsSync(path.join(dir, 'p/stages/predict/util.py'))).toBe(false),
  },
  {
    name: 'a dangling symlink inside an imported folder is reported',
    setup: ({ dir }) => (writeFiles(dir, { 'legacy/predict/predict.py': SCRIPT }), fs.symlinkSync('nowhere.csv', path.join(dir, 'legacy/predict/data.csv'))),
    run: create(['p', '--from', 'legacy']),
    exitCode: 0,
    message: /symbolic links not followed in \S+\/legacy\/predict: data\.csv -> nowhere\.csv/,
  },
  {
    name: 'a symlinked folder inside an imported stage folder is reported, not walked (no loop)',
    setup: ({ dir }) => (writeFiles(dir, { 'legacy/predict/predict.py': SCRIPT }), fs.symlinkSync('..', path.join(dir, 'legacy/predict/loop'))),
    run: create(['p', '--from', 'legacy']),
    exitCode: 0,
    message: /symbolic links not followed in \S+\/legacy\/predict: loop -> \.\./,
    check: ({ dir }) => expect(fs.existsSync(path.join(dir, 'p/stages/predict/loop'))).toBe(false),
  },
  {
    name: 'an explicitly named symlink to a regular script is followed (the user asked for it)',
    setup: ({ dir }) => (writeFiles(dir, { 'real/clean.py': SCRIPT }), fs.symlinkSync('real/clean.py', path.join(dir, 'link.py'))),
    run: create(['p', '--from', 'preprocess=link.py']),
    exitCode: 0,
    check: ({ dir }) => expect(fs.readFileSync(path.join(dir, 'p/stages/preprocess/link.py'), 'utf8')).toBe(SCRIPT),
  },
  {
    name: 'a --from path that does not exist is named',
    run: create(['p', '--from', 'nope']),
    exitCode: 1,
    message: /^create-legacy-mlops: Invalid --from: cannot read \S+\/nope \(it does not exist\)/,
    check: notCreated,
  },
  {
    name: 'a dangling symlink given as --from is named',
    setup: ({ dir }) => fs.symlinkSync('missing.py', path.join(dir, 'preprocess.py')),
    run: create(['p', '--from', 'preprocess.py']),
    exitCode: 1,
    message: /Invalid --from: cannot read \S+\/preprocess\.py \(it does not exist\)/,
    check: notCreated,
  },
  {
    name: 'a non-Python file mapped to a stage is refused',
    setup: ({ dir }) => writeFiles(dir, { 'notes.txt': 'hello' }),
    run: create(['p', '--from', 'preprocess=notes.txt']),
    exitCode: 1,
    message: /notes\.txt is not a Python \(\.py\) file/,
    check: notCreated,
  },
  {
    name: 'a folder with no script for any stage is refused',
    setup: ({ dir }) => writeFiles(dir, { 'legacy/readme.md': '# hi' }),
    run: create(['p', '--from', 'legacy']),
    exitCode: 1,
    message: /no script matches a stage/,
    check: notCreated,
  },
  {
    name: 'a stage=path naming no stage of the pipeline is refused',
    setup: ({ dir }) => legacy(dir),
    run: create(['p', '--from', 'train=legacy/predict.py']),
    exitCode: 1,
    message: /'train=' names no stage of this pipeline/,
    check: notCreated,
  },
  {
    name: 'two sources for one stage are refused',
    setup: ({ dir }) => writeFiles(dir, { 'a/predict.py': SCRIPT, 'b/predict.py': SCRIPT }),
    run: create(['p', '--from', 'predict=a/predict.py,predict=b/predict.py']),
    exitCode: 1,
    message: /stage 'predict' gets both/,
    check: notCreated,
  },
  {
    name: 'an --from of only commas is refused',
    run: create(['p', '--from', ',,']),
    exitCode: 1,
    message: /Invalid --from: give a folder, \.py files, or stage=path items/,
    check: notCreated,
  },
  {
    name: 'imported scripts are copied byte for byte (CRLF, no final newline, Latin-1 bytes)',
    setup: ({ dir }) => writeFiles(dir, { 'legacy/predict.py': Buffer.from('x = "caf\xe9"\r\nprint(x)', 'latin1') }),
    run: create(['p', '--from', 'legacy']),
    exitCode: 0,
    check: ({ dir }) => expect(fs.readFileSync(path.join(dir, 'p/stages/predict/predict.py')).equals(fs.readFileSync(path.join(dir, 'legacy/predict.py')))).toBe(true),
  },
];

hostileTable('create --from: file kinds', cases);
