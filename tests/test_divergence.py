"""The Kullback–Leibler divergence and its multiplicative updates, against loops and scikit-learn."""

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
    assert nt.linalg.check_gradient(lambda V: kl_loss(X, V, H), kl_gradient_W(X, W, H), W) < 1e-6
    assert nt.linalg.check_gradient(lambda V: kl_loss(X, W, V), kl_gradient_H(X, W, H), H) < 1e-6


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
    W0, H0 = nt.initialize(X, k, random_state=0)
    res = nt.nmf(X, k, W0=W0, H0=H0, beta_loss="kullback-leibler", max_iter=80)
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
    res = nt.nmf(X, k, beta_loss="kullback-leibler", max_iter=30, random_state=seed)
    assert np.all(np.isfinite(res.losses)) and (res.W >= 0).all() and (res.H >= 0).all()
    assert np.all(np.diff(res.losses) <= 1e-9 * np.abs(res.losses[:-1]) + 1e-9 * scale)


@pytest.mark.parametrize("kw, match", [
    (dict(beta_loss="itakura-saito"), r"Unknown beta_loss 'itakura-saito'"),
    (dict(beta_loss="kullback-leibler", method="hals"), r"beta_loss='kullback-leibler' needs method='mu'"),
    (dict(beta_loss="kullback-leibler", method="pgd"), r"needs method='mu'; method='pgd'"),
])
def test_bad_beta_loss(kw, match):
    with pytest.raises(ValueError, match=match):
        nt.nmf(np.ones((3, 3)), 2, **kw)
