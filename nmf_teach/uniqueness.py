"""Comparing NMF solutions up to permutation and scaling.

An NMF ``X ≈ WH`` is never unique: for any permutation matrix ``P`` and any
positive diagonal ``D``, the pair ``(W P D, D⁻¹ Pᵀ H)`` has the same product.
This module removes that freedom so that two runs can be compared:

- :func:`normalize_factors` fixes the scale: each row of H gets unit max (or
  unit sum, or unit Euclidean norm) and the scale moves into W's column.
- :func:`match_components` fixes the order with the Hungarian algorithm
  (:func:`scipy.optimize.linear_sum_assignment`).
- :func:`align_factors` does both, relative to a reference solution.
- :func:`factorization_distance` is ~0 exactly when two solutions are the same
  up to permutation and scaling.
- :func:`group_solutions` sorts many runs into distinct solutions.
- :func:`is_scaled_permutation` tells whether a k × k matrix ``Q`` is one of
  the "trivial" ambiguities (a monomial matrix).

Explained in *Non-uniqueness* (``book/10_non_uniqueness``) and used in
*The pizza, chicken and burger+fries example* (``book/09_pizza``).
"""

from __future__ import annotations

import numpy as np

from ._validation import as_matrix, validate_nonnegative, validate_option, validate_positive_scalar

__all__ = [
    "NORMS",
    "normalize_factors",
    "match_components",
    "align_factors",
    "factorization_distance",
    "group_solutions",
    "is_scaled_permutation",
]

#: The row scalings :func:`normalize_factors` knows.
NORMS = ("max", "sum", "l2")


def _validate_pair(W, H, names=("W", "H")):
    W = validate_nonnegative(W, names[0])
    H = validate_nonnegative(H, names[1])
    if W.shape[1] != H.shape[0]:
        raise ValueError(
            f"The ranks disagree: {names[0]} has {W.shape[1]} columns but {names[1]} has "
            f"{H.shape[0]} rows; both must equal the number of components k."
        )
    return W, H


def _validate_not_zero(W, H, names=("W", "H")):
    """Raise ``ValueError`` if either factor is all zero (then ``W @ H`` is zero)."""
    for A, name in zip((W, H), names):
        if not A.any():
            raise ValueError(
                f"{name} is all zero, so {names[0]} @ {names[1]} is zero; the relative distance "
                "is undefined. Pass a factorization with a nonzero product."
            )


def _row_scale(H, norm):
    if norm == "max":
        s = H.max(axis=1)
    elif norm == "sum":
        s = H.sum(axis=1)
    else:
        s = np.sqrt((H * H).sum(axis=1))
    # An all-zero component has no scale to remove: leave it as it is.
    return np.where(s > 0, s, 1.0)


def normalize_factors(W, H, *, norm="max"):
    """Rescale each component to a unit size and move the scale into W.

    Row ``r`` of H is divided by its size ``s_r`` (its largest entry, its sum or
    its Euclidean norm) and column ``r`` of W is multiplied by ``s_r``, so the
    product ``WH`` does not change. A row of zeros is left as it is.

    Parameters
    ----------
    W : array-like of shape (m, k)
        Non-negative weights.
    H : array-like of shape (k, n)
        Non-negative components.
    norm : {"max", "sum", "l2"}, default="max"
        "max" makes the largest entry of each component 1 (components read as
        items, weights as counts); "sum" makes each component sum to 1 (a
        distribution over features); "l2" gives unit Euclidean length.

    Returns
    -------
    W_n : ndarray of shape (m, k)
        ``W * s`` (column ``r`` times ``s_r``).
    H_n : ndarray of shape (k, n)
        ``H / s[:, None]``.

    Notes
    -----
    Explained in *The pizza, chicken and burger+fries example* and
    *Non-uniqueness*.
    """
    W, H = _validate_pair(W, H)
    norm = validate_option(norm, NORMS, "norm")
    s = _row_scale(H, norm)
    return W * s[None, :], H / s[:, None]


