"""float32 in, float32 out (scikit-learn's rule), consistent with float64; integers compute in float64."""

import numpy as np
import pytest
import scipy.sparse as sp

import nmf_teach as nt

KINDS = [dict(method="mu"), dict(method="hals"), dict(method="mu", beta_loss="kullback-leibler"), dict(mask=True)]


@pytest.fixture(scope="module")
def problem():
    X, _, _ = nt.data.planted_nmf(80, 60, 5, noise=0.05, random_state=0)
    W0, H0 = nt.solvers.initialize(X, 5, random_state=0)
    return X, W0, H0


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("kw", KINDS, ids=lambda kw: "-".join(str(v) for v in kw.values()))
def test_float32_in_float32_out_and_consistent_with_float64(problem, kw, sparse):
    X, W0, H0 = problem
    kw = dict(kw)
    if kw.pop("mask", False):
        if sparse:
            pytest.skip("a masked X is dense only")
        kw["mask"] = np.random.RandomState(1).rand(*X.shape) > 0.2
    X32 = X.astype(np.float32)
    ref = nt.solvers.nmf(X, 5, W0=W0, H0=H0, max_iter=200, **kw)
    run = nt.solvers.nmf(sp.csr_matrix(X32) if sparse else X32, 5, W0=W0, H0=H0, max_iter=200, **kw)
    assert run.W.dtype == np.float32 and run.H.dtype == np.float32
    assert ref.W.dtype == np.float64
    assert abs(run.loss - ref.loss) < 1e-4 * ref.loss
    assert np.abs(run.W - ref.W).max() < 1e-3 * ref.W.max()
    assert np.abs(run.H - ref.H).max() < 1e-3 * ref.H.max()
    assert np.all(np.diff(run.losses) <= 1e-5 * run.losses[:-1])  # float32 rounding, no real rise


@pytest.mark.parametrize("init", ["random", "nndsvd", "nndsvda", "nndsvdar"])
def test_starts_come_in_the_dtype_of_x(problem, init):
    X = problem[0].astype(np.float32)
    W, H = nt.solvers.initialize(X, 4, init, random_state=0)
    assert W.dtype == H.dtype == np.float32
    W64, H64 = nt.solvers.initialize(problem[0], 4, init, random_state=0)
    np.testing.assert_allclose(W, W64, rtol=1e-4, atol=1e-6)


def test_integers_and_float16_compute_in_float64():
    counts = (np.arange(60).reshape(10, 6) % 7).astype(np.int64)
    for X in (counts, counts.astype(np.float16), sp.csr_matrix(counts)):
        res = nt.solvers.nmf(X, 2, max_iter=5, random_state=0)
        assert res.W.dtype == res.H.dtype == np.float64


def test_float32_x_with_float64_start_is_cast(problem):
    X, W0, H0 = problem
    res = nt.solvers.nmf(X.astype(np.float32), 5, W0=W0, H0=H0, max_iter=0)
    assert res.W.dtype == np.float32
    np.testing.assert_array_equal(res.W, W0.astype(np.float32))
    assert W0.dtype == np.float64  # the start is copied, not cast in place


def test_bad_float32_entries_get_the_usual_message():
    X = np.ones((3, 3), dtype=np.float32)
    X[1, 2] = -1
    with pytest.raises(ValueError, match=r"X\[1, 2\] = -1"):
        nt.solvers.nmf(X, 2)
    X[1, 2] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        nt.solvers.nmf(X, 2)
