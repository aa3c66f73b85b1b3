"""The Kullback–Leibler divergence D(X ‖ WH) and its multiplicative updates.

Explained in *The Kullback–Leibler divergence* (``book/16_kl_divergence``).

For non-negative X and Y = WH,

    D(X ‖ Y) = Σ_ij  X_ij log(X_ij / Y_ij) − X_ij + Y_ij,       with 0 · log 0 = 0,

the generalized KL divergence (the β-divergence with β = 1). Its gradients
split into a positive and a negative part,

    ∇_W D = J Hᵀ − (X ⊘ WH) Hᵀ,          ∇_H D = Wᵀ J − Wᵀ (X ⊘ WH),

(J the all-ones matrix), and the step "factor ∘ negative part ⊘ positive part"
is Lee & Seung's KL update:

    W ← W ∘ ((X ⊘ WH) Hᵀ) ⊘ (J Hᵀ),     H ← H ∘ (Wᵀ (X ⊘ WH)) ⊘ (Wᵀ J).

``J Hᵀ`` has the row sums of H in every row and ``Wᵀ J`` the column sums of W
in every column. The divisions are guarded as scikit-learn guards them (its
``_multiplicative_update_w/h`` with ``beta_loss=1``), so that this package and
``NMF(solver="mu", beta_loss="kullback-leibler")`` give the same iterates.

The chapter also uses:

- :func:`kl_derivation` (and :func:`verify_kl_derivation`): the derivation of
  the KL update as checked steps, like :func:`nmf_teach.derivation.mu_derivation`
  for the Frobenius loss;
- :func:`kl_auxiliary_H`: Lee & Seung's auxiliary function G(H, Hᵗ), built with
  Jensen's inequality, which touches D at Hᵗ, lies above it, and is minimized
  by the KL update;
- :func:`d_beta` and :func:`beta_divergence`: the β-divergence family
  (β = 2: half the squared error, β = 1: KL, β = 0: Itakura–Saito), with
  ``d_β(cx | cy) = c^β d_β(x | y)``.
"""

from __future__ import annotations

import numbers

import numpy as np
from scipy.special import xlogy

from . import _kernels as K
from ._validation import validate_factor, validate_nonnegative
from .derivation import DerivationStep
from .linalg import numerical_gradient
from ._validation import validate_problem

__all__ = ["kl_divergence", "kl_loss", "kl_gradient_W", "kl_gradient_H", "kl_mu_update_W", "kl_mu_update_H",
           "BETA_LOSSES", "kl_auxiliary_H", "kl_derivation", "verify_kl_derivation", "d_beta", "beta_divergence"]

#: The losses :func:`nmf_teach.solvers.nmf` minimizes, by ``beta_loss``.
BETA_LOSSES = ("frobenius", "kullback-leibler")



def kl_divergence(X, Y):
    """The generalized Kullback–Leibler divergence ``D(X ‖ Y)``.

    Parameters
    ----------
    X : array-like of shape (m, n)
        Non-negative.
    Y : array-like of shape (m, n)
        Non-negative, the approximation.

    Returns
    -------
    float
        ``Σ X log(X/Y) − X + Y`` over all entries, with ``0 · log 0 = 0``; ``inf``
        if some ``Y_ij = 0`` where ``X_ij > 0``. It is 0 exactly when X = Y.

    Notes
    -----
    Explained in *The Kullback–Leibler divergence*.
    """
    X = validate_nonnegative(X, "X")
    Y = validate_nonnegative(Y, "Y")
    if X.shape != Y.shape:
        raise ValueError(f"X has shape {X.shape} but Y has shape {Y.shape}; they must match.")
    pos = X > 0
    return float(np.sum(K.xlog_ratio(X[pos], Y[pos])) - X.sum() + Y.sum())


def kl_loss(X, W, H):
    """``D(X ‖ WH)``, as :func:`nmf_teach.solvers.nmf` reports it for ``beta_loss="kullback-leibler"``.

    Parameters
    ----------
    X : array-like of shape (m, n)
    W : array-like of shape (m, k)
    H : array-like of shape (k, n)
        All non-negative.

    Returns
    -------
    float
        Entries of WH below float32 eps where X > 0 count as eps (scikit-learn's
        guard), so the value is finite.

    Notes
    -----
    Explained in *The Kullback–Leibler divergence*.
    """
    X, W, H = validate_problem(X, W, H)
    return _kl_loss(X, W, H)


