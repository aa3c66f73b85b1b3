"""Whole solvers: initialization and the iteration loop behind :func:`nmf`.

Explained in *Gradient descent vs multiplicative update*
(``book/06_gd_vs_mu``), *NMF with scikit-learn* (``book/07_sklearn``) and
*Beyond the multiplicative update* (``book/11_beyond_mu``).
"""

from __future__ import annotations

import numbers
import time
import warnings
from dataclasses import dataclass, field

import numpy as np

from ._validation import (
    check_positive_int,
    check_factor,
    check_n_components,
    check_nonneg_int,
    check_nonnegative,
    check_option,
    check_positive_scalar,
)
from .objective import _loss
from .divergence import BETA_LOSSES, _kl_loss, _kl_mu_H, _kl_mu_W
from .linalg import EPS
from .masked import _masked_loss, _masked_mu_H, _masked_mu_W, masked_data
from .updates import METHODS, _check_rate, _hals_rows, _step

__all__ = ["NMFResult", "initialize", "nmf", "INITS", "SklearnFit", "fit_sklearn"]

#: The initializations :func:`initialize` and :func:`nmf` know.
INITS = ("random", "nndsvd", "nndsvda", "nndsvdar", "custom")


@dataclass
class NMFResult:
    """What :func:`nmf` returns.

    Attributes
    ----------
    W : ndarray of shape (m, k)
        The weights (one row per sample).
    H : ndarray of shape (k, n)
        The components (one row per part).
    losses : ndarray of shape (n_iter + 1,)
        ``‖X − WH‖²_F`` at the start, then after each iteration.
    n_iter : int
        The number of iterations done.
    times : ndarray of shape (n_iter + 1,)
        Cumulative seconds spent in updates (loss evaluations excluded), 0 first.
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
        """The final loss ``‖X − WH‖²_F``."""
        return float(self.losses[-1])


def _seed(random_state):
    """``None`` means seed 0: every run of the book gives the same numbers."""
    if random_state is None:
        return np.random.RandomState(0)
    if isinstance(random_state, np.random.RandomState):
        return random_state
    if isinstance(random_state, (bool, np.bool_)) or not isinstance(random_state, numbers.Integral):
        raise TypeError(f"random_state must be an int, None or a numpy RandomState, got {random_state!r}.")
    if random_state < 0:
        raise ValueError(f"random_state must be a non-negative int, got {random_state}.")
    return np.random.RandomState(int(random_state))


def _nndsvd(X, k, variant, rng):
    """NNDSVD of Boutsidis & Gallopoulos (2008), with an exact SVD."""
    U, S, Vt = np.linalg.svd(X, full_matrices=False)
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
    X : array-like of shape (m, n)
        Non-negative data.
    n_components : int
        The rank k.
    init : {"random", "nndsvd", "nndsvda", "nndsvdar"}
        "random" draws ``sqrt(mean(X) / k) * |N(0, 1)|`` entries, H first and
        then W from ``numpy.random.RandomState(random_state)``, which is exactly
        scikit-learn's random initialization for the same seed. The NNDSVD
        variants follow Boutsidis & Gallopoulos (2008): "nndsvd" leaves zeros
        (which the multiplicative update can never leave), "nndsvda" fills them
        with ``mean(X)``, "nndsvdar" with small random values.
    random_state : int or None
        The seed; ``None`` means 0, so results are reproducible.

    Returns
    -------
    W0 : ndarray of shape (m, k)
    H0 : ndarray of shape (k, n)

    Notes
    -----
    Explained in *NMF with scikit-learn*.
    """
    X = check_nonnegative(X, "X")
    k = check_n_components(n_components)
    init = check_option(init, INITS[:-1], "init")
    return _initialize(X, k, init, _seed(random_state))


def _random_start(mean, m, n, k, rng):
    """``sqrt(mean / k) · |N(0, 1)|`` entries, H drawn first, then W (scikit-learn's order)."""
    avg = np.sqrt(mean / k)
    H = np.abs(avg * rng.standard_normal(size=(k, n)))
    W = np.abs(avg * rng.standard_normal(size=(m, k)))
    return W, H


