"""loss_curves: curves from one start, scikit-learn's cd by separate fits, budgets, bad input."""

import warnings

import numpy as np
import pytest
from sklearn.decomposition import non_negative_factorization

import nmf_teach as nt
from nmf_teach import loss_curves as cs


@pytest.fixture(scope="module")
def problem():
    X, _, _ = nt.data.planted_nmf(20, 15, 3, noise=0.05, random_state=1)
    W0, H0 = nt.solvers.initialize(X, 3, random_state=2)
    return X, W0, H0


def test_nmf_curve_is_nmf(problem):
    X, W0, H0 = problem
    curve = cs.nmf_curve(X, W0, H0, "mu", max_iter=15, repeat=2)
    res = nt.solvers.nmf(X, 3, method="mu", W0=W0, H0=H0, max_iter=15)
    np.testing.assert_array_equal(curve.losses, res.losses)
    np.testing.assert_array_equal(curve.iterations, np.arange(16))
    assert curve.times[0] == 0 and np.all(np.diff(curve.times) >= 0)
    np.testing.assert_array_equal(curve.W, res.W)
    assert curve.label == "mu" and curve.loss == res.loss


def test_sklearn_cd_curve_points_are_separate_fits(problem):
    X, W0, H0 = problem
    W0_before, H0_before = W0.copy(), H0.copy()
    curve = cs.sklearn_cd_curve(X, W0, H0, max_iter=[1, 4, 9])
    np.testing.assert_array_equal(W0, W0_before)  # the start is not changed in place
    np.testing.assert_array_equal(H0, H0_before)
    assert list(curve.iterations) == [0, 1, 4, 9] and curve.label == "sklearn cd"
    assert curve.losses[0] == pytest.approx(nt.objective.loss(X, W0, H0))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        W, H, n_iter = non_negative_factorization(X, W=W0.copy(), H=H0.copy(), n_components=3, init="custom",
                                                  solver="cd", tol=0, max_iter=4)
    assert n_iter == 4
    assert curve.losses[2] == pytest.approx(np.linalg.norm(X - W @ H) ** 2, rel=1e-12)
    assert np.all(curve.times[1:] > 0)


def test_solver_curves_share_one_start(problem):
    X, _, _ = problem
    curves = cs.solver_curves(X, 3, methods=("mu", "hals"), max_iter=10, random_state=5)
    assert list(curves) == ["mu", "hals", "sklearn cd"]
    starts = {c.losses[0] for c in curves.values()}
    assert len(starts) == 1
    W0, H0 = nt.solvers.initialize(X, 3, random_state=5)
    assert starts.pop() == pytest.approx(nt.objective.loss(X, W0, H0))
    assert list(curves["sklearn cd"].iterations) == [0, 1, 2, 3, 5, 7, 10]
    only = cs.solver_curves(X, 3, methods="pgd", sklearn_cd=False, max_iter=3, init="nndsvda")
    assert list(only) == ["pgd"] and len(only["pgd"].losses) == 4


def test_loss_within_budget():
    curve = cs.SolverCurve("x", np.array([0, 1, 2, 3]), np.array([9.0, 5.0, 4.0, 1.0]),
                           np.array([0.0, 0.1, 0.2, 0.5]), np.zeros((1, 1)), np.zeros((1, 1)))
    assert cs.loss_within_budget(curve, 0.25) == (4.0, 2)
    assert cs.loss_within_budget(curve, 0.0) == (9.0, 0)
    assert cs.loss_within_budget(curve, np.inf) == (1.0, 3)


def test_bad_input(problem):
    X, W0, H0 = problem
    with pytest.raises(ValueError, match="strictly increasing"):
        cs.sklearn_cd_curve(X, W0, H0, max_iter=[5, 2])
    with pytest.raises(ValueError, match="positive integers"):
        cs.sklearn_cd_curve(X, W0, H0, max_iter=[0, 2])
    with pytest.raises(ValueError, match="positive integers"):
        cs.sklearn_cd_curve(X, W0, H0, max_iter=[])
    with pytest.raises(ValueError, match="repeat must be a positive"):
        cs.nmf_curve(X, W0, H0, repeat=0)
    with pytest.raises(TypeError, match="repeat must be a positive"):
        cs.nmf_curve(X, W0, H0, repeat=1.5)
    with pytest.raises(ValueError, match="Unknown method"):
        cs.nmf_curve(X, W0, H0, "newton")
    with pytest.raises(ValueError, match="H0 has shape"):
        cs.nmf_curve(X, W0, H0[:, :-1])
    with pytest.raises(ValueError, match="negative entries"):
        cs.nmf_curve(-X, W0, H0)
    with pytest.raises(ValueError, match="both W0 and H0"):
        cs.solver_curves(X, 3, W0=W0)
    with pytest.raises(ValueError, match="n_components is 2"):
        cs.solver_curves(X, 2, W0=W0, H0=H0)
    with pytest.raises(ValueError, match="budget must be"):
        cs.loss_within_budget(cs.nmf_curve(X, W0, H0, max_iter=2), -1.0)
    with pytest.raises(TypeError, match="SolverCurve"):
        cs.loss_within_budget([1, 2], 1.0)


def test_solver_curves_checks_its_own_arguments():
    X = np.ones((4, 3))
    with pytest.raises(ValueError, match="max_iter must be a positive integer, got 0"):
        cs.solver_curves(X, 2, max_iter=0)
    with pytest.raises(TypeError, match="methods must be a sequence of method names"):
        cs.solver_curves(X, 2, methods=None)
    with pytest.raises(ValueError, match="Unknown method 'adam'"):
        cs.solver_curves(X, 2, methods=("mu", "adam"))
    with pytest.raises(ValueError, match="init='nndsvd' would be ignored"):
        cs.solver_curves(X, 2, W0=np.ones((4, 2)), H0=np.ones((2, 3)), init="nndsvd")


def test_nmf_curve_reports_the_fastest_whole_run():
    X, _, _ = nt.data.planted_nmf(30, 20, 3, random_state=0)
    W0, H0 = nt.solvers.initialize(X, 3)
    curve = cs.nmf_curve(X, W0, H0, "mu", max_iter=20, repeat=3)
    assert np.all(np.diff(curve.times) >= 0) and curve.times[0] == 0
    single = nt.solvers.nmf(X, 3, W0=W0, H0=H0, max_iter=20)
    np.testing.assert_array_equal(curve.losses, single.losses)  # timing never changes the iterates
