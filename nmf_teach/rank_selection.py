"""Choosing the number of components k: loss curves, held-out error, stability.

Explained in *How many components?* (``book/15_choosing_k``).

Three questions, three kinds of evidence:

- **How well can k components fit?** :func:`svd_floor` gives the smallest
  ``‖X − X_k‖²_F`` any matrix of rank k reaches (Eckart–Young); no NMF with k
  components goes below it. :func:`loss_curve` gives the NMF loss itself.
  :func:`elbow` finds the bend of such a curve, if it has one.
- **How well do k components predict what they did not see?**
  :func:`heldout_error` hides random entries, fits masked NMF
  (:mod:`nmf_teach.masked`) on the rest and measures the error on the hidden
  ones.
- **Do different starts agree?** :func:`consensus_matrix` clusters the samples
  by their dominant part (:func:`dominant_part`) in many runs and records how
  often two samples end up together; :func:`cophenetic_correlation` measures
  how well a tree (average-linkage clustering) reproduces that consensus
  (Brunet et al. 2004).

:func:`choose_k` turns a curve into a choice of k by one stated rule.

References
----------
Brunet, J.-P., Tamayo, P., Golub, T. R., & Mesirov, J. P. (2004). Metagenes and
molecular pattern discovery using matrix factorization. PNAS, 101(12), 4164–4169.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np

from ._validation import (
    as_matrix,
    validate_nonneg_int,
    validate_nonnegative,
    validate_option,
    validate_positive_int,
    validate_positive_scalar,
    validate_random_state,
    random_integers,
)
from . import _kernels as K
from .masked import masked_data
from .recommend import train_test_split_mask

__all__ = [
    "METHODS",
    "RULES",
    "svd_floor",
    "loss_curve",
    "HeldoutResult",
    "heldout_error",
    "dominant_part",
    "dominant_coefficient",
    "connectivity_matrix",
    "consensus_matrix",
    "consensus_order",
    "cophenetic_correlation",
    "elbow",
    "choose_k",
]

#: The solvers :func:`loss_curve` and :func:`consensus_matrix` can use.
METHODS = ("cd", "hals", "mu")

#: The rules :func:`choose_k` knows.
RULES = ("elbow", "min", "one_se", "max")


# --------------------------------------------------------------------------- checks


def _is_int(value):
    return isinstance(value, (numbers.Integral, np.integer)) and not isinstance(value, (bool, np.bool_))


def _validate_ks(ks, name="ks"):
    """Return ``ks`` as a 1-D int array of strictly increasing positive values, or raise."""
    if _is_int(ks):
        raise TypeError(f"{name} must be a sequence of ranks such as [1, 2, 3], got the single int {ks}; "
                        f"pass [{ks}] for one rank.")
    if ks is None or isinstance(ks, (str, bytes)):
        raise TypeError(f"{name} must be a sequence of positive integers, got {ks!r}.")
    try:
        values = list(ks)
    except TypeError:
        raise TypeError(f"{name} must be a sequence of positive integers, got {type(ks).__name__}.") from None
    if not values:
        raise ValueError(f"{name} is empty; give at least one rank.")
    for i, k in enumerate(values):
        if not _is_int(k):
            raise TypeError(f"{name}[{i}] = {k!r} is not an integer; ranks are whole numbers such as 3.")
        if k < 1:
            raise ValueError(f"{name}[{i}] = {k}; ranks must be positive integers.")
    arr = np.asarray(values, dtype=int)
    if arr.size > 1 and np.any(np.diff(arr) <= 0):
        i = int(np.argmax(np.diff(arr) <= 0))
        raise ValueError(f"{name} must be strictly increasing, but {name}[{i}] = {arr[i]} and "
                         f"{name}[{i + 1}] = {arr[i + 1]}.")
    return arr


def _validate_seeds(seeds):
    """Return ``seeds`` as a list of non-negative ints (at least one), or raise."""
    if _is_int(seeds):
        raise TypeError(f"seeds must be a sequence of seeds, one per run, got the single int {seeds}; "
                        f"for {seeds} runs pass range({seeds}).")
    if seeds is None or isinstance(seeds, (str, bytes)):
        raise TypeError(f"seeds must be a sequence of non-negative integers, got {seeds!r}.")
    try:
        values = list(seeds)
    except TypeError:
        raise TypeError(f"seeds must be a sequence of non-negative integers, got {type(seeds).__name__}.") from None
    if not values:
        raise ValueError("seeds is empty; the consensus needs at least one run.")
    return [validate_nonneg_int(s, f"seeds[{i}]") for i, s in enumerate(values)]


def _first_seed(random_state, n_seeds):
    """The first of ``n_seeds`` consecutive int seeds: ``random_state`` itself if it is an int,
    else drawn from :func:`validate_random_state` (``None``: fresh; a generator: advanced)."""
    rng = validate_random_state(random_state)
    if isinstance(random_state, numbers.Integral):
        return int(random_state)
    return int(random_integers(rng, 0, 2**31 - n_seeds))


def _validate_curve(ks, values, name="values"):
    ks = _validate_ks(ks)
    try:
        v = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a sequence of real numbers, one per k.") from None
    if v.shape != ks.shape:
        raise ValueError(f"{name} has shape {v.shape} but ks has {ks.size} entries; give one value per k.")
    bad = ~np.isfinite(v)
    if bad.any():
        i = int(np.argmax(bad))
        raise ValueError(f"{name} has {int(bad.sum())} NaN or infinite entries; the first is {name}[{i}] "
                         f"(k = {ks[i]}).")
    return ks, v


def _one_blas_thread():
    """A context with one BLAS thread: many small fits gain nothing from threads, and on a busy
    machine the threads' waiting can make a small product ten times slower."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - a dependency of scikit-learn
        from contextlib import nullcontext

        return nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


