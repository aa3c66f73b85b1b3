"""Loss-versus-time curves of several NMF solvers run from the same start.

Explained in *Beyond the multiplicative update* (``book/11_beyond_mu``).

- :class:`SolverCurve`        one solver's losses, with the iteration and the time of each
- :func:`nmf_curve`           a curve of this package's :func:`nmf_teach.solvers.nmf`
- :func:`sklearn_cd_curve`    a curve of scikit-learn's coordinate-descent ("cd") solver
- :func:`solver_curves`       all of them from one start, ready to plot
- :func:`loss_within_budget`  the lowest loss a curve reached within a time budget

How the times are measured
--------------------------
This package's solver records the seconds spent in its updates after every
iteration (loss evaluations excluded). scikit-learn has no per-iteration
callback, so a curve of its "cd" solver is built from *separate fits* from the
same custom start with ``tol=0`` and ``max_iter = 1, 2, 5, 10, ...``: each fit
gives one point, the loss of its result and the wall time of the whole call.
That time includes scikit-learn's own input checks and copies (a fixed cost of
a fraction of a millisecond), because that is what a user pays for a fit.

On a shared machine a single timing is noisy, and noise only ever *adds* time.
Both kinds of curve therefore take the best of ``repeat`` runs: for
:func:`nmf_curve` the shortest duration of each iteration over the runs, added
up; for :func:`sklearn_cd_curve` the shortest time of each fit. The losses do not depend on the timing: every run
from the same start gives the same iterates.
"""

from __future__ import annotations

import numbers
import time
import warnings
from dataclasses import dataclass

import numpy as np

from ._validation import validate_positive_int, validate_factor, validate_n_components, validate_nonnegative, validate_option
from .objective import loss
from .solvers import initialize, nmf
from .updates import METHODS

__all__ = ["SolverCurve", "nmf_curve", "sklearn_cd_curve", "solver_curves", "loss_within_budget"]

#: The ``max_iter`` values of the separate scikit-learn fits, by default.
CD_MAX_ITER = (1, 2, 3, 5, 7, 10, 15, 20, 30, 50, 70, 100, 150, 200)


@dataclass
class SolverCurve:
    """One solver's loss curve.

    Attributes
    ----------
    label : str
        The solver's name, e.g. ``"hals"`` or ``"sklearn cd"``.
    iterations : ndarray of shape (p,)
        The iteration count of each point, 0 (the start) first.
    losses : ndarray of shape (p,)
        ``‖X − WH‖²_F`` at each point.
    times : ndarray of shape (p,)
        Seconds needed to reach each point, 0 first (see the module notes).
    W : ndarray of shape (m, k)
    H : ndarray of shape (k, n)
        The factors at the last point.
    """

    label: str
    iterations: np.ndarray
    losses: np.ndarray
    times: np.ndarray
    W: np.ndarray
    H: np.ndarray

    @property
    def loss(self):
        """The loss at the last point."""
        return float(self.losses[-1])


def _validate_start(X, W0, H0):
    X = validate_nonnegative(X, "X")
    W0 = validate_nonnegative(W0, "W0")
    k = W0.shape[1]
    W0 = validate_factor(W0, (X.shape[0], k), "W0")
    H0 = validate_factor(H0, (k, X.shape[1]), "H0")
    return X, W0, H0


