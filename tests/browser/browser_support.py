"""Shared helpers of the browser tests (paths, config, the offline request router)."""

import json
import os
import pathlib
import re
import shutil

import pytest
import yaml

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent.parent
NODE_MODULES = HERE / "node_modules"
MATHJAX_DIR = NODE_MODULES / "mathjax" / "es5"
AXE_JS = NODE_MODULES / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "_build" / "screenshots"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


def under_ci():
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def missing(what):
    """Skip locally, fail under CI: the browser tests must run there."""
    msg = f"browser tests cannot run: {what}"
    if under_ci():
        pytest.fail(msg + " (CI=true, so this is a failure)", pytrace=False)
    pytest.skip(msg)


def chromium_path():
    """Debian's Chromium, or the browser named by NMF_CHROMIUM (only that one, if set)."""
    if os.environ.get("NMF_CHROMIUM"):
        p = os.environ["NMF_CHROMIUM"]
        return p if pathlib.Path(p).exists() else None
    for p in ("/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser")):
        if p and pathlib.Path(p).exists():
            return p
    return None


def load_config():
    return yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))


def toc_pages():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    files = [toc["root"]]
    for part in toc["parts"]:
        files += [c["file"] for c in part["chapters"]]
    return files


_MIME = {".js": "application/javascript", ".css": "text/css", ".woff": "font/woff",
         ".woff2": "font/woff2", ".json": "application/json", ".svg": "image/svg+xml"}
_MATHJAX_CDN = re.compile(r"^https://cdn\.jsdelivr\.net/npm/mathjax@3[^/]*/es5/([^?#]+)")


def offline_router(base, external):
    """A Playwright route handler: local site as is, MathJax from node_modules, the rest stubbed."""

    def route(r):
        url = r.request.url
        if url.startswith(base + "/") or url.startswith("data:"):
            return r.continue_()
        external.append(url)
        m = _MATHJAX_CDN.match(url)
        if m:
            mj = MATHJAX_DIR.resolve()
            f = (mj / m.group(1)).resolve()
            if mj in f.parents and f.is_file():
                return r.fulfill(path=str(f), content_type=_MIME.get(f.suffix, "application/octet-stream"))
            return r.fulfill(status=404, body="")
        suffix = pathlib.PurePosixPath(url.split("?")[0]).suffix
        return r.fulfill(status=200, body="", content_type=_MIME.get(suffix, "text/plain"))

    return route


# --------------------------------------------------------------------------- JupyterLite

# The Pyodide core, for the JupyterLite tests: the npm package ``pyodide`` (pinned in
# package.json to the version jupyterlite-pyodide-kernel loads) holds pyodide.mjs, the
# WebAssembly interpreter, the standard library and pyodide-lock.json, not the packages.
PYODIDE_DIR = NODE_MODULES / "pyodide"
# The pure-Python wheels the kernel loads from Pyodide's packages when it boots, downloaded
# from PyPI with pip (pyodide_boot_wheels) at test-setup time, beside the npm assets.
PYODIDE_WHEELS = NODE_MODULES / ".pyodide-wheels"
# What the Pyodide kernel's worker loads from Pyodide's packages (with their dependencies):
# micropip, then IPython and jedi (jupyterlite-pyodide-kernel 0.8: initPackageManager, initKernel).
PYODIDE_BOOT_PACKAGES = ("micropip", "ipython", "jedi")
PYODIDE_CDN = re.compile(r"^https://cdn\.jsdelivr\.net/pyodide/v([^/]+)/full/([^?#]+)")
_LITE_MIME = {**_MIME, ".mjs": "text/javascript", ".wasm": "application/wasm", ".zip": "application/zip"}


def _norm(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def pyodide_lock():
    """Pyodide's own pyodide-lock.json (from the npm package), or None if not installed."""
    path = PYODIDE_DIR / "pyodide-lock.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def pyodide_version():
    """Version of the npm package ``pyodide`` in node_modules, or None."""
    path = PYODIDE_DIR / "package.json"
    return json.loads(path.read_text(encoding="utf-8"))["version"] if path.exists() else None


def pyodide_boot_wheels(lock):
    """Lock entries of PYODIDE_BOOT_PACKAGES and everything they depend on, by name."""
    packages = lock["packages"]
    by_norm = {_norm(k): k for k in packages}
    todo, found = list(PYODIDE_BOOT_PACKAGES), {}
    while todo:
        key = by_norm[_norm(todo.pop())]
        if key not in found:
            found[key] = packages[key]
            todo += packages[key].get("depends", [])
    return [found[k] for k in sorted(found)]


def download_pyodide_wheels(lock, dest=PYODIDE_WHEELS):
    """pip-download the boot wheels (same name, version and file name as Pyodide's) once.

    Returns the file names still missing afterwards (empty when all are there).
    """
    import subprocess
    import sys

    entries = pyodide_boot_wheels(lock)
    todo = [e for e in entries if not (dest / e["file_name"]).exists()]
    if todo:
        dest.mkdir(parents=True, exist_ok=True)
        py = ".".join(lock["info"]["python"].split(".")[:2])
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check",
                        "--no-deps", "--only-binary=:all:", "--platform", "any", "--implementation", "py",
                        "--abi", "none", "--python-version", py, "--dest", str(dest),
                        *[f"{e['name']}=={e['version']}" for e in todo]], capture_output=True, text=True)
    return [e["file_name"] for e in entries if not (dest / e["file_name"]).exists()]


def pyodide_mirror(lock, wheels=PYODIDE_WHEELS):
    """What the test answers for Pyodide's CDN: the npm core, the boot wheels, and a lock.

    Pyodide rebuilds even pure-Python wheels, so PyPI's files differ byte for byte from the
    CDN's: the lock served here carries the sha256 of the files served here.
    """
    import hashlib

    files = {p.name: p for p in PYODIDE_DIR.iterdir() if p.is_file()}
    lock = json.loads(json.dumps(lock))
    for entry in pyodide_boot_wheels(lock):
        path = wheels / entry["file_name"]
        files[entry["file_name"]] = path
        entry["sha256"] = hashlib.sha256(path.read_bytes()).hexdigest()
    files.pop("pyodide-lock.json", None)
    return {"version": pyodide_version(), "files": files, "lock": json.dumps(lock).encode("utf-8")}


def lite_router(base, external, mirror, served):
    """offline_router, plus Pyodide's CDN answered from ``mirror`` (with CORS, as the CDN does).

    Files of the CDN that the mirror lacks (NumPy and the other compiled packages) get a 404;
    ``served`` lists the CDN file names answered from the mirror.
    """
    rest = offline_router(base, external)
    cors = {"Access-Control-Allow-Origin": "*"}

    def route(r):
        url = r.request.url
        m = PYODIDE_CDN.match(url)
        if not m:
            if url.startswith("blob:"):
                return r.continue_()
            return rest(r)
        external.append(url)
        version, name = m.groups()
        if version == mirror["version"]:
            if name == "pyodide-lock.json":
                served.append(name)
                return r.fulfill(status=200, body=mirror["lock"], headers=cors, content_type="application/json")
            if name in mirror["files"]:
                served.append(name)
                f = mirror["files"][name]
                return r.fulfill(status=200, path=str(f), headers=cors,
                                 content_type=_LITE_MIME.get(f.suffix, "application/octet-stream"))
        return r.fulfill(status=404, body="", headers=cors)

    return route
