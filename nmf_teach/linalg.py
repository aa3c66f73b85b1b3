"""The linear-algebra toolkit: traces, Frobenius norms, Hadamard operations,
the trace-gradient identities and a finite-difference gradient checker.

Explained in the chapter *The linear-algebra toolkit* (``book/02_linear_algebra``).
Every identity the book states is a function here, and ``tests/test_linalg.py``
checks it against the naive formula.
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np

from . import _kernels
from ._validation import as_matrix, validate_positive_scalar, validate_same_shape

__all__ = [
    "EPS",
    "trace",
    "trace_dot",
    "frobenius_norm",
    "frobenius_norm_via_trace",
    "hadamard",
    "safe_divide",
    "TraceGradientIdentity",
    "trace_gradient_identities",
    "numerical_gradient",
    "gradient_error",
]

#: The guard scikit-learn uses for a zero denominator: float32 machine epsilon.
EPS = _kernels.EPS


def trace(A):
    """Trace of a square matrix: the sum of its diagonal entries.

    Parameters
    ----------
    A : array-like of shape (n, n)

    Returns
    -------
    float

    Notes
    -----
    Explained in *The linear-algebra toolkit*.
    """
    A = as_matrix(A, "A")
    if A.shape[0] != A.shape[1]:
        raise ValueError(f"The trace needs a square matrix, but A has shape {A.shape}.")
    return float(np.trace(A))


def trace_dot(A, B):
    """``tr(A Bᵀ)`` computed as the flat dot product ``sum_ij A_ij B_ij``.

    This is the cheap way to evaluate the trace of a product: it never forms the
    (m, m) matrix ``A Bᵀ``, only an element-wise product, so it costs O(mn)
    instead of O(m²n).

    Parameters
    ----------
    A, B : array-like of shape (m, n)

    Returns
    -------
    float

    Notes
    -----
    Explained in *The linear-algebra toolkit*.
    """
    A = as_matrix(A, "A")
    B = as_matrix(B, "B")
    validate_same_shape(A, B, ("A", "B"))
    return _trace_dot(A, B)


def _trace_dot(A, B):
    return float(np.dot(A.ravel(), B.ravel()))


def frobenius_norm(A):
    """Frobenius norm ``sqrt(sum_ij A_ij²)``, computed directly from the entries.

    Parameters
    ----------
    A : array-like of shape (m, n)

    Returns
    -------
    float

    Notes
    -----
    Explained in *The linear-algebra toolkit*; compare
    :func:`frobenius_norm_via_trace`.
    """
    A = as_matrix(A, "A")
    return float(np.sqrt(np.sum(A * A)))


def frobenius_norm_via_trace(A):
    """Frobenius norm as ``sqrt(tr(AᵀA))``, forming ``AᵀA`` on purpose.

    This is the identity, not the fast way: it builds the (n, n) matrix ``AᵀA``
    so that a reader can see its diagonal hold the squared column norms.

    Parameters
    ----------
    A : array-like of shape (m, n)

    Returns
    -------
    float

    Notes
    -----
    Explained in *The linear-algebra toolkit*.
    """
    A = as_matrix(A, "A")
    return float(np.sqrt(np.trace(A.T @ A)))


def hadamard(A, B):
    """Hadamard (element-wise) product ``A ∘ B``.

    Parameters
    ----------
    A, B : array-like of shape (m, n)
        Both must have exactly the same shape: no broadcasting.

    Returns
    -------
    ndarray of shape (m, n)

    Notes
    -----
    Explained in *The linear-algebra toolkit*.
    """
    A = as_matrix(A, "A", allow_empty=True)
    B = as_matrix(B, "B", allow_empty=True)
    validate_same_shape(A, B, ("A", "B"))
    return A * B


def safe_divide(N, D):
    """Element-wise division ``N ⊘ D`` with exact zeros of ``D`` guarded.

    Entries of ``D`` that are exactly zero are replaced by :data:`EPS` (float32
    machine epsilon) before dividing, which is what scikit-learn does in its
    multiplicative update. Nothing is *added* to the other entries: adding eps
    everywhere would silently change the update into a penalized one.

    Parameters
    ----------
    N, D : array-like of shape (m, n)

    Returns
    -------
    ndarray of shape (m, n)

    Notes
    -----
    Explained in *The linear-algebra toolkit* and, for why the guard is needed,
    in *Deriving the multiplicative update*.
    """
    N = as_matrix(N, "N", allow_empty=True)
    D = as_matrix(D, "D", allow_empty=True)
    validate_same_shape(N, D, ("N", "D"))
    return _safe_divide(N, D)


def _safe_divide(N, D):
    """:func:`nmf_teach._kernels.guarded_divide` on a copy of D (the one place the guard is written)."""
    return _kernels.guarded_divide(N, np.array(D, dtype=float))


TraceGradientIdentity = namedtuple(
    "TraceGradientIdentity", ["name", "latex", "f", "grad", "shapes"]
)
TraceGradientIdentity.__doc__ = """One trace-gradient identity ∇_X f(X) = grad(A, X).

Fields
------
name : str
    A short name such as ``"tr(AX)"``.
latex : str
    The identity in LaTeX.
f : callable (A, X) -> float
    The scalar function of X.
grad : callable (A, X) -> ndarray
    The closed-form gradient the identity claims.
