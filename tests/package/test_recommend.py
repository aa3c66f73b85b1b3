"""Recommendation helpers (nmf_teach.recommend) and the planted ratings (nmf_teach.data.ratings):
every function against a slow, obvious loop, the promises of the split and the generator, and
bad input."""

import numpy as np
import pytest

import nmf_teach as nt
from nmf_teach.recommend import (
    Recommendation,
    global_mean,
    item_mean,
    rmse,
    top_n,
    train_test_split_mask,
    user_knn,
    user_similarity,
)

# ----------------------------------------------------------------------------- naive references


def naive_user_means(X, M):
    out = []
    for u in range(X.shape[0]):
        vals = [X[u, j] for j in range(X.shape[1]) if M[u, j]]
        out.append(sum(vals) / len(vals) if vals else np.mean(X[M]))
    return out


def naive_similarity(X, M, center, min_common):
    m, n = X.shape
    mu = naive_user_means(X, M)
    S = np.zeros((m, m))
    for u in range(m):
        for v in range(m):
            if u == v:
                continue
            common = [j for j in range(n) if M[u, j] and M[v, j]]
            if len(common) < max(min_common, 1):
                continue
            a = [X[u, j] - (mu[u] if center else 0) for j in common]
            b = [X[v, j] - (mu[v] if center else 0) for j in common]
            den = np.sqrt(sum(x * x for x in a) * sum(y * y for y in b))
            if den > 0:
                S[u, v] = sum(x * y for x, y in zip(a, b)) / den
    return S


def naive_knn(X, M, n_neighbors, center, min_common):
    m, n = X.shape
    S = naive_similarity(X, M, center, min_common)
    mu = naive_user_means(X, M)
    out = np.zeros((m, n))
    for u in range(m):
        for j in range(n):
            cands = [v for v in range(m) if v != u and M[v, j] and S[u, v] > 0]
            cands.sort(key=lambda v: (-S[u, v], v))
            nb = cands[:n_neighbors]
            if not nb:
                out[u, j] = mu[u]
                continue
            w = sum(S[u, v] for v in nb)
            if center:
                out[u, j] = mu[u] + sum(S[u, v] * (X[v, j] - mu[v]) for v in nb) / w
            else:
                out[u, j] = sum(S[u, v] * X[v, j] for v in nb) / w
    return out


@pytest.fixture
def small():
    rng = np.random.default_rng(3)
    X = rng.uniform(1, 5, size=(12, 9))
    M = rng.uniform(size=X.shape) < 0.55
    M[0, :] = False
    M[0, 2] = True                      # a user with one rating
    M[:, 4] = False                     # an item nobody rated
    return np.where(M, X, np.nan), M


# ----------------------------------------------------------------------------- baselines


def test_global_and_item_mean_against_loops(small):
    X, M = small
    mean = np.mean([X[i, j] for i in range(12) for j in range(9) if M[i, j]])
    np.testing.assert_allclose(global_mean(X, M), np.full(X.shape, mean))
    expected = np.empty(X.shape)
    for j in range(9):
        col = [X[i, j] for i in range(12) if M[i, j]]
        expected[:, j] = np.mean(col) if col else mean   # an unrated item falls back to the global mean
    np.testing.assert_allclose(item_mean(X, M), expected)


@pytest.mark.parametrize("center", [True, False])
@pytest.mark.parametrize("min_common", [0, 1, 2, 4])
def test_user_similarity_against_loops(small, center, min_common):
    X, M = small
    S, common = user_similarity(X, M, center=center, min_common=min_common)
    np.testing.assert_allclose(S, naive_similarity(X, M, center, min_common), atol=1e-12)
    assert np.array_equal(common, M.astype(int) @ M.T.astype(int))
    assert np.allclose(S, S.T) and np.all(np.abs(S) <= 1 + 1e-12)


@pytest.mark.parametrize("center", [True, False])
@pytest.mark.parametrize("n_neighbors", [1, 3, 50])
def test_user_knn_against_loops(small, center, n_neighbors):
    X, M = small
    got = user_knn(X, M, n_neighbors, center=center, min_common=1)
    np.testing.assert_allclose(got, naive_knn(X, M, n_neighbors, center, 1), atol=1e-12)


def test_user_knn_falls_back_to_the_user_mean():
    X = np.array([[1.0, 2.0, np.nan], [np.nan, np.nan, 4.0]])
    M = ~np.isnan(X)
    got = user_knn(X, M, 5)
    # the two users share no item: no neighbour, so each gets its own mean everywhere
    np.testing.assert_allclose(got, [[1.5, 1.5, 1.5], [4.0, 4.0, 4.0]])


