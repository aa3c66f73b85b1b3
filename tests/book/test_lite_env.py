"""Every notebook on the second library set: the versions the JupyterLite site runs on.

In the browser (tools/build_lite.py), the chapters run on the NumPy, SciPy,
Matplotlib and scikit-learn that Pyodide ships, not the versions requirements.txt
pins. Pyodide's compiled packages cannot be had offline, so the nearest check here is
CPython with those versions: ``.venv-pyodide``, installed from
``requirements-pyodide.txt`` by ``.ci/run``. This module runs every notebook under
``book/`` (recursively: chapters and labs) there with nbval (``--nbval-lax``, as the
main suite does for the pinned set) in one pytest process, and reports per notebook.

Without ``.venv-pyodide`` the tests are skipped, saying how to make it, except under
CI (``CI=true``), where that is a failure. What CPython cannot show: what WebAssembly
cannot do (threads, subprocesses, sockets, files outside the virtual drive); the
chapters branch on ``sys.platform == "emscripten"`` where they need to.
"""

import json
import os
import pathlib
import re
import subprocess
import xml.etree.ElementTree as ET

import pytest
from packaging.requirements import Requirement

import booktools

ROOT = pathlib.Path(__file__).resolve().parents[2]
VENV = ROOT / ".venv-pyodide"
PYTHON = VENV / "bin" / "python"
REQUIREMENTS = ROOT / "requirements-pyodide.txt"
PYODIDE_LOCK = ROOT / "tests" / "browser" / "node_modules" / "pyodide" / "pyodide-lock.json"
NOTEBOOKS = [p.relative_to(ROOT).as_posix() for p in booktools.book_notebooks(ROOT)]
# what runs the notebooks here (not in the browser), exempt from following Pyodide's versions
RUNNER = ("pytest", "nbval", "ipykernel", "nbformat")
# nbval's own limit per cell, as in pyproject.toml; the whole run is bounded too
CELL_TIMEOUT = 120
RUN_TIMEOUT = 3600

MAKE_VENV = ("python3.13 -m venv .venv-pyodide && .venv-pyodide/bin/pip install -r requirements-pyodide.txt "
             "(bash .ci/run does it, with the newest CPython 3.12+ it finds)")


# colour codes of IPython's tracebacks (the JUnit report writes ESC as "#x1B")
_ANSI = re.compile(r"(?:\x1b|#x1B)\[[0-9;]*m")


def _missing(what):
    """Skip locally, fail under CI: the second library set must be tested there."""
    msg = f"cannot run the notebooks on Pyodide's library versions: {what}"
    if os.environ.get("CI", "").strip().lower() in ("true", "1", "yes"):
        pytest.fail(msg + " (CI=true, so this is a failure)", pytrace=False)
    pytest.skip(msg)


def _requirements():
    reqs = []
    for line in REQUIREMENTS.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-"):
            reqs.append(Requirement(line))
    return reqs


