"""The NMF-vs-PCA measures of nmf_teach.compare, against obvious formulas."""

import numpy as np
import pytest

import nmf_teach as nt
from nmf_teach import nmf_vs_pca as compare


@pytest.fixture
def rng():
    return np.random.default_rng(3)


def test_negative_fraction_counts(rng):
    A = rng.standard_normal((6, 5))
    naive = sum(1 for v in A.ravel() if v < 0) / A.size
    assert compare.negative_fraction(A) == pytest.approx(naive)
    assert compare.negative_fraction(np.abs(A)) == 0.0


def test_near_zero_fraction_against_loop(rng):
    A = rng.standard_normal((4, 7))
    A[0, :3] = 0.0
    tol = 0.3
    count = 0
    for row in A:
        big = max(abs(v) for v in row)
        count += sum(1 for v in row if abs(v) <= tol * big)
    assert compare.near_zero_fraction(A, tol) == pytest.approx(count / A.size)
    # each row is judged on its own scale
    assert compare.near_zero_fraction(A * np.arange(1, 5)[:, None], tol) == pytest.approx(count / A.size)
    assert compare.near_zero_fraction(np.zeros((2, 3))) == 1.0


def test_row_cosines(rng):
    A = rng.uniform(size=(3, 5))
    C = compare.row_cosines(A)
    for r in range(3):
        for s in range(3):
            expect = A[r] @ A[s] / (np.linalg.norm(A[r]) * np.linalg.norm(A[s]))
            assert C[r, s] == pytest.approx(expect)
    Q, _ = np.linalg.qr(rng.standard_normal((5, 3)))
    assert np.allclose(compare.row_cosines(Q.T), np.eye(3))


def test_cancellation_ratio(rng):
    W, H = rng.uniform(size=(4, 2)), rng.uniform(size=(2, 3))
    assert compare.cancellation_ratio(W, H) == pytest.approx(1.0)
    Wn, Hn = rng.standard_normal((4, 2)), rng.standard_normal((2, 3))
    terms = sum(abs(Wn[i, r] * Hn[r, j]) for i in range(4) for r in range(2) for j in range(3))
    assert compare.cancellation_ratio(Wn, Hn) == pytest.approx(terms / np.abs(Wn @ Hn).sum())
    assert compare.cancellation_ratio(Wn, Hn) >= 1.0


def test_storage_ratio():
    assert compare.storage_ratio(100, 64, 10) == pytest.approx((100 * 10 + 10 * 64) / (100 * 64))
    assert compare.storage_ratio(10, 10, 5) == pytest.approx(1.0)


def test_one_hot_and_kmeans_objective(rng):
    W = compare.one_hot([0, 2, 1, 2])
    assert W.tolist() == [[1, 0, 0], [0, 0, 1], [0, 1, 0], [0, 0, 1]]
    assert compare.one_hot([0, 0], n_components=3).shape == (2, 3)
    X = rng.uniform(size=(4, 2))
    labels = np.array([0, 1, 1, 0])
    H = np.array([X[labels == c].mean(axis=0) for c in range(2)])
    inertia = sum(np.sum((X[i] - H[labels[i]]) ** 2) for i in range(4))
    assert nt.objective.loss(X, compare.one_hot(labels), H) == pytest.approx(inertia)


def test_bad_inputs():
    with pytest.raises(ValueError, match="Row 1 of A is zero"):
        compare.row_cosines([[1.0, 0.0], [0.0, 0.0]])
    with pytest.raises(ValueError, match="both must equal k"):
        compare.cancellation_ratio(np.ones((2, 2)), np.ones((3, 2)))
    with pytest.raises(ValueError, match="zero matrix"):
        compare.cancellation_ratio(np.zeros((2, 1)), np.ones((1, 2)))
    with pytest.raises(ValueError, match="must be 2-D"):
        compare.negative_fraction([1.0, -1.0])
    with pytest.raises(ValueError, match="rel_tol must be a finite non-negative"):
        compare.near_zero_fraction(np.ones((2, 2)), rel_tol=-1)
    with pytest.raises(TypeError, match="k must be a positive integer"):
        compare.storage_ratio(3, 4, 1.5)
    with pytest.raises(ValueError, match="labels must be >= 0"):
        compare.one_hot([0, -1])
    with pytest.raises(ValueError, match="labels must be < k"):
        compare.one_hot([0, 3], n_components=2)
    with pytest.raises(TypeError, match="labels must be integers"):
        compare.one_hot([0.5, 1.0])
    with pytest.raises(ValueError, match="non-empty 1-D"):
        compare.one_hot([[0, 1]])


@pytest.mark.parametrize(
    "labels, match",
    [
        (["a", "b"], r"labels must be integers 0, \.\.\., k - 1, got dtype <U1"),
        ("ab", r"labels must be a 1-D array of integers 0, \.\.\., k - 1, got 'ab'"),
        (None, r"labels must be a 1-D array of integers 0, \.\.\., k - 1, got None"),
        ([0, None], r"labels\[1\] = None \(of type NoneType\) is not a whole number"),
        ([0, np.nan], r"labels\[1\] = .*nan.* is not a whole number"),
        ([True, False], "labels are booleans; pass cluster numbers"),
        ([0, 1j], "got dtype complex128"),
    ],
)
def test_one_hot_refuses_non_integer_labels(labels, match):
    with pytest.raises(TypeError, match=match):
        compare.one_hot(labels)


def test_one_hot_accepts_whole_floats_and_object_ints():
    expected = compare.one_hot([0, 2, 1])
    np.testing.assert_array_equal(compare.one_hot([0.0, 2.0, 1.0]), expected)
    np.testing.assert_array_equal(compare.one_hot(np.array([0, 2, 1], dtype=object)), expected)
    np.testing.assert_array_equal(compare.one_hot(np.array([0, 2, 1], dtype=np.int32)), expected)
