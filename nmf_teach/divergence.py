"""The Kullback–Leibler divergence D(X ‖ WH) and its multiplicative updates.

Explained in *The Kullback–Leibler divergence* (``book/16_kl_divergence``).

For non-negative X and Y = WH,

    D(X ‖ Y) = Σ_ij  X_ij log(X_ij / Y_ij) − X_ij + Y_ij,       with 0 · log 0 = 0,

the generalized KL divergence (the β-divergence with β = 1). Its gradients
split into a positive and a negative part,

    ∇_W D = J Hᵀ − (X ⊘ WH) Hᵀ,          ∇_H D = Wᵀ J − Wᵀ (X ⊘ WH),

(J the all-ones matrix), and the step "factor ∘ negative part ⊘ positive part"
is Lee & Seung's KL update:

    W ← W ∘ ((X ⊘ WH) Hᵀ) ⊘ (J Hᵀ),     H ← H ∘ (Wᵀ (X ⊘ WH)) ⊘ (Wᵀ J).

``J Hᵀ`` has the row sums of H in every row and ``Wᵀ J`` the column sums of W
in every column. The divisions are guarded as scikit-learn guards them (its
``_multiplicative_update_w/h`` with ``beta_loss=1``), so that this package and
``NMF(solver="mu", beta_loss="kullback-leibler")`` give the same iterates.
"""

from __future__ import annotations

import numpy as np

from ._validation import check_nonnegative
from .linalg import EPS
from .objective import check_problem

__all__ = ["kl_divergence", "kl_loss", "kl_gradient_W", "kl_gradient_H", "kl_mu_update_W", "kl_mu_update_H",
           "BETA_LOSSES"]

#: The losses :func:`nmf_teach.solvers.nmf` minimizes, by ``beta_loss``.
BETA_LOSSES = ("frobenius", "kullback-leibler")

#: Below this, an entry of H is set to 0 after a KL update (as scikit-learn does, for stability).
_H_FLOOR = np.finfo(np.float64).eps


def kl_divergence(X, Y):
    """The generalized Kullback–Leibler divergence ``D(X ‖ Y)``.

    Parameters
    ----------
    X : array-like of shape (m, n)
        Non-negative.
    Y : array-like of shape (m, n)
        Non-negative, the approximation.

    Returns
    -------
    float
        ``Σ X log(X/Y) − X + Y`` over all entries, with ``0 · log 0 = 0``; ``inf``
        if some ``Y_ij = 0`` where ``X_ij > 0``. It is 0 exactly when X = Y.

    Notes
    -----
    Explained in *The Kullback–Leibler divergence*.
    """
    X = check_nonnegative(X, "X")
    Y = check_nonnegative(Y, "Y")
    if X.shape != Y.shape:
        raise ValueError(f"X has shape {X.shape} but Y has shape {Y.shape}; they must match.")
    pos = X > 0
    with np.errstate(divide="ignore"):
        logs = np.log(X[pos] / Y[pos])
    return float(np.dot(X[pos], logs) - X.sum() + Y.sum())


def kl_loss(X, W, H):
    """``D(X ‖ WH)``, as :func:`nmf_teach.solvers.nmf` reports it for ``beta_loss="kullback-leibler"``.

    Parameters
    ----------
    X : array-like of shape (m, n)
    W : array-like of shape (m, k)
    H : array-like of shape (k, n)
        All non-negative.

    Returns
    -------
    float
        Entries of WH below float32 eps where X > 0 count as eps (scikit-learn's
        guard), so the value is finite.

    Notes
    -----
    Explained in *The Kullback–Leibler divergence*.
    """
    X, W, H = check_problem(X, W, H)
    return _kl_loss(X, W, H)


def _kl_loss(X, W, H):
    Y = W @ H
    pos = X > EPS
    x = X[pos]
    y = Y[pos]
    y[y < EPS] = EPS
    return float(np.dot(x, np.log(x / y)) - X.sum() + Y.sum())


def kl_gradient_W(X, W, H):
    """``∇_W D(X ‖ WH) = J Hᵀ − (X ⊘ WH) Hᵀ``, shape (m, k).

    Notes
    -----
    Explained in *The Kullback–Leibler divergence*; check it against
    :func:`nmf_teach.linalg.numerical_gradient`.
    """
    X, W, H = check_problem(X, W, H)
    return np.ones_like(X) @ H.T - (X / (W @ H)) @ H.T


def kl_gradient_H(X, W, H):
    """``∇_H D(X ‖ WH) = Wᵀ J − Wᵀ (X ⊘ WH)``, shape (k, n).

    Notes
    -----
    Explained in *The Kullback–Leibler divergence*.
    """
    X, W, H = check_problem(X, W, H)
    return W.T @ np.ones_like(X) - W.T @ (X / (W @ H))


def kl_mu_update_W(X, W, H):
    """Lee & Seung's KL update of W: ``W ∘ ((X ⊘ WH) Hᵀ) ⊘ (J Hᵀ)``.

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
    Derived in *The Kullback–Leibler divergence*.

    References
    ----------
    Lee, D. D., & Seung, H. S. (2001). Algorithms for non-negative matrix
    factorization. NIPS 13.
    """
    X, W, H = check_problem(X, W, H)
    return _kl_mu_W(X, W.copy(), H)


def kl_mu_update_H(X, W, H):
    """Lee & Seung's KL update of H: ``H ∘ (Wᵀ (X ⊘ WH)) ⊘ (Wᵀ J)``; entries below float64 eps become 0.

    Notes
    -----
    Derived in *The Kullback–Leibler divergence*.
    """
    X, W, H = check_problem(X, W, H)
    return _kl_mu_H(X, W, H.copy())


def _ratio(X, W, H):
    """X ⊘ WH with WH below float32 eps raised to eps (scikit-learn's guard)."""
    R = W @ H
    R[R < EPS] = EPS
    np.divide(X, R, out=R)
    return R


def _kl_mu_W(X, W, H):
    """In place on W."""
    num = _ratio(X, W, H) @ H.T
    den = np.broadcast_to(H.sum(axis=1), num.shape).copy()
    den[den == 0] = EPS
    num /= den
    W *= num
    return W


def _kl_mu_H(X, W, H):
    """In place on H."""
    num = W.T @ _ratio(X, W, H)
    wsum = W.sum(axis=0)
    wsum[wsum == 0] = 1.0
    den = np.broadcast_to(wsum[:, None], num.shape).copy()
    den[den == 0] = EPS
    num /= den
    H *= num
    H[H < _H_FLOOR] = 0.0
    return H
