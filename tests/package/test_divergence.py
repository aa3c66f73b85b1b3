"""The Kullback–Leibler divergence and its multiplicative updates, against loops and scikit-learn."""

import math
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sklearn.decomposition import NMF
from sklearn.decomposition._nmf import _beta_divergence  # the reference, in tests only

import nmf_teach as nt
from nmf_teach.divergence import kl_divergence, kl_gradient_H, kl_gradient_W, kl_loss


def naive_kl(X, Y):
    total = 0.0
    for x, y in zip(X.ravel(), Y.ravel()):
        total += (x * np.log(x / y) if x > 0 else 0.0) - x + y
    return total


def test_divergence_against_loops_with_zeros():
    rng = np.random.RandomState(0)
    X = rng.rand(6, 5)
    X[X < 0.3] = 0
    Y = rng.rand(6, 5) + 0.1
    assert kl_divergence(X, Y) == pytest.approx(naive_kl(X, Y), rel=1e-12)
    assert kl_divergence(X, X + 0) == pytest.approx(0.0, abs=1e-12)
    assert kl_divergence(np.ones((1, 1)), np.zeros((1, 1))) == np.inf


def test_gradients_against_finite_differences():
    rng = np.random.RandomState(1)
    X, W, H = rng.rand(5, 4), rng.rand(5, 2) + 0.1, rng.rand(2, 4) + 0.1
    assert nt.linalg.gradient_error(lambda V: kl_loss(X, V, H), kl_gradient_W(X, W, H), W) < 1e-6
    assert nt.linalg.gradient_error(lambda V: kl_loss(X, W, V), kl_gradient_H(X, W, H), H) < 1e-6


def sklearn_kl(X, W0, H0, n_iter):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = NMF(W0.shape[1], solver="mu", beta_loss="kullback-leibler", init="custom", tol=0,
                    max_iter=n_iter, alpha_W=0.0, alpha_H=0.0)
        W = model.fit_transform(X, W=W0.copy(), H=H0.copy())
    return W, model.components_


@pytest.mark.parametrize("shape, k, zeros", [((30, 20), 4, 0.2), ((12, 40), 3, 0.5), ((50, 8), 2, 0.0)])
def test_same_iterates_as_sklearn(shape, k, zeros):
    rng = np.random.RandomState(3)
    X = rng.rand(*shape) * 5
    X[rng.rand(*shape) < zeros] = 0
    W0, H0 = nt.solvers.initialize(X, k, random_state=0)
    res = nt.solvers.nmf(X, k, W0=W0, H0=H0, beta_loss="kullback-leibler", max_iter=80)
    W, H = sklearn_kl(X, W0, H0, 80)
    np.testing.assert_allclose(res.W, W, rtol=1e-8, atol=1e-12 * np.abs(W).max())
    np.testing.assert_allclose(res.H, H, rtol=1e-8, atol=1e-12 * np.abs(H).max())
    assert res.loss == pytest.approx(_beta_divergence(X, W, H, 1), rel=1e-10)


nonneg = arrays(np.float64, st.tuples(st.integers(2, 8), st.integers(2, 8)),
                elements=st.floats(0, 1, allow_nan=False, allow_infinity=False))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(X=nonneg, k=st.integers(1, 4), scale=st.sampled_from([1e-2, 1.0, 1e3]), seed=st.integers(0, 2**16))
def test_divergence_never_increases(X, k, scale, seed):
    X = X * scale
    res = nt.solvers.nmf(X, k, beta_loss="kullback-leibler", max_iter=30, random_state=seed)
    assert np.all(np.isfinite(res.losses)) and (res.W >= 0).all() and (res.H >= 0).all()
    assert np.all(np.diff(res.losses) <= 1e-9 * np.abs(res.losses[:-1]) + 1e-9 * scale)


@pytest.mark.parametrize("kw, match", [
    (dict(beta_loss="itakura-saito"), r"Unknown beta_loss 'itakura-saito'"),
    (dict(beta_loss="kullback-leibler", method="hals"), r"beta_loss='kullback-leibler' needs method='mu'"),
    (dict(beta_loss="kullback-leibler", method="pgd"), r"needs method='mu'; method='pgd'"),
])
def test_bad_beta_loss(kw, match):
    with pytest.raises(ValueError, match=match):
        nt.solvers.nmf(np.ones((3, 3)), 2, **kw)


# ---------------------------------------------------------------------------------------------
# The derivation of the KL update, as checked steps
# ---------------------------------------------------------------------------------------------

KL_STEPS = nt.divergence.kl_derivation()


@pytest.mark.parametrize("step", KL_STEPS, ids=[s.title for s in KL_STEPS])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_every_kl_step_holds(step, seed):
    assert step.check(seed) < 1e-7
    assert step.check(seed, shape=(4, 7, 2)) < 1e-7