def _initialize(X, k, init, rng):
    m, n = X.shape
    if init == "random":
        return _random_start(X.mean(), m, n, k, rng)
    if k > min(m, n):
        raise ValueError(
            f"init={init!r} needs n_components <= min(m, n) = {min(m, n)}, got {k}; "
            "use init='random' for more components."
        )
    return _nndsvd(X, k, init, rng)


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
    X : array-like of shape (m, n)
        Non-negative data, rows are samples. Integers are converted to float.
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
    random_state : int or None, default=None
        Seed of the random initialization; ``None`` means 0.
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

    Warns
    -----
    RuntimeWarning
        If "gd" overflows; the result then holds the last finite iterate and
        ``diverged=True``.

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
    method = check_option(method, METHODS, "method")
    beta_loss = check_option(beta_loss, BETA_LOSSES, "beta_loss")
    if beta_loss != "frobenius" and method != "mu":
        raise ValueError(
            f"beta_loss={beta_loss!r} needs method='mu'; method={method!r} minimizes the Frobenius loss only."
        )
    if mask is None:
        try:
            X = check_nonnegative(X, "X")
        except ValueError as exc:
            if "NaN" not in str(exc):
                raise
            raise ValueError(
                f"{exc} If these entries are missing, pass mask=~np.isnan(X) (True where X is observed): "
                "nmf then fits the observed entries only."
            ) from None
        Y = M = None
    else:
        Y, M = masked_data(X, mask)
        if method != "mu" or beta_loss != "frobenius":
            raise ValueError(
                f"mask is supported for method='mu' with beta_loss='frobenius', not method={method!r}, "
                f"beta_loss={beta_loss!r}: masked HALS has no closed-form column update shared by all rows."
            )
        if init not in ("random", "custom"):
            raise ValueError(f"init={init!r} needs a complete X (an SVD); with a mask use init='random' or W0/H0.")
        X = Y
    k = check_n_components(n_components)
    init = check_option(init, INITS, "init")
    max_iter = check_nonneg_int(max_iter, "max_iter")
    tol = check_positive_scalar(tol, "tol", allow_zero=True)
    if learning_rate is not None:
        if method in ("mu", "hals"):
            raise ValueError(
                f"method={method!r} has no learning rate; learning_rate is for 'gd' and 'pgd'."
            )
        learning_rate = _check_rate(learning_rate, (), "learning_rate")
    if isinstance(inner_sweeps, str):
        if inner_sweeps != "auto":
            raise ValueError(f"inner_sweeps must be a positive integer or 'auto', got {inner_sweeps!r}.")
        inner_sweeps = None if method == "hals" else 1
    else:
        inner_sweeps = check_positive_int(inner_sweeps, "inner_sweeps")
        if inner_sweeps != 1 and method != "hals":
            raise ValueError(f"inner_sweeps is for method='hals' only, not {method!r}.")
    m, n = X.shape
    if (W0 is None) != (H0 is None):
        raise ValueError("Pass both W0 and H0, or neither.")
    if W0 is not None:
        if init not in ("random", "custom"):
            raise ValueError(f"W0 and H0 were given, so init must be 'custom', not {init!r}.")
        init = "custom"
        W = check_factor(W0, (m, k), "W0").copy()
        H = check_factor(H0, (k, n), "H0").copy()
    elif init == "custom":
        raise ValueError("init='custom' needs W0 of shape (m, k) and H0 of shape (k, n).")
    elif M is not None:
        W, H = _random_start(Y[M].mean(), m, n, k, _seed(random_state))
    else:
        W, H = _initialize(X, k, init, _seed(random_state))
    if M is not None:
        return _run_masked(Y, M, W, H, init, max_iter, tol, keep_history)
    if beta_loss == "kullback-leibler":
        return _run_kl(X, W, H, init, max_iter, tol, keep_history)
    return _run(X, W, H, method, init, max_iter, tol, learning_rate, keep_history, inner_sweeps)