# --------------------------------------------------------------------------- how well k components fit


def svd_floor(X, ks):
    """The smallest squared error of any rank-k matrix: ``Σ_{i>k} σ_i(X)²`` (Eckart–Young).

    Parameters
    ----------
    X : array-like of shape (m, n)
        Any real matrix (non-negativity is not needed for the bound).
    ks : int or sequence of int
        The rank(s) k, positive; for a sequence, strictly increasing.

    Returns
    -------
    float or ndarray of shape (len(ks),)
        ``‖X − X_k‖²_F``, where ``X_k`` is the truncated SVD of rank k; 0 once
        k reaches the rank of X. An NMF with k components has rank at most k,
        so its loss ``‖X − WH‖²_F`` is never below this floor.

    Notes
    -----
    Explained in *How many components?*; the bound itself in *The pizza,
    chicken and burger+fries example*. The tail sums are added from the
    smallest singular value up, so a floor near 0 keeps its digits.
    """
    X = as_matrix(X, "X")
    scalar = _is_int(ks)
    k_arr = _validate_ks([ks] if scalar else ks)
    s = np.linalg.svd(X, compute_uv=False)
    tails = np.append(np.cumsum((s**2)[::-1])[::-1], 0.0)  # tails[j] = Σ_{i ≥ j} s_i² (0-based)
    floors = tails[np.minimum(k_arr, s.size)]
    return float(floors[0]) if scalar else floors


def _fit(X, k, seed, method, max_iter, tol):
    """One seeded NMF fit from a random start; returns (W, H)."""
    if method == "cd":
        from .solvers import fit_sklearn

        fit = fit_sklearn(X, k, init="random", solver="cd", tol=tol, max_iter=max_iter, random_state=seed)
        return fit.W, fit.H
    from .solvers import nmf

    res = nmf(X, k, method=method, init="random", max_iter=max_iter, tol=tol, random_state=seed)
    return res.W, res.H


def _validate_fit_options(method, max_iter, tol):
    method = validate_option(method, METHODS, "method")
    max_iter = validate_positive_int(max_iter, "max_iter")
    tol = validate_positive_scalar(tol, "tol", allow_zero=True)
    return method, max_iter, tol


