"""Single update steps: gradient descent, projected gradient descent, the
multiplicative update (MU) and HALS, plus the data-driven learning rate that
turns a gradient step into the MU step.

Explained in *Gradient descent* (``book/04_gradient_descent``), *Deriving the
multiplicative update* (``book/05_multiplicative_update``) and *Beyond the
multiplicative update* (``book/11_beyond_mu``).

Every update uses the gradients of this package's loss ``‖X − WH‖²_F`` (see
:mod:`nmf_teach.objective`), and a full iteration updates W first with the old
H, then H with the new W, in the order scikit-learn uses.
"""

from __future__ import annotations

import numbers

import numpy as np

from ._validation import as_matrix, check_option
from .linalg import _safe_divide
from .objective import _gradient_H, _gradient_W, check_problem

__all__ = [
    "learning_rate_W",
    "learning_rate_H",
    "lipschitz_step_W",
    "lipschitz_step_H",
    "gd_update_W",
    "gd_update_H",
    "pgd_update_W",
    "pgd_update_H",
    "mu_update_W",
    "mu_update_H",
    "hals_update_W",
    "hals_update_H",
    "step",
    "METHODS",
]

#: The update rules :func:`step` and :func:`nmf_teach.nmf` know.
METHODS = ("mu", "gd", "pgd", "hals")


# --------------------------------------------------------------------------
# learning rates
# --------------------------------------------------------------------------
def learning_rate_H(W, H):
    """The data-driven learning rate ``η_H = H ⊘ (WᵀWH)`` of Lee & Seung.

    A gradient step on ``½‖X − WH‖²_F`` with this element-wise rate is exactly
    the multiplicative update of H. For this package's loss ``‖X − WH‖²_F``,
    whose gradient is twice as large, the same step needs ``η_H / 2``:
    ``gd_update_H(X, W, H, learning_rate_H(W, H) / 2) == mu_update_H(X, W, H)``.

    Parameters
    ----------
    W : array-like of shape (m, k)
    H : array-like of shape (k, n)

    Returns
    -------
    ndarray of shape (k, n)

    Notes
    -----
    Explained in *Deriving the multiplicative update*. Zeros in the denominator
    are guarded as in :func:`nmf_teach.safe_divide`.

    References
    ----------
    Lee, D. D., & Seung, H. S. (2001). Algorithms for non-negative matrix
    factorization. NIPS 13.
    """
    W, H = _check_pair(W, H)
    return _safe_divide(H, (W.T @ W) @ H)


def learning_rate_W(W, H):
    """The data-driven learning rate ``η_W = W ⊘ (WHHᵀ)`` of Lee & Seung.

    See :func:`learning_rate_H`; the same factor ½ applies for this package's loss.

    Parameters
    ----------
    W : array-like of shape (m, k)
    H : array-like of shape (k, n)

    Returns
    -------
    ndarray of shape (m, k)
        The element-wise rate; ``gd_update_W(X, W, H, learning_rate_W(W, H) / 2)``
        equals ``mu_update_W(X, W, H)``.

    Notes
    -----
    Explained in *Deriving the multiplicative update*. Zeros in the denominator
    are guarded as in :func:`nmf_teach.safe_divide`.

    References
    ----------
    Lee, D. D., & Seung, H. S. (2001). Algorithms for non-negative matrix
    factorization. NIPS 13.
    """
    W, H = _check_pair(W, H)
    return _safe_divide(W, W @ (H @ H.T))


def lipschitz_step_W(H):
    """The safe fixed step ``1 / L_W`` for a gradient step in W, ``L_W = 2‖HHᵀ‖₂``.

    With H fixed, ``‖X − WH‖²_F`` is a quadratic in W whose gradient is
    ``L_W``-Lipschitz; a (projected) gradient step of size ``1 / L_W`` never
    increases it.

    Parameters
    ----------
    H : array-like of shape (k, n)

    Returns
    -------
    float

    Notes
    -----
    Explained in *Gradient descent*.
    """
    H = as_matrix(H, "H")
    return _lipschitz_step(H @ H.T)


def lipschitz_step_H(W):
    """The safe fixed step ``1 / L_H`` for a gradient step in H, ``L_H = 2‖WᵀW‖₂``.

    With W fixed, ``‖X − WH‖²_F`` is a quadratic in H whose gradient is
    ``L_H``-Lipschitz; a (projected) gradient step of size ``1 / L_H`` never
    increases it. The mirror image of :func:`lipschitz_step_W`.

    Parameters
    ----------
    W : array-like of shape (m, k)

    Returns
    -------
    float

    Notes
    -----
    Explained in *Gradient descent*.
    """
    W = as_matrix(W, "W")
    return _lipschitz_step(W.T @ W)