def _kl_loss(X, W, H):
    return K.kl_loss_value(X, W, H)


def kl_gradient_W(X, W, H):
    """``∇_W D(X ‖ WH) = J Hᵀ − (X ⊘ WH) Hᵀ``, shape (m, k).

    Notes
    -----
    Explained in *The Kullback–Leibler divergence*; check it against
    :func:`nmf_teach.linalg.numerical_gradient`.
    """
    X, W, H = validate_problem(X, W, H)
    return np.ones_like(X) @ H.T - (X / (W @ H)) @ H.T


def kl_gradient_H(X, W, H):
    """``∇_H D(X ‖ WH) = Wᵀ J − Wᵀ (X ⊘ WH)``, shape (k, n).

    Notes
    -----
    Explained in *The Kullback–Leibler divergence*.
    """
    X, W, H = validate_problem(X, W, H)
    return W.T @ np.ones_like(X) - W.T @ (X / (W @ H))


def kl_mu_update_W(X, W, H):
    """Lee & Seung's KL update of W: ``W ∘ ((X ⊘ WH) Hᵀ) ⊘ (J Hᵀ)``.

    Parameters
    ----------
    X : array-like of shape (m, n)
    W : array-like of shape (m, k)
    H : array-like of shape (k, n)

    Returns
    -------
    W_new : ndarray of shape (m, k)

    Notes
    -----
    Derived in *The Kullback–Leibler divergence*.

    References
    ----------
    Lee, D. D., & Seung, H. S. (2001). Algorithms for non-negative matrix
    factorization. NIPS 13.
    """
    X, W, H = validate_problem(X, W, H)
    return _kl_mu_W(X, W.copy(), H)


def kl_mu_update_H(X, W, H):
    """Lee & Seung's KL update of H: ``H ∘ (Wᵀ (X ⊘ WH)) ⊘ (Wᵀ J)``; entries below float64 eps become 0.

    Notes
    -----
    Derived in *The Kullback–Leibler divergence*.
    """
    X, W, H = validate_problem(X, W, H)
    return _kl_mu_H(X, W, H.copy())


def _kl_mu_W(X, W, H):
    """In place on W: :func:`nmf_teach._kernels.kl_mu_factor`."""
    return K.kl_mu_factor(W, H.T, X, None)


def _kl_mu_H(X, W, H):
    """In place on H: the same kernel, by transposition (a zero column sum of W counts as 1, as in scikit-learn)."""
    K.kl_mu_factor(H.T, W, X.T, 1.0)
    H[H < K.H_FLOOR] = 0.0
    return H


# ---------------------------------------------------------------------------------------------
# The auxiliary function of Lee & Seung's proof (Jensen's inequality)
# ---------------------------------------------------------------------------------------------


