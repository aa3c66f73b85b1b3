"""The update kernels and the one iteration driver behind every NMF solver of :mod:`nmf_teach`.

Unchecked arithmetic on validated arrays: the public functions of
:mod:`nmf_teach.updates`, :mod:`nmf_teach.solvers`, :mod:`nmf_teach.masked`,
:mod:`nmf_teach.divergence`, :mod:`nmf_teach.distributed` and
:mod:`nmf_teach.rank_selection` check their input and call what is here.

- :func:`guarded_divide`: ``N ⊘ D`` with exact zeros of D replaced by float32
  eps, as scikit-learn does: the only place the guard is written.
- One kernel per update rule, written for a factor ``A`` (p, k) in place:
  W is ``A = W``, H is ``A = Hᵀ`` (a view), as scikit-learn's coordinate
  descent updates H by transposition:
  :func:`mu_factor` (Lee & Seung's Frobenius rule), :func:`hals_rows` and
  :func:`hals_factor` (HALS, on the rows of a (k, p) factor), :func:`masked_mu_factor`
  (missing entries), :func:`kl_mu_factor` (Kullback–Leibler).
- The products with X, dense or ``scipy.sparse`` (never densified):
  :func:`dot_XB`, :func:`dot_AX`, :func:`sqnorm`, :func:`values_at`.
- :func:`iterate`, the loop every solver hands a kernel object to: it owns the
  iterations, the timing, the history, the loss tracking and the stopping rule.
"""

from __future__ import annotations

import time
import warnings

import numpy as np

#: The guard scikit-learn uses for a zero denominator: float32 machine epsilon.
EPS = float(np.finfo(np.float32).eps)

#: Below this, an entry of H is set to 0 after a KL update (as scikit-learn does, for stability).
H_FLOOR = float(np.finfo(np.float64).eps)


# --------------------------------------------------------------------------- sparse or dense X
def is_sparse(X):
    return hasattr(X, "tocsr") and hasattr(X, "nnz")


def dot_XB(X, B):
    """``X @ B`` for a dense or sparse X (p, q) and dense B (q, k): a dense (p, k) array."""
    out = X @ B
    return np.asarray(out)


def dot_AX(A, X):
    """``A @ X`` for a dense A (k, p) and a dense or sparse X (p, q): a dense (k, q) array."""
    if is_sparse(X):
        return np.ascontiguousarray((X.T @ A.T).T)
    return A @ X


def sqnorm(X):
    """``‖X‖²_F``, summed in float64 (for sparse X, of its stored values, which are canonical here)."""
    d = X.data if is_sparse(X) else X
    d = d.ravel()
    if d.dtype == np.float64:
        return float(np.dot(d, d))
    return float(np.einsum("i,i->", d, d, dtype=np.float64))


def coords(X):
    """Row and column indices of the stored entries of a canonical CSR or CSC X, in the order of ``X.data``."""
    counts = np.diff(X.indptr)
    outer = np.repeat(np.arange(counts.size), counts)
    if X.format == "csr":
        return outer, X.indices
    return X.indices, outer


