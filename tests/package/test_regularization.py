"""scikit-learn's regularized objective, its gradients and the KKT residual."""

import warnings

import numpy as np
import pytest
from sklearn.decomposition import NMF

import nmf_teach as nt
from nmf_teach import regularization as reg


@pytest.fixture
def problem():
    return nt.derivation.random_problem(7, 5, 3, random_state=2)


def naive_objective(X, W, H, aW, aH, r):
    m, n = X.shape
    k = W.shape[1]
    fit = sum((X[i, j] - sum(W[i, q] * H[q, j] for q in range(k))) ** 2 for i in range(m) for j in range(n))
    l1 = aW * r * n * sum(abs(w) for w in W.ravel()) + aH * r * m * sum(abs(h) for h in H.ravel())
    l2 = aW * (1 - r) * n * sum(w * w for w in W.ravel()) + aH * (1 - r) * m * sum(h * h for h in H.ravel())
    return 0.5 * fit + l1 + 0.5 * l2


def test_penalty_weights_match_sklearn():
    X = np.ones((6, 4))
    model = NMF(n_components=2, alpha_W=0.3, alpha_H=0.7, l1_ratio=0.25)
    expected = model._compute_regularization(X)
    got = reg.penalty_weights(6, 4, alpha_W=0.3, alpha_H=0.7, l1_ratio=0.25)
    assert np.allclose([got["l1_W"], got["l1_H"], got["l2_W"], got["l2_H"]], expected)


def test_alpha_H_same_copies_alpha_W():
    assert reg.penalty_weights(6, 4, alpha_W=0.5, l1_ratio=1.0) == reg.penalty_weights(
        6, 4, alpha_W=0.5, alpha_H=0.5, l1_ratio=1.0
    )


def test_unscaled_weights():
    p = reg.penalty_weights(6, 4, alpha_W=0.5, alpha_H=0.2, l1_ratio=0.5, scaled=False)
    assert p == pytest.approx({"l1_W": 0.25, "l1_H": 0.1, "l2_W": 0.25, "l2_H": 0.1})


def test_objective_against_loops(problem):
    X, W, H = problem
    got = reg.regularized_objective(X, W, H, alpha_W=0.2, alpha_H=0.1, l1_ratio=0.3)
    assert got == pytest.approx(naive_objective(X, W, H, 0.2, 0.1, 0.3), rel=1e-12)


def test_objective_without_penalty_is_sklearn_objective(problem):
    X, W, H = problem
    assert reg.regularized_objective(X, W, H) == pytest.approx(nt.objective.sklearn_objective(X, W, H))


@pytest.mark.parametrize("r", [0.0, 0.4, 1.0])
def test_gradients_against_finite_differences(problem, r):
    X, W, H = problem
    kw = dict(alpha_W=0.2, alpha_H=0.05, l1_ratio=r)
    gW, gH = reg.regularized_gradients(X, W, H, **kw)
    assert nt.linalg.gradient_error(lambda V: reg.regularized_objective(X, V, H, **kw), gW, W) < 1e-6
    assert nt.linalg.gradient_error(lambda V: reg.regularized_objective(X, W, V, **kw), gH, H) < 1e-6


def test_bad_inputs(problem):
    X, W, H = problem
    with pytest.raises(ValueError, match="l1_ratio must lie in"):
        reg.regularized_objective(X, W, H, l1_ratio=1.5)
    with pytest.raises(ValueError, match="alpha_W must be a finite non-negative"):
        reg.regularized_objective(X, W, H, alpha_W=-1.0)
    with pytest.raises(ValueError, match="alpha_H must be a non-negative number or 'same'"):
        reg.regularized_gradients(X, W, H, alpha_H="twice")
    with pytest.raises(TypeError, match="n_samples must be a positive integer"):
        reg.penalty_weights(2.5, 3)
    with pytest.raises(ValueError, match="n_features must be a positive integer"):
        reg.penalty_weights(2, 0)
    with pytest.raises(ValueError, match="The ranks disagree"):
        reg.regularized_objective(X, W, H[:2])


@pytest.mark.parametrize("scaled", ["no", 0, 1, None, 1.0])
def test_scaled_must_be_a_bool(problem, scaled):
    X, W, H = problem
    match = rf"scaled must be True or False, got {scaled!r}"
    with pytest.raises(TypeError, match=match):
        reg.penalty_weights(6, 4, alpha_W=0.5, scaled=scaled)
    with pytest.raises(TypeError, match=match):
        reg.regularized_objective(X, W, H, alpha_W=0.5, scaled=scaled)
    with pytest.raises(TypeError, match=match):
        nt.objective.kkt_residual(X, W, H, alpha_W=0.5, scaled=scaled)


def test_scaled_accepts_numpy_bool():
    assert reg.penalty_weights(6, 4, alpha_W=0.5, scaled=np.bool_(False)) == reg.penalty_weights(
        6, 4, alpha_W=0.5, scaled=False
    )