def nmf_curve(X, W0, H0, method="hals", *, max_iter=100, repeat=1, inner_sweeps=1):
    """The loss curve of :func:`nmf_teach.solvers.nmf` with ``method`` from ``(W0, H0)``.

    Parameters
    ----------
    X : array-like of shape (m, n)
        Non-negative data.
    W0 : array-like of shape (m, k)
    H0 : array-like of shape (k, n)
        The common start (copied, never changed).
    method : {"mu", "gd", "pgd", "hals"}, default="hals"
    max_iter : int, default=100
    repeat : int, default=1
        Run this many times and keep the fastest whole run (other programs can
        only slow a run down), as :func:`sklearn_cd_curve` keeps its fastest fit.
    inner_sweeps : int, default=1
        Passed to :func:`nmf_teach.solvers.nmf` (accelerated HALS when > 1).

    Returns
    -------
    SolverCurve
        One point per iteration; ``times`` are seconds spent in updates.

    Notes
    -----
    Explained in *Beyond the multiplicative update*.
    """
    X, W0, H0 = _validate_start(X, W0, H0)
    method = validate_option(method, METHODS, "method")
    repeat = validate_positive_int(repeat, "repeat")
    runs = [nmf(X, W0.shape[1], method=method, W0=W0, H0=H0, max_iter=max_iter, inner_sweeps=inner_sweeps)
            for _ in range(repeat)]
    best = min(runs, key=lambda r: r.times[-1])  # the fastest whole run, as for scikit-learn
    times = best.times.copy()
    return SolverCurve(method, np.arange(best.n_iter + 1), best.losses.copy(), times, best.W, best.H)


def sklearn_cd_curve(X, W0, H0, *, max_iter=CD_MAX_ITER, repeat=1):
    """The loss curve of scikit-learn's "cd" solver from ``(W0, H0)``.

    scikit-learn offers no per-iteration callback, so each point is a separate
    fit ``non_negative_factorization(X, W=W0, H=H0, init="custom", solver="cd",
    tol=0, max_iter=N)`` with no regularization and no shuffling: its loss is
    ``‖X − WH‖²_F`` of the result, its time the wall time of the whole call
    (input checks included), the best of ``repeat`` calls.

    Parameters
    ----------
    X : array-like of shape (m, n)
        Non-negative data.
    W0 : array-like of shape (m, k)
    H0 : array-like of shape (k, n)
        The common start (copied, never changed).
    max_iter : sequence of int, default=CD_MAX_ITER
        Strictly increasing positive iteration counts, one fit each.
    repeat : int, default=1

    Returns
    -------
    SolverCurve
        Label ``"sklearn cd"``, a first point at iteration 0 and time 0, then one
        point per entry of ``max_iter``.

    Notes
    -----
    Explained in *Beyond the multiplicative update*. The "cd" solver is the
    coordinate descent of Cichocki & Phan (2009), written in Cython.
    """
    from sklearn.decomposition import non_negative_factorization

    X, W0, H0 = _validate_start(X, W0, H0)
    repeat = validate_positive_int(repeat, "repeat")
    iters = list(max_iter)
    if not iters or any(
        isinstance(i, (bool, np.bool_)) or not isinstance(i, numbers.Integral) or i < 1 for i in iters
    ):
        raise ValueError(f"max_iter must be a non-empty sequence of positive integers, got {max_iter!r}.")
    if any(b <= a for a, b in zip(iters, iters[1:])):
        raise ValueError(f"max_iter must be strictly increasing, got {max_iter!r}.")
    k = W0.shape[1]
    losses, times = [loss(X, W0, H0)], [0.0]
    W, H = W0, H0
    for n_iter in iters:
        best = np.inf
        for _ in range(repeat):
            W_start, H_start = W0.copy(), H0.copy()  # scikit-learn updates a custom start in place
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # ConvergenceWarning: we ask for exactly n_iter
                t0 = time.perf_counter()
                W, H, _ = non_negative_factorization(
                    X, W=W_start, H=H_start, n_components=k, init="custom", solver="cd",
                    beta_loss="frobenius", tol=0.0, max_iter=int(n_iter),
                    alpha_W=0.0, alpha_H=0.0, shuffle=False,
                )
                best = min(best, time.perf_counter() - t0)
        losses.append(loss(X, W, H))
        times.append(best)
    return SolverCurve("sklearn cd", np.array([0, *iters]), np.asarray(losses), np.asarray(times), W, H)


