/**
 * A stage's local Python environment: a virtual environment holding what its image holds (see
 * env-spec.ts), built on the first run and kept under `.local/envs/<content hash>` while nothing it
 * depends on changes (the interpreter, the image's package set, the requirements, the local wheels and
 * source folders they name, the Dockerfile).
 * Stages that need the same packages share one environment.
 */
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describePackageSet } from '../model/framework-packages.js';
import type { StageEnvSpec } from './env-spec.js';
import { LocalRunRefused, messageOf } from './errors.js';
import { installPackages, installedVersions, normalize, PackageInstallError, type Substitution } from './install-packages.js';
import { chooseInstaller, InstallerError } from './installer.js';
import type { PythonInterpreter } from './python-env.js';

/** Bumped when what an environment holds is computed differently: older environments are rebuilt. */
const ENV_FORMAT = 1;
const MANIFEST = 'legacy-mlops-env.json';
const STAGE_POINTERS = 'stages.json';
const NOTICES = 'notices.txt';
const PROGRESS_EVERY_MS = 15_000;

export interface EnvManifest {
  readonly key: string;
  readonly python: string;
  readonly description: string;
  /** Installed distributions, by normalized name. */
  readonly installed: Readonly<Record<string, string>>;
  readonly substitutions: readonly Substitution[];
  /** What built it: `uv 0.8.3`, `pip 23.0.1`. */
  readonly installer?: string;
  readonly buildMs: number;
}

export interface StageEnvironment {
  readonly interpreter: PythonInterpreter;
  readonly dir: string;
  readonly reused: boolean;
  readonly manifest: EnvManifest;
  /** One line each: versions that differ from the image, the image's other Python. */
  readonly warnings: readonly string[];
  /** Those of `warnings` not shown before: the others are listed in `noticesFile` since an earlier run. */
  readonly freshWarnings: readonly string[];
  /** `<env>/notices.txt`: every warning the environment's stages were given, one per line. */
  readonly noticesFile: string;
}

export interface EnsureEnvOptions {
  /** `.local/envs`. */
  readonly root: string;
  readonly log: (line: string) => void;
  /** How the environment's folder is shown in messages. */
  readonly show?: (path: string) => string;
  readonly signal?: AbortSignal;
  /** The generated repository (default: two folders up from `root`): uv runs there and reads its uv.toml. */
  readonly projectDir?: string;
}

export function envCacheKey(spec: StageEnvSpec, base: PythonInterpreter): string {
  // What is installed, not where it was asked for: stages with the same packages share one environment.
  const pins = spec.pins.map((pin) => `${pin.name}${pin.spec}`);
  const constraints = spec.constraints?.length ? { constraints: spec.constraints } : {};
  const localPaths = spec.localPaths?.length ? { localPaths: spec.localPaths } : {};
  const content = JSON.stringify({ format: ENV_FORMAT, python: [base.executable, base.version], pins, verbatim: spec.verbatim, ...constraints, ...localPaths });
  return createHash('sha256').update(content).digest('hex').slice(0, 16);
}

/** The stage's environment: reused when its manifest is there, else built now (refusing the run on a package that cannot be installed). */
export async function ensureStageEnvironment(spec: StageEnvSpec, base: PythonInterpreter, options: EnsureEnvOptions): Promise<StageEnvironment> {
  const key = envCacheKey(spec, base);
  const dir = join(options.root, key);
  const executable = join(dir, 'bin', 'python');
  const interpreter: PythonInterpreter = { executable, prefixes: [dir, ...base.prefixes], version: base.version };
  const manifestPath = join(dir, MANIFEST);
  let manifest = readManifest(manifestPath);
  const reused = manifest !== undefined;
  if (!manifest) manifest = await buildEnvironment(spec, base, key, dir, options);
  pointStageAt(options.root, spec.stageName, key);
  const warnings = environmentWarnings(spec, manifest, base);
  const noticesFile = join(dir, NOTICES);
  return { interpreter, dir, reused, manifest, warnings, freshWarnings: recordNotices(noticesFile, warnings), noticesFile };
}

/**
 * Notices are shown once: when the environment is built, or when a change of the stage brings a new one.
 * Appends those `notices.txt` does not list yet and returns them.
 */
function recordNotices(path: string, warnings: readonly string[]): string[] {
  let listed: string[] = [];
  try {
    listed = readFileSync(path, 'utf8').split('\n');
  } catch {
    // None recorded yet.
  }
  const fresh = warnings.filter((warning) => !listed.includes(warning));
  try {
    if (fresh.length > 0) appendFileSync(path, fresh.map((warning) => `${warning}\n`).join(''));
  } catch {
    // Unwritable: they are shown again next time.
  }
  return fresh;
}

