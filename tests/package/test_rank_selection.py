"""Choosing k (nmf_teach.rank_selection): each function against a slow, obvious reference, the
properties the chapter states, and a clear error for every bad input."""

import numpy as np
import pytest

import nmf_teach as nt
from nmf_teach import rank_selection as rs


# --------------------------------------------------------------------------- references


def naive_floor(X, k):
    """‖X − X_k‖²_F with X_k the truncated SVD, built and subtracted."""
    U, s, Vt = np.linalg.svd(X, full_matrices=False)
    Xk = (U[:, :k] * s[:k]) @ Vt[:k]
    return float(np.sum((X - Xk) ** 2))


def naive_connectivity(labels):
    m = len(labels)
    C = np.zeros((m, m))
    for i in range(m):
        for j in range(m):
            C[i, j] = 1.0 if labels[i] == labels[j] else 0.0
    return C


def naive_dominant(W, H):
    labels = []
    for i in range(W.shape[0]):
        totals = [W[i, r] * H[r].sum() for r in range(W.shape[1])]
        labels.append(int(np.argmax(totals)))
    return np.array(labels)


def naive_upgma_cophenetic(D):
    """Average linkage by hand: merge the two closest clusters (mean pairwise distance), and record
    the merge height as the cophenetic distance of every pair it joins."""
    m = D.shape[0]
    clusters = {i: [i] for i in range(m)}
    coph = np.zeros((m, m))
    while len(clusters) > 1:
        keys = sorted(clusters)
        best = None
        for a_pos, a in enumerate(keys):
            for b in keys[a_pos + 1:]:
                h = np.mean([D[i, j] for i in clusters[a] for j in clusters[b]])
                if best is None or h < best[0] - 1e-15:
                    best = (h, a, b)
        h, a, b = best
        for i in clusters[a]:
            for j in clusters[b]:
                coph[i, j] = coph[j, i] = h
        clusters[a] = clusters[a] + clusters.pop(b)
    return coph


def naive_cophenetic_correlation(C):
    D = 1.0 - C
    coph = naive_upgma_cophenetic(D)
    iu = np.triu_indices(C.shape[0], 1)
    return float(np.corrcoef(D[iu], coph[iu])[0, 1])


def block_consensus(sizes):
    labels = np.repeat(np.arange(len(sizes)), sizes)
    return naive_connectivity(labels), labels


@pytest.fixture(scope="module")
def planted():
    X, W, H = nt.data.planted_nmf(24, 18, 3, noise=0.05, random_state=0)
    return X


# --------------------------------------------------------------------------- svd_floor


@pytest.mark.parametrize("shape", [(12, 8), (8, 12), (10, 10)])
def test_svd_floor_is_the_error_of_the_truncated_svd(shape):
    X = np.random.default_rng(0).random(shape)
    ks = list(range(1, min(shape) + 3))
    floors = rs.svd_floor(X, ks)
    assert floors.shape == (len(ks),)
    for k, f in zip(ks, floors):
        assert f == pytest.approx(naive_floor(X, k), rel=1e-10, abs=1e-12)
    assert np.all(np.diff(floors) <= 1e-12)          # more components, never a higher floor
    assert floors[-1] == 0.0                         # k beyond the rank: exact


def test_svd_floor_scalar_and_negative_entries():
    X = np.random.default_rng(1).standard_normal((6, 5))  # the bound needs no non-negativity
    assert isinstance(rs.svd_floor(X, 2), float)
    assert rs.svd_floor(X, 2) == pytest.approx(naive_floor(X, 2), rel=1e-12)


def test_svd_floor_keeps_the_digits_of_a_tiny_tail():
    rng = np.random.default_rng(2)
    X = rng.random((20, 3)) @ rng.random((3, 15)) * 1e3 + 1e-6 * rng.random((20, 15))
    s = np.linalg.svd(X, compute_uv=False)
    assert rs.svd_floor(X, 3) == pytest.approx(float(np.sum(s[3:] ** 2)), rel=1e-10)


def test_no_nmf_goes_below_the_floor(planted):
    ks = [1, 2, 3, 4]
    losses = rs.loss_curve(planted, ks, max_iter=200)
    floors = rs.svd_floor(planted, ks)
    assert np.all(losses >= floors - 1e-9)
    assert losses[0] == pytest.approx(floors[0], rel=1e-3)  # rank one: NMF reaches the floor


# --------------------------------------------------------------------------- loss_curve


