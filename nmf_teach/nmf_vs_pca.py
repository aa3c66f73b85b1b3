"""Measures that compare NMF with PCA/SVD: signs, sparsity, overlap, cancellation, storage.

Explained in *Why NMF* (``book/01_why_nmf``).

Each function turns one sentence of that chapter into a number:

- :func:`negative_fraction`   "PCA components have negative entries"
- :func:`near_zero_fraction`  "NMF parts are sparse"
- :func:`row_cosines`         "PCA components are orthogonal, NMF parts overlap"
- :func:`cancellation_ratio`  "NMF only adds parts; PCA adds and subtracts them"
- :func:`storage_ratio`       "storing W and H is cheaper than storing X"
- :func:`one_hot`             "k-means is NMF with one-hot weights"
"""

from __future__ import annotations

import numpy as np

from ._validation import as_matrix, validate_integer_labels, validate_n_components, validate_positive_int, validate_positive_scalar

__all__ = [
    "negative_fraction",
    "near_zero_fraction",
    "row_cosines",
    "cancellation_ratio",
    "storage_ratio",
    "one_hot",
]


def negative_fraction(A):
    """The fraction of entries of ``A`` that are strictly negative.

    Parameters
    ----------
    A : array-like of shape (m, n)

    Returns
    -------
    float
        In [0, 1]; 0 for any non-negative matrix (such as NMF factors).

    Notes
    -----
    Explained in *Why NMF*.
    """
    A = as_matrix(A, "A")
    return float(np.mean(A < 0))


def near_zero_fraction(A, rel_tol=0.05):
    """The fraction of entries that are negligible compared with their row.

    Entry ``A[i, j]`` counts as near zero when
    ``|A[i, j]| <= rel_tol * max_j |A[i, j]|``: each row (one component, one
    image) is judged on its own scale, so scaling a row changes nothing.

    Parameters
    ----------
    A : array-like of shape (k, n)
        For example the components ``H`` of NMF or ``components_`` of PCA.
    rel_tol : float, default=0.05
        The threshold, relative to the largest absolute entry of the row.

    Returns
    -------
    float
        In [0, 1]. A row of zeros counts as entirely near zero.

    Notes
    -----
    Explained in *Why NMF*.
    """
    A = as_matrix(A, "A")
    rel_tol = validate_positive_scalar(rel_tol, "rel_tol", allow_zero=True)
    absA = np.abs(A)
    scale = absA.max(axis=1, keepdims=True)
    return float(np.mean(absA <= rel_tol * scale))


def row_cosines(A):
    """Cosines of the angles between the rows of ``A``.

    Parameters
    ----------
    A : array-like of shape (k, n)
        No row may be zero.

    Returns
    -------
    ndarray of shape (k, k)
        ``C[r, s] = <a_r, a_s> / (|a_r| |a_s|)``; the identity matrix exactly
        when the rows are orthogonal. For non-negative rows every cosine is
        ``>= 0``, and it is 0 only when the two rows never are positive in the
        same place.

    Notes
    -----
    Explained in *Why NMF*.
    """
    A = as_matrix(A, "A")
    norms = np.linalg.norm(A, axis=1)
    if np.any(norms == 0):
        r = int(np.argmax(norms == 0))
        raise ValueError(f"Row {r} of A is zero; the angle to a zero vector is undefined.")
    U = A / norms[:, None]
    return U @ U.T


def cancellation_ratio(W, H):
    """How much the terms of ``WH`` cancel: ``Σ_ij Σ_r |W_ir H_rj| / Σ_ij |(WH)_ij|``.

    ``WH`` is the sum of ``k`` rank-one terms ``W[:, r] H[r, :]``. Adding up the
    absolute sizes of all terms and dividing by the absolute size of the result
    gives a ratio ``>= 1`` (triangle inequality). It equals 1 when nothing
    cancels, which is always the case for non-negative W and H; a large ratio
    means big positive and negative terms that mostly cancel out.

    Parameters
    ----------
    W : array-like of shape (m, k)
    H : array-like of shape (k, n)
        ``WH`` must not be all zeros.

    Returns
    -------
    float

    Notes
    -----
    Explained in *Why NMF*.
    """
    W = as_matrix(W, "W")
    H = as_matrix(H, "H")
    if W.shape[1] != H.shape[0]:
        raise ValueError(
            f"W has {W.shape[1]} columns but H has {H.shape[0]} rows; both must equal k."
        )
    total = float(np.abs(W @ H).sum())
    if total == 0:
        raise ValueError("WH is the zero matrix; the cancellation ratio is undefined.")
    return float((np.abs(W) @ np.abs(H)).sum()) / total


def storage_ratio(m, n, k):
    """Numbers stored for ``W`` and ``H`` divided by numbers stored for ``X``.

    Parameters
    ----------
    m, n : int
        The shape of X.
    k : int
        The number of components.

    Returns
    -------
    float
        ``(m k + k n) / (m n)``; below 1 exactly when ``k < m n / (m + n)``.

    Notes
    -----
    Explained in *Why NMF*.
    """
    m = validate_positive_int(m, "m")
    n = validate_positive_int(n, "n")
    k = validate_positive_int(k, "k")
    return (m * k + k * n) / (m * n)


def one_hot(labels, n_components=None):
    """The one-hot weight matrix of a clustering: ``W[i, labels[i]] = 1``.

    Parameters
    ----------
    labels : array-like of int, shape (m,)
        Cluster numbers 0, 1, ..., k - 1. Whole-number floats such as ``2.0``
        are accepted; booleans, strings and None are refused with a ``TypeError``.
    n_components : int, optional
        k; ``max(labels) + 1`` by default.

    Returns
    -------
    ndarray of shape (m, k)
        Each row has a single 1. With ``H`` the cluster centroids, ``WH``
        replaces every sample by its centroid, and ``‖X − WH‖²_F`` is the
        k-means objective (the inertia).

    Notes
    -----
    Explained in *Why NMF*.
    """
    if labels is None or isinstance(labels, (str, bytes)):
        raise TypeError(f"labels must be a 1-D array of integers 0, ..., k - 1, got {labels!r}.")
    labels = np.asarray(labels)
    if labels.ndim != 1 or labels.size == 0:
        raise ValueError(f"labels must be a non-empty 1-D array, got shape {labels.shape}.")
    labels = validate_integer_labels(labels)
    if labels.min() < 0:
        raise ValueError(f"labels must be >= 0; the smallest is {labels.min()}.")
    k = int(labels.max()) + 1 if n_components is None else validate_n_components(n_components)
    if labels.max() >= k:
        raise ValueError(f"labels go up to {labels.max()} but n_components is {k}; labels must be < k.")
    W = np.zeros((labels.size, k))
    W[np.arange(labels.size), labels] = 1.0
    return W