def loss_curve(X, ks, *, method="cd", n_init=1, max_iter=500, tol=1e-4, random_state=0):
    """The NMF loss ``‖X − WH‖²_F`` for each k, the best of ``n_init`` random starts.

    Parameters
    ----------
    X : array-like of shape (m, n)
        Non-negative data.
    ks : sequence of int
        The ranks, strictly increasing.
    method : {"cd", "hals", "mu"}, default="cd"
        "cd" is scikit-learn's coordinate descent
        (:func:`nmf_teach.solvers.fit_sklearn`); "hals" and "mu" are
        :func:`nmf_teach.solvers.nmf`.
    n_init : int, default=1
        Random starts per k; start ``i`` uses the seed ``random_state + i``.
    max_iter : int, default=500
    tol : float, default=1e-4
        The stopping tolerance, passed on to the solver (each solver reads it
        its own way; 0 runs all ``max_iter`` iterations of "hals" and "mu").
    random_state : None, int or numpy.random.Generator, default=0
        For an int, start ``i`` uses the seed ``random_state + i``; ``None`` is
        fresh randomness (:func:`nmf_teach._validation.validate_random_state`).

    Returns
    -------
    ndarray of shape (len(ks),)
        The lowest loss found for each k. It can only come close to
        :func:`svd_floor` from above.

    Notes
    -----
    Explained in *How many components?*.
    """
    X = validate_nonnegative(X, "X")
    ks = _validate_ks(ks)
    method, max_iter, tol = _validate_fit_options(method, max_iter, tol)
    n_init = validate_positive_int(n_init, "n_init")
    seed = _first_seed(random_state, n_init)
    out = np.full(ks.size, np.inf)
    with _one_blas_thread():
        for i, k in enumerate(ks):
            for r in range(n_init):
                W, H = _fit(X, int(k), seed + r, method, max_iter, tol)
                R = X - W @ H
                out[i] = min(out[i], float(np.vdot(R, R)))
    return out


# --------------------------------------------------------------------------- held-out entries


@dataclass
class HeldoutResult:
    """What :func:`heldout_error` returns.

    Attributes
    ----------
    ks : ndarray of shape (p,)
        The ranks tried.
    train : ndarray of shape (p, n_splits)
        Mean squared error on the entries each fit saw.
    test : ndarray of shape (p, n_splits)
        Mean squared error on the hidden entries of each split.
    test_masks : ndarray of bool, shape (n_splits, m, n)
        True where an entry was hidden in that split.
    """

    ks: np.ndarray
    train: np.ndarray
    test: np.ndarray
    test_masks: np.ndarray

    @property
    def mean_train(self):
        """ndarray of shape (p,): the training error averaged over the splits."""
        return self.train.mean(axis=1)

    @property
    def mean_test(self):
        """ndarray of shape (p,): the held-out error averaged over the splits."""
        return self.test.mean(axis=1)

    @property
    def se_test(self):
        """ndarray of shape (p,): the standard error of :attr:`mean_test` (needs two splits or more)."""
        n = self.test.shape[1]
        if n < 2:
            raise ValueError("The standard error over splits needs n_splits >= 2; this result has one split.")
        return self.test.std(axis=1, ddof=1) / np.sqrt(n)


def _masked_fit(Y, M, k, seed, max_iter):
    """Masked multiplicative updates from the random start of ``nt.solvers.nmf(Y, k, mask=M, random_state=seed)``.

    ``Y`` must be zero where ``M`` is False (the kernels read ``Y`` as ``M ∘ X``).
    The same iterates as that call, without evaluating the loss after every
    iteration (the curves need only the final factors).
    """
    W, H = K.random_start(Y[M].mean(), Y.shape[0], Y.shape[1], k, np.random.RandomState(seed))
    kernel = K.MaskedMU(Y, M, W, H)
    K.iterate(kernel, max_iter, track_loss=False)
    return kernel.factors()