def match_components(H_ref, H):
    """The order of H's components that best matches those of ``H_ref``.

    Both are first scaled to unit-length rows (so scale does not matter), the
    cost of pairing reference component ``i`` with component ``j`` is the
    Euclidean distance between them, and the pairing with the smallest total
    cost is found with the Hungarian algorithm
    (:func:`scipy.optimize.linear_sum_assignment`).

    Parameters
    ----------
    H_ref : array-like of shape (k, n)
        The reference components.
    H : array-like of shape (k, n)
        The components to reorder.

    Returns
    -------
    perm : ndarray of int, shape (k,)
        ``H[perm]`` lines up with ``H_ref``: component ``perm[i]`` of H is the
        partner of component ``i`` of the reference. Use ``W[:, perm]`` for W.

    Notes
    -----
    Explained in *Non-uniqueness*.
    """
    from scipy.optimize import linear_sum_assignment

    H_ref = validate_nonnegative(H_ref, "H_ref")
    H = validate_nonnegative(H, "H")
    if H_ref.shape != H.shape:
        raise ValueError(
            f"H_ref has shape {H_ref.shape} and H has shape {H.shape}; matching needs the "
            "same number of components and features."
        )
    A = H_ref / _row_scale(H_ref, "l2")[:, None]
    B = H / _row_scale(H, "l2")[:, None]
    cost = np.sqrt(((A[:, None, :] - B[None, :, :]) ** 2).sum(axis=2))
    rows, cols = linear_sum_assignment(cost)
    perm = np.empty(H.shape[0], dtype=int)
    perm[rows] = cols
    return perm


def align_factors(W_ref, H_ref, W, H, *, norm="max"):
    """Normalize ``(W, H)`` and put its components in the order of the reference.

    Parameters
    ----------
    W_ref : array-like of shape (m, k)
    H_ref : array-like of shape (k, n)
        The reference solution.
    W : array-like of shape (m, k)
    H : array-like of shape (k, n)
        The solution to align.
    norm : {"max", "sum", "l2"}, default="max"
        How components are scaled; see :func:`normalize_factors`.

    Returns
    -------
    W_a : ndarray of shape (m, k)
    H_a : ndarray of shape (k, n)
        Normalized and permuted; ``W_a @ H_a`` equals ``W @ H``.

    Notes
    -----
    Explained in *Non-uniqueness*.
    """
    W_ref, H_ref = _validate_pair(W_ref, H_ref, ("W_ref", "H_ref"))
    W, H = _validate_pair(W, H)
    if W_ref.shape != W.shape or H_ref.shape != H.shape:
        raise ValueError(
            f"The solutions have different shapes: W_ref {W_ref.shape}, H_ref {H_ref.shape} "
            f"but W {W.shape}, H {H.shape}."
        )
    W_n, H_n = normalize_factors(W, H, norm=norm)
    perm = match_components(H_ref, H_n)
    return W_n[:, perm], H_n[perm]


def factorization_distance(W1, H1, W2, H2, *, norm="max"):
    """How far apart two factorizations are, once permutation and scale are removed.

    Both are normalized with :func:`normalize_factors`, the second is aligned to
    the first with :func:`match_components`, and the larger of the two
    relative Frobenius distances is returned::

        max(‖W1ₙ − W2ₐ‖_F / ‖W1ₙ‖_F,  ‖H1ₙ − H2ₐ‖_F / ‖H1ₙ‖_F)

    Parameters
    ----------
    W1 : array-like of shape (m, k)
    H1 : array-like of shape (k, n)
    W2 : array-like of shape (m, k)
    H2 : array-like of shape (k, n)
    norm : {"max", "sum", "l2"}, default="max"

    Returns
    -------
    float
        0 when ``(W2, H2) = (W1 P D, D⁻¹ Pᵀ H1)`` for a permutation ``P`` and a
        positive diagonal ``D``; small when the two are close to that.

    Raises
    ------
    ValueError
        If W1 or H1 is all zero: ``W1 @ H1`` is then zero and the relative
        distance is undefined. Also on negative entries or mismatched shapes.

    Notes
    -----
    Explained in *Non-uniqueness*.
    """
    W1, H1 = _validate_pair(W1, H1, ("W1", "H1"))
    W2, H2 = _validate_pair(W2, H2, ("W2", "H2"))
    if W1.shape != W2.shape or H1.shape != H2.shape:
        raise ValueError(
            f"The factorizations have different shapes: W1 {W1.shape}, H1 {H1.shape} "
            f"but W2 {W2.shape}, H2 {H2.shape}."
        )
    _validate_not_zero(W1, H1, ("W1", "H1"))
    W1n, H1n = normalize_factors(W1, H1, norm=norm)
    W2a, H2a = align_factors(W1n, H1n, W2, H2, norm=norm)
    # W1n and H1n are nonzero because W1 and H1 are (normalization keeps zero rows as they are)
    dW = np.linalg.norm(W1n - W2a) / np.linalg.norm(W1n)
    dH = np.linalg.norm(H1n - H2a) / np.linalg.norm(H1n)
    return float(max(dW, dH))