#: Below this share of ‖X‖²_F the loss is recomputed directly (see :func:`_tracked_loss`).
_DIRECT_BELOW = 1e-4


def _tracked_loss(xx, WtX, WtW, H, HHt):
    """``‖X − WH‖²_F`` from products the update already has: ``‖X‖² − 2⟨WᵀX, H⟩ + ⟨WᵀW, HHᵀ⟩``.

    Costs O(kn + k²) instead of the O(mnk) of forming WH. Each term is about
    ‖X‖² and is summed with a relative error of about 1e-15, so the result is
    off by about 1e-15 ‖X‖²: relative to the loss, below 1e-11 while the loss
    is above ``_DIRECT_BELOW`` ‖X‖². Below that (a nearly exact fit) the
    cancellation would eat the digits, and the loss is computed directly.
    """
    loss = xx - 2.0 * float(np.vdot(WtX, H)) + float(np.vdot(WtW, HHt))
    return loss if loss >= _DIRECT_BELOW * xx else None  # None: evaluate directly


def _mu_iteration(X, W, H, HHt):
    """One MU iteration in place (W, then H with the new W); returns the products the loss needs.

    Same arithmetic as :func:`nmf_teach.updates.mu_update_W` / ``mu_update_H``
    (and scikit-learn): numerator over denominator with exact zeros of the
    denominator replaced by float32 eps, then the factor times that ratio. The
    only temporaries are (m, k), (k, n) and (k, k) arrays.
    """
    num = X @ H.T
    den = W @ HHt
    den[den == 0] = EPS
    num /= den
    W *= num
    WtX = W.T @ X
    WtW = W.T @ W
    den = WtW @ H
    den[den == 0] = EPS
    H *= WtX / den
    return WtX, WtW


def _auto_sweeps(p, q, k):
    """Gillis & Glineur's bound on inner sweeps: 1 + ⌊α ρ⌋ with α = 1/2 and
    ρ = 1 + (products' flops) / (one sweep's flops) = 1 + q/k + q/p for a (p, k)
    factor updated from a (k, q) one."""
    rho = 1.0 + q / k + q / p
    return 1 + int(0.5 * rho)


def _hals_iteration(X, Wt, H, HHt, sweeps, XT):
    """One HALS iteration in place on Wt = Wᵀ (k, m) and H (k, n); returns WᵀX and WᵀW."""
    m, n = X.shape
    _hals_factor(Wt, H @ XT, HHt, sweeps, n)  # H Xᵀ = (X Hᵀ)ᵀ, (k, m)
    WtX = Wt @ X
    WtW = Wt @ Wt.T
    _hals_factor(H, WtX, WtW, sweeps, m)
    return WtX, WtW


def _hals_factor(A, N, G, sweeps, q):
    """HALS sweeps in place over the rows of A (k, p), given N = B Yᵀ (k, p) and G = B Bᵀ (k, k).

    ``sweeps`` an int: exactly that many. ``None``: adaptive (Gillis & Glineur
    2012): stop once a sweep changes A by at most 0.1 × the first sweep's change,
    or after :func:`_auto_sweeps` sweeps (q is the other factor's long dimension).
    """
    if sweeps is not None:
        return _hals_rows(A, N, G, sweeps)
    k, p = A.shape
    limit = _auto_sweeps(p, q, k)
    first = None
    for _ in range(limit):
        before = A.copy()
        _hals_rows(A, N, G, 1)
        before -= A
        change = float(np.vdot(before, before))
        if first is None:
            first = change
        elif change <= 1e-2 * first:  # ‖ΔA‖ ≤ 0.1 ‖ΔA₁‖
            break
    return A


