/**
 * A stand-in `uv` for machines where uv cannot be had (its package is in no index this machine
 * reaches). It answers `uv --version`, `uv venv` and `uv pip install` as uv does where the runner
 * depends on it: it ignores pip's configuration files and PIP_* variables (so only the options the
 * runner passes reach the index), installs with pip underneath, reports failures in uv's words (taken
 * from uv's own test snapshots), and records every call. It proves what the runner hands uv and how it
 * reads uv's answers; the real uv is tested too where it is on PATH (test/local/installer.test.ts).
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PYTHON } from './generated-repo.js';
import { trackedMkdtemp } from './temp-dirs.js';

export const UV_DOUBLE_VERSION = 'uv 0.0.0+test-double';

const SCRIPT = String.raw`
import json, os, re, subprocess, sys
args = sys.argv[1:]
with open(os.environ["UV_DOUBLE_LOG"], "a") as log:
    log.write(json.dumps(args) + "\n")
if args == ["--version"]:
    print("VERSION"); sys.exit(0)

def option(name, many=False):
    found = [args[i + 1] for i, a in enumerate(args) if a == name]
    return found if many else (found[-1] if found else None)

env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
env["PIP_CONFIG_FILE"] = os.devnull
env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
if args[0] == "venv":
    sys.exit(subprocess.call([option("--python"), "-m", "venv", "--without-pip", args[-1]]))
if args[:2] != ["pip", "install"]:
    print("error: the uv test double knows only --version, venv and pip install", file=sys.stderr); sys.exit(2)
pip = [sys.executable, "-m", "pip", "--python", option("--python"), "install", "--progress-bar", "off", "--no-input"]
if "--no-index" in args: pip.append("--no-index")
for name, flag in (("--index-url", "--index-url"), ("--extra-index-url", "--extra-index-url"), ("--find-links", "--find-links"), ("--constraint", "--constraint"), ("--allow-insecure-host", "--trusted-host")):
    for value in option(name, True): pip += [flag, value]
pip += ["-r", option("-r")]
done = subprocess.run(pip, env=env, capture_output=True, text=True)
if done.returncode == 0:
    print("Installed packages (uv test double over pip)"); sys.exit(0)
out = done.stdout + done.stderr
missing = re.search(r"Could not find a version that satisfies the requirement (\S+) \(from versions: ([^)]*)\)", out)
if missing:
    requirement = missing.group(1)
    name = re.match(r"[A-Za-z0-9._-]+", requirement).group(0).lower()
    because = ("%s was not found in the provided package locations" % name) if missing.group(2).strip() == "none" else ("there is no version of %s" % requirement)
    print("  × No solution found when resolving dependencies:\n  ╰─▶ Because %s and you require %s, we can conclude that your requirements are unsatisfiable." % (because, requirement), file=sys.stderr)
    sys.exit(1)
building = re.findall(r"Processing \S*/([A-Za-z0-9_.]+)-([0-9][^-/]*?)\.tar\.gz", out)
if building and ("subprocess-exited-with-error" in out or "Failed to build" in out):
    name, version = building[-1]
    error = [line.strip() for line in out.splitlines() if re.match(r"^\s*\w+Error:", line)]
    tick = chr(96)
    print("  × Failed to build %s%s==%s%s" % (tick, name, version, tick), file=sys.stderr)
    print("  ├─▶ The build backend returned an error", file=sys.stderr)
    print("  ╰─▶ Call to %sbackend.build_wheel%s failed (exit status: 1)\n\n      [stderr]\n      %s" % (tick, tick, error[-1] if error else "?"), file=sys.stderr)
    sys.exit(1)
print(out, file=sys.stderr); sys.exit(1)
`;

export interface UvDouble {
  /** Folder holding `uv`: put it first on PATH. */
  readonly bin: string;
  /** The arguments of every call so far. */
  calls(): string[][];
}

export function uvDouble(): UvDouble {
  const dir = trackedMkdtemp(join(tmpdir(), 'legacy-mlops-uv-'));
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  const log = join(dir, 'calls.jsonl');
  writeFileSync(join(bin, 'uv'), `#!${PYTHON}\n${SCRIPT.replace('VERSION', UV_DOUBLE_VERSION).replace('os.environ["UV_DOUBLE_LOG"]', JSON.stringify(log))}`);
  chmodSync(join(bin, 'uv'), 0o755);
  return {
    bin,
    calls: () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as string[]) : []),
  };
}