def kl_auxiliary_H(X, W, H, H_t):
    """Lee & Seung's auxiliary function ``G(H, Hᵗ)`` for ``D(X ‖ WH)`` with W fixed.

    With the weights ``α_iaj = W_ia Hᵗ_aj / (WHᵗ)_ij`` (for each (i, j) they are
    non-negative and sum to 1 over a), Jensen's inequality for the concave log
    gives ``log (WH)_ij ≥ Σ_a α_iaj log(W_ia H_aj / α_iaj)``, and so

        G(H, Hᵗ) = Σ_ij (X_ij log X_ij − X_ij + (WH)_ij)
                   − Σ_ija X_ij α_iaj (log(W_ia H_aj) − log α_iaj)

    satisfies ``G(H, Hᵗ) ≥ D(X ‖ WH)`` for every H ≥ 0 and ``G(Hᵗ, Hᵗ) = D(X ‖ WHᵗ)``.
    Its minimizer over H is :func:`kl_mu_update_H` at ``Hᵗ``.

    Parameters
    ----------
    X : array-like of shape (m, n)
    W : array-like of shape (m, k)
    H : array-like of shape (k, n)
        The point at which G is evaluated.
    H_t : array-like of shape (k, n)
        The current point Hᵗ, where G touches D.
        All non-negative, with ``(W Hᵗ)_ij > 0`` wherever ``X_ij > 0``.

    Returns
    -------
    float
        ``G(H, Hᵗ)``; ``inf`` if some ``W_ia H_aj = 0`` where ``X_ij α_iaj > 0``
        (then D may be finite, and the bound holds trivially). Terms with
        ``X_ij α_iaj = 0`` count as 0 (``0 · log 0 = 0``).

    Raises
    ------
    ValueError
        If ``(W Hᵗ)_ij = 0`` where ``X_ij > 0`` (then ``D(X ‖ WHᵗ)`` is infinite and
        the weights are undefined), or on bad shapes or negative entries.

    Notes
    -----
    Explained in *The Kullback–Leibler divergence*. The matrices are looped
    over component by component, so memory stays O(mn).

    References
    ----------
    Lee, D. D., & Seung, H. S. (2001). Algorithms for non-negative matrix
    factorization. NIPS 13.
    """
    X, W, H = validate_problem(X, W, H)
    H_t = validate_factor(H_t, H.shape, "H_t")
    Y_t = W @ H_t
    bad = (X > 0) & (Y_t == 0)
    if bad.any():
        i, j = (int(v) for v in np.argwhere(bad)[0])
        raise ValueError(
            f"(W @ H_t) has {int(bad.sum())} zero entries where X > 0, the first at [{i}, {j}]: "
            "D(X ‖ W H_t) is infinite there and the weights W_ia H_t[a, j] / (W H_t)_ij are undefined."
        )
    pos = X > 0
    with np.errstate(divide="ignore"):
        total = float(np.sum(xlogy(X[pos], X[pos])) - X.sum() + (W @ H).sum())
        for a in range(W.shape[1]):
            num = np.outer(W[:, a], H_t[a])          # W_ia Hᵗ_aj
            live = pos & (num > 0)                    # where X_ij α_iaj > 0
            if not live.any():
                continue
            alpha = num[live] / Y_t[live]
            wh = np.outer(W[:, a], H[a])[live]        # W_ia H_aj
            if (wh == 0).any():
                return float("inf")
            total -= float(np.sum(X[live] * (alpha * np.log(wh) - xlogy(alpha, alpha))))
    return total


# ---------------------------------------------------------------------------------------------
# The derivation of the KL update as checked steps
# ---------------------------------------------------------------------------------------------


def _pos_H(X, W, H):
    """P = Wᵀ J, the positive part of ∇_H D (column sums of W in every column)."""
    return W.T @ np.ones_like(X)


def _neg_H(X, W, H):
    """N = Wᵀ (X ⊘ WH), the negative part of ∇_H D."""
    return W.T @ (X / (W @ H))


def _grad_H(X, W, H):
    return _pos_H(X, W, H) - _neg_H(X, W, H)


def _rate_H(X, W, H):
    """η_H = H ⊘ (Wᵀ J), the data-driven rate of the KL update."""
    return H / _pos_H(X, W, H)


def _exact_kl(X, W, H):
    """D(X ‖ WH) with no guard (X > 0 and WH > 0 on the problems the steps are checked on)."""
    Y = W @ H
    return float(np.sum(K.xlog_ratio(X, Y) - X + Y))


