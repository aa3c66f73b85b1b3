"""HALS: monotone loss, exact column minimizers, and the comparison with scikit-learn's "cd"."""

import numpy as np
import pytest
from scipy.optimize import nnls

import nmf_teach as nt
from nmf_teach import loss_curves as cs

# The never-increasing-loss property test of HALS (hypothesis, zero rows and columns,
# scales 1e-3 to 1e3) is shared with MU and PGD: tests/test_solvers.py::test_loss_never_increases.


def nnls_column(X, W, H, j):
    """The best non-negative column j of W with every other column fixed, by scipy's NNLS.

    The residual R = X − Σ_{r≠j} W[:, r] H[r, :] must be matched by the rank-one
    term w H[j, :]; the problem splits into one tiny NNLS per row of W.
    """
    R = X - W @ H + np.outer(W[:, j], H[j, :])
    return np.array([nnls(H[j, :, None], R[i])[0][0] for i in range(X.shape[0])])


@pytest.mark.parametrize("seed", range(5))
def test_one_hals_column_update_is_the_nnls_minimizer(seed):
    X, W, H = nt.derivation.random_problem(9, 7, 3, random_state=seed)
    W_hals = nt.updates.hals_update_W(X, W, H)
    # column 0 is updated first, with every other column still at its old value
    np.testing.assert_allclose(W_hals[:, 0], nnls_column(X, W, H, 0), rtol=1e-10, atol=1e-12)
    # the closed form: clip the unconstrained least-squares column at 0
    R = X - W @ H + np.outer(W[:, 0], H[0, :])
    np.testing.assert_allclose(W_hals[:, 0], np.maximum(0, R @ H[0] / (H[0] @ H[0])), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("seed", range(3))
def test_hals_sweep_is_a_sequence_of_nnls_solves(seed):
    X, W, H = nt.derivation.random_problem(8, 6, 4, random_state=seed)
    W_ref = W.copy()
    for j in range(W.shape[1]):  # each column sees the columns updated before it
        W_ref[:, j] = nnls_column(X, W_ref, H, j)
    np.testing.assert_allclose(nt.updates.hals_update_W(X, W, H), W_ref, rtol=1e-10, atol=1e-12)
    H_ref = H.copy()
    for j in range(H.shape[0]):
        H_ref[j, :] = nnls_column(X.T, H_ref.T, W.T, j)
    np.testing.assert_allclose(nt.updates.hals_update_H(X, W, H), H_ref, rtol=1e-10, atol=1e-12)


def test_hals_column_with_zero_component_is_left_alone():
    X, W, H = nt.derivation.random_problem(6, 5, 3, random_state=0)
    H[1, :] = 0  # component 1 is never used: its weights have no best value
    np.testing.assert_array_equal(nt.updates.hals_update_W(X, W, H)[:, 1], W[:, 1])


@pytest.fixture(scope="module")
def planted():
    X, _, _ = nt.data.planted_nmf(200, 100, 5, noise=0.01)
    W0, H0 = nt.solvers.initialize(X, 5, random_state=0)
    return X, W0, H0


def test_hals_has_the_iterates_of_sklearn_cd(planted):
    """scikit-learn's "cd" (no shuffle, no penalty) is the same algorithm: same iterates."""
    X, W0, H0 = planted
    cd = cs.sklearn_cd_curve(X, W0, H0, max_iter=[1, 10, 50])
    hals = cs.nmf_curve(X, W0, H0, "hals", max_iter=50)
    np.testing.assert_allclose(cd.losses, hals.losses[cd.iterations], rtol=1e-9)
    np.testing.assert_allclose(cd.W, hals.W, rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(cd.H, hals.H, rtol=1e-8, atol=1e-10)


@pytest.fixture(scope="module")
def planted_medium():
    """A planted problem big enough that arithmetic, not call overhead, sets the time.

    On the 200 x 100, k = 5 problem above, one HALS iteration is a dozen tiny numpy
    calls (~60 us, mostly Python overhead) against ~35 us for scikit-learn's Cython
    loop, so that size measures interpreter overhead rather than the algorithm.
    Both methods produce the same iterates (test above), so the comparison is
    purely about speed, measured where the work is real.
    """
    X, _, _ = nt.data.planted_nmf(500, 300, 10, noise=0.01, random_state=3)
    W0, H0 = nt.solvers.initialize(X, 10, random_state=0)
    return X, W0, H0


def test_inner_sweeps_lower_the_loss_per_iteration(planted_medium):
    X, W0, H0 = planted_medium
    plain = nt.solvers.nmf(X, 10, method="hals", W0=W0, H0=H0, max_iter=20, inner_sweeps=1)
    fast = nt.solvers.nmf(X, 10, method="hals", W0=W0, H0=H0, max_iter=20, inner_sweeps=3)
    auto = nt.solvers.nmf(X, 10, method="hals", W0=W0, H0=H0, max_iter=20)  # the default, "auto"
    assert auto.loss < fast.loss < plain.loss
    assert np.all(np.diff(fast.losses) <= 1e-10 * fast.losses[:-1])


def test_auto_sweeps_follow_gillis_glineur_bound():
    from nmf_teach.solvers import _auto_sweeps

    # rho = 1 + q/k + q/p; at most 1 + floor(rho / 2) sweeps
    assert _auto_sweeps(500, 300, 10) == 1 + int(0.5 * (1 + 300 / 10 + 300 / 500))
    assert _auto_sweeps(10, 10, 10) == 2  # rho = 3: products cost about as much as a sweep


def test_auto_sweeps_never_raise_the_loss(planted):
    X, W0, H0 = planted
    res = nt.solvers.nmf(X, 5, method="hals", W0=W0, H0=H0, max_iter=60)
    assert np.all(np.diff(res.losses) <= 1e-10 * res.losses[:-1])


def test_inner_sweeps_errors():
    X = np.ones((3, 3))
    with pytest.raises(ValueError, match="inner_sweeps is for method='hals' only"):
        nt.solvers.nmf(X, 2, method="mu", inner_sweeps=2)
    with pytest.raises(ValueError, match="inner_sweeps must be a positive integer, got 0"):
        nt.solvers.nmf(X, 2, method="hals", inner_sweeps=0)
    with pytest.raises(TypeError, match="inner_sweeps must be a positive integer"):
        nt.solvers.nmf(X, 2, method="hals", inner_sweeps=1.5)
    with pytest.raises(ValueError, match="inner_sweeps must be a positive integer or 'auto', got 'fast'"):
        nt.solvers.nmf(X, 2, method="hals", inner_sweeps="fast")


def test_hals_beats_mu_in_the_same_iterations(planted):
    X, W0, H0 = planted
    for n_iter in (10, 50, 200):
        mu = nt.solvers.nmf(X, 5, method="mu", W0=W0, H0=H0, max_iter=n_iter)
        hals = nt.solvers.nmf(X, 5, method="hals", W0=W0, H0=H0, max_iter=n_iter)
        assert hals.loss < mu.loss
