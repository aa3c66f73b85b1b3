"""Numbers in the prose come from the computation: :func:`glue`.

A sentence of the book that states a measured number takes it from the cell
that computed it, with myst-nb's ``glue`` (the page writes
``{glue:text}`name:.3g``` where the number goes). Outside the book build
(Colab, JupyterLite, a plain Jupyter without myst-nb) there is no page to put
it in, so :func:`glue` then does nothing and the chapter still runs.

Explained in the introduction (*How to read this book*).
"""

from __future__ import annotations

__all__ = ["glue"]


def glue(name, value, *, display=False):
    """Make ``value`` available to the page's prose as ``{glue:text}`name```.

    Parameters
    ----------
    name : str
        The key the markdown refers to.
    value : object
        A number, a string, or anything myst-nb can glue.
    display : bool, default=False
        Also show the value in the cell's output.

    Returns
    -------
    None
        Nothing, so that a cell ending with a glue call shows no stray number.
        A numpy scalar is glued as the Python number it holds (myst-nb formats
        those with a format spec such as ``:.3g``).

    Raises
    ------
    TypeError
        If ``name`` is not a string.
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be a string (the key used in the text), got {type(name).__name__}.")
    if hasattr(value, "item") and getattr(value, "shape", None) == ():
        value = value.item()  # a numpy scalar: myst-nb formats Python numbers with a format spec
    try:
        from myst_nb import glue as _glue
    except ImportError:  # no myst-nb: nothing will read the value
        return None
    _glue(name, value, display=display)
    return None