def test_kl_steps_have_text_and_verify_lists_them():
    assert len(KL_STEPS) == 10
    for s in KL_STEPS:
        assert isinstance(s, nt.derivation.DerivationStep) and s.title and s.latex and s.why
    out = nt.divergence.verify_kl_derivation(4)
    assert [t for t, _ in out] == [s.title for s in KL_STEPS]
    assert max(g for _, g in out) < 1e-7


def test_kl_step_with_frobenius_habits_fails_the_check():
    # a factor 2 in the rate (as for the squared error) is not the KL update
    wrong = nt.derivation.DerivationStep(
        "rate with a factor 2", "", "",
        lambda X, W, H: (H - H / (2 * W.T @ np.ones_like(X)) * kl_gradient_H(X, W, H),
                         nt.divergence.kl_mu_update_H(X, W, H)),
    )
    assert wrong.check() > 1e-2


def test_kl_update_is_factor_times_negative_over_positive_part():
    X, W, H = nt.derivation.random_problem(7, 5, 3, random_state=2)
    P = np.broadcast_to(W.sum(axis=0)[:, None], H.shape)
    N = W.T @ (X / (W @ H))
    np.testing.assert_allclose(kl_gradient_H(X, W, H), P - N, rtol=1e-12)
    np.testing.assert_allclose(nt.divergence.kl_mu_update_H(X, W, H), H * N / P, rtol=1e-12)
    # the W update is the H update of the transposed problem
    np.testing.assert_allclose(nt.divergence.kl_mu_update_W(X, W, H),
                               nt.divergence.kl_mu_update_H(X.T, H.T, W.T).T, rtol=1e-12)


# ---------------------------------------------------------------------------------------------
# The auxiliary function
# ---------------------------------------------------------------------------------------------


def naive_auxiliary(X, W, H, H_t):
    """G(H, Hᵗ) with three loops, straight from the formula."""
    m, k = W.shape
    n = H.shape[1]
    Y_t = W @ H_t
    g = 0.0
    for i in range(m):
        for j in range(n):
            x = X[i, j]
            g += (x * np.log(x) if x > 0 else 0.0) - x
            for a in range(k):
                g += W[i, a] * H[a, j]
                alpha = W[i, a] * H_t[a, j] / Y_t[i, j]
                if x * alpha > 0:
                    g -= x * alpha * (np.log(W[i, a] * H[a, j]) - np.log(alpha))
    return g


def test_auxiliary_against_loops_touches_and_majorizes():
    X, W, H_t = nt.derivation.random_problem(6, 5, 3, random_state=5)
    X[0, 1] = 0.0                                          # a zero of X: its terms are 0
    rng = np.random.RandomState(0)
    H = rng.uniform(0.05, 2.0, size=H_t.shape)
    G = nt.divergence.kl_auxiliary_H
    assert G(X, W, H, H_t) == pytest.approx(naive_auxiliary(X, W, H, H_t), rel=1e-12)
    assert G(X, W, H_t, H_t) == pytest.approx(kl_divergence(X, W @ H_t), rel=1e-12)
    for _ in range(200):
        H = H_t * np.exp(rng.normal(scale=1.0, size=H_t.shape))
        assert G(X, W, H, H_t) >= kl_divergence(X, W @ H) - 1e-12


def test_auxiliary_is_minimized_by_the_update():
    X, W, H_t = nt.derivation.random_problem(6, 5, 3, random_state=6)
    G = nt.divergence.kl_auxiliary_H
    H_new = nt.divergence.kl_mu_update_H(X, W, H_t)
    grad = nt.linalg.numerical_gradient(lambda V: G(X, W, V, H_t), H_new)
    assert np.abs(grad).max() < 1e-6                      # stationary, and G is convex in H
    rng = np.random.RandomState(1)
    for _ in range(100):
        assert G(X, W, H_new * np.exp(rng.normal(scale=0.3, size=H_t.shape)), H_t) >= G(X, W, H_new, H_t)
    assert kl_divergence(X, W @ H_new) <= G(X, W, H_new, H_t) <= G(X, W, H_t, H_t)


def test_auxiliary_with_a_zero_in_H_t_and_infinite_values():
    X, W, H_t = nt.derivation.random_problem(5, 4, 3, random_state=7)
    H_t[1, 2] = 0.0
    G = nt.divergence.kl_auxiliary_H
    assert G(X, W, H_t, H_t) == pytest.approx(kl_divergence(X, W @ H_t), rel=1e-12)
    H = H_t.copy()
    H[0, 0] = 0.0                                          # a zero where α > 0: G is infinite
    assert G(X, W, H, H_t) == np.inf
    H = H_t.copy()
    H[1, 2] = 5.0                                          # moving an entry where α = 0: only the linear term
    assert G(X, W, H, H_t) - G(X, W, H_t, H_t) == pytest.approx(5.0 * W[:, 1].sum(), rel=1e-12)


