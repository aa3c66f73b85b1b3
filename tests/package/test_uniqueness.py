"""Comparing NMF solutions up to permutation and scaling (nmf_teach.uniqueness)."""

import itertools

import numpy as np
import pytest

import nmf_teach as nt
from nmf_teach import uniqueness as U


def _random_pair(seed=0, m=7, k=3, n=5):
    rng = np.random.default_rng(seed)
    return rng.uniform(0.1, 1.0, (m, k)), rng.uniform(0.1, 1.0, (k, n))


@pytest.mark.parametrize("norm", U.NORMS)
def test_normalize_keeps_product_and_sizes(norm):
    W, H = _random_pair()
    Wn, Hn = U.normalize_factors(W, H, norm=norm)
    np.testing.assert_allclose(Wn @ Hn, W @ H)
    for r in range(H.shape[0]):  # naive loop: the size of each row is 1
        size = {"max": max(Hn[r]), "sum": sum(Hn[r]), "l2": sum(v * v for v in Hn[r]) ** 0.5}[norm]
        assert abs(size - 1) < 1e-12
        np.testing.assert_allclose(Wn[:, r] * Hn[r, 0], W[:, r] * H[r, 0])


def test_normalize_leaves_zero_rows():
    W, H = _random_pair()
    H[1] = 0
    Wn, Hn = U.normalize_factors(W, H)
    np.testing.assert_array_equal(Hn[1], 0)
    np.testing.assert_array_equal(Wn[:, 1], W[:, 1])


def test_normalize_pizza_gives_counts():
    Wt, Ht, _ = nt.data.food_orders_truth()
    Wn, Hn = U.normalize_factors(Wt * [2.0, 0.5, 3.0], Ht / np.array([[2.0], [0.5], [3.0]]))
    np.testing.assert_allclose(Wn, Wt)
    np.testing.assert_allclose(Hn, Ht)


def test_match_recovers_a_known_permutation_against_brute_force():
    W, H = _random_pair(1, k=4)
    perm_true = np.array([2, 0, 3, 1])
    H2 = (H * np.array([[3.0], [0.2], [1.5], [7.0]]))[np.argsort(perm_true)]
    perm = U.match_components(H, H2)
    np.testing.assert_allclose(H2[perm] / H2[perm].max(1, keepdims=True), H / H.max(1, keepdims=True))
    # Brute force over all orders with the same cost gives the same answer.
    A = H / np.linalg.norm(H, axis=1, keepdims=True)
    B = H2 / np.linalg.norm(H2, axis=1, keepdims=True)
    best = min(itertools.permutations(range(4)), key=lambda p: sum(np.linalg.norm(A[i] - B[p[i]]) for i in range(4)))
    np.testing.assert_array_equal(perm, best)


def test_distance_zero_up_to_permutation_and_scale_and_positive_otherwise():
    W, H = _random_pair(2)
    P = np.eye(3)[[1, 2, 0]]
    D = np.diag([0.3, 2.0, 5.0])
    W2, H2 = W @ P @ D, np.linalg.inv(D) @ P.T @ H
    np.testing.assert_allclose(W2 @ H2, W @ H)
    assert U.factorization_distance(W, H, W2, H2) < 1e-12
    W3, H3 = _random_pair(3)
    assert U.factorization_distance(W, H, W3, H3) > 0.1


def test_align_factors_product_unchanged():
    W, H = _random_pair(4)
    Wa, Ha = U.align_factors(W, H, W[:, ::-1] * 2, H[::-1] / 2)
    np.testing.assert_allclose(Wa @ Ha, W @ H)
    np.testing.assert_allclose(Ha, H / H.max(1, keepdims=True))


def test_group_solutions():
    a, b = _random_pair(5), _random_pair(6)
    same_as_a = (a[0][:, [2, 0, 1]] * 4, a[1][[2, 0, 1]] / 4)
    labels = U.group_solutions([a, b, same_as_a, b])
    np.testing.assert_array_equal(labels, [0, 1, 0, 1])


def test_is_scaled_permutation():
    assert U.is_scaled_permutation(np.diag([1.0, 2.0]) @ np.eye(2)[[1, 0]])
    assert not U.is_scaled_permutation([[1.0, 0.1], [0.0, 1.0]])
    assert not U.is_scaled_permutation([[-1.0, 0.0], [0.0, 1.0]])
    assert not U.is_scaled_permutation([[1.0, 0.0], [1.0, 0.0]])


def test_bad_inputs():
    W, H = _random_pair()
    with pytest.raises(ValueError, match="ranks disagree"):
        U.normalize_factors(W, H[:2])
    with pytest.raises(ValueError, match="Unknown norm 'l1'"):
        U.normalize_factors(W, H, norm="l1")
    with pytest.raises(ValueError, match="W has 1 negative entries"):
        U.normalize_factors(-np.eye(7, 3)[:, :3] * [1, 0, 0], H)
    with pytest.raises(ValueError, match="same number of components"):
        U.match_components(H, H[:2])
    with pytest.raises(ValueError, match="different shapes"):
        U.factorization_distance(W, H, W[:5], H)
    with pytest.raises(ValueError, match="solutions is empty"):
        U.group_solutions([])
    with pytest.raises(TypeError, match="must be a pair"):
        U.group_solutions([W])
    with pytest.raises(ValueError, match="tol must be a finite positive number"):
        U.group_solutions([(W, H)], tol=0)
    with pytest.raises(ValueError, match="Q must be square"):
        U.is_scaled_permutation(np.ones((2, 3)))


@pytest.mark.parametrize("which", ["W1", "H1"])
def test_factorization_distance_refuses_zero_reference(which):
    W, H = _random_pair()
    W1, H1 = (np.zeros_like(W), H) if which == "W1" else (W, np.zeros_like(H))
    with pytest.raises(ValueError, match=rf"{which} is all zero, so W1 @ H1 is zero; the relative distance is undefined"):
        U.factorization_distance(W1, H1, W, H)
    # a zero second factorization is fine: it is at relative distance 1
    assert U.factorization_distance(W, H, np.zeros_like(W), H) == pytest.approx(1.0)


def test_group_solutions_names_a_zero_run():
    W, H = _random_pair()
    with pytest.raises(ValueError, match=r"solutions\[1\]\[0\] is all zero"):
        U.group_solutions([(W, H), (np.zeros_like(W), H)])


@pytest.mark.parametrize(
    "atol, exc, match",
    [
        (np.nan, ValueError, "atol must be a finite non-negative number, got nan"),
        (-1.0, ValueError, "atol must be a finite non-negative number"),
        ("x", TypeError, "atol must be a real number, got 'x'"),
        (True, TypeError, "atol must be a real number"),
    ],
)
def test_is_scaled_permutation_bad_atol(atol, exc, match):
    with pytest.raises(exc, match=match):
        U.is_scaled_permutation(np.eye(2), atol=atol)


def test_is_scaled_permutation_atol_zero_allowed():
    assert U.is_scaled_permutation(np.eye(2), atol=0)
