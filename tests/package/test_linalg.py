"""Each identity of nmf_teach.linalg against the naive formula."""

import numpy as np
import pytest

import nmf_teach as nt


@pytest.fixture
def rng():
    return np.random.default_rng(0)


def naive_frobenius(A):
    return sum(A[i, j] ** 2 for i in range(A.shape[0]) for j in range(A.shape[1])) ** 0.5


def test_trace_is_sum_of_diagonal(rng):
    A = rng.normal(size=(4, 4))
    assert nt.linalg.trace(A) == pytest.approx(sum(A[i, i] for i in range(4)))


def test_trace_rejects_non_square():
    with pytest.raises(ValueError, match=r"square matrix.*\(2, 3\)"):
        nt.linalg.trace(np.ones((2, 3)))


def test_trace_linearity_and_cyclic_property(rng):
    A, B = rng.normal(size=(2, 4, 4))
    assert nt.linalg.trace(A + 3 * B) == pytest.approx(nt.linalg.trace(A) + 3 * nt.linalg.trace(B))
    P, Q, R = rng.normal(size=(3, 4)), rng.normal(size=(4, 5)), rng.normal(size=(5, 3))
    t = nt.linalg.trace(P @ Q @ R)
    assert nt.linalg.trace(Q @ R @ P) == pytest.approx(t)
    assert nt.linalg.trace(R @ P @ Q) == pytest.approx(t)
    # a non-cyclic reordering is not equal in general (the source's "= tr(CBA)" is wrong)
    S, T, U = rng.normal(size=(3, 3, 3))
    assert abs(nt.linalg.trace(S @ T @ U) - nt.linalg.trace(U @ T @ S)) > 1e-3


def test_trace_dot_is_trace_of_A_Bt(rng):
    A, B = rng.normal(size=(2, 5, 3))
    assert nt.linalg.trace_dot(A, B) == pytest.approx(np.trace(A @ B.T))


def test_frobenius_direct_and_via_trace_agree_with_naive(rng):
    A = rng.normal(size=(5, 3))
    assert nt.linalg.frobenius_norm(A) == pytest.approx(naive_frobenius(A))
    assert nt.linalg.frobenius_norm_via_trace(A) == pytest.approx(naive_frobenius(A))
    assert nt.linalg.frobenius_norm(A) == pytest.approx(np.linalg.norm(A, "fro"))


def test_hadamard_against_loop(rng):
    A, B = rng.normal(size=(2, 3, 4))
    C = nt.linalg.hadamard(A, B)
    for i in range(3):
        for j in range(4):
            assert C[i, j] == A[i, j] * B[i, j]


def test_hadamard_refuses_broadcasting():
    with pytest.raises(ValueError, match=r"A has shape \(2, 3\) and B has shape \(1, 3\)"):
        nt.linalg.hadamard(np.ones((2, 3)), np.ones((1, 3)))


def test_safe_divide_guards_only_exact_zeros():
    N = np.array([[1.0, 2.0], [3.0, 0.0]])
    D = np.array([[2.0, 0.0], [1e-30, 0.0]])
    Q = nt.linalg.safe_divide(N, D)
    assert Q[0, 0] == 0.5
    assert Q[0, 1] == 2.0 / nt.linalg.EPS
    assert Q[1, 0] == 3.0 / 1e-30  # tiny but non-zero: not touched
    assert Q[1, 1] == 0.0
    assert np.all(np.isfinite(Q))
    assert nt.linalg.EPS == np.finfo(np.float32).eps


@pytest.mark.parametrize("identity", nt.linalg.trace_gradient_identities(), ids=lambda i: i.name)
def test_trace_gradient_identities(identity, rng):
    shape_A, shape_X = identity.shapes(4, 3)
    A, X = rng.normal(size=shape_A), rng.normal(size=shape_X)
    err = nt.linalg.gradient_error(lambda Z: identity.f(A, Z), lambda Z: identity.grad(A, Z), X)
    assert err < 1e-7


def test_check_gradient_detects_a_wrong_gradient(rng):
    A, X = rng.normal(size=(4, 4)), rng.normal(size=(4, 3))
    # ∇ tr(XᵀAX) is (A + Aᵀ)X, not 2AX for a non-symmetric A
    err = nt.linalg.gradient_error(lambda Z: np.trace(Z.T @ A @ Z), lambda Z: 2 * A @ Z, X)
    assert err > 1e-2


def test_numerical_gradient_of_quadratic(rng):
    X = rng.normal(size=(3, 2))
    G = nt.linalg.numerical_gradient(lambda Z: float(np.sum(Z ** 2)), X)
    np.testing.assert_allclose(G, 2 * X, atol=1e-7)


def test_numerical_gradient_errors():
    with pytest.raises(TypeError, match="f must be a function"):
        nt.linalg.numerical_gradient(3.0, np.ones((2, 2)))
    with pytest.raises(ValueError, match="h must be a finite positive"):
        nt.linalg.numerical_gradient(np.sum, np.ones((2, 2)), h=-1.0)


@pytest.mark.parametrize(
    "f, match",
    [
        (lambda Z: Z * 2, r"f must return a single number .* it returned an array of shape \(2, 2\)"),
        (lambda Z: [1.0, 2.0], r"f must return a single number .* it returned an array of shape \(2,\)"),
        (lambda Z: None, r"f must return a single number .* it returned None of type NoneType"),
        (lambda Z: "loss", r"f must return a single number .* it returned 'loss' of type str"),
        (lambda Z: True, r"f must return a single number .* it returned True of type bool"),
        (lambda Z: 1j, r"f must return a single number .* it returned 1j of type complex"),
    ],
)
def test_numerical_gradient_needs_a_scalar_f(f, match):
    with pytest.raises(TypeError, match=match):
        nt.linalg.numerical_gradient(f, np.ones((2, 2)))
    with pytest.raises(TypeError, match=match):
        nt.linalg.gradient_error(f, np.ones((2, 2)), np.ones((2, 2)))


def test_numerical_gradient_accepts_numpy_scalars():
    X = np.arange(4.0).reshape(2, 2)
    np.testing.assert_allclose(nt.linalg.numerical_gradient(np.sum, X), np.ones((2, 2)), atol=1e-8)
    np.testing.assert_allclose(nt.linalg.numerical_gradient(lambda Z: np.array(Z[0, 0]), X), [[1, 0], [0, 0]], atol=1e-8)