def _spectral_norm(G):
    """‖G‖₂ computed on G scaled to largest entry 1, so tiny (subnormal) entries cannot
    make the SVD fail."""
    s = float(np.abs(G).max()) if G.size else 0.0
    if s == 0.0:
        return 0.0
    return s * float(np.linalg.norm(G / s, 2))


def _lipschitz_step(G):
    L = 2.0 * _spectral_norm(G)
    if L == 0:
        return 1.0
    with np.errstate(over="ignore"):
        step = 1.0 / L
    if not np.isfinite(step):
        raise ValueError(
            f"The safe step 1/L = 1/(2‖G‖₂) is too large for float64 (L = {L:.3g}); "
            "the factors are tiny: rescale the data (nmf() handles this case itself)."
        )
    return step


def _safe_step(A, G, N):
    """``A − ∇ / L`` for ``∇ = 2(AG − N)``, ``L = 2‖G‖₂``, evaluated with G scaled to
    largest entry 1, so that a tiny G (tiny data) cannot overflow the step 1/L."""
    s = float(np.abs(G).max()) if G.size else 0.0
    if s == 0.0:  # G = 0 means the other factor is 0, and then N = 0 too: no gradient
        return A
    Gn = G / s
    return A - (A @ Gn - N / s) / float(np.linalg.norm(Gn, 2))


def _check_pair(W, H):
    W = as_matrix(W, "W")
    H = as_matrix(H, "H")
    if W.shape[1] != H.shape[0]:
        raise ValueError(
            f"The ranks disagree: W has {W.shape[1]} columns but H has {H.shape[0]} rows."
        )
    return W, H


def _check_rate(learning_rate, shape, name):
    """A positive number, or (if ``shape`` is not ``()``) a non-negative array of ``shape``.

    A 0-d array such as ``np.array(0.1)`` counts as a number.
    """
    if isinstance(learning_rate, np.ndarray) and learning_rate.ndim == 0:
        learning_rate = learning_rate.item()
    if isinstance(learning_rate, (bool, np.bool_)) or learning_rate is None:
        raise TypeError(f"{name} must be a positive number or an array, got {learning_rate!r}.")
    if isinstance(learning_rate, numbers.Real):
        lr = float(learning_rate)
        if not np.isfinite(lr) or lr <= 0:
            raise ValueError(f"{name} must be a finite positive number, got {lr}.")
        return lr
    if tuple(shape) == ():
        try:
            got = f"an array of shape {np.shape(learning_rate)}" if np.ndim(learning_rate) else repr(learning_rate)
        except Exception:  # ragged lists and the like
            got = repr(learning_rate)
        raise TypeError(
            f"{name} must be a number here (one step size for the whole run), got {got}. "
            "Element-wise rates are accepted by the single-step functions such as gd_update_W."
        )
    lr = as_matrix(learning_rate, name)
    if lr.shape != tuple(shape):
        raise ValueError(f"{name} has shape {lr.shape}; an element-wise rate needs shape {tuple(shape)}.")
    if (lr < 0).any():
        raise ValueError(f"{name} has {int((lr < 0).sum())} negative entries; a learning rate is non-negative.")
    return lr


# --------------------------------------------------------------------------
# gradient descent and projected gradient descent
# --------------------------------------------------------------------------
def gd_update_W(X, W, H, learning_rate):
    """One gradient-descent step in W: ``W − η ∘ ∇_W ‖X − WH‖²_F``.

    Nothing keeps the result non-negative: with a large η entries go negative.

    Parameters
    ----------
    X : array-like of shape (m, n)
    W : array-like of shape (m, k)
    H : array-like of shape (k, n)
    learning_rate : float or array-like of shape (m, k)
        A fixed step, or an element-wise one such as ``learning_rate_W(W, H) / 2``.

    Returns
    -------
    W_new : ndarray of shape (m, k)

    Notes
    -----
    Explained in *Gradient descent*.
    """
    X, W, H = check_problem(X, W, H, nonnegative=False)
    return W - _check_rate(learning_rate, W.shape, "learning_rate") * _gradient_W(X, W, H)


