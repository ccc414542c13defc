/**
 * Installs a stage's packages into its virtual environment with pip and the user's own pip
 * configuration (index, find-links, constraints). A pin the index does not have is replaced by the
 * nearest version it has and the install is tried again; a package with no version at all, or one that
 * fails to build, is reported by name. pip has no option for "nearest version", so its own
 * "from versions: …" answer is read back here.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { compare, explain } from '@renovatebot/pep440';

const run = promisify(execFile);

export interface PackagePin {
  /** Distribution name as written. */
  readonly name: string;
  /** pip specifier: `==1.4.2`, `>=2.0.0`, `<2`, or '' for any. */
  readonly spec: string;
  /** Where the pin comes from, for messages: `the scikit-learn 1.4-2 image`, `stages/x/requirements.txt`. */
  readonly origin: string;
}

export interface InstallPlan {
  /** How to run pip for the environment: `<env>/bin/python -m pip`, or the base's `python -m pip --python <env>/bin/python`. */
  readonly pip: readonly string[];
  /** Folder for the install's own files (the combined requirements, the log). */
  readonly workDir: string;
  readonly pins: readonly PackagePin[];
  /** Requirement lines passed to pip as written (options, URLs, paths). */
  readonly verbatim?: readonly string[];
}

export interface Substitution {
  readonly name: string;
  readonly wanted: string;
  /** The version installed instead, or '' when the pin was dropped for any version. */
  readonly used: string;
  readonly origin: string;
}

export interface InstallResult {
  readonly substitutions: readonly Substitution[];
  /** Output of every pip run, in order. */
  readonly log: string;
}

/** A package that cannot be installed: `problem` is one line naming it. */
export class PackageInstallError extends Error {
  constructor(
    readonly packageName: string,
    readonly problem: string,
    readonly log: string,
  ) {
    super(problem);
    this.name = 'PackageInstallError';
  }
}

const MAX_ATTEMPTS = 16;

export async function installPackages(plan: InstallPlan, signal?: AbortSignal): Promise<InstallResult> {
  const pins = plan.pins.map((pin) => ({ ...pin }));
  const substitutions: Substitution[] = [];
  let log = '';
  // Exact pins the index lacks are swapped for the nearest version before installing: asking once per
  // pin, in parallel, costs far less than one failed `pip install` per missing pin.
  const exact = pins.filter((pin) => pin.spec.startsWith('=='));
  const answers = await mapLimit(exact, 4, (pin) => pip(plan.pip, ['index', 'versions', pin.name.replace(/\[.*$/, '')], signal));
  exact.forEach((pin, i) => {
    log += `$ pip index versions ${pin.name}\n${answers[i].output}\n`;
    const listed = /Available versions: (.*)/.exec(answers[i].output);
    if (!answers[i].ok || !listed) return; // the install below reports it
    const versions = listed[1].split(',').map((v) => v.trim());
    const wanted = pin.spec.slice(2);
    if (versions.some((v) => v === wanted || v.replace(/\+.*$/, '') === wanted)) return;
    const nearest = nearestVersion(wanted, versions);
    if (!nearest) return;
    substitutions.push({ name: pin.name, wanted: pin.spec, used: nearest, origin: pin.origin });
    pin.spec = `==${nearest}`;
  });
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const requirements = join(plan.workDir, 'requirements.in.txt');
    writeFileSync(requirements, [...(plan.verbatim ?? []), ...pins.map((pin) => `${pin.name}${pin.spec}`)].join('\n') + '\n');
    const outcome = await pip(plan.pip, ['install', '--disable-pip-version-check', '--no-input', '--progress-bar', 'off', '-r', requirements], signal);
    log += `$ pip install -r ${requirements}\n${outcome.output}\n`;
    if (outcome.ok) return { substitutions, log };

    const missing = unsatisfiable(outcome.output);
    if (missing) {
      const pin = pins.find((p) => normalize(p.name) === normalize(missing.name));
      if (!pin) throw new PackageInstallError(missing.name, `package '${missing.name}' (needed by another package) ${missing.versions.length === 0 ? 'is not available from the package index' : `has no version matching '${missing.requirement}' in the package index`}`, log);
      if (missing.versions.length === 0) throw new PackageInstallError(pin.name, `package '${pin.name}' (from ${pin.origin}) is not available from the package index`, log);
      const nearest = pin.spec.startsWith('==') ? nearestVersion(pin.spec.slice(2), missing.versions) : undefined;
      substitutions.push({ name: pin.name, wanted: pin.spec, used: nearest ?? '', origin: pin.origin });
      pin.spec = nearest ? `==${nearest}` : '';
      continue;
    }
    const build = buildFailure(outcome.output);
    if (build) {
      const pin = pins.find((p) => normalize(p.name) === normalize(build.name));
      throw new PackageInstallError(build.name, `package '${build.name}'${pin ? ` (from ${pin.origin})` : ''} failed to build: ${build.reason}`, log);
    }
    if (/ResolutionImpossible|conflicting dependencies/.test(outcome.output)) {
      // The nearest versions may not fit together: let pip choose those it substituted, then any pinned one.
      const relax = pins.filter((p) => p.spec !== '' && substitutions.some((s) => normalize(s.name) === normalize(p.name)));
      const next = relax.length > 0 ? relax : pins.filter((p) => p.spec !== '');
      if (next.length === 0) throw new PackageInstallError('', `pip cannot resolve the packages: ${lastLines(outcome.output)}`, log);
      for (const pin of next) {
        if (!substitutions.some((s) => normalize(s.name) === normalize(pin.name))) substitutions.push({ name: pin.name, wanted: pin.spec, used: '', origin: pin.origin });
        pin.spec = '';
      }
      continue;
    }
    throw new PackageInstallError('', `pip install failed: ${lastLines(outcome.output)}`, log);
  }
  throw new PackageInstallError('', `pip install did not settle after ${MAX_ATTEMPTS} attempts`, log);
}