@pytest.mark.parametrize("method", ["cd", "hals", "mu"])
def test_loss_curve_is_the_best_of_its_starts(planted, method):
    ks = [2, 3]
    curve = rs.loss_curve(planted, ks, method=method, n_init=2, max_iter=30, random_state=5)
    for k, value in zip(ks, curve):
        losses = []
        for seed in (5, 6):
            if method == "cd":
                W, H = nt.solvers.fit_sklearn(planted, k, init="random", tol=1e-4, max_iter=30, random_state=seed)
            else:
                r = nt.solvers.nmf(planted, k, method=method, max_iter=30, tol=1e-4, random_state=seed)
                W, H = r.W, r.H
            losses.append(nt.objective.loss(planted, W, H))
        assert value == pytest.approx(min(losses), rel=1e-12)


def test_more_starts_never_hurt(planted):
    one = rs.loss_curve(planted, [2, 3], n_init=1, max_iter=20)
    three = rs.loss_curve(planted, [2, 3], n_init=3, max_iter=20)
    assert np.all(three <= one)


# --------------------------------------------------------------------------- heldout_error


def naive_heldout(X, ks, masks, seed, max_iter):
    train = np.empty((len(ks), len(masks)))
    test = np.empty((len(ks), len(masks)))
    for s, hidden in enumerate(masks):
        seen = ~hidden
        for i, k in enumerate(ks):
            r = nt.solvers.nmf(np.where(seen, X, np.nan), k, mask=seen, max_iter=max_iter, random_state=seed + s)
            R = X - r.W @ r.H
            train[i, s] = np.sum(R[seen] ** 2) / seen.sum()
            test[i, s] = np.sum(R[hidden] ** 2) / hidden.sum()
    return train, test


def test_heldout_error_against_masked_nmf_by_hand(planted):
    ks = [1, 2, 4]
    res = rs.heldout_error(planted, ks, test_size=0.25, n_splits=2, random_state=3, max_iter=40)
    train, test = naive_heldout(planted, ks, res.test_masks, 3, 40)
    np.testing.assert_allclose(res.train, train, rtol=1e-9)
    np.testing.assert_allclose(res.test, test, rtol=1e-9)
    assert res.train.shape == res.test.shape == (3, 2)
    np.testing.assert_array_equal(res.ks, ks)
    np.testing.assert_allclose(res.mean_test, test.mean(axis=1))
    np.testing.assert_allclose(res.mean_train, train.mean(axis=1))
    np.testing.assert_allclose(res.se_test, test.std(axis=1, ddof=1) / np.sqrt(2))


def test_splits_hide_the_stated_share_reproducibly(planted):
    a = rs.heldout_error(planted, [1], test_size=0.2, n_splits=3, random_state=7, max_iter=1)
    b = rs.heldout_error(planted, [1], test_size=0.2, n_splits=3, random_state=7, max_iter=1)
    np.testing.assert_array_equal(a.test_masks, b.test_masks)
    assert a.test_masks.shape == (3,) + planted.shape
    assert all(int(M.sum()) == round(0.2 * planted.size) for M in a.test_masks)
    assert not np.array_equal(a.test_masks[0], a.test_masks[1])


def test_hidden_entries_do_not_leak_into_the_fit(planted):
    res = rs.heldout_error(planted, [2, 3], test_size=0.2, n_splits=1, random_state=0, max_iter=30)
    changed = np.where(res.test_masks[0], planted + 5.0, planted)
    other = rs.heldout_error(changed, [2, 3], test_size=0.2, n_splits=1, random_state=0, max_iter=30)
    np.testing.assert_array_equal(other.test_masks, res.test_masks)
    np.testing.assert_allclose(other.train, res.train, rtol=1e-12)   # the fit saw the same numbers
    assert np.all(other.test > res.test)                              # only the hidden targets moved


def test_heldout_with_missing_entries_hides_only_observed_ones(planted):
    observed = np.random.default_rng(4).random(planted.shape) < 0.7
    X = np.where(observed, planted, np.nan)
    res = rs.heldout_error(X, [2], mask=observed, test_size=0.2, n_splits=2, random_state=1, max_iter=20)
    assert not np.any(res.test_masks & ~observed)
    assert np.all(np.isfinite(res.test)) and np.all(np.isfinite(res.train))
    assert all(int(M.sum()) == round(0.2 * observed.sum()) for M in res.test_masks)