def heldout_error(X, ks, *, mask=None, test_size=0.1, n_splits=3, random_state=0, max_iter=300):
    """Cross-validation by hiding entries: the error of masked NMF on entries it did not see.

    For each split, ``test_size`` of the observed entries are hidden at random.
    For each k, masked NMF (the multiplicative updates of
    ``nt.solvers.nmf(X, k, mask=train)``) is fitted to the remaining entries,
    and ``WH`` is compared with X on both sets. The same splits are used for
    every k, so the curves are comparable point by point.

    Parameters
    ----------
    X : array-like of shape (m, n)
        Non-negative where observed; entries where ``mask`` is False are ignored
        (they may be NaN).
    ks : sequence of int
        The ranks, strictly increasing.
    mask : array-like of bool of shape (m, n), optional
        True where X is observed; all True by default. Hidden entries are drawn
        from the observed ones only.
    test_size : float, default=0.1
        The share of observed entries hidden in each split, in (0, 1).
    n_splits : int, default=3
        Independent random splits.
    random_state : None, int or numpy.random.Generator, default=0
        Seeds the splits (each drawn by
        :func:`nmf_teach.recommend.train_test_split_mask`, so every row and
        column keeps a training entry); for an int the fits of split ``s``
        start from the random factors of seed ``random_state + s``. ``None``
        is fresh randomness (:func:`nmf_teach._validation.validate_random_state`).
    max_iter : int, default=300
        Iterations of each masked fit (all are run).

    Returns
    -------
    HeldoutResult
        ``.train`` and ``.test`` of shape (len(ks), n_splits): mean squared
        errors per entry; ``.mean_test``, ``.se_test``, ``.test_masks``.

    Raises
    ------
    ValueError
        If ``test_size`` is not in (0, 1), hides no entry or all of them, or a
        split leaves some row or column without a training entry; and
        everything :func:`nmf_teach.masked.masked_data` raises.

    Notes
    -----
    Explained in *How many components?*. The training error keeps falling as k
    grows; the held-out error stops falling, and rises again once the extra
    components fit noise.
    """
    if mask is None:
        X = validate_nonnegative(X, "X")
        mask = np.ones(X.shape, dtype=bool)
    Y, M = masked_data(X, mask)
    ks = _validate_ks(ks)
    if isinstance(test_size, (bool, np.bool_)) or not isinstance(test_size, numbers.Real):
        raise TypeError(f"test_size must be a number in (0, 1), got {test_size!r}.")
    if not 0 < test_size < 1:
        raise ValueError(f"test_size must be in (0, 1) (a share of the observed entries), got {test_size}.")
    n_splits = validate_positive_int(n_splits, "n_splits")
    max_iter = validate_positive_int(max_iter, "max_iter")
    rng = validate_random_state(random_state)
    seed = _first_seed(random_state, n_splits)  # for a generator: drawn before the splits
    masks = np.stack([train_test_split_mask(M, float(test_size), random_state=rng)[1] for _ in range(n_splits)])
    train = np.empty((ks.size, n_splits))
    test = np.empty((ks.size, n_splits))
    with _one_blas_thread():
        for s in range(n_splits):
            fit_mask = M & ~masks[s]
            Y_fit = np.where(fit_mask, Y, 0.0)  # the fit never sees a hidden entry
            for i, k in enumerate(ks):
                W, H = _masked_fit(Y_fit, fit_mask, int(k), seed + s, max_iter)
                R = Y - W @ H
                train[i, s] = float(np.mean(R[fit_mask] ** 2))
                test[i, s] = float(np.mean(R[masks[s]] ** 2))
    return HeldoutResult(ks=ks, train=train, test=test, test_masks=masks)


# --------------------------------------------------------------------------- stability across starts


