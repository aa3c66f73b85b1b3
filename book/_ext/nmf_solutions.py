"""The code of every exercise solution runs in the build, after its chapter (registered in _config.yml).

A solution sits in a markdown ``{solution}`` dropdown, so neither nbval nor the build
would ever run its code. This extension appends each ```` ```python ```` block of a
notebook's solutions to the notebook the build executes, as hidden code cells
(``remove-cell``, so the page does not change), after the chapter's last cell: the
build (``execute_notebooks: cache``, ``run_in_temp: true``) then runs every solution
from a temporary directory, fails on an error (``allow_errors: false`` and ``-W``),
and writes the executed cells to ``_build/jupyter_execute/``, where
``tests/book/test_solutions.py`` reads them. jupyter-cache hashes the code cells, so
a changed solution re-executes its chapter, and only then.

The notebook on disk, its download from the website (Sphinx copies the file, not
this text) and the JupyterLite copy are unchanged. :func:`with_solutions` is the one
definition of "the notebook the build executes", also used by the tests.
"""

import copy
import re

import nbformat

SOLUTION = re.compile(r"(`{3,}|:{3,})\{solution\}[^\n]*\n(.*?)\n\1(?!`)", re.S)
PYTHON = re.compile(r"```python\n(.*?)```", re.S)
TAG = "nmf-solution"


def solution_code(nb):
    """The ```` ```python ```` blocks of the notebook's ``{solution}`` dropdowns, in order."""
    blocks = []
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        for _, body in SOLUTION.findall(cell.source):
            blocks += PYTHON.findall(body)
    return blocks


def with_solutions(nb):
    """A copy of ``nb`` with each solution block appended as a hidden code cell (tag ``nmf-solution``)."""
    out = copy.deepcopy(nb)
    for i, code in enumerate(solution_code(nb), start=1):
        out.cells.append(nbformat.v4.new_code_cell(
            code, id=f"{TAG}-{i}", metadata={"tags": ["remove-cell", TAG]}))
    return out


def _append_solutions(app, docname, source):
    if not str(app.env.doc2path(docname)).endswith(".ipynb"):
        return
    nb = nbformat.reads(source[0], as_version=4)
    if solution_code(nb):
        source[0] = nbformat.writes(with_solutions(nb))


def setup(app):
    app.connect("source-read", _append_solutions)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