_CHECK_ENV = r"""
import importlib.metadata as md, json, pathlib, sys
from packaging.requirements import Requirement
out = {"python": sys.version.split()[0], "versions": {}, "mismatch": []}
for line in pathlib.Path(sys.argv[1]).read_text().splitlines():
    line = line.split("#", 1)[0].strip()
    if not line or line.startswith("-"):
        continue
    req = Requirement(line)
    if req.marker and not req.marker.evaluate():
        continue
    want = [s.version for s in req.specifier if s.operator == "=="]
    try:
        have = md.version(req.name)
    except md.PackageNotFoundError:
        have = None
    out["versions"][req.name] = have
    if want and have != want[0]:
        out["mismatch"].append(f"{req.name}: {have} installed, {want[0]} pinned")
import nmf_teach
here = pathlib.Path(nmf_teach.__file__).resolve().parent
if here != pathlib.Path(sys.argv[2]).resolve() / "nmf_teach":
    out["mismatch"].append(f"nmf_teach comes from {here}, not from this checkout")
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def lite_env():
    """Python and library versions of .venv-pyodide (skip or fail if it is missing)."""
    if not PYTHON.exists():
        _missing(f"{VENV.name} is missing; make it with: {MAKE_VENV}")
    proc = subprocess.run([str(PYTHON), "-c", _CHECK_ENV, str(REQUIREMENTS), str(ROOT)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, f"{PYTHON} does not start or lacks packages:\n{proc.stderr[-3000:]}"
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_second_env_has_the_pinned_versions(lite_env):
    print(f"{VENV.name}: Python {lite_env['python']}, " +
          ", ".join(f"{k} {v}" for k, v in sorted(lite_env["versions"].items())))
    assert not lite_env["mismatch"], (f"{VENV.name} differs from {REQUIREMENTS.name} (recreate it: {MAKE_VENV}):\n"
                                      + "\n".join(lite_env["mismatch"]))


def test_pins_are_the_versions_pyodide_ships():
    """requirements-pyodide.txt follows Pyodide's lock file (npm package ``pyodide``)."""
    if not PYODIDE_LOCK.exists():
        _missing(f"{PYODIDE_LOCK.relative_to(ROOT)} is missing (run: npm ci --prefix tests/browser)")
    lock = json.loads(PYODIDE_LOCK.read_text(encoding="utf-8"))
    release = json.loads((PYODIDE_LOCK.parent / "package.json").read_text(encoding="utf-8"))["version"]
    norm = lambda name: re.sub(r"[-_.]+", "-", name).lower()  # noqa: E731
    shipped = {norm(name): e["version"] for name, e in lock["packages"].items()}
    py = lock["info"]["python"]
    marker_env = {"python_version": ".".join(py.split(".")[:2]), "python_full_version": py}
    wrong = []
    for req in _requirements():
        name = norm(req.name)
        if name not in shipped or name in RUNNER:
            continue
        (pin,) = [s.version for s in req.specifier if s.operator == "=="]
        applies_in_pyodide = req.marker is None or req.marker.evaluate(marker_env)
        if applies_in_pyodide and pin != shipped[name]:
            wrong.append(f"{req.name}=={pin}, Pyodide {release} ships {shipped[name]}")
    for core in ("numpy", "scipy", "matplotlib", "scikit-learn"):
        assert any(r.name.lower() == core for r in _requirements()), f"{core} is not pinned"
    assert not wrong, "pins of requirements-pyodide.txt that are not Pyodide's:\n" + "\n".join(wrong)


@pytest.fixture(scope="module")
def nbval_run(lite_env, tmp_path_factory):
    """Every notebook through nbval in .venv-pyodide, once; per notebook: failures and seconds."""
    tmp = tmp_path_factory.mktemp("lite-env")
    ini, junit = tmp / "pytest.ini", tmp / "nbval.xml"
    ini.write_text("[pytest]\n", encoding="utf-8")  # not the repository's configuration
    cmd = [str(PYTHON), "-m", "pytest", "-c", str(ini), "--rootdir", str(ROOT), "-p", "no:cacheprovider",
           "-q", "--nbval-lax", "--nbval-current-env", f"--nbval-cell-timeout={CELL_TIMEOUT}",
           "-o", "junit_family=xunit1", f"--junitxml={junit}", *[str(ROOT / nb) for nb in NOTEBOOKS]]
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env.pop("VIRTUAL_ENV", None)
    proc = subprocess.run(cmd, cwd=tmp, env=env, capture_output=True, text=True, timeout=RUN_TIMEOUT)
    if not junit.exists():
        pytest.fail(f"nbval in {VENV.name} wrote no report:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    results = {}
    for case in ET.parse(junit).getroot().iter("testcase"):
        nb = case.get("file") or case.get("classname", "").replace(".", "/")
        rec = results.setdefault(nb, {"cells": 0, "seconds": 0.0, "failures": []})
        rec["cells"] += 1
        rec["seconds"] += float(case.get("time") or 0)
        for bad in list(case.iter("failure")) + list(case.iter("error")):
            rec["failures"].append((case.get("name"), _ANSI.sub("", bad.text or bad.get("message") or "")))
    total = sum(r["seconds"] for r in results.values())
    print(f"{len(results)} notebooks on Python {lite_env['python']} in {total:.0f} s")
    return {"results": results, "output": proc.stdout[-3000:] + proc.stderr[-2000:]}


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_notebook_runs_on_pyodides_versions(nbval_run, notebook):
    rec = nbval_run["results"].get(notebook)
    assert rec and rec["cells"], f"{notebook} was not run by nbval:\n{nbval_run['output']}"
    if rec["failures"]:
        (first, text), later = rec["failures"][0], [name for name, _ in rec["failures"][1:]]
        pytest.fail(f"{notebook} fails on Pyodide's library versions ({VENV.name}); {first}:\n{text[-6000:]}"
                    + (f"\nlater failing cells (maybe from the first): {', '.join(later)}" if later else ""),
                    pytrace=False)