def values_at(A, B, rows, cols, batch=None):
    """``(A Bᵀ)[rows, cols]`` for A (p, k), B (q, k), computed in batches (never the (p, q) product).

    The batch size is scikit-learn's (``_special_sparse_dot``): about ``nnz / k``
    entries at a time, so the temporaries hold about nnz numbers.
    """
    n_vals = rows.size
    k = A.shape[1]
    batch = batch or max(k, n_vals // max(k, 1))
    out = np.empty(n_vals, dtype=np.result_type(A, B))
    for start in range(0, n_vals, batch):
        sl = slice(start, start + batch)
        out[sl] = np.einsum("ij,ij->i", A[rows[sl]], B[cols[sl]])
    return out


def with_data(X, data):
    """A sparse matrix with X's structure and new stored values."""
    return type(X)((data, X.indices, X.indptr), shape=X.shape)


# --------------------------------------------------------------------------- the guard
def guarded_divide(N, D, out=None):
    """``N ⊘ D`` with exact zeros of D replaced by float32 eps (D is changed in place).

    Nothing is added to the other entries: adding eps everywhere would turn the
    update into a penalized one. ``out`` may be N or D.
    """
    if not D.all():
        D[D == 0] = EPS
    return np.divide(N, D, out=out)


# --------------------------------------------------------------------------- the MU kernel
def mu_factor(A, N, G, den=None):
    """Lee & Seung's multiplicative update of a factor, in place: ``A ← A ∘ N ⊘ (A G)``.

    W: ``A = W`` (m, k), ``N = XHᵀ``, ``G = HHᵀ``. H by transposition:
    ``A = Hᵀ``, ``N = (WᵀX)ᵀ``, ``G = WᵀW``. N is left unchanged. ``A G`` is
    formed in A's memory layout (G is symmetric), so every element-wise step
    runs over matching layouts; ``den`` is an optional buffer of A's shape and
    layout for it (the driver's runs reuse one per factor instead of allocating).
    """
    if den is None:
        den = A @ G if A.flags.c_contiguous else (G @ A.T).T
    elif A.flags.c_contiguous:
        np.matmul(A, G, out=den)
    else:
        np.matmul(G, A.T, out=den.T)
    guarded_divide(N, den, out=den)
    A *= den
    return A


# --------------------------------------------------------------------------- HALS
def hals_rows(A, N, G, sweeps=1):
    """HALS sweeps, in place, over the rows of A (k, p).

    Minimizes ``‖Y − Aᵀ B‖²_F`` over ``A ≥ 0`` one row at a time, given only
    ``N = B Yᵀ`` (k, p) and ``G = B Bᵀ`` (k, k): row j becomes
    ``max(0, A[j] + (N[j] − G[j] A) / G[j, j])``. A row whose ``G[j, j]`` is 0
    (an empty component) is left as it is.
    """
    k = A.shape[0]
    for _ in range(sweeps):
        for j in range(k):
            g = G[j, j]
            if g > 0:
                t = N[j] - G[j] @ A
                t /= g
                t += A[j]
                np.maximum(t, 0.0, out=A[j])
    return A


def auto_sweeps(p, q, k):
    """Gillis & Glineur's bound on inner sweeps: 1 + ⌊α ρ⌋ with α = 1/2 and
    ρ = 1 + (products' flops) / (one sweep's flops) = 1 + q/k + q/p for a (k, p)
    factor updated from a (k, q) one."""
    rho = 1.0 + q / k + q / p
    return 1 + int(0.5 * rho)


def hals_factor(A, N, G, sweeps, q):
    """HALS sweeps in place over the rows of A (k, p), given N (k, p) and G (k, k).

    ``sweeps`` an int: exactly that many. ``None``: adaptive (Gillis & Glineur
    2012): stop once a sweep changes A by at most 0.1 × the first sweep's change,
    or after :func:`auto_sweeps` sweeps (q is the other factor's long dimension).
    """
    if sweeps is not None:
        return hals_rows(A, N, G, sweeps)
    k, p = A.shape
    limit = auto_sweeps(p, q, k)
    first = None
    before = np.empty_like(A)
    for _ in range(limit):
        np.copyto(before, A)
        hals_rows(A, N, G, 1)
        before -= A
        change = float(np.vdot(before, before))
        if first is None:
            first = change
        elif change <= 1e-2 * first:  # ‖ΔA‖ ≤ 0.1 ‖ΔA₁‖
            break
    return A


# --------------------------------------------------------------------------- masked MU
def masked_mu_factor(A, B, Y, M):
    """The masked multiplicative update, in place: ``A ← A ∘ (Y B) ⊘ ((M ∘ A Bᵀ) B)``.

    W: ``A = W``, ``B = Hᵀ``, ``Y = M ∘ X``, M. H by transposition: ``A = Hᵀ``,
    ``B = W``, ``Yᵀ``, ``Mᵀ``. Y must be 0 where M is False.
    """
    P = outer_like(A, B, Y)
    P *= M
    den = P @ B
    num = Y @ B
    guarded_divide(num, den, out=num)
    A *= num
    return A


def masked_loss(Y, M, W, H):
    """``‖M ∘ (X − WH)‖²_F`` from ``Y = M ∘ X``."""
    R = W @ H
    R -= Y
    R *= M
    return float(np.vdot(R, R))


# --------------------------------------------------------------------------- KL MU
def outer_like(A, B, like):
    """``A Bᵀ`` for A (p, k), B (q, k), in the memory layout of ``like`` (p, q) (X or its transpose)."""
    if like.flags.c_contiguous or not like.flags.f_contiguous:
        return A @ B.T
    return (B @ A.T).T


def kl_ratio(A, B, X, rc=None):
    """``X ⊘ (A Bᵀ)`` with entries of ``A Bᵀ`` below float32 eps raised to eps (scikit-learn's guard).

    For a sparse X only at its stored entries (``rc`` = their (rows, cols)),
    as scikit-learn's ``_special_sparse_dot``; the result has X's structure.
    """
    if rc is not None:
        vals = values_at(A, B, *rc)
        vals[vals < EPS] = EPS
        np.divide(X.data, vals, out=vals)
        return with_data(X, vals)
    R = outer_like(A, B, X)
    R[R < EPS] = EPS
    np.divide(X, R, out=R)
    return R


def kl_mu_factor(A, B, X, zero_sum, rc=None):
    """Lee & Seung's KL update, in place: ``A ← A ∘ ((X ⊘ A Bᵀ) B) ⊘ (J B)``.

    W: ``A = W``, ``B = Hᵀ``, X. H by transposition: ``A = Hᵀ``, ``B = W``,
    ``Xᵀ``. ``J B`` has the column sums of B in every row; a zero sum becomes
    ``zero_sum`` before the guard (scikit-learn: eps for W's denominator, 1 for H's).
    """
    num = dot_XB(kl_ratio(A, B, X, rc), B)
    s = B.sum(axis=0)
    if zero_sum is not None:
        s[s == 0] = zero_sum
    guarded_divide(num, np.broadcast_to(s, num.shape).copy(), out=num)
    A *= num
    return A


# --------------------------------------------------------------------------- the driver
class Kernel:
    """What :func:`iterate` needs from a solver: override :meth:`update`, :meth:`loss`, :meth:`factors`.

    ``update()`` does one iteration in place and returns the loss after it if
    its products give it cheaply (else None: the driver calls ``loss()``).
    ``start_loss()`` may return None when the loss at the start is known only
    after the first update (the Dask run, which saves a pass over X).
    ``may_diverge``: a non-finite loss stops the run at the previous iterate
    (``revert()``), with a warning.
    """

    may_diverge = False
    name = "mu"

    def start_loss(self, first=True):
        return self.loss()

    def update(self):  # pragma: no cover - abstract
        raise NotImplementedError

    def loss(self):  # pragma: no cover - abstract
        raise NotImplementedError

    def factors(self):  # pragma: no cover - abstract
        raise NotImplementedError

    def revert(self):  # pragma: no cover - only kernels that may diverge
        raise NotImplementedError


def iterate(kernel, max_iter, tol=0.0, keep_history=False, track_loss=True, warn_detail=""):
    """The one iteration loop: ``kernel.update()`` ``max_iter`` times, with timing, history, loss and stopping.

    Returns a dict with ``losses`` (start, then one per iteration; empty if
    ``track_loss`` is False), ``times`` (cumulative seconds in updates, loss
    evaluations excluded, 0 first), ``history`` (copies of every (W, H) or
    None), ``n_iter``, ``converged`` (the loss went down by less than
    ``tol × losses[0]``; a rise never counts) and ``diverged``.
    """
    losses = []
    if track_loss:
        start = kernel.start_loss(first=max_iter == 0)
        if start is not None:
            losses.append(start)
    times = [0.0]
    history = [tuple(F.copy() for F in kernel.factors())] if keep_history else None
    converged = diverged = False
    elapsed = 0.0
    n_iter = 0
    with np.errstate(over="ignore", invalid="ignore"):
        for it in range(1, max_iter + 1):
            t0 = time.perf_counter()
            tracked = kernel.update()
            elapsed += time.perf_counter() - t0
            if track_loss:
                if not losses:  # the start's loss, deferred to the first update's products
                    losses.append(kernel.start_loss(first=False))
                loss = tracked if tracked is not None else kernel.loss()
                if kernel.may_diverge and not np.isfinite(loss):
                    diverged = True
                    kernel.revert()
                    warnings.warn(
                        f"method={kernel.name!r} diverged at iteration {it}: the loss overflowed"
                        f"{warn_detail}. Returning the last finite iterate; lower the learning rate.",
                        RuntimeWarning,
                        stacklevel=4,
                    )
                    break
                losses.append(loss)
            n_iter = it
            times.append(elapsed)
            if keep_history:
                history.append(tuple(F.copy() for F in kernel.factors()))
            if tol > 0 and losses[0] > 0 and 0 <= losses[-2] - losses[-1] < tol * losses[0]:
                converged = True
                break
    return dict(losses=np.asarray(losses, dtype=float), times=np.asarray(times), history=history, n_iter=n_iter,
                converged=converged, diverged=diverged)


# --------------------------------------------------------------------------- losses
def direct_below(dtype):
    """Below this share of ‖X‖²_F the tracked loss loses its digits and is recomputed directly.

    The three terms of :func:`tracked_loss` are each about ‖X‖² and carry a
    relative error of about ``sqrt(m) eps`` (WᵀX is a sum of m products);
    relative to the loss that is ``sqrt(m) eps / share``: below 1e-10 for
    float64 at 1e-4, about 1e-5 for float32 at 1e-2.
    """
    return 1e-4 if np.dtype(dtype) == np.float64 else 1e-2


def tracked_loss(xx, WtX, WtW, H, HHt):
    """``‖X − WH‖²_F`` from products the update already has: ``‖X‖² − 2⟨WᵀX, H⟩ + ⟨WᵀW, HHᵀ⟩``.

    Costs O(kn + k²) instead of the O(mnk) of forming WH. Returns None (the
    caller evaluates the loss directly) when the result is below
    :func:`direct_below` of ‖X‖², where the cancellation would eat the digits.
    """
    share = direct_below(H.dtype)
    if H.dtype != np.float64:
        WtX, H, WtW, HHt = (a.astype(np.float64) for a in (WtX, H, WtW, HHt))
    loss = xx - 2.0 * float(np.vdot(WtX, H)) + float(np.vdot(WtW, HHt))
    return loss if loss >= share * xx else None


def frobenius_loss(X, W, H, rc=None):
    """``‖X − WH‖²_F``; dense: through one (m, n) temporary; sparse: from the stored entries only.

    Sparse: ``Σ_stored (x − (WH)_ij)² + (‖WH‖² − Σ_stored (WH)_ij²)``, where
    ``‖WH‖² = ⟨WᵀW, HHᵀ⟩``; the second term is the squared fit at X's zeros.
    """
    if rc is None:
        R = W @ H
        np.subtract(R, X, out=R)
        if R.dtype == np.float64:
            return float(np.vdot(R, R))
        return float(np.einsum("ij,ij->", R, R, dtype=np.float64))
    W, H = W.astype(np.float64, copy=False), H.astype(np.float64, copy=False)  # (m, k), (k, n): cheap
    wh = values_at(W, H.T, *rc)
    r = X.data - wh
    at_zeros = float(np.vdot(W.T @ W, H @ H.T)) - float(wh @ wh)
    return float(r @ r) + max(at_zeros, 0.0)


def log_ratio(x, y):
    """``log(x / y)`` element-wise for x, y > 0, finite for tiny and huge entries.

    ``log(x / y)`` where the ratio is a normal float (the accurate form near
    x = y); where ``x / y`` underflows to a subnormal or 0, or overflows,
    ``log x − log y``.
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        r = x / y
        ok = (r >= np.finfo(float).tiny) & np.isfinite(r)
        return np.where(ok, np.log(np.where(ok, r, 1.0)), np.log(x) - np.log(y))


def xlog_ratio(x, y):
    """``x log(x / y)`` element-wise for x ≥ 0, y ≥ 0, with ``0 · log(0 / y) = 0`` (as
    ``scipy.special.xlogy``), finite for tiny entries (:func:`log_ratio`); ``x > 0 = y`` gives ``inf``."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    pos = x > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(pos, x * log_ratio(np.where(pos, x, 1.0), y), 0.0)
    return out if out.ndim else float(out)


def kl_loss_value(X, W, H, rc=None):
    """``D(X ‖ WH)`` as the solvers report it: entries of WH below eps count as eps where X > eps.

    The sum ``Σ X − Σ WH`` is over every entry; for a sparse X the log term is over
    its stored entries (the others are 0) and ``Σ WH = (1ᵀW)(H1)``.
    """
    if rc is None:
        Y = W @ H
        pos = X > EPS
        x = X[pos].astype(np.float64)
        y = Y[pos].astype(np.float64)
        total_y = float(Y.sum(dtype=np.float64))
        total_x = float(X.sum(dtype=np.float64))
    else:
        data = X.data
        pos = data > EPS
        x = data[pos].astype(np.float64)
        y = values_at(W, H.T, rc[0][pos], rc[1][pos]).astype(np.float64)
        total_y = float(W.sum(axis=0, dtype=np.float64) @ H.sum(axis=1, dtype=np.float64))
        total_x = float(data.sum(dtype=np.float64))
    y[y < EPS] = EPS
    return float(np.sum(xlog_ratio(x, y)) - total_x + total_y)


# --------------------------------------------------------------------------- the solvers' kernels
class MU(Kernel):
    """Lee & Seung's Frobenius MU: W with the old H, then H with the new W (dense or sparse X)."""

    def __init__(self, X, W, H):
        self.X, self.W, self.H = X, W, H
        self.rc = coords(X) if is_sparse(X) else None
        self.xx = sqnorm(X)
        self.HHt = H @ H.T
        # buffers reused every iteration: XHᵀ, WᵀX and the two denominators
        self.XHt, self.denW = np.empty_like(W), np.empty_like(W)
        self.WtX, self.denH = np.empty_like(H), np.empty_like(H)

    def update(self):
        X, W, H = self.X, self.W, self.H
        XHt = np.matmul(X, H.T, out=self.XHt) if self.rc is None else dot_XB(X, H.T)
        mu_factor(W, XHt, self.HHt, self.denW)
        WtX = np.matmul(W.T, X, out=self.WtX) if self.rc is None else dot_AX(W.T, X)
        WtW = W.T @ W
        mu_factor(H.T, WtX.T, WtW, self.denH.T)
        self.HHt = H @ H.T
        return tracked_loss(self.xx, WtX, WtW, H, self.HHt)

    def loss(self):
        return frobenius_loss(self.X, self.W, self.H, self.rc)

    def factors(self):
        return self.W, self.H


class HALS(Kernel):
    """HALS (scikit-learn's cd with ``inner_sweeps=1``) on ``Wt = Wᵀ`` (k, m) and H (k, n)."""

    name = "hals"

    def __init__(self, X, W, H, sweeps):
        self.X, self.H, self.sweeps = X, H, sweeps
        self.Wt = np.ascontiguousarray(W.T)
        self.rc = coords(X) if is_sparse(X) else None
        self.xx = sqnorm(X)
        self.HHt = H @ H.T

    def update(self):
        X, Wt, H = self.X, self.Wt, self.H
        m, n = X.shape
        hals_factor(Wt, dot_AX(H, X.T), self.HHt, self.sweeps, n)  # H Xᵀ = (X Hᵀ)ᵀ, (k, m)
        WtX = dot_AX(Wt, X)
        WtW = Wt @ Wt.T
        hals_factor(H, WtX, WtW, self.sweeps, m)
        self.HHt = H @ H.T
        return tracked_loss(self.xx, WtX, WtW, H, self.HHt)

    def loss(self):
        return frobenius_loss(self.X, self.Wt.T, self.H, self.rc)

    def factors(self):
        return self.Wt.T, self.H


def frobenius_gradient_W(X, W, H):
    """``∇_W ‖X − WH‖²_F = 2(W(HHᵀ) − XHᵀ)``."""
    return 2.0 * (W @ (H @ H.T) - X @ H.T)


def frobenius_gradient_H(X, W, H):
    """``∇_H ‖X − WH‖²_F = 2((WᵀW)H − WᵀX)``."""
    return 2.0 * ((W.T @ W) @ H - W.T @ X)


def safe_gradient_step(A, G, N):
    """``A − ∇ / L`` for ``∇ = 2(AG − N)``, ``L = 2‖G‖₂``, evaluated with G scaled to
    largest entry 1, so that a tiny G (tiny data) cannot overflow the step 1/L."""
    s = float(np.abs(G).max()) if G.size else 0.0
    if s == 0.0:  # G = 0 means the other factor is 0, and then N = 0 too: no gradient
        return A
    Gn = G / s
    return A - (A @ Gn - N / s) / float(np.linalg.norm(Gn, 2))


def gd_iteration(X, W, H, project, learning_rate):
    """One (projected) gradient iteration, W then H; new arrays. ``learning_rate=None``: the safe steps 1/L."""
    if learning_rate is None:
        W = safe_gradient_step(W, H @ H.T, X @ H.T)
    else:
        W = W - learning_rate * frobenius_gradient_W(X, W, H)
    if project:
        W = np.maximum(W, 0.0)
    if learning_rate is None:
        H = safe_gradient_step(H.T, W.T @ W, X.T @ W).T
    else:
        H = H - learning_rate * frobenius_gradient_H(X, W, H)
    if project:
        H = np.maximum(H, 0.0)
    return W, H


class GD(Kernel):
    """Gradient descent ("gd") or projected gradient descent ("pgd"), which may overflow."""

    may_diverge = True

    def __init__(self, X, W, H, name, learning_rate):
        self.X, self.W, self.H, self.name, self.learning_rate = X, W, H, name, learning_rate
        self.prev = None

    def update(self):
        self.prev = (self.W, self.H)
        self.W, self.H = gd_iteration(self.X, self.W, self.H, self.name == "pgd", self.learning_rate)

    def loss(self):
        return frobenius_loss(self.X, self.W, self.H)

    def revert(self):
        self.W, self.H = self.prev

    def factors(self):
        return self.W, self.H


class MaskedMU(Kernel):
    """The masked MU on ``Y = M ∘ X`` (0 where unobserved); the loss is ``‖M ∘ (X − WH)‖²_F``."""

    def __init__(self, Y, M, W, H):
        self.Y, self.M, self.W, self.H = Y, M, W, H

    def update(self):
        masked_mu_factor(self.W, self.H.T, self.Y, self.M)
        masked_mu_factor(self.H.T, self.W, self.Y.T, self.M.T)

    def loss(self):
        return masked_loss(self.Y, self.M, self.W, self.H)

    def factors(self):
        return self.W, self.H


class KLMU(Kernel):
    """Lee & Seung's KL MU (scikit-learn's ``beta_loss="kullback-leibler"``), dense or sparse X."""

    def __init__(self, X, W, H):
        self.X, self.W, self.H = X, W, H
        self.rc = coords(X) if is_sparse(X) else None
        self.rcT = None if self.rc is None else self.rc[::-1]

    def update(self):
        X, W, H = self.X, self.W, self.H
        kl_mu_factor(W, H.T, X, None, self.rc)
        kl_mu_factor(H.T, W, X.T, 1.0, self.rcT)
        H[H < H_FLOOR] = 0.0

    def loss(self):
        return kl_loss_value(self.X, self.W, self.H, self.rc)

    def factors(self):
        return self.W, self.H


# --------------------------------------------------------------------------- the random start
def random_start(mean, m, n, k, rng, dtype=np.float64):
    """``sqrt(mean / k) · |N(0, 1)|`` entries, H drawn first, then W (scikit-learn's order and values).

    Drawn in float64 and then cast to ``dtype`` (float32 for float32 data).
    """
    avg = np.sqrt(mean / k)
    H = np.abs(avg * rng.standard_normal(size=(k, n)))
    W = np.abs(avg * rng.standard_normal(size=(m, k)))
    return W.astype(dtype, copy=False), H.astype(dtype, copy=False)
