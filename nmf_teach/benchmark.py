"""Measuring NMF solvers: flop counts of one iteration, wall-clock timing, and
how far an iterate is from a stationary point (the KKT residual).

Explained in *Deriving the multiplicative update* (``book/05_multiplicative_update``,
the KKT residual) and *Gradient descent vs multiplicative update*
(``book/06_gd_vs_mu``, flops and timing).

Flop convention: a product of an (a, b) by a (b, c) matrix costs ``2abc`` flops
(one multiplication and one addition per term), an element-wise operation on an
(a, b) matrix costs ``ab``.
"""

from __future__ import annotations

import time

import numpy as np

from ._validation import check_n_components, check_option
from .objective import _gradient_H, _gradient_W, check_problem

__all__ = ["matmul_flops", "iteration_flops", "best_time", "kkt_residual", "ORDERS"]

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
    a = check_n_components(a, "a")
    b = check_n_components(b, "b")
    c = check_n_components(c, "c")
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
    m = check_n_components(m, "m")
    n = check_n_components(n, "n")
    k = check_n_components(k, "k")
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


def best_time(func, *args, repeat=5, number=1, **kwargs):
    """The shortest of ``repeat`` timings of ``number`` calls, per call, in seconds.

    Like :mod:`timeit`, the minimum is reported: other programs can only make
    a run slower, never faster, so the minimum is the least disturbed measurement.

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
    float
        Seconds per call of the fastest timing.

    Notes
    -----
    Used first in *The linear-algebra toolkit* (timing the cheap trace identities
    against the naive formulas); explained in *Gradient descent vs multiplicative update*.
    """
    if not callable(func):
        raise TypeError(f"func must be callable, got {type(func).__name__}.")
    repeat = check_n_components(repeat, "repeat")
    number = check_n_components(number, "number")
    best = np.inf
    for _ in range(repeat):
        t0 = time.perf_counter()
        for _ in range(number):
            func(*args, **kwargs)
        best = min(best, (time.perf_counter() - t0) / number)
    return float(best)


def kkt_residual(X, W, H):
    """How far (W, H) is from satisfying the KKT conditions of NMF.

    At a stationary point of ``min ‖X − WH‖²_F`` subject to ``W, H ≥ 0`` every
    entry satisfies ``min(W_ij, (∇_W f)_ij) = 0``: either the entry is 0 and the
    gradient does not push it below 0 (gradient ≥ 0), or the entry is positive
    and the gradient is 0. The residual is the Frobenius norm of these minima
    over both factors.

    Parameters
    ----------
    X : array-like of shape (m, n)
    W : array-like of shape (m, k)
    H : array-like of shape (k, n)
        All non-negative.

    Returns
    -------
    float
        ``sqrt(‖min(W, ∇_W f)‖²_F + ‖min(H, ∇_H f)‖²_F)``, 0 exactly at a KKT point.

    Notes
    -----
    Explained in *Deriving the multiplicative update*.

    References
    ----------
    Lin, C.-J. (2007). On the convergence of multiplicative update algorithms
    for nonnegative matrix factorization. IEEE Trans. Neural Networks, 18(6).
    """
    X, W, H = check_problem(X, W, H)
    rW = np.minimum(W, _gradient_W(X, W, H))
    rH = np.minimum(H, _gradient_H(X, W, H))
    return float(np.sqrt(np.sum(rW * rW) + np.sum(rH * rH)))

