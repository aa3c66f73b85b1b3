"""The NMF objective ‖X − WH‖²_F and its gradients.

Explained in the chapters *The NMF problem* (``book/03_nmf_problem``) and
*Gradient descent* (``book/04_gradient_descent``); the optimality check
:func:`kkt_residual` in *Deriving the multiplicative update* and *Regularization*.

Scaling
-------
This package's loss is the plain squared Frobenius norm

    f(W, H) = ‖X − WH‖²_F,

with gradients ``∇_W f = −2XHᵀ + 2WHHᵀ`` and ``∇_H f = −2WᵀX + 2WᵀWH``.
scikit-learn minimizes half of it, ``½‖X − WH‖²_F`` (see :func:`sklearn_objective`),
whose gradients are half of these; and its ``reconstruction_err_`` is the
Frobenius norm itself, ``‖X − WH‖_F = sqrt(f)`` (see :func:`reconstruction_error`).
The factor does not move the minimizer; it only rescales a learning rate.
"""

from __future__ import annotations

import numpy as np

from ._validation import validate_problem
from .regularization import penalty_weights

__all__ = [
    "loss",
    "loss_trace_expansion",
    "sklearn_objective",
    "reconstruction_error",
    "gradient_W",
    "gradient_H",
    "kkt_residual",
]


def loss(X, W, H):
    """The objective ``f(W, H) = ‖X − WH‖²_F`` (no factor ½).

    Parameters
    ----------
    X : array-like of shape (m, n)
    W : array-like of shape (m, k)
    H : array-like of shape (k, n)
        W and H may have negative entries (gradient descent produces them).

    Returns
    -------
    float

    Notes
    -----
    Explained in *The NMF problem*.
    """
    X, W, H = validate_problem(X, W, H, nonnegative=False)
    return _loss(X, W, H)


def _loss(X, W, H):
    R = W @ H  # the only (m, n) temporary: the residual is formed in place
    np.subtract(R, X, out=R)
    return float(np.vdot(R, R))


def loss_trace_expansion(X, W, H):
    """The objective through its trace expansion, evaluated cheaply.

    ``‖X − WH‖²_F = tr(XᵀX) − 2 tr(XᵀWH) + tr(HᵀWᵀWH)``, and each trace is
    computed without forming an (m, n) product:
    ``tr(XᵀWH) = ⟨WᵀX, H⟩`` and ``tr(HᵀWᵀWH) = ⟨WᵀW, HHᵀ⟩``.

    Parameters
    ----------
    X : array-like of shape (m, n)
    W : array-like of shape (m, k)
    H : array-like of shape (k, n)

    Returns
    -------
    terms : dict
        ``"tr(X^T X)"``, ``"tr(X^T W H)"``, ``"tr(H^T W^T W H)"`` and ``"total"``.

    Notes
    -----
    Explained in *The NMF problem*.
    """
    X, W, H = validate_problem(X, W, H, nonnegative=False)
    t1 = float(np.dot(X.ravel(), X.ravel()))
    t2 = float(np.dot((W.T @ X).ravel(), H.ravel()))
    t3 = float(np.dot((W.T @ W).ravel(), (H @ H.T).ravel()))
    return {"tr(X^T X)": t1, "tr(X^T W H)": t2, "tr(H^T W^T W H)": t3, "total": t1 - 2 * t2 + t3}


def sklearn_objective(X, W, H):
    """scikit-learn's unregularized Frobenius objective ``½‖X − WH‖²_F``.

    Parameters
    ----------
    X : array-like of shape (m, n)
        The non-negative data matrix.
    W : array-like of shape (m, k)
    H : array-like of shape (k, n)
        W and H may have negative entries, as in :func:`loss`.

    Returns
    -------
    float
        Half the squared Frobenius norm of the residual ``X − WH``.

    Notes
    -----
    Equal to ``loss(X, W, H) / 2``: scikit-learn puts a factor ½ in front of the
    loss, which halves the gradients but moves no minimizer.
    Explained in *NMF with scikit-learn*.
    """
    return 0.5 * loss(X, W, H)


