"""Tools that keep the book's notebooks in shape (for authors, not readers).

- :func:`write_notebook` writes a chapter from a list of cells, without outputs,
  with the standard Colab cell first.
- :func:`clean_notebooks` strips outputs and execution counts and re-stamps the
  Colab cell with the address in ``_config.yml``.

An authors' tool, not part of the ``nmf_teach`` package readers install. Run
``.venv/bin/python tools/booktools.py`` (from anywhere) to clean every notebook
in ``book/``. Notebooks are read and written with :mod:`nbformat` (which
validates them) and cleared with nbconvert's ``ClearOutputPreprocessor``. The repository address is written once, as
``repository.url`` in ``_config.yml``; everything else derives from it.
"""

from __future__ import annotations

import pathlib
import sys

import nbformat

__all__ = [
    "repo_root",
    "repository_url",
    "colab_cell_source",
    "md",
    "code",
    "write_notebook",
    "clean_notebook",
    "clean_notebooks",
    "book_notebooks",
]

COLAB_TAG = "colab-install"


def repo_root(start=None):
    """The repository root: the nearest folder upward that holds ``_config.yml``."""
    here = pathlib.Path(start or pathlib.Path.cwd()).resolve()
    for p in (here, *here.parents):
        if (p / "_config.yml").exists() and (p / "nmf_teach").is_dir():
            return p
    here = pathlib.Path(__file__).resolve().parent.parent
    if (here / "_config.yml").exists():
        return here
    raise FileNotFoundError("No _config.yml found above the working directory or the package.")


def repository_url(root=None):
    """``repository.url`` from ``_config.yml``."""
    import yaml

    cfg = yaml.safe_load((repo_root(root) / "_config.yml").read_text(encoding="utf-8"))
    return cfg["repository"]["url"].rstrip("/")


def colab_cell_source(url):
    """The guarded first cell: installs nmf_teach on Colab and in JupyterLite, and only there.

    On Colab from the repository at ``url``; in the book's JupyterLite site (Pyodide, where
    ``sys.platform`` is ``"emscripten"``) from the site's own package index, which
    ``tools/build_lite.py`` fills with the wheel of the checkout the site was built from
    (NumPy, SciPy, Matplotlib and scikit-learn then come with Pyodide).
    """
    return (
        "# On Colab and in JupyterLite only: install the book's helper package (this cell does nothing elsewhere).\n"
        "import sys\n"
        "\n"
        'if "google.colab" in sys.modules:\n'
        f'    %pip install --quiet "nmf_teach @ git+{url}"\n'
        'elif sys.platform == "emscripten":  # JupyterLite: from the website\'s own package index\n'
        "    %pip install nmf_teach"
    )


def md(source):
    """A markdown cell."""
    return nbformat.v4.new_markdown_cell(source.strip("\n"))


def code(source, *, tags=(), alt=None, **metadata):
    """A code cell without outputs.

    Parameters
    ----------
    source : str
    tags : sequence of str
        Cell tags, e.g. ``["remove-output"]`` for a live widget or
        ``["hide-input"]``.
    alt : str, optional
        Alt text for the image the cell outputs (myst-nb ``image.alt``).
    **metadata
        Other cell metadata.
    """
    meta = dict(metadata)
    if tags:
        meta["tags"] = list(tags)
    if alt:
        meta.setdefault("mystnb", {}).setdefault("image", {})["alt"] = alt
    return nbformat.v4.new_code_cell(source.strip("\n"), metadata=meta)


def _colab(url):
    return code(colab_cell_source(url), tags=["remove-cell", COLAB_TAG])


def write_notebook(path, cells, *, root=None):
    """Write a chapter notebook: the Colab cell, then ``cells``; no outputs."""
    nb = nbformat.v4.new_notebook(
        cells=[_colab(repository_url(root))] + list(cells),
        metadata={
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
    )
    _dump(pathlib.Path(path), nb)


def _dump(path, nb):
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i}"  # unique and stable: nbformat 4.5 refuses duplicate ids
    nbformat.validate(nb)
    path.write_text(nbformat.writes(nb, version=4) + "\n", encoding="utf-8")


def clean_notebook(path, url):
    """Strip outputs and execution counts; put the current Colab cell first."""
    from nbconvert.preprocessors import ClearOutputPreprocessor

    path = pathlib.Path(path)
    nb = nbformat.read(path, as_version=4)
    nb, _ = ClearOutputPreprocessor().preprocess(nb, {})
    nb.cells = [_colab(url)] + [c for c in nb.cells if COLAB_TAG not in c.get("metadata", {}).get("tags", [])]
    _dump(path, nb)


def book_notebooks(root=None):
    """Every notebook under ``book/``, build copies and checkpoints excluded."""
    book = repo_root(root) / "book"
    return sorted(
        p for p in book.rglob("*.ipynb") if "_build" not in p.parts and ".ipynb_checkpoints" not in p.parts
    )


def clean_notebooks(root=None):
    """Clean every notebook of the book; returns their paths."""
    url = repository_url(root)
    paths = book_notebooks(root)
    for p in paths:
        clean_notebook(p, url)
    return paths


if __name__ == "__main__":  # pragma: no cover
    for p in clean_notebooks():
        print(f"cleaned {p}")
    sys.exit(0)
