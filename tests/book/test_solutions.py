"""The code in every exercise solution runs, after its chapter, from another directory.

nbval runs the chapters' cells; the solutions sit in markdown dropdowns that nbval
never sees. This test appends each chapter's solution code blocks to the chapter
and executes the whole notebook in a fresh kernel whose working directory is a
temporary folder, so it also proves the chapter does not depend on where it runs.
"""

import re

import nbformat
import pytest
from nbclient import NotebookClient

import booktools

NOTEBOOKS = booktools.book_notebooks()
SOLUTION = re.compile(r"(`{3,}|:{3,})\{solution\}[^\n]*\n(.*?)\n\1(?!`)", re.S)
PYTHON = re.compile(r"```python\n(.*?)```", re.S)


def solution_code(nb):
    blocks = []
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        for _, body in SOLUTION.findall(cell.source):
            blocks += PYTHON.findall(body)
    return blocks


def test_solutions_are_found():
    assert sum(len(solution_code(nbformat.read(p, as_version=4))) for p in NOTEBOOKS) >= len(NOTEBOOKS)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_solution_code_runs_after_its_chapter(path, tmp_path):
    nb = nbformat.read(path, as_version=4)
    blocks = solution_code(nb)
    assert blocks, f"{path.name}: no ```python block in any solution (every chapter has a code exercise)"
    for code in blocks:
        nb.cells.append(nbformat.v4.new_code_cell(code))
    NotebookClient(nb, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