def reconstruction_error(X, W, H):
    """``‖X − WH‖_F``, the quantity scikit-learn stores as ``reconstruction_err_``.

    Parameters
    ----------
    X : array-like of shape (m, n)
        The non-negative data matrix.
    W : array-like of shape (m, k)
    H : array-like of shape (k, n)
        W and H may have negative entries, as in :func:`loss`.

    Returns
    -------
    float
        The Frobenius norm of the residual (not squared).

    Notes
    -----
    Equal to ``sqrt(loss(X, W, H))``. Explained in *NMF with scikit-learn*.
    """
    return float(np.sqrt(loss(X, W, H)))


def gradient_W(X, W, H):
    """Gradient of ``‖X − WH‖²_F`` with respect to W: ``−2XHᵀ + 2W(HHᵀ)``.

    Parameters
    ----------
    X : array-like of shape (m, n)
    W : array-like of shape (m, k)
    H : array-like of shape (k, n)

    Returns
    -------
    ndarray of shape (m, k)

    Notes
    -----
    Derived with the trace identities in *Gradient descent*.
    """
    X, W, H = validate_problem(X, W, H, nonnegative=False)
    return _gradient_W(X, W, H)


def _gradient_W(X, W, H):
    return 2.0 * (W @ (H @ H.T) - X @ H.T)


def gradient_H(X, W, H):
    """Gradient of ``‖X − WH‖²_F`` with respect to H: ``−2WᵀX + 2(WᵀW)H``.

    Parameters
    ----------
    X : array-like of shape (m, n)
    W : array-like of shape (m, k)
    H : array-like of shape (k, n)

    Returns
    -------
    ndarray of shape (k, n)

    Notes
    -----
    Derived with the trace identities in *Gradient descent*.
    """
    X, W, H = validate_problem(X, W, H, nonnegative=False)
    return _gradient_H(X, W, H)


def _gradient_H(X, W, H):
    return 2.0 * ((W.T @ W) @ H - W.T @ X)