def solver_curves(X, n_components, *, methods=("mu", "pgd", "hals"), sklearn_cd=True, init="random",
                  W0=None, H0=None, max_iter=100, cd_max_iter=None, random_state=None, repeat=1):
    """Loss curves of several solvers, all started from the same ``(W0, H0)``.

    Parameters
    ----------
    X : array-like of shape (m, n)
        Non-negative data.
    n_components : int
        The rank k.
    methods : sequence of {"mu", "gd", "pgd", "hals"}, default=("mu", "pgd", "hals")
        This package's solvers to run, ``max_iter`` iterations each.
    sklearn_cd : bool, default=True
        Also build the curve of scikit-learn's "cd" solver.
    init : {"random", "nndsvd", "nndsvda", "nndsvdar"}, default="random"
        How to make the common start when ``W0`` and ``H0`` are not given.
    W0 : array-like of shape (m, k), optional
    H0 : array-like of shape (k, n), optional
    max_iter : int, default=100
    cd_max_iter : sequence of int, optional
        The scikit-learn fits; by default the entries of ``CD_MAX_ITER`` up to ``max_iter``.
    random_state : None, int or numpy.random.Generator, default=None
        Seed of the start (see :func:`nmf_teach.solvers.initialize`).
    repeat : int, default=1
        Best-of-``repeat`` timing, as in :func:`nmf_curve` and :func:`sklearn_cd_curve`.

    Returns
    -------
    dict of str -> SolverCurve
        In the order of ``methods``, then ``"sklearn cd"``.

    Notes
    -----
    Explained in *Beyond the multiplicative update*.
    """
    X = validate_nonnegative(X, "X")
    k = validate_n_components(n_components)
    max_iter = validate_positive_int(max_iter, "max_iter")  # a curve needs at least one iteration
    if isinstance(methods, str):
        methods = (methods,)
    if methods is None or not all(isinstance(m, str) for m in methods):
        raise TypeError(f"methods must be a sequence of method names from {list(METHODS)}, got {methods!r}.")
    methods = tuple(validate_option(m, METHODS, "method") for m in methods)
    if (W0 is None) != (H0 is None):
        raise ValueError("Pass both W0 and H0, or neither.")
    if W0 is not None and init != "random":
        raise ValueError(f"W0 and H0 were given, so init={init!r} would be ignored; leave init at 'random'.")
    if W0 is None:
        W0, H0 = initialize(X, k, init, random_state=random_state)
    else:
        X, W0, H0 = _validate_start(X, W0, H0)
        if W0.shape[1] != k:
            raise ValueError(f"W0 has {W0.shape[1]} columns but n_components is {k}.")
    curves = {m: nmf_curve(X, W0, H0, m, max_iter=max_iter, repeat=repeat) for m in methods}
    if sklearn_cd:
        if cd_max_iter is None:
            cd_max_iter = [i for i in CD_MAX_ITER if i <= max_iter] or [max_iter]
        curves["sklearn cd"] = sklearn_cd_curve(X, W0, H0, max_iter=cd_max_iter, repeat=repeat)
    return curves


def loss_within_budget(curve, budget):
    """The lowest loss a curve reached within ``budget`` seconds.

    Parameters
    ----------
    curve : SolverCurve
    budget : float
        Seconds, non-negative. The start (time 0) always fits.

    Returns
    -------
    loss : float
    iterations : int
        The iteration count of that point.

    Notes
    -----
    Explained in *Beyond the multiplicative update*.
    """
    if not isinstance(curve, SolverCurve):
        raise TypeError(f"curve must be a SolverCurve, got {type(curve).__name__}.")
    if isinstance(budget, (bool, np.bool_)) or not isinstance(budget, numbers.Real) or not budget >= 0:
        raise ValueError(f"budget must be a non-negative number of seconds, got {budget!r}.")
    inside = np.flatnonzero(curve.times <= budget)
    best = inside[np.argmin(curve.losses[inside])]
    return float(curve.losses[best]), int(curve.iterations[best])