def test_heldout_finds_the_planted_rank_and_training_error_keeps_falling():
    X, _, _ = nt.data.planted_nmf(40, 30, 3, noise=0.1, random_state=1)
    ks = [1, 2, 3, 4, 5, 6, 8]
    res = rs.heldout_error(X, ks, test_size=0.2, n_splits=3, max_iter=300)
    assert rs.choose_k(ks, res.mean_test, "min") == 3
    assert np.all(np.diff(res.mean_train) < 0)
    assert res.mean_test[-1] > res.mean_test[2]


# --------------------------------------------------------------------------- clustering and consensus


def test_dominant_part_against_loops_and_scale_free():
    rng = np.random.default_rng(0)
    W, H = rng.random((15, 4)), rng.random((4, 9))
    labels = rs.dominant_part(W, H)
    np.testing.assert_array_equal(labels, naive_dominant(W, H))
    c = np.array([0.1, 3.0, 7.0, 0.5])
    np.testing.assert_array_equal(rs.dominant_part(W * c, H / c[:, None]), labels)


def test_connectivity_against_loops():
    labels = np.array([2, 0, 2, 1, 0, 2])
    C = rs.connectivity_matrix(labels)
    np.testing.assert_array_equal(C, naive_connectivity(labels))
    np.testing.assert_array_equal(rs.connectivity_matrix(labels + 5), C)  # names of clusters do not matter


def test_consensus_of_identical_runs_is_zero_one(planted):
    C = rs.consensus_matrix(planted, 3, [4, 4, 4])
    assert set(np.unique(C)) <= {0.0, 1.0}
    W, H = nt.solvers.fit_sklearn(planted, 3, init="random", tol=1e-4, max_iter=500, random_state=4)
    np.testing.assert_array_equal(C, naive_connectivity(naive_dominant(W, H)))


@pytest.mark.parametrize("method", ["cd", "hals", "mu"])
def test_consensus_is_the_mean_connectivity(planted, method):
    seeds = [0, 1, 2, 3]
    C = rs.consensus_matrix(planted, 4, seeds, method=method, max_iter=50)
    ref = np.zeros_like(C)
    for seed in seeds:
        if method == "cd":
            W, H = nt.solvers.fit_sklearn(planted, 4, init="random", tol=1e-4, max_iter=50, random_state=seed)
        else:
            r = nt.solvers.nmf(planted, 4, method=method, max_iter=50, tol=1e-4, random_state=seed)
            W, H = r.W, r.H
        ref += naive_connectivity(naive_dominant(W, H))
    np.testing.assert_allclose(C, ref / len(seeds), atol=1e-15)
    np.testing.assert_array_equal(C, C.T)
    np.testing.assert_array_equal(np.diag(C), 1.0)


def test_cophenetic_of_a_perfect_block_consensus_is_one():
    C, _ = block_consensus([4, 3, 5])
    assert rs.cophenetic_correlation(C) == pytest.approx(1.0, abs=1e-12)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_cophenetic_against_average_linkage_by_hand(seed):
    rng = np.random.default_rng(seed)
    A = rng.random((9, 9))
    C = (A + A.T) / 2                                # no tied distances: one tree, whatever the order
    np.fill_diagonal(C, 1.0)
    assert rs.cophenetic_correlation(C) == pytest.approx(naive_cophenetic_correlation(C), rel=1e-9)
    order = rng.permutation(9)                       # renaming the samples changes nothing
    assert rs.cophenetic_correlation(C[np.ix_(order, order)]) == pytest.approx(rs.cophenetic_correlation(C),
                                                                               rel=1e-12)


def test_cophenetic_of_a_consensus_by_hand():
    runs = [np.array([0, 0, 0, 1, 1, 2, 2, 2]), np.array([0, 0, 1, 1, 1, 2, 2, 2]),
            np.array([1, 1, 1, 0, 0, 2, 2, 0])]
    C = np.mean([naive_connectivity(lab) for lab in runs], axis=0)
    assert rs.cophenetic_correlation(C) == pytest.approx(naive_cophenetic_correlation(C), rel=1e-9)


def test_cophenetic_falls_when_runs_disagree():
    C, _ = block_consensus([5, 5, 5])
    C2 = C.copy()
    C2[0, 5:8] = C2[5:8, 0] = 0.6                    # sample 0 half-joins another block
    C2[0, 1:5] = C2[1:5, 0] = 0.4
    assert rs.cophenetic_correlation(C2) < rs.cophenetic_correlation(C)


