"""NMF as clustering: soft and hard assignments, k-means as a factorization, orthogonal NMF.

Explained in *Clustering, identification and classification* (``book/20_clustering``);
:func:`soft_assignments` is also used in *NMF on text* (``book/18_text``).

Notation as everywhere in the book: ``X`` (m × n) holds one sample per row and
``X ≈ WH`` with ``W`` (m × k) the weights of the samples on ``k`` parts.

- :func:`soft_assignments` and :func:`hard_labels` read ``W`` as a clustering:
  the share of part ``r`` in sample ``i`` is ``W[i, r] Σ_j H[r, j] / Σ_j (WH)[i, j]``
  (what part ``r`` supplies of the sample's reconstruction; independent of how
  each part's scale is split between ``W`` and ``H``), and the largest share
  names the part the sample belongs to most.
- :func:`centroids`, :func:`kmeans_inertia` and :func:`normalized_indicator`
  write k-means as a factorization: with the one-hot ``W`` of
  :func:`nmf_teach.nmf_vs_pca.one_hot` and the centroids as ``H``, ``‖X − WH‖²_F``
  is the k-means objective; with the normalized indicator ``G`` (``GᵀG = I``) and
  the Gram matrix ``K = XXᵀ`` it equals ``tr(K) − tr(GᵀKG)`` (Ding, He & Simon 2005).
- :func:`orthogonality_error` and :func:`support_sizes` measure how far ``W`` is
  from having orthogonal columns, and how many parts each sample uses: a
  non-negative ``W`` with orthogonal columns has at most one non-zero per row.
- :func:`orthogonal_nmf` solves ``min ‖X − WH‖²_F`` over ``W ≥ 0`` with
  ``WᵀW = I`` (and ``H ≥ 0``) by alternating assignments and best rank-one fits.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._validation import (
    as_matrix,
    validate_n_components,
    validate_nonnegative,
    validate_integer_labels,
    validate_random_state,
)
from ._validation import integer, matrix, random_state, real, validate_params
from .nmf_vs_pca import one_hot, row_cosines

__all__ = [
    "soft_assignments",
    "hard_labels",
    "centroids",
    "kmeans_inertia",
    "normalized_indicator",
    "orthogonality_error",
    "support_sizes",
    "OrthogonalNMFResult",
    "orthogonal_nmf",
]


def _validate_no_zero_rows(W, name="W"):
    sums = W.sum(axis=1)
    zero = sums == 0
    if zero.any():
        raise ValueError(
            f"{name} gives {int(zero.sum())} sample(s) no weight at all, the first is row "
            f"{int(np.argmax(zero))}: such a sample uses no part, so it belongs to no cluster."
        )
    return sums


def _part_weights(W, H):
    """W as a validated array, its columns multiplied by the sums of the parts in H (if given)."""
    W = validate_nonnegative(W, "W")
    if H is None:
        return W
    H = validate_nonnegative(H, "H")
    if H.shape[0] != W.shape[1]:
        raise ValueError(
            f"W has {W.shape[1]} columns but H has {H.shape[0]} rows; both must equal k."
        )
    return W * H.sum(axis=1)


def soft_assignments(W, H=None):
    """How much each sample belongs to each part, as shares that sum to 1.

    With ``H`` given, the shares are those of the reconstruction:

        P[i, r] = Σ_j W[i, r] H[r, j] / Σ_j (WH)[i, j],

    the fraction of sample ``i``'s reconstructed total that part ``r`` supplies.
    They do not change when the scale of a part moves between ``W`` and ``H``
    (``W D``, ``D⁻¹ H``). Without ``H``, ``W`` is used as it is:
    ``P[i, r] = W[i, r] / Σ_s W[i, s]``, which is the same thing when every
    row of ``H`` sums to 1 (e.g. after
    ``nt.uniqueness.normalize_factors(W, H, norm="sum")``) and otherwise
    depends on how the solver happened to scale the parts.

    Parameters
    ----------
    W : array-like of shape (m, k)
        Non-negative weights, e.g. ``NMF(...).fit_transform(X)``.
    H : array-like of shape (k, n), optional
        The parts (components) that go with ``W``.

    Returns
    -------
    ndarray of shape (m, k)
        Non-negative, every row sums to 1. Row ``i`` is a soft clustering of
        sample ``i`` (a topic mixture, for a document).

    Raises
    ------
    ValueError
        If ``W`` or ``H`` has negative or non-finite entries, their shapes do
        not fit, or a sample gets no weight at all (the message names the first).

    Notes
    -----
    Explained in *Clustering, identification and classification*.
    """
    A = _part_weights(W, H)
    return A / _validate_no_zero_rows(A)[:, None]


def hard_labels(W, H=None):
    """The part each sample belongs to most: the largest of its :func:`soft_assignments`.

    Parameters
    ----------
    W : array-like of shape (m, k)
        Non-negative weights.
    H : array-like of shape (k, n), optional
        The parts. Give it unless its rows are already on a common scale:
        ``argmax`` of a raw ``W`` compares numbers whose sizes depend on how
        the solver split each part's scale between ``W`` and ``H``.

    Returns
    -------
    ndarray of int, shape (m,)
        Values in ``0, ..., k - 1``; a tie goes to the lower index.

    Raises
    ------
    ValueError
        As :func:`soft_assignments`.

    Notes
    -----
    Explained in *Clustering, identification and classification*.
    """
    return np.argmax(soft_assignments(W, H), axis=1)


def _labels(labels, m, n_components):
    """Labels as ints of length m in 0..k-1, every cluster non-empty; returns (labels, k)."""
    if labels is None or isinstance(labels, (str, bytes)):
        raise TypeError(f"labels must be a 1-D array of integers 0, ..., k - 1, got {labels!r}.")
    arr = np.asarray(labels)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"labels must be a non-empty 1-D array, got shape {arr.shape}.")
    arr = validate_integer_labels(arr)
    if m is not None and arr.size != m:
        raise ValueError(f"labels has {arr.size} entries but X has {m} rows; give one label per sample.")
    if arr.min() < 0:
        raise ValueError(f"labels must be >= 0; the smallest is {arr.min()}.")
    k = int(arr.max()) + 1 if n_components is None else validate_n_components(n_components)
    if arr.max() >= k:
        raise ValueError(f"labels go up to {arr.max()} but n_components is {k}; labels must be < k.")
    sizes = np.bincount(arr, minlength=k)
    if (sizes == 0).any():
        raise ValueError(
            f"cluster {int(np.argmin(sizes))} has no sample ({int((sizes == 0).sum())} empty cluster(s)); "
            "its centroid is undefined. Drop empty clusters or relabel 0, ..., k - 1."
        )
    return arr, k


def centroids(X, labels, n_components=None):
    """The mean of every cluster: ``H[c] = mean of the rows x_i with labels[i] = c``.

    Parameters
    ----------
    X : array-like of shape (m, n)
    labels : array-like of int, shape (m,)
        Cluster numbers ``0, ..., k - 1``; every cluster needs a sample.
    n_components : int, optional
        ``k``; ``max(labels) + 1`` by default.

    Returns
    -------
    ndarray of shape (k, n)
        ``(WᵀW)⁻¹WᵀX`` with ``W`` the one-hot matrix of the labels: the ``H``
        that minimizes ``‖X − WH‖²_F`` for that ``W``. Non-negative when ``X`` is.

    Raises
    ------
    ValueError
        If a label is out of range, the lengths differ, or a cluster is empty.

    Notes
    -----
    Explained in *Clustering, identification and classification*.
    """
    X = as_matrix(X, "X")
    labels, k = _labels(labels, X.shape[0], n_components)
    W = one_hot(labels, k)
    return (W.T @ X) / W.sum(axis=0)[:, None]


def kmeans_inertia(X, labels, n_components=None):
    """The k-means objective of a clustering: ``Σ_i ‖x_i − μ_{labels[i]}‖²``.

    Parameters
    ----------
    X : array-like of shape (m, n)
    labels : array-like of int, shape (m,)
        Cluster numbers ``0, ..., k - 1``; every cluster needs a sample.
    n_components : int, optional
        ``k``; ``max(labels) + 1`` by default.

    Returns
    -------
    float
        scikit-learn's ``KMeans.inertia_`` for these labels (with their own
        centroids). It equals ``‖X − WH‖²_F`` with ``W`` one-hot and ``H`` the
        centroids, and ``tr(K) − tr(GᵀKG)`` with ``K = XXᵀ`` and ``G`` the
        :func:`normalized_indicator`.

    Notes
    -----
    Explained in *Clustering, identification and classification*.
    """
    X = as_matrix(X, "X")
    labels, k = _labels(labels, X.shape[0], n_components)
    H = centroids(X, labels, k)
    return float(((X - H[labels]) ** 2).sum())


def normalized_indicator(labels, n_components=None):
    """The cluster indicator with unit columns: ``G[i, c] = 1/√n_c`` if ``labels[i] = c``, else 0.

    Parameters
    ----------
    labels : array-like of int, shape (m,)
        Cluster numbers ``0, ..., k - 1``; every cluster needs a sample.
    n_components : int, optional
        ``k``; ``max(labels) + 1`` by default.

    Returns
    -------
    ndarray of shape (m, k)
        ``G ≥ 0`` with ``GᵀG = I`` and one non-zero per row. ``GGᵀX`` replaces
        every sample by its cluster mean.

    Notes
    -----
    Explained in *Clustering, identification and classification*.
    """
    labels, k = _labels(labels, None, n_components)
    G = one_hot(labels, k)
    return G / np.sqrt(G.sum(axis=0))


@validate_params({"W": matrix()})
def orthogonality_error(W):
    """How far the columns of ``W`` are from orthogonal, whatever their lengths.

    Parameters
    ----------
    W : array-like of shape (m, k)
        No column may be zero.

    Returns
    -------
    float
        ``‖Cᵀ C − I‖_F`` where ``C`` is ``W`` with unit columns: 0 exactly when
        the columns are orthogonal; for non-negative ``W`` every off-diagonal
        cosine is in [0, 1], so the error is at most ``√(k(k − 1))``.

    Raises
    ------
    ValueError
        If a column of ``W`` is zero.

    Notes
    -----
    Explained in *Clustering, identification and classification*.
    """
    norms = np.linalg.norm(W, axis=0)
    if (norms == 0).any():
        raise ValueError(f"column {int(np.argmin(norms))} of W is zero; its direction is undefined.")
    cos = row_cosines(W.T)
    return float(np.linalg.norm(cos - np.eye(W.shape[1])))


@validate_params({"W": matrix(), "rel_tol": real(allow_zero=True)})
def support_sizes(W, rel_tol=0.0):
    """How many parts each sample uses: the entries of each row above ``rel_tol`` times its largest.

    Parameters
    ----------
    W : array-like of shape (m, k)
    rel_tol : float, default=0.0
        With 0, count the non-zero entries exactly; with e.g. 0.01, ignore
        entries below 1 % of the row's largest absolute entry.

    Returns
    -------
    ndarray of int, shape (m,)
        0 for a row of zeros; 1 for a row that uses a single part (a hard
        assignment); up to ``k``.

    Notes
    -----
    Explained in *Clustering, identification and classification*.
    """
    A = np.abs(W)
    return ((A > 0) & (A > rel_tol * A.max(axis=1, keepdims=True))).sum(axis=1)


@dataclass
class OrthogonalNMFResult:
    """What :func:`orthogonal_nmf` returns.

    Attributes
    ----------
    W : ndarray of shape (m, k)
        Non-negative, ``WᵀW = I`` up to rounding, at most one non-zero per row.
    H : ndarray of shape (k, n)
        Non-negative; row ``c`` is ``σ_c u_c``, the best rank-one fit of cluster ``c``.
    labels : ndarray of int, shape (m,)
        The cluster of every sample.
    losses : ndarray
        ``‖X − WH‖²_F`` after every iteration (never increasing).
    n_iter : int
    converged : bool
        True if the labels stopped changing before ``max_iter``.
    """

    W: np.ndarray
    H: np.ndarray
    labels: np.ndarray
    losses: np.ndarray
    n_iter: int
    converged: bool

    @property
    def loss(self):
        """The final ``‖X − WH‖²_F``."""
        return float(self.losses[-1])


def _top_direction(Xc):
    """A non-negative unit top right singular vector ``u`` of ``Xc`` and ``‖Xc u‖``.

    By Perron-Frobenius (``XcᵀXc`` has no negative entry) a top singular vector
    of one sign exists; flipping the sign and clipping removes rounding noise.
    Measuring ``σ = ‖Xc u‖`` afterwards keeps ``WᵀW = I`` exact.
    """
    _, _, Vt = np.linalg.svd(Xc, full_matrices=False)
    u = Vt[0] if Vt[0].sum() >= 0 else -Vt[0]
    u = np.maximum(u, 0.0)
    norm = np.linalg.norm(u)
    if norm == 0:
        return 0.0, u
    u = u / norm
    return float(np.linalg.norm(Xc @ u)), u


@validate_params({"X": matrix(nonnegative=True), "n_components": integer(), "n_init": integer(), "max_iter": integer(),
                  "random_state": random_state()})
def orthogonal_nmf(X, n_components, *, labels0=None, n_init=1, max_iter=100, random_state=0):
    """Orthogonal NMF: ``min ‖X − WH‖²_F`` over ``W ≥ 0`` with ``WᵀW = I`` and ``H ≥ 0``.

    A non-negative ``W`` with orthogonal columns has at most one non-zero per
    row, so a feasible ``W`` is a clustering with one free positive weight per
    sample. For a fixed clustering the best ``W`` and ``H`` are the best
    rank-one fits of the clusters: ``H[c] = σ_c u_c`` and
    ``W[i, c] = (x_i · u_c) / σ_c``, with ``σ_c, u_c`` the top singular value
    and right singular vector of the samples of cluster ``c``. The loss is then
    ``‖X‖²_F − Σ_c σ_c²``. The method alternates two steps that never raise it,
    like Lloyd's algorithm for k-means:

    1. assign each sample to the direction that explains most of it,
       ``argmax_c (x_i · u_c)²``;
    2. replace each ``u_c`` by the top right singular vector of its cluster.

    An empty cluster takes the worst-explained sample of a cluster with at
    least two members. A run stops when the labels no longer change.

    Parameters
    ----------
    X : array-like of shape (m, n)
        Non-negative, with at least ``n_components`` non-zero rows.
    n_components : int
        ``k``, the number of clusters.
    labels0 : array-like of int, shape (m,), optional
        A starting clustering (every cluster non-empty); then a single run is made.
    n_init : int, default=1
        Without ``labels0``: the number of runs from random starts (each
        starting from ``k`` distinct non-zero samples as directions); the run
        with the lowest loss is returned, as ``KMeans(n_init=...)`` does.
    max_iter : int, default=100
        The most iterations per run.
    random_state : None, int or numpy.random.Generator, default=0
        Seeds the random starts (``None``: fresh randomness; see
        :func:`nmf_teach._validation.validate_random_state`).

    Returns
    -------
    OrthogonalNMFResult

    Raises
    ------
    ValueError
        On negative entries, too few non-zero rows, or bad ``labels0``.

    Notes
    -----
    Explained in *Clustering, identification and classification*. Every
    feasible ``W`` gives ``H = WᵀX`` and loss ``‖X‖²_F − tr(WᵀKW)`` with
    ``K = XXᵀ``, so this is the relaxation of k-means to non-negative
    orthonormal ``W`` studied by Ding, He and Simon (2005); k-means is the same
    problem with equal entries in every column of ``W``. Like k-means, the
    result depends on the start.

    References
    ----------
    C. Ding, X. He and H. D. Simon, "On the equivalence of nonnegative matrix
    factorization and spectral clustering", SIAM SDM 2005, pp. 606–610.
    """
    k = n_components
    sq = (X**2).sum(axis=1)
    nonzero = np.flatnonzero(sq > 0)
    if nonzero.size < k:
        raise ValueError(
            f"X has {nonzero.size} non-zero row(s) but n_components is {k}; every cluster of "
            "orthogonal NMF needs a non-zero sample."
        )
    if labels0 is not None:
        labels, _ = _labels(labels0, X.shape[0], k)
        return _orthogonal_run(X, sq, k, labels, None, max_iter)
    rng = validate_random_state(random_state)
    best = None
    for _ in range(n_init):
        U = X[np.sort(rng.choice(nonzero, size=k, replace=False))]
        U = U / np.linalg.norm(U, axis=1, keepdims=True)
        run = _orthogonal_run(X, sq, k, None, U, max_iter)
        if best is None or run.loss < best.loss:
            best = run
    return best


def _orthogonal_run(X, sq, k, labels, U, max_iter):
    """One Lloyd-type run from labels (then U is None) or from directions U."""
    m = X.shape[0]
    if labels is not None:
        U, sigma = _directions(X, labels, k)
    losses = []
    converged = False
    for _ in range(max_iter):
        new = _assign(X, sq, U, k)
        if labels is not None and np.array_equal(new, labels):
            converged = True
            break
        labels = new
        U, sigma = _directions(X, labels, k)
        losses.append(float(sq.sum() - (sigma**2).sum()))
    if not losses:  # labels0 was already a fixed point
        losses.append(float(sq.sum() - (sigma**2).sum()))
    W = np.zeros((m, k))
    rows = np.arange(m)
    W[rows, labels] = (X @ U.T)[rows, labels] / sigma[labels]
    H = sigma[:, None] * U
    return OrthogonalNMFResult(W, H, labels, np.array(losses), len(losses), converged)


def _assign(X, sq, U, k):
    """Labels argmax_c (x_i·u_c)², every cluster kept non-empty."""
    scores = (X @ U.T) ** 2
    labels = np.argmax(scores, axis=1)
    residual = sq - scores[np.arange(X.shape[0]), labels]
    for c in range(k):
        if not (labels == c).any():
            sizes = np.bincount(labels, minlength=k)
            candidates = np.where(sizes[labels] > 1, residual, -np.inf)
            i = int(np.argmax(candidates))
            labels[i], residual[i] = c, 0.0
    return labels


def _directions(X, labels, k):
    """Top singular value and non-negative unit direction of every cluster."""
    U = np.zeros((k, X.shape[1]))
    sigma = np.zeros(k)
    for c in range(k):
        sigma[c], U[c] = _top_direction(X[labels == c])
        if sigma[c] == 0:
            raise ValueError(
                f"cluster {c} holds only zero rows, so it has no direction; start from other "
                "labels0 or another random_state."
            )
    return U, sigma
