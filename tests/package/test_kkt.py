"""The one KKT residual, nmf_teach.objective.kkt_residual, against naive formulas."""

import warnings

import numpy as np
import pytest
from sklearn.decomposition import NMF

import nmf_teach as nt
from nmf_teach.objective import kkt_residual


def naive_residual(X, W, H, l1_W=0.0, l1_H=0.0, l2_W=0.0, l2_H=0.0, d=None):
    """min(entry, gradient) entry by entry, loops only, at the rescaled factors (W D, D^-1 H)."""
    m, k = W.shape
    n = H.shape[1]
    d = np.ones(k) if d is None else d
    W = np.array([[W[i, j] * d[j] for j in range(k)] for i in range(m)])
    H = np.array([[H[j, c] / d[j] for c in range(n)] for j in range(k)])
    R = [[sum(W[i, j] * H[j, c] for j in range(k)) - X[i, c] for c in range(n)] for i in range(m)]
    rW = rH = 0.0
    for i in range(m):
        for j in range(k):
            g = 2 * (sum(R[i][c] * H[j, c] for c in range(n)) + l1_W + l2_W * W[i, j])
            rW += min(W[i, j], g) ** 2
    for j in range(k):
        for c in range(n):
            g = 2 * (sum(W[i, j] * R[i][c] for i in range(m)) + l1_H + l2_H * H[j, c])
            rH += min(H[j, c], g) ** 2
    return np.sqrt(rW) + np.sqrt(rH)


def test_no_penalty_against_naive_formula_at_equal_norms():
    X, W, H = nt.derivation.random_problem(6, 5, 3, random_state=1)
    d = (np.linalg.norm(H, axis=1) / np.linalg.norm(W, axis=0)) ** 0.5  # ||w_j d_j|| = ||h_j / d_j||
    assert kkt_residual(X, W, H) == pytest.approx(naive_residual(X, W, H, d=d), rel=1e-12)


def test_by_hand():
    # X = I, W = 2I, H = I: equal norms at W' = H' = sqrt(2) I; R = I, both gradients 2 sqrt(2) I,
    # min(sqrt(2) I, 2 sqrt(2) I) = sqrt(2) I of norm 2, twice.
    X = np.eye(2)
    assert kkt_residual(X, 2 * np.eye(2), np.eye(2)) == pytest.approx(4.0)


def test_zero_at_exact_factorization_and_positive_when_locked():
    W, H, _ = nt.data.food_orders_truth()
    X = W @ H
    assert kkt_residual(X, W, H) == pytest.approx(0.0, abs=1e-12)
    H0 = H.copy()
    H0[0, 0] = 0.0  # pizza can no longer be explained: the gradient there is negative
    assert nt.objective.gradient_H(X, W, H0)[0, 0] < 0
    assert kkt_residual(X, W, H0) > 0.1


@pytest.mark.parametrize("c", [1e-3, 0.1, 10.0, 1e4])
def test_a_drift_of_scale_cannot_hide(c):
    # the same product WH, any scale: the residual does not change (it used to shrink like 1/c)
    X, W, H = nt.derivation.random_problem(7, 6, 3, random_state=2)
    base = kkt_residual(X, W, H)
    assert base > 1e-3
    assert kkt_residual(X, c * W, H / c) == pytest.approx(base, rel=1e-9)
    D = np.array([c, 1.0, 1 / c])
    assert kkt_residual(X, W * D, H / D[:, None]) == pytest.approx(base, rel=1e-9)


def test_relative_divides_by_a_power_of_the_data_only():
    X, W, H = nt.derivation.random_problem(7, 6, 3, random_state=3)
    r = kkt_residual(X, W, H, relative=True)
    assert r == pytest.approx(kkt_residual(X, W, H) / np.linalg.norm(X) ** 1.5)
    assert kkt_residual(X, 50 * W, H / 50, relative=True) == pytest.approx(r, rel=1e-9)


def fit_penalized(X, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = NMF(3, init="nndsvda", tol=1e-12, max_iter=5000, random_state=0, **kw)
        W = model.fit_transform(X)
    return W, model.components_


def test_zero_at_sklearn_penalized_solution_and_not_for_wrong_objective():
    X, _, _ = nt.data.planted_nmf(20, 10, 3, noise=0.05, random_state=0)
    kw = dict(alpha_W=0.01, alpha_H=0.02, l1_ratio=0.5)
    W, H = fit_penalized(X, **kw)
    assert kkt_residual(X, W, H, **kw) < 1e-8
    assert kkt_residual(X, W, H, scaled=False, **kw) > 1e-3


def test_penalized_rescaling_is_the_penalty_minimizer():
    # a penalized KKT point is already at the penalty-minimizing scale: moving it away is detected
    X, _, _ = nt.data.planted_nmf(20, 10, 3, noise=0.05, random_state=0)
    kw = dict(alpha_W=0.01, alpha_H=0.02, l1_ratio=0.5)
    W, H = fit_penalized(X, **kw)
    assert kkt_residual(X, 3 * W, H / 3, **kw) < 1e-8  # rescaled back before measuring
    p = nt.regularization.penalty_weights(*X.shape, **kw)
    l1 = naive_residual(X, W, H, p["l1_W"], p["l1_H"], p["l2_W"], p["l2_H"])
    assert l1 < 1e-7


@pytest.mark.parametrize("kw, who", [(dict(alpha_W=0.1, alpha_H=0.0), "W"), (dict(alpha_W=0.0, alpha_H=0.1), "H")])
def test_one_penalized_factor_has_no_kkt_point(kw, who):
    X, W, H = nt.derivation.random_problem(6, 5, 2, random_state=0)
    with pytest.raises(ValueError, match=rf"Only {who} is penalized.*no minimizer"):
        kkt_residual(X, W, H, **kw)


def test_bad_input():
    X, W, H = nt.derivation.random_problem(4, 3, 2, random_state=0)
    with pytest.raises(ValueError, match=r"W has 1 negative entries"):
        W2 = W.copy()
        W2[0, 0] = -1.0
        kkt_residual(X, W2, H)
    with pytest.raises(TypeError, match="relative must be True or False"):
        kkt_residual(X, W, H, relative="yes")
    with pytest.raises(ValueError, match="l1_ratio must lie in"):
        kkt_residual(X, W, H, alpha_W=0.1, l1_ratio=2.0)