def test_consensus_order_makes_blocks_contiguous():
    C, labels = block_consensus([4, 3, 5])
    shuffle = np.random.default_rng(0).permutation(12)
    Cs, ls = C[np.ix_(shuffle, shuffle)], labels[shuffle]
    order = rs.consensus_order(Cs)
    assert sorted(order) == list(range(12))
    runs = np.flatnonzero(np.diff(ls[order]) != 0)
    assert len(runs) == 2                            # three blocks, two boundaries


# --------------------------------------------------------------------------- from a curve to k


def test_elbow_finds_a_kink_and_ignores_units():
    ks = np.arange(1, 11)
    values = np.where(ks <= 4, 100 - 20 * (ks - 1), 40 - 2 * (ks - 4)).astype(float)
    assert rs.elbow(ks, values) == 4
    assert rs.elbow(ks, 1e-3 * values + 7) == 4
    assert rs.elbow(ks, values.max() - values) == 4   # a rising curve with the same kink


def test_elbow_of_a_smooth_curve_moves_with_the_range():
    ks = np.arange(1, 61)
    values = 1.0 / ks                                # no kink anywhere
    picks = {n: rs.elbow(ks[:n], values[:n]) for n in (10, 20, 60)}
    assert len(set(picks.values())) == 3


def test_elbow_against_the_formula():
    rng = np.random.default_rng(0)
    ks = np.array([1, 2, 4, 7, 9])
    v = np.sort(rng.random(5))[::-1]
    x = (ks - ks[0]) / (ks[-1] - ks[0])
    y = (v - v.min()) / (v.max() - v.min())
    assert rs.elbow(ks, v) == ks[np.argmax(1 - x - y)]


def test_choose_k_rules():
    ks = [2, 3, 4, 5, 6]
    v = [5.0, 3.0, 1.0, 1.2, 2.0]
    assert rs.choose_k(ks, v, "min") == 4
    assert rs.choose_k(ks, v, "max") == 2
    assert rs.choose_k(ks, [0.9, 1.0, 1.0, 0.95, 0.99], "max") == 4      # ties: the largest stable k
    se = [0.1, 0.1, 0.3, 0.2, 0.1]
    assert rs.choose_k(ks, v, "one_se", se=se) == 4                   # 3.0 > 1.0 + 0.3: k = 3 is too far
    assert rs.choose_k(ks, [5.0, 1.2, 1.0, 1.1, 2.0], "one_se", se=se) == 3   # 1.2 <= 1.0 + 0.3
    assert rs.choose_k(ks, v, "elbow") == rs.elbow(ks, v)


def test_one_se_against_the_rule_by_hand():
    rng = np.random.default_rng(3)
    ks = np.arange(1, 9)
    for _ in range(20):
        v, se = rng.random(8), 0.2 * rng.random(8)
        best = int(np.argmin(v))
        expected = min(k for k, val in zip(ks, v) if val <= v[best] + se[best])
        assert rs.choose_k(ks, v, "one_se", se=se) == expected


# --------------------------------------------------------------------------- errors that teach


@pytest.fixture(scope="module")
def small():
    return np.random.default_rng(0).random((6, 5))