async function buildEnvironment(spec: StageEnvSpec, base: PythonInterpreter, key: string, dir: string, options: EnsureEnvOptions): Promise<EnvManifest> {
  const show = options.show ?? ((path: string) => path);
  const started = performance.now();
  const seconds = () => ((performance.now() - started) / 1000).toFixed(1);
  const installer = await chooseInstaller(base, { projectDir: options.projectDir ?? resolve(options.root, '..', '..'), signal: options.signal });
  options.log(`  ${spec.stageName}: building its Python environment in ${show(dir)} (${spec.description}) with ${installer.version}`);
  const installerName = installer.name;
  const ticker = setInterval(() => options.log(`  ${spec.stageName}: still building its environment (${seconds()} s)`), PROGRESS_EVERY_MS);
  ticker.unref();
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(options.root, { recursive: true });
  let log = '';
  try {
    const python = join(dir, 'bin', 'python');
    await installer.createVenv(dir);
    const plan = { installer, python, basePython: base.executable, workDir: dir, pins: spec.pins, verbatim: spec.verbatim };
    const result = spec.pins.length + spec.verbatim.length > 0 ? await installPackages(plan, options.signal) : { substitutions: [], log: '' };
    log = result.log;
    writeFileSync(join(dir, 'install.log'), log);
    const manifest: EnvManifest = {
      key,
      python: base.version,
      description: spec.description,
      installed: await installedVersions(python),
      substitutions: result.substitutions,
      installer: installer.version,
      buildMs: Math.round(performance.now() - started),
    };
    // Written last, and atomically: an environment without its manifest is rebuilt.
    writeFileSync(`${join(dir, MANIFEST)}.tmp`, JSON.stringify(manifest, null, 2));
    renameSync(`${join(dir, MANIFEST)}.tmp`, join(dir, MANIFEST));
    options.log(`  ${spec.stageName}: environment ready in ${seconds()} s`);
    return manifest;
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    if (error instanceof LocalRunRefused) throw error;
    if (!(error instanceof PackageInstallError || error instanceof InstallerError)) throw new LocalRunRefused(`stage '${spec.stageName}': cannot build its Python environment: ${messageOf(error)}`);
    const failedLog = join(options.root, `${key}.failed.log`);
    writeFileSync(failedLog, error.log || log);
    throw new LocalRunRefused(`stage '${spec.stageName}': ${error.problem} (${installerName}'s output: ${show(failedLog)})`);
  } finally {
    clearInterval(ticker);
  }
}

/** Versions that differ from the image's, the image's Python, and pins of the stage's own files that were replaced. */
export function environmentWarnings(spec: StageEnvSpec, manifest: EnvManifest, base: PythonInterpreter): string[] {
  const warnings: string[] = [...(spec.specWarnings ?? [])];
  const image = spec.image;
  if (spec.unknownImage) {
    warnings.push(`stage '${spec.stageName}': legacy-mlops does not know the packages of the ${spec.unknownImage} image; its local environment holds only what the stage lists (the import preflight names what is missing)`);
  }
  if (image) {
    const imageLabel = describePackageSet(image);
    if (!sameMinor(image.python, base.version)) warnings.push(`stage '${spec.stageName}': the ${imageLabel} runs Python ${image.python}; its local environment runs Python ${base.version}`);
    const differences = Object.entries(image.packages).flatMap(([name, wanted]) => {
      const local = manifest.installed[normalize(name)];
      if (!wanted.startsWith('==') || local === undefined || sameVersion(local, wanted.slice(2))) return [];
      return [`${name} ${local} here, ${wanted.slice(2)} in the image`];
    });
    if (differences.length > 0) {
      const training = spec.training ? '; a model trained with these versions may not load in the image' : '';
      warnings.push(`stage '${spec.stageName}': the package index lacks the ${imageLabel}'s versions: ${differences.join(', ')}${training}`);
    }
  }
  for (const s of manifest.substitutions.filter((sub) => !image || !sub.origin.startsWith('the '))) {
    const used = s.used ? `${s.used} (the nearest available)` : `${manifest.installed[normalize(s.name)] ?? 'another version'}`;
    warnings.push(`stage '${spec.stageName}': ${s.origin} asks for ${s.name}${s.wanted}, which the package index lacks; installed ${used}`);
  }
  return warnings;
}

function readManifest(path: string): EnvManifest | undefined {
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as EnvManifest;
  } catch {
    return undefined; // unreadable: rebuilt
  }
}

/** Remembers which environment each stage uses; an environment no stage uses any more is removed. */
function pointStageAt(root: string, stageName: string, key: string): void {
  const path = join(root, STAGE_POINTERS);
  let pointers: Record<string, string> = {};
  try {
    pointers = JSON.parse(readFileSync(path, 'utf8')) as Record<string, string>;
  } catch {
    // First use, or unreadable: start afresh.
  }
  const previous = pointers[stageName];
  if (previous === key) return;
  pointers[stageName] = key;
  writeFileSync(path, JSON.stringify(pointers, null, 2));
  if (previous && /^[0-9a-f]{16}$/.test(previous) && !Object.values(pointers).includes(previous)) {
    rmSync(join(root, previous), { recursive: true, force: true });
  }
}

function sameMinor(imagePython: string, local: string): boolean {
  return imagePython.split('.').slice(0, 2).join('.') === local.split('.').slice(0, 2).join('.');
}

function sameVersion(local: string, wanted: string): boolean {
  return local.replace(/\+.*$/, '') === wanted.replace(/\+.*$/, '');
}
