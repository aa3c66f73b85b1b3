"""Build the book's JupyterLite site: every notebook of ``book/`` runnable in the browser.

Run it after the book build (README command 1)::

    .venv/bin/python tools/build_lite.py

It writes ``_build/html/lite/``, a static JupyterLite site (JupyterLab and the
Notebook app, the Pyodide kernel, the ipywidgets manager) holding:

- every notebook under ``book/`` (recursively: chapters and labs, found when the
  command runs), at the same path as in the repository (``book/09_pizza.ipynb``),
  so the launch menu's *JupyterLite* entry (``?path=book/<chapter>.ipynb``, see
  ``book/_ext/nmf_lite_launch.py``) opens it;
- a package index (``lite/pypi/all.json``, listed in the kernel's ``pipliteUrls``)
  with the ``nmf_teach`` wheel built from this checkout, and the pure-Python
  packages Pyodide lacks, at the versions installed here (ipywidgets,
  jupyterlab_widgets, comm; dask, partd, locket). Each
  notebook's first cell runs ``%pip install nmf_teach`` under Pyodide
  (``sys.platform == "emscripten"``), which installs from this index.

Pyodide itself and its scientific wheels (NumPy, SciPy, Matplotlib,
scikit-learn) come from Pyodide's CDN when a reader opens the site: the site
stays small and needs no server. The other wheels of the index are downloaded once with pip
into ``_build/.lite-cache/`` and reused from there. Only the two federated
extensions the book needs are copied in (``--ignore-sys-prefix``), not every
JupyterLab extension installed in the environment.

An authors' tool, not part of the ``nmf_teach`` package. ``--output-dir`` builds
elsewhere (the tests use the default).
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import booktools  # noqa: E402  (the authors' notebook tool, beside this file)

__all__ = ["LITE_SUBDIR", "INDEX_PACKAGES", "FEDERATED_EXTENSIONS", "LITE_CONFIG", "lite_notebooks", "build_lite"]

#: where the site goes, inside the book's HTML
LITE_SUBDIR = "lite"
#: pure-Python wheels the site's index serves beside nmf_teach, at the versions installed in
#: this environment (requirements.txt): ipywidgets and what it needs that Pyodide does not ship
#: (the widget protocol then matches the copied @jupyter-widgets/jupyterlab-manager extension),
#: and Dask with what it needs that Pyodide does not ship, for the chapter on Dask
INDEX_PACKAGES = ("ipywidgets", "jupyterlab_widgets", "comm", "dask", "partd", "locket")
#: the JupyterLab federated extensions the site needs (nothing else from the environment)
FEDERATED_EXTENSIONS = ("@jupyterlite/pyodide-kernel-extension", "@jupyter-widgets/jupyterlab-manager")
#: the JupyterLite apps: JupyterLab (the launch links open it) and the Notebook app
APPS = ("lab", "notebooks")
#: settings of the site (jupyter-lite.json in the lite dir): the app object as
#: ``window.jupyterapp``, as JupyterLab's --expose-app-in-browser does, for the browser
#: tests (tests/browser/test_lite.py) and for readers' own scripting in the console
LITE_CONFIG = {"jupyter-lite-schema-version": 0, "jupyter-config-data": {"exposeAppInBrowser": "true"}}


def lite_notebooks(root):
    """Every notebook the site holds: all of ``book/``, recursively (as booktools finds them)."""
    return booktools.book_notebooks(root)


def _run(cmd, what, **kwargs):
    proc = subprocess.run(cmd, capture_output=True, text=True, **kwargs)
    if proc.returncode != 0:
        raise RuntimeError(f"{what} failed (exit {proc.returncode}): {' '.join(map(str, cmd))}\n"
                           f"{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return proc


def _stage_notebooks(root, contents):
    """Copy every notebook, as committed, to ``contents/<path in the repository>``.

    (Their kernelspec says "python3"; JupyterLite starts its default kernel, Pyodide's, for them.)
    """
    paths = lite_notebooks(root)
    if not paths:
        raise RuntimeError(f"no notebooks under {root / 'book'}")
    for src in paths:
        dest = contents / src.relative_to(root)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, dest)
    return [p.relative_to(root).as_posix() for p in paths]


def _nmf_teach_wheel(root, workdir, wheel_dir):
    """The nmf_teach wheel, built from a copy of this checkout (nothing is written into it)."""
    src = workdir / "nmf_teach_src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(root / name, src / name)
    shutil.copytree(root / "nmf_teach", src / "nmf_teach", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    base = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--disable-pip-version-check",
            "--wheel-dir", str(wheel_dir)]
    try:  # offline, with the setuptools and wheel of this environment
        _run([*base, "--no-build-isolation", str(src)], "building the nmf_teach wheel")
    except RuntimeError:  # pragma: no cover - an environment without a usable setuptools
        _run([*base, str(src)], "building the nmf_teach wheel (isolated)")
    (wheel,) = wheel_dir.glob("nmf_teach-*.whl")
    return wheel


def _index_wheels(cache):
    """Wheels of INDEX_PACKAGES at the installed versions: from the cache, else downloaded once."""
    cache.mkdir(parents=True, exist_ok=True)
    wheels = []
    for name in INDEX_PACKAGES:
        try:
            version = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            raise RuntimeError(f"{name} is not installed here (pip install -r requirements.txt)") from None
        stem = name.replace("-", "_")
        found = sorted(cache.glob(f"{stem}-{version}-*.whl"))
        if not found:
            _run([sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "--quiet",
                  "--disable-pip-version-check", "--dest", str(cache), f"{name}=={version}"],
                 f"downloading the {name} {version} wheel")
            found = sorted(cache.glob(f"{stem}-{version}-*.whl"))
        if not found:
            raise RuntimeError(f"no wheel of {name} {version} in {cache}")
        wheels.append(found[-1])
    return wheels


def _federated_extensions():
    base = pathlib.Path(sys.prefix) / "share" / "jupyter" / "labextensions"
    paths = [base / name for name in FEDERATED_EXTENSIONS]
    absent = [str(p) for p in paths if not (p / "package.json").exists()]
    if absent:
        raise RuntimeError(f"JupyterLab extensions not installed: {absent} "
                           "(pip install -r requirements.txt installs them)")
    return paths


def _jupyter_lite():
    exe = pathlib.Path(sys.executable).with_name("jupyter-lite")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "jupyterlite_core"]


def _tree_bytes(path):
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def build_lite(root=None, output_dir=None, cache_dir=None):
    """Build the JupyterLite site; returns a summary dict.

    Parameters
    ----------
    root : path, optional
        The repository root (default: the one holding this file).
    output_dir : path, optional
        Default ``<root>/_build/html/lite``; replaced as a whole.
    cache_dir : path, optional
        Where downloaded wheels are kept between builds (default ``<root>/_build/.lite-cache``).

    Returns
    -------
    dict
        ``output_dir``, ``notebooks`` (repository-relative paths), ``wheels`` (file names in
        the site's index), ``bytes`` (size of the site) and ``seconds`` (time taken).
    """
    t0 = time.perf_counter()
    root = pathlib.Path(root or booktools.repo_root(HERE)).resolve()
    out = pathlib.Path(output_dir or root / "_build" / "html" / LITE_SUBDIR).resolve()
    cache = pathlib.Path(cache_dir or root / "_build" / ".lite-cache").resolve()
    with tempfile.TemporaryDirectory(prefix="nmf-lite-") as tmp:
        work = pathlib.Path(tmp)
        contents, wheel_dir = work / "contents", work / "wheels"
        wheel_dir.mkdir()
        (work / "jupyter-lite.json").write_text(json.dumps(LITE_CONFIG, indent=2) + "\n", encoding="utf-8")
        notebooks = _stage_notebooks(root, contents)
        wheels = [_nmf_teach_wheel(root, work, wheel_dir), *_index_wheels(cache / "wheels")]
        if out.exists():
            shutil.rmtree(out)
        cmd = [*_jupyter_lite(), "build", "--lite-dir", str(work), "--contents", str(contents),
               "--output-dir", str(out), "--no-sourcemaps", "--no-unused-shared-packages",
               "--ignore-sys-prefix"]
        for app in APPS:
            cmd += ["--apps", app]
        for ext in _federated_extensions():
            cmd.append(f"--LiteBuildConfig.federated_extensions={ext}")
        for whl in wheels:
            cmd += ["--piplite-wheels", str(whl)]
        env = dict(os.environ, PYTHONWARNINGS="ignore")
        _run(cmd, "jupyter lite build", cwd=work, env=env)
    missing = [nb for nb in notebooks if not (out / "files" / nb).is_file()]
    if missing:
        raise RuntimeError(f"notebooks missing from the JupyterLite site: {missing}")
    return {"output_dir": out, "notebooks": notebooks, "wheels": [w.name for w in wheels],
            "bytes": _tree_bytes(out), "seconds": time.perf_counter() - t0}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--output-dir", type=pathlib.Path, default=None,
                        help="where to write the site (default: _build/html/lite)")
    args = parser.parse_args(argv)
    try:
        info = build_lite(output_dir=args.output_dir)
    except RuntimeError as exc:
        print(f"build_lite: {exc}", file=sys.stderr)
        return 1
    print(f"JupyterLite site: {len(info['notebooks'])} notebooks, index {', '.join(info['wheels'])}; "
          f"{info['bytes'] / 1e6:.1f} MB in {info['seconds']:.1f} s -> {info['output_dir']}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
