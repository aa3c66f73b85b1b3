"""Flop counts, the timing helper and the KKT residual of nmf_teach.benchmark."""

import numpy as np
import pytest

import nmf_teach as nt
from nmf_teach import benchmark as bm


def naive_matmul_flops(A, B):
    # one multiplication and one addition per term of every entry
    count = 0
    for _ in range(A.shape[0]):
        for _ in range(B.shape[1]):
            count += 2 * A.shape[1]
    return count


def test_matmul_flops_counts_terms():
    A, B = np.ones((3, 4)), np.ones((4, 5))
    assert bm.matmul_flops(3, 4, 5) == naive_matmul_flops(A, B) == 120


@pytest.mark.parametrize("m, n, k", [(7, 5, 2), (2000, 1000, 10)])
def test_iteration_flops_against_written_out_sum(m, n, k):
    mnk = 2 * m * n * k
    cheap = 2 * mnk + 2 * n * k * k + 2 * m * k * k + 2 * m * k * k + 2 * k * k * n
    naive = 2 * mnk + 4 * mnk
    assert bm.iteration_flops(m, n, k) == cheap + 2 * (m * k + k * n)
    assert bm.iteration_flops(m, n, k, order="naive") == naive + 2 * (m * k + k * n)
    assert bm.iteration_flops(m, n, k, method="gd") == cheap + 4 * (m * k + k * n)
    assert bm.iteration_flops(m, n, k, method="pgd", order="naive") == naive + 5 * (m * k + k * n)


def test_cheap_order_never_costs_more_when_k_is_small():
    for m, n, k in [(50, 40, 3), (10, 10, 10), (2000, 1000, 10)]:
        assert bm.iteration_flops(m, n, k) <= bm.iteration_flops(m, n, k, order="naive")


def test_best_time_is_a_positive_minimum():
    calls = []
    t = bm.best_time(calls.append, 1, repeat=3, number=2)
    assert t >= 0 and len(calls) == 6


def test_kkt_residual_against_formula():
    X, W, H = nt.derivation.random_problem(6, 5, 3, random_state=1)
    gW, gH = nt.gradient_W(X, W, H), nt.gradient_H(X, W, H)
    expected = np.sqrt(sum(min(w, g) ** 2 for w, g in zip(W.ravel(), gW.ravel()))
                       + sum(min(h, g) ** 2 for h, g in zip(H.ravel(), gH.ravel())))
    assert bm.kkt_residual(X, W, H) == pytest.approx(expected, rel=1e-12)


def test_kkt_residual_zero_at_exact_factorization_and_positive_when_locked():
    W, H, _ = nt.food_orders_truth()
    X = W @ H
    assert bm.kkt_residual(X, W, H) == 0.0
    H0 = H.copy()
    H0[0, 0] = 0.0  # pizza can no longer be explained: the gradient there is negative
    assert nt.gradient_H(X, W, H0)[0, 0] < 0
    assert bm.kkt_residual(X, W, H0) > 0


def test_bad_input():
    with pytest.raises(ValueError, match="a must be a positive integer, got 0"):
        bm.matmul_flops(0, 2, 3)
    with pytest.raises(TypeError, match="k must be a positive integer"):
        bm.iteration_flops(3, 3, 2.5)
    with pytest.raises(ValueError, match=r"Unknown order 'fast'; choose one of"):
        bm.iteration_flops(3, 3, 2, order="fast")
    with pytest.raises(ValueError, match=r"Unknown method 'hals'"):
        bm.iteration_flops(3, 3, 2, method="hals")
    with pytest.raises(TypeError, match="func must be callable"):
        bm.best_time(3)
    with pytest.raises(ValueError, match="repeat must be a positive integer"):
        bm.best_time(print, repeat=0)
    with pytest.raises(ValueError, match=r"W has 1 negative entries"):
        bm.kkt_residual(np.ones((2, 2)), -np.eye(2)[:, :1] * [[1], [0]], np.ones((1, 2)))