def _run(X, W, H, method, init, max_iter, tol, learning_rate, keep_history, sweeps=1):
    losses = [_loss(X, W, H)]
    times = [0.0]
    history = [(W.copy(), H.copy())] if keep_history else None
    converged = diverged = False
    elapsed = 0.0
    fast = method in ("mu", "hals")
    if fast:
        xx = float(np.vdot(X, X))
        W = np.array(W, dtype=float, order="C")
        H = np.array(H, dtype=float, order="C")
        HHt = H @ H.T
        if method == "hals":
            Wt = np.ascontiguousarray(W.T)
            XT = X.T
    with np.errstate(over="ignore", invalid="ignore"):
        for it in range(1, max_iter + 1):
            t0 = time.perf_counter()
            if method == "mu":
                WtX, WtW = _mu_iteration(X, W, H, HHt)
            elif method == "hals":
                WtX, WtW = _hals_iteration(X, Wt, H, HHt, sweeps, XT)
            else:
                W_new, H_new = _step(X, W, H, method, learning_rate, sweeps)
            elapsed += time.perf_counter() - t0
            if fast:
                HHt = H @ H.T
                new_loss = _tracked_loss(xx, WtX, WtW, H, HHt)
                if new_loss is None:
                    new_loss = _loss(X, Wt.T if method == "hals" else W, H)
            else:
                new_loss = _loss(X, W_new, H_new)
                if not np.isfinite(new_loss):
                    diverged = True
                    warnings.warn(
                        f"method={method!r} diverged at iteration {it}: the loss overflowed "
                        f"(learning_rate={learning_rate}). Returning the last finite iterate; "
                        "lower the learning rate.",
                        RuntimeWarning,
                        stacklevel=3,
                    )
                    break
                W, H = W_new, H_new
            losses.append(new_loss)
            times.append(elapsed)
            if keep_history:
                history.append(((Wt.T if method == "hals" else W).copy(), H.copy()))
            # converged: the loss went down, by less than tol * (start loss); a rise is no convergence
            if tol > 0 and losses[0] > 0 and 0 <= losses[-2] - losses[-1] < tol * losses[0]:
                converged = True
                break
    if method == "hals":
        W = np.ascontiguousarray(Wt.T)
    return NMFResult(
        W=W,
        H=H,
        losses=np.asarray(losses),
        n_iter=len(losses) - 1,
        times=np.asarray(times),
        method=method,
        init=init,
        learning_rate=learning_rate,
        converged=converged,
        diverged=diverged,
        history=history,
    )


def _run_simple(update, objective, W, H, method, init, max_iter, tol, keep_history):
    """The iteration loop of the masked and KL solvers: ``update(W, H)`` in place, then ``objective(W, H)``."""
    W = np.array(W, dtype=float, order="C")
    H = np.array(H, dtype=float, order="C")
    losses, times = [objective(W, H)], [0.0]
    history = [(W.copy(), H.copy())] if keep_history else None
    converged = False
    elapsed = 0.0
    for _ in range(max_iter):
        t0 = time.perf_counter()
        update(W, H)
        elapsed += time.perf_counter() - t0
        losses.append(objective(W, H))
        times.append(elapsed)
        if keep_history:
            history.append((W.copy(), H.copy()))
        if tol > 0 and losses[0] > 0 and 0 <= losses[-2] - losses[-1] < tol * losses[0]:
            converged = True
            break
    return NMFResult(W=W, H=H, losses=np.asarray(losses), n_iter=len(losses) - 1, times=np.asarray(times),
                     method=method, init=init, converged=converged, history=history)


def _run_masked(Y, M, W, H, init, max_iter, tol, keep_history):
    def update(W, H):
        _masked_mu_W(Y, M, W, H)
        _masked_mu_H(Y, M, W, H)

    return _run_simple(update, lambda W, H: _masked_loss(Y, M, W, H), W, H, "mu", init, max_iter, tol,
                       keep_history)


def _run_kl(X, W, H, init, max_iter, tol, keep_history):
    def update(W, H):
        _kl_mu_W(X, W, H)
        _kl_mu_H(X, W, H)

    return _run_simple(update, lambda W, H: _kl_loss(X, W, H), W, H, "mu", init, max_iter, tol, keep_history)


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

    X = check_nonnegative(X, "X")
    k = check_n_components(n_components)
    init = check_option(init, INITS[:-1], "init")
    solver = check_option(solver, ("cd", "mu"), "solver")
    max_iter = check_positive_int(max_iter, "max_iter")
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