/** The distributions installed in an environment, by normalized name. */
export async function installedVersions(python: string): Promise<Record<string, string>> {
  const program = 'import json, importlib.metadata as m; print(json.dumps({d.metadata["Name"]: d.version for d in m.distributions()}))';
  const { stdout } = await run(python, ['-I', '-c', program], { timeout: 60_000, maxBuffer: 16 * 1024 * 1024 });
  const names = JSON.parse(stdout) as Record<string, string>;
  return Object.fromEntries(Object.entries(names).map(([name, version]) => [normalize(name), version]));
}

async function pip(command: readonly string[], args: string[], signal?: AbortSignal): Promise<{ ok: boolean; output: string }> {
  // Offline, or with an index that cannot be reached, pip's default 5 retries per page cost minutes
  // (each failed DNS lookup takes seconds): no retries unless the user asks for them (PIP_RETRIES).
  const env = { ...process.env, PIP_RETRIES: process.env.PIP_RETRIES ?? '0', PIP_DISABLE_PIP_VERSION_CHECK: '1' };
  try {
    const { stdout, stderr } = await run(command[0], [...command.slice(1), ...args], { timeout: 1_800_000, maxBuffer: 64 * 1024 * 1024, signal, env });
    return { ok: true, output: stdout + stderr };
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string; message?: string };
    if (signal?.aborted) throw new PackageInstallError('', 'interrupted while installing packages', '');
    return { ok: false, output: `${failed.stdout ?? ''}${failed.stderr ?? failed.message ?? ''}` };
  }
}

async function mapLimit<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await task(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** pip's "Could not find a version that satisfies the requirement X (from versions: a, b)". */
export function unsatisfiable(output: string): { requirement: string; name: string; versions: string[] } | undefined {
  const match = /Could not find a version that satisfies the requirement (\S+) \(from versions: ([^)]*)\)/.exec(output);
  if (!match) return undefined;
  const requirement = match[1];
  const name = /^[A-Za-z0-9][A-Za-z0-9._-]*/.exec(requirement)?.[0] ?? requirement;
  const versions = match[2].trim() === 'none' ? [] : match[2].split(',').map((v) => v.trim()).filter(Boolean);
  return { requirement, name, versions };
}

/** A package whose build (metadata or wheel) failed, named from pip's output. */
export function buildFailure(output: string): { name: string; reason: string } | undefined {
  const wheel = /Failed (?:to build|building wheel for) ([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(output);
  const lines = output.split('\n');
  const failedAt = lines.findIndex((line) => /did not run successfully|metadata-generation-failed|subprocess-exited-with-error/.test(line));
  if (!wheel && failedAt < 0) return undefined;
  const reason = lines.find((line) => /^\s*(\w+Error|error):/.test(line) && !/subprocess-exited-with-error|metadata-generation-failed/.test(line))?.trim() ?? 'see the install log';
  if (wheel) return { name: wheel[1], reason };
  // The package being prepared when it failed: the last "Collecting X" or "Processing …/X-1.0.tar.gz" before the error.
  for (let i = failedAt; i >= 0; i--) {
    const collecting = /^\s*(?:Collecting|Processing) (\S+)/.exec(lines[i]);
    if (!collecting) continue;
    const file = collecting[1].split('/').pop() ?? collecting[1];
    const name = /^[A-Za-z0-9][A-Za-z0-9._]*?(?=-\d|==|>|<|~|!|\[|$)/.exec(file)?.[0] ?? file;
    return { name, reason };
  }
  return { name: 'unknown', reason };
}

/**
 * The available version closest to `wanted`: the same major first, then the same minor, then the
 * closest patch (a later one on ties). Pre-releases count only when nothing else is there.
 */
export function nearestVersion(wanted: string, available: readonly string[]): string | undefined {
  const target = explain(wanted)?.release;
  if (!target) return undefined;
  const candidates = available.map((v) => ({ v, info: explain(v) })).filter((c) => c.info);
  const finals = candidates.filter((c) => !c.info!.is_prerelease && !c.info!.is_devrelease);
  const pool = finals.length > 0 ? finals : candidates;
  let best: { v: string; distance: number[] } | undefined;
  for (const { v, info } of pool) {
    const release = info!.release;
    const distance = [0, 1, 2].map((i) => Math.abs((release[i] ?? 0) - (target[i] ?? 0)));
    if (!best || lexLess(distance, best.distance) || (sameDistance(distance, best.distance) && compare(v, best.v) > 0)) best = { v, distance };
  }
  return best?.v;
}

/** PEP 503 name normalization (extras dropped). */
export function normalize(name: string): string {
  return name.replace(/\[.*$/, '').toLowerCase().replace(/[-_.]+/g, '-');
}

function lexLess(a: number[], b: number[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] < b[i];
  return false;
}

function sameDistance(a: number[], b: number[]): boolean {
  return a.every((x, i) => x === b[i]);
}

function lastLines(output: string): string {
  return output.trim().split('\n').filter((line) => line.trim() !== '').slice(-2).join(' ').trim();
}
