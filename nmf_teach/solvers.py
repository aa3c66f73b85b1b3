"""Whole solvers: initialization and the iteration loop behind :func:`nmf`.

Explained in *Gradient descent vs multiplicative update*
(``book/06_gd_vs_mu``), *NMF with scikit-learn* (``book/07_sklearn``) and
*Beyond the multiplicative update* (``book/11_beyond_mu``).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np

from . import _kernels as K
from ._kernels import auto_sweeps as _auto_sweeps  # noqa: F401  (tests read the rule from here)
from ._validation import (
    validate_data,
    validate_factor,
    validate_learning_rate,
    validate_n_components,
    validate_nonneg_int,
    validate_nonnegative,
    validate_option,
    validate_positive_int,
    validate_positive_scalar,
    validate_random_state,
)
from .divergence import BETA_LOSSES
from .masked import masked_data
from .updates import METHODS

__all__ = ["NMFResult", "initialize", "nmf", "INITS", "SklearnFit", "fit_sklearn"]

#: The initializations :func:`initialize` and :func:`nmf` know.
INITS = ("random", "nndsvd", "nndsvda", "nndsvdar", "custom")


@dataclass
class NMFResult:
    """What :func:`nmf` returns.

    Attributes
    ----------
    W : ndarray of shape (m, k)
        The weights (one row per sample), in X's dtype (float32 or float64).
    H : ndarray of shape (k, n)
        The components (one row per part), in X's dtype.
    losses : ndarray of shape (n_iter + 1,)
        The loss that was minimized, at the start and then after each
        iteration: ``‖X − WH‖²_F`` (``beta_loss="frobenius"``, the default),
        the generalized Kullback–Leibler divergence ``D(X ‖ WH)``
        (``beta_loss="kullback-leibler"``, see :func:`nmf_teach.divergence.kl_loss`),
        or the observed loss ``‖M ∘ (X − WH)‖²_F`` (with a ``mask``, see
        :func:`nmf_teach.masked.masked_loss`). Always float64.
    n_iter : int
        The number of iterations done.
    times : ndarray of shape (n_iter + 1,)
        Cumulative seconds spent in updates (direct loss evaluations excluded), 0 first.
    method, init : str
        What was run.
    learning_rate : float or None
        The fixed step of "gd" / "pgd"; None for the safe Lipschitz steps.
    converged : bool
        True if the run stopped because the relative decrease fell below ``tol``.
    diverged : bool
        True if gradient descent overflowed; W, H and losses then stop at the
        last finite iterate.
    history : list of (W, H) or None
        Every iterate, starting with the initial one, if ``keep_history=True``.
    """

    W: np.ndarray
    H: np.ndarray
    losses: np.ndarray
    n_iter: int
    times: np.ndarray
    method: str
    init: str
    learning_rate: float | None = None
    converged: bool = False
    diverged: bool = False
    history: list | None = field(default=None, repr=False)

    @property
    def loss(self):
        """The final loss, ``losses[-1]`` (Frobenius, KL or masked: see ``losses``)."""
        return float(self.losses[-1])


def _svd(X, k):
    """The k leading singular triplets, largest first: exact for a dense X, ``scipy.sparse.linalg.svds``
    for a sparse one (X is never densified; its start vector is fixed, so the result is reproducible)."""
    if K.is_sparse(X):
        from scipy.sparse.linalg import svds

        v0 = np.full(min(X.shape), 1.0 / np.sqrt(min(X.shape)))
        U, S, Vt = svds(X.astype(np.float64), k=k, v0=v0)
        order = np.argsort(S)[::-1]
        return U[:, order], S[order], Vt[order]
    U, S, Vt = np.linalg.svd(X, full_matrices=False)
    return U, S, Vt


def _nndsvd(X, k, variant, rng):
    """NNDSVD of Boutsidis & Gallopoulos (2008), with an exact SVD (a truncated one for sparse X)."""
    U, S, Vt = _svd(X, k)
    W = np.zeros((X.shape[0], k))
    H = np.zeros((k, X.shape[1]))
    W[:, 0] = np.sqrt(S[0]) * np.abs(U[:, 0])
    H[0, :] = np.sqrt(S[0]) * np.abs(Vt[0, :])
    for j in range(1, k):
        x, y = U[:, j], Vt[j, :]
        xp, xn = np.maximum(x, 0), np.abs(np.minimum(x, 0))
        yp, yn = np.maximum(y, 0), np.abs(np.minimum(y, 0))
        mp = np.linalg.norm(xp) * np.linalg.norm(yp)
        mn = np.linalg.norm(xn) * np.linalg.norm(yn)
        if mp > mn:
            u, v, sigma = xp / np.linalg.norm(xp), yp / np.linalg.norm(yp), mp
        elif mn > 0:
            u, v, sigma = xn / np.linalg.norm(xn), yn / np.linalg.norm(yn), mn
        else:
            continue
        lam = np.sqrt(S[j] * sigma)
        W[:, j] = lam * u
        H[j, :] = lam * v
    W[W < 1e-6] = 0.0
    H[H < 1e-6] = 0.0
    if variant == "nndsvda":
        avg = X.mean()
        W[W == 0] = avg
        H[H == 0] = avg
    elif variant == "nndsvdar":
        avg = X.mean()
        W[W == 0] = np.abs(avg * rng.standard_normal(int((W == 0).sum())) / 100)
        H[H == 0] = np.abs(avg * rng.standard_normal(int((H == 0).sum())) / 100)
    return W, H


def initialize(X, n_components, init="random", *, random_state=None):
    """Starting factors W0, H0 for NMF.

    Parameters
    ----------
    X : array-like or scipy sparse matrix of shape (m, n)
        Non-negative data. A sparse X is never densified (the NNDSVD variants
        then use the truncated SVD ``scipy.sparse.linalg.svds``).
    n_components : int
        The rank k.
    init : {"random", "nndsvd", "nndsvda", "nndsvdar"}
        "random" draws ``sqrt(mean(X) / k) * |N(0, 1)|`` entries, H first and
        then W from ``numpy.random.RandomState(random_state)``, which is exactly
        scikit-learn's random initialization for the same seed. The NNDSVD
        variants follow Boutsidis & Gallopoulos (2008): "nndsvd" leaves zeros
        (which the multiplicative update can never leave), "nndsvda" fills them
        with ``mean(X)``, "nndsvdar" with small random values.
    random_state : None, int or numpy.random.Generator
        The seed (:func:`nmf_teach._validation.validate_random_state`): ``None`` is
        fresh randomness, an int ``s`` is ``numpy.random.RandomState(s)``, the
        generator scikit-learn uses, so the start equals scikit-learn's.

    Returns
    -------
    W0 : ndarray of shape (m, k)
    H0 : ndarray of shape (k, n)
        In X's dtype (float32 for float32 data, else float64).

    Notes
    -----
    Explained in *NMF with scikit-learn*.
    """
    X = validate_data(X, "X", accept_sparse=True)
    k = validate_n_components(n_components)
    init = validate_option(init, INITS[:-1], "init")
    return _initialize(X, k, init, validate_random_state(random_state))


def _initialize(X, k, init, rng):
    m, n = X.shape
    if init == "random":
        return K.random_start(X.mean(), m, n, k, rng, X.dtype)
    if k > min(m, n):
        raise ValueError(
            f"init={init!r} needs n_components <= min(m, n) = {min(m, n)}, got {k}; "
            "use init='random' for more components."
        )
    if K.is_sparse(X) and k == min(m, n):
        raise ValueError(
            f"init={init!r} on a sparse X needs n_components < min(m, n) = {min(m, n)} (a truncated SVD, "
            f"scipy.sparse.linalg.svds), got {k}; use init='random', or pass X.toarray() for a full SVD."
        )
    W, H = _nndsvd(X, k, init, rng)
    return W.astype(X.dtype, copy=False), H.astype(X.dtype, copy=False)


def _validate_mu_start(X, W, H, names):
    """Refuse a start with ``WH = 0`` for an X that is not all zero: a fixed point of every multiplicative update.

    (For X = 0 the zero start is the exact fit, and is kept.)
    """
    if float(W.sum(axis=0, dtype=np.float64) @ H.sum(axis=1, dtype=np.float64)) > 0:
        return
    if not (X.data if K.is_sparse(X) else X).any():
        return
    zero = [name for name, F in zip(names, (W, H)) if not F.any()]
    why = f"{' and '.join(zero)} {'is' if len(zero) == 1 else 'are'} all zero" if zero else \
        f"every column of {names[0]} that is not zero meets a zero row of {names[1]}"
    raise ValueError(
        f"The start has {names[0]} @ {names[1]} = 0 ({why}): a fixed point of the multiplicative update, "
        "which multiplies each entry by a ratio whose numerator is then 0, so nothing would ever change. "
        "Start from factors with positive entries, e.g. init='random' or init='nndsvda'."
    )


def nmf(
    X,
    n_components,
    *,
    method="mu",
    init="random",
    W0=None,
    H0=None,
    max_iter=200,
    tol=0.0,
    random_state=None,
    learning_rate=None,
    inner_sweeps="auto",
    keep_history=False,
    beta_loss="frobenius",
    mask=None,
):
    """Factor a non-negative X (m, n) as W (m, k) times H (k, n).

    Minimizes ``‖X − WH‖²_F`` by alternating updates: W with the old H, then H
    with the new W.

    Parameters
    ----------
    X : array-like or scipy sparse matrix of shape (m, n)
        Non-negative data, rows are samples. float32 data is computed in
        float32 and gives float32 W and H (as scikit-learn does); other dtypes
        (integers too) are computed in float64. A ``scipy.sparse`` X (CSR or
        CSC; other formats are converted to CSR) is accepted by "mu"
        (Frobenius and KL) and "hals" and is never densified: the products
        with X are sparse, the KL ratio ``X ⊘ WH`` is formed only at X's
        stored entries, and the iterates are those of the dense X.
    n_components : int
        The rank k.
    method : {"mu", "gd", "pgd", "hals"}, default="mu"
        "mu": Lee & Seung's multiplicative update. "gd": plain gradient descent
        (entries can go negative). "pgd": projected gradient descent (clip at 0
        after each step). "hals": hierarchical alternating least squares.
    init : {"random", "nndsvd", "nndsvda", "nndsvdar", "custom"}, default="random"
        How to start; see :func:`initialize`. "custom" uses ``W0`` and ``H0``,
        and passing both selects it when ``init`` is left at "random".
    W0 : array-like of shape (m, k), optional
    H0 : array-like of shape (k, n), optional
        The starting factors, copied, never changed in place.
    max_iter : int, default=200
        The number of iterations (0 returns the start).
    tol : float, default=0.0
        Stop early once an iteration lowers the loss by less than
        ``tol * losses[0]`` (an iteration that raises the loss, as gradient
        descent with a long step can, never counts as converged); 0 runs all
        ``max_iter`` iterations.
    random_state : None, int or numpy.random.Generator, default=None
        The random initialization's generator
        (:func:`nmf_teach._validation.validate_random_state`, scikit-learn's rule):
        ``None`` is fresh randomness, an int ``s`` is
        ``numpy.random.RandomState(s)``, so the start equals scikit-learn's for
        the same seed. Pass an int to reproduce a run.
    learning_rate : float, optional
        The fixed step of "gd" and "pgd"; ``None`` uses the safe steps
        ``1 / (2‖HHᵀ‖₂)`` and ``1 / (2‖WᵀW‖₂)`` recomputed each iteration.
    inner_sweeps : int or "auto", default="auto"
        For "hals" only: how many sweeps over the columns of W (then the rows of
        H) reuse the same products ``XHᵀ``, ``HHᵀ`` (then ``WᵀX``, ``WᵀW``) in
        one iteration, as in the accelerated HALS of Gillis & Glineur (2012).
        1 is plain HALS, whose iterates equal scikit-learn's "cd" solver.
        "auto" (their rule) sweeps again while a sweep still changes the factor
        by more than a tenth of what the first sweep changed, at most
        ``1 + ⌊ρ/2⌋`` times, where ρ is the cost of the products in units of
        one sweep (ρ = 1 + n/k + n/m for W).
    keep_history : bool, default=False
        Keep every iterate in ``result.history`` (for figures and widgets).
    beta_loss : {"frobenius", "kullback-leibler"}, default="frobenius"
        The loss: ``‖X − WH‖²_F``, or the generalized Kullback–Leibler
        divergence ``D(X ‖ WH)`` (:mod:`nmf_teach.divergence`), for
        ``method="mu"`` only; then ``losses`` hold the divergence and the
        iterates equal scikit-learn's ``NMF(solver="mu",
        beta_loss="kullback-leibler")`` from the same start.
    mask : array-like of bool of shape (m, n), optional
        True where X is observed (:mod:`nmf_teach.masked`). Entries of X where
        it is False are ignored and may be NaN; the loss is
        ``‖M ∘ (X − WH)‖²_F`` and ``losses`` report it. For ``method="mu"``
        with the Frobenius loss, and ``init="random"`` (scaled by the mean of
        the observed entries) or a custom start. Without ``mask`` nothing changes.

    Returns
    -------
    NMFResult
        With ``.W``, ``.H``, ``.losses`` (start, then one per iteration),
        ``.n_iter`` and ``.times``.

    Raises
    ------
    ValueError
        For "mu" (any loss, masked too), if the start has ``WH = 0`` (an
        all-zero W0 or H0, say) while X is not all zero: that is a fixed point
        of the multiplicative update, which could never leave it. Also on bad
        arguments, with a message that says which and why.
    TypeError
        For a sparse X with "gd", "pgd" or a ``mask``.

    Warns
    -----
    RuntimeWarning
        If "gd" overflows; the result then holds the last finite iterate and
        ``diverged=True``.
    UserWarning
        For ``init="nndsvd"`` with "mu": its zeros stay zero (use "nndsvda").

    Notes
    -----
    Explained in *Gradient descent vs multiplicative update*; the "mu" method
    gives the same W and H as scikit-learn's
    ``NMF(solver="mu", init="custom", tol=0)`` from the same start.

    References
    ----------
    Lee, D. D., & Seung, H. S. (2001). Algorithms for non-negative matrix
    factorization. NIPS 13.
    Gillis, N., & Glineur, F. (2012). Accelerated multiplicative updates and
    hierarchical ALS algorithms for nonnegative matrix factorization. Neural
    Computation, 24(4).
    """
    method = validate_option(method, METHODS, "method")
    beta_loss = validate_option(beta_loss, BETA_LOSSES, "beta_loss")
    if beta_loss != "frobenius" and method != "mu":
        raise ValueError(
            f"beta_loss={beta_loss!r} needs method='mu'; method={method!r} minimizes the Frobenius loss only."
        )
    if mask is None:
        try:
            X = validate_data(X, "X", accept_sparse=method in ("mu", "hals"), what=f"method={method!r}")
        except ValueError as exc:
            if "NaN" not in str(exc):
                raise
            raise ValueError(
                f"{exc} If these entries are missing, pass mask=~np.isnan(X) (True where X is observed): "
                "nmf then fits the observed entries only."
            ) from None
        Y = M = None
    else:
        if K.is_sparse(X):
            raise TypeError(
                "A masked X must be a dense array (NaN allowed where unobserved); a scipy sparse X with a "
                "mask is not supported. Pass X.toarray(), or drop the mask to fit every entry of the sparse X."
            )
        Y, M = masked_data(X, mask)
        if method != "mu" or beta_loss != "frobenius":
            raise ValueError(
                f"mask is supported for method='mu' with beta_loss='frobenius', not method={method!r}, "
                f"beta_loss={beta_loss!r}: masked HALS has no closed-form column update shared by all rows."
            )
        if init not in ("random", "custom"):
            raise ValueError(f"init={init!r} needs a complete X (an SVD); with a mask use init='random' or W0/H0.")
        X = Y
    k = validate_n_components(n_components)
    init = validate_option(init, INITS, "init")
    max_iter = validate_nonneg_int(max_iter, "max_iter")
    tol = validate_positive_scalar(tol, "tol", allow_zero=True)
    if learning_rate is not None:
        if method in ("mu", "hals"):
            raise ValueError(
                f"method={method!r} has no learning rate; learning_rate is for 'gd' and 'pgd'."
            )
        learning_rate = validate_learning_rate(learning_rate, (), "learning_rate")
    if isinstance(inner_sweeps, str):
        if inner_sweeps != "auto":
            raise ValueError(f"inner_sweeps must be a positive integer or 'auto', got {inner_sweeps!r}.")
        inner_sweeps = None if method == "hals" else 1
    else:
        inner_sweeps = validate_positive_int(inner_sweeps, "inner_sweeps")
        if inner_sweeps != 1 and method != "hals":
            raise ValueError(f"inner_sweeps is for method='hals' only, not {method!r}.")
    rng = validate_random_state(random_state)
    m, n = X.shape
    dtype = X.dtype
    if (W0 is None) != (H0 is None):
        raise ValueError("Pass both W0 and H0, or neither.")
    if W0 is not None:
        if init not in ("random", "custom"):
            raise ValueError(f"W0 and H0 were given, so init must be 'custom', not {init!r}.")
        init = "custom"
        W = np.array(validate_factor(W0, (m, k), "W0"), dtype=dtype, order="C")
        H = np.array(validate_factor(H0, (k, n), "H0"), dtype=dtype, order="C")
    elif init == "custom":
        raise ValueError("init='custom' needs W0 of shape (m, k) and H0 of shape (k, n).")
    elif M is not None:
        W, H = K.random_start(Y[M].mean(), m, n, k, rng, dtype)
    else:
        W, H = _initialize(X, k, init, rng)
    W = np.array(W, dtype=dtype, order="C")
    H = np.array(H, dtype=dtype, order="C")
    if method == "mu":
        _validate_mu_start(X, W, H, ("W0", "H0") if init == "custom" else ("W", "H"))
        if init == "nndsvd":
            warnings.warn(
                "init='nndsvd' leaves zeros in W and H, and the multiplicative update (method='mu') can never "
                "change an entry that is 0, so those entries stay 0 and the fit is poorer. "
                "Use init='nndsvda' or 'nndsvdar' instead (their zeros are filled), or method='hals'.",
                UserWarning,
                stacklevel=2,
            )
    if M is not None:
        kernel = K.MaskedMU(Y, M, W, H)
    elif beta_loss == "kullback-leibler":
        kernel = K.KLMU(X, W, H)
    elif method == "mu":
        kernel = K.MU(X, W, H)
    elif method == "hals":
        kernel = K.HALS(X, W, H, inner_sweeps)
    else:
        kernel = K.GD(X, W, H, method, learning_rate)
    run = K.iterate(kernel, max_iter, tol, keep_history, warn_detail=f" (learning_rate={learning_rate})")
    W, H = kernel.factors()
    return NMFResult(W=np.ascontiguousarray(W), H=H, losses=run["losses"], n_iter=run["n_iter"],
                     times=run["times"], method=method, init=init, learning_rate=learning_rate,
                     converged=run["converged"], diverged=run["diverged"], history=run["history"])


@dataclass
class SklearnFit:
    """What :func:`fit_sklearn` returns.

    Attributes
    ----------
    W : ndarray of shape (m, k)
    H : ndarray of shape (k, n)
    n_iter : int
        The iterations scikit-learn ran.
    converged : bool
        False if the fit stopped at ``max_iter`` (scikit-learn's
        ConvergenceWarning, caught here and reported by this flag instead).
    """

    W: np.ndarray
    H: np.ndarray
    n_iter: int
    converged: bool

    def __iter__(self):
        """Unpack as ``W, H = fit_sklearn(...)``."""
        return iter((self.W, self.H))


def fit_sklearn(X, n_components, *, init="nndsvda", solver="cd", alpha_W=0.0, alpha_H="same", l1_ratio=0.0,
                tol=1e-4, max_iter=200, random_state=0):
    """Fit scikit-learn's :class:`sklearn.decomposition.NMF` and return its factors.

    The one scikit-learn wrapper the chapters share: a seeded fit with the
    options the book varies, and the ConvergenceWarning turned into a flag.

    Parameters
    ----------
    X : array-like of shape (m, n)
        Non-negative data.
    n_components : int
        The rank k.
    init : {"random", "nndsvd", "nndsvda", "nndsvdar"}, default="nndsvda"
    solver : {"cd", "mu"}, default="cd"
    alpha_W, alpha_H, l1_ratio : float
        scikit-learn's penalties (see :mod:`nmf_teach.regularization`).
    tol : float, default=1e-4
    max_iter : int, default=200
    random_state : int, default=0
        The seed (for ``init="random"`` and "nndsvdar").

    Returns
    -------
    SklearnFit
        ``.W`` (m, k), ``.H`` (k, n), ``.n_iter``, ``.converged``; unpacks as
        ``W, H``.

    Notes
    -----
    Used in *Regularization*, *The pizza example* and *Non-uniqueness*.
    """
    from sklearn.decomposition import NMF
    from sklearn.exceptions import ConvergenceWarning

    X = validate_nonnegative(X, "X")
    k = validate_n_components(n_components)
    init = validate_option(init, INITS[:-1], "init")
    solver = validate_option(solver, ("cd", "mu"), "solver")
    max_iter = validate_positive_int(max_iter, "max_iter")
    model = NMF(n_components=k, init=init, solver=solver, alpha_W=alpha_W, alpha_H=alpha_H, l1_ratio=l1_ratio,
                tol=tol, max_iter=max_iter, random_state=random_state)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        W = model.fit_transform(X)
    stopped = any(issubclass(w.category, ConvergenceWarning) for w in caught)
    for w in caught:
        if not issubclass(w.category, ConvergenceWarning):
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    return SklearnFit(W=W, H=model.components_, n_iter=int(model.n_iter_), converged=not stopped)
