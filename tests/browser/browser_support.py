"""Shared helpers of the browser tests (paths, config, the offline request router)."""

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
