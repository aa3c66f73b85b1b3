"""Flop counts and the timing helper of nmf_teach.cost."""

import numpy as np
import pytest

import nmf_teach as nt
from nmf_teach import cost as bm


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


def test_timing_counts_calls_and_summarizes_runs():
    calls = []
    t = bm.timing(calls.append, 1, repeat=3, number=2)
    assert len(calls) == 6 and t.runs.shape == (3,) and (t.runs >= 0).all()
    assert t.best == t.runs.min() and t.spread == (t.runs.min(), t.runs.max())
    assert t.best <= t.median <= t.spread[1]
    assert "over 3 runs" in str(t)


def test_timing_summary_by_hand():
    t = bm.Timing(np.array([3e-3, 1e-3, 2e-3]))
    assert (t.best, t.median, t.spread) == (1e-3, 2e-3, (1e-3, 3e-3))
    assert str(t) == "2 ms (range 1 ms to 3 ms over 3 runs)"


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
        bm.timing(3)
    with pytest.raises(ValueError, match="repeat must be a positive integer"):
        bm.timing(print, repeat=0)
