"""nmf_teach.distributed: MU on a dask array chunked by rows gives the in-memory MU result."""

import logging

import dask
import dask.array as da
import numpy as np
import pytest

import nmf_teach.distributed as ntd
from nmf_teach import solvers, updates
from nmf_teach.linalg import EPS
from nmf_teach.objective import loss


@pytest.fixture(autouse=True)
def synchronous():
    """One thread, no scheduler: fast and deterministic (the cluster test starts its own Client)."""
    with dask.config.set(scheduler="synchronous"):
        yield


def planted(m, n, k, seed=0, noise=0.05):
    rng = np.random.RandomState(seed)
    X = rng.uniform(size=(m, k)) @ rng.uniform(size=(k, n))
    return np.maximum(X + noise * rng.standard_normal((m, n)), 0.0)


def assert_same_run(run, ref, rtol=1e-10):
    """Same iterates to rounding: factors relative to their largest entry, losses relative to themselves."""
    assert run.n_iter == ref.n_iter and run.method == "mu"
    np.testing.assert_allclose(run.W, ref.W, rtol=rtol, atol=rtol * np.abs(ref.W).max())
    np.testing.assert_allclose(run.H, ref.H, rtol=rtol, atol=rtol * np.abs(ref.H).max())
    np.testing.assert_allclose(run.losses, ref.losses, rtol=rtol, atol=rtol * ref.losses[0])


@pytest.mark.parametrize(
    "m, n, k, rows, iters",
    [
        (60, 17, 3, 60, 40),    # one block: the in-memory arithmetic on a dask array
        (60, 17, 3, 13, 40),    # uneven blocks, the last one shorter
        (101, 9, 4, 25, 60),    # more samples than features per block
        (12, 40, 5, 5, 30),     # blocks with fewer rows than components
        (40, 30, 2, 1, 5),      # one row per block
    ],
)
def test_equals_in_memory_mu_from_the_same_seed(m, n, k, rows, iters):
    Xn = planted(m, n, k, seed=m)
    X = da.from_array(Xn, chunks=(rows, -1))
    run = ntd.nmf(X, k, max_iter=iters, random_state=3)
    ref = solvers.nmf(Xn, k, method="mu", max_iter=iters, random_state=3)
    assert run.init == "random"
    assert_same_run(run, ref)


def test_random_start_equals_initialize_and_none_is_fresh_randomness():
    Xn = planted(50, 8, 3)
    X = da.from_array(Xn, chunks=(7, -1))
    W0, H0 = solvers.initialize(Xn, 3, "random", random_state=0)
    a, b = (ntd.nmf(X, 3, max_iter=0, random_state=None) for _ in range(2))
    assert not np.allclose(a.W, b.W)  # None: fresh randomness (scikit-learn's rule)
    for seed in (0, np.random.RandomState(0)):
        start = ntd.nmf(X, 3, max_iter=0, random_state=seed)
        np.testing.assert_allclose(start.W, W0, rtol=1e-13)
        np.testing.assert_allclose(start.H, H0, rtol=1e-13)
        assert start.n_iter == 0 and start.losses.shape == (1,)
        assert np.isclose(start.losses[0], loss(Xn, W0, H0), rtol=1e-12)
    other = ntd.nmf(X, 3, max_iter=0, random_state=1)
    assert not np.allclose(other.H, H0)


@pytest.mark.parametrize("as_dask", [False, True])
def test_custom_start_numpy_or_dask_with_other_chunks(as_dask):
    Xn = planted(80, 12, 4, seed=5)
    W0, H0 = solvers.initialize(Xn, 4, "nndsvda")
    W0_in = da.from_array(W0, chunks=(33, 2)) if as_dask else W0
    run = ntd.nmf(da.from_array(Xn, chunks=(20, -1)), 4, W0=W0_in, H0=H0, max_iter=50)
    ref = solvers.nmf(Xn, 4, method="mu", W0=W0, H0=H0, max_iter=50)
    assert run.init == "custom"
    assert_same_run(run, ref)
    assert np.array_equal(W0, solvers.initialize(Xn, 4, "nndsvda")[0])  # the start is not changed


def test_losses_never_increase_and_match_the_returned_factors():
    Xn = planted(90, 20, 4, seed=2, noise=0.2)
    run = ntd.nmf(da.from_array(Xn, chunks=(30, -1)), 4, max_iter=60, random_state=0)
    assert np.all(np.diff(run.losses) <= 1e-12 * run.losses[:-1])
    assert np.isclose(run.losses[-1], loss(Xn, run.W, run.H), rtol=1e-10)
    assert run.losses[-1] < 0.5 * run.losses[0]
    assert np.all(np.diff(run.times) >= 0) and run.times[0] == 0.0
    assert isinstance(run.W, np.ndarray) and isinstance(run.H, np.ndarray)
    assert (run.W >= 0).all() and (run.H >= 0).all()


