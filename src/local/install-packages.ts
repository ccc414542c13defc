/**
 * Installs a stage's packages into its virtual environment with the chosen installer (pip or uv) and
 * the user's configured index. A pin the index does not have is replaced by the nearest version it has,
 * and a package it has no version of stops the build, both decided from what the index itself lists
 * (index-versions.ts), so they do not depend on the installer's wording. What the lookup cannot settle
 * (an index that did not answer, a dependency of a dependency, a build that fails) is read from the
 * installer's output, in pip's words or uv's.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { compare, explain, satisfies } from '@renovatebot/pep440';
import { indexVersions, type IndexVersions } from './index-versions.js';
import type { Installer } from './installer.js';

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
  readonly installer: Installer;
  /** The environment's interpreter, installed into. */
  readonly python: string;
  /** The interpreter the environment is built from: it asks the index which versions exist. */
  readonly basePython: string;
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
  /** The version lookup's answer and the output of every installer run, in order. */
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
  const installer = plan.installer.name;
  // Asked once for every pinned name before installing: far cheaper than one failed install per missing pin.
  const available = await indexVersions(plan.basePython, plan.installer.settings, pins.map((pin) => pin.name.replace(/\[.*$/, '')), signal);
  const versionsOf = (name: string): IndexVersions | undefined => available.get(name.replace(/\[.*$/, ''));
  let log = `$ versions in the index (${describeSources(plan.installer)})\n${pins.map((pin) => `${pin.name}: ${versionsOf(pin.name)?.versions.join(', ') || 'none'}${versionsOf(pin.name)?.complete === false ? ' (not every index answered)' : ''}`).join('\n')}\n`;
  for (const pin of pins) {
    const known = versionsOf(pin.name);
    if (!known) continue; // the install below reports it
    if (known.versions.length === 0) {
      if (known.complete) throw new PackageInstallError(pin.name, `package '${pin.name}' (from ${pin.origin}) is not available from the package index`, log);
      continue;
    }
    if (pin.spec === '' || known.versions.some((v) => fits(v, pin.spec))) continue;
    const nearest = pin.spec.startsWith('==') ? nearestVersion(pin.spec.slice(2), known.versions) : undefined;
    substitutions.push({ name: pin.name, wanted: pin.spec, used: nearest ?? '', origin: pin.origin });
    pin.spec = nearest ? `==${nearest}` : '';
  }
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const requirements = join(plan.workDir, 'requirements.in.txt');
    writeFileSync(requirements, [...(plan.verbatim ?? []), ...pins.map((pin) => `${pin.name}${pin.spec}`)].join('\n') + '\n');
    const outcome = await plan.installer.install(plan.python, requirements);
    log += `$ ${installer === 'uv' ? 'uv pip' : 'pip'} install -r ${requirements}\n${outcome.output}\n`;
    if (outcome.ok) return { substitutions, log };

    const missing = unsatisfiable(outcome.output);
    if (missing) {
      const pin = pins.find((p) => normalize(p.name) === normalize(missing.name));
      if (!pin) throw new PackageInstallError(missing.name, `package '${missing.name}' (needed by another package) ${missing.versions?.length === 0 ? 'is not available from the package index' : `has no version matching '${missing.requirement}' in the package index`}`, log);
      if (missing.versions?.length === 0) throw new PackageInstallError(pin.name, `package '${pin.name}' (from ${pin.origin}) is not available from the package index`, log);
      // Any version was asked for already: nothing left to relax.
      if (pin.spec === '') throw new PackageInstallError(pin.name, `package '${pin.name}' (from ${pin.origin}) has no version ${installer} can install here: ${lastLines(outcome.output)}`, log);
      const listed = missing.versions ?? versionsOf(pin.name)?.versions ?? [];
      const nearest = pin.spec.startsWith('==') ? nearestVersion(pin.spec.slice(2), listed) : undefined;
      substitutions.push({ name: pin.name, wanted: pin.spec, used: nearest ?? '', origin: pin.origin });
      pin.spec = nearest ? `==${nearest}` : '';
      continue;
    }
    const build = buildFailure(outcome.output);
    if (build) {
      const pin = pins.find((p) => normalize(p.name) === normalize(build.name));
      throw new PackageInstallError(build.name, `package '${build.name}'${pin ? ` (from ${pin.origin})` : ''} failed to build: ${build.reason}`, log);
    }
    if (/ResolutionImpossible|conflicting dependencies|No solution found when resolving/.test(outcome.output)) {
      // The nearest versions may not fit together: let the installer choose those substituted, then any pinned one.
      const relax = pins.filter((p) => p.spec !== '' && substitutions.some((s) => normalize(s.name) === normalize(p.name)));
      const next = relax.length > 0 ? relax : pins.filter((p) => p.spec !== '');
      if (next.length === 0) throw new PackageInstallError('', `${installer} cannot resolve the packages: ${lastLines(outcome.output)}`, log);
      for (const pin of next) {
        if (!substitutions.some((s) => normalize(s.name) === normalize(pin.name))) substitutions.push({ name: pin.name, wanted: pin.spec, used: '', origin: pin.origin });
        pin.spec = '';
      }
      continue;
    }
    throw new PackageInstallError('', `${installer} install failed: ${lastLines(outcome.output)}`, log);
  }
  throw new PackageInstallError('', `${installer} install did not settle after ${MAX_ATTEMPTS} attempts`, log);
}

