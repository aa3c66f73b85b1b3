"""The objective, its trace expansion, its gradients and its scaling."""

import numpy as np
import pytest
from sklearn.decomposition import NMF

import nmf_teach as nt


def naive_loss(X, W, H):
    m, n = X.shape
    k = W.shape[1]
    return sum((X[i, j] - sum(W[i, r] * H[r, j] for r in range(k))) ** 2 for i in range(m) for j in range(n))


@pytest.fixture
def problem():
    X, W, H = nt.derivation.random_problem(7, 5, 3, random_state=1)
    return X, W, H


def test_loss_against_double_loop(problem):
    X, W, H = problem
    assert nt.objective.loss(X, W, H) == pytest.approx(naive_loss(X, W, H), rel=1e-12)


def test_trace_expansion(problem):
    X, W, H = problem
    terms = nt.objective.loss_trace_expansion(X, W, H)
    assert terms["tr(X^T X)"] == pytest.approx(np.trace(X.T @ X))
    assert terms["tr(X^T W H)"] == pytest.approx(np.trace(X.T @ W @ H))
    assert terms["tr(H^T W^T W H)"] == pytest.approx(np.trace(H.T @ W.T @ W @ H))
    assert terms["total"] == pytest.approx(nt.objective.loss(X, W, H), rel=1e-10)


def test_gradients_against_finite_differences(problem):
    X, W, H = problem
    assert nt.linalg.gradient_error(lambda V: nt.objective.loss(X, V, H), nt.objective.gradient_W(X, W, H), W) < 1e-7
    assert nt.linalg.gradient_error(lambda V: nt.objective.loss(X, W, V), nt.objective.gradient_H(X, W, H), H) < 1e-7


def test_loss_accepts_negative_factors_but_not_negative_X(problem):
    X, W, H = problem
    nt.objective.loss(X, -W, H)  # gradient descent produces these
    with pytest.raises(ValueError, match=r"X has 1 negative entries; the first is X\[0, 0\] = -1"):
        bad = X.copy()
        bad[0, 0] = -1
        nt.objective.loss(bad, W, H)


def test_scaling_relative_to_scikit_learn():
    X, _, _ = nt.data.planted_nmf(12, 8, 2, noise=0.05, random_state=3)
    model = NMF(n_components=2, init="nndsvda", max_iter=500, random_state=0)
    W = model.fit_transform(X)
    H = model.components_
    assert nt.objective.reconstruction_error(X, W, H) == pytest.approx(model.reconstruction_err_, rel=1e-9)
    assert nt.objective.sklearn_objective(X, W, H) == pytest.approx(0.5 * model.reconstruction_err_ ** 2, rel=1e-9)
    assert nt.objective.loss(X, W, H) == pytest.approx(model.reconstruction_err_ ** 2, rel=1e-9)


@pytest.mark.parametrize(
    "W, H, match",
    [
        (np.ones((6, 2)), np.ones((2, 4)), "W has 6 rows but X has 7"),
        (np.ones((7, 2)), np.ones((2, 3)), "H has 3 columns but X has 5"),
        (np.ones((7, 2)), np.ones((3, 5)), "ranks disagree: W has 2 columns but H has 3 rows"),
    ],
)
def test_shape_errors_name_the_mismatch(problem, W, H, match):
    X = problem[0]
    with pytest.raises(ValueError, match=match):
        nt.objective.loss(X, W, H)
    with pytest.raises(ValueError, match=match):
        nt.objective.gradient_H(X, W, H)
