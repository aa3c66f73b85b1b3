"""Tests of the shared input checks in nmf_teach._validation."""

import numpy as np
import pytest
from scipy import sparse

from nmf_teach import _validation as V


@pytest.mark.parametrize("make", [sparse.csr_matrix, sparse.csc_matrix, sparse.coo_matrix, sparse.csr_array])
def test_as_matrix_refuses_sparse_input(make):
    S = make(np.eye(3))
    with pytest.raises(TypeError, match=r"W0 is a scipy sparse matrix .*sparse input is not supported.*W0\.toarray\(\)"):
        V.as_matrix(S, "W0")
    np.testing.assert_array_equal(V.as_matrix(S.toarray(), "W0"), np.eye(3))


def test_check_nonnegative_refuses_sparse_input():
    with pytest.raises(TypeError, match=r"X is a scipy sparse matrix \(csr_matrix\)"):
        V.validate_nonnegative(sparse.csr_matrix(np.ones((2, 2))))


@pytest.mark.parametrize("value", [0, 3, np.int64(5)])
def test_check_nonneg_int_accepts(value):
    out = V.validate_nonneg_int(value, "n_steps")
    assert out == value and type(out) is int


@pytest.mark.parametrize(
    "value, exc, match",
    [
        (-1, ValueError, "n_steps must be a non-negative integer, got -1"),
        (2.0, TypeError, "n_steps must be a non-negative integer, got 2.0 of type float"),
        (True, TypeError, "n_steps must be a non-negative integer, got True of type bool"),
        (np.bool_(False), TypeError, "n_steps must be a non-negative integer"),
        ("3", TypeError, "n_steps must be a non-negative integer, got '3' of type str"),
        (None, TypeError, "n_steps must be a non-negative integer, got None"),
    ],
)
def test_check_nonneg_int_refuses(value, exc, match):
    with pytest.raises(exc, match=match):
        V.validate_nonneg_int(value, "n_steps")
