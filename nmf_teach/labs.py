"""Student versions of the lab notebooks, generated from the instructor versions.

Explained in the *Instructor guide* (``book/instructor_guide.md``).

The instructor notebooks ``book/labs/lab_*.ipynb`` hold the solutions. Each
task's solution code sits in a code cell marked as an nbgrader *solution cell*
(cell metadata ``nbgrader.solution = true``) between nbgrader's markers::

    def mu_step(X, W, H):
        ### BEGIN SOLUTION
        ...
        ### END SOLUTION

and the cell's metadata ``lab_task`` names the task ("Task 2: write
mu_step(X, W, H)"). The discussion of a solution (a ``{solution}`` dropdown) is a
markdown solution cell. One command writes the student version of every lab::

    python -m nmf_teach.labs OUTDIR

nbgrader's own :class:`~nbgrader.preprocessors.ClearSolutions` replaces each
marked region by a stub that raises ``NotImplementedError("Task N: ...")``
(the code stub is set per cell, so the stub names its task) and removes the
markdown solution cells; nbconvert's ``ClearOutputPreprocessor`` strips outputs.
Everything else, the Colab install cell, the task statements and the checks
(``nt.checks.check_...``), is kept. The student versions are never edited by
hand: change the instructor notebook and generate again.

The labs are found in the repository, not in the installed package: the
command looks for ``book/labs`` above the working directory, then next to the
package (an editable install), or takes ``--source DIR``. Run it inside a clone
of the repository.
"""

from __future__ import annotations

import argparse
import copy
import json
import pathlib
import sys

__all__ = ["find_labs", "lab_notebooks", "student_version", "write_student_labs", "main"]

#: The cell metadata key that names a solution cell's task; its text goes into the stub.
TASK_KEY = "lab_task"

NOTICE = (
    "**Student version.** This notebook was generated from the instructor version by "
    "`python -m nmf_teach.labs`. In each task, the code you write replaces the line "
    "`raise NotImplementedError(\"Task ...\")`. Run the cell, then run the check below it: "
    "`nt.checks.check_...` tries your function on cases of its own and tells you what is "
    "wrong, or prints ✓ when it is right. Work through the tasks in order; a later task "
    "may use an earlier one."
)


def find_labs(source=None):
    """The folder of the instructor lab notebooks.

    Parameters
    ----------
    source : path-like, optional
        The folder itself. Without it, ``book/labs`` is searched in the working
        directory and its parents (a clone of the repository), then next to the
        package (an editable install).

    Returns
    -------
    pathlib.Path

    Raises
    ------
    FileNotFoundError
        If no such folder holds a ``lab_*.ipynb`` notebook.
    """
    if source is not None:
        folder = pathlib.Path(source)
        if not folder.is_dir() or not any(folder.glob("lab_*.ipynb")):
            raise FileNotFoundError(f"{folder} holds no lab notebook (lab_*.ipynb).")
        return folder.resolve()
    here = pathlib.Path.cwd().resolve()
    package_root = pathlib.Path(__file__).resolve().parent.parent
    for base in (here, *here.parents, package_root):
        folder = base / "book" / "labs"
        if folder.is_dir() and any(folder.glob("lab_*.ipynb")):
            return folder
    raise FileNotFoundError(
        "No book/labs folder with lab notebooks was found above the working directory or next to "
        "the nmf_teach package. Run the command inside a clone of the book's repository, or pass "
        "--source path/to/book/labs."
    )


def lab_notebooks(source=None):
    """The instructor lab notebooks, in order (``lab_01_...``, ``lab_02_...``, ...)."""
    return sorted(find_labs(source).glob("lab_*.ipynb"))


def _stub(task):
    return f"raise NotImplementedError({json.dumps(task, ensure_ascii=False)})"


def student_version(nb):
    """The student version of an instructor lab notebook.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        An instructor notebook (it is not changed).

    Returns
    -------
    nbformat.NotebookNode
        Solution regions replaced by ``raise NotImplementedError("<task>")``,
        markdown solution cells removed, outputs cleared, a notice after the
        title; everything else as in ``nb``.

    Raises
    ------
    ValueError
        If a code solution cell has no ``lab_task`` metadata or no
        ``### BEGIN SOLUTION`` / ``### END SOLUTION`` region.
    """
    import nbformat
    from nbconvert.preprocessors import ClearOutputPreprocessor
    from nbgrader.preprocessors import ClearSolutions

    nb = copy.deepcopy(nb)
    resources = {"language": "python"}
    cells = []
    for index, cell in enumerate(nb.cells):
        if not cell.metadata.get("nbgrader", {}).get("solution", False):
            cells.append(cell)
            continue
        if cell.cell_type == "markdown":
            continue  # the discussion of a solution: not for the student version
        task = cell.metadata.get(TASK_KEY)
        if not task:
            raise ValueError(f"Solution cell {index} (id {cell.get('id')}) has no {TASK_KEY!r} metadata "
                             "naming its task.")
        if "BEGIN SOLUTION" not in cell.source:
            raise ValueError(f"Solution cell {index} ({task}) has no ### BEGIN SOLUTION / ### END SOLUTION "
                             "region: only the code between the markers is replaced.")
        clear = ClearSolutions(code_stub={"python": _stub(task)}, enforce_metadata=True)
        cell, _ = clear.preprocess_cell(cell, resources, index)
        del cell.metadata[TASK_KEY]
        tags = [t for t in cell.metadata.get("tags", []) if t != "hide-input"]
        if tags:
            cell.metadata["tags"] = tags
        else:
            cell.metadata.pop("tags", None)
        cells.append(cell)
    nb.cells = cells
    nb, _ = ClearOutputPreprocessor().preprocess(nb, {})
    title = next(i for i, c in enumerate(nb.cells) if c.cell_type == "markdown")
    notice = nbformat.v4.new_markdown_cell(NOTICE)
    notice["id"] = "student-version-notice"
    nb.cells.insert(title + 1, notice)
    nbformat.validate(nb)
    return nb


def write_student_labs(outdir, source=None):
    """Write the student version of every lab into ``outdir`` (created if needed).

    Parameters
    ----------
    outdir : path-like
    source : path-like, optional
        The folder of the instructor labs; see :func:`find_labs`.

    Returns
    -------
    list of pathlib.Path
        The notebooks written, with the instructor notebooks' file names.
    """
    import nbformat

    outdir = pathlib.Path(outdir)
    paths = lab_notebooks(source)
    if outdir.resolve() == paths[0].parent.resolve():
        raise ValueError(f"OUTDIR {outdir} is the folder of the instructor labs; choose another folder.")
    outdir.mkdir(parents=True, exist_ok=True)
    written = []
    for path in paths:
        nb = student_version(nbformat.read(path, as_version=4))
        target = outdir / path.name
        target.write_text(nbformat.writes(nb, version=4) + "\n", encoding="utf-8")
        written.append(target)
    return written


def main(argv=None):
    """``python -m nmf_teach.labs OUTDIR [--source DIR]``: write the student labs into OUTDIR."""
    parser = argparse.ArgumentParser(
        prog="python -m nmf_teach.labs",
        description="Write the student version of every lab notebook (solutions replaced by stubs).",
    )
    parser.add_argument("outdir", help="folder for the student notebooks (created if needed)")
    parser.add_argument("--source", help="folder of the instructor labs (default: book/labs of this repository)")
    args = parser.parse_args(argv)
    try:
        written = write_student_labs(args.outdir, args.source)
    except (FileNotFoundError, ValueError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    for path in written:
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":  # pragma: no cover - exercised through a subprocess in tests/test_labs.py
    sys.exit(main())