BAD_CALLS = [
    (lambda X: rs.svd_floor(X, []), ValueError, "empty"),
    (lambda X: rs.svd_floor(X, [0, 1]), ValueError, "positive"),
    (lambda X: rs.svd_floor(X, [2, 1]), ValueError, "strictly increasing"),
    (lambda X: rs.svd_floor(X, [1.5]), TypeError, "not an integer"),
    (lambda X: rs.svd_floor(X, "12"), TypeError, "sequence"),
    (lambda X: rs.loss_curve(X, 3), TypeError, r"pass \[3\]"),
    (lambda X: rs.loss_curve(-X, [1]), ValueError, "negative"),
    (lambda X: rs.loss_curve(X, [1], method="als"), ValueError, "method"),
    (lambda X: rs.loss_curve(X, [1], n_init=0), ValueError, "n_init"),
    (lambda X: rs.loss_curve(X, [1], random_state=-1), ValueError, "random_state"),
    (lambda X: rs.heldout_error(X, [1], test_size=0), ValueError, r"in \(0, 1\)"),
    (lambda X: rs.heldout_error(X, [1], test_size=1.0), ValueError, r"in \(0, 1\)"),
    (lambda X: rs.heldout_error(X, [1], test_size="10%"), TypeError, "test_size"),
    (lambda X: rs.heldout_error(X, [1], test_size=0.01), ValueError, "hides 0"),
    (lambda X: rs.heldout_error(X, [1], test_size=0.9), ValueError, "no training entry"),
    (lambda X: rs.heldout_error(X, [1], n_splits=0), ValueError, "n_splits"),
    (lambda X: rs.heldout_error(X, [1], mask=np.ones(X.shape)), TypeError, "boolean"),
    (lambda X: rs.heldout_error(np.where(X > 0.5, X, np.nan), [1]), ValueError, "NaN"),
    (lambda X: rs.heldout_error(X, [1], n_splits=1, max_iter=1).se_test, ValueError, "n_splits >= 2"),
    (lambda X: rs.dominant_part(X[:, :3], X[:2]), ValueError, "ranks disagree"),
    (lambda X: rs.connectivity_matrix([0.0, 1.0]), TypeError, "integers"),
    (lambda X: rs.connectivity_matrix([[0, 1]]), ValueError, "1-D"),
    (lambda X: rs.consensus_matrix(X, 2, 5), TypeError, r"range\(5\)"),
    (lambda X: rs.consensus_matrix(X, 2, []), ValueError, "at least one run"),
    (lambda X: rs.consensus_matrix(X, 0, [1]), ValueError, "k must be a positive"),
    (lambda X: rs.cophenetic_correlation(np.ones((3, 4))), ValueError, "square"),
    (lambda X: rs.cophenetic_correlation(np.eye(2)), ValueError, "at least 3"),
    (lambda X: rs.cophenetic_correlation(np.triu(np.ones((4, 4)))), ValueError, "symmetric"),
    (lambda X: rs.cophenetic_correlation(2 * np.eye(4)), ValueError, r"\[0, 1\]"),
    (lambda X: rs.cophenetic_correlation(np.ones((4, 4))), ValueError, "0/0"),
    (lambda X: rs.elbow([1, 2], [2.0, 1.0]), ValueError, "at least 3"),
    (lambda X: rs.elbow([1, 2, 3], [1.0, 1.0, 1.0]), ValueError, "flat"),
    (lambda X: rs.elbow([1, 2, 3], [3.0, np.nan, 1.0]), ValueError, "NaN"),
    (lambda X: rs.elbow([1, 2, 3], [3.0, 1.0]), ValueError, "one value per k"),
    (lambda X: rs.choose_k([1, 2, 3], [3.0, 2.0, 1.0], "median"), ValueError, "rule"),
    (lambda X: rs.choose_k([1, 2, 3], [3.0, 2.0, 1.0], "one_se"), ValueError, "needs se"),
    (lambda X: rs.choose_k([1, 2, 3], [3.0, 2.0, 1.0], "min", se=[1, 1, 1]), ValueError, "one_se.? only"),
    (lambda X: rs.choose_k([1, 2, 3], [3.0, 2.0, 1.0], "one_se", se=[1, -1, 1]), ValueError, "negative"),
]


@pytest.mark.parametrize("call, error, match", BAD_CALLS, ids=[m for _, _, m in BAD_CALLS])
def test_bad_input_raises_a_clear_error(small, call, error, match):
    with pytest.raises(error, match=match):
        call(small)


# --------------------------------------------------------------------------- Brunet et al.'s raw rule


def test_dominant_coefficient_against_a_loop_and_the_scaled_rule():
    rng = np.random.default_rng(4)
    W, H = rng.uniform(size=(30, 4)), rng.uniform(size=(4, 7))
    by_loop = np.array([max(range(4), key=lambda r: (W[i, r], -r)) for i in range(30)])
    assert np.array_equal(rs.dominant_coefficient(W), by_loop)
    # dominant_part is the raw rule after scaling each row of H to sum 1
    assert np.array_equal(rs.dominant_coefficient(W * H.sum(axis=1)), rs.dominant_part(W, H))


def test_dominant_coefficient_depends_on_the_scale_of_a_component():
    W = np.array([[1.0, 0.9], [0.2, 1.0], [0.6, 0.5]])
    H = np.ones((2, 3))
    c = np.array([1.0, 2.0])  # the same factorization: W diag(c), diag(1/c) H
    assert not np.array_equal(rs.dominant_coefficient(W), rs.dominant_coefficient(W * c))
    assert np.array_equal(rs.dominant_part(W, H), rs.dominant_part(W * c, H / c[:, None]))


@pytest.mark.parametrize("W, error, match", [
    (-np.ones((3, 2)), ValueError, "negative"),
    (np.ones((3, 0)), ValueError, "empty"),
])
def test_dominant_coefficient_bad_input(W, error, match):
    with pytest.raises(error, match=match):
        rs.dominant_coefficient(W)
