"""The layout of the test suite: markers by folder, and which tests share an xdist worker.

Markers (registered in pyproject.toml), given by where a test lives:

- ``package``: ``tests/package/``, the helper package (the contributors' quick loop:
  ``pytest tests/package``, under a minute);
- ``book``: ``tests/book/`` and the nbval cells of every notebook in ``book/``;
- ``browser``: ``tests/browser/``, the built website in Chromium;
- ``slow``: whatever executes notebooks or builds the book (the nbval cells, every test
  that needs the book build, the notebooks on Pyodide's library versions, the benchmark
  smoke run), so ``-m "not slow"`` is everything that takes seconds.

pytest-xdist (``-n auto --dist loadgroup`` in pyproject.toml) runs the tests on every
core. Each test gets an ``xdist_group``: every test that needs the book build
(``built_book``) is in one group, so the book is built once, on one worker, while the
other workers run nbval and the rest; every other test is grouped with its file (as
``--dist loadscope`` would), so a notebook's nbval cells share one kernel and a
module's fixtures are made once. The build group is queued first and the run on
Pyodide's library versions second: they are the two longest.

This file sits at the repository root so that it also applies when only notebooks are
collected (``pytest book/05_multiplicative_update.ipynb``).
"""

import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parent
BUILD_GROUP = "book-build"
FIRST = {BUILD_GROUP: 0, "tests/book/test_lite_env.py": 1}
SLOW_FILES = {"tests/book/test_lite_env.py", "tests/book/test_benchmarks_smoke.py"}
MARK_BY_FOLDER = {("tests", "package"): "package", ("tests", "book"): "book", ("tests", "browser"): "browser",
                  ("book",): "book"}


def _where(item):
    try:
        return pathlib.Path(item.path).resolve().relative_to(ROOT)
    except ValueError:  # outside the repository (pytest's own tmp paths)
        return None


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups
def pytest_collection_modifyitems(config, items):
    groups = {}
    for item in items:
        rel = _where(item)
        if rel is None:
            continue
        for folder, mark in MARK_BY_FOLDER.items():
            if rel.parts[:len(folder)] == folder:
                item.add_marker(getattr(pytest.mark, mark))
                break
        needs_build = "built_book" in getattr(item, "fixturenames", ())
        if needs_build or rel.suffix == ".ipynb" or rel.as_posix() in SLOW_FILES:
            item.add_marker(pytest.mark.slow)
        group = BUILD_GROUP if needs_build else rel.as_posix()
        item.add_marker(pytest.mark.xdist_group(group))
        groups[item.nodeid] = group
    # stable: the cells of a notebook and the tests of a module keep their order
    items.sort(key=lambda it: FIRST.get(groups.get(it.nodeid), len(FIRST)))
