"""The solver nmf(): agreement with scikit-learn, monotonicity, results, bad input."""

import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sklearn.decomposition import NMF
from sklearn.decomposition._nmf import _initialize_nmf

import nmf_teach as nt


def sklearn_mu(X, W0, H0, max_iter):
    model = NMF(n_components=W0.shape[1], solver="mu", beta_loss="frobenius", init="custom",
                tol=0, max_iter=max_iter, alpha_W=0.0, alpha_H=0.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ConvergenceWarning: we ask for exactly max_iter
        # scikit-learn changes W and H in place with init="custom": pass copies
        W = model.fit_transform(X, W=W0.copy(), H=H0.copy())
    return W, model.components_, model.n_iter_


@pytest.mark.parametrize("shape, k, iters", [((20, 15), 3, 50), ((9, 30), 5, 200), ((6, 4), 3, 1)])
def test_mu_agrees_with_scikit_learn(shape, k, iters):
    X, _, _ = nt.data.planted_nmf(*shape, k, noise=0.05, random_state=4)
    W0, H0 = nt.solvers.initialize(X, k, random_state=7)
    W_sk, H_sk, n_iter = sklearn_mu(X, W0, H0, iters)
    res = nt.solvers.nmf(X, k, W0=W0, H0=H0, max_iter=iters)
    assert n_iter == res.n_iter == iters
    np.testing.assert_allclose(res.W, W_sk, rtol=0, atol=1e-10)
    np.testing.assert_allclose(res.H, H_sk, rtol=0, atol=1e-10)


def test_random_init_is_scikit_learns():
    X, _, _ = nt.data.planted_nmf(10, 7, 2, random_state=1)
    W0, H0 = nt.solvers.initialize(X, 3, "random", random_state=42)
    W_sk, H_sk = _initialize_nmf(X, 3, init="random", random_state=42)
    np.testing.assert_allclose(W0, W_sk)
    np.testing.assert_allclose(H0, H_sk)


@pytest.mark.parametrize("init", ["nndsvd", "nndsvda"])
def test_nndsvd_matches_scikit_learn(init):
    X, _, _ = nt.data.planted_nmf(12, 9, 3, noise=0.1, random_state=5)
    W0, H0 = nt.solvers.initialize(X, 3, init)
    W_sk, H_sk = _initialize_nmf(X, 3, init=init, random_state=0)
    np.testing.assert_allclose(W0 @ H0, W_sk @ H_sk, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(W0, W_sk, rtol=1e-6, atol=1e-8)
    if init == "nndsvd":
        assert (W0 == 0).any() or (H0 == 0).any()  # the zeros MU can never leave


def test_nndsvd_zeros_stay_zero_under_mu():
    X, _, _ = nt.data.planted_nmf(12, 9, 3, noise=0.1, random_state=5)
    W0, H0 = nt.solvers.initialize(X, 3, "nndsvd")
    res = nt.solvers.nmf(X, 3, W0=W0, H0=H0, max_iter=50)
    assert np.array_equal(res.H == 0, H0 == 0) and np.array_equal(res.W == 0, W0 == 0)


nonneg = arrays(
    np.float64,
    st.tuples(st.integers(2, 8), st.integers(2, 8)),
    elements=st.floats(0, 1, allow_nan=False, allow_infinity=False),
)


@pytest.mark.parametrize("method", ["mu", "hals", "pgd"])
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(X=nonneg, k=st.integers(1, 4), scale=st.sampled_from([1e-3, 1.0, 1e3]),
       zero_row=st.booleans(), zero_col=st.booleans(), seed=st.integers(0, 2**16))
def test_loss_never_increases(method, X, k, scale, zero_row, zero_col, seed):
    """Lee & Seung for MU; exact block minimization for HALS; the safe step 1/L for PGD."""
    X = X * scale
    if zero_row:
        X[0, :] = 0
    if zero_col:
        X[:, -1] = 0
    res = nt.solvers.nmf(X, k, method=method, max_iter=30, random_state=seed)
    assert np.all(np.isfinite(res.losses)) and np.all(np.isfinite(res.W)) and np.all(np.isfinite(res.H))
    assert (res.W >= 0).all() and (res.H >= 0).all()
    rises = np.diff(res.losses)
    assert np.all(rises <= 1e-9 * res.losses[:-1] + 1e-12 * scale ** 2), rises.max()


@pytest.mark.parametrize("method", ["hals", "pgd"])
def test_hals_and_pgd_never_increase_loss(method):
    X, _, _ = nt.data.planted_nmf(30, 20, 4, noise=0.1, random_state=0)
    res = nt.solvers.nmf(X, 4, method=method, max_iter=100, random_state=0)
    assert np.all(np.diff(res.losses) <= 1e-10 * res.losses[:-1])
    assert (res.W >= 0).all() and (res.H >= 0).all()


def test_hals_reaches_lower_loss_than_mu_in_same_iterations():
    X, _, _ = nt.data.planted_nmf(40, 30, 4, noise=0.05, random_state=0)
    mu = nt.solvers.nmf(X, 4, method="mu", max_iter=100, random_state=0)
    hals = nt.solvers.nmf(X, 4, method="hals", max_iter=100, random_state=0)
    assert hals.loss < mu.loss


def test_result_fields_and_determinism():
    X, _, _ = nt.data.planted_nmf(10, 8, 2, random_state=0)
    a = nt.solvers.nmf(X, 2, max_iter=20, keep_history=True, random_state=0)
    b = nt.solvers.nmf(X, 2, max_iter=20, random_state=0)
    assert a.W.shape == (10, 2) and a.H.shape == (2, 8)
    assert a.n_iter == 20 and a.losses.shape == (21,) and a.times.shape == (21,)
    assert a.losses[0] == pytest.approx(nt.objective.loss(X, *a.history[0]))
    assert len(a.history) == 21 and a.loss == a.losses[-1]
    np.testing.assert_array_equal(a.W, b.W)  # the same seed, the same run
    fresh = [nt.solvers.nmf(X, 2, max_iter=0, random_state=None).W for _ in range(2)]
    assert not np.allclose(*fresh)  # None: fresh randomness (scikit-learn's rule)
    c = nt.solvers.nmf(X, 2, max_iter=20, random_state=1)
    assert not np.allclose(a.W, c.W)


def test_tol_stops_early():
    X, _, _ = nt.data.planted_nmf(10, 8, 2, random_state=0)
    res = nt.solvers.nmf(X, 2, max_iter=5000, tol=1e-6, random_state=0)
    assert res.converged and res.n_iter < 5000
    assert res.losses[-2] - res.losses[-1] < 1e-6 * res.losses[0]


@pytest.mark.parametrize("method", ["gd", "pgd"])
def test_safe_steps_survive_subnormal_data(method):
    # found by hypothesis: entries ~1e-316 made the SVD behind ‖HHᵀ‖₂ fail and 1/L overflow
    X = np.full((2, 2), 2.2e-316)
    res = nt.solvers.nmf(X, 1, method=method, max_iter=5, random_state=0)
    assert np.all(np.isfinite(res.W)) and np.all(np.isfinite(res.H)) and not res.diverged
    with pytest.raises(ValueError, match="too large for float64"):
        nt.updates.lipschitz_step_W(np.full((1, 3), 1e-160))


def test_rising_loss_is_not_convergence():
    X, _, _ = nt.data.planted_nmf(10, 8, 2, random_state=0)
    with pytest.warns(RuntimeWarning, match="diverged"):
        res = nt.solvers.nmf(X, 2, method="gd", learning_rate=0.3, tol=1e-3, max_iter=50, random_state=0)
    assert not res.converged and res.losses[1] > res.losses[0]


def test_W0_H0_not_modified_and_integer_input():
    X = np.array([[1, 2, 0], [3, 0, 1], [0, 1, 4], [2, 2, 2]])
    W0, H0 = np.full((4, 2), 0.5), np.full((2, 3), 0.5)
    W0c, H0c = W0.copy(), H0.copy()
    res = nt.solvers.nmf(X, 2, W0=W0, H0=H0, max_iter=10)
    np.testing.assert_array_equal(W0, W0c)
    np.testing.assert_array_equal(H0, H0c)
    assert res.init == "custom" and res.W.dtype == np.float64


def test_gd_with_too_large_step_warns_and_stops():
    X, _, _ = nt.data.planted_nmf(10, 8, 2, random_state=0)
    with pytest.warns(RuntimeWarning, match="diverged at iteration"):
        res = nt.solvers.nmf(X, 2, method="gd", learning_rate=5.0, max_iter=500, random_state=0)
    assert res.diverged and np.all(np.isfinite(res.losses)) and res.n_iter < 500


def test_gd_small_step_goes_negative():
    X = nt.data.food_orders().X  # zeros in X pull some entries below 0
    res = nt.solvers.nmf(X, 3, method="gd", learning_rate=0.01, max_iter=300, random_state=0)
    assert (res.W < 0).any() or (res.H < 0).any()
    assert res.losses[-1] < 1e-2 * res.losses[0]
    res = nt.solvers.nmf(X, 3, method="pgd", learning_rate=0.01, max_iter=300, random_state=0)
    assert (res.W >= 0).all() and (res.H >= 0).all()


X_OK = np.ones((4, 3))


@pytest.mark.parametrize(
    "X, kwargs, err, match",
    [
        (np.array([[1.0, -2.0], [-1.0, 0.0]]), {}, ValueError,
         r"X has 2 negative entries; the first is X\[0, 1\] = -2"),
        (np.array([[1.0, np.nan], [0.0, 1.0]]), {}, ValueError,
         r"X has 1 NaN or infinite entries; the first is X\[0, 1\] = nan"),
        (np.array([[1.0, 1.0], [np.inf, 1.0]]), {}, ValueError, r"X\[1, 0\] = inf"),
        (np.ones(5), {}, ValueError, r"X must be 2-D .* 1 dimension"),
        (np.ones((0, 3)), {}, ValueError, "X is empty"),
        ("abc", {}, TypeError, "X is a string"),
        (None, {}, TypeError, "X is None"),
        ([[1, 2], [3]], {}, ValueError, "rows of different lengths|could not be turned"),
        (np.ones((2, 2)) * 1j, {}, TypeError, "complex"),
        (X_OK, {"n_components": 0}, ValueError, "n_components must be a positive integer, got 0"),
        (X_OK, {"n_components": 2.0}, TypeError, "n_components must be a positive integer, got 2.0"),
        (X_OK, {"n_components": True}, TypeError, "n_components must be a positive integer"),
        (X_OK, {"method": "newton"}, ValueError, r"Unknown method 'newton'; choose one of"),
        (X_OK, {"init": "svd"}, ValueError, r"Unknown init 'svd'; choose one of"),
        (X_OK, {"W0": np.ones((4, 3)), "H0": np.ones((2, 3))}, ValueError,
         r"W0 has shape \(4, 3\), but shape \(4, 2\) is needed"),
        (X_OK, {"W0": np.ones((4, 2)), "H0": -np.ones((2, 3))}, ValueError,
         r"H0 has 6 negative entries; the first is H0\[0, 0\] = -1"),
        (X_OK, {"W0": np.ones((4, 2))}, ValueError, "Pass both W0 and H0"),
        (X_OK, {"init": "custom"}, ValueError, "init='custom' needs W0"),
        (X_OK, {"W0": np.ones((4, 2)), "H0": np.ones((2, 3)), "init": "nndsvd"}, ValueError,
         "init must be 'custom'"),
        (X_OK, {"max_iter": -1}, ValueError, "max_iter must be a non-negative integer"),
        (X_OK, {"max_iter": 1.5}, TypeError, "max_iter must be a non-negative integer"),
        (X_OK, {"tol": -0.1}, ValueError, "tol must be a finite non-negative number"),
        (X_OK, {"learning_rate": 0.1}, ValueError, "method='mu' has no learning rate"),
        (X_OK, {"method": "gd", "learning_rate": 0.0}, ValueError, "learning_rate must be a finite positive"),
        (X_OK, {"random_state": "seed"}, TypeError, "random_state must be None, an int"),
        (X_OK, {"init": "nndsvd", "n_components": 4}, ValueError, r"n_components <= min\(m, n\) = 3"),
    ],
)
def test_bad_input_gets_a_clear_error(X, kwargs, err, match):
    kwargs = {"n_components": 2, **kwargs}
    with pytest.raises(err, match=match):
        nt.solvers.nmf(X, **kwargs)


def test_zero_matrix_gives_zero_loss_without_nan():
    res = nt.solvers.nmf(np.zeros((3, 3)), 2, max_iter=5, random_state=0)
    assert np.all(res.losses == 0) and np.all(np.isfinite(res.W))


# ---------------------------------------------------------------- zero starts, the nndsvd warning
@pytest.mark.parametrize("kw", [{}, {"beta_loss": "kullback-leibler"}, {"mask": "all"}],
                         ids=["frobenius", "kl", "masked"])
@pytest.mark.parametrize("which", ["W0", "H0", "both", "disjoint"])
def test_a_start_with_wh_zero_is_refused_for_mu(kw, which):
    X, _, _ = nt.data.planted_nmf(8, 6, 2, random_state=0)
    W0, H0 = np.ones((8, 2)), np.ones((2, 6))
    if which in ("W0", "both"):
        W0[:] = 0
    if which in ("H0", "both"):
        H0[:] = 0
    if which == "disjoint":  # column 0 of W0 and row 1 of H0 are zero: WH = 0 with neither factor zero
        W0[:, 0] = 0
        H0[1] = 0
        W0[:, 1] = 0  # ... and column 1 of W0 too
        H0[0] = 1.0
    kw = {**kw, "mask": np.ones(X.shape, bool)} if kw.get("mask") == "all" else kw
    with pytest.raises(ValueError, match=r"W0 @ H0 = 0 .*fixed point of the multiplicative update"):
        nt.solvers.nmf(X, 2, W0=W0, H0=H0, max_iter=5, **kw)
    nt.solvers.nmf(X, 2, method="hals", W0=W0, H0=H0, max_iter=5)  # HALS can leave a zero start


def test_a_partly_zero_start_is_accepted():
    X, _, _ = nt.data.planted_nmf(8, 6, 2, random_state=0)
    W0, H0 = np.ones((8, 2)), np.ones((2, 6))
    W0[:, 0] = 0  # one dead component: WH ≠ 0, MU can still fit with the other
    res = nt.solvers.nmf(X, 2, W0=W0, H0=H0, max_iter=20)
    assert res.loss < res.losses[0] and np.all(res.W[:, 0] == 0)


def test_nndsvd_with_mu_warns_that_zeros_stay_zero():
    X, _, _ = nt.data.planted_nmf(20, 15, 3, noise=0.05, random_state=0)
    with pytest.warns(UserWarning, match="nndsvda"):
        res = nt.solvers.nmf(X, 3, init="nndsvd", max_iter=10)
    W0, _ = nt.solvers.initialize(X, 3, "nndsvd")
    assert np.all(res.W[W0 == 0] == 0)  # what the warning says
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        nt.solvers.nmf(X, 3, init="nndsvda", max_iter=2)
        nt.solvers.nmf(X, 3, init="nndsvd", method="hals", max_iter=2)


# ---------------------------------------------------------------- the kernels
def test_the_guard_replaces_only_exact_zeros():
    from nmf_teach import _kernels

    N = np.array([[1.0, 2.0, 0.0]])
    D = np.array([[0.0, 1e-300, 0.0]])
    out = _kernels.guarded_divide(N, D.copy())
    assert out[0, 0] == 1.0 / float(np.finfo(np.float32).eps) and out[0, 1] == 2.0 / 1e-300 and out[0, 2] == 0.0
    np.testing.assert_array_equal(nt.linalg.safe_divide(N, D), out)


def test_one_mu_kernel_updates_w_and_h_by_transposition():
    from nmf_teach import _kernels

    X, _, _ = nt.data.planted_nmf(9, 7, 3, noise=0.1, random_state=2)
    W, H = nt.solvers.initialize(X, 3, random_state=2)
    W_ref = W * (X @ H.T) / (W @ H @ H.T)  # the rule, written out
    H_ref = H * (W.T @ X) / (W.T @ W @ H)
    W_new = _kernels.mu_factor(W.copy(), X @ H.T, H @ H.T)
    Ht = H.copy()
    _kernels.mu_factor(Ht.T, (W.T @ X).T, W.T @ W)
    np.testing.assert_allclose(W_new, W_ref, rtol=1e-13)
    np.testing.assert_allclose(Ht, H_ref, rtol=1e-13)
    np.testing.assert_allclose(nt.updates.mu_update_H(X, W, H), H_ref, rtol=1e-13)
