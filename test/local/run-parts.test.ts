/** The local runner's small parts: Dockerfile reading, path rewriting, backend choice, local S3, options. */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rewritePaths } from '../../src/local/backends/direct.js';
import { BackendSelector } from '../../src/local/backends/select.js';
import type { BackendProbe, IsolationBackend } from '../../src/local/backends/types.js';
import { imageCommand, parseDockerfile } from '../../src/local/dockerfile.js';
import { LocalRunRefused, LocalS3, parseLocalArgs } from '../../src/local/index.js';
import type { StageCode } from '../../src/local/stage-code.js';
import { generatedRepo } from '../support/generated-repo.js';

describe('parseDockerfile', () => {
  test('reads the Dockerfile legacy-mlops writes for a container stage', () => {
    const repo = generatedRepo();
    const info = parseDockerfile(repo.read('stages/predict/Dockerfile'));
    expect(info.entrypoint).toEqual(['python3', '/opt/ml/code/predict.py']);
    expect(info.workdir).toBe('/opt/ml/code');
    expect(info.codeDir).toBe('/opt/ml/code');
    expect(info.env).toMatchObject({ PYTHONUNBUFFERED: '1', PYTHONDONTWRITEBYTECODE: '1' });
  });

  test('a legacy Dockerfile copying one folder of its context (`COPY ./src/* /opt/ml/code/`) mounts that folder', () => {
    const info = parseDockerfile(['FROM python:3.8', 'COPY ./src/requirements.txt /opt/ml/code/requirements.txt', 'COPY ./src/* /opt/ml/code/', 'CMD ["python", "/opt/ml/code/predict.py"]'].join('\n'));
    expect([info.codeDir, info.codeSource, info.cmd]).toEqual(['/opt/ml/code', 'src', ['python', '/opt/ml/code/predict.py']]);
    expect(parseDockerfile('FROM x\nCOPY . /app\n').codeSource).toBeUndefined();
  });

  test('shell form, CMD, relative WORKDIR, legacy ENV and multi-stage builds follow Docker', () => {
    const info = parseDockerfile(
      [
        'FROM python:3.12 AS build',
        'ENTRYPOINT ["ignored"]',
        'FROM python:3.12-slim',
        'WORKDIR /srv',
        'WORKDIR app',
        'ENV GREETING hello world',
        'ENV A="x y" B=2',
        'COPY --chown=1000 . .',
        '# a comment',
        'CMD python3 run.py \\',
        '    --fast',
      ].join('\n'),
    );
    expect(info.entrypoint).toBeUndefined();
    expect(info.cmd).toEqual(['/bin/sh', '-c', 'python3 run.py  --fast']);
    expect(info.workdir).toBe('/srv/app');
    expect(info.codeDir).toBe('/srv/app');
    expect(info.env).toEqual({ GREETING: 'hello world', A: 'x y', B: '2' });
  });

  test('the command is ENTRYPOINT plus CMD, and ContainerArguments replace CMD', () => {
    for (const text of ['FROM x\nENTRYPOINT ["python3", "main.py"]\nCMD ["--mode", "batch"]\n', 'FROM x\nCMD ["--mode", "batch"]\nENTRYPOINT ["python3", "main.py"]\n']) {
      const info = parseDockerfile(text);
      expect(imageCommand(info)).toEqual(['python3', 'main.py', '--mode', 'batch']);
      expect(imageCommand(info, ['--mode', 'stream'])).toEqual(['python3', 'main.py', '--mode', 'stream']);
    }
    expect(imageCommand(parseDockerfile('FROM x\nCMD ["python3", "run.py"]\n'))).toEqual(['python3', 'run.py']);
  });
});

describe('rewritePaths (direct backend)', () => {
  const mappings: [string, string][] = [
    ['/opt/ml/code', '/repo/stages/predict'],
    ['/opt/ml', '/run/job/opt/ml'],
  ];

  test('rewrites container paths where they start a path, in arguments and shell strings alike', () => {
    expect(rewritePaths('/opt/ml/code/predict.py', mappings)).toBe('/repo/stages/predict/predict.py');
    expect(rewritePaths('/opt/ml/processing/input/code/x.py', mappings)).toBe('/run/job/opt/ml/processing/input/code/x.py');
    expect(rewritePaths('mkdir -p /opt/ml/output;echo "$3">/opt/ml/output/message', mappings)).toBe(
      'mkdir -p /run/job/opt/ml/output;echo "$3">/run/job/opt/ml/output/message',
    );
    expect(rewritePaths('/opt/ml', mappings)).toBe('/run/job/opt/ml');
  });

  test('leaves look-alike paths alone', () => {
    for (const text of ['/opt/mlflow/x', '/data/opt/ml/x', 'prefix/opt/ml', '/opt/ml-tools']) expect(rewritePaths(text, mappings)).toBe(text);
  });
});