def dominant_part(W, H):
    """For each sample, the component that contributes most to it: ``argmax_r W[i, r] · Σ_j H[r, j]``.

    ``W[i, r] H[r, :]`` is what component r adds to sample i; its total is
    ``W[i, r]`` times the sum of row r of H. Using that total, rather than
    ``W[i, r]`` alone, makes the answer independent of the free scale of each
    component (``W[:, r] · c`` with ``H[r] / c`` gives the same labels).

    Parameters
    ----------
    W : array-like of shape (m, k)
    H : array-like of shape (k, n)
        Non-negative factors.

    Returns
    -------
    labels : ndarray of int, shape (m,)
        Values in 0, ..., k − 1; ties go to the lowest index (a sample with all
        weights zero gets 0).

    Notes
    -----
    Explained in *How many components?*. Brunet et al. (2004) assign each
    sample to its largest metagene coefficient; weighting by the row sums of H
    removes the dependence on each component's scale.
    """
    W = validate_nonnegative(W, "W")
    H = validate_nonnegative(H, "H")
    if W.shape[1] != H.shape[0]:
        raise ValueError(f"The ranks disagree: W has {W.shape[1]} columns but H has {H.shape[0]} rows.")
    return np.argmax(W * H.sum(axis=1), axis=1)


def connectivity_matrix(labels):
    """The 0/1 matrix of a clustering: ``C[i, j] = 1`` exactly when ``labels[i] == labels[j]``.

    Parameters
    ----------
    labels : array-like of int, shape (m,)

    Returns
    -------
    ndarray of float, shape (m, m)
        Symmetric, ones on the diagonal.

    Notes
    -----
    Explained in *How many components?*.
    """
    lab = np.asarray(labels)
    if lab.ndim != 1 or lab.size == 0:
        raise ValueError(f"labels must be a non-empty 1-D array, one cluster number per sample; got shape {lab.shape}.")
    if lab.dtype == bool or not np.issubdtype(lab.dtype, np.integer):
        raise TypeError(f"labels must be integers (cluster numbers), got dtype {lab.dtype}.")
    return (lab[:, None] == lab[None, :]).astype(float)


def consensus_matrix(X, k, seeds, *, method="cd", max_iter=500, tol=1e-4):
    """The share of runs in which two samples have the same dominant part (Brunet et al. 2004).

    Each seed gives one NMF fit with k components from a random start; its
    samples are clustered by :func:`dominant_part`; the consensus matrix is the
    mean of the runs' :func:`connectivity_matrix`.

    Parameters
    ----------
    X : array-like of shape (m, n)
        Non-negative data, rows are samples.
    k : int
        The rank.
    seeds : sequence of int
        One seed per run, e.g. ``range(10)``.
    method : {"cd", "hals", "mu"}, default="cd"
        The solver, as in :func:`loss_curve`.
    max_iter : int, default=500
    tol : float, default=1e-4
        Passed on to the solver. Runs that stop far from a minimum disagree for
        that reason alone, so let them converge.

    Returns
    -------
    C : ndarray of shape (m, m)
        Entries in [0, 1], ones on the diagonal. Only 0 and 1 when every run
        gives the same clustering (up to the names of the clusters).

    Notes
    -----
    Explained in *How many components?*.

    References
    ----------
    Brunet, J.-P., Tamayo, P., Golub, T. R., & Mesirov, J. P. (2004). Metagenes
    and molecular pattern discovery using matrix factorization. PNAS, 101(12).
    """
    X = validate_nonnegative(X, "X")
    k = validate_positive_int(k, "k")
    seeds = _validate_seeds(seeds)
    method, max_iter, tol = _validate_fit_options(method, max_iter, tol)
    C = np.zeros((X.shape[0], X.shape[0]))
    with _one_blas_thread():
        for seed in seeds:
            C += connectivity_matrix(dominant_part(*_fit(X, k, seed, method, max_iter, tol)))
    return C / len(seeds)


def _validate_consensus(C):
    C = as_matrix(C, "C")
    m = C.shape[0]
    if C.shape != (m, m):
        raise ValueError(f"C must be square (samples × samples), got shape {C.shape}.")
    if m < 3:
        raise ValueError(f"C has {m} samples; a clustering tree and its correlation need at least 3.")
    if not np.allclose(C, C.T, rtol=0, atol=1e-12):
        i, j = np.unravel_index(int(np.argmax(np.abs(C - C.T))), C.shape)
        raise ValueError(f"C must be symmetric, but C[{i}, {j}] = {C[i, j]:g} and C[{j}, {i}] = {C[j, i]:g}.")
    out = (C < 0) | (C > 1)
    if out.any():
        i, j = np.unravel_index(int(np.argmax(out)), C.shape)
        raise ValueError(f"C holds shares of runs, in [0, 1], but C[{i}, {j}] = {C[i, j]:g}.")
    return C


