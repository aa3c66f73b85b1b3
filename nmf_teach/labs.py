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
    "**Student version.** This notebook was generated from the instructor version of the lab (by "
    "`python -m nmf_teach.labs` or `python -m nmf_teach.grading release`). In each task, the code you write "
    "replaces the line `raise NotImplementedError(\"Task ...\")`. Run the cell, then run the check below it: "
    "`nt.checks.check_...` tries your function on cases of its own and tells you what is wrong, or prints ✓ "
    "when it is right. Work through the tasks in order; a later task may use an earlier one. When your "
    "lab is graded, each check counts, and the cell after it (\"Hidden tests\") runs more cases of the same "
    "check: do not delete or change those cells. The links lead to the book's website."
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


def repository_url():
    """The book's repository address, read from the ``_config.yml`` of the clone the labs come from.

    ``_config.yml`` (``repository: url:``) is the one place the address is written; the labs'
    folder is found as :func:`find_labs` finds it, and the configuration sits two levels up.
    """
    import yaml

    config = find_labs().parents[1] / "_config.yml"
    if not config.is_file():
        raise FileNotFoundError(f"{config} is missing: the book's repository address is read from it.")
    return yaml.safe_load(config.read_text(encoding="utf-8"))["repository"]["url"].rstrip("/")


def site_url():
    """The book's website (GitHub Pages of :func:`repository_url`); student copies link to its pages."""
    owner, name = repository_url().split("github.com/", 1)[1].split("/")[:2]
    return f"https://{owner}.github.io/{name}"


def __getattr__(name):
    """``labs.SITE`` and ``labs.REPOSITORY``: the addresses, derived from ``_config.yml`` when asked for."""
    if name == "SITE":
        return site_url()
    if name == "REPOSITORY":
        return repository_url()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

#: How a student copy names a citation (the website's bibliography holds the full entry).
CITATIONS = {
    "src000": "source 000", "src001": "source 001", "src002": "source 002", "src003": "source 003",
    "lee2001algorithms": "Lee and Seung 2001", "pedregosa2011scikit": "Pedregosa et al. 2011",
    "koren2009matrix": "Koren, Bell and Volinsky 2009",
}

def sources_note():
    """The parenthesis a student copy adds where a lab first names "source 001" (the sources explained)."""
    return (" (the book follows four blog posts, sources 000 to 003; source 001 is a Korean post on the "
            f"basic theory of NMF, see [the notes on the sources]({site_url()}/book/notes_on_sources.html))")


def _labels(book):
    """Every MyST target ``(label)=`` and ``:label:`` of the book's pages: label -> page path (no suffix)."""
    import re

    found = {}
    for path in sorted(book.rglob("*")):
        if path.suffix not in (".ipynb", ".md") or "_build" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        page = path.relative_to(book.parent).with_suffix("").as_posix()
        for label in re.findall(r"\(([\w-]+)\)=", text) + re.findall(r":label: *([\w-]+)", text):
            found.setdefault(label, page)
    return found


def _titles(book):
    """The title (first ``# `` heading) of every page of the book: page path (no suffix) -> title."""
    import re

    found = {}
    for path in sorted(book.rglob("*")):
        if path.suffix not in (".ipynb", ".md") or "_build" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".ipynb":
            cells = json.loads(text)["cells"]
            text = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
        m = re.search(r"^# (.+)$", text, re.M)
        if m:
            found[path.relative_to(book.parent).with_suffix("").as_posix()] = m.group(1).strip()
    return found


def _page_url(target, here="book/labs"):
    import posixpath

    return f"{site_url()}/{posixpath.normpath(posixpath.join(here, target))}.html"


def plain_markdown(text, labels=None):
    """Markdown that plain Jupyter and Colab render: MyST roles and fences of ``text`` turned into links.

    ``{doc}``, ``{ref}``, ``{prf:ref}``, ``{eq}`` and ``{cite}`` become links to the website's pages
    (``labels`` maps a MyST label to its page, and a page to its title, the text of a bare ``{doc}``),
    ``(label)=`` targets are dropped, and an ``{exercise}`` fence becomes its bold title and body.
    """
    import re

    labels = labels if labels is not None else {}
    site = site_url()

    def role(m):
        kind, body = m.group(1), m.group(2)
        kind = "cite" if kind.startswith("cite") else kind
        t = re.fullmatch(r"(.*?)\s*<([^>]+)>", body, re.S)
        shown, target = (t.group(1), t.group(2)) if t else (None, body)
        if kind == "doc":
            import posixpath

            page = posixpath.normpath(posixpath.join("book/labs", target))
            return f"[{shown or labels.get(page) or target.split('/')[-1]}]({_page_url(target)})"
        if kind == "cite":
            keys = [k.strip() for k in target.split(",")]
            return "(" + "; ".join(f"[{CITATIONS.get(k, k)}]({site}/book/bibliography.html)" for k in keys) + ")"
        page = labels.get(target)
        url = f"{site}/{page}.html#{target}" if page else f"{site}/book/intro.html"
        if kind == "eq":
            return f"[({shown or 'equation'})]({url})"
        return f"[{shown or target.replace('-', ' ')}]({url})"

    text = re.sub(r"\{(doc|ref|prf:ref|eq|numref|cite|cite:p|cite:t)\}`([^`]*)`",
                  role, text)
    text = re.sub(r"^\([\w-]+\)=\n", "", text, flags=re.M)

    def fence(m):
        body = re.sub(r"^:[\w-]+:.*\n", "", m.group(3), flags=re.M).strip("\n")
        return f"**{m.group(2).strip()}**\n\n{body}"

    text = re.sub(r"^(`{3,})\{exercise\}([^\n]*)\n(.*?)^\1\s*$", fence, text, flags=re.S | re.M)
    return text


