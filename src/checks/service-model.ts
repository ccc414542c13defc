/**
 * The SageMaker API model (request shapes with required members, patterns, ranges and enums).
 *
 * The JavaScript SDK v3 no longer ships length/pattern/range traits, so the model is botocore's
 * `data/sagemaker/<version>/service-2.json[.gz]`, found through whichever Python has botocore.
 */
import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';

export interface ShapeRef {
  readonly shape: string;
}

export interface Shape {
  readonly type: string;
  readonly required?: readonly string[];
  readonly members?: Readonly<Record<string, ShapeRef>>;
  readonly member?: ShapeRef;
  readonly key?: ShapeRef;
  readonly value?: ShapeRef;
  readonly min?: number;
  readonly max?: number;
  readonly pattern?: string;
  readonly enum?: readonly string[];
  readonly document?: boolean;
}

export interface ServiceModel {
  readonly metadata?: { readonly apiVersion?: string; readonly serviceId?: string };
  readonly operations: Readonly<Record<string, { readonly input?: ShapeRef }>>;
  readonly shapes: Readonly<Record<string, Shape>>;
}

export type ModelLookup =
  | { readonly found: true; readonly model: ServiceModel; readonly path: string }
  | { readonly found: false; readonly hint: string; readonly tried: readonly string[] };

export const MODEL_HINT = "install botocore for the SageMaker API model: 'apt-get install python3-botocore' or 'pip install botocore' (set LEGACY_MLOPS_PYTHON to pick the Python)";

const run = promisify(execFile);
const loaded = new Map<string, ServiceModel>();

/** Pythons asked for botocore, in order: the user's choice, then the usual ones. */
export function pythonCandidates(): string[] {
  const candidates = [process.env.LEGACY_MLOPS_PYTHON, 'python3', '/usr/bin/python3'].filter((p): p is string => !!p);
  return [...new Set(candidates)];
}

export async function loadSageMakerModel(pythons: readonly string[] = pythonCandidates()): Promise<ModelLookup> {
  return loadServiceModel('sagemaker', pythons);
}

/** Any botocore service model by its folder name (`sagemaker`, `sns`, `stepfunctions`). */
export async function loadServiceModel(service: string, pythons: readonly string[] = pythonCandidates()): Promise<ModelLookup> {
  const tried: string[] = [];
  for (const python of pythons) {
    const botocoreDir = await botocoreDirOf(python);
    if (!botocoreDir) {
      tried.push(`${python}: no botocore`);
      continue;
    }
    const file = await findServiceFile(join(botocoreDir, 'data', service));
    if (!file) {
      tried.push(`${python}: botocore at ${botocoreDir} has no ${service} model`);
      continue;
    }
    return { found: true, model: await readModel(file), path: file };
  }
  return { found: false, hint: MODEL_HINT, tried };
}

const botocoreDirs = new Map<string, Promise<string | undefined>>();

/** Asked once per Python per process: starting an interpreter costs more than the check it serves. */
function botocoreDirOf(python: string): Promise<string | undefined> {
  let dir = botocoreDirs.get(python);
  if (!dir) {
    dir = askBotocoreDir(python);
    botocoreDirs.set(python, dir);
  }
  return dir;
}

async function askBotocoreDir(python: string): Promise<string | undefined> {
  try {
    const { stdout } = await run(python, ['-c', 'import botocore,os;print(os.path.dirname(botocore.__file__))'], { timeout: 30_000 });
    return stdout.trim() || undefined;
  } catch {
    return undefined;
  }
}

/** The newest API version folder's `service-2.json`, or its gzipped form (pip wheels ship `.json.gz`). */
async function findServiceFile(serviceDir: string): Promise<string | undefined> {
  let versions: string[];
  try {
    versions = (await readdir(serviceDir)).sort().reverse();
  } catch {
    return undefined;
  }
  for (const version of versions) {
    const files = await readdir(join(serviceDir, version)).catch(() => [] as string[]);
    for (const name of ['service-2.json', 'service-2.json.gz']) {
      if (files.includes(name)) return join(serviceDir, version, name);
    }
  }
  return undefined;
}

async function readModel(file: string): Promise<ServiceModel> {
  const cached = loaded.get(file);
  if (cached) return cached;
  const bytes = await readFile(file);
  const text = file.endsWith('.gz') ? gunzipSync(bytes).toString('utf8') : bytes.toString('utf8');
  const model = JSON.parse(text) as ServiceModel;
  loaded.set(file, model);
  return model;
}