def kl_derivation():
    """The derivation of Lee & Seung's KL update for H (and, by symmetry, W), as checked steps.

    Returns
    -------
    list of nmf_teach.derivation.DerivationStep
        In order: the divergence with its logarithm split; the gradient of the
        linear term; the gradient of the log term; the gradient; its positive
        and negative parts; a gradient step with an element-wise rate; the
        data-driven rate; the cancellation; the update of H; the update of W.
        ``step.check(seed)`` evaluates both sides of a step on
        :func:`nmf_teach.derivation.random_problem` (strictly positive X, W, H).

    Notes
    -----
    Explained in *The Kullback–Leibler divergence*; it mirrors
    :func:`nmf_teach.derivation.mu_derivation` for the Frobenius loss.

    References
    ----------
    Lee, D. D., & Seung, H. S. (2001). Algorithms for non-negative matrix
    factorization. NIPS 13.
    """
    def total(A):
        return float(np.sum(A))

    return [
        DerivationStep(
            "The divergence, with its logarithm split",
            r"D(X \,\|\, WH) = \sum_{ij} \big(X_{ij} \log X_{ij} - X_{ij}\big)"
            r" - \sum_{ij} X_{ij} \log (WH)_{ij} + \sum_{ij} (WH)_{ij}",
            "log(a/b) = log a − log b; the first sum does not depend on W or H.",
            lambda X, W, H: (
                kl_divergence(X, W @ H),
                total(X * np.log(X) - X) - total(X * np.log(W @ H)) + total(W @ H),
            ),
        ),
        DerivationStep(
            "Gradient of the linear term",
            r"\nabla_H \sum_{ij} (WH)_{ij} = \nabla_H \operatorname{tr}(J^\top W H) = W^\top J",
            "Σ_ij (WH)_ij = tr(JᵀWH) with J the m × n all-ones matrix, and ∇_Z tr(AZ) = Aᵀ with A = JᵀW. "
            "Entry (a, j) of WᵀJ is the sum of column a of W.",
            lambda X, W, H: (numerical_gradient(lambda G: total(W @ G), H), W.T @ np.ones_like(X)),
        ),
        DerivationStep(
            "Gradient of the log term",
            r"\nabla_H \sum_{ij} X_{ij} \log (WH)_{ij} = W^\top \Big(\frac{X}{WH}\Big)",
            "Chain rule: ∂(WH)_ij / ∂H_aj = W_ia and (log u)' = 1/u, so entry (a, j) is Σ_i W_ia X_ij / (WH)_ij.",
            lambda X, W, H: (
                numerical_gradient(lambda G: total(X * np.log(W @ G)), H),
                W.T @ (X / (W @ H)),
            ),
        ),
        DerivationStep(
            "The gradient in H",
            r"\nabla_H D(X \,\|\, WH) = W^\top J - W^\top \Big(\frac{X}{WH}\Big)",
            "The linear term minus the log term; the constant sum drops out.",
            lambda X, W, H: (numerical_gradient(lambda G: _exact_kl(X, W, G), H), kl_gradient_H(X, W, H)),
        ),
        DerivationStep(
            "Positive and negative parts",
            r"\nabla_H D = P - N, \qquad P = W^\top J \ge 0, \quad N = W^\top \Big(\frac{X}{WH}\Big) \ge 0",
            "Both parts are products and quotients of non-negative matrices. The check compares "
            "min(P, N, 0) with 0: it is 0 exactly when neither part has a negative entry.",
            lambda X, W, H: (
                np.minimum(np.minimum(_pos_H(X, W, H), _neg_H(X, W, H)), 0.0),
                np.zeros_like(H),
            ),
        ),
        DerivationStep(
            "A gradient step with an element-wise rate",
            r"H - \eta_H \circ \nabla_H D = H + \eta_H \circ (N - P)",
            "Substitute ∇_H D = P − N; the minus sign flips the order.",
            lambda X, W, H: (
                H - _rate_H(X, W, H) * kl_gradient_H(X, W, H),
                H + _rate_H(X, W, H) * (_neg_H(X, W, H) - _pos_H(X, W, H)),
            ),
        ),
        DerivationStep(
            "The data-driven learning rate",
            r"\eta_H = \frac{H}{W^\top J} \quad\Longrightarrow\quad "
            r"H + H \circ \frac{N}{P} - H \circ \frac{P}{P}",
            "Choose each entry's rate so that the subtracted part η_H ∘ P is exactly H; no factor 2 here, "
            "because D has no square.",
            lambda X, W, H: (
                H + _rate_H(X, W, H) * (_neg_H(X, W, H) - _pos_H(X, W, H)),
                H + H * _neg_H(X, W, H) / _pos_H(X, W, H) - H * _pos_H(X, W, H) / _pos_H(X, W, H),
            ),
        ),
        DerivationStep(
            "Cancel",
            r"\frac{P}{P} = J, \qquad H \circ J = H",
            "An element-wise ratio of a matrix with itself is the all-ones matrix J, the identity of "
            "the Hadamard product.",
            lambda X, W, H: (H * _pos_H(X, W, H) / _pos_H(X, W, H), H),
        ),
        DerivationStep(
            "The multiplicative update of H",
            r"H \leftarrow H \circ \frac{N}{P} = H \circ \frac{W^\top (X \oslash WH)}{W^\top J}",
            "What is left of the gradient step with rate η_H: the factor times negative part over positive part.",
            lambda X, W, H: (H - _rate_H(X, W, H) * kl_gradient_H(X, W, H), kl_mu_update_H(X, W, H)),
        ),
        DerivationStep(
            "The multiplicative update of W",
            r"W \leftarrow W \circ \frac{(X \oslash WH)\, H^\top}{J H^\top}",
            "The same steps with ∇_W D = JHᵀ − (X ⊘ WH)Hᵀ and η_W = W ⊘ (JHᵀ).",
            lambda X, W, H: (
                W - W / (np.ones_like(X) @ H.T) * kl_gradient_W(X, W, H),
                kl_mu_update_W(X, W, H),
            ),
        ),
    ]


