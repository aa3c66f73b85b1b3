"""nmf_teach: the helper package of the book *NMF, Step by Step*.

Notation throughout: X (m × n, rows are samples) ≈ W (m × k) H (k × n).
One module per idea the book teaches:

- :mod:`nmf_teach.linalg`         traces, Frobenius norms, Hadamard operations, gradient checks
- :mod:`nmf_teach.objective`      the loss ‖X − WH‖²_F, its gradients, the KKT residual
- :mod:`nmf_teach.toy_descent`    plain gradient descent on toy functions of one or two variables
- :mod:`nmf_teach.updates`        single steps: GD, projected GD, MU, HALS, data-driven rates
- :mod:`nmf_teach.derivation`     the MU derivation as checked steps
- :mod:`nmf_teach.solvers`        initialization and :func:`nmf`, the whole solver
- :mod:`nmf_teach.masked`         missing entries: the masked loss and its multiplicative updates
- :mod:`nmf_teach.divergence`     the Kullback–Leibler divergence, its multiplicative updates, the β-divergences
- :mod:`nmf_teach.distributed`    MU on a Dask array chunked by rows, for an X beyond one machine (loaded on first use)
- :mod:`nmf_teach.cost`           flop counts of one iteration and timing with its spread
- :mod:`nmf_teach.nmf_vs_pca`     NMF vs PCA/SVD and k-means: signs, sparsity, overlap, storage
- :mod:`nmf_teach.regularization` scikit-learn's L1/L2 penalties, objective, gradients and fits
- :mod:`nmf_teach.uniqueness`     comparing solutions up to permutation and scaling
- :mod:`nmf_teach.loss_curves`    loss-versus-time curves of several solvers from one start
- :mod:`nmf_teach.recommend`      recommendation: held-out splits, baselines (means, user kNN), top-N explained
- :mod:`nmf_teach.rank_selection` choosing k: the SVD floor, held-out error, consensus and cophenetic correlation
- :mod:`nmf_teach.images`         images as matrices: PSNR, grey levels, downsampling, tiles of components
- :mod:`nmf_teach.audio`          sound: a synthesized score, spectrograms, resynthesis, playable players
- :mod:`nmf_teach.topics`         text: a corpus of standard-library docstrings, top words of topics
- :mod:`nmf_teach.clustering`     NMF as clustering: shares, labels, k-means as orthogonal NMF
- :mod:`nmf_teach.checks`         lab checks that say what is wrong in a student's function
- :mod:`nmf_teach.labs`           student versions of the labs (``python -m nmf_teach.labs OUTDIR``)
- :mod:`nmf_teach.data`           the food-order toy matrix, planted data, digits
- :mod:`nmf_teach.plotting`       the book's style, labelled heatmaps and loss curves
- :mod:`nmf_teach.widgets`        live widgets and their kernel-free frame scrubbers
- :mod:`nmf_teach.prose`          glue: computed numbers into the text of a page

Use it as ``import nmf_teach as nt``, then ``nt.<module>.<name>``; the most
used names (:func:`nmf`, :func:`loss`, ...) are also available as ``nt.<name>``.
Importing the package changes no global setting; call
:func:`nmf_teach.plotting.use_book_style` for the book's figure style.
"""

import importlib.util

from . import (
    cost,
    data,
    derivation,
    divergence,
    linalg,
    loss_curves,
    masked,
    nmf_vs_pca,
    objective,
    plotting,
    prose,
    regularization,
    solvers,
    toy_descent,
    uniqueness,
    updates,
    widgets,
)
from .data import LabeledMatrix, digits, food_orders, food_orders_truth, planted_nmf
from .derivation import DerivationStep, mu_derivation, verify_derivation
from .linalg import (
    EPS,
    gradient_error,
    frobenius_norm,
    frobenius_norm_via_trace,
    hadamard,
    numerical_gradient,
    safe_divide,
    trace,
    trace_dot,
    trace_gradient_identities,
)
from .objective import (
    gradient_H,
    gradient_W,
    kkt_residual,
    loss,
    loss_trace_expansion,
    reconstruction_error,
    sklearn_objective,
)
from .plotting import heatmap, plot_factorization, plot_losses, use_book_style
from .solvers import INITS, NMFResult, initialize, nmf
from .updates import (
    METHODS,
    gd_update_H,
    gd_update_W,
    hals_update_H,
    hals_update_W,
    learning_rate_H,
    learning_rate_W,
    lipschitz_step_H,
    lipschitz_step_W,
    mu_update_H,
    mu_update_W,
    pgd_update_H,
    pgd_update_W,
    one_iteration,
)
from .widgets import frame_count, interact, scrubber

#: The package version; ``pyproject.toml`` reads it from here.
__version__ = "0.2.0"


def __getattr__(name):
    """Import a module of the package on first use (``nt.distributed``, whose Dask import is heavy)."""
    import importlib

    if not name.startswith("_") and importlib.util.find_spec(f"{__name__}.{name}") is not None:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
