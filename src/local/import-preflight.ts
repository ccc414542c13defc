/**
 * Preflight before any job starts: every module a stage's Python sources import (the standard library,
 * relative imports and the stage's own modules aside) must be importable from the stage's environment.
 * Python's own `ast` reads the sources, so the check parses exactly what the job's interpreter would;
 * an import inside `try: … except ImportError` is optional and not required. A passed check is
 * remembered per environment and source content, so an unchanged stage costs no Python process.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Import name → the distribution to add to requirements.txt, where they differ (the common ones). */
const DISTRIBUTION_OF: Readonly<Record<string, string>> = {
  sklearn: 'scikit-learn',
  cv2: 'opencv-python-headless',
  PIL: 'pillow',
  yaml: 'PyYAML',
  bs4: 'beautifulsoup4',
  skimage: 'scikit-image',
  dateutil: 'python-dateutil',
  dotenv: 'python-dotenv',
  google: 'google-cloud',
  Crypto: 'pycryptodome',
  jwt: 'PyJWT',
  attr: 'attrs',
  psycopg2: 'psycopg2-binary',
  lightgbm: 'lightgbm',
  MySQLdb: 'mysqlclient',
};

export interface MissingImport {
  readonly module: string;
  readonly file: string;
  readonly line: number;
}

/** Walks the sources with `ast` and asks the environment's import system for each top-level module. */
const PREFLIGHT_PROGRAM = String.raw`
import ast, importlib.util, json, os, sys
root = sys.argv[1]
files = json.loads(sys.argv[2])
own = set()
for name in os.listdir(root):
    path = os.path.join(root, name)
    if name.endswith('.py'): own.add(name[:-3])
    elif os.path.isdir(path) and os.path.exists(os.path.join(path, '__init__.py')): own.add(name)
optional_errors = {'ImportError', 'ModuleNotFoundError', 'Exception', 'BaseException'}
def optional(handlers):
    for h in handlers:
        if h.type is None: return True
        names = [h.type] if not isinstance(h.type, ast.Tuple) else list(h.type.elts)
        if any(isinstance(n, ast.Name) and n.id in optional_errors for n in names): return True
    return False
found = {}
def visit(node, file, guarded):
    if isinstance(node, ast.Try):
        inner = guarded or optional(node.handlers)
        for child in node.body: visit(child, file, inner)
        for child in node.handlers + node.orelse + node.finalbody: visit(child, file, guarded)
        return
    if not guarded:
        names = []
        if isinstance(node, ast.Import): names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module: names = [node.module]
        for name in names:
            top = name.split('.')[0]
            if top in sys.stdlib_module_names or top in own or top == '__future__': continue
            found.setdefault(top, (file, node.lineno))
    for child in ast.iter_child_nodes(node): visit(child, file, guarded)
for file in files:
    try:
        with open(os.path.join(root, file), 'rb') as handle: tree = ast.parse(handle.read(), file)
    except SyntaxError:
        continue  # py_compile in validate reports it; the job would too
    visit(tree, file, False)
missing = [{'module': m, 'file': f, 'line': l} for m, (f, l) in sorted(found.items()) if importlib.util.find_spec(m) is None]
print(json.dumps(missing))
`;

/** The stage's Python files, tests and local clutter aside (tests run with their own tools). */
export function stageSources(stageDir: string): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (['__pycache__', '.venv', 'venv', 'tests', 'test', '.pytest_cache'].includes(name) || name.startsWith('.')) continue;
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.py') && !/^test_|_test\.py$|^conftest\.py$/.test(name)) files.push(relative(stageDir, path));
    }
  };
  if (existsSync(stageDir)) walk(stageDir);
  return files;
}

/** Problems (one line each) for modules the stage imports that its environment lacks. */
export async function preflightImports(
  stage: { stageName: string; stageDir: string },
  python: string,
  cacheDir: string,
  shownStageDir: string,
): Promise<string[]> {
  const files = stageSources(stage.stageDir);
  if (files.length === 0) return [];
  const hash = createHash('sha256').update(python);
  for (const file of files) hash.update(`\0${file}\0`).update(readFileSync(join(stage.stageDir, file)));
  const marker = join(cacheDir, `preflight-${hash.digest('hex').slice(0, 16)}`);
  if (existsSync(marker)) return [];

  const { stdout } = await run(python, ['-I', '-c', PREFLIGHT_PROGRAM, stage.stageDir, JSON.stringify(files)], { timeout: 60_000, maxBuffer: 8 * 1024 * 1024 });
  const missing = JSON.parse(stdout) as MissingImport[];
  if (missing.length === 0) {
    mkdirSync(cacheDir, { recursive: true });
    writeFileSync(marker, '');
    return [];
  }
  return missing.map(
    (m) => `stage '${stage.stageName}': ${shownStageDir}/${m.file} line ${m.line} imports '${m.module}', which its environment does not have; add '${DISTRIBUTION_OF[m.module] ?? m.module}' to ${shownStageDir}/requirements.txt`,
  );
}