def verify_kl_derivation(random_state=0):
    """Check every step of :func:`kl_derivation`.

    Parameters
    ----------
    random_state : int, default=0
        The seed of the random positive problem each step is checked on.

    Returns
    -------
    list of (str, float)
        Each step's title and relative gap between its two sides; about 1e-15
        for an algebraic step and about 1e-8 where a finite-difference gradient
        is involved.

    Notes
    -----
    Explained in *The Kullback–Leibler divergence*.
    """
    return [(s.title, s.check(random_state)) for s in kl_derivation()]


# ---------------------------------------------------------------------------------------------
# The β-divergence family
# ---------------------------------------------------------------------------------------------


def _validate_entries(a, name):
    """``a`` as a float array of any shape (a scalar too), finite and non-negative, or raise."""
    if a is None or isinstance(a, (str, bytes)):
        raise TypeError(f"{name} must be a non-negative number or array of numbers, got {a!r}.")
    arr = np.asarray(a)
    if arr.dtype == object or np.iscomplexobj(arr) or not (np.issubdtype(arr.dtype, np.number)
                                                           or arr.dtype == bool):
        raise TypeError(f"{name} must hold real numbers, got dtype {arr.dtype}.")
    arr = arr.astype(np.float64)
    bad = ~np.isfinite(arr)
    if bad.any():
        where = tuple(int(v) for v in np.argwhere(bad)[0])
        raise ValueError(f"{name} has {int(bad.sum())} NaN or infinite entries; the first is at {where}.")
    neg = arr < 0
    if neg.any():
        where = tuple(int(v) for v in np.argwhere(neg)[0])
        raise ValueError(
            f"{name} has {int(neg.sum())} negative entries; the first is {name}{list(where)} = "
            f"{arr[where]:g}. The β-divergence is defined for non-negative numbers."
        )
    return arr


def _validate_beta(beta):
    if isinstance(beta, (bool, np.bool_)) or not isinstance(beta, numbers.Real):
        raise TypeError(f"beta must be a real number, got {beta!r} of type {type(beta).__name__}.")
    beta = float(beta)
    if not np.isfinite(beta):
        raise ValueError(f"beta must be a finite number, got {beta}.")
    return beta


def _d_beta(x, y, beta):
    """The kernel of :func:`d_beta` on validated, broadcast float arrays."""
    x, y = np.broadcast_arrays(x, y)
    out = np.zeros(x.shape)
    both = (x > 0) & (y > 0)
    xb, yb = x[both], y[both]
    if beta == 1:
        out[both] = K.xlog_ratio(xb, yb) - xb + yb
    elif beta == 0:
        with np.errstate(over="ignore"):
            out[both] = xb / yb - K.log_ratio(xb, yb) - 1
    else:
        with np.errstate(over="ignore"):   # a power that overflows is the infinite limit near 0
            out[both] = (xb**beta + (beta - 1) * yb**beta - beta * xb * yb ** (beta - 1)) / (beta * (beta - 1))
    x0 = (x == 0) & (y > 0)              # d(0 | y): y^β / β for β > 0, infinite otherwise
    out[x0] = y[x0] ** beta / beta if beta > 0 else np.inf
    y0 = (x > 0) & (y == 0)              # d(x | 0): x^β / (β(β − 1)) for β > 1, infinite otherwise
    out[y0] = x[y0] ** beta / (beta * (beta - 1)) if beta > 1 else np.inf
    out[x == y] = 0.0                     # exactly, also for x = y = 0 (the formulas round)
    np.maximum(out, 0.0, out=out)         # a rounding error below 0 would break D >= 0
    return out


