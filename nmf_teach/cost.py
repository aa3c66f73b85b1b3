"""What NMF costs: flop counts of one iteration, and timing a call with its spread.

Explained in *Gradient descent vs multiplicative update* (``book/06_gd_vs_mu``).
The optimality check (the KKT residual) lives with the objective,
:func:`nmf_teach.objective.kkt_residual`.

Flop convention: a product of an (a, b) by a (b, c) matrix costs ``2abc`` flops
(one multiplication and one addition per term), an element-wise operation on an
(a, b) matrix costs ``ab``.
"""

from __future__ import annotations

import timeit
from dataclasses import dataclass

import numpy as np

from ._validation import check_option, check_positive_int

__all__ = ["matmul_flops", "iteration_flops", "Timing", "timing", "ORDERS"]

#: The two ways of forming the denominators ``WHHᵀ`` and ``WᵀWH``.
ORDERS = ("cheap", "naive")


def matmul_flops(a, b, c):
    """Flops of the product of an (a, b) matrix with a (b, c) matrix: ``2abc``.

    Parameters
    ----------
    a, b, c : int
        Positive dimensions.

    Returns
    -------
    int

    Notes
    -----
    Explained in *Gradient descent vs multiplicative update*.
    """
    a = check_positive_int(a, "a")
    b = check_positive_int(b, "b")
    c = check_positive_int(c, "c")
    return 2 * a * b * c


def iteration_flops(m, n, k, *, method="mu", order="cheap"):
    """Flops of one full iteration (W, then H) of an NMF update rule.

    Parameters
    ----------
    m, n : int
        The shape of X.
    k : int
        The rank.
    method : {"mu", "gd", "pgd"}, default="mu"
        The multiplicative update, gradient descent with a fixed step, or
        projected gradient descent with a fixed step.
    order : {"cheap", "naive"}, default="cheap"
        How the denominators (MU) or the curvature terms of the gradients (GD)
        are formed. "cheap": ``W(HHᵀ)`` and ``(WᵀW)H``, which never build an
        (m, n) matrix. "naive": ``(WH)Hᵀ`` and ``Wᵀ(WH)``, which build ``WH``.

    Returns
    -------
    int
        The flop count. The products ``XHᵀ`` and ``WᵀX`` (``2mnk`` each) are
        needed in both orders; the cheap order adds ``2nk² + 2mk²`` per factor,
        the naive order ``4mnk`` per factor.

    Notes
    -----
    Element-wise work per factor of shape (a, b): MU multiplies and divides
    (``2ab``); GD forms ``2(curvature − numerator)``, scales it by η and subtracts
    it (``4ab``); PGD clips at 0 as well (``5ab``). A learning rate recomputed
    each iteration (the Lipschitz step) is not counted.

    Explained in *Gradient descent vs multiplicative update*.
    """
    m = check_positive_int(m, "m")
    n = check_positive_int(n, "n")
    k = check_positive_int(k, "k")
    method = check_option(method, ("mu", "gd", "pgd"), "method")
    order = check_option(order, ORDERS, "order")
    per_entry = {"mu": 2, "gd": 4, "pgd": 5}[method]
    # W update: numerator X Hᵀ, curvature W H Hᵀ
    w = matmul_flops(m, n, k)
    # H update: numerator Wᵀ X, curvature Wᵀ W H
    h = matmul_flops(k, m, n)
    if order == "cheap":
        w += matmul_flops(k, n, k) + matmul_flops(m, k, k)  # H Hᵀ, then W (H Hᵀ)
        h += matmul_flops(k, m, k) + matmul_flops(k, k, n)  # Wᵀ W, then (Wᵀ W) H
    else:
        w += matmul_flops(m, k, n) + matmul_flops(m, n, k)  # W H, then (W H) Hᵀ
        h += matmul_flops(m, k, n) + matmul_flops(k, m, n)  # W H, then Wᵀ (W H)
    return w + h + per_entry * (m * k + k * n)


@dataclass(frozen=True)
class Timing:
    """Repeated timings of one call, in seconds per call.

    Attributes
    ----------
    runs : ndarray of shape (repeat,)
        Seconds per call of each timing, in the order they were taken.
    """

    runs: np.ndarray

    @property
    def best(self):
        """The fastest run: other programs can only slow a run down, so it is the least disturbed."""
        return float(np.min(self.runs))

    @property
    def median(self):
        """The median run: what a reader typically waits."""
        return float(np.median(self.runs))

    @property
    def spread(self):
        """``(fastest, slowest)`` run: the range a measured time is stated with."""
        return float(np.min(self.runs)), float(np.max(self.runs))

    def __str__(self):
        lo, hi = self.spread
        return f"{_fmt_seconds(self.median)} (range {_fmt_seconds(lo)} to {_fmt_seconds(hi)} over {len(self.runs)} runs)"


def _fmt_seconds(t):
    if t >= 1:
        return f"{t:.3g} s"
    if t >= 1e-3:
        return f"{t * 1e3:.3g} ms"
    return f"{t * 1e6:.3g} µs"


def timing(func, *args, repeat=5, number=1, **kwargs):
    """Time ``func(*args, **kwargs)`` with :mod:`timeit`: ``repeat`` timings of ``number`` calls.

    The one timing helper of the package: chapters and :mod:`nmf_teach.loss_curves`
    use it, and state a time with its spread (``str(result)``) or compare the
    fastest runs (``result.best``), never a single measurement.

    Parameters
    ----------
    func : callable
        Called as ``func(*args, **kwargs)``.
    *args
        Positional arguments of ``func``.
    repeat : int, default=5
        How many timings to take.
    number : int, default=1
        How many calls each timing averages over.
    **kwargs
        Keyword arguments of ``func``.

    Returns
    -------
    Timing
        ``.runs`` (seconds per call), ``.best``, ``.median`` and ``.spread``.

    Raises
    ------
    TypeError
        If ``func`` is not callable or ``repeat``/``number`` is not an integer.
    ValueError
        If ``repeat`` or ``number`` is below 1.

    Notes
    -----
    Used first in *The linear-algebra toolkit* (timing the cheap trace identities
    against the naive formulas); explained in *Gradient descent vs multiplicative update*.
    """
    if not callable(func):
        raise TypeError(f"func must be callable, got {type(func).__name__}.")
    repeat = check_positive_int(repeat, "repeat")
    number = check_positive_int(number, "number")
    timer = timeit.Timer(lambda: func(*args, **kwargs))
    runs = np.asarray(timer.repeat(repeat=repeat, number=number), dtype=float) / number
    return Timing(runs)
