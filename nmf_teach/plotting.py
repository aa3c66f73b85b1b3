"""Small plotting helpers, each named for what it draws.

Figures use an opaque white background so they stay readable when the website
is in dark mode.
"""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib

import numpy as np

from ._validation import as_matrix, validate_option

__all__ = ["BOOK_STYLE", "use_book_style", "heatmap", "plot_factorization", "plot_losses"]

#: The book's matplotlib settings: opaque white figures (readable when the
#: website is in dark mode), a modest resolution, and room for the frame
#: scrubbers' embedded animations.
BOOK_STYLE = {
    "figure.facecolor": "white",
    "savefig.facecolor": "white",
    "axes.facecolor": "white",
    "figure.dpi": 90,
    "axes.grid": False,
    "animation.embed_limit": 40.0,
}


def use_book_style(*, context=False):
    """Apply the book's matplotlib settings, :data:`BOOK_STYLE`.

    ``import nmf_teach`` changes nothing in matplotlib; every chapter calls this
    once in its import cell.

    Parameters
    ----------
    context : bool, default=False
        False: change matplotlib's settings for the rest of the session (what a
        chapter wants). True: return a context manager that applies them only
        inside a ``with`` block and restores the previous ones after it.

    Returns
    -------
    None or context manager

    Notes
    -----
    Used in the import cell of every chapter, first in *Why NMF*.
    """
    if context:
        return matplotlib.rc_context(BOOK_STYLE)
    matplotlib.rcParams.update(BOOK_STYLE)
    return None


def heatmap(A, *, ax=None, row_labels=None, col_labels=None, title=None, annotate=True,
            fmt=".2f", cmap="Blues", vmin=None, vmax=None, colorbar=False):
    """Draw a matrix as a labelled heatmap, with its values written in the cells.

    Parameters
    ----------
    A : array-like of shape (m, n)
    ax : matplotlib Axes, optional
    row_labels : list of str of length m, optional
    col_labels : list of str of length n, optional
    title : str, optional
    annotate : bool, default=True
        Write each entry's value in its cell.
    fmt : str, default=".2f"
    cmap : str, default="Blues"
    vmin, vmax : float, optional
    colorbar : bool, default=False

    Returns
    -------
    matplotlib Axes

    Notes
    -----
    First used in *Gradient descent*.
    """
    import matplotlib.pyplot as plt

    A = as_matrix(A, "A", allow_empty=True)
    if ax is None:
        _, ax = plt.subplots(figsize=(0.7 * A.shape[1] + 1.5, 0.45 * A.shape[0] + 1.2))
    for labels, size, which in ((row_labels, A.shape[0], "row_labels"), (col_labels, A.shape[1], "col_labels")):
        if labels is not None and len(labels) != size:
            raise ValueError(f"{which} has {len(labels)} labels but the matrix has {size} {which[:3]}s.")
    im = ax.imshow(A, cmap=cmap, vmin=vmin, vmax=vmax, aspect="auto")
    ax.set_xticks(range(A.shape[1]))
    ax.set_yticks(range(A.shape[0]))
    if col_labels is not None:
        ax.set_xticklabels(col_labels, rotation=45, ha="right")
    if row_labels is not None:
        ax.set_yticklabels(row_labels)
    if annotate and A.size:
        hi = np.nanmax(np.abs(A)) if vmax is None else vmax
        for (i, j), v in np.ndenumerate(A):
            dark = hi > 0 and abs(v) > 0.6 * hi
            ax.text(j, i, format(v, fmt), ha="center", va="center", fontsize=8,
                    color="white" if dark else "black")
    if title:
        ax.set_title(title)
    if colorbar:
        ax.figure.colorbar(im, ax=ax, fraction=0.046, pad=0.04)
    return ax


def plot_factorization(X, W, H, *, row_labels=None, col_labels=None, component_labels=None,
                       fig=None, title=None, fmt=".2f"):
    """Draw ``X ≈ W · H`` as three labelled heatmaps side by side, plus ``WH``.

    Parameters
    ----------
    X : array-like of shape (m, n)
    W : array-like of shape (m, k)
    H : array-like of shape (k, n)
    row_labels : list of str, length m, optional
        Names of the samples (rows of X and W).
    col_labels : list of str, length n, optional
        Names of the features (columns of X and H).
    component_labels : list of str, length k, optional
        Names of the components (columns of W, rows of H).
    fig : matplotlib Figure, optional
        Drawn into after clearing; a new one is made otherwise.
    title : str, optional
    fmt : str, default=".2f"

    Returns
    -------
    matplotlib Figure

    Notes
    -----
    First used in *The NMF problem*; read closely in *The pizza, chicken and burger+fries example*.
    """
    import matplotlib.pyplot as plt

    from ._validation import validate_problem

    X, W, H = validate_problem(X, W, H, nonnegative=False)
    k = W.shape[1]
    comp = component_labels if component_labels is not None else [f"c{j + 1}" for j in range(k)]
    if fig is None:
        fig = plt.figure(figsize=(12, 3.6))
    fig.clear()
    widths = [X.shape[1], k, X.shape[1], X.shape[1]]
    axes = fig.subplots(1, 4, gridspec_kw={"width_ratios": widths})
    heatmap(X, ax=axes[0], row_labels=row_labels, col_labels=col_labels, title="X (data)", fmt=fmt)
    heatmap(W, ax=axes[1], row_labels=row_labels, col_labels=comp, title="W (weights)", fmt=fmt)
    heatmap(H, ax=axes[2], row_labels=comp, col_labels=col_labels, title="H (components)", fmt=fmt)
    heatmap(W @ H, ax=axes[3], row_labels=row_labels, col_labels=col_labels, title="WH (reconstruction)",
            fmt=fmt, vmin=0, vmax=max(X.max(), 1e-12))
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_losses(runs, *, ax=None, x="iteration", logy=True, title=None):
    """Loss curves of several runs on one axis.

    Parameters
    ----------
    runs : dict of str -> NMFResult or array-like
        Label to a result of :func:`nmf_teach.solvers.nmf` (or a plain sequence of losses).
    ax : matplotlib Axes, optional
    x : {"iteration", "time"}, default="iteration"
        "time" needs results, which carry ``.times`` in seconds.
    logy : bool, default=True
    title : str, optional

    Returns
    -------
    matplotlib Axes

    Raises
    ------
    TypeError
        If ``runs`` is not a dict, or ``x`` is not a string.
    ValueError
        If ``x`` is not "iteration" or "time".

    Notes
    -----
    First used in *Gradient descent*; explained in *Gradient descent vs multiplicative update*.
    """
    import matplotlib.pyplot as plt

    if not isinstance(runs, Mapping):
        raise TypeError(
            f"runs must be a dict from label to run, e.g. {{'MU': result}}, got {type(runs).__name__}."
        )
    validate_option(x, ("iteration", "time"), "x")
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.5))
    for label, run in runs.items():
        losses = np.asarray(getattr(run, "losses", run), dtype=float)
        if x == "time":
            if not hasattr(run, "times"):
                raise TypeError(f"run {label!r} has no .times; pass an NMFResult to plot against time.")
            xs = run.times
        else:
            xs = np.arange(len(losses))
        ax.plot(xs, losses, label=label)
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel("iteration" if x == "iteration" else "time in updates (s)")
    ax.set_ylabel(r"loss $\|X - WH\|_F^2$")
    if title:
        ax.set_title(title)
    ax.legend()
    return ax
