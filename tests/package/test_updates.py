"""Single steps: GD, projected GD, MU, HALS and the data-driven learning rate."""

import numpy as np
import pytest

import nmf_teach as nt


@pytest.fixture
def problem():
    return nt.derivation.random_problem(8, 6, 3, random_state=2)


def naive_mu_H(X, W, H):
    num, den = W.T @ X, W.T @ W @ H
    out = np.empty_like(H)
    for a in range(H.shape[0]):
        for j in range(H.shape[1]):
            out[a, j] = H[a, j] * num[a, j] / den[a, j]
    return out


def test_mu_against_naive_formula(problem):
    X, W, H = problem
    np.testing.assert_allclose(nt.updates.mu_update_H(X, W, H), naive_mu_H(X, W, H), rtol=1e-12)
    np.testing.assert_allclose(nt.updates.mu_update_W(X, W, H), naive_mu_H(X.T, H.T, W.T).T, rtol=1e-12)


def test_gradient_step_with_data_driven_rate_is_mu(problem):
    X, W, H = problem
    # the rate is H ⊘ (2WᵀWH), for this package's loss and gradient
    np.testing.assert_allclose(nt.updates.learning_rate_H(W, H), H / (2 * W.T @ W @ H), rtol=1e-12)
    np.testing.assert_allclose(nt.updates.learning_rate_W(W, H), W / (2 * W @ H @ H.T), rtol=1e-12)
    np.testing.assert_allclose(
        nt.updates.gd_update_H(X, W, H, nt.updates.learning_rate_H(W, H)), nt.updates.mu_update_H(X, W, H), rtol=1e-12
    )
    np.testing.assert_allclose(
        nt.updates.gd_update_W(X, W, H, nt.updates.learning_rate_W(W, H)), nt.updates.mu_update_W(X, W, H), rtol=1e-12
    )
    # Lee & Seung's rate for ½‖X − WH‖², twice as long, overshoots and is *not* the MU step
    assert not np.allclose(nt.updates.gd_update_H(X, W, H, 2 * nt.updates.learning_rate_H(W, H)), nt.updates.mu_update_H(X, W, H))


def test_plain_gd_goes_negative_and_pgd_does_not(problem):
    X, W, H = problem
    H_gd = nt.updates.gd_update_H(X, W, H, 0.5)
    assert (H_gd < 0).any()
    H_pgd = nt.updates.pgd_update_H(X, W, H, 0.5)
    assert (H_pgd >= 0).all()
    np.testing.assert_array_equal(H_pgd, np.maximum(H_gd, 0))


def test_lipschitz_step_never_increases_loss(problem):
    X, W, H = problem
    f0 = nt.objective.loss(X, W, H)
    W1 = nt.updates.gd_update_W(X, W, H, nt.updates.lipschitz_step_W(H))
    f1 = nt.objective.loss(X, W1, H)
    H1 = nt.updates.pgd_update_H(X, W1, H, nt.updates.lipschitz_step_H(W1))
    assert f1 <= f0 and nt.objective.loss(X, W1, H1) <= f1


def test_hals_column_update_is_exact_minimizer(problem):
    X, W, H = problem
    W1 = nt.updates.hals_update_W(X, W, H)
    # the gradient restricted to each column is 0 where the column is positive (KKT)
    G = nt.objective.gradient_W(X, W1, H)
    # after a full sweep, the last column is exactly optimal given the others
    j = W.shape[1] - 1
    pos = W1[:, j] > 0
    np.testing.assert_allclose(G[pos, j], 0, atol=1e-10)
    assert (G[~pos, j] >= -1e-10).all()
    assert nt.objective.loss(X, W1, H) <= nt.objective.loss(X, W, H)


def test_zero_entries_stay_zero_under_mu(problem):
    _, W, H = problem
    X = W @ H
    H = 0.5 * H  # WH < X everywhere, so the loss wants every entry of H to grow
    H[0, 1] = 0.0
    assert nt.objective.gradient_H(X, W, H)[0, 1] < 0  # the loss wants this entry to grow
    assert nt.updates.mu_update_H(X, W, H)[0, 1] == 0.0
    assert nt.updates.hals_update_H(X, W, H)[0, 1] > 0  # HALS lets it grow


def test_mu_zero_denominator_is_guarded():
    X = np.ones((3, 2))
    W = np.ones((3, 2))
    H = np.array([[1.0, 1.0], [0.0, 0.0]])  # a zero row of H gives zero denominators in W's update
    W1 = nt.updates.mu_update_W(X, W, H)
    assert np.all(np.isfinite(W1))
    H1 = nt.updates.mu_update_H(X, np.zeros((3, 2)), H)
    assert np.all(np.isfinite(H1))


def test_step_orders_W_then_H(problem):
    X, W, H = problem
    W1, H1 = nt.updates.one_iteration(X, W, H, "mu")
    np.testing.assert_array_equal(W1, nt.updates.mu_update_W(X, W, H))
    np.testing.assert_array_equal(H1, nt.updates.mu_update_H(X, W1, H))


def test_step_errors(problem):
    X, W, H = problem
    with pytest.raises(ValueError, match=r"Unknown method 'adam'; choose one of"):
        nt.updates.one_iteration(X, W, H, "adam")
    with pytest.raises(ValueError, match="has no learning rate"):
        nt.updates.one_iteration(X, W, H, "mu", learning_rate=0.1)
    with pytest.raises(ValueError, match="learning_rate must be a finite positive number"):
        nt.updates.gd_update_H(X, W, H, -1.0)
    with pytest.raises(ValueError, match=r"learning_rate has shape \(2, 2\); an element-wise rate needs shape \(3, 6\)"):
        nt.updates.gd_update_H(X, W, H, np.ones((2, 2)))
    with pytest.raises(ValueError, match=r"W has 1 negative entries; the first is W\[0, 0\]"):
        Wn = W.copy()
        Wn[0, 0] = -0.5
        nt.updates.mu_update_H(X, Wn, H)


@pytest.mark.parametrize(
    "rate, got",
    [
        (np.ones((2, 2)), r"an array of shape \(2, 2\)"),
        ([0.1], r"an array of shape \(1,\)"),
        ("fast", "'fast'"),
    ],
)
def test_step_needs_a_number_as_learning_rate(problem, rate, got):
    X, W, H = problem
    with pytest.raises(TypeError, match=rf"learning_rate must be a number here \(one step size for the whole run\), got {got}"):
        nt.updates.one_iteration(X, W, H, "gd", learning_rate=rate)


def test_zero_d_array_counts_as_a_number(problem):
    X, W, H = problem
    for method in ("gd", "pgd"):
        a = nt.updates.one_iteration(X, W, H, method, learning_rate=np.array(1e-3))
        b = nt.updates.one_iteration(X, W, H, method, learning_rate=1e-3)
        np.testing.assert_array_equal(a[0], b[0])
        np.testing.assert_array_equal(a[1], b[1])
    np.testing.assert_array_equal(nt.updates.gd_update_H(X, W, H, np.array(1e-3)), nt.updates.gd_update_H(X, W, H, 1e-3))
    with pytest.raises(ValueError, match="learning_rate must be a finite positive number, got -1.0"):
        nt.updates.one_iteration(X, W, H, "gd", learning_rate=np.array(-1.0))
    with pytest.raises(TypeError, match="learning_rate must be a positive number or an array, got True"):
        nt.updates.one_iteration(X, W, H, "gd", learning_rate=np.array(True))
