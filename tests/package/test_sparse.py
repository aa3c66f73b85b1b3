"""scipy.sparse X: the same iterates as the dense X, never densified, and clear errors."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.decomposition import non_negative_factorization

import nmf_teach as nt
from nmf_teach import _kernels


@pytest.fixture(scope="module")
def data():
    rng = np.random.RandomState(0)
    D = rng.rand(50, 35)
    D[D < 0.7] = 0.0  # about 30 % stored
    D[3] = 0.0  # an empty row
    W0, H0 = nt.solvers.initialize(D, 4, random_state=1)
    return D, W0, H0


KINDS = [dict(method="mu"), dict(method="mu", beta_loss="kullback-leibler"), dict(method="hals"),
         dict(method="hals", inner_sweeps=1)]


@pytest.mark.parametrize("fmt", ["csr", "csc", "coo"])
@pytest.mark.parametrize("kw", KINDS, ids=lambda kw: "-".join(str(v) for v in kw.values()))
def test_sparse_iterates_equal_the_dense_ones(data, fmt, kw):
    D, W0, H0 = data
    S = sp.random(1, 1).asformat(fmt).__class__(D)
    dense = nt.solvers.nmf(D, 4, W0=W0, H0=H0, max_iter=60, keep_history=True, **kw)
    sparse = nt.solvers.nmf(S, 4, W0=W0, H0=H0, max_iter=60, keep_history=True, **kw)
    for (Wd, Hd), (Ws, Hs) in zip(dense.history, sparse.history):
        np.testing.assert_allclose(Ws, Wd, rtol=0, atol=1e-10 * Wd.max())
        np.testing.assert_allclose(Hs, Hd, rtol=0, atol=1e-10 * Hd.max())
    np.testing.assert_allclose(sparse.losses, dense.losses, rtol=1e-10)
    assert sp.issparse(S) and S.format == fmt  # the caller's X is not converted in place


def test_sparse_mu_and_cd_agree_with_scikit_learn_on_sparse_x(data):
    D, W0, H0 = data
    S = sp.csr_matrix(D)
    for method, solver in (("mu", "mu"), ("hals", "cd")):
        kw = {"inner_sweeps": 1} if method == "hals" else {}
        ours = nt.solvers.nmf(S, 4, method=method, W0=W0, H0=H0, max_iter=40, **kw)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            W, H, _ = non_negative_factorization(S, W=W0.copy(), H=H0.copy(), n_components=4, init="custom",
                                                 solver=solver, tol=0, max_iter=40, alpha_W=0.0)
        np.testing.assert_allclose(ours.W, W, rtol=1e-8, atol=1e-10)
        np.testing.assert_allclose(ours.H, H, rtol=1e-8, atol=1e-10)


def test_kl_on_sparse_x_agrees_with_scikit_learn(data):
    D, W0, H0 = data
    # CSR: scikit-learn 1.x pairs the values of a CSC X with those of WH in CSR order (its
    # _special_sparse_dot returns CSR), so its KL iterates on a CSC X differ from its dense ones; ours do not
    ours = nt.solvers.nmf(sp.csr_matrix(D), 4, beta_loss="kullback-leibler", W0=W0, H0=H0, max_iter=30)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        W, H, _ = non_negative_factorization(sp.csr_matrix(D), W=W0.copy(), H=H0.copy(), n_components=4,
                                             init="custom", solver="mu", beta_loss="kullback-leibler", tol=0,
                                             max_iter=30, alpha_W=0.0)
    np.testing.assert_allclose(ours.W, W, rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(ours.H, H, rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize("init", ["random", "nndsvd", "nndsvda", "nndsvdar"])
def test_initializations_on_sparse_x(data, init):
    D, _, _ = data
    Wd, Hd = nt.solvers.initialize(D, 4, init, random_state=0)
    Ws, Hs = nt.solvers.initialize(sp.csr_matrix(D), 4, init, random_state=0)
    np.testing.assert_allclose(Ws, Wd, atol=1e-9)  # the truncated SVD gives the exact one's leading triplets
    np.testing.assert_allclose(Hs, Hd, atol=1e-9)


def test_the_direct_sparse_loss_is_the_dense_loss(data):
    D, W0, H0 = data
    S = sp.csr_matrix(D)
    direct = _kernels.frobenius_loss(S, W0, H0, _kernels.coords(S))
    assert direct == pytest.approx(nt.objective.loss(D, W0, H0), rel=1e-12)
    W, H = nt.solvers.initialize(D, 4, "nndsvda")
    exact = sp.csr_matrix(W @ H)  # an exact fit: the loss is 0, computed from the stored entries
    assert _kernels.frobenius_loss(exact, W, H, _kernels.coords(exact)) < 1e-20 * (W @ H).max() ** 2
    tiny = sp.csr_matrix(W @ H + 1e-9 * (D > 0))  # near an exact fit the driver falls back to it
    run = nt.solvers.nmf(tiny, 4, W0=W, H0=H, max_iter=3)
    ref = nt.solvers.nmf(tiny.toarray(), 4, W0=W, H0=H, max_iter=3)
    np.testing.assert_allclose(run.losses, ref.losses, rtol=1e-6, atol=1e-24)


def test_sparse_x_is_never_densified(data, monkeypatch):
    D, W0, H0 = data
    S = sp.csr_matrix(D)
    for name in ("toarray", "todense", "__array__"):
        monkeypatch.setattr(sp.csr_matrix, name, lambda *a, **k: pytest.fail("X was densified"), raising=False)
        monkeypatch.setattr(sp.csc_matrix, name, lambda *a, **k: pytest.fail("X was densified"), raising=False)
    for kw in KINDS:
        nt.solvers.nmf(S, 4, W0=W0, H0=H0, max_iter=3, **kw)
    nt.solvers.nmf(S, 4, init="nndsvda", max_iter=3)


@pytest.mark.parametrize("X, kwargs, error, match", [
    (sp.csr_matrix(np.array([[1.0, -2.0], [0.0, 1.0]])), {}, ValueError,
     r"1 negative stored entries; the first is X\[0, 1\] = -2"),
    (sp.csc_matrix(np.array([[1.0, 0.0], [np.nan, 1.0]])), {}, ValueError,
     r"1 NaN or infinite stored entries; the first is X\[1, 0\] = nan"),
    (sp.csr_matrix((0, 3)), {}, ValueError, "empty"),
    (sp.csr_matrix(np.eye(3)), {"method": "gd"}, TypeError, "method='gd' needs a dense array"),
    (sp.csr_matrix(np.eye(3)), {"method": "pgd"}, TypeError, "method='pgd' needs a dense array"),
    (sp.csr_matrix(np.eye(3)), {"mask": np.ones((3, 3), bool)}, TypeError, "masked X must be a dense array"),
    (sp.csr_matrix(np.eye(3)), {"init": "nndsvda", "n_components": 3}, ValueError, "n_components < min"),
    (sp.csr_matrix(np.eye(3).astype(complex)), {}, TypeError, "complex"),
])
def test_bad_sparse_input_gets_a_clear_error(X, kwargs, error, match):
    kwargs = {"n_components": 2, **kwargs}
    with pytest.raises(error, match=match):
        nt.solvers.nmf(X, **kwargs)


def test_duplicates_are_summed_on_a_copy():
    S = sp.coo_matrix((np.array([1.0, 2.0, 3.0]), (np.array([0, 0, 1]), np.array([1, 1, 0]))), shape=(2, 3)).tocsr()
    S.has_canonical_format = False
    S.data[:] = [1.0, 2.0, 3.0][:S.data.size]
    dense = S.toarray()
    W0, H0 = np.ones((2, 1)), np.ones((1, 3))
    run = nt.solvers.nmf(S, 1, W0=W0, H0=H0, max_iter=5)
    ref = nt.solvers.nmf(dense, 1, W0=W0, H0=H0, max_iter=5)
    np.testing.assert_allclose(run.losses, ref.losses, rtol=1e-12)