def _linkage(C):
    """Condensed distances ``1 − C`` (diagonal ignored) and their average-linkage tree."""
    from scipy.cluster.hierarchy import linkage
    from scipy.spatial.distance import squareform

    D = 1.0 - C
    np.fill_diagonal(D, 0.0)
    d = squareform(D, checks=False)
    return d, linkage(d, method="average")


def consensus_order(C):
    """An order of the samples that puts clusters of the consensus next to each other.

    Parameters
    ----------
    C : array-like of shape (m, m)
        A consensus matrix.

    Returns
    -------
    order : ndarray of int, shape (m,)
        The leaves of the average-linkage tree of ``1 − C``, left to right;
        ``C[np.ix_(order, order)]`` shows the clusters as blocks on the diagonal.

    Notes
    -----
    Explained in *How many components?*.
    """
    from scipy.cluster.hierarchy import leaves_list

    C = _validate_consensus(C)
    return leaves_list(_linkage(C)[1])


def cophenetic_correlation(C):
    """How well an average-linkage tree reproduces the consensus distances ``1 − C`` (Brunet et al. 2004).

    Cluster the samples hierarchically (average linkage) with the distances
    ``d_ij = 1 − C_ij``. The cophenetic distance of two samples is the height at
    which the tree first joins them. The cophenetic correlation is the Pearson
    correlation of the two, over all pairs ``i < j``.

    Parameters
    ----------
    C : array-like of shape (m, m)
        A consensus matrix: symmetric, entries in [0, 1], m ≥ 3. The diagonal is
        ignored.

    Returns
    -------
    float
        At most 1; exactly 1 (up to rounding) when C is a 0/1 block matrix, that
        is when all runs agreed, and lower the more the runs scatter.

    Raises
    ------
    ValueError
        If C is not square and symmetric, has entries outside [0, 1], has fewer
        than 3 samples, or all its off-diagonal entries are equal (the
        correlation is then 0/0: every run put all samples together, or C says
        nothing about which samples belong together).

    Notes
    -----
    Explained in *How many components?*. A consensus of r runs has entries
    that are multiples of 1/r, so distances tie often; the tree then depends
    on which tied pair is merged first (scipy's order), and the value can
    change slightly when the samples are listed in another order. Computed with
    :func:`scipy.cluster.hierarchy.linkage` and
    :func:`scipy.cluster.hierarchy.cophenet`.

    References
    ----------
    Brunet, J.-P., Tamayo, P., Golub, T. R., & Mesirov, J. P. (2004). Metagenes
    and molecular pattern discovery using matrix factorization. PNAS, 101(12).
    """
    from scipy.cluster.hierarchy import cophenet

    C = _validate_consensus(C)
    d, Z = _linkage(C)
    if np.ptp(d) == 0:
        raise ValueError(
            f"All off-diagonal entries of C equal {1 - d[0]:g}, so the cophenetic correlation is 0/0 "
            "(undefined). With k = 1, or when every run puts all samples in one cluster, there is no "
            "structure to measure; try a larger k."
        )
    return float(cophenet(Z, d)[0])


# --------------------------------------------------------------------------- from a curve to a k