def d_beta(x, y, beta):
    """The β-divergence of two non-negative numbers, entry by entry: ``d_β(x | y)``.

    For x, y > 0,

        d_β(x | y) = (x^β + (β − 1) y^β − β x y^(β−1)) / (β(β − 1))     for β ∉ {0, 1},
        d_1(x | y) = x log(x/y) − x + y                                  (Kullback–Leibler),
        d_0(x | y) = x/y − log(x/y) − 1                                  (Itakura–Saito),

    the limits of the first formula as β → 1 and β → 0; ``d_2(x | y) = (x − y)² / 2``.

    Parameters
    ----------
    x : float or array-like
        Non-negative, the data.
    y : float or array-like
        Non-negative, the approximation; broadcast against ``x``.
    beta : float
        Any real number.

    Returns
    -------
    ndarray
        Of the broadcast shape of x and y (0-d for two scalars). Zeros follow the
        limits: ``d_β(0 | 0) = 0``; ``d_β(0 | y) = y^β / β`` for β > 0 and ``inf``
        for β ≤ 0; ``d_β(x | 0) = x^β / (β(β − 1))`` for β > 1 and ``inf`` for β ≤ 1.
        Entries with x = y are exactly 0, and a rounding error below 0 (possible
        where x and y nearly agree) is returned as 0.

    Raises
    ------
    TypeError
        If x or y is not numeric, or beta is not a real number.
    ValueError
        If x or y has a negative, NaN or infinite entry, or beta is not finite.

    Notes
    -----
    Explained in *The Kullback–Leibler divergence*. It is homogeneous of degree
    β: ``d_β(cx | cy) = c^β d_β(x | y)`` for c > 0, so the squared error
    (β = 2) weights large entries most, KL (β = 1) scales linearly and
    Itakura–Saito (β = 0) is scale-invariant.

    References
    ----------
    Févotte, C., & Idier, J. (2011). Algorithms for nonnegative matrix
    factorization with the β-divergence. Neural Computation, 23(9), 2421–2456.
    """
    beta = _validate_beta(beta)
    x = _validate_entries(x, "x")
    y = _validate_entries(y, "y")
    try:
        np.broadcast_shapes(x.shape, y.shape)
    except ValueError:
        raise ValueError(f"x has shape {x.shape} and y has shape {y.shape}; they cannot be broadcast together.") from None
    return _d_beta(x, y, beta)


def beta_divergence(X, Y, beta):
    """The β-divergence of two non-negative matrices: ``Σ_ij d_β(X_ij | Y_ij)``.

    Parameters
    ----------
    X : array-like of shape (m, n)
        Non-negative, the data.
    Y : array-like of shape (m, n)
        Non-negative, the approximation (for NMF, ``W @ H``).
    beta : float
        2 gives ``½‖X − Y‖²_F``, 1 gives :func:`kl_divergence`, 0 the
        Itakura–Saito divergence.

    Returns
    -------
    float
        ``inf`` where :func:`d_beta` is infinite (for example ``Y_ij = 0 < X_ij``
        with β ≤ 1, or ``X_ij = 0 < Y_ij`` with β ≤ 0). For β = 0 scikit-learn
        skips the entries with ``X_ij = 0`` instead; on positive X they agree.

    Raises
    ------
    ValueError
        If the shapes differ, or on negative or non-finite entries.

    Notes
    -----
    Explained in *The Kullback–Leibler divergence*. scikit-learn's
    ``NMF(beta_loss=β).reconstruction_err_`` is ``sqrt(2 · beta_divergence(X, W @ H, β))``.
    """
    beta = _validate_beta(beta)
    X = validate_nonnegative(X, "X")
    Y = validate_nonnegative(Y, "Y")
    if X.shape != Y.shape:
        raise ValueError(f"X has shape {X.shape} but Y has shape {Y.shape}; they must match.")
    return float(np.sum(_d_beta(X, Y, beta)))