def test_baselines_ignore_unobserved_values(small):
    X, M = small
    X9 = np.where(M, X, 1e6)
    for f in (global_mean, item_mean, lambda A, B: user_knn(A, B, 4)):
        np.testing.assert_array_equal(f(X, M), f(X9, M))


# ----------------------------------------------------------------------------- rmse


def test_rmse_against_loop(small):
    X, M = small
    X_hat = np.random.default_rng(0).uniform(size=X.shape)
    pairs = [(X[i, j], X_hat[i, j]) for i in range(12) for j in range(9) if M[i, j]]
    expected = np.sqrt(sum((a - b) ** 2 for a, b in pairs) / len(pairs))
    assert rmse(X, X_hat, M) == pytest.approx(expected, rel=1e-12)


def test_rmse_errors(small):
    X, M = small
    with pytest.raises(ValueError, match="X has shape .* but X_hat has shape"):
        rmse(X, np.zeros((3, 3)), M)
    bad = np.zeros(X.shape)
    i, j = np.argwhere(M)[0]
    bad[i, j] = np.nan
    with pytest.raises(ValueError, match=r"X_hat has 1 NaN or infinite entries where mask is True"):
        rmse(X, bad, M)
    with pytest.raises(TypeError, match="mask must be a boolean array"):
        rmse(X, bad, M.astype(int))
    with pytest.raises(ValueError, match="no True entry"):
        rmse(X, bad, np.zeros(X.shape, bool))
    with pytest.raises(TypeError, match="X must be a 2-D array"):
        rmse("X", bad, M)


# ----------------------------------------------------------------------------- split


def test_split_partitions_the_observed_entries():
    d = nt.data.ratings(random_state=1)
    train, test = train_test_split_mask(d.mask, 0.2, random_state=5)
    assert not (train & test).any() and np.array_equal(train | test, d.mask)
    assert test.sum() == round(0.2 * d.mask.sum())
    assert train.any(axis=1).all() and train.any(axis=0).all()   # every user and dish keeps training data
    a, b = train_test_split_mask(d.mask, 0.2, random_state=5)
    assert np.array_equal(a, train) and np.array_equal(b, test)  # seeded
    c, _ = train_test_split_mask(d.mask, 0.2, random_state=6)
    assert not np.array_equal(c, train)


def test_split_keeps_a_training_entry_per_row_and_column_even_when_tight():
    rng = np.random.default_rng(0)
    for seed in range(20):
        M = rng.uniform(size=(15, 8)) < 0.3
        n_obs = int(M.sum())
        for size in (0.5, 0.7):
            try:
                train, test = train_test_split_mask(M, size, random_state=seed)
            except ValueError as exc:
                assert "Hold out fewer entries" in str(exc)
                continue
            assert np.array_equal(train.any(axis=1), M.any(axis=1))
            assert np.array_equal(train.any(axis=0), M.any(axis=0))
            assert test.sum() == max(1, round(size * n_obs))


def test_split_int_test_size():
    M = np.ones((6, 5), bool)
    train, test = train_test_split_mask(M, 7, random_state=0)
    assert test.sum() == 7 and train.sum() == 23


@pytest.mark.parametrize(
    "mask, test_size, error, match",
    [
        (np.ones((4, 4), bool), 0.0, ValueError, "strictly between 0 and 1"),
        (np.ones((4, 4), bool), 1.0, ValueError, "strictly between 0 and 1"),
        (np.ones((4, 4), bool), 16, ValueError, "pass an int from 1 to 15"),
        (np.ones((4, 4), bool), 0, ValueError, "pass an int from 1 to 15"),
        (np.ones((4, 4), bool), True, TypeError, "test_size must be"),
        (np.ones((4, 4), bool), "0.2", TypeError, "test_size must be"),
        (np.eye(4, dtype=bool), 1, ValueError, "Hold out fewer entries"),
        (np.ones((4, 4)), 0.2, TypeError, "mask must be a boolean array"),
        (np.ones(4, bool), 0.2, ValueError, "mask must be a 2-D boolean array"),
        (np.zeros((4, 4), bool), 0.2, ValueError, "pass an int from 1 to|no True entry"),
    ],
)
def test_split_bad_input(mask, test_size, error, match):
    with pytest.raises(error, match=match):
        train_test_split_mask(mask, test_size)


