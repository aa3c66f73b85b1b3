"""Recommendation: held-out splits, baselines, the error measure and explained top-N lists.

A recommender sees a users × items matrix X of which only the entries where a
boolean mask M is True are observed (ratings given, dishes tried). Its job is
to predict the others. This module holds everything around the predictor that
*Predicting missing entries* needs; the predictor itself, masked NMF, is
``nmf_teach.solvers.nmf(X, k, mask=M)`` (see :mod:`nmf_teach.masked`).

- :func:`train_test_split_mask` holds out a share of the observed entries;
- :func:`global_mean`, :func:`item_mean` and :func:`user_knn` (a neighbourhood
  method: cosine similarity over co-rated items) are the baselines;
- :func:`user_similarity` is the similarity :func:`user_knn` uses;
- :func:`rmse` is the root-mean-square error over a mask;
- :func:`top_n` ranks the unseen items of one user by ``(WH)_{u,:}`` and
  explains every score through the user's weights and the items' components
  (a :class:`Recommendation` per item).

Every function returns full ``(m, n)`` prediction matrices, so any of them can
be scored with :func:`rmse` on any mask.

Explained in *Predicting missing entries* (``book/14_missing_entries``).
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np

from ._validation import as_real_array, validate_random_state
from ._validation import boolean, integer, matrix, random_state, validate_params
from .masked import validate_mask, masked_data

__all__ = [
    "Recommendation",
    "train_test_split_mask",
    "global_mean",
    "item_mean",
    "user_similarity",
    "user_knn",
    "rmse",
    "top_n",
]


# ----------------------------------------------------------------------------- split


@validate_params({"random_state": random_state()})
def train_test_split_mask(mask, test_size=0.2, random_state=0):
    """Split the observed entries of ``mask`` into a training and a test mask.

    The test entries are drawn at random among the observed ones, but first
    one observed entry of every user (row) and of every item (column) is
    reserved for training, so that every user and every item that has an
    observed entry keeps at least one training entry.

    Parameters
    ----------
    mask : array-like of bool, shape (m, n)
        True where an entry is observed.
    test_size : float or int, default=0.2
        A float in (0, 1) is the share of observed entries to hold out (rounded
        to the nearest count, which must be at least 1); an int is their number.
    random_state : None, int or numpy.random.Generator, default=0
        Seed of the draw (:func:`nmf_teach._validation.validate_random_state`:
        an int reproduces the split, ``None`` draws a fresh one, a generator
        is advanced, so repeated calls with one generator give independent
        splits).

    Returns
    -------
    train : ndarray of bool, shape (m, n)
    test : ndarray of bool, shape (m, n)
        Disjoint; ``train | test`` equals ``mask``.

    Raises
    ------
    TypeError
        If the mask is not boolean, or ``test_size`` is neither a float nor an int.
    ValueError
        If ``test_size`` is out of range, or more entries are asked for than can
        be held out once every user and item keeps a training entry.

    Notes
    -----
    Explained in *Predicting missing entries*; the held-out curves of
    *How many components?* (:func:`nmf_teach.rank_selection.heldout_error`)
    draw their splits with it too. The reserve is built by one
    random observed entry per row, then one per column not yet covered; it is
    as large as ``max(rows, columns)`` and at most their sum.
    """
    M = _as_mask(mask)
    n_obs = int(M.sum())
    n_test = _test_count(test_size, n_obs)
    rng = validate_random_state(random_state)
    keep = _reserve(M, rng)
    candidates = np.flatnonzero(M & ~keep)
    if n_test > candidates.size:
        raise ValueError(
            f"test_size asks for {n_test} test entries, but only {candidates.size} of the {n_obs} observed "
            f"entries can be held out: the other {int(keep.sum())} are each the last training entry of a "
            "user or an item, which would be left with no training entry. Hold out fewer entries."
        )
    chosen = rng.choice(candidates, size=n_test, replace=False)
    test = np.zeros(M.shape, dtype=bool)
    test.flat[chosen] = True
    return M & ~test, test


def _as_mask(mask):
    if mask is None:
        raise TypeError("mask is None; pass a 2-D boolean array, True where an entry is observed.")
    M = np.asarray(mask)
    if M.ndim != 2:
        raise ValueError(f"mask must be a 2-D boolean array (True where observed), got shape {M.shape}.")
    return validate_mask(M, M.shape)


def _test_count(test_size, n_obs):
    if isinstance(test_size, (bool, np.bool_)):
        raise TypeError(f"test_size must be a float in (0, 1) or a positive int, got {test_size!r}.")
    if isinstance(test_size, numbers.Integral):
        if not 1 <= test_size < n_obs:
            raise ValueError(
                f"test_size = {test_size} test entries, but the mask has {n_obs} observed entries; "
                f"pass an int from 1 to {n_obs - 1} or a share in (0, 1)."
            )
        return int(test_size)
    if isinstance(test_size, numbers.Real):
        if not 0 < test_size < 1:
            raise ValueError(f"test_size as a share must lie strictly between 0 and 1, got {test_size}.")
        n_test = int(round(test_size * n_obs))
        if n_test < 1:
            raise ValueError(
                f"test_size={test_size} hides {n_test} of the {n_obs} observed entries; it must hide at "
                "least one. Raise test_size or pass the number of entries as an int."
            )
        return n_test
    raise TypeError(f"test_size must be a float in (0, 1) or a positive int, got {test_size!r}.")


def _reserve(M, rng):
    """One random observed entry per non-empty row, then per column not yet covered."""
    keep = np.zeros(M.shape, dtype=bool)
    for i in np.flatnonzero(M.any(axis=1)):
        keep[i, rng.choice(np.flatnonzero(M[i]))] = True
    for j in np.flatnonzero(M.any(axis=0) & ~keep.any(axis=0)):
        keep[rng.choice(np.flatnonzero(M[:, j])), j] = True
    return keep


# ----------------------------------------------------------------------------- baselines


def global_mean(X, mask):
    """Predict every entry by the mean of the observed entries.

    Parameters
    ----------
    X : array-like of shape (m, n)
        Non-negative where observed; anything (NaN included) elsewhere.
    mask : array-like of bool, shape (m, n)
        True where X is observed.

    Returns
    -------
    X_hat : ndarray of shape (m, n)
        Every entry equals the mean of ``X[mask]``.

    Notes
    -----
    Explained in *Predicting missing entries*.
    """
    Y, M = masked_data(X, mask)
    return np.full(Y.shape, Y[M].mean())


def item_mean(X, mask):
    """Predict every entry by the mean of the observed entries of its column (item).

    Parameters
    ----------
    X : array-like of shape (m, n)
        Non-negative where observed; anything (NaN included) elsewhere.
    mask : array-like of bool, shape (m, n)
        True where X is observed.

    Returns
    -------
    X_hat : ndarray of shape (m, n)
        Column j holds the mean of the observed entries of column j; a column
        with no observed entry gets the global mean instead.

    Notes
    -----
    Explained in *Predicting missing entries*, where it is also the "pixel
    mean" that fills in hidden pixels of images.
    """
    Y, M = masked_data(X, mask)
    counts = M.sum(axis=0)
    means = np.full(Y.shape[1], Y[M].mean())
    seen = counts > 0
    means[seen] = Y[:, seen].sum(axis=0) / counts[seen]
    return np.tile(means, (Y.shape[0], 1))


def _user_means(Y, M):
    counts = M.sum(axis=1)
    means = np.full(Y.shape[0], Y[M].mean())
    seen = counts > 0
    means[seen] = Y[seen].sum(axis=1) / counts[seen]
    return means


@validate_params({"center": boolean(), "min_common": integer(low=0)})
def user_similarity(X, mask, *, center=True, min_common=2):
    """Cosine similarity of every pair of users over the items both observed.

    With ``center=True`` each user's observed ratings are first shifted by
    that user's mean, so the similarity compares *which dishes a user likes
    more than usual*, not how generous the user is.

    Parameters
    ----------
    X : array-like of shape (m, n)
        Non-negative where observed.
    mask : array-like of bool, shape (m, n)
        True where X is observed.
    center : bool, default=True
        Subtract each user's mean observed value first.
    min_common : int, default=2
        Pairs with fewer co-rated items get similarity 0 (a cosine over one
        item is ±1 whatever the ratings).

    Returns
    -------
    S : ndarray of shape (m, m)
        ``S[u, v] = Σ_j z_uj z_vj / sqrt(Σ_j z_uj² · Σ_j z_vj²)``, the sums over
        the items j observed by both, with ``z`` the (centred) values; 0 where
        a sum of squares is 0, where fewer than ``min_common`` items are
        shared, and on the diagonal.
    common : ndarray of int, shape (m, m)
        The number of co-rated items of every pair.

    Notes
    -----
    Explained in *Predicting missing entries*. Computed with three matrix
    products: with ``Z`` the centred values (0 where unobserved),
    ``S = ZZᵀ / sqrt((Z∘Z)Mᵀ ∘ M(Z∘Z)ᵀ)``.
    """
    Y, M = masked_data(X, mask)
    return _user_similarity(Y, M, bool(center), min_common)


def _user_similarity(Y, M, center, min_common):
    Mf = M.astype(float)
    Z = np.where(M, Y - _user_means(Y, M)[:, None], 0.0) if center else Y
    num = Z @ Z.T
    sq = (Z * Z) @ Mf.T                       # sq[u, v] = Σ over co-rated j of z_uj²
    den = np.sqrt(sq * sq.T)
    common = (Mf @ Mf.T).round().astype(int)
    S = np.zeros_like(num)
    ok = (den > 0) & (common >= max(min_common, 1))
    S[ok] = num[ok] / den[ok]
    np.fill_diagonal(S, 0.0)
    return S, common


@validate_params({"n_neighbors": integer(), "center": boolean(), "min_common": integer(low=0)})
def user_knn(X, mask, n_neighbors=20, *, center=True, min_common=2):
    """User-based neighbourhood method: predict from the most similar users who rated the item.

    For user u and item j, the neighbours are the ``n_neighbors`` users v ≠ u
    with the largest positive similarity :func:`user_similarity` among those
    who observed item j (ties go to the lower index). The prediction is their
    similarity-weighted average; with ``center=True`` it is taken of the
    ratings minus each neighbour's mean and added to u's mean:

        x̂_uj = μ_u + Σ_v s_uv (x_vj − μ_v) / Σ_v s_uv.

    Parameters
    ----------
    X : array-like of shape (m, n)
        Non-negative where observed; anything (NaN included) elsewhere.
    mask : array-like of bool, shape (m, n)
        True where X is observed (the training entries).
    n_neighbors : int, default=20
        How many neighbours at most.
    center : bool, default=True
        Use mean-centred similarities and predictions (otherwise plain cosine
        and a weighted average of the raw values).
    min_common : int, default=2
        See :func:`user_similarity`.

    Returns
    -------
    X_hat : ndarray of shape (m, n)
        Predictions for every entry, observed or not (a user is never its own
        neighbour, but for an observed entry its own value enters through its
        mean and its similarities, so score held-out entries only). Where no
        neighbour qualifies, the user's mean observed value (the global mean
        for a user with none).

    Notes
    -----
    Explained in *Predicting missing entries*. Neighbourhood methods are the
    older of the two families of collaborative filtering; see Koren, Bell &
    Volinsky (2009).

    References
    ----------
    Koren, Y., Bell, R., & Volinsky, C. (2009). Matrix factorization techniques
    for recommender systems. Computer, 42(8), 30–37.
    """
    Y, M = masked_data(X, mask)
    S, _ = _user_similarity(Y, M, bool(center), min_common)
    mu = _user_means(Y, M)
    R = np.where(M, Y - mu[:, None], 0.0) if center else Y
    X_hat = np.empty(Y.shape)
    for u in range(Y.shape[0]):
        order = np.argsort(-S[u], kind="stable")          # most similar first, ties by index
        s = S[u, order]
        cand = M[order] & (s > 0)[:, None]                 # positive neighbours who observed item j
        take = cand & (np.cumsum(cand, axis=0) <= n_neighbors)
        weights = np.where(take, s[:, None], 0.0)
        den = weights.sum(axis=0)
        num = (weights * R[order]).sum(axis=0)
        base = mu[u] if center else 0.0
        X_hat[u] = np.where(den > 0, base + num / np.where(den > 0, den, 1.0), mu[u])
    return X_hat


# ----------------------------------------------------------------------------- error


def rmse(X, X_hat, mask):
    """Root-mean-square error of ``X_hat`` against ``X`` over the entries where ``mask`` is True.

    Parameters
    ----------
    X : array-like of shape (m, n)
        The true values; anything (NaN included) where ``mask`` is False.
    X_hat : array-like of shape (m, n)
        The predictions; finite where ``mask`` is True.
    mask : array-like of bool, shape (m, n)
        The entries to score, e.g. a test mask.

    Returns
    -------
    float
        ``sqrt(mean((X − X_hat)[mask]²))``.

    Raises
    ------
    ValueError
        If the shapes differ, the mask is empty, or a scored entry is NaN or infinite.

    Notes
    -----
    Explained in *Predicting missing entries*.
    """
    A = _scored(X, "X")
    B = _scored(X_hat, "X_hat")
    if A.shape != B.shape:
        raise ValueError(f"X has shape {A.shape} but X_hat has shape {B.shape}; they must match.")
    M = validate_mask(mask, A.shape)
    for arr, name in ((A, "X"), (B, "X_hat")):
        bad = M & ~np.isfinite(arr)
        if bad.any():
            i, j = np.argwhere(bad)[0]
            raise ValueError(
                f"{name} has {int(bad.sum())} NaN or infinite entries where mask is True; the first is "
                f"{name}[{i}, {j}] = {arr[i, j]}. Only the scored entries must be finite."
            )
    d = (A - B)[M]
    return float(np.sqrt(np.mean(d * d)))


def _scored(A, name):
    return as_real_array(A, name, ndim=2, what="a 2-D array of real numbers", finite=False)


# ----------------------------------------------------------------------------- top-N


@dataclass(frozen=True)
class Recommendation:
    """One recommended item and why: ``score = Σ_r weights[r] · loadings[r]``.

    Attributes
    ----------
    user : int
        The row of W.
    item : int
        The column of H.
    score : float
        The predicted value ``(WH)[user, item]``.
    weights : ndarray of shape (k,)
        The user's weights, row ``user`` of W.
    loadings : ndarray of shape (k,)
        The item's loadings, column ``item`` of H.

    Notes
    -----
    Returned by :func:`top_n`; explained in *Predicting missing entries*.
    """

    user: int
    item: int
    score: float
    weights: np.ndarray
    loadings: np.ndarray

    @property
    def contributions(self):
        """ndarray of shape (k,): ``weights ∘ loadings``, what each component adds to the score."""
        return self.weights * self.loadings

    @property
    def main_component(self):
        """int: the component that adds most to the score."""
        return int(np.argmax(self.contributions))

    @property
    def main_share(self):
        """float: the share of the score that the main component adds (0 for a zero score)."""
        return float(self.contributions[self.main_component] / self.score) if self.score > 0 else 0.0

    def explain(self, item_labels=None, component_labels=None):
        """A sentence saying which component, through which weight, earns this item its place.

        Parameters
        ----------
        item_labels : sequence of str, optional
            Names of the items (columns of H); the index otherwise.
        component_labels : sequence of str, optional
            Names of the components (rows of H); "component r" otherwise.

        Returns
        -------
        str
        """
        r = self.main_component
        item = _label(item_labels, self.item, "item", len_name="items")
        comp = _label(component_labels, r, "component", len_name="components", quote=True)
        return (
            f"{item} (predicted {self.score:.2f}): {self.main_share:.0%} of the score comes from {comp}, "
            f"your weight {self.weights[r]:.2f} times the item's loading {self.loadings[r]:.2f}"
        )


def _label(labels, index, kind, *, len_name, quote=False):
    if labels is None:
        return f"{kind} {index}"
    labels = list(labels)
    if index >= len(labels):
        raise ValueError(f"{len(labels)} {kind} labels given, but {kind} {index} needs at least {index + 1}.")
    return f"'{labels[index]}'" if quote else str(labels[index])


@validate_params({"W": matrix(nonnegative=True), "H": matrix(nonnegative=True), "n": integer()})
def top_n(W, H, user, n=5, *, exclude=None):
    """The ``n`` items with the highest predicted value ``(WH)[user, j]``, each with its explanation.

    Parameters
    ----------
    W : array-like of shape (m, k)
        Non-negative user weights.
    H : array-like of shape (k, n_items)
        Non-negative item components.
    user : int
        The row of W to recommend for.
    n : int, default=5
        How many items; fewer are returned if fewer are left after ``exclude``.
    exclude : array-like of bool, shape (m, n_items) or (n_items,), optional
        True for items not to recommend, typically the training mask (what the
        user has already rated); a 2-D mask is read at row ``user``.

    Returns
    -------
    list of Recommendation
        Highest score first (ties go to the lower item index).

    Raises
    ------
    TypeError
        If ``user`` or ``n`` is not an int, or ``exclude`` is not boolean.
    ValueError
        If the factors do not fit together, ``user`` is out of range, ``exclude``
        has the wrong shape, or every item is excluded.

    Notes
    -----
    Explained in *Predicting missing entries*: the score is a sum over the
    components, ``Σ_r W[user, r] H[r, j]``, so every recommendation says which
    component (taste) it comes from and through which weight.
    """
    if W.shape[1] != H.shape[0]:
        raise ValueError(
            f"W has {W.shape[1]} columns but H has {H.shape[0]} rows; both must equal the number of components k."
        )
    if isinstance(user, (bool, np.bool_)) or not isinstance(user, numbers.Integral):
        raise TypeError(f"user must be an int (a row of W), got {user!r}.")
    if not 0 <= user < W.shape[0]:
        raise ValueError(f"user = {user} is out of range: W has {W.shape[0]} rows (users 0 to {W.shape[0] - 1}).")
    n_items = H.shape[1]
    allowed = np.ones(n_items, dtype=bool)
    if exclude is not None:
        E = np.asarray(exclude)
        if E.dtype != bool:
            raise TypeError(f"exclude must be a boolean array (True = do not recommend), got dtype {E.dtype}.")
        if E.shape == (W.shape[0], n_items):
            E = E[user]
        elif E.shape != (n_items,):
            raise ValueError(
                f"exclude has shape {E.shape}; expected ({W.shape[0]}, {n_items}) like X "
                f"or ({n_items},) for one user."
            )
        allowed = ~E
    if not allowed.any():
        raise ValueError(f"every item is excluded for user {user}; there is nothing left to recommend.")
    scores = W[user] @ H
    items = np.flatnonzero(allowed)
    ranked = items[np.argsort(-scores[items], kind="stable")][:n]
    return [
        Recommendation(user=int(user), item=int(j), score=float(scores[j]), weights=W[user].copy(),
                       loadings=H[:, j].copy())
        for j in ranked
    ]