def test_exact_fit_falls_back_to_the_direct_loss():
    X, W_true, H_true = ntd.planted_nmf(40, 6, 2, chunk_rows=9, noise=0.0, random_state=4)
    Xn = X.compute()
    W0 = W_true.compute() * np.linspace(0.99, 1.01, 40)[:, None]  # within 1 % of an exact fit
    run = ntd.nmf(X, 2, W0=W0, H0=H_true, max_iter=20)
    ref = solvers.nmf(Xn, 2, method="mu", W0=W0, H0=H_true, max_iter=20)
    # near an exact fit the loss is summed directly, block by block, not from the cancelling identity
    assert run.losses[-1] < 1e-4 * float(np.vdot(Xn, Xn))
    np.testing.assert_allclose(run.losses, ref.losses, rtol=1e-8, atol=1e-12 * ref.losses[0])
    assert np.isclose(run.losses[-1], loss(Xn, run.W, run.H), rtol=1e-8)


def test_zero_matrix_and_integer_input():
    zero = ntd.nmf(da.zeros((6, 4), chunks=(2, -1)), 2, max_iter=5)
    assert np.all(zero.losses == 0) and np.all(np.isfinite(zero.W)) and np.all(np.isfinite(zero.H))
    counts = np.arange(24).reshape(8, 3) % 5
    run = ntd.nmf(da.from_array(counts, chunks=(3, -1)), 2, max_iter=20, random_state=0)
    ref = solvers.nmf(counts, 2, method="mu", max_iter=20, random_state=0)
    assert_same_run(run, ref)


def test_block_kernel_is_the_mu_update_of_those_rows():
    Xn = planted(10, 6, 3, seed=7)
    W, H = solvers.initialize(Xn, 3, random_state=7)
    full = updates.mu_update_W(Xn, W, H)
    rows = slice(4, 9)
    W_b = W[rows].copy()
    block = ntd._mu_w_block(Xn[rows], W_b, H, H @ H.T)
    np.testing.assert_allclose(block, full[rows], rtol=1e-14)
    assert np.array_equal(W_b, W[rows])  # the input block is not changed in place
    # an exact zero in the denominator is replaced by float32 eps, as in memory
    W_zero = W[rows].copy()
    W_zero[0] = 0.0
    out = ntd._mu_w_block(Xn[rows], W_zero, H, H @ H.T)
    assert np.all(out[0] == 0.0) and np.all(np.isfinite(out))
    assert EPS == np.finfo(np.float32).eps


def test_planted_nmf_is_made_block_by_block_from_seeds():
    X, W, H = ntd.planted_nmf(23, 7, 3, chunk_rows=5, noise=0.0, random_state=2)
    assert X.chunks == ((5, 5, 5, 5, 3), (7,)) and W.chunks == ((5, 5, 5, 5, 3), (3,))
    Xn = X.compute()
    assert np.array_equal(Xn, X.compute())                      # the same numbers every time
    np.testing.assert_allclose(Xn, W.compute() @ H, rtol=1e-14)  # no noise: exactly W H
    noisy, _, _ = ntd.planted_nmf(23, 7, 3, chunk_rows=5, noise=0.5, random_state=2)
    assert (noisy.compute() >= 0).all() and not np.allclose(noisy.compute(), Xn)
    with dask.config.set(scheduler="threads"):
        assert np.array_equal(X.compute(), Xn)                   # any scheduler, the same blocks
    # block 1 depends only on its own seed: it is the same in a longer matrix
    longer, _, _ = ntd.planted_nmf(40, 7, 3, chunk_rows=5, noise=0.0, random_state=2)
    assert np.array_equal(longer.blocks[1].compute(), X.blocks[1].compute())


def test_check_row_chunked_converts_to_float64():
    X = da.ones((6, 4), chunks=(2, -1), dtype=np.float32)
    assert ntd.validate_row_chunked(X).dtype == np.float64
    assert ntd.validate_row_chunked(da.ones((6, 4), chunks=(3, 4), dtype=bool)).dtype == np.float64


def _with_negative_block():
    Xn = np.ones((12, 3))
    Xn[5, 1] = -1.5
    Xn[6, 0] = -0.5
    Xn[10, 2] = -2.0
    return da.from_array(Xn, chunks=(4, -1))


def _with_nan():
    Xn = np.ones((9, 3))
    Xn[7, 2] = np.nan
    return da.from_array(Xn, chunks=(3, -1))


def _unknown_chunks():
    X = da.ones((6, 3), chunks=(2, -1))
    return X[X[:, 0] > 0]


X_OK = da.ones((8, 3), chunks=(4, -1))


