"""Shared fixtures: the repository root and one build of the book per test session."""

import hashlib
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time

import matplotlib
import nbformat
import pytest
import yaml

matplotlib.use("Agg")

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))  # the authors' tools (booktools) are not part of the package
sys.path.insert(0, str(ROOT / "book" / "_ext"))  # the book's Sphinx extensions (nmf_solutions)

import nmf_solutions  # noqa: E402

BUILD_DIR = ROOT / "_build"
HTML = BUILD_DIR / "html"
EXECUTED = BUILD_DIR / "jupyter_execute"  # the notebooks as the build executed them (myst-nb)
CACHE = BUILD_DIR / ".jupyter_cache"  # jupyter-book's jupyter-cache (execute_notebooks: cache)
RECORD = BUILD_DIR / "nmf-tests-build.json"  # what the last build made by the tests printed
# --all: Sphinx re-reads every page, so the warnings of unchanged pages are reported again;
# jupyter-cache still executes only the notebooks whose code changed
BUILD_CMD = ["jupyter-book", "build", ".", "-W", "-n", "--keep-going", "--all"]
LITE_CMD = [sys.executable, str(ROOT / "tools" / "build_lite.py")]  # README command 1, after the book
# The chapter whose widgets once hung nbclient on a busy machine (tests/book/test_busy_machine.py)
WIDGET_CHAPTER = ROOT / "book" / "09_pizza.ipynb"
SOURCES = ("book", "nmf_teach", "tools", "_config.yml", "_toc.yml")


def _build_lite():
    """The JupyterLite site into _build/html/lite (tools/build_lite.py), as README command 1 does."""
    t0 = time.perf_counter()
    proc = subprocess.run(LITE_CMD, cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    print(f"JupyterLite build took {seconds:.1f} s")
    return {"returncode": proc.returncode, "output": proc.stdout + proc.stderr, "seconds": seconds}


def _execute_into_the_cache_while_a_core_is_busy(path):
    """Execute ``path`` as the build would, with another process keeping a core busy, into the build's cache.

    The notebook is the one the build executes (:func:`nmf_solutions.with_solutions`), run by
    jupyter-cache's executor (nbclient, which myst-nb uses too) from a temporary directory
    with the build's per-cell timeout. Stored in the build's jupyter-cache, it is a cache hit
    for the build, which therefore does not execute this chapter again: the busy-machine
    check is the build's own execution of the chapter, not an extra one.
    """
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn
    from jupyter_cache.executors.utils import single_nb_execution

    timeout = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))["execute"]["timeout"]
    nb = nmf_solutions.with_solutions(nbformat.read(path, as_version=4))
    busy = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        with tempfile.TemporaryDirectory() as tmp:
            result = single_nb_execution(nb, cwd=tmp, allow_errors=False, timeout=timeout, meta_override=True)
    finally:
        busy.kill()
        busy.wait()
    if result.err is None:
        get_cache(str(CACHE)).cache_notebook_bundle(
            CacheBundleIn(nb, str(path), data={"execution_seconds": result.time}), check_validity=False,
            overwrite=True)
    print(f"{path.name} with a core busy took {result.time:.1f} s")
    return {"notebook": path.relative_to(ROOT).as_posix(), "seconds": result.time,
            "error": None if result.err is None else result.exc_string}


def _fingerprint(tops):
    h = hashlib.sha256()
    for top in tops:
        p = ROOT / top
        files = [p] if p.is_file() else sorted(f for f in p.rglob("*") if f.is_file())
        for f in files:
            if {"_build", "__pycache__", ".ipynb_checkpoints"} & set(f.parts):
                continue
            h.update(f.relative_to(ROOT).as_posix().encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()


def sources_fingerprint():
    """A hash of everything the website is built from, to tell whether a recorded build is current."""
    return _fingerprint(SOURCES)


def _build():
    BUILD_DIR.mkdir(exist_ok=True)
    RECORD.unlink(missing_ok=True)
    # jupyter-cache keys an execution by the notebook's code only: after a change of the
    # package the chapters import, every cached execution is out of date
    package = _fingerprint(["nmf_teach"])
    stamp = CACHE / "nmf_teach.sha256"
    if CACHE.exists() and (not stamp.exists() or stamp.read_text() != package):
        shutil.rmtree(CACHE)
    CACHE.mkdir(parents=True, exist_ok=True)
    stamp.write_text(package)
    busy = _execute_into_the_cache_while_a_core_is_busy(WIDGET_CHAPTER)
    exe = pathlib.Path(sys.executable).with_name("jupyter-book")
    cmd = [str(exe) if exe.exists() else BUILD_CMD[0], *BUILD_CMD[1:]]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    print(f"book build took {seconds:.1f} s")
    lite = (_build_lite() if (HTML / "index.html").exists() else
            {"returncode": None, "output": "no website to add it to", "seconds": 0.0})
    record = {"returncode": proc.returncode, "output": proc.stdout + proc.stderr, "seconds": seconds,
              "busy": busy, "lite": lite, "sources": sources_fingerprint()}
    RECORD.write_text(json.dumps(record), encoding="utf-8")
    return record


@pytest.fixture(scope="session")
def root():
    return ROOT


@pytest.fixture(scope="session")
def built_book():
    """Build the book once, as the README does, with warnings as errors, then its JupyterLite site.

    Returns a dict with the return code, the output and the seconds of the build; under
    "busy", the execution of the widget chapter with a core busy that the build reused
    (see :func:`_execute_into_the_cache_while_a_core_is_busy`); under "lite", the same for
    the JupyterLite site built after it into ``_build/html/lite``; "html" and "executed"
    are the HTML and the executed notebooks (without the outputs of
    ``remove-output`` cells), "cache" the jupyter-cache the build used. What the build printed is recorded in
    ``_build/nmf-tests-build.json``. Set NMF_BOOK_PREBUILT=1 to reuse the recorded build
    instead of building again, if nothing it is built from has changed since (otherwise
    the book is built).
    """
    record = None
    if os.environ.get("NMF_BOOK_PREBUILT") == "1":
        if not RECORD.exists():
            print("NMF_BOOK_PREBUILT=1, but no build made by the tests is recorded: building")
        else:
            record = json.loads(RECORD.read_text(encoding="utf-8"))
            if record["sources"] != sources_fingerprint():
                print("NMF_BOOK_PREBUILT=1, but the sources changed since the recorded build: building")
                record = None
    record = record or _build()
    return {**record, "html": HTML, "executed": EXECUTED, "cache": CACHE, "lite": {**record["lite"], "path": HTML / "lite"}}
