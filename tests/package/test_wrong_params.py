"""Bad parameters and the messages they raise, in one table (as scikit-learn's test_nmf_common_wrong_params).

Every row calls one public function with one bad argument and checks the
exception type and that the message names the parameter and what it must be.
Also the mechanism: the declared tables of ``_validation.validate_params``.
"""

import inspect

import numpy as np
import pytest

import nmf_teach as nt
from nmf_teach import _validation

X = np.ones((4, 3))
M = np.ones((4, 3), bool)

WRONG = [
    # (function, args, kwargs, error, message)
    (nt.data.planted_nmf, (0, 3, 2), {}, ValueError, "m must be a positive integer, got 0"),
    (nt.data.planted_nmf, (4, 3.0, 2), {}, TypeError, "n must be a positive integer, got 3.0"),
    (nt.data.planted_nmf, (4, 3, True), {}, TypeError, "n_components must be a positive integer"),
    (nt.data.planted_nmf, (4, 3, 2), {"noise": -1.0}, ValueError, "noise must be a finite non-negative number"),
    (nt.data.planted_nmf, (4, 3, 2), {"random_state": 1.5}, TypeError, "random_state must be None, an int"),
    (nt.data.planted_nmf, (4, 3, 2), {"random_state": -1}, ValueError, "random_state must be a non-negative int"),
    (nt.data.ratings, (), {"observed": 0}, ValueError, "observed must be a finite positive number"),
    (nt.data.ratings, (), {"min_ratings": -1}, ValueError, "min_ratings must be a non-negative integer"),
    (nt.data.digits, (0,), {}, ValueError, "n_samples must be a positive integer"),
    (nt.clustering.orthogonal_nmf, (-X, 2), {}, ValueError, "X has 12 negative entries"),
    (nt.clustering.orthogonal_nmf, (X, 2), {"n_init": 0}, ValueError, "n_init must be a positive integer"),
    (nt.clustering.orthogonal_nmf, (X, 2), {"max_iter": "10"}, TypeError, "max_iter must be a positive integer"),
    (nt.clustering.orthogonal_nmf, (X, 2), {"random_state": "0"}, TypeError, "random_state must be None"),
    (nt.clustering.support_sizes, (X,), {"rel_tol": -0.1}, ValueError, "rel_tol must be a finite non-negative"),
    (nt.clustering.orthogonality_error, (np.ones(3),), {}, ValueError, r"W must be 2-D \(a matrix\)"),
    (nt.recommend.train_test_split_mask, (M,), {"random_state": 2.0}, TypeError, "random_state must be None"),
    (nt.recommend.user_knn, (X, M), {"n_neighbors": 0}, ValueError, "n_neighbors must be a positive integer"),
    (nt.recommend.user_knn, (X, M), {"center": "yes"}, TypeError, "center must be True or False"),
    (nt.recommend.user_similarity, (X, M), {"min_common": -2}, ValueError, "min_common must be a non-negative"),
    (nt.recommend.top_n, (np.ones((4, 2)), np.ones((2, 3)), 0), {"n": 0}, ValueError, "n must be a positive integer"),
    (nt.cost.matmul_flops, (2, 0, 2), {}, ValueError, "b must be a positive integer"),
    (nt.cost.iteration_flops, (2, 2, 2), {"method": "hals"}, ValueError, r"Unknown method 'hals'; choose one of"),
    (nt.cost.iteration_flops, (2, 2, 2), {"order": 1}, TypeError, "order must be a string"),
    (nt.cost.hals_iteration_flops, (2, 2, 2), {"inner_sweeps": 0}, ValueError, "inner_sweeps must be a positive integer"),
    # the one "is this a real array" check, through the functions that take arrays
    (nt.audio.spectrogram, (np.full(600, np.nan), 8000), {}, ValueError, "signal has 600 NaN or infinite entries"),
    (nt.audio.spectrogram, (np.zeros((2, 600)), 8000), {}, ValueError, "signal must be 1-D"),
    (nt.images.grayscale, (np.zeros(5),), {}, ValueError, "image must be an array with 2 or 3 dimensions"),
    (nt.images.psnr, (None, X, 1.0), {}, TypeError, "clean is None"),
    (nt.recommend.rmse, ("abc", X, M), {}, TypeError, "X is a string"),
    (nt.toy_descent.double_well, (1j,), {}, TypeError, "x has complex entries"),
    (nt.objective.loss, ([[1, 2], [3]], X[:, :2], X[:2]), {}, ValueError, "could not be turned into an array"),
    (nt.objective.loss, (X * 1j, X, X), {}, TypeError, "X has complex entries"),
]


@pytest.mark.parametrize("func, args, kwargs, error, message", WRONG,
                         ids=[f"{f.__module__.split('.')[-1]}.{f.__name__}-{m[:30]}" for f, _, _, _, m in WRONG])
def test_wrong_params(func, args, kwargs, error, message):
    with pytest.raises(error, match=message):
        func(*args, **kwargs)


def test_declared_tables_keep_signatures_and_are_readable():
    f = nt.clustering.orthogonal_nmf
    assert "random_state" in inspect.signature(f).parameters          # the wrapper keeps the signature
    assert set(f._parameter_constraints) == {"X", "n_components", "n_init", "max_iter", "random_state"}
    assert repr(f._parameter_constraints["n_init"]) == "a positive int"


def test_a_table_naming_a_missing_parameter_is_refused():
    with pytest.raises(TypeError, match=r"has no parameter\(s\) \['n_iter'\]"):
        @_validation.validate_params({"n_iter": _validation.integer()})
        def f(max_iter=10):
            return max_iter


def test_rules_return_the_checked_value():
    @_validation.validate_params({"A": _validation.matrix(nonnegative=True), "k": _validation.integer(),
                                  "tol": _validation.optional(_validation.real())})
    def f(A, k, tol=None):
        return A, k, tol

    A, k, tol = f([[1, 2]], np.int64(3), tol=1)
    assert A.dtype == np.float64 and type(k) is int and type(tol) is float
    assert f(np.ones((1, 1)), 1)[2] is None                            # a default is not checked
