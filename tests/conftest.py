"""Shared fixtures: the repository root and one build of the book per test session."""

import os
import pathlib
import subprocess
import sys
import time

import matplotlib
import pytest

matplotlib.use("Agg")

ROOT_FOR_TOOLS = pathlib.Path(__file__).resolve().parent.parent / "tools"
sys.path.insert(0, str(ROOT_FOR_TOOLS))  # the authors' tools (booktools) are not part of the package

ROOT = pathlib.Path(__file__).resolve().parent.parent
BUILD_CMD = ["jupyter-book", "build", ".", "-W", "-n", "--keep-going"]
LITE_CMD = [sys.executable, str(ROOT / "tools" / "build_lite.py")]  # README command 1, after the book


def _build_lite(html):
    """The JupyterLite site into html/lite (tools/build_lite.py), as README command 1 does."""
    t0 = time.perf_counter()
    proc = subprocess.run(LITE_CMD, cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    print(f"JupyterLite build took {seconds:.1f} s")
    return {"returncode": proc.returncode, "output": proc.stdout + proc.stderr, "seconds": seconds,
            "path": html / "lite"}


@pytest.fixture(scope="session")
def root():
    return ROOT


@pytest.fixture(scope="session")
def built_book():
    """Build the book once, as the README does, with warnings as errors.

    Returns a dict with the return code, the output, the seconds it took and the
    path of the HTML; under "lite", the same for the JupyterLite site built after it
    into ``_build/html/lite``. Set NMF_BOOK_PREBUILT=1 to reuse an existing _build/html
    (and its lite/, which is built if missing).
    """
    html = ROOT / "_build" / "html"
    if os.environ.get("NMF_BOOK_PREBUILT") == "1" and (html / "index.html").exists():
        lite = ({"returncode": 0, "output": "(prebuilt)", "seconds": 0.0, "path": html / "lite"}
                if (html / "lite" / "index.html").exists() else _build_lite(html))
        return {"returncode": 0, "output": "(prebuilt)", "seconds": 0.0, "html": html, "lite": lite}
    exe = pathlib.Path(sys.executable).with_name("jupyter-book")
    cmd = [str(exe) if exe.exists() else BUILD_CMD[0], *BUILD_CMD[1:]]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    print(f"book build took {seconds:.1f} s")
    lite = (_build_lite(html) if (html / "index.html").exists() else
            {"returncode": None, "output": "no website to add it to", "seconds": 0.0, "path": html / "lite"})
    return {"returncode": proc.returncode, "output": proc.stdout + proc.stderr, "seconds": seconds,
            "html": html, "lite": lite}