@pytest.mark.parametrize("args, exc, match", [
    (lambda X, W, H: (X, W, H, H[:, :-1]), ValueError, r"H_t has shape \(3, 3\), but shape \(3, 4\) is needed"),
    (lambda X, W, H: (X, W, H, -H), ValueError, r"H_t has 12 negative entries"),
    (lambda X, W, H: (X, np.zeros_like(W), H, H), ValueError, r"\(W @ H_t\) has 20 zero entries where X > 0, "
                                                              r"the first at \[0, 0\]"),
    (lambda X, W, H: (X, W, H.T, H), ValueError, "shape"),
])
def test_auxiliary_bad_input(args, exc, match):
    X, W, H = nt.derivation.random_problem(5, 4, 3, random_state=8)
    with pytest.raises(exc, match=match):
        nt.divergence.kl_auxiliary_H(*args(X, W, H))


# ---------------------------------------------------------------------------------------------
# The β-divergence family
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("beta", [-1.0, 0.0, 0.5, 1.0, 1.5, 2.0, 3.0])
def test_beta_divergence_against_sklearn(beta):
    rng = np.random.RandomState(9)
    X, Y = rng.uniform(0.1, 3, size=(6, 5)), rng.uniform(0.1, 3, size=(6, 5))
    ref = _beta_divergence(X, Y, np.eye(5), beta)
    assert nt.divergence.beta_divergence(X, Y, beta) == pytest.approx(ref, rel=1e-10)


def test_beta_named_cases_and_limits():
    rng = np.random.RandomState(10)
    X, Y = rng.uniform(0.1, 3, size=(4, 6)), rng.uniform(0.1, 3, size=(4, 6))
    d = nt.divergence.d_beta
    np.testing.assert_allclose(d(X, Y, 2), (X - Y) ** 2 / 2, rtol=1e-12)
    assert nt.divergence.beta_divergence(X, Y, 1) == pytest.approx(kl_divergence(X, Y), rel=1e-12)
    np.testing.assert_allclose(d(X, Y, 0), X / Y - np.log(X / Y) - 1, rtol=1e-12)
    for b in (0.0, 1.0):                                  # the general formula tends to the named cases
        np.testing.assert_allclose(d(X, Y, b + 1e-6), d(X, Y, b), rtol=1e-4)
        np.testing.assert_allclose(d(X, Y, b - 1e-6), d(X, Y, b), rtol=1e-4)


@pytest.mark.parametrize("beta", [-0.5, 0.0, 0.5, 1.0, 1.5, 2.0, 3.0])
def test_beta_divergence_is_a_divergence_and_homogeneous(beta):
    rng = np.random.RandomState(11)
    x, y = rng.uniform(0.01, 5, 500), rng.uniform(0.01, 5, 500)
    d = nt.divergence.d_beta
    assert (d(x, y, beta) > 0).all() and (d(x, x, beta) == 0).all()
    for c in (1e-3, 0.5, 7.0, 1e3):
        np.testing.assert_allclose(d(c * x, c * y, beta), c**beta * d(x, y, beta), rtol=1e-6)


@pytest.mark.parametrize("beta", [-0.5, 0.0, 0.5, 1.0, 1.5, 2.0, 3.0])
def test_beta_zeros_follow_the_limits(beta):
    d = nt.divergence.d_beta
    assert d(0.0, 0.0, beta) == 0.0
    for x, y in ((0.0, 2.0), (2.0, 0.0)):
        value = float(d(x, y, beta))
        near = [float(d(max(x, t), max(y, t), beta)) for t in (1e-100, 1e-200, 1e-300)]
        if np.isinf(value):
            assert near[0] < near[1] < near[2] and near[2] > 100   # growing without bound
        else:
            assert value == pytest.approx(near[2], rel=1e-6)


