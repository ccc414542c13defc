/**
 * Which versions of a package the configured index offers, asked of the index itself rather than read
 * back from an installer's error output, so the nearest-version fallback and the "not available at all"
 * refusal work the same whichever installer (pip or uv) builds the environment. Indexes are read through
 * the simple repository API (PEP 503 HTML, or PEP 691 JSON when served), find-links from their folder or
 * page. Files are kept when they can install on the interpreter: `packaging`'s tags and Requires-Python
 * when it is importable (standalone or pip's copy), else the Python tag and the machine's architecture.
 * The lookup runs in the interpreter the environment is built from (its urllib honours the proxy
 * variables, the certificate is passed on); written by hand, as neither pip nor uv has an API for it.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { PYPI_SIMPLE, type IndexSettings } from './installer-config.js';

const run = promisify(execFile);

export interface IndexVersions {
  /** Installable versions found, in no particular order. */
  readonly versions: readonly string[];
  /** Every index and find-links location answered: an empty `versions` means the package is not there. */
  readonly complete: boolean;
}

const LOOKUP = String.raw`
import html.parser, json, os, re, ssl, sys, urllib.parse, urllib.request
from concurrent.futures import ThreadPoolExecutor
settings, names = json.loads(sys.argv[1]), json.loads(sys.argv[2])
timeout = float(settings.get("timeout") or 15)
context = ssl.create_default_context(cafile=settings["cert"]) if settings.get("cert") else None
try:
    from packaging import tags as _tags, specifiers as _specs, version as _version
except ImportError:
    try:
        from pip._vendor.packaging import tags as _tags, specifiers as _specs, version as _version
    except ImportError:
        _tags = None
SUPPORTED = {str(t) for t in _tags.sys_tags()} if _tags else None
PY = "%d.%d.%d" % sys.version_info[:3]
MINOR = sys.version_info[1]
import platform
ARCH = platform.machine().lower()

def norm(name):
    return re.sub(r"[-_.]+", "-", name).lower()

def wheel_ok(parts):
    pys, abis, plats = parts[-3].split("."), parts[-2].split("."), parts[-1].split(".")
    if SUPPORTED is not None:
        return any("%s-%s-%s" % (p, a, s) in SUPPORTED for p in pys for a in abis for s in plats)
    def py_ok(p):
        m = re.match(r"^(py|cp)(\d)(\d*)$", p)
        if not m or m.group(2) != "3": return False
        if not m.group(3): return True
        return int(m.group(3)) == MINOR or (m.group(1) == "py" and int(m.group(3)) <= MINOR) or ("abi3" in abis and int(m.group(3)) <= MINOR)
    return any(py_ok(p) for p in pys) and any(s == "any" or (sys.platform.startswith("linux") and "linux" in s and s.endswith(ARCH)) or (sys.platform == "darwin" and s.startswith("macosx")) or (sys.platform == "win32" and s.startswith("win")) for s in plats)

def python_ok(requires):
    if not requires or _tags is None: return True
    try: return _specs.SpecifierSet(requires).contains(PY, prereleases=True)
    except Exception: return True

def version_of(filename, name):
    filename = urllib.parse.unquote(filename.split("#")[0].split("?")[0].rsplit("/", 1)[-1])
    if filename.endswith(".whl"):
        parts = filename[:-4].split("-")
        if len(parts) in (5, 6) and norm(parts[0]) == name and wheel_ok(parts): return parts[1]
        return None
    for ext in (".tar.gz", ".zip", ".tar.bz2", ".tgz"):
        if filename.endswith(ext):
            stem = filename[: -len(ext)]
            for i, ch in enumerate(stem):
                if ch == "-" and norm(stem[:i]) == name: return stem[i + 1:]
    return None

class Links(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(); self.links = []
    def handle_starttag(self, tag, attrs):
        if tag == "a":
            a = dict(attrs)
            if a.get("href"): self.links.append((a["href"], a.get("data-requires-python")))

def fetch(url):
    """(status, content type, text); status None when it could not be reached."""
    parsed = urllib.parse.urlsplit(url)
    if parsed.scheme in ("", "file"):
        path = urllib.request.url2pathname(parsed.path) if parsed.scheme == "file" else url
        if os.path.isdir(path):
            index = os.path.join(path, "index.html")
            if os.path.isfile(index): return 200, "text/html", open(index, encoding="utf-8", errors="replace").read()
            return 200, "dir", "\n".join(os.listdir(path))
        if os.path.isfile(path): return 200, "file", path
        return 404, "", ""
    request = urllib.request.Request(url, headers={"Accept": "application/vnd.pypi.simple.v1+json, text/html;q=0.1"})
    if parsed.username:
        import base64
        token = base64.b64encode(("%s:%s" % (urllib.parse.unquote(parsed.username), urllib.parse.unquote(parsed.password or ""))).encode()).decode()
        netloc = parsed.hostname + (":%d" % parsed.port if parsed.port else "")
        request = urllib.request.Request(urllib.parse.urlunsplit(parsed._replace(netloc=netloc)), headers=dict(request.headers, Authorization="Basic " + token))
    try:
        with urllib.request.urlopen(request, timeout=timeout, context=context) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, "", ""
    except Exception:
        return None, "", ""

def files_of(status, kind, text):
    """(filename or href, requires-python) pairs of a page, folder or file."""
    if kind == "dir": return [(line, None) for line in text.split("\n") if line]
    if kind == "file": return [(text, None)]
    if "json" in kind:
        return [(f.get("filename") or f.get("url", ""), f.get("requires-python")) for f in json.loads(text).get("files", [])]
    parser = Links(); parser.feed(text); return parser.links

def lookup(name):
    key = norm(name)
    found, complete = set(), True
    pages = []
    if not settings["noIndex"]:
        for index in [settings.get("indexUrl") or "${PYPI_SIMPLE}"] + settings["extraIndexUrls"]:
            pages.append(index.rstrip("/") + "/" + key + "/")
    pages += settings["findLinks"]
    for page in pages:
        status, kind, text = fetch(page)
        if status is None or (status >= 400 and status != 404):
            complete = False
            continue
        if status == 404: continue
        for href, requires in files_of(status, kind, text):
            version = version_of(href, key)
            if version and python_ok(requires): found.add(version)
    return name, {"versions": sorted(found), "complete": complete}

with ThreadPoolExecutor(8) as pool:
    print(json.dumps(dict(pool.map(lookup, names))))
`;

/** The versions the configured indexes offer for each name; names whose lookup failed outright are left out. */
export async function indexVersions(python: string, settings: IndexSettings, names: readonly string[], signal?: AbortSignal): Promise<Map<string, IndexVersions>> {
  if (names.length === 0) return new Map();
  const payload = {
    indexUrl: settings.indexUrl,
    extraIndexUrls: settings.extraIndexUrls,
    findLinks: settings.findLinks,
    noIndex: settings.noIndex,
    cert: settings.cert,
    timeout: settings.timeoutSeconds,
  };
  try {
    const { stdout } = await run(python, ['-I', '-c', LOOKUP, JSON.stringify(payload), JSON.stringify([...new Set(names)])], { timeout: 300_000, maxBuffer: 16 * 1024 * 1024, signal });
    return new Map(Object.entries(JSON.parse(stdout) as Record<string, IndexVersions>));
  } catch {
    // The lookup itself failed (an interpreter without json or threads…): the installer's own answer decides.
    return new Map();
  }
}
