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


# ---------------------------------------------------------------- HALS and the loss, counted by hand
class Counter:
    """Naive loops that do the arithmetic one scalar at a time and count it (2 flops per term)."""

    def __init__(self):
        self.flops = 0

    def matmul(self, A, B):
        C = np.zeros((A.shape[0], B.shape[1]))
        for i in range(A.shape[0]):
            for j in range(B.shape[1]):
                acc = 0.0
                for t in range(A.shape[1]):
                    acc += A[i, t] * B[t, j]
                    self.flops += 2
                C[i, j] = acc
        return C

    def hals_sweeps(self, A, N, G, sweeps):
        """Rows of A (k, p): A[j] <- max(0, A[j] + (N[j] - G[j] A) / G[j, j])."""
        k, p = A.shape
        for _ in range(sweeps):
            for j in range(k):
                for c in range(p):
                    acc = 0.0
                    for t in range(k):
                        acc += G[j, t] * A[t, c]
                        self.flops += 2
                    A[j, c] = max(0.0, A[j, c] + (N[j, c] - acc) / G[j, j])
                    self.flops += 4  # subtract, divide, add, clip
        return A

    def hals_iteration(self, X, W, H, sweeps):
        Wt = self.hals_sweeps(W.T.copy(), self.matmul(H, X.T), self.matmul(H, H.T), sweeps)
        W = Wt.T
        H = self.hals_sweeps(H.copy(), self.matmul(W.T, X), self.matmul(W.T, W), sweeps)
        return W, H

    def inner(self, A, B):
        acc = 0.0
        for a, b in zip(A.ravel(), B.ravel()):
            acc += a * b
            self.flops += 2
        return acc

    def direct_loss(self, X, W, H):
        WH = self.matmul(W, H)
        total = 0.0
        for i in range(X.shape[0]):
            for j in range(X.shape[1]):
                r = X[i, j] - WH[i, j]  # 1 flop
                total += r * r  # 2 flops
                self.flops += 3
        return total


@pytest.mark.parametrize("m, n, k, sweeps", [(7, 5, 3, 1), (6, 4, 2, 2), (3, 8, 4, 3)])
def test_hals_iteration_flops_against_a_naive_count(m, n, k, sweeps):
    X, W, H = nt.derivation.random_problem(m, n, k, random_state=m + n + k)
    counter = Counter()
    W_naive, H_naive = counter.hals_iteration(X, W, H, sweeps)
    assert counter.flops == bm.hals_iteration_flops(m, n, k, inner_sweeps=sweeps)
    # the counted loops are the real algorithm: they agree with the package's HALS
    run = nt.solvers.nmf(X, k, method="hals", W0=W, H0=H, max_iter=1, inner_sweeps=sweeps, tol=0)
    assert np.allclose(W_naive, run.W) and np.allclose(H_naive, run.H)


def test_hals_iteration_flops_written_out():
    m, n, k = 200, 100, 5
    expected = 4 * m * n * k + 2 * (m + n) * k**2 + 2 * (2 * (m + n) * k**2 + 4 * (m + n) * k)
    assert bm.hals_iteration_flops(m, n, k, inner_sweeps=2) == expected
    # the products with X dominate: HALS and MU within 2 % of each other here
    mu = bm.iteration_flops(m, n, k)
    assert abs(bm.hals_iteration_flops(m, n, k) - mu) < 0.02 * mu


def test_loss_flops_against_a_naive_count():
    m, n, k = 6, 5, 3
    X, W, H = nt.derivation.random_problem(m, n, k, random_state=0)
    counter = Counter()
    direct = counter.direct_loss(X, W, H)
    assert counter.flops == bm.loss_flops(m, n, k)
    assert np.isclose(direct, nt.objective.loss(X, W, H))

    WtX, WtW, HHt = W.T @ X, W.T @ W, H @ H.T  # what an iteration already has
    xx = float(np.vdot(X, X))  # once per run: not counted
    counter = Counter()
    a, b = counter.inner(WtX, H), counter.inner(WtW, HHt)
    tracked = xx - 2.0 * a + b
    counter.flops += 3  # 2 * a, the subtraction, the addition
    assert counter.flops == bm.loss_flops(m, n, k, how="tracked")
    assert np.isclose(tracked, direct, rtol=1e-10)


def test_tracking_is_cheaper_than_forming_WH():
    for m, n, k in [(7, 5, 2), (2000, 1000, 10), (10, 10, 10)]:
        assert bm.loss_flops(m, n, k, how="tracked") < bm.loss_flops(m, n, k)


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: bm.hals_iteration_flops(5, 4, 2, inner_sweeps=0), ValueError, "sweeps must be a positive integer, got 0"),
        (lambda: bm.hals_iteration_flops(5, 4, 2.0), TypeError, "k must be a positive integer"),
        (lambda: bm.hals_iteration_flops(0, 4, 2), ValueError, "m must be a positive integer"),
        (lambda: bm.loss_flops(5, 4, 2, how="cheap"), ValueError, r"Unknown how 'cheap'; choose one of"),
        (lambda: bm.loss_flops(5, -1, 2), ValueError, "n must be a positive integer"),
    ],
)
def test_bad_input_of_the_new_counts(call, error, match):
    with pytest.raises(error, match=match):
        call()
