"""nmf_teach: the helper package of the book *NMF, Step by Step*.

Notation throughout: X (m × n, rows are samples) ≈ W (m × k) H (k × n), as in
scikit-learn. Use it as ``import nmf_teach as nt`` and write
``nt.<module>.<name>`` (or ``from nmf_teach.<module> import <name>``): the
package's namespace holds its modules and ``__version__``, nothing else, so
every name is spelled one way and says where it lives. A module is imported
the first time it is used (``nt.distributed`` imports Dask, ``nt.topics``
reads its corpus only then). One module per idea the book teaches:

Core algorithms
    :mod:`~nmf_teach.linalg`          traces, Frobenius norms, Hadamard operations, the guarded division, gradient checks
    :mod:`~nmf_teach.objective`       the loss ‖X − WH‖²_F, its gradients, scikit-learn's objective, the KKT residual
    :mod:`~nmf_teach.updates`         single updates: GD, projected GD, MU, HALS, their data-driven rates, one iteration
    :mod:`~nmf_teach.solvers`         initialization and :func:`~nmf_teach.solvers.nmf`, the whole solver (one loop for every method)
    :mod:`~nmf_teach.masked`          missing entries: the masked loss and its multiplicative updates
    :mod:`~nmf_teach.divergence`      the Kullback–Leibler and β-divergences and their multiplicative updates
    :mod:`~nmf_teach.regularization`  scikit-learn's L1/L2 penalties: the penalized objective, its gradients, fits
    :mod:`~nmf_teach.distributed`     MU on a Dask array chunked by rows, for an X beyond one machine

Teaching aids
    :mod:`~nmf_teach.toy_descent`     plain gradient descent on toy functions of one or two variables
    :mod:`~nmf_teach.derivation`      the MU derivation as checked lines, each verified numerically
    :mod:`~nmf_teach.cost`            flop counts of one iteration and timing with its spread
    :mod:`~nmf_teach.loss_curves`     loss-versus-time curves of several solvers from one start
    :mod:`~nmf_teach.uniqueness`      comparing solutions up to permutation and scaling
    :mod:`~nmf_teach.nmf_vs_pca`      NMF against PCA/SVD and k-means: signs, sparsity, overlap, storage
    :mod:`~nmf_teach.rank_selection`  choosing k: the SVD floor, held-out error, consensus and cophenetic correlation

Applications
    :mod:`~nmf_teach.recommend`       recommendation: the held-out split, baselines (means, user kNN), explained top-N
    :mod:`~nmf_teach.images`          images as matrices: PSNR, grey levels, downsampling, tiles of components
    :mod:`~nmf_teach.audio`           sound: a synthesized score, spectrograms, resynthesis, playable players
    :mod:`~nmf_teach.topics`          text: a corpus of standard-library docstrings, top words of topics
    :mod:`~nmf_teach.clustering`      NMF as clustering: shares, labels, k-means as orthogonal NMF

Book and course tooling
    :mod:`~nmf_teach.data`            the food-order toy matrix, planted data, planted ratings, digits
    :mod:`~nmf_teach.plotting`        the book's figure style, labelled heatmaps and loss curves
    :mod:`~nmf_teach.widgets`         live widgets and their kernel-free frame scrubbers
    :mod:`~nmf_teach.prose`           glue: computed numbers into the text of a page
    :mod:`~nmf_teach.checks`          lab checks that say what is wrong in a student's function
    :mod:`~nmf_teach.labs`            student versions of the labs (``python -m nmf_teach.labs OUTDIR``)
    :mod:`~nmf_teach.grading`         the nbgrader workflow: release, collect, autograde, grades CSV, feedback

Two private modules serve the others and are not for chapters:
``_kernels`` (the unchecked arithmetic of every update rule and the one
iteration driver) and ``_validation`` (the argument checks, declared per
function with ``validate_params``; ``validate_random_state`` is the one way
randomness comes in: ``None`` is fresh randomness, an int reproduces a run).

Importing the package changes no global setting; call
:func:`nmf_teach.plotting.use_book_style` for the book's figure style.
"""

import importlib as _importlib

#: The package version; ``pyproject.toml`` reads it from here.
__version__ = "0.2.0"

#: The public modules, by group (the package docstring says what each holds).
_MODULE_GROUPS = {
    "core algorithms": ("linalg", "objective", "updates", "solvers", "masked", "divergence", "regularization",
                        "distributed"),
    "teaching aids": ("toy_descent", "derivation", "cost", "loss_curves", "uniqueness", "nmf_vs_pca",
                      "rank_selection"),
    "applications": ("recommend", "images", "audio", "topics", "clustering"),
    "book and course tooling": ("data", "plotting", "widgets", "prose", "checks", "labs", "grading"),
}
_MODULES = frozenset(m for group in _MODULE_GROUPS.values() for m in group)

__all__ = ["__version__", *sorted(_MODULES)]


def __getattr__(name):
    """Import one of the modules listed in ``_MODULE_GROUPS`` on first use; nothing else is here."""
    if name in _MODULES:
        return _importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(
        f"module {__name__!r} has no attribute {name!r}; the package holds its modules only: write "
        f"nt.<module>.<name>, one of {sorted(_MODULES)}"
    )


def __dir__():
    return sorted(set(globals()) | _MODULES)
