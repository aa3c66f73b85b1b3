"""The NMF objective ‖X − WH‖²_F and its gradients.

Explained in the chapters *The NMF problem* (``book/03_nmf_problem``) and
*Gradient descent* (``book/04_gradient_descent``).

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

from ._validation import as_matrix, check_nonnegative

__all__ = [
    "check_problem",
    "loss",
    "loss_trace_expansion",
    "sklearn_objective",
    "reconstruction_error",
    "gradient_W",
    "gradient_H",
]


def check_problem(X, W, H, *, nonnegative=True):
    """Validate a triple (X, W, H) and return float64 arrays.

    Parameters
    ----------
    X : array-like of shape (m, n)
    W : array-like of shape (m, k)
    H : array-like of shape (k, n)
    nonnegative : bool, default=True
        Whether negative entries of W and H are refused. Gradient descent can
        leave the non-negative orthant, so the objective itself passes
        ``False``. X must always be non-negative.

    Returns
    -------
    X : ndarray of shape (m, n), dtype float64
    W : ndarray of shape (m, k), dtype float64
    H : ndarray of shape (k, n), dtype float64

    Raises
    ------
    TypeError
        If a matrix is None, a string, sparse, or not real numbers.
    ValueError
        If a matrix is not 2-D, has NaN/inf or (where refused) negative entries,
        or the shapes do not fit together as (m, n) ≈ (m, k)(k, n).

    Notes
    -----
    Every public function that takes a problem (X, W, H) calls it first.
    Explained in *The NMF problem*.
    """
    check = check_nonnegative if nonnegative else as_matrix
    X = check_nonnegative(X, "X")
    W = check(W, "W")
    H = check(H, "H")
    m, n = X.shape
    if W.shape[0] != m:
        raise ValueError(f"W has {W.shape[0]} rows but X has {m}; W must have shape (m, k) = ({m}, k).")
    if H.shape[1] != n:
        raise ValueError(f"H has {H.shape[1]} columns but X has {n}; H must have shape (k, n) = (k, {n}).")
    if W.shape[1] != H.shape[0]:
        raise ValueError(
            f"The ranks disagree: W has {W.shape[1]} columns but H has {H.shape[0]} rows; "
            "both must equal the number of components k."
        )
    return X, W, H


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
    X, W, H = check_problem(X, W, H, nonnegative=False)
    return _loss(X, W, H)


def _loss(X, W, H):
    R = X - W @ H
    return float(np.dot(R.ravel(), R.ravel()))


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
    X, W, H = check_problem(X, W, H, nonnegative=False)
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
    X, W, H = check_problem(X, W, H, nonnegative=False)
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
    X, W, H = check_problem(X, W, H, nonnegative=False)
    return _gradient_H(X, W, H)


def _gradient_H(X, W, H):
    return 2.0 * ((W.T @ W) @ H - W.T @ X)
