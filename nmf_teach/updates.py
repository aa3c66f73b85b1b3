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

import numpy as np

from . import _kernels as K
from ._validation import as_matrix, validate_learning_rate, validate_option
from ._validation import validate_problem

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
    "one_iteration",
    "METHODS",
]

#: The update rules :func:`one_iteration` and :func:`nmf_teach.solvers.nmf` know.
METHODS = ("mu", "gd", "pgd", "hals")


# --------------------------------------------------------------------------
# learning rates
# --------------------------------------------------------------------------
def learning_rate_H(W, H):
    """The data-driven learning rate ``η_H = H ⊘ (2WᵀWH)`` of Lee & Seung, for this package's loss.

    A gradient step on ``‖X − WH‖²_F`` (gradient :func:`nmf_teach.objective.gradient_H`)
    with this element-wise rate is exactly the multiplicative update of H:
    ``gd_update_H(X, W, H, learning_rate_H(W, H)) == mu_update_H(X, W, H)``.
    Lee & Seung (and source 001) write ``H ⊘ (WᵀWH)``, twice this, which is the
    rate for ``½‖X − WH‖²_F``, whose gradient is half as large.

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
    are guarded as in :func:`nmf_teach.linalg.safe_divide`.

    References
    ----------
    Lee, D. D., & Seung, H. S. (2001). Algorithms for non-negative matrix
    factorization. NIPS 13.
    """
    W, H = _validate_pair(W, H)
    return K.guarded_divide(H, 2 * ((W.T @ W) @ H))


def learning_rate_W(W, H):
    """The data-driven learning rate ``η_W = W ⊘ (2WHHᵀ)`` of Lee & Seung, for this package's loss.

    See :func:`learning_rate_H` (the rate for ``½‖X − WH‖²_F`` is twice this).

    Parameters
    ----------
    W : array-like of shape (m, k)
    H : array-like of shape (k, n)

    Returns
    -------
    ndarray of shape (m, k)
        The element-wise rate; ``gd_update_W(X, W, H, learning_rate_W(W, H))``
        equals ``mu_update_W(X, W, H)``.

    Notes
    -----
    Explained in *Deriving the multiplicative update*. Zeros in the denominator
    are guarded as in :func:`nmf_teach.linalg.safe_divide`.

    References
    ----------
    Lee, D. D., & Seung, H. S. (2001). Algorithms for non-negative matrix
    factorization. NIPS 13.
    """
    W, H = _validate_pair(W, H)
    return K.guarded_divide(W, 2 * (W @ (H @ H.T)))


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


def _validate_pair(W, H):
    W = as_matrix(W, "W")
    H = as_matrix(H, "H")
    if W.shape[1] != H.shape[0]:
        raise ValueError(
            f"The ranks disagree: W has {W.shape[1]} columns but H has {H.shape[0]} rows."
        )
    return W, H


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
        A fixed step, or an element-wise one such as ``learning_rate_W(W, H)``.

    Returns
    -------
    W_new : ndarray of shape (m, k)

    Notes
    -----
    Explained in *Gradient descent*.
    """
    X, W, H = validate_problem(X, W, H, nonnegative=False)
    return W - validate_learning_rate(learning_rate, W.shape, "learning_rate") * K.frobenius_gradient_W(X, W, H)


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
    X, W, H = validate_problem(X, W, H, nonnegative=False)
    return H - validate_learning_rate(learning_rate, H.shape, "learning_rate") * K.frobenius_gradient_H(X, W, H)


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
    X, W, H = validate_problem(X, W, H)
    return _mu_W(X, W, H)


def _mu_W(X, W, H):
    """The kernel :func:`nmf_teach._kernels.mu_factor` on a copy of W (for :mod:`nmf_teach.checks`)."""
    return K.mu_factor(np.array(W, dtype=float), X @ H.T, H @ H.T)


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
    X, W, H = validate_problem(X, W, H)
    return _mu_H(X, W, H)


def _mu_H(X, W, H):
    """The kernel :func:`nmf_teach._kernels.mu_factor` on a copy of H, by transposition."""
    H = np.array(H, dtype=float)
    K.mu_factor(H.T, (W.T @ X).T, W.T @ W)
    return H


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
    X, W, H = validate_problem(X, W, H)
    return _hals_W(X, W, H)


def _hals_W(X, W, H, sweeps=1):
    A = np.ascontiguousarray(W.T, dtype=float).copy()  # row j of A is column j of W
    return np.ascontiguousarray(K.hals_rows(A, H @ X.T, H @ H.T, sweeps).T)


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
    X, W, H = validate_problem(X, W, H)
    return _hals_H(X, W, H)


def _hals_H(X, W, H, sweeps=1):
    return K.hals_rows(np.array(H, dtype=float), W.T @ X, W.T @ W, sweeps)


# --------------------------------------------------------------------------
# one full iteration
# --------------------------------------------------------------------------
def _step(X, W, H, method, learning_rate):
    """One alternating iteration on validated arrays: W first, then H (new arrays)."""
    if method == "mu":
        W = _mu_W(X, W, H)
        return W, _mu_H(X, W, H)
    if method == "hals":
        W = _hals_W(X, W, H)
        return W, _hals_H(X, W, H)
    return K.gd_iteration(X, W, H, method == "pgd", learning_rate)


def one_iteration(X, W, H, method="mu", *, learning_rate=None):
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
    method = validate_option(method, METHODS, "method")
    X, W, H = validate_problem(X, W, H, nonnegative=method != "gd")
    if learning_rate is not None:
        if method in ("mu", "hals"):
            raise ValueError(f"method={method!r} has no learning rate; pass learning_rate=None.")
        learning_rate = validate_learning_rate(learning_rate, (), "learning_rate")
    return _step(X, W, H, method, learning_rate)