def gd_update_H(X, W, H, learning_rate):
    """One gradient-descent step in H: ``H − η ∘ ∇_H ‖X − WH‖²_F``.

    Parameters
    ----------
    X : array-like of shape (m, n)
    W : array-like of shape (m, k)
    H : array-like of shape (k, n)
    learning_rate : float or array-like of shape (k, n)

    Returns
    -------
    H_new : ndarray of shape (k, n)

    Notes
    -----
    Explained in *Gradient descent*.
    """
    X, W, H = check_problem(X, W, H, nonnegative=False)
    return H - _check_rate(learning_rate, H.shape, "learning_rate") * _gradient_H(X, W, H)


def pgd_update_W(X, W, H, learning_rate):
    """One projected-gradient step in W: ``max(0, W − η ∇_W f)``.

    Parameters and return value as in :func:`gd_update_W`; the result is
    non-negative.

    Notes
    -----
    Explained in *Gradient descent*.
    """
    return np.maximum(gd_update_W(X, W, H, learning_rate), 0.0)


def pgd_update_H(X, W, H, learning_rate):
    """One projected-gradient step in H: ``max(0, H − η ∇_H f)``.

    Parameters
    ----------
    X : array-like of shape (m, n)
    W : array-like of shape (m, k)
    H : array-like of shape (k, n)
    learning_rate : float or array-like of shape (k, n)
        A fixed step such as :func:`lipschitz_step_H`, or an element-wise one.

    Returns
    -------
    H_new : ndarray of shape (k, n)
        Non-negative: negative entries of the gradient step are set to 0.

    Notes
    -----
    Explained in *Gradient descent*.
    """
    return np.maximum(gd_update_H(X, W, H, learning_rate), 0.0)


# --------------------------------------------------------------------------
# multiplicative update
# --------------------------------------------------------------------------
def mu_update_W(X, W, H):
    """Multiplicative update of W: ``W ∘ (XHᵀ) ⊘ (W(HHᵀ))``.

    Parameters
    ----------
    X : array-like of shape (m, n)
    W : array-like of shape (m, k)
    H : array-like of shape (k, n)
        All non-negative.

    Returns
    -------
    W_new : ndarray of shape (m, k)
        Non-negative; an entry that is 0 stays 0.

    Notes
    -----
    Derived in *Deriving the multiplicative update*. Exact zeros of the
    denominator are replaced by float32 eps, as scikit-learn does; the product
    is taken in the cheap order ``W(HHᵀ)``, O(mk² + nk²) instead of O(mnk).

    References
    ----------
    Lee, D. D., & Seung, H. S. (2001). Algorithms for non-negative matrix
    factorization. NIPS 13.
    """
    X, W, H = check_problem(X, W, H)
    return _mu_W(X, W, H)


def _mu_W(X, W, H):
    return W * _safe_divide(X @ H.T, W @ (H @ H.T))


def mu_update_H(X, W, H):
    """Multiplicative update of H: ``H ∘ (WᵀX) ⊘ ((WᵀW)H)``.

    Parameters
    ----------
    X : array-like of shape (m, n)
    W : array-like of shape (m, k)
    H : array-like of shape (k, n)
        All non-negative.

    Returns
    -------
    H_new : ndarray of shape (k, n)

    Notes
    -----
    Derived in *Deriving the multiplicative update*.

    References
    ----------
    Lee, D. D., & Seung, H. S. (2001). Algorithms for non-negative matrix
    factorization. NIPS 13.
    """
    X, W, H = check_problem(X, W, H)
    return _mu_H(X, W, H)


def _mu_H(X, W, H):
    return H * _safe_divide(W.T @ X, (W.T @ W) @ H)


# --------------------------------------------------------------------------
# HALS (hierarchical alternating least squares, a coordinate descent)
# --------------------------------------------------------------------------
def hals_update_W(X, W, H):
    """One HALS sweep over the columns of W.

    Each column ``W[:, j]`` is set to the exact minimizer of the loss over that
    column with everything else fixed, clipped at 0:
    ``W[:, j] ← max(0, W[:, j] + ((XHᵀ)[:, j] − W (HHᵀ)[:, j]) / (HHᵀ)[j, j])``.
    Each column update is an exact block minimization, so the loss never rises.

    Parameters
    ----------
    X : array-like of shape (m, n)
    W : array-like of shape (m, k)
    H : array-like of shape (k, n)

    Returns
    -------
    W_new : ndarray of shape (m, k)

    Notes
    -----
    Explained in *Beyond the multiplicative update*.

    References
    ----------
    Cichocki, A., & Phan, A.-H. (2009). Fast local algorithms for large scale
    nonnegative matrix and tensor factorizations. IEICE Trans. Fundamentals, E92-A(3).
    """
    X, W, H = check_problem(X, W, H)
    return _hals_W(X, W, H)