@pytest.mark.parametrize(
    "X, kwargs, err, match",
    [
        (np.ones((8, 3)), {}, TypeError,
         r"X is a numpy.ndarray, not a dask.array.Array. .*da.from_array\(X, chunks=\(rows, -1\)\)"),
        ([[1.0, 2.0]], {}, TypeError, "X is a list, not a dask.array.Array"),
        (None, {}, TypeError, "X is None, not a dask.array.Array"),
        (da.ones((8, 6), chunks=(4, 3)), {}, ValueError,
         r"X is split into 2 column chunks; chunk by rows only: X.rechunk\(\{1: -1\}\)"),
        (da.ones((8, 9), chunks=(8, 2)), {}, ValueError, "X is split into 5 column chunks"),
        (_with_negative_block(), {}, ValueError,
         r"X has 3 negative entries, in 2 of its 3 row blocks; the first is block 1 \(rows 4 to 7\), "
         r"whose minimum is -1.5"),
        (_with_nan(), {}, ValueError,
         r"X has 1 NaN or infinite entries, in 1 of its 3 row blocks; the first such block is block 2 "
         r"\(rows 6 to 8\)"),
        (da.ones(5, chunks=2), {}, ValueError, r"X must be 2-D .* 1 dimension"),
        (da.ones((0, 3), chunks=(2, -1)), {}, ValueError, "X is empty"),
        (da.ones((4, 3), chunks=(2, -1)) * 1j, {}, TypeError, "complex"),
        (da.from_array(np.array([["a", "b"]]), chunks=(1, -1)), {}, TypeError, "expected real numbers"),
        (_unknown_chunks(), {}, ValueError, r"unknown chunk sizes.*X.compute_chunk_sizes\(\)"),
        (X_OK, {"n_components": 0}, ValueError, "n_components must be a positive integer, got 0"),
        (X_OK, {"n_components": 2.0}, TypeError, "n_components must be a positive integer, got 2.0"),
        (X_OK, {"n_components": True}, TypeError, "n_components must be a positive integer"),
        (X_OK, {"W0": np.ones((8, 3)), "H0": np.ones((2, 3))}, ValueError,
         r"W0 has shape \(8, 3\), but shape \(8, 2\) is needed"),
        (X_OK, {"W0": np.ones((8, 2)), "H0": np.ones((2, 4))}, ValueError,
         r"H0 has shape \(2, 4\), but shape \(2, 3\) is needed"),
        (X_OK, {"W0": da.ones((7, 2), chunks=(4, 2)), "H0": np.ones((2, 3))}, ValueError,
         r"W0 has shape \(7, 2\), but shape \(8, 2\) is needed"),
        (X_OK, {"W0": -da.ones((8, 2), chunks=(4, 2)), "H0": np.ones((2, 3))}, ValueError,
         "W0 must be finite and non-negative, but its smallest entry is -1"),
        (X_OK, {"W0": np.ones((8, 2)), "H0": -np.ones((2, 3))}, ValueError,
         r"H0 has 6 negative entries; the first is H0\[0, 0\] = -1"),
        (X_OK, {"W0": np.ones((8, 2))}, ValueError, "Pass both W0 and H0"),
        (X_OK, {"H0": np.ones((2, 3))}, ValueError, "Pass both W0 and H0"),
        (X_OK, {"max_iter": -1}, ValueError, "max_iter must be a non-negative integer"),
        (X_OK, {"max_iter": 1.5}, TypeError, "max_iter must be a non-negative integer"),
        (X_OK, {"random_state": "seed"}, TypeError, "random_state must be None, an int"),
        (X_OK, {"random_state": -1}, ValueError, "random_state must be a non-negative int"),
    ],
)
def test_bad_input_gets_a_clear_error(X, kwargs, err, match):
    kwargs = {"n_components": 2, **kwargs}
    with pytest.raises(err, match=match):
        ntd.nmf(X, **kwargs)


@pytest.mark.parametrize(
    "kwargs, err, match",
    [
        ({"m": 0}, ValueError, "m must be a positive integer"),
        ({"chunk_rows": 0}, ValueError, "chunk_rows must be a positive integer"),
        ({"noise": -1.0}, ValueError, "noise must be a finite non-negative number"),
        ({"random_state": -2}, ValueError, "random_state must be a non-negative int"),
        ({"random_state": None}, TypeError, "random_state must be a non-negative int"),
    ],
)
def test_planted_nmf_bad_input(kwargs, err, match):
    args = {"m": 10, "n": 4, "n_components": 2, "chunk_rows": 3, **kwargs}
    with pytest.raises(err, match=match):
        ntd.planted_nmf(**args)


def test_on_a_local_cluster_with_two_workers():
    """A real scheduler and two workers (threads of this process: quick to start, nothing to spawn)."""
    from dask.distributed import Client, LocalCluster

    Xn = planted(300, 25, 3, seed=11)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None,
                      scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},  # not 8787: it may be taken
                      silence_logs=logging.ERROR) as cluster, Client(cluster) as client:
        assert len(client.scheduler_info()["workers"]) == 2
        X = da.from_array(Xn, chunks=(50, -1)).persist()
        run = ntd.nmf(X, 3, max_iter=15, random_state=1)
        held = client.run(lambda dask_worker: len(dask_worker.data))
        assert all(count > 0 for count in held.values())  # both workers hold blocks of X
    assert cluster.status.name == "closed" and client.status == "closed"
    ref = solvers.nmf(Xn, 3, method="mu", max_iter=15, random_state=1)
    assert_same_run(run, ref)