def elbow(ks, values):
    """The elbow of a curve: the point farthest below the straight line joining its two ends.

    Both axes are first scaled to [0, 1] (k from the first to the last rank,
    the values from their minimum to their maximum), so the rule does not
    depend on units. For a falling curve the chord then runs from (0, 1) to
    (1, 0), and the distance below it of the point (x, y) is proportional to
    ``1 − x − y``. A rising curve (such as the share of ‖X‖²_F explained) is
    flipped first, so its elbow is the point farthest *above* its chord. This
    is the "Kneedle" rule of Satopää et al. (2011).

    Parameters
    ----------
    ks : sequence of int
        Strictly increasing, at least three.
    values : sequence of float
        One per k, typically a falling loss curve.

    Returns
    -------
    int
        The k of the elbow. Note that it depends on the range of ``ks``: a
        curve without a real bend gets a different "elbow" for every range.

    Notes
    -----
    Explained in *How many components?*.
    """
    ks, v = _validate_curve(ks, values)
    if ks.size < 3:
        raise ValueError(f"An elbow needs at least 3 points, got {ks.size}.")
    if v.max() == v.min():
        raise ValueError("values are all equal; a flat curve has no elbow.")
    x = (ks - ks[0]) / (ks[-1] - ks[0])
    y = (v - v.min()) / (v.max() - v.min())
    if v[-1] > v[0]:  # a rising curve: measure below the chord from (0, 0) to (1, 1)
        y = 1.0 - y
    return int(ks[np.argmax(1.0 - x - y)])


def choose_k(ks, values, rule, *, se=None, atol=1e-9):
    """Turn a curve into a choice of k by one stated rule.

    Parameters
    ----------
    ks : sequence of int
        Strictly increasing.
    values : sequence of float
        One per k.
    rule : {"elbow", "min", "one_se", "max"}
        "elbow": :func:`elbow` (for loss curves). "min": the k of the smallest
        value (for held-out errors). "one_se": the smallest k whose value is
        within one standard error ``se`` of the smallest value (the
        one-standard-error rule of cross-validation). "max": the k of the
        largest value, the largest such k on ties within ``atol`` (for
        stability scores such as the cophenetic correlation: the largest k that
        is as stable as the best).
    se : sequence of float, optional
        Standard errors, one per k; needed by "one_se".
    atol : float, default=1e-9
        Values within ``atol`` of the maximum count as ties for "max".

    Returns
    -------
    int

    Notes
    -----
    Explained in *How many components?*.
    """
    ks, v = _validate_curve(ks, values)
    rule = validate_option(rule, RULES, "rule")
    atol = validate_positive_scalar(atol, "atol", allow_zero=True)
    if rule != "one_se" and se is not None:
        raise ValueError(f"se is used by rule='one_se' only, not rule={rule!r}.")
    if rule == "elbow":
        return elbow(ks, v)
    if rule == "min":
        return int(ks[np.argmin(v)])
    if rule == "max":
        return int(ks[np.flatnonzero(v >= v.max() - atol)[-1]])
    if se is None:
        raise ValueError("rule='one_se' needs se, the standard error of each value (e.g. HeldoutResult.se_test).")
    _, se = _validate_curve(ks, se, "se")
    if np.any(se < 0):
        raise ValueError("se holds standard errors; they cannot be negative.")
    best = int(np.argmin(v))
    return int(ks[np.flatnonzero(v <= v[best] + se[best])[0]])


# --------------------------------------------------------------------------- Brunet et al.'s own rule


def dominant_coefficient(W):
    """Brunet et al.'s clustering rule: each sample goes to its largest coefficient, ``argmax_r W[i, r]``.

    Unlike :func:`dominant_part`, this reads the weights as they come out of
    the solver, so its answer depends on the free scale of each component:
    ``W[:, r] · c`` with ``H[r] / c`` is the same factorization but can move
    samples to or from component r. :func:`dominant_part` is this rule applied
    after scaling every row of H to sum 1:
    ``dominant_coefficient(W * H.sum(axis=1)) == dominant_part(W, H)``.

    Parameters
    ----------
    W : array-like of shape (m, k)
        Non-negative weights, one row per sample.

    Returns
    -------
    labels : ndarray of int, shape (m,)
        Values in 0, ..., k − 1; ties go to the lowest index.

    Notes
    -----
    Explained in *How many components?*, where the two rules are compared
    on the same runs.

    References
    ----------
    Brunet, J.-P., Tamayo, P., Golub, T. R., & Mesirov, J. P. (2004). Metagenes
    and molecular pattern discovery using matrix factorization. PNAS, 101(12).
    (Samples there are the columns of their H; here they are the rows of W.)
    """
    W = validate_nonnegative(W, "W")
    return np.argmax(W, axis=1)