shapes : callable (m, n) -> (shape of A, shape of X)
    Compatible shapes for a random test.
"""


def trace_gradient_identities():
    """The four trace-gradient identities used to derive the NMF gradients.

    Returns
    -------
    list of TraceGradientIdentity
        ``∇_X tr(AX) = Aᵀ``, ``∇_X tr(XᵀA) = A``, ``∇_X tr(XᵀAX) = (A + Aᵀ)X`` and
        ``∇_X tr(XAXᵀ) = X(Aᵀ + A)``, each with a function, its claimed gradient
        and compatible shapes, so a reader can check any of them with
        :func:`gradient_error`.

    Notes
    -----
    Explained in *The linear-algebra toolkit*.
    """
    return [
        TraceGradientIdentity(
            "tr(AX)", r"\nabla_X \operatorname{tr}(AX) = A^\top",
            lambda A, X: float(np.trace(A @ X)), lambda A, X: A.T,
            lambda m, n: ((n, m), (m, n)),
        ),
        TraceGradientIdentity(
            "tr(X^T A)", r"\nabla_X \operatorname{tr}(X^\top A) = A",
            lambda A, X: float(np.trace(X.T @ A)), lambda A, X: A,
            lambda m, n: ((m, n), (m, n)),
        ),
        TraceGradientIdentity(
            "tr(X^T A X)", r"\nabla_X \operatorname{tr}(X^\top A X) = (A + A^\top)X",
            lambda A, X: float(np.trace(X.T @ A @ X)), lambda A, X: (A + A.T) @ X,
            lambda m, n: ((m, m), (m, n)),
        ),
        TraceGradientIdentity(
            "tr(X A X^T)", r"\nabla_X \operatorname{tr}(X A X^\top) = X(A^\top + A)",
            lambda A, X: float(np.trace(X @ A @ X.T)), lambda A, X: X @ (A.T + A),
            lambda m, n: ((n, n), (m, n)),
        ),
    ]


def _scalar_value(value):
    """``value`` as a float if it is a single real number, else a ``TypeError``."""
    if value is None or isinstance(value, (str, bytes, bool, np.bool_)):
        arr = None
    else:
        try:
            arr = np.asarray(value)
        except Exception:  # ragged lists and the like
            arr = None
    if arr is not None and arr.ndim > 0:
        what = f"an array of shape {arr.shape}"
    else:
        what = f"{value!r} of type {type(value).__name__}"
    if (
        arr is None
        or arr.ndim != 0
        or arr.dtype == bool
        or np.iscomplexobj(arr)
        or not np.issubdtype(arr.dtype, np.number)
    ):
        raise TypeError(
            f"f must return a single number (the value f(X), a real scalar), but it returned {what}."
        )
    return float(arr)


def numerical_gradient(f, X, *, h=1e-6):
    """Central finite-difference gradient of a scalar function of a matrix.

    Parameters
    ----------
    f : callable
        ``f(X) -> float`` for X of shape (m, n).
    X : array-like of shape (m, n)
        The point at which to differentiate.
    h : float, default=1e-6
        The step. Each entry costs two evaluations of ``f``.

    Returns
    -------
    G : ndarray of shape (m, n)
        ``G[i, j] ≈ (f(X + h E_ij) - f(X - h E_ij)) / (2h)``.

    Raises
    ------
    TypeError
        If ``f`` is not callable or does not return a single real number.
    ValueError
        If ``f`` returns NaN or inf near ``X``.

    Notes
    -----
    Explained in *The linear-algebra toolkit*.
    """
    X = as_matrix(X, "X")
    h = validate_positive_scalar(h, "h")
    if not callable(f):
        raise TypeError(f"f must be a function of a matrix, got {type(f).__name__}.")
    G = np.empty_like(X)
    Xp = X.copy()
    for idx in np.ndindex(X.shape):
        old = Xp[idx]
        Xp[idx] = old + h
        fp = _scalar_value(f(Xp))
        Xp[idx] = old - h
        fm = _scalar_value(f(Xp))
        Xp[idx] = old
        G[idx] = (fp - fm) / (2 * h)
    if not np.all(np.isfinite(G)):
        raise ValueError("f returned NaN or inf near X; the numerical gradient is undefined there.")
    return G


def gradient_error(f, grad, X, *, h=1e-6):
    """Relative error between a claimed gradient and the finite-difference one.

    Parameters
    ----------
    f : callable
        ``f(X) -> float``.
    grad : callable or array-like of shape (m, n)
        The claimed gradient, either as a function of X or already evaluated at X.
    X : array-like of shape (m, n)
    h : float, default=1e-6

    Returns
    -------
    float
        ``‖G_claimed - G_numeric‖_F / max(1, ‖G_numeric‖_F)``; around 1e-8 or
        smaller for a correct gradient of a smooth f in float64.

    Notes
    -----
    Explained in *The linear-algebra toolkit*.
    """
    X = as_matrix(X, "X")
    G_num = numerical_gradient(f, X, h=h)
    G = grad(X) if callable(grad) else grad
    G = as_matrix(G, "grad")
    validate_same_shape(G, X, ("grad", "X"))
    return float(np.linalg.norm(G - G_num) / max(1.0, np.linalg.norm(G_num)))