describe('BackendSelector', () => {
  const stage = { stateName: 's', stageName: 's', stageDir: '/x/stages/s', script: { channel: 'code', localPath: '/opt/ml/processing/input/code' } } as StageCode;
  const fake = (name: 'docker' | 'bwrap' | 'direct', probe: BackendProbe): IsolationBackend => ({
    name,
    usesLocalPython: name !== 'docker',
    probe: async () => probe,
    cannotRun: () => undefined,
    launch: async () => ({ argv: [], env: {}, cwd: '/' }),
  });

  test('falls back to direct only when nothing else works, and says so and why', async () => {
    const selector = new BackendSelector('auto', [
      fake('docker', { available: false, detail: 'no engine answers `docker info`' }),
      fake('bwrap', { available: false, detail: 'bubblewrap is not installed' }),
      fake('direct', { available: true, detail: 'no isolation' }),
    ]);
    const choice = await selector.choose(stage, undefined);
    expect(choice.backend.name).toBe('direct');
    expect(choice.reason).toBe(
      'no isolation; used only because nothing else works here (passed over docker: no engine answers `docker info`; bwrap: bubblewrap is not installed)',
    );
  });

  test('prefers docker when it answers, and probes each backend once per run', async () => {
    let probes = 0;
    const docker = fake('docker', { available: true, detail: 'Docker engine 27 answers' });
    const counted = { ...docker, probe: async () => (probes++, docker.probe()) };
    const selector = new BackendSelector('auto', [counted, fake('bwrap', { available: true, detail: 'bubblewrap' })]);
    expect((await selector.choose(stage, undefined)).backend.name).toBe('docker');
    expect((await selector.choose(stage, undefined)).backend.name).toBe('docker');
    expect(probes).toBe(1);
  });

  test('a stage a backend cannot run is passed over, or refused when that backend is forced', async () => {
    const limited = { ...fake('bwrap', { available: true, detail: 'bubblewrap' }), cannotRun: () => 'it needs its image' };
    const auto = new BackendSelector('auto', [limited, fake('direct', { available: true, detail: 'no isolation' })]);
    expect((await auto.choose(stage, undefined)).reason).toContain('passed over bwrap: it needs its image');
    const forced = new BackendSelector('bwrap', [limited]);
    await expect(forced.choose(stage, undefined)).rejects.toThrow("backend 'bwrap' cannot run stage 's': it needs its image");
  });
});

describe('LocalS3', () => {
  const root = mkdtempSync(join(tmpdir(), 'local-s3-'));
  const s3 = new LocalS3(root);

  test('maps s3://bucket/key to <root>/bucket/key and refuses keys escaping it', () => {
    expect(s3.pathOf('s3://my-bucket/runs/a/b.csv')).toBe(join(root, 'my-bucket', 'runs', 'a', 'b.csv'));
    expect(() => s3.pathOf('s3://my-bucket/../etc/passwd')).toThrow("contains '..'");
    expect(() => s3.pathOf('https://example.com/x')).toThrow('is not an s3://');
  });

  test('downloads a prefix (keys relative to it) or a single object, and uploads a folder under a prefix', () => {
    const source = mkdtempSync(join(tmpdir(), 'upload-'));
    mkdirSync(join(source, 'sub'));
    writeFileSync(join(source, 'a.csv'), 'a');
    writeFileSync(join(source, 'sub', 'b.csv'), 'b');
    expect(s3.upload(source, 's3://bucket/data/')).toBe(2);
    expect(s3.hasObjects('s3://bucket/data/')).toBe(true);
    expect(s3.hasObjects('s3://bucket/other/')).toBe(false);

    const target = mkdtempSync(join(tmpdir(), 'download-'));
    expect(s3.download('s3://bucket/data/', join(target, 'all'))).toBe(2);
    expect(readFileSync(join(target, 'all', 'sub', 'b.csv'), 'utf8')).toBe('b');
    expect(s3.download('s3://bucket/data/a.csv', join(target, 'one'))).toBe(1);
    expect(existsSync(join(target, 'one', 'a.csv'))).toBe(true);
    expect(s3.download('s3://bucket/missing/', join(target, 'none'))).toBe(0);
  });
});

describe('command line', () => {
  test('options and their defaults', () => {
    expect(parseLocalArgs([])).toEqual({ help: false, backend: 'auto', install: false, rebuildEnvs: false, follow: false, open: false, inputPath: undefined, python: undefined, s3Root: undefined, approvals: 'ask' });
    expect(parseLocalArgs(['--approve-all'])).toMatchObject({ approvals: 'approve-all' });
    expect(parseLocalArgs(['--reject-all'])).toMatchObject({ approvals: 'reject-all' });
    expect(() => parseLocalArgs(['--approve-all', '--reject-all'])).toThrow(/--approve-all and --reject-all contradict each other/);
    expect(parseLocalArgs(['--no-envs'])).toMatchObject({ envs: false, rebuildEnvs: false });
    expect(parseLocalArgs(['--rebuild-envs'])).toMatchObject({ envs: undefined, rebuildEnvs: true });
    expect(() => parseLocalArgs(['--rebuild-envs', '--no-envs'])).toThrow(/contradict/);
    expect(parseLocalArgs(['--input', 'in.json', '--backend', 'bwrap', '--python', '/usr/bin/python3', '--install', '--s3-root', 's3', '--follow', '--open'])).toEqual({
      help: false,
      inputPath: 'in.json',
      backend: 'bwrap',
      python: '/usr/bin/python3',
      install: true,
      rebuildEnvs: false,
      s3Root: 's3',
      follow: true,
      open: true,
      approvals: 'ask',
    });
  });

  test('unknown options and positionals are refused', () => {
    expect(() => parseLocalArgs(['--fast'])).toThrow(LocalRunRefused);
    expect(() => parseLocalArgs(['run'])).toThrow(LocalRunRefused);
  });
});
