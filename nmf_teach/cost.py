"""What NMF costs: flop counts of one iteration, and timing a call with its spread.

Introduced in *Gradient descent vs multiplicative update* (``book/06_gd_vs_mu``);
explained in full, with HALS and the cost of tracking the loss, in *What NMF
costs* (``book/12_what_nmf_costs``).
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

from ._validation import validate_option, validate_positive_int
from ._validation import integer, options, validate_params

__all__ = [
    "matmul_flops",
    "iteration_flops",
    "hals_iteration_flops",
    "loss_flops",
    "Timing",
    "timing",
    "ORDERS",
    "LOSS_FORMULAS",
]

#: The two ways of forming the denominators ``WHHᵀ`` and ``WᵀWH``.
ORDERS = ("cheap", "naive")

#: The two ways of evaluating ``‖X − WH‖²_F`` that :func:`loss_flops` counts.
LOSS_FORMULAS = ("direct", "tracked")


@validate_params({"a": integer(), "b": integer(), "c": integer()})
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
    return 2 * a * b * c


@validate_params({"m": integer(), "n": integer(), "k": integer(), "method": options("mu", "gd", "pgd"), "order": options(*ORDERS)})
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


@validate_params({"m": integer(), "n": integer(), "k": integer(), "inner_sweeps": integer()})
def hals_iteration_flops(m, n, k, *, inner_sweeps=1):
    """Flops of one full HALS iteration (W, then H), counted as :func:`iteration_flops` counts MU.

    Parameters
    ----------
    m, n : int
        The shape of X.
    k : int
        The rank.
    inner_sweeps : int, default=1
        Sweeps over the k columns of W (and then the k rows of H) per
        computation of the products, as ``inner_sweeps`` of
        :func:`nmf_teach.solvers.nmf`.

    Returns
    -------
    int
        ``4mnk + 2(m + n)k² + inner_sweeps · (2(m + n)k² + 4(m + n)k)``.

    Notes
    -----
    Once per iteration HALS forms ``XHᵀ`` (``2mnk``) and ``HHᵀ`` (``2nk²``) for
    W, then ``WᵀX`` (``2mnk``) and ``WᵀW`` (``2mk²``) for H: the same products
    as MU in the cheap order, without ``W(HHᵀ)`` and ``(WᵀW)H``. A sweep then
    updates column j of W as
    ``max(0, W[:, j] + ((XHᵀ)[:, j] − W (HHᵀ)[:, j]) / (HHᵀ)[j, j])``: one
    (m, k) by (k, 1) product (``2mk``) and four element-wise operations on a
    column (subtract, divide, add, clip: ``4m``), so ``2mk² + 4mk`` for the k
    columns; the rows of H likewise cost ``2nk² + 4nk``. A component whose
    ``(HHᵀ)[j, j]`` is 0 is skipped by the solver but counted here.

    Explained in *What NMF costs*; used in *Beyond the multiplicative update*.

    References
    ----------
    Cichocki, A., & Phan, A.-H. (2009). Fast local algorithms for large scale
    nonnegative matrix and tensor factorizations. IEICE Trans. Fundamentals, E92-A(3).

    Gillis, N., & Glineur, F. (2012). Accelerated multiplicative updates and
    hierarchical ALS algorithms for nonnegative matrix factorization. Neural
    Computation, 24(4), 1085–1105.
    """
    products = matmul_flops(m, n, k) + matmul_flops(k, n, k)  # X Hᵀ, H Hᵀ
    products += matmul_flops(k, m, n) + matmul_flops(k, m, k)  # Wᵀ X, Wᵀ W
    sweep = k * (matmul_flops(m, k, 1) + 4 * m)  # the k columns of W
    sweep += k * (matmul_flops(1, k, n) + 4 * n)  # the k rows of H
    return products + inner_sweeps * sweep


def loss_flops(m, n, k, *, how="direct"):
    """Flops of one evaluation of the loss ``‖X − WH‖²_F``.

    Parameters
    ----------
    m, n : int
        The shape of X.
    k : int
        The rank.
    how : {"direct", "tracked"}, default="direct"
        "direct": form ``WH`` (``2mnk``), subtract it from X (``mn``), square
        and sum (``2mn``). "tracked": ``‖X‖² − 2⟨WᵀX, H⟩ + ⟨WᵀW, HHᵀ⟩`` from
        products an MU or HALS iteration already has (``WᵀX``, ``WᵀW``, and
        ``HHᵀ``, which the next update of W needs): the two inner products
        (``2kn + 2k²``) and three scalar operations. ``‖X‖²`` is computed once
        per run, not per evaluation, and is not counted.

    Returns
    -------
    int
        ``2mnk + 3mn`` (direct) or ``2kn + 2k² + 3`` (tracked).

    Notes
    -----
    The tracked value loses accuracy when the loss is tiny compared with
    ``‖X‖²`` (cancellation); :func:`nmf_teach.solvers.nmf` then falls back to
    the direct formula. Explained in *What NMF costs*.
    """
    m = validate_positive_int(m, "m")
    n = validate_positive_int(n, "n")
    k = validate_positive_int(k, "k")
    how = validate_option(how, LOSS_FORMULAS, "how")
    if how == "direct":
        return matmul_flops(m, k, n) + 3 * m * n
    return 2 * k * n + 2 * k * k + 3


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
    repeat = validate_positive_int(repeat, "repeat")
    number = validate_positive_int(number, "number")
    timer = timeit.Timer(lambda: func(*args, **kwargs))
    runs = np.asarray(timer.repeat(repeat=repeat, number=number), dtype=float) / number
    return Timing(runs)