def _drop_web_only(text):
    import re

    lines = [ln for ln in text.split("\n") if not ln.lstrip("- ").startswith("**Student version:**")]
    text = "\n".join(lines)
    # the sentence that says the solutions sit folded on the website
    return re.sub(r"On the website the code cell under a task holds\s+the solution, folded: open it only after\s+"
                  r"trying\.\s*", "", text)




def install_cell_source(version=None):
    """The first cell of a student copy: installs nmf_teach ``version`` on Colab and in JupyterLite only.

    The instructor labs on the website install the package of the website's own commit; a student copy
    is pinned to the release it was generated from (the tag ``v<version>`` of the repository on Colab,
    ``nmf_teach==<version>`` from the website's package index in JupyterLite), so that the checks
    cannot change in the middle of a term.
    """
    from . import __version__

    version = version or __version__
    return (
        f"# On Colab and in JupyterLite only: install nmf_teach {version}, the version this lab was released "
        "with (this cell does nothing elsewhere).\n"
        "import sys\n"
        "\n"
        'if "google.colab" in sys.modules:\n'
        f'    %pip install --quiet "nmf_teach @ git+{repository_url()}@v{version}"\n'
        'elif sys.platform == "emscripten":  # JupyterLite: from the website\'s own package index\n'
        f'    %pip install "nmf_teach=={version}"'
    )


def is_discussion(cell):
    """Whether ``cell`` is the discussion of a solution (a ``{solution}`` dropdown): not in a student copy."""
    return cell.cell_type == "markdown" and cell.source.lstrip().startswith("````{solution}")


def prepare_student_text(nb, labels=None):
    """The instructor notebook ``nb`` (changed in place) made readable outside the website.

    Discussion dropdowns removed, MyST turned into plain Markdown links, the website-only lines
    dropped, "source 001" explained at its first mention, and the student notice after the title.
    Solution and hidden-test regions are left for nbgrader to clear.
    """
    import nbformat

    if labels is None:
        book = find_labs().parent
        labels = {**_labels(book), **_titles(book)}
    cells, explained = [], False
    for cell in nb.cells:
        if is_discussion(cell):
            continue
        if cell.cell_type == "code" and "colab-install" in cell.metadata.get("tags", []):
            cell.source = install_cell_source()
        if cell.cell_type == "markdown":
            text = plain_markdown(_drop_web_only(cell.source), labels)
            if not explained and "source 00" in text:
                i = text.index("source 00") + len("source 00") + 1
                text = text[:i] + sources_note() + text[i:]
                explained = True
            cell.source = text
        cells.append(cell)
    nb.cells = cells
    if not any(c.get("id") == "student-version-notice" for c in nb.cells):
        title = next(i for i, c in enumerate(nb.cells) if c.cell_type == "markdown")
        notice = nbformat.v4.new_markdown_cell(NOTICE)
        notice["id"] = "student-version-notice"
        nb.cells.insert(title + 1, notice)
    return nb


def _clear_solutions_class():
    from nbgrader.preprocessors import ClearSolutions

    class TaskStubs(ClearSolutions):
        """nbgrader's ClearSolutions with a stub that names the cell's task (its ``lab_task`` metadata)."""

        def preprocess_cell(self, cell, resources, index):
            task = cell.metadata.get(TASK_KEY)
            if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("solution"):
                if not task:
                    raise ValueError(f"Solution cell {index} (id {cell.get('id')}) has no {TASK_KEY!r} metadata "
                                     "naming its task.")
                if "BEGIN SOLUTION" not in cell.source:
                    raise ValueError(f"Solution cell {index} ({task}) has no ### BEGIN SOLUTION / ### END "
                                     "SOLUTION region: only the code between the markers is replaced.")
                self.code_stub = {"python": _stub(task)}
            cell, resources = super().preprocess_cell(cell, resources, index)
            cell.metadata.pop(TASK_KEY, None)
            tags = [t for t in cell.metadata.get("tags", []) if t != "hide-input"]
            if tags:
                cell.metadata["tags"] = tags
            else:
                cell.metadata.pop("tags", None)
            return cell, resources

    return TaskStubs


def _student_text_class():
    from nbgrader.preprocessors import NbGraderPreprocessor

    class StudentText(NbGraderPreprocessor):
        """First step of ``nbgrader generate_assignment``: :func:`prepare_student_text`."""

        def preprocess(self, nb, resources):
            return prepare_student_text(nb), resources

    return StudentText


def student_version(nb):
    """The student version of an instructor lab notebook.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        An instructor notebook (it is not changed).

    Returns
    -------
    nbformat.NotebookNode
        What ``nbgrader generate_assignment`` releases (:mod:`nmf_teach.grading`): solution
        regions replaced by ``raise NotImplementedError("<task>")``, hidden tests removed,
        discussion dropdowns removed, MyST turned into links to the website, outputs cleared,
        a notice after the title.

    Raises
    ------
    ValueError
        If a code solution cell has no ``lab_task`` metadata or no
        ``### BEGIN SOLUTION`` / ``### END SOLUTION`` region.
    """
    import nbformat
    from nbconvert.preprocessors import ClearOutputPreprocessor
    from nbgrader.preprocessors import ClearHiddenTests

    nb = prepare_student_text(copy.deepcopy(nb))
    resources = {"language": "python"}
    clear = _clear_solutions_class()(enforce_metadata=True)
    hidden = ClearHiddenTests()
    for index, cell in enumerate(nb.cells):
        cell, _ = clear.preprocess_cell(cell, resources, index)
        cell, _ = hidden.preprocess_cell(cell, resources, index)
        nb.cells[index] = cell
    nb, _ = ClearOutputPreprocessor().preprocess(nb, {})
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
