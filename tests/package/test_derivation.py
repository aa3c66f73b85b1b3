"""Every step of the MU derivation holds numerically."""

import numpy as np
import pytest

import nmf_teach as nt

STEPS = nt.mu_derivation()


@pytest.mark.parametrize("step", STEPS, ids=[s.title for s in STEPS])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_every_step_holds(step, seed):
    assert step.check(seed) < 1e-7


def test_steps_have_text():
    assert len(STEPS) >= 10
    for s in STEPS:
        assert s.title and s.latex and s.why


def test_source_version_without_factor_two_fails_the_check():
    # source 001 writes η_H = H ⊘ (WᵀWH) with the gradient −2WᵀX + 2WᵀWH: not the MU step
    wrong = nt.DerivationStep(
        "source 001 as written", "", "",
        lambda X, W, H: (H - nt.learning_rate_H(W, H) * nt.gradient_H(X, W, H), nt.mu_update_H(X, W, H)),
    )
    assert wrong.check() > 1e-2


def test_source_typo_WtH_is_not_the_update():
    X, W, H = nt.derivation.random_problem(4, 4, 4)  # square so that WᵀH is defined
    typo = H * (W.T @ H) / (W.T @ W @ H)
    assert not np.allclose(typo, nt.mu_update_H(X, W, H))


def test_verify_derivation_lists_every_step():
    out = nt.verify_derivation(3)
    assert [t for t, _ in out] == [s.title for s in STEPS]
    assert max(r for _, r in out) < 1e-7


def test_random_problem_shapes_and_positivity():
    X, W, H = nt.derivation.random_problem(7, 4, 2, random_state=1)
    assert (X.shape, W.shape, H.shape) == ((7, 4), (7, 2), (2, 4))
    assert min(X.min(), W.min(), H.min()) >= 0.1


@pytest.mark.parametrize(
    "args, exc, match",
    [
        ((0, 5, 3), ValueError, "m must be a positive integer, got 0"),
        ((6, -1, 3), ValueError, "n must be a positive integer, got -1"),
        ((6, 5, 2.0), TypeError, "k must be a positive integer, got 2.0"),
        ((6, "5", 3), TypeError, "n must be a positive integer, got '5'"),
    ],
)
def test_random_problem_bad_sizes(args, exc, match):
    with pytest.raises(exc, match=match):
        nt.derivation.random_problem(*args)


def test_kinds_say_what_each_check_can_catch():
    kinds = [s.kind for s in STEPS]
    assert set(kinds) <= set(nt.derivation.KINDS)
    assert [i + 1 for i, kd in enumerate(kinds) if kd == "finite difference"] == [3, 4, 5, 6]
    assert [i + 1 for i, kd in enumerate(kinds) if kd == "package"] == [10, 11]
    assert [i + 1 for i, kd in enumerate(kinds) if kd == "identity"] == [1, 2, 7, 8, 9]


def test_an_identity_holds_for_any_numbers_a_gradient_check_does_not():
    # Step 9 (H ∘ (A ⊘ A) = H) holds even for a W unrelated to anything; a wrong gradient fails Step 6's test
    cancel = STEPS[8]
    assert cancel.kind == "identity"
    X, W, H = nt.derivation.random_problem(6, 5, 3, random_state=4)
    lhs, rhs = cancel.sides(X, 7.0 * W, H)
    assert np.allclose(lhs, rhs)
    wrong = nt.DerivationStep("wrong gradient", "", "",
                              lambda X, W, H: (nt.linalg.numerical_gradient(lambda G: nt.loss(X, W, G), H),
                                               -W.T @ X + W.T @ W @ H),
                              kind="finite difference")
    assert wrong.check() > 1e-2


def test_evaluate_returns_both_sides_that_check_compares():
    step = STEPS[5]
    lhs, rhs = step.evaluate(1)
    assert lhs.shape == rhs.shape == (3, 5)
    assert np.isclose(np.max(np.abs(lhs - rhs)) / max(1.0, np.max(np.abs(rhs))), step.check(1))


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="kind must be one of"):
        nt.DerivationStep("x", "", "", lambda X, W, H: (0.0, 0.0), kind="algebra")
