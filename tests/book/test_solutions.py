"""The code in every exercise solution runs, after its chapter, from another directory.

nbval runs the chapters' cells; the solutions sit in markdown dropdowns that nbval never
sees. The book build runs them: ``book/_ext/nmf_solutions.py`` appends each chapter's
solution code blocks to the notebook the build executes, as hidden cells, and the build
executes it from a temporary directory (``run_in_temp``), which also proves the chapter
does not depend on where it runs. These tests read what the build produced
(``_build/jupyter_execute/``): no extra execution.
"""

import nbformat
import pytest
import yaml

import booktools
import nmf_solutions

NOTEBOOKS = booktools.book_notebooks()


def test_solutions_are_found():
    found = {p.name: len(nmf_solutions.solution_code(nbformat.read(p, as_version=4))) for p in NOTEBOOKS}
    assert all(found.values()), f"no ```python block in any solution (every chapter has a code exercise): {found}"


def test_the_build_runs_notebooks_from_a_temporary_directory(root):
    execute = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))["execute"]
    assert execute["run_in_temp"] is True and execute["allow_errors"] is False
    assert "nmf_solutions" in yaml.safe_load((root / "_config.yml").read_text())["sphinx"]["local_extensions"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_solution_code_ran_after_its_chapter_in_the_build(path, built_book, root):
    from jupyter_cache import get_cache

    source = nbformat.read(path, as_version=4)
    blocks = nmf_solutions.solution_code(source)
    executed_path = built_book["executed"] / path.relative_to(root)
    assert executed_path.exists(), f"the build wrote no executed copy of {path.name}"
    executed = nbformat.read(executed_path, as_version=4)
    n = len(source.cells)
    assert [c.source for c in executed.cells[:n]] == [c.source for c in source.cells], (
        f"{executed_path} is not this checkout's {path.name} (a stale build?)")
    appended = executed.cells[n:]
    assert [c.source for c in appended] == blocks, f"{path.name}: the build did not run exactly its solutions"
    assert all(nmf_solutions.TAG in c.metadata.get("tags", []) for c in appended)
    # myst-nb stores an execution in jupyter-cache only when every cell ran without an error
    # (allow_errors: false); a cell with an error stops the execution there
    try:
        get_cache(str(built_book["cache"])).match_cache_notebook(nmf_solutions.with_solutions(source))
    except KeyError:
        pytest.fail(f"the build has no successful execution of {path.name} with its solutions", pytrace=False)
    for i, cell in enumerate(appended, start=1):
        errors = [o for o in cell.outputs if o.output_type == "error"]
        assert not errors, f"{path.name}: solution block {i} failed: {errors[0].ename}: {errors[0].evalue}"