def group_solutions(solutions, *, tol=1e-3, norm="max"):
    """Sort many runs into distinct solutions (up to permutation and scaling).

    Greedy grouping: each run joins the first group whose first member is
    within ``tol`` of it (by :func:`factorization_distance`), or starts a new
    group.

    Parameters
    ----------
    solutions : sequence of (W, H) pairs
        For example ``[(res.W, res.H) for res in runs]``; all of the same shapes.
    tol : float, default=1e-3
        The largest distance at which two runs count as the same solution.
    norm : {"max", "sum", "l2"}, default="max"

    Returns
    -------
    labels : ndarray of int, shape (n_runs,)
        Group number of each run, numbered 0, 1, ... in order of first appearance;
        ``labels.max() + 1`` is the number of distinct solutions.

    Notes
    -----
    Explained in *Non-uniqueness*.
    """
    tol = validate_positive_scalar(tol, "tol")
    validate_option(norm, NORMS, "norm")
    solutions = list(solutions)
    if len(solutions) == 0:
        raise ValueError("solutions is empty; pass a list of (W, H) pairs.")
    pairs = []
    for i, pair in enumerate(solutions):
        if not isinstance(pair, (tuple, list)) or len(pair) != 2:
            raise TypeError(f"solutions[{i}] must be a pair (W, H), got {type(pair).__name__}.")
        names = (f"solutions[{i}][0]", f"solutions[{i}][1]")
        pairs.append(_validate_pair(pair[0], pair[1], names))
        _validate_not_zero(*pairs[-1], names)
    labels = np.empty(len(pairs), dtype=int)
    reps = []
    for i, (W, H) in enumerate(pairs):
        for g, r in enumerate(reps):
            Wr, Hr = pairs[r]
            if W.shape != Wr.shape or H.shape != Hr.shape:
                raise ValueError(
                    f"solutions[{i}] has shapes W {W.shape}, H {H.shape} but solutions[{r}] has "
                    f"W {Wr.shape}, H {Hr.shape}; all runs need the same shapes."
                )
            if factorization_distance(Wr, Hr, W, H, norm=norm) <= tol:
                labels[i] = g
                break
        else:
            labels[i] = len(reps)
            reps.append(i)
    return labels


def is_scaled_permutation(Q, *, atol=1e-10):
    """Whether a square matrix is a permutation times a positive diagonal.

    Such a *monomial* matrix ``Q = P D`` maps one NMF to another only by
    reordering and rescaling components. Any other invertible ``Q`` with
    ``WQ ≥ 0`` and ``Q⁻¹H ≥ 0`` is a genuinely different solution.

    Parameters
    ----------
    Q : array-like of shape (k, k)
    atol : float, default=1e-10
        Entries with absolute value at most ``atol`` count as zero.

    Returns
    -------
    bool
        True if every row and every column of Q has exactly one nonzero entry
        and the nonzero entries are positive.

    Notes
    -----
    Explained in *Non-uniqueness*.
    """
    Q = as_matrix(Q, "Q")
    if Q.shape[0] != Q.shape[1]:
        raise ValueError(f"Q must be square (k × k), but it has shape {Q.shape}.")
    atol = validate_positive_scalar(atol, "atol", allow_zero=True)
    nonzero = np.abs(Q) > atol
    one_per_row = np.all(nonzero.sum(axis=1) == 1)
    one_per_col = np.all(nonzero.sum(axis=0) == 1)
    return bool(one_per_row and one_per_col and np.all(Q[nonzero] > 0))