/** The distributions installed in an environment, by normalized name. */
export async function installedVersions(python: string): Promise<Record<string, string>> {
  const program = 'import json, importlib.metadata as m; print(json.dumps({d.metadata["Name"]: d.version for d in m.distributions()}))';
  const { stdout } = await run(python, ['-I', '-c', program], { timeout: 60_000, maxBuffer: 16 * 1024 * 1024 });
  const names = JSON.parse(stdout) as Record<string, string>;
  return Object.fromEntries(Object.entries(names).map(([name, version]) => [normalize(name), version]));
}

/**
 * A requirement the index cannot satisfy, from the installer's output: pip's "Could not find a version
 * that satisfies the requirement X (from versions: a, b)", or uv's "Because X was not found in the
 * package registry", "there is no version of X==1" or "only X<=1 is available" (`versions` undefined:
 * uv does not list them).
 */
export function unsatisfiable(output: string): { requirement: string; name: string; versions?: string[] } | undefined {
  const pip = /Could not find a version that satisfies the requirement (\S+) \(from versions: ([^)]*)\)/.exec(output);
  if (pip) {
    const versions = pip[2].trim() === 'none' ? [] : pip[2].split(',').map((v) => v.trim()).filter(Boolean);
    return { requirement: pip[1], name: nameOf(pip[1]), versions };
  }
  const notFound = /Because (\S+) was not found in the (?:package registry|provided package locations)/.exec(output);
  if (notFound) return { requirement: notFound[1], name: nameOf(notFound[1]), versions: [] };
  const noVersion = /there is no version of (\S+?)(?:,| and |$)/m.exec(output) ?? /only (\S+?) (?:is|are) available/.exec(output);
  if (noVersion) return { requirement: noVersion[1], name: nameOf(noVersion[1]) };
  return undefined;
}

function nameOf(requirement: string): string {
  return /^[A-Za-z0-9][A-Za-z0-9._-]*?(?=[=<>!~\[;@ ]|$)/.exec(requirement)?.[0] ?? requirement;
}

/** A package whose build (metadata or wheel) failed, named from pip's output. */
export function buildFailure(output: string): { name: string; reason: string } | undefined {
  // pip: "Failed to build x" / "Failed building wheel for x"; uv: "Failed to build `x==1.0`" / "Failed to download and build `x @ file://…`".
  const wheel = /Failed (?:to build|building wheel for|to download and build) `?([A-Za-z0-9][A-Za-z0-9._-]*?)(?=[=<>!~ @`]|$)/m.exec(output);
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

function fits(version: string, spec: string): boolean {
  const exact = /^===?([^*,]+)$/.exec(spec);
  if (exact) return version === exact[1] || version.replace(/\+.*$/, '') === exact[1];
  try {
    return satisfies(version, spec);
  } catch {
    return true; // a specifier the library does not read: the installer decides
  }
}

function describeSources(installer: Installer): string {
  const s = installer.settings;
  const indexes = s.noIndex ? [] : [s.indexUrl ?? 'the default index', ...s.extraIndexUrls];
  const where = [...indexes, ...s.findLinks.map((link) => `find-links ${link}`)].join(', ') || 'nowhere';
  return `${where}; ${s.from === 'uv' ? "uv's own configuration" : "pip's configuration"}`;
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