def test_beta_broadcasts_and_sklearn_error_relation():
    d = nt.divergence.d_beta
    assert d(1.0, np.array([[0.5, 1.0, 2.0]]), 2).shape == (1, 3)
    assert np.ndim(d(1.0, 2.0, 1)) == 0
    X = np.random.RandomState(12).uniform(0.1, 2, size=(10, 6))
    W0, H0 = nt.solvers.initialize(X, 2, random_state=0)
    for beta in ("itakura-saito", 0.5, "kullback-leibler"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = NMF(2, solver="mu", beta_loss=beta, init="custom", max_iter=20, tol=0)
            W = model.fit_transform(X, W=W0.copy(), H=H0.copy())
        b = {"itakura-saito": 0.0, "kullback-leibler": 1.0}.get(beta, beta)
        value = nt.divergence.beta_divergence(X, W @ model.components_, b)
        assert model.reconstruction_err_ == pytest.approx(np.sqrt(2 * value), rel=1e-10)


@pytest.mark.parametrize("call, exc, match", [
    (lambda: nt.divergence.d_beta(-1.0, 1.0, 1), ValueError, r"x has 1 negative entries; the first is x\[\] = -1"),
    (lambda: nt.divergence.d_beta([1.0, 2.0], [1.0, -2.0], 1), ValueError, r"y has 1 negative entries; the first is y\[1\]"),
    (lambda: nt.divergence.d_beta([1.0, np.nan], 1.0, 1), ValueError, "x has 1 NaN or infinite entries"),
    (lambda: nt.divergence.d_beta("1", 1.0, 1), TypeError, "x must be a non-negative number"),
    (lambda: nt.divergence.d_beta([1 + 1j], 1.0, 1), TypeError, "x must hold real numbers"),
    (lambda: nt.divergence.d_beta(1.0, 1.0, "kl"), TypeError, "beta must be a real number, got 'kl'"),
    (lambda: nt.divergence.d_beta(1.0, 1.0, True), TypeError, "beta must be a real number"),
    (lambda: nt.divergence.d_beta(1.0, 1.0, np.inf), ValueError, "beta must be a finite number"),
    (lambda: nt.divergence.d_beta(np.ones(3), np.ones(4), 1), ValueError, r"x has shape \(3,\) and y has shape \(4,\)"),
    (lambda: nt.divergence.beta_divergence(np.ones((2, 3)), np.ones((3, 2)), 1), ValueError, "must match"),
    (lambda: nt.divergence.beta_divergence(-np.ones((2, 2)), np.ones((2, 2)), 1), ValueError, "X has 4 negative"),
])
def test_beta_bad_input(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


# ---------------------------------------------------------------- tiny and zero entries
def slow_kl(X, Y):
    """The obvious reference with Python floats: Σ x log(x / y) − x + y, 0 · log 0 = 0, log x − log y."""
    total = 0.0
    for x, y in zip(np.ravel(X).tolist(), np.ravel(Y).tolist()):
        if x > 0:
            total += x * (math.log(x) - math.log(y)) if y > 0 else math.inf
        total += y - x
    return total


def slow_is(x, y):
    """Itakura–Saito d_0(x | y) = x/y − log(x/y) − 1 with Python floats (x, y > 0)."""
    return x / y - (math.log(x) - math.log(y)) - 1


TINY = [1e-323, 1e-310, 5e-324, 0.0, 1e-300, 0.3, 1.0, 7.5]


@pytest.mark.parametrize("x", TINY)
@pytest.mark.parametrize("y", [1e-323, 1e-310, 1e-300, 0.5, 1.0, 10.0, 1e300])
def test_kl_is_finite_and_correct_for_tiny_entries(x, y):
    X = np.array([[x, 1.0], [0.0, 2.0]])
    Y = np.array([[y, 1.5], [0.25, 2.0]])
    ref = slow_kl(X, Y)
    for got in (kl_divergence(X, Y), nt.divergence.beta_divergence(X, Y, 1)):
        assert np.isfinite(got)
        assert got == pytest.approx(ref, rel=1e-13, abs=1e-300)
    assert nt.divergence.d_beta(x, y, 1) == pytest.approx(slow_kl([x], [y]), rel=1e-13, abs=1e-300)
    if x > 0:
        assert nt.divergence.d_beta(x, y, 0) == pytest.approx(slow_is(x, y), rel=1e-13)


def test_the_issue_case_tiny_x_gave_minus_inf():
    X = np.array([[1e-323, 1.0]])
    Y = np.array([[10.0, 1.0]])
    assert kl_divergence(X, Y) == pytest.approx(10.0, rel=1e-15)  # 1e-323·log(1e-324) ≈ 0, −x + y ≈ 10
    assert nt.divergence.beta_divergence(X, Y, 1) == pytest.approx(10.0, rel=1e-15)


def test_kl_loss_and_auxiliary_are_finite_for_tiny_entries():
    X = np.array([[1e-323, 1.0, 0.0], [2.0, 1e-310, 3.0]])
    W = np.array([[1.0, 1e-200], [0.5, 2.0]])
    H = np.array([[1.0, 0.5, 1e-250], [1.0, 1.0, 1.0]])
    assert np.isfinite(kl_loss(X, W, H))
    G = nt.divergence.kl_auxiliary_H(X, W, H, H)
    assert np.isfinite(G) and G == pytest.approx(kl_divergence(X, W @ H), rel=1e-12)
    assert kl_divergence(np.array([[1.0]]), np.array([[0.0]])) == np.inf  # x > 0 = y: infinite, as before