def kkt_residual(X, W, H, *, alpha_W=0.0, alpha_H="same", l1_ratio=0.0, scaled=True, relative=False):
    """How far (W, H) is from a KKT point of NMF, with optional penalties.

    The objective is ``F(W, H) = ‖X − WH‖²_F + 2·P(W, H)``: this package's loss
    plus twice scikit-learn's penalty P (:func:`nmf_teach.regularization.penalty_weights`),
    i.e. twice scikit-learn's objective, so it has the same minimizers and,
    without penalties, is exactly :func:`loss`. At a KKT point of
    ``min F subject to W, H ≥ 0`` every entry satisfies ``min(W_ij, (∇_W F)_ij) = 0``
    (an entry is 0 and the gradient does not push it below 0, or the entry is
    positive and the gradient is 0), and the same for H.

    **The scale cannot hide.** ``(WD, D⁻¹H)`` with a positive diagonal D gives the
    same product WH, and the plain residual ``‖min(W, ∇_W F)‖`` shrinks along
    such a drift (a factor going to 0 takes its residual with it). So the
    residual is measured at the rescaling D that minimizes the penalty along
    that orbit, component by component:

    - no penalty: the one with ``‖w_j‖ = ‖h_j‖`` (any rescaling of a KKT point is one);
    - both factors penalized: the unique minimizer of the penalty over D (a KKT
      point is already there, so its residual stays 0);
    - one factor penalized alone: there is none (shrinking that factor and
      growing the other lowers F for ever), so no KKT point with that
      component nonzero exists, and a ``ValueError`` says so.

    Parameters
    ----------
    X : array-like of shape (m, n)
    W : array-like of shape (m, k)
    H : array-like of shape (k, n)
        All non-negative.
    alpha_W, alpha_H, l1_ratio, scaled
        The penalties, as in :func:`nmf_teach.regularization.penalty_weights`;
        all 0 by default (plain NMF).
    relative : bool, default=False
        Divide by ``‖X‖_F^{3/2}``. At the balanced scale each factor is of size
        ``‖X‖_F^{1/2}`` and each gradient of size ``‖X‖_F^{3/2}``, so the
        relative residual hardly changes when X is multiplied by a constant,
        and nothing that depends on W or H is in the denominator.

    Returns
    -------
    float
        ``‖min(WD, ∇_W F)‖_F + ‖min(D⁻¹H, ∇_H F)‖_F`` at the rescaled factors;
        0 exactly at a KKT point.

    Raises
    ------
    ValueError
        If only one factor is penalized and a component is nonzero in both
        factors (the objective then has no minimizer), and on bad input.

    Notes
    -----
    Explained in *Deriving the multiplicative update* (no penalty) and
    *Regularization* (penalties, and why one penalized factor has no minimizer).

    References
    ----------
    Lin, C.-J. (2007). On the convergence of multiplicative update algorithms
    for nonnegative matrix factorization. IEEE Trans. Neural Networks, 18(6).
    """
    X, W, H = validate_problem(X, W, H)
    if not isinstance(relative, (bool, np.bool_)):
        raise TypeError(f"relative must be True or False, got {relative!r}.")
    p = penalty_weights(*X.shape, alpha_W=alpha_W, alpha_H=alpha_H, l1_ratio=l1_ratio, scaled=scaled)
    d = _orbit_scaling(W, H, p)
    W, H = W * d, H / d[:, None]
    R = W @ H - X
    gW = 2.0 * (R @ H.T + p["l1_W"] + p["l2_W"] * W)
    gH = 2.0 * (W.T @ R + p["l1_H"] + p["l2_H"] * H)
    res = float(np.linalg.norm(np.minimum(W, gW)) + np.linalg.norm(np.minimum(H, gH)))
    if relative:
        size = np.linalg.norm(X) ** 1.5
        return res / size if size > 0 else res
    return res


def _orbit_scaling(W, H, p):
    """Per component j, the c > 0 minimizing the penalty of (c·w_j, h_j / c)."""
    pen_W = p["l1_W"] > 0 or p["l2_W"] > 0
    pen_H = p["l1_H"] > 0 or p["l2_H"] > 0
    k = W.shape[1]
    d = np.ones(k)
    for j in range(k):
        w, h = W[:, j], H[j, :]
        a, b = np.abs(w).sum(), w @ w
        e, f = np.abs(h).sum(), h @ h
        if b == 0 or f == 0:
            continue  # a zero component: nothing to rescale
        if not pen_W and not pen_H:
            d[j] = (f / b) ** 0.25  # equal norms ‖c w‖ = ‖h / c‖
        elif pen_W != pen_H:
            which, other = ("W", "H") if pen_W else ("H", "W")
            raise ValueError(
                f"Only {which} is penalized: rescaling ({which}·c, {other}/c) with c → 0 keeps WH and "
                f"lowers the penalty for ever, so the objective has no minimizer and no KKT point "
                f"with component {j} nonzero. Penalize both factors (alpha_W and alpha_H > 0) "
                f"or fix the scale by normalizing one factor."
            )
        else:
            # d/dc [l1_W a c + ½ l2_W b c² + l1_H e / c + ½ l2_H f / c²] = 0, times c³:
            # l2_W b c⁴ + l1_W a c³ − l1_H e c − l2_H f = 0, one positive root
            roots = np.roots([p["l2_W"] * b, p["l1_W"] * a, 0.0, -p["l1_H"] * e, -p["l2_H"] * f])
            real = roots[(np.abs(roots.imag) <= 1e-9 * np.abs(roots)) & (roots.real > 0)].real
            d[j] = float(real.max())
    return d
