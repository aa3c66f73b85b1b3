"""Masked NMF (missing entries): agreement with the unmasked solver, no leak from unobserved
entries, the never-increasing observed loss, empty rows and columns, and bad input."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import nmf_teach as nt
from nmf_teach.masked import masked_loss, masked_mu_update_H, masked_mu_update_W


def naive_masked_loss(X, W, H, M):
    total = 0.0
    for i in range(X.shape[0]):
        for j in range(X.shape[1]):
            if M[i, j]:
                total += (X[i, j] - W[i] @ H[:, j]) ** 2
    return total


@pytest.fixture
def problem():
    X, _, _ = nt.data.planted_nmf(15, 12, 3, noise=0.1, random_state=0)
    M = np.random.RandomState(1).rand(*X.shape) < 0.6
    W0, H0 = nt.solvers.initialize(X, 3, random_state=2)
    return X, M, W0, H0


def test_masked_loss_against_loops(problem):
    X, M, W0, H0 = problem
    assert masked_loss(X, W0, H0, M) == pytest.approx(naive_masked_loss(X, W0, H0, M), rel=1e-12)


@pytest.mark.parametrize("shape, k", [((15, 12), 3), ((7, 20), 2), ((30, 5), 4)])
def test_all_true_mask_gives_the_unmasked_solver(shape, k):
    X = np.random.RandomState(0).rand(*shape)
    W0, H0 = nt.solvers.initialize(X, k, random_state=1)
    a = nt.solvers.nmf(X, k, W0=W0, H0=H0, max_iter=60, mask=np.ones(shape, bool))
    b = nt.solvers.nmf(X, k, W0=W0, H0=H0, max_iter=60)
    np.testing.assert_allclose(a.W, b.W, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(a.H, b.H, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(a.losses, b.losses, rtol=1e-10)


@pytest.mark.parametrize("fill", [np.nan, 0.0, 1e6])
def test_unobserved_values_have_no_influence(problem, fill):
    X, M, W0, H0 = problem
    ref = nt.solvers.nmf(np.where(M, X, 0.5), 3, W0=W0, H0=H0, max_iter=40, mask=M)
    res = nt.solvers.nmf(np.where(M, X, fill), 3, W0=W0, H0=H0, max_iter=40, mask=M)
    assert np.array_equal(res.W, ref.W) and np.array_equal(res.H, ref.H)
    assert np.array_equal(res.losses, ref.losses)


def test_random_start_uses_the_observed_mean(problem):
    X, M, _, _ = problem
    a = nt.solvers.nmf(np.where(M, X, np.nan), 3, mask=M, max_iter=0, random_state=4)
    rng = np.random.RandomState(4)
    avg = np.sqrt(X[M].mean() / 3)
    H = np.abs(avg * rng.standard_normal((3, X.shape[1])))
    W = np.abs(avg * rng.standard_normal((X.shape[0], 3)))
    np.testing.assert_allclose(a.W, W) and np.testing.assert_allclose(a.H, H)


def test_updates_are_the_masked_formulas(problem):
    X, M, W, H = problem
    Y = np.where(M, X, 0)
    W1 = masked_mu_update_W(X, W, H, M)
    np.testing.assert_allclose(W1, W * (Y @ H.T) / ((M * (W @ H)) @ H.T))
    H1 = masked_mu_update_H(X, W1, H, M)
    np.testing.assert_allclose(H1, H * (W1.T @ Y) / (W1.T @ (M * (W1 @ H))))


def test_empty_row_and_column_are_handled(problem):
    X, M, W0, H0 = problem
    M = M.copy()
    M[2, :] = False
    M[:, 5] = False
    res = nt.solvers.nmf(np.where(M, X, np.nan), 3, W0=W0, H0=H0, mask=M, max_iter=30)
    assert np.all(np.isfinite(res.W)) and np.all(np.isfinite(res.H))
    assert np.allclose(res.W[2], 0) and np.allclose(res.H[:, 5], 0)  # nothing observed: nothing kept
    assert np.all(np.diff(res.losses) <= 1e-12 * res.losses[:-1])


nonneg = arrays(np.float64, st.tuples(st.integers(2, 8), st.integers(2, 8)),
                elements=st.floats(0, 1, allow_nan=False, allow_infinity=False))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(X=nonneg, k=st.integers(1, 4), scale=st.sampled_from([1e-3, 1.0, 1e3]), share=st.floats(0.1, 1.0),
       seed=st.integers(0, 2**16))
def test_observed_loss_never_increases(X, k, scale, share, seed):
    X = X * scale
    M = np.random.RandomState(seed).rand(*X.shape) < share
    M[0, 0] = True
    res = nt.solvers.nmf(np.where(M, X, np.nan), k, mask=M, max_iter=30, random_state=seed)
    assert np.all(np.isfinite(res.losses)) and (res.W >= 0).all() and (res.H >= 0).all()
    assert np.all(np.diff(res.losses) <= 1e-9 * res.losses[:-1] + 1e-12 * scale ** 2)


BAD = [
    (dict(mask=None), np.nan, ValueError, r"NaN or infinite entries; the first is X\[\d+, \d+\] = nan\. If these entries are missing, pass mask=~np.isnan\(X\)"),
    (dict(mask="float"), 0.0, TypeError, r"mask must be a boolean array"),
    (dict(mask="short"), 0.0, ValueError, r"mask has shape \(3, 12\) but X has shape \(15, 12\)"),
    (dict(mask="none"), 0.0, ValueError, r"mask has no True entry"),
    (dict(mask="nan_observed"), 0.0, ValueError, r"NaN or infinite entries where mask is True.*X\[0, 0\]"),
    (dict(mask="negative_observed"), 0.0, ValueError, r"negative observed entries; the first is X\[0, 0\] = -1"),
    (dict(mask="ok", method="hals"), 0.0, ValueError, r"mask is supported for method='mu'"),
    (dict(mask="ok", init="nndsvd"), 0.0, ValueError, r"init='nndsvd' needs a complete X"),
]


@pytest.mark.parametrize("kw, fill, error, match", BAD)
def test_bad_input(problem, kw, fill, error, match):
    X, M, _, _ = problem
    X = np.where(M, X, fill)
    M = M.copy()
    M[0, 0] = True
    masks = {None: None, "float": M.astype(float), "short": M[:3], "none": np.zeros_like(M), "ok": M,
             "nan_observed": M, "negative_observed": M}
    kw = dict(kw)
    kind = kw.pop("mask")
    if kind == "nan_observed":
        X[0, 0] = np.nan
    if kind == "negative_observed":
        X[0, 0] = -1.0
    with pytest.raises(error, match=match):
        nt.solvers.nmf(X, 3, mask=masks[kind], **kw)