def test_split_bad_seed():
    with pytest.raises(TypeError, match="random_state must be None, an int"):
        train_test_split_mask(np.ones((3, 3), bool), 0.2, random_state=1.5)


def test_split_random_state_rule():
    M = np.ones((6, 5), bool)
    a = train_test_split_mask(M, 0.3, random_state=4)[1]
    assert np.array_equal(a, train_test_split_mask(M, 0.3, random_state=np.random.RandomState(4))[1])
    rng = np.random.default_rng(0)
    b, c = (train_test_split_mask(M, 0.3, random_state=rng)[1] for _ in range(2))
    assert not np.array_equal(b, c)  # a generator is advanced: two independent splits
    fresh = [train_test_split_mask(M, 0.3, random_state=None)[1] for _ in range(5)]
    assert any(not np.array_equal(fresh[0], f) for f in fresh[1:])  # None: fresh randomness


# ----------------------------------------------------------------------------- top-N


@pytest.fixture
def factors():
    rng = np.random.default_rng(7)
    return rng.uniform(size=(5, 3)), rng.uniform(size=(3, 10))


def test_top_n_against_sorting(factors):
    W, H = factors
    exclude = np.random.default_rng(1).uniform(size=(5, 10)) < 0.3
    for user in range(5):
        recs = top_n(W, H, user, 4, exclude=exclude)
        scores = [(-(W[user] @ H[:, j]), j) for j in range(10) if not exclude[user, j]]
        expected = [j for _, j in sorted(scores)[:4]]
        assert [r.item for r in recs] == expected
        for r in recs:
            assert r.user == user and not exclude[user, r.item]
            assert r.score == pytest.approx(W[user] @ H[:, r.item])
            assert r.contributions.sum() == pytest.approx(r.score)       # the explanation adds up
            np.testing.assert_array_equal(r.weights, W[user])
            np.testing.assert_array_equal(r.loadings, H[:, r.item])
            c = [W[user, q] * H[q, r.item] for q in range(3)]
            assert r.main_component == int(np.argmax(c))
            assert r.main_share == pytest.approx(max(c) / sum(c))
    one_row = top_n(W, H, 2, 4, exclude=exclude[2])
    assert [r.item for r in one_row] == [r.item for r in top_n(W, H, 2, 4, exclude=exclude)]


def test_top_n_returns_what_is_left(factors):
    W, H = factors
    exclude = np.ones(10, bool)
    exclude[[3, 7]] = False
    assert sorted(r.item for r in top_n(W, H, 0, 5, exclude=exclude)) == [3, 7]
    assert len(top_n(W, H, 0, 99)) == 10


def test_explain_mentions_the_item_component_and_weight(factors):
    W, H = factors
    rec = top_n(W, H, 1, 1)[0]
    text = rec.explain(item_labels=[f"dish {j}" for j in range(10)], component_labels=["a", "b", "c"])
    r = rec.main_component
    assert text.startswith(f"dish {rec.item} (predicted {rec.score:.2f})")
    assert f"'{'abc'[r]}'" in text and f"{W[1, r]:.2f}" in text and f"{rec.main_share:.0%}" in text
    assert "component" in rec.explain()
    with pytest.raises(ValueError, match="component labels given"):
        rec.explain(component_labels=[])
    zero = Recommendation(0, 0, 0.0, np.zeros(2), np.ones(2))
    assert zero.main_share == 0.0


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(user=5), ValueError, "user = 5 is out of range"),
        (dict(user=-1), ValueError, "out of range"),
        (dict(user=True), TypeError, "user must be an int"),
        (dict(user=1.0), TypeError, "user must be an int"),
        (dict(user=0, n=0), ValueError, "n must be a positive integer"),
        (dict(user=0, exclude=np.ones(10, bool)), ValueError, "every item is excluded"),
        (dict(user=0, exclude=np.ones(10)), TypeError, "exclude must be a boolean array"),
        (dict(user=0, exclude=np.ones((5, 9), bool)), ValueError, "exclude has shape"),
    ],
)
def test_top_n_bad_input(factors, kwargs, error, match):
    W, H = factors
    with pytest.raises(error, match=match):
        top_n(W, H, **kwargs)


def test_top_n_bad_factors(factors):
    W, H = factors
    with pytest.raises(ValueError, match="W has 3 columns but H has 2 rows"):
        top_n(W, H[:2], 0)
    with pytest.raises(ValueError, match="negative"):
        top_n(-W, H, 0)


