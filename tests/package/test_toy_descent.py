"""Tests of nmf_teach.toy_descent against obvious formulas."""

import numpy as np
import pytest

from nmf_teach import toy_descent as descent


def test_quadratic_matches_closed_form():
    # f(x) = a x² / 2: x_t = (1 - eta a)^t x0
    a, eta, x0 = 3.0, 0.1, 2.0
    xs = descent.gradient_descent(lambda x: a * x, x0, eta, n_steps=20)
    assert xs.shape == (21,)
    np.testing.assert_allclose(xs, x0 * (1 - eta * a) ** np.arange(21))


def test_vector_iterates_and_loop():
    A = np.diag([1.0, 10.0])
    x0 = np.array([1.0, 1.0])
    xs = descent.gradient_descent(lambda x: A @ x, x0, 0.05, n_steps=5)
    x = x0.copy()
    for t in range(5):
        x = x - 0.05 * (A @ x)
    assert xs.shape == (6, 2)
    np.testing.assert_allclose(xs[-1], x)
    np.testing.assert_array_equal(xs[0], x0)


def test_zero_steps_returns_start():
    xs = descent.gradient_descent(lambda x: x, 1.5, 0.1, n_steps=0)
    np.testing.assert_array_equal(xs, [1.5])


def test_divergence_stops_at_last_finite_iterate():
    with pytest.warns(RuntimeWarning, match=r"diverged at step \d+: the iterate overflowed"):
        xs = descent.gradient_descent(lambda x: x**3, 10.0, 1.0, n_steps=100)
    assert len(xs) < 101
    assert np.all(np.isfinite(xs))


def test_double_well_and_its_derivative():
    x = np.linspace(-2, 2, 41)
    np.testing.assert_allclose(descent.double_well(x), x**4 - 3 * x**2 + x)
    h = 1e-6
    num = (descent.double_well(x + h) - descent.double_well(x - h)) / (2 * h)
    np.testing.assert_allclose(descent.double_well_grad(x), num, atol=1e-6)


def test_double_well_has_two_minima():
    left = descent.gradient_descent(descent.double_well_grad, -0.5, 0.05, n_steps=300)[-1]
    right = descent.gradient_descent(descent.double_well_grad, 0.5, 0.05, n_steps=300)[-1]
    assert left < 0 < right
    assert abs(descent.double_well_grad(left)) < 1e-8 and abs(descent.double_well_grad(right)) < 1e-8
    assert descent.double_well(left) < descent.double_well(right)


@pytest.mark.parametrize(
    "kwargs, exc, match",
    [
        (dict(grad=None, x0=1.0, learning_rate=0.1), TypeError, "grad must be a function"),
        (dict(grad=abs, x0=1.0, learning_rate=0.0), ValueError, "learning_rate must be a finite positive"),
        (dict(grad=abs, x0=1.0, learning_rate="big"), TypeError, "learning_rate must be a real number"),
        (dict(grad=abs, x0=1.0, learning_rate=0.1, n_steps=2.5), TypeError, "n_steps must be"),
        (dict(grad=abs, x0=1.0, learning_rate=0.1, n_steps=-1), ValueError, "n_steps must be"),
        (dict(grad=abs, x0=np.ones((2, 2)), learning_rate=0.1), ValueError, "1-D vector"),
        (dict(grad=abs, x0=np.nan, learning_rate=0.1), ValueError, "x0 must be finite"),
        (dict(grad=lambda x: np.ones(3), x0=np.ones(2), learning_rate=0.1), ValueError, "grad\\(x\\) has shape"),
        (dict(grad=abs, x0="a", learning_rate=0.1), TypeError, "x0 must be a real number"),
        (dict(grad=abs, x0=None, learning_rate=0.1), TypeError, "x0 must be a real number"),
        (dict(grad=abs, x0=1j, learning_rate=0.1), TypeError, "x0 has complex entries"),
        (dict(grad=abs, x0=[], learning_rate=0.1), ValueError, "x0 is empty"),
        (dict(grad=abs, x0=[[1.0], [2.0, 3.0]], learning_rate=0.1), ValueError, "x0 must be a real number"),
        (dict(grad=abs, x0=1.0, learning_rate=0.1, n_steps=True), TypeError, "n_steps must be a non-negative integer"),
        (dict(grad=lambda x: None, x0=1.0, learning_rate=0.1), ValueError, r"grad\(x\) returned None at step 1"),
        (dict(grad=lambda x: "a", x0=1.0, learning_rate=0.1), ValueError, r"grad\(x\) returned 'a' at step 1"),
        (dict(grad=lambda x: np.nan, x0=1.0, learning_rate=0.1), ValueError, r"grad\(x\) returned NaN or inf at step 1"),
    ],
)
def test_bad_input(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        descent.gradient_descent(**kwargs)


def test_nan_gradient_later_names_the_step():
    # gradient 1 for x > 0, NaN from x = 0 on; iterates 1, 0.5, 0.0, so step 3 fails at x = 0
    grad = lambda x: 1.0 if x > 0 else np.nan  # noqa: E731
    with pytest.raises(ValueError, match=r"returned NaN or inf at step 3 \(x = 0\.0\)"):
        descent.gradient_descent(grad, 1.0, 0.5, n_steps=10)


def test_overflowing_step_warns_and_keeps_finite_iterates():
    # the gradient is finite but the step x - eta * g overflows
    with pytest.warns(RuntimeWarning, match="diverged at step 1"):
        xs = descent.gradient_descent(lambda x: 1e308 * np.sign(x), 1.0, 10.0, n_steps=5)
    np.testing.assert_array_equal(xs, [1.0])


def test_valid_run_does_not_warn():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        xs = descent.gradient_descent(descent.double_well_grad, [0.5, -0.5], 0.05, n_steps=50)
    assert xs.shape == (51, 2)


@pytest.mark.parametrize("bad", ["a", None, 1j, [True, False]])
def test_double_well_refuses_non_real_input(bad):
    with pytest.raises(TypeError, match="x must be a real number or an array of real numbers"):
        descent.double_well(bad)
    with pytest.raises(TypeError, match="x must be a real number or an array of real numbers"):
        descent.double_well_grad(bad)
