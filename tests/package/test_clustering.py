"""nmf_teach.clustering against naive formulas, scikit-learn's k-means and the identities of the chapter."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import nmf_teach as nt
from nmf_teach import clustering as cl


@pytest.fixture
def rng():
    return np.random.default_rng(7)


def direction_data(seed=0, m=120, k=3, n=9):
    """Samples that are random lengths times one of k non-negative profiles, plus a little noise."""
    rng = np.random.default_rng(seed)
    profiles = np.full((k, n), 1.0)
    for c in range(k):
        profiles[c, c * (n // k):(c + 1) * (n // k)] = 6.0
    labels = np.arange(m) % k
    X = rng.uniform(0.3, 3.0, size=(m, 1)) * (profiles[labels] + rng.uniform(0, 0.5, size=(m, n)))
    return X, labels


# ---------------------------------------------------------------- soft and hard assignments


def test_soft_assignments_without_H_is_row_normalization(rng):
    W = rng.uniform(size=(6, 3))
    P = cl.soft_assignments(W)
    for i in range(6):
        for r in range(3):
            assert P[i, r] == pytest.approx(W[i, r] / sum(W[i]))
    assert np.allclose(P.sum(axis=1), 1)


def test_soft_assignments_with_H_are_shares_of_the_reconstruction(rng):
    W, H = rng.uniform(size=(5, 3)), rng.uniform(size=(3, 4))
    P = cl.soft_assignments(W, H)
    WH = W @ H
    for i in range(5):
        for r in range(3):
            part = sum(W[i, r] * H[r, j] for j in range(4))
            assert P[i, r] == pytest.approx(part / WH[i].sum())
    # the split of each part's scale between W and H does not matter
    D = np.diag([0.1, 5.0, 2.0])
    assert np.allclose(cl.soft_assignments(W @ D, np.linalg.inv(D) @ H), P)
    # ... and it equals W as it is once the rows of H sum to 1
    W_s, H_s = nt.uniqueness.normalize_factors(W, H, norm="sum")
    assert np.allclose(cl.soft_assignments(W_s), P)


def test_hard_labels_argmax_ties_and_scale(rng):
    W = np.array([[0.2, 0.5, 0.3], [1.0, 1.0, 0.0], [0.0, 0.0, 2.0]])
    assert cl.hard_labels(W).tolist() == [1, 0, 2]  # the tie in row 1 goes to the lower index
    H = np.array([[10.0, 10.0], [0.1, 0.1], [1.0, 1.0]])
    # with H, part 0 (large) wins row 0: 0.2*20 = 4 > 0.5*0.2 and 0.3*2
    assert cl.hard_labels(W, H).tolist() == [0, 0, 2]
    W2 = rng.uniform(size=(20, 4))
    naive = [max(range(4), key=lambda r: (W2[i, r], -r)) for i in range(20)]
    assert cl.hard_labels(W2).tolist() == naive


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: cl.soft_assignments([[1.0, 0.0], [0.0, 0.0]]), ValueError, "no weight at all, the first is row 1"),
        (lambda: cl.soft_assignments([[1.0, -1.0]]), ValueError, "W has 1 negative entries"),
        (lambda: cl.soft_assignments(np.ones((2, 2)), np.ones((3, 2))), ValueError, "both must equal k"),
        (lambda: cl.soft_assignments([[1.0, 0.0]], [[0.0, 0.0], [1.0, 1.0]]), ValueError, "no weight at all"),
        (lambda: cl.hard_labels([[np.nan, 1.0]]), ValueError, "NaN or infinite"),
        (lambda: cl.hard_labels([1.0, 2.0]), ValueError, "must be 2-D"),
    ],
)
def test_assignment_errors(call, error, match):
    with pytest.raises(error, match=match):
        call()


# ---------------------------------------------------------------- k-means as a factorization


def test_centroids_and_inertia_against_loops(rng):
    X = rng.uniform(size=(10, 3))
    labels = np.array([0, 1, 2, 0, 1, 2, 0, 0, 1, 2])
    C = cl.centroids(X, labels)
    for c in range(3):
        members = [X[i] for i in range(10) if labels[i] == c]
        assert np.allclose(C[c], sum(members) / len(members))
    inertia = sum(float(np.sum((X[i] - C[labels[i]]) ** 2)) for i in range(10))
    assert cl.kmeans_inertia(X, labels) == pytest.approx(inertia)
    assert nt.objective.loss(X, nt.nmf_vs_pca.one_hot(labels), C) == pytest.approx(inertia)
    # the centroids solve the least-squares problem for the one-hot W
    W = nt.nmf_vs_pca.one_hot(labels)
    assert np.allclose(C, np.linalg.lstsq(W, X, rcond=None)[0])


def test_inertia_matches_scikit_learn_kmeans():
    from sklearn.cluster import KMeans

    X, _ = direction_data(1)
    km = KMeans(n_clusters=3, n_init=2, random_state=0).fit(X)
    assert cl.kmeans_inertia(X, km.labels_) == pytest.approx(km.inertia_, rel=1e-6)
    assert np.allclose(cl.centroids(X, km.labels_), km.cluster_centers_, atol=1e-6)


def test_gram_identities_of_ding_he_simon(rng):
    """inertia = tr(K) − tr(GᵀKG) = ‖X − GGᵀX‖², and ‖K − GGᵀ‖² = ‖K‖² − 2 tr(GᵀKG) + k."""
    X = rng.uniform(size=(12, 4))
    labels = np.array([0, 1, 2, 3] * 3)
    rng.shuffle(labels)
    G = cl.normalized_indicator(labels)
    K = X @ X.T
    inertia = cl.kmeans_inertia(X, labels)
    assert np.allclose(G.T @ G, np.eye(4))
    assert inertia == pytest.approx(np.trace(K) - np.trace(G.T @ K @ G))
    assert inertia == pytest.approx(nt.objective.loss(X, G, G.T @ X))
    assert np.sum((K - G @ G.T) ** 2) == pytest.approx(np.sum(K**2) - 2 * np.trace(G.T @ K @ G) + 4)


def test_normalized_indicator_entries():
    G = cl.normalized_indicator([0, 1, 1, 1, 0])
    assert np.allclose(G[:, 0], [1 / np.sqrt(2), 0, 0, 0, 1 / np.sqrt(2)])
    assert np.allclose(G[:, 1], [0, 1 / np.sqrt(3), 1 / np.sqrt(3), 1 / np.sqrt(3), 0])


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: cl.centroids(np.ones((3, 2)), [0, 2, 2]), ValueError, "cluster 1 has no sample"),
        (lambda: cl.centroids(np.ones((3, 2)), [0, 1]), ValueError, "labels has 2 entries but X has 3 rows"),
        (lambda: cl.centroids(np.ones((2, 2)), [0, 1], n_components=3), ValueError, "cluster 2 has no sample"),
        (lambda: cl.kmeans_inertia(np.ones((2, 2)), [0, -1]), ValueError, "labels must be >= 0"),
        (lambda: cl.kmeans_inertia(np.ones((2, 2)), [True, False]), TypeError, "labels are booleans"),
        (lambda: cl.normalized_indicator([0, 3], n_components=2), ValueError, "labels must be < k"),
        (lambda: cl.normalized_indicator(None), TypeError, "labels must be a 1-D array"),
        (lambda: cl.normalized_indicator([[0, 1]]), ValueError, "non-empty 1-D array"),
    ],
)
def test_kmeans_errors(call, error, match):
    with pytest.raises(error, match=match):
        call()


# ---------------------------------------------------------------- orthogonality and supports


def test_orthogonality_error_against_formula(rng):
    W = rng.uniform(size=(7, 3))
    C = W / np.linalg.norm(W, axis=0)
    assert cl.orthogonality_error(W) == pytest.approx(np.linalg.norm(C.T @ C - np.eye(3)))
    assert cl.orthogonality_error(W) <= np.sqrt(3 * 2)
    disjoint = np.array([[2.0, 0, 0], [0.5, 0, 0], [0, 3.0, 0], [0, 0, 0.1], [0, 0, 0]])
    assert cl.orthogonality_error(disjoint) == pytest.approx(0.0)
    with pytest.raises(ValueError, match="column 1 of W is zero"):
        cl.orthogonality_error([[1.0, 0.0], [1.0, 0.0]])


def test_support_sizes(rng):
    W = np.array([[0.0, 0.0, 0.0], [1.0, 0.0, 0.0], [1.0, 0.005, 2.0], [3.0, 3.0, 3.0]])
    assert cl.support_sizes(W).tolist() == [0, 1, 3, 3]
    assert cl.support_sizes(W, rel_tol=0.01).tolist() == [0, 1, 2, 3]
    with pytest.raises(ValueError, match="rel_tol must be a finite non-negative"):
        cl.support_sizes(W, rel_tol=-0.1)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), density=st.floats(0.05, 0.9))
def test_lemma_nonnegative_orthogonal_columns_means_one_nonzero_per_row(seed, density):
    """For W >= 0 with no zero column: columns orthogonal <=> every row has at most one non-zero."""
    rng = np.random.default_rng(seed)
    W = rng.uniform(0.1, 1.0, size=(8, 3)) * (rng.uniform(size=(8, 3)) < density)
    if (W.sum(axis=0) == 0).any():
        return
    orthogonal = cl.orthogonality_error(W) < 1e-12
    at_most_one = cl.support_sizes(W).max() <= 1
    assert orthogonal == at_most_one


# ---------------------------------------------------------------- orthogonal NMF


def test_orthogonal_nmf_is_feasible_and_monotone():
    X, y = direction_data(0)
    r = cl.orthogonal_nmf(X, 3, n_init=3, random_state=0)
    assert np.all(r.W >= 0) and np.all(r.H >= 0)
    assert np.allclose(r.W.T @ r.W, np.eye(3), atol=1e-12)
    assert cl.support_sizes(r.W).max() == 1
    assert np.all(np.diff(r.losses) <= 1e-9 * r.losses[0])
    assert r.loss == pytest.approx(nt.objective.loss(X, r.W, r.H))
    # H is the best H for this W (WᵀW = I), and the loss is ‖X‖² − tr(WᵀKW)
    assert np.allclose(r.H, r.W.T @ X)
    K = X @ X.T
    assert r.loss == pytest.approx(np.sum(X**2) - np.trace(r.W.T @ K @ r.W))
    assert np.array_equal(r.labels, cl.hard_labels(r.W))
    # the planted groups are directions with random lengths: found exactly
    from sklearn.metrics import adjusted_rand_score

    assert adjusted_rand_score(y, r.labels) == pytest.approx(1.0)
    assert r.converged


def test_orthogonal_nmf_cluster_fit_is_the_top_singular_pair():
    X, _ = direction_data(2)
    r = cl.orthogonal_nmf(X, 3)
    for c in range(3):
        Xc = X[r.labels == c]
        s = np.linalg.svd(Xc, compute_uv=False)
        assert np.linalg.norm(r.H[c]) == pytest.approx(s[0])
        rest = np.sum(Xc**2) - s[0] ** 2   # the best rank-one error of the cluster (Eckart–Young)
        assert np.sum((Xc - r.W[r.labels == c] @ r.H) ** 2) == pytest.approx(rest, abs=1e-8)


def test_orthogonal_nmf_from_kmeans_never_worse_than_kmeans():
    from sklearn.cluster import KMeans

    X, y = nt.data.digits(300)
    km = KMeans(n_clusters=5, n_init=1, random_state=0).fit(X)
    r = cl.orthogonal_nmf(X, 5, labels0=km.labels_)
    assert r.loss <= km.inertia_ * (1 + 1e-9)
    assert r.losses[0] <= cl.kmeans_inertia(X, km.labels_) + 1e-9  # same partition, best scales
    # restarting from its own labels is a fixed point
    again = cl.orthogonal_nmf(X, 5, labels0=r.labels)
    assert again.converged and again.n_iter == 1 and again.loss == pytest.approx(r.loss)


def test_orthogonal_nmf_n_init_keeps_the_best():
    X, _ = nt.data.digits(200)
    runs = [cl.orthogonal_nmf(X, 6, n_init=1, random_state=s).loss for s in range(3)]
    best = cl.orthogonal_nmf(X, 6, n_init=4, random_state=0).loss
    assert best <= runs[0] + 1e-9


def test_orthogonal_nmf_keeps_clusters_non_empty():
    X = np.array([[1.0, 0.0], [1.0, 0.01], [1.0, 0.02], [0.0, 1.0]])
    r = cl.orthogonal_nmf(X, 3, random_state=0)
    assert sorted(set(r.labels.tolist())) == [0, 1, 2]
    assert np.allclose(r.W.T @ r.W, np.eye(3))


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"X": [[1.0, -1.0], [1.0, 1.0]], "n_components": 1}, ValueError, "X has 1 negative entries"),
        ({"X": [[1.0, 0.0], [0.0, 0.0]], "n_components": 2}, ValueError, "X has 1 non-zero row"),
        ({"X": np.eye(3), "n_components": 0}, ValueError, "n_components must be a positive integer"),
        ({"X": np.eye(3), "n_components": 2.0}, TypeError, "n_components must be a positive integer"),
        ({"X": np.eye(3), "n_components": 2, "n_init": 0}, ValueError, "n_init must be a positive integer"),
        ({"X": np.eye(3), "n_components": 2, "max_iter": -1}, ValueError, "max_iter must be a positive"),
        ({"X": np.eye(3), "n_components": 2, "labels0": [0, 0, 0]}, ValueError, "cluster 1 has no sample"),
        ({"X": np.eye(3), "n_components": 2, "labels0": [0, 1]}, ValueError, "labels has 2 entries"),
        ({"X": [[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]], "n_components": 2, "labels0": [0, 1, 1]}, ValueError,
         "cluster 0 holds only zero rows"),
    ],
)
def test_orthogonal_nmf_errors(kwargs, error, match):
    with pytest.raises(error, match=match):
        cl.orthogonal_nmf(**kwargs)
