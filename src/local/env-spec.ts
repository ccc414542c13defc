/**
 * What a stage's local environment must hold to look like its image: the framework image's package
 * set (script mode, or a Dockerfile built FROM a framework image) plus what the stage adds — its
 * requirements.txt, or what its Dockerfile pip-installs when no container engine builds it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { FRAMEWORKS } from '../model/framework-images.js';
import { describePackageSet, frameworkImageOf, imagePackageSet, type ImagePackageSet } from '../model/framework-packages.js';
import { dockerInstructions } from './dockerfile.js';
import type { PackagePin } from './install-packages.js';
import { parseRequirementLine, readRequirements } from './requirements-file.js';
import type { StageCode } from './stage-code.js';

export interface StageEnvSpec {
  readonly stageName: string;
  /** A training stage: a model trained with other versions may not load in the image. */
  readonly training: boolean;
  /** The framework image's package set, when the stage runs on (or builds from) one we know. */
  readonly image?: ImagePackageSet;
  /** A framework image whose version has no row in the package-set table (`scikit-learn 0.20.0`). */
  readonly unknownImage?: string;
  readonly pins: readonly PackagePin[];
  /** Requirement lines handed to pip as written (options, URLs, local paths). */
  readonly verbatim: readonly string[];
  /** What the stage's constraint files (`-c`) say: part of the cache key, as pip reads them itself. */
  readonly constraints?: readonly string[];
  /** Local files and folders the requirement lines name, with their content's digest: part of the cache key. */
  readonly localPaths?: readonly { readonly path: string; readonly digest: string }[];
  /** Includes the cloud job will not find, and the like: one line each. */
  readonly specWarnings?: readonly string[];
  /** `the scikit-learn 1.4-2 image + stages/x/requirements.txt`: what the environment holds, in words. */
  readonly description: string;
}

const REQUIREMENTS = 'requirements.txt';

export function stageEnvSpec(repoRoot: string, stage: StageCode, imageUri: string | undefined, training: boolean): StageEnvSpec {
  const pins: PackagePin[] = [];
  const verbatim: string[] = [];
  const constraints: string[] = [];
  const localPaths: { path: string; digest: string }[] = [];
  const specWarnings: string[] = [];
  const parts: string[] = [];
  const addFile = (path: string) => {
    if (!existsSync(path)) return;
    const read = readRequirements(path, repoRoot, stage.stageDir);
    pins.push(...read.pins);
    verbatim.push(...read.verbatim);
    constraints.push(...read.constraints);
    localPaths.push(...read.localPaths);
    specWarnings.push(...read.warnings.map((warning) => `stage '${stage.stageName}': ${warning}`));
    if (read.pins.length + read.verbatim.length > 0) parts.push(read.files[0]);
  };

  let image: ImagePackageSet | undefined;
  let framework: { framework: keyof typeof FRAMEWORKS; version: string } | undefined;
  if (stage.script || !stage.dockerfile) {
    framework = imageUri ? frameworkImageOf(imageUri) : undefined;
    image = framework ? imagePackageSet(framework.framework, framework.version) : undefined;
    if (!stage.script?.inModelArtifact) addFile(join(stage.stageDir, REQUIREMENTS));
  } else {
    // Container mode without an engine: the Dockerfile's base image and its pip installs.
    const text = readFileSync(stage.dockerfile.path, 'utf8');
    const installs = dockerfilePipInstalls(text);
    framework = installs.baseImage ? frameworkImageOf(installs.baseImage) : undefined;
    image = framework ? imagePackageSet(framework.framework, framework.version) : undefined;
    for (const file of installs.requirementFiles) addFile(join(stage.stageDir, basename(file)));
    for (const spec of installs.packages) {
      const pin = parseRequirementLine(spec, `${relative(repoRoot, stage.dockerfile.path)}`);
      if (pin) pins.push(pin);
    }
    if (installs.packages.length > 0) parts.push(relative(repoRoot, stage.dockerfile.path));
  }
  const imagePins: PackagePin[] = image
    ? Object.entries(image.packages)
        .filter(([name]) => !pins.some((p) => sameName(p.name, name)))
        .map(([name, spec]) => ({ name, spec, origin: `the ${describePackageSet(image!)}` }))
    : [];
  if (image) parts.unshift(`the ${describePackageSet(image)}'s packages`);
  return {
    stageName: stage.stageName,
    training,
    image,
    ...(framework && !image ? { unknownImage: `${FRAMEWORKS[framework.framework].label} ${framework.version}` } : {}),
    pins: [...imagePins, ...pins],
    verbatim,
    ...(constraints.length > 0 ? { constraints } : {}),
    ...(localPaths.length > 0 ? { localPaths } : {}),
    ...(specWarnings.length > 0 ? { specWarnings } : {}),
    description: parts.length > 0 ? parts.join(' + ') : 'no packages',
  };
}

/** `pip install -r <file>` and `pip install <packages>` in the RUN instructions of a Dockerfile's final stage. */
export function dockerfilePipInstalls(text: string): { baseImage?: string; requirementFiles: string[]; packages: string[] } {
  let baseImage: string | undefined;
  let requirementFiles: string[] = [];
  let packages: string[] = [];
  for (const { instruction, args } of dockerInstructions(text)) {
    if (instruction === 'FROM') {
      baseImage = args.split(/\s+/).find((word) => !word.startsWith('--'));
      requirementFiles = [];
      packages = [];
    }
    if (instruction !== 'RUN') continue;
    for (const command of args.split(/&&|;|\|\|/)) {
      const words = command.trim().split(/\s+/);
      const rest = pipInstallArguments(words);
      if (!rest) continue;
      for (let i = 0; i < rest.length; i++) {
        const word = rest[i].replace(/^["']|["']$/g, '');
        if (word === '-r' || word === '--requirement') requirementFiles.push(rest[++i] ?? '');
        else if (word.startsWith('--requirement=')) requirementFiles.push(word.slice('--requirement='.length));
        else if (['-c', '--constraint', '-i', '--index-url', '--extra-index-url', '-f', '--find-links', '-t', '--target'].includes(word)) i++;
        else if (!word.startsWith('-') && word !== '.' && !word.includes('/')) packages.push(word);
      }
    }
  }
  return { baseImage, requirementFiles: requirementFiles.filter(Boolean), packages };
}

/** The words after `pip install`, `pip3 install` or `python -m pip install`; undefined for other commands. */
function pipInstallArguments(words: readonly string[]): readonly string[] | undefined {
  for (let i = 0; i < words.length; i++) {
    if (/(^|\/)pip3?$/.test(words[i]) && words[i + 1] === 'install') return words.slice(i + 2);
    if (words[i] === '-m' && words[i + 1] === 'pip' && words[i + 2] === 'install') return words.slice(i + 3);
  }
  return undefined;
}

function sameName(a: string, b: string): boolean {
  const norm = (n: string) => n.replace(/\[.*$/, '').toLowerCase().replace(/[-_.]+/g, '-');
  return norm(a) === norm(b);
}
