/** Python stage sources compile (syntax only), checked with the local interpreter's `py_compile`. */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Finding } from './types.js';

export const PYTHON_SYNTAX_CHECK = 'python-syntax';

export function defaultPython(): string {
  return process.env.LEGACY_MLOPS_PYTHON || 'python3';
}

/**
 * `py_compile` on each file inside one interpreter (one start-up instead of one per file);
 * prints a JSON list holding, per file, null or the compiler's message.
 */
const COMPILE_EACH = `
import json, py_compile, sys
results = []
for path in sys.argv[1:]:
    try:
        py_compile.compile(path, doraise=True)
        results.append(None)
    except py_compile.PyCompileError as error:
        results.append(error.msg)
    except Exception as error:
        results.append("%s: %s" % (type(error).__name__, error))
print(json.dumps(results))
`;

/**
 * Compiles each file; a file that does not compile gives one finding with its line.
 * Bytecode goes to a throw-away PYTHONPYCACHEPREFIX so no `__pycache__` lands in the user's repo.
 */
export async function checkPythonSources(files: readonly string[], python: string = defaultPython(), cwd: string = process.cwd()): Promise<Finding[]> {
  if (files.length === 0) return [];
  const cacheDir = await mkdtemp(join(tmpdir(), 'legacy-mlops-pycache-'));
  try {
    const outcome = await runPython(python, ['-c', COMPILE_EACH, ...files], cwd, cacheDir);
    if ('problem' in outcome) {
      return [{ check: PYTHON_SYNTAX_CHECK, location: python, message: `${outcome.problem} (set LEGACY_MLOPS_PYTHON to choose the interpreter)`, severity: 'skipped' }];
    }
    return files.flatMap((file, i) => (outcome.results[i] ? [syntaxFinding(file, outcome.results[i])] : []));
  } finally {
    await rm(cacheDir, { recursive: true, force: true });
  }
}

function runPython(python: string, args: string[], cwd: string, cacheDir: string): Promise<{ results: (string | null)[] } | { problem: string }> {
  return new Promise((resolve) => {
    execFile(python, args, { cwd, timeout: 120_000, env: { ...process.env, PYTHONPYCACHEPREFIX: cacheDir } }, (error, stdout, stderr) => {
      if (error?.code === 'ENOENT') return resolve({ problem: `cannot run '${python}' to compile the stage sources` });
      try {
        const results = JSON.parse(String(stdout)) as (string | null)[];
        if (!error && Array.isArray(results)) return resolve({ results });
      } catch {
        // fall through: the interpreter did not run our script
      }
      resolve({ problem: `'${python}' could not run py_compile: ${String(stderr).trim().split('\n').at(-1) ?? error?.message}` });
    });
  });
}

/**
 * py_compile's message is either a traceback tail (`File "x.py", line N`, the source line, a caret,
 * `SyntaxError: ...`) or, for indentation errors, one line ending in `(x.py, line N)`.
 */
function syntaxFinding(file: string, message: string): Finding {
  const line = (/File ".*", line (\d+)/.exec(message) ?? /, line (\d+)\)\s*$/m.exec(message) ?? /line (\d+)/.exec(message))?.[1];
  const lines = message.split('\n').map((l) => l.trim().replace(/^Sorry: /, '')).filter(Boolean);
  const reason = lines.reverse().find((l) => /Error\b/.test(l)) ?? lines[0] ?? 'py_compile failed';
  return { check: PYTHON_SYNTAX_CHECK, location: line ? `${file}:${line}` : file, message: reason };
}
