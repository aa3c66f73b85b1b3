"""The layout of the test suite: markers by folder, and which tests share an xdist worker.

Markers (registered in pyproject.toml), given by where a test lives:

- ``package``: ``tests/package/``, the helper package (the contributors' quick loop:
  ``pytest tests/package``, under a minute);
- ``book``: ``tests/book/`` and the nbval cells of every notebook in ``book/``;
- ``browser``: ``tests/browser/``, the built website in Chromium;
- ``slow``: whatever executes notebooks or builds the book (the nbval cells, every test
  that needs the book build, the notebooks on Pyodide's library versions, the benchmark
  smoke run), so ``-m "not slow"`` is everything that takes seconds.

pytest-xdist (``-n auto --dist loadscope`` in pyproject.toml) runs the tests on every
core, each test file on one worker (so a notebook's nbval cells share one kernel and a
module's fixtures are made once), except that every file whose tests need the book build
(``BUILD_FILES``) is one unit of work: the book is built once, on one worker, while the
other workers run nbval and the rest. That unit is queued first, and the run on Pyodide's
library versions second: they are the two longest. (The ``xdist_group`` mark would say
this, but ``--dist loadgroup`` does not group on pytest 9.2: pytest-xdist#1386. The
scheduler below is xdist's own ``loadscope`` with one more rule.)

This file sits at the repository root so that it also applies when only notebooks are
collected (``pytest book/05_multiplicative_update.ipynb``).
"""

import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parent
BUILD_GROUP = "book-build"
# the test files with tests that take the built_book fixture (checked at collection)
BUILD_FILES = {"tests/book/test_book.py", "tests/book/test_solutions.py", "tests/book/test_busy_machine.py",
               "tests/browser/test_site.py", "tests/browser/test_lite.py"}
LITE_ENV = "tests/book/test_lite_env.py"
SLOW_FILES = {LITE_ENV, "tests/book/test_benchmarks_smoke.py"}
MARK_BY_FOLDER = {("tests", "package"): "package", ("tests", "book"): "book", ("tests", "browser"): "browser",
                  ("book",): "book"}


def work_unit(nodeid):
    """What the scheduler keeps on one worker: the build's files together, else the file."""
    path = nodeid.split("::", 1)[0]
    return BUILD_GROUP if path in BUILD_FILES else path


def _where(item):
    try:
        return pathlib.Path(item.path).resolve().relative_to(ROOT)
    except ValueError:  # outside the repository (pytest's own tmp paths)
        return None


def pytest_collection_modifyitems(config, items):
    order = {}
    for item in items:
        rel = _where(item)
        if rel is None:
            continue
        for folder, mark in MARK_BY_FOLDER.items():
            if rel.parts[:len(folder)] == folder:
                item.add_marker(getattr(pytest.mark, mark))
                break
        needs_build = "built_book" in getattr(item, "fixturenames", ())
        if needs_build and rel.as_posix() not in BUILD_FILES:
            raise pytest.UsageError(f"{item.nodeid} needs the book build: add {rel.as_posix()} to BUILD_FILES "
                                    "in conftest.py, so that the book is built on one worker only")
        if needs_build or rel.suffix == ".ipynb" or rel.as_posix() in SLOW_FILES:
            item.add_marker(pytest.mark.slow)
        order[item.nodeid] = {BUILD_GROUP: 0, LITE_ENV: 1}.get(work_unit(item.nodeid), 2)
    # stable: the cells of a notebook and the tests of a module keep their order
    items.sort(key=lambda it: order.get(it.nodeid, 2))


@pytest.hookimpl(optionalhook=True)  # a hook of pytest-xdist
def pytest_xdist_make_scheduler(config, log):
    from xdist.scheduler import LoadScopeScheduling

    class BuildOnOneWorker(LoadScopeScheduling):
        def _split_scope(self, nodeid):
            return work_unit(nodeid)

    return BuildOnOneWorker(config, log)