def test_knn_and_similarity_bad_parameters(small):
    X, M = small
    with pytest.raises(ValueError, match="n_neighbors must be a positive integer"):
        user_knn(X, M, 0)
    with pytest.raises(TypeError, match="center must be True or False"):
        user_knn(X, M, 3, center=1)
    with pytest.raises(ValueError, match="min_common must be a non-negative integer"):
        user_similarity(X, M, min_common=-1)
    with pytest.raises(ValueError, match="negative observed entries"):
        item_mean(np.where(M, -X, np.nan), M)
    with pytest.raises(ValueError, match="NaN or infinite entries where mask is True"):
        global_mean(np.full(X.shape, np.nan), M)


# ----------------------------------------------------------------------------- the ratings generator


def test_ratings_model():
    d = nt.data.ratings()
    m, n = d.X.shape
    assert (m, n) == (300, 40) and d.mask.shape == (m, n) and d.mask.dtype == bool
    assert d.W_true.shape == (m, 4) and d.H_true.shape == (4, n)
    np.testing.assert_allclose(d.X_true, d.W_true @ d.H_true)
    assert (d.W_true >= 0).all() and (d.H_true >= 0).all()
    assert np.linalg.matrix_rank(d.X_true) == 4
    assert set(np.unique(d.X)) <= {1.0, 2.0, 3.0, 4.0, 5.0}          # whole stars
    assert np.abs(d.X - d.X_true).mean() < 0.5                        # ... close to the expected rating
    assert d.menus == ["pizza", "chicken", "burger+fries", "salad"]
    assert len(d.items) == n == len(set(d.items)) and len(d.users) == m
    assert d.items[:3] == ["margherita", "fried chicken", "cheeseburger"]
    assert list(d.item_menu[:8]) == [0, 1, 2, 3, 0, 1, 2, 3]
    # the dish's own menu is its largest loading
    assert np.array_equal(d.H_true.argmax(axis=0), d.item_menu)


def test_ratings_missingness():
    d = nt.data.ratings()
    per_user, per_item = d.mask.sum(axis=1), d.mask.sum(axis=0)
    assert abs(d.mask.mean() - 0.3) < 0.01                # the share asked for
    assert per_user.min() >= 10 and per_item.min() >= 1   # min_ratings per user, one per dish
    assert per_user.max() >= 2 * np.median(per_user)      # heavy tails: a few very active users ...
    assert per_item.max() >= 1.5 * np.median(per_item)    # ... and a few very popular dishes
    assert per_item.max() >= 5 * per_item.min()


def test_ratings_is_seeded_and_sized():
    a, b = nt.data.ratings(random_state=4), nt.data.ratings(random_state=4)
    for x, y in zip(a, b):
        np.testing.assert_array_equal(np.asarray(x), np.asarray(y))
    c = nt.data.ratings(random_state=5)
    assert not np.array_equal(a.X, c.X) and not np.array_equal(a.mask, c.mask)
    d = nt.data.ratings(50, 48, observed=0.5, min_ratings=3, noise=0.0)
    assert d.X.shape == (50, 48) and "pizza special 11" in d.items
    assert abs(d.mask.mean() - 0.5) < 0.02 and d.mask.sum(axis=1).min() >= 3
    np.testing.assert_array_equal(d.X, np.clip(np.rint(d.X_true), 1, 5))   # noise 0: just rounding
    full = nt.data.ratings(20, 8, observed=1.0, min_ratings=8)
    assert full.mask.all()


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(n_users=0), ValueError, "n_users must be a positive integer"),
        (dict(n_items=3), ValueError, "n_items must be at least 4"),
        (dict(n_items=2.5), TypeError, "n_items must be a positive integer"),
        (dict(observed=0), ValueError, "observed must be a finite positive number"),
        (dict(observed=1.5), ValueError, r"must lie in \(0, 1\]"),
        (dict(noise=-0.1), ValueError, "noise must be a finite non-negative number"),
        (dict(min_ratings=41), ValueError, "only n_items = 40 dishes"),
        (dict(min_ratings=-1), ValueError, "min_ratings must be a non-negative integer"),
        (dict(random_state="a"), TypeError, "random_state must be"),
    ],
)
def test_ratings_bad_input(kwargs, error, match):
    with pytest.raises(error, match=match):
        nt.data.ratings(**kwargs)


def test_split_refuses_none():
    with pytest.raises(TypeError, match="mask is None"):
        train_test_split_mask(None, 0.2)
