/**
 * What a legacy Dockerfile says about the stage it builds: which file of its build context the
 * image runs (ENTRYPOINT/CMD, exec or shell form, through WORKDIR and COPY), and which
 * requirements files and packages its `pip install` lines install. Parsing is dockerfile-ast's
 * (the parser behind VS Code's Docker support); only the final build stage is read.
 */
import { posix } from 'node:path';
import { createRequire } from 'node:module';
import type * as DockerfileAst from 'dockerfile-ast';
import type { Instruction } from 'dockerfile-ast';

export interface ContainerAnalysis {
  /** The command the image runs (ENTRYPOINT + CMD as Docker combines them). */
  readonly command?: readonly string[];
  /** The build-context file the command runs (e.g. `src/predict.py`), when one is found. */
  readonly entryFile?: string;
  /** Where that file is inside the image (`/opt/ml/code/predict.py`). */
  readonly entryInImage?: string;
  /** Build-context files installed with `pip install -r`. */
  readonly requirementsFiles: readonly string[];
  /** Packages named on `pip install` lines. */
  readonly packages: readonly string[];
  /** Why no entry file was found, when none was. */
  readonly problem?: string;
}

/**
 * `contextFiles`: every file of the build context, relative, with `/` separators; used to resolve
 * COPY sources (`./src/*`, `src/`, `.`) to the paths they get inside the image.
 */
export function analyseDockerfile(text: string, contextFiles: readonly string[]): ContainerAnalysis {
  // Required here, not imported at the top: only an import with --from reads Dockerfiles (35 modules otherwise loaded by every create).
  const { DockerfileParser } = createRequire(import.meta.url)('dockerfile-ast') as typeof DockerfileAst;
  const all = DockerfileParser.parse(text).getInstructions();
  const lastFrom = all.map((i) => i.getKeyword().toUpperCase()).lastIndexOf('FROM');
  const instructions = all.slice(lastFrom + 1);
  let workdir = '/';
  let entrypoint: string[] | undefined;
  let cmd: string[] | undefined;
  /** Image path → context file. */
  const image = new Map<string, string>();
  const requirementsFiles: string[] = [];
  const packages: string[] = [];
  for (const instruction of instructions) {
    const keyword = instruction.getKeyword().toUpperCase();
    const words = instruction.getArguments().map((a) => a.getValue());
    if (keyword === 'WORKDIR' && words[0]) workdir = posix.resolve(workdir, words[0]);
    else if (keyword === 'ENTRYPOINT') entrypoint = commandOf(instruction);
    else if (keyword === 'CMD') cmd = commandOf(instruction);
    else if ((keyword === 'COPY' || keyword === 'ADD') && !words.some((w) => w.startsWith('--from'))) {
      const paths = words.filter((w) => !w.startsWith('--'));
      if (paths.length >= 2) copyInto(image, paths.slice(0, -1), posix.resolve(workdir, paths[paths.length - 1]), paths[paths.length - 1].endsWith('/') || paths.length > 2, contextFiles);
    } else if (keyword === 'RUN') {
      for (const install of pipInstalls(instruction.getArgumentsContent() ?? '')) {
        for (const req of install.requirements) {
          const inImage = posix.resolve(workdir, req);
          const source = image.get(inImage);
          if (source && !requirementsFiles.includes(source)) requirementsFiles.push(source);
        }
        packages.push(...install.packages.filter((p) => !packages.includes(p)));
      }
    }
  }
  const command = entrypoint || cmd ? [...(entrypoint ?? []), ...(cmd ?? [])] : undefined;
  if (!command) return { requirementsFiles, packages, problem: 'it has no ENTRYPOINT or CMD, so nothing says what the container runs' };
  const script = command.flatMap((part) => part.split(/\s+/)).find((word) => /\.(py|sh)$/.test(word));
  if (!script) return { command, requirementsFiles, packages, problem: `its command (${command.join(' ')}) names no script` };
  const inImage = posix.resolve(workdir, script);
  const entryFile = image.get(inImage);
  if (!entryFile) return { command, entryInImage: inImage, requirementsFiles, packages, problem: `its command runs ${inImage}, which no COPY of the build context puts there` };
  return { command, entryFile, entryInImage: inImage, requirementsFiles, packages };
}

/** Docker's COPY: a file to a file or folder; a folder's contents (or a glob's matches) into a folder. */
function copyInto(image: Map<string, string>, sources: readonly string[], dest: string, destIsFolder: boolean, contextFiles: readonly string[]) {
  for (const raw of sources) {
    const source = posix.normalize(raw).replace(/^\.\/?/, '').replace(/\/+$/, '');
    if (source.includes('*') || source.includes('?')) {
      const folder = posix.dirname(source);
      const name = globPattern(posix.basename(source));
      for (const file of contextFiles) {
        if ((posix.dirname(file) === folder || (folder === '.' && !file.includes('/'))) && name.test(posix.basename(file))) image.set(posix.join(dest, posix.basename(file)), file);
      }
    } else if (contextFiles.includes(source)) {
      image.set(destIsFolder ? posix.join(dest, posix.basename(source)) : dest, source);
    } else {
      const prefix = source === '' || source === '.' ? '' : `${source}/`;
      for (const file of contextFiles) if (file.startsWith(prefix)) image.set(posix.join(dest, file.slice(prefix.length)), file);
    }
  }
}

/** A file-name glob (`*`, `?`) as a regular expression; Docker matches globs one path level at a time. */
function globPattern(glob: string): RegExp {
  return new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
}

function commandOf(instruction: Instruction): string[] {
  const json = (instruction as Instruction & { getJSONStrings?: () => { getJSONValue(): string }[] }).getJSONStrings?.();
  if (json && json.length > 0) return json.map((s) => s.getJSONValue());
  return ['/bin/sh', '-c', instruction.getArgumentsContent() ?? ''];
}

/** Each `pip install` (pip, pip3, python -m pip) in a RUN line: its `-r` files and named packages. */
export function pipInstalls(run: string): { requirements: string[]; packages: string[] }[] {
  const result: { requirements: string[]; packages: string[] }[] = [];
  for (const command of run.split(/&&|\|\||;/)) {
    const words = command.trim().split(/\s+/);
    const at = words.findIndex((w, i) => w === 'install' && /(^|\/)pip3?$/.test(words[i - 1] ?? '') || (w === 'install' && words[i - 1] === 'pip' && /python3?$/.test(words[i - 3] ?? '')));
    if (at < 0) continue;
    const requirements: string[] = [];
    const packages: string[] = [];
    const rest = words.slice(at + 1);
    for (let i = 0; i < rest.length; i++) {
      const word = rest[i];
      if (word === '-r' || word === '--requirement') requirements.push(rest[++i] ?? '');
      else if (word.startsWith('--requirement=')) requirements.push(word.slice('--requirement='.length));
      else if (['-c', '--constraint', '-i', '--index-url', '--extra-index-url', '-f', '--find-links', '-t', '--target'].includes(word)) i++;
      else if (!word.startsWith('-') && word !== '.' && word !== '') packages.push(word.replace(/^["']|["']$/g, ''));
    }
    result.push({ requirements: requirements.filter((r) => r !== ''), packages });
  }
  return result;
}
