"""NMF with missing entries: the masked loss ‖M ∘ (X − WH)‖²_F and its multiplicative updates.

Explained in *Predicting missing entries* (``book/14_missing_entries``) and used
for cross-validation in *How many components?* (``book/15_choosing_k``).

M is a boolean array of X's shape, **True where the entry is observed**. The
entries of X where M is False are ignored (they may be NaN). With
``P = M ∘ (WH)`` and ``Y = M ∘ X`` (zeros where unobserved) the gradients of
``f_M = ‖M ∘ (X − WH)‖²_F`` are

    ∇_W f_M = 2 (P − Y) Hᵀ,        ∇_H f_M = 2 Wᵀ (P − Y),

and the data-driven rates of the unmasked derivation give Lee & Seung's updates
with masked products:

    W ← W ∘ (Y Hᵀ) ⊘ (P Hᵀ),       H ← H ∘ (Wᵀ Y) ⊘ (Wᵀ P).

With M all True they are the plain multiplicative updates. The auxiliary
function of Lee & Seung carries over (each row of W, each column of H, is a
non-negative least-squares problem with the observed entries only), so the
observed loss never rises.
"""

from __future__ import annotations

import numpy as np

from . import _kernels as K
from ._validation import as_matrix, validate_factor

__all__ = ["validate_mask", "masked_data", "masked_loss", "masked_mu_update_W", "masked_mu_update_H"]


def validate_mask(mask, shape):
    """Return ``mask`` as a boolean array of ``shape`` with at least one True, or raise.

    Parameters
    ----------
    mask : array-like of bool, shape (m, n)
        True where the entry is observed.
    shape : tuple of int
        X's shape.

    Returns
    -------
    ndarray of bool, shape (m, n)

    Raises
    ------
    TypeError
        If the mask is not boolean (a 0/1 float array is refused: pass ``mask.astype(bool)``).
    ValueError
        If its shape differs from X's, or it has no True entry.
    """
    if mask is None:
        raise TypeError("mask is None; pass a boolean array, True where X is observed.")
    M = np.asarray(mask)
    if M.dtype != bool:
        raise TypeError(
            f"mask must be a boolean array (True where X is observed), got dtype {M.dtype}; "
            "convert with mask.astype(bool) or build it with a comparison such as ~np.isnan(X)."
        )
    if M.shape != tuple(shape):
        raise ValueError(f"mask has shape {M.shape} but X has shape {tuple(shape)}; they must match.")
    if not M.any():
        raise ValueError("mask has no True entry: nothing of X is observed, so there is nothing to fit.")
    return M


def masked_data(X, mask):
    """Validate (X, mask) and return ``(M ∘ X, M)``: X with zeros where unobserved.

    Parameters
    ----------
    X : array-like of shape (m, n)
        Non-negative where observed; anything (NaN included) where unobserved.
    mask : array-like of bool, shape (m, n)
        True where the entry is observed.

    Returns
    -------
    Y : ndarray of shape (m, n), float32 if X is float32, else float64
        X where observed, 0 elsewhere.
    M : ndarray of bool, shape (m, n)

    Raises
    ------
    ValueError
        If an observed entry is NaN, infinite or negative (with its position), and
        everything :func:`validate_mask` raises.
    """
    if X is None or isinstance(X, (str, bytes)):
        raise TypeError(f"X must be a 2-D array of real numbers, got {type(X).__name__}.")
    arr = np.asarray(X)
    if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number) or arr.dtype == bool):
        raise TypeError(f"X has dtype {arr.dtype}; expected real numbers (NaN allowed where unobserved).")
    if np.iscomplexobj(arr):
        raise TypeError(f"X has complex entries (dtype {arr.dtype}); NMF needs real numbers.")
    if arr.ndim != 2 or arr.size == 0:
        raise ValueError(f"X must be a non-empty 2-D array, got shape {arr.shape}.")
    arr = arr.astype(np.float32 if arr.dtype == np.float32 else np.float64)  # float32 stays float32
    M = validate_mask(mask, arr.shape)
    with np.errstate(invalid="ignore"):
        bad = M & ~np.isfinite(arr)
        if bad.any():
            i, j = np.argwhere(bad)[0]
            raise ValueError(
                f"X has {int(bad.sum())} NaN or infinite entries where mask is True (observed); the first is "
                f"X[{i}, {j}] = {arr[i, j]}. Set mask[{i}, {j}] = False if that entry is missing."
            )
        neg = M & (arr < 0)
    if neg.any():
        i, j = np.argwhere(neg)[0]
        raise ValueError(
            f"X has {int(neg.sum())} negative observed entries; the first is X[{i}, {j}] = {arr[i, j]:g}. "
            "NMF needs non-negative data."
        )
    return np.where(M, arr, arr.dtype.type(0)), M


def masked_loss(X, W, H, mask):
    """The observed loss ``‖M ∘ (X − WH)‖²_F`` (entries where M is False are ignored).

    Parameters
    ----------
    X : array-like of shape (m, n)
    W : array-like of shape (m, k)
    H : array-like of shape (k, n)
    mask : array-like of bool, shape (m, n)
        True where X is observed.

    Returns
    -------
    float

    Notes
    -----
    Explained in *Predicting missing entries*.
    """
    Y, M = masked_data(X, mask)
    W, H = _factors(W, H, Y.shape)
    return _masked_loss(Y, M, W, H)


def _factors(W, H, shape):
    W = as_matrix(W, "W")
    H = as_matrix(H, "H")
    k = W.shape[1]
    W = validate_factor(W, (shape[0], k), "W")
    H = validate_factor(H, (k, shape[1]), "H")
    return W, H


def _masked_loss(Y, M, W, H):
    return K.masked_loss(Y, M, W, H)


def masked_mu_update_W(X, W, H, mask):
    """Masked multiplicative update of W: ``W ∘ ((M∘X)Hᵀ) ⊘ ((M∘(WH))Hᵀ)``.

    Parameters
    ----------
    X : array-like of shape (m, n)
    W : array-like of shape (m, k)
    H : array-like of shape (k, n)
    mask : array-like of bool, shape (m, n)
        True where X is observed.

    Returns
    -------
    W_new : ndarray of shape (m, k)
        A row of W whose row of M is all False becomes 0 (nothing constrains it).

    Notes
    -----
    Derived in *Predicting missing entries*. Exact zeros of the denominator are
    replaced by float32 eps, as in the unmasked update.
    """
    Y, M = masked_data(X, mask)
    W, H = _factors(W, H, Y.shape)
    return _masked_mu_W(Y, M, W.copy(), H)


def masked_mu_update_H(X, W, H, mask):
    """Masked multiplicative update of H: ``H ∘ (Wᵀ(M∘X)) ⊘ (Wᵀ(M∘(WH)))``.

    Parameters
    ----------
    X : array-like of shape (m, n)
    W : array-like of shape (m, k)
    H : array-like of shape (k, n)
    mask : array-like of bool, shape (m, n)

    Returns
    -------
    H_new : ndarray of shape (k, n)

    Notes
    -----
    Derived in *Predicting missing entries*.
    """
    Y, M = masked_data(X, mask)
    W, H = _factors(W, H, Y.shape)
    return _masked_mu_H(Y, M, W, H.copy())


def _masked_mu_W(Y, M, W, H):
    """In place on W: :func:`nmf_teach._kernels.masked_mu_factor`."""
    return K.masked_mu_factor(W, H.T, Y, M)


def _masked_mu_H(Y, M, W, H):
    """In place on H: the same kernel, by transposition."""
    K.masked_mu_factor(H.T, W, Y.T, M.T)
    return H