def _hals_rows(A, N, G, sweeps=1):
    """HALS sweeps, in place, over the rows of A (k, p).

    Minimizes ``‖Y − Aᵀ B‖²_F`` over ``A ≥ 0`` one row at a time, given only
    ``N = B Yᵀ`` (k, p) and ``G = B Bᵀ`` (k, k): row j becomes
    ``max(0, A[j] + (N[j] − G[j] A) / G[j, j])``. Rows are contiguous in memory,
    so each update is a handful of fast vector operations. A row whose ``G[j, j]``
    is 0 (an empty component) is left as it is.
    """
    for _ in range(sweeps):
        for j in range(A.shape[0]):
            g = G[j, j]
            if g > 0:
                t = N[j] - G[j] @ A
                t /= g
                t += A[j]
                np.maximum(t, 0.0, out=A[j])
    return A


def _hals_W(X, W, H, sweeps=1):
    A = np.ascontiguousarray(W.T, dtype=float).copy()  # row j of A is column j of W
    return np.ascontiguousarray(_hals_rows(A, H @ X.T, H @ H.T, sweeps).T)


def hals_update_H(X, W, H):
    """One HALS sweep over the rows of H (the transpose of :func:`hals_update_W`).

    Parameters
    ----------
    X : array-like of shape (m, n)
    W : array-like of shape (m, k)
    H : array-like of shape (k, n)

    Returns
    -------
    H_new : ndarray of shape (k, n)

    Notes
    -----
    Explained in *Beyond the multiplicative update*.
    """
    X, W, H = check_problem(X, W, H)
    return _hals_H(X, W, H)


def _hals_H(X, W, H, sweeps=1):
    return _hals_rows(np.array(H, dtype=float), W.T @ X, W.T @ W, sweeps)


# --------------------------------------------------------------------------
# one full iteration
# --------------------------------------------------------------------------
def _step(X, W, H, method, learning_rate, sweeps=1):
    """One alternating iteration on validated arrays: W first, then H."""
    if method == "mu":
        W = _mu_W(X, W, H)
        return W, _mu_H(X, W, H)
    if method == "hals":
        W = _hals_W(X, W, H, sweeps)
        return W, _hals_H(X, W, H, sweeps)
    if learning_rate is None:  # the safe steps 1/L_W, 1/L_H
        W = _safe_step(W, H @ H.T, X @ H.T)
    else:
        W = W - learning_rate * _gradient_W(X, W, H)
    if method == "pgd":
        W = np.maximum(W, 0.0)
    if learning_rate is None:
        H = _safe_step(H.T, W.T @ W, X.T @ W).T
    else:
        H = H - learning_rate * _gradient_H(X, W, H)
    if method == "pgd":
        H = np.maximum(H, 0.0)
    return W, H


def step(X, W, H, method="mu", *, learning_rate=None):
    """One full iteration of ``method``: update W with the old H, then H with the new W.

    Parameters
    ----------
    X : array-like of shape (m, n)
    W : array-like of shape (m, k)
    H : array-like of shape (k, n)
    method : {"mu", "gd", "pgd", "hals"}
    learning_rate : float, optional
        The fixed step of "gd" and "pgd". ``None`` uses the safe steps
        :func:`lipschitz_step_W` and :func:`lipschitz_step_H`. Refused for
        "mu" and "hals", which have no step size.

    Returns
    -------
    W_new : ndarray of shape (m, k)
    H_new : ndarray of shape (k, n)

    Notes
    -----
    Explained in *Gradient descent vs multiplicative update*.
    """
    method = check_option(method, METHODS, "method")
    X, W, H = check_problem(X, W, H, nonnegative=method != "gd")
    if learning_rate is not None:
        if method in ("mu", "hals"):
            raise ValueError(f"method={method!r} has no learning rate; pass learning_rate=None.")
        learning_rate = _check_rate(learning_rate, (), "learning_rate")
    return _step(X, W, H, method, learning_rate)
