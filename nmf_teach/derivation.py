"""The multiplicative update derived from gradient descent, one checked step at a time.

:func:`mu_derivation` returns the derivation as an ordered list of
:class:`DerivationStep`: each carries its LaTeX, a sentence saying why it holds,
and a numeric check that evaluates both sides of the step on random positive
matrices. The chapter *Deriving the multiplicative update*
(``book/05_multiplicative_update``) walks through it; ``tests/test_derivation.py``
verifies every step.

The derivation follows source 001, with four corrections: the rate multiplies
the gradient once (the source writes an extra ``H ∘`` in front of it); the
gradient of ``‖X − WH‖²_F`` carries a factor 2, so the data-driven rate that
gives exactly the MU step is ``η_H = H ⊘ (2WᵀWH)`` (source 001 drops the 2 as
"a constant"); ``(WᵀWH) ⊘ (WᵀWH)`` is J, the all-ones matrix, the identity of
the Hadamard product, not the identity matrix ``I``; and the final rule has
``WᵀX`` in the numerator, not ``WᵀH``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from ._validation import check_positive_int, check_n_components
from .linalg import _safe_divide, numerical_gradient
from .objective import _gradient_H, _gradient_W, _loss
from .solvers import _seed
from .updates import _mu_H, _mu_W

__all__ = ["DerivationStep", "mu_derivation", "verify_derivation", "random_problem", "KINDS"]

#: What a step's numeric check compares (see :class:`DerivationStep`).
KINDS = ("identity", "finite difference", "package")


@dataclass(frozen=True)
class DerivationStep:
    """One step of a derivation.

    Attributes
    ----------
    title : str
        What the step does, in a few words.
    latex : str
        The step as a LaTeX equation (for ``$$ ... $$``).
    why : str
        The reason it holds.
    sides : callable (X, W, H) -> (ndarray or float, ndarray or float)
        Both sides of the equation evaluated at a problem.
    kind : {"identity", "finite difference", "package"}, default="identity"
        What the numeric check can catch. "identity": the two sides are two
        rearrangements of one expression, so they agree for any numbers and the
        check only catches a slip in the formula as written. "finite
        difference": a claimed gradient against a numerical one, a real test
        of the calculus. "package": the formula against the package's code.
    """

    title: str
    latex: str
    why: str
    sides: Callable
    kind: str = "identity"

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, got {self.kind!r}.")

    def evaluate(self, random_state=0, *, shape=(6, 5, 3)):
        """Both sides of the step on a random positive problem.

        Parameters
        ----------
        random_state : int, default=0
        shape : tuple (m, n, k), default=(6, 5, 3)

        Returns
        -------
        lhs, rhs : ndarray
            The left and the right side, as float arrays (0-d for a number).
        """
        X, W, H = random_problem(*shape, random_state=random_state)
        return tuple(np.asarray(s, dtype=float) for s in self.sides(X, W, H))

    def check(self, random_state=0, *, shape=(6, 5, 3)):
        """Largest relative gap between the two sides on a random positive problem.

        Parameters
        ----------
        random_state : int, default=0
        shape : tuple (m, n, k), default=(6, 5, 3)

        Returns
        -------
        float
            ``max|lhs − rhs| / max(1, max|rhs|)``; about 1e-15 for an exact
            algebraic step, about 1e-8 where a finite difference is involved.
        """
        lhs, rhs = self.evaluate(random_state, shape=shape)
        if lhs.shape != rhs.shape:
            raise ValueError(f"Step {self.title!r}: sides have shapes {lhs.shape} and {rhs.shape}.")
        return float(np.max(np.abs(lhs - rhs)) / max(1.0, float(np.max(np.abs(rhs)))))


def random_problem(m=6, n=5, k=3, *, random_state=0):
    """Random strictly positive X, W and H, a small problem for checking steps.

    Every entry is drawn uniformly from [0.1, 1), so no factor has a zero and
    every denominator of the multiplicative update is positive. X is *not*
    ``W @ H``: the problem has a nonzero residual, as real data does.

    Parameters
    ----------
    m : int, default=6
        Number of rows of X (samples).
    n : int, default=5
        Number of columns of X (features).
    k : int, default=3
        Number of components.
    random_state : int, None or numpy RandomState, default=0
        The seed; ``None`` means 0, so the numbers are the same on every run.

    Returns
    -------
    X : ndarray of shape (m, n)
    W : ndarray of shape (m, k)
    H : ndarray of shape (k, n)

    Raises
    ------
    TypeError
        If m, n or k is not an integer, or ``random_state`` has the wrong type.
    ValueError
        If m, n or k is not positive, or ``random_state`` is negative.

    Notes
    -----
    Explained in *Deriving the multiplicative update*, which checks each step
    of the derivation on such a problem.

    Examples
    --------
    >>> X, W, H = random_problem(6, 5, 3)
    >>> X.shape, W.shape, H.shape
    ((6, 5), (6, 3), (3, 5))
    """
    m = check_positive_int(m, "m")
    n = check_positive_int(n, "n")
    k = check_positive_int(k, "k")
    rng = _seed(random_state)
    return (rng.uniform(0.1, 1.0, size=(m, n)), rng.uniform(0.1, 1.0, size=(m, k)),
            rng.uniform(0.1, 1.0, size=(k, n)))


def _f_of_H(X, W):
    return lambda H: _loss(X, W, H)


def mu_derivation():
    """The derivation of the multiplicative update for H (and, by symmetry, W).

    Returns
    -------
    list of DerivationStep
        In order: the objective as a trace, its expansion, the gradient of each
        trace term, the gradient, the gradient step, the data-driven learning
        rate, the substitution, the cancellation, the update rule for H, and the
        update rule for W.

    Notes
    -----
    Explained in *Deriving the multiplicative update*.
    """
    tr = np.trace
    return [
        DerivationStep(
            "The objective as a trace",
            r"\|X - WH\|_F^2 = \operatorname{tr}\big((X - WH)^\top (X - WH)\big)",
            "The squared Frobenius norm of a matrix A is tr(AᵀA).",
            lambda X, W, H: (_loss(X, W, H), tr((X - W @ H).T @ (X - W @ H))),
        ),
        DerivationStep(
            "Expand the product",
            r"\operatorname{tr}\big((X - WH)^\top (X - WH)\big) = \operatorname{tr}(X^\top X)"
            r" - \operatorname{tr}(X^\top W H) - \operatorname{tr}(H^\top W^\top X)"
            r" + \operatorname{tr}(H^\top W^\top W H)",
            "(X − WH)ᵀ = Xᵀ − HᵀWᵀ, then the trace is linear.",
            lambda X, W, H: (
                tr((X - W @ H).T @ (X - W @ H)),
                tr(X.T @ X) - tr(X.T @ W @ H) - tr(H.T @ W.T @ X) + tr(H.T @ W.T @ W @ H),
            ),
        ),
        DerivationStep(
            "Gradient of tr(XᵀWH)",
            r"\nabla_H \operatorname{tr}(X^\top W H) = (X^\top W)^\top = W^\top X",
            "∇_X tr(AX) = Aᵀ with A = XᵀW.",
            lambda X, W, H: (numerical_gradient(lambda G: tr(X.T @ W @ G), H), W.T @ X),
            kind="finite difference",
        ),
        DerivationStep(
            "Gradient of tr(HᵀWᵀX)",
            r"\nabla_H \operatorname{tr}(H^\top W^\top X) = W^\top X",
            "∇_X tr(XᵀA) = A with A = WᵀX.",
            lambda X, W, H: (numerical_gradient(lambda G: tr(G.T @ W.T @ X), H), W.T @ X),
            kind="finite difference",
        ),
        DerivationStep(
            "Gradient of tr(HᵀWᵀWH)",
            r"\nabla_H \operatorname{tr}(H^\top W^\top W H) = \big(W^\top W + (W^\top W)^\top\big) H = 2 W^\top W H",
            "∇_X tr(XᵀAX) = (A + Aᵀ)X with A = WᵀW, which is symmetric.",
            lambda X, W, H: (numerical_gradient(lambda G: tr(G.T @ W.T @ W @ G), H), 2 * W.T @ W @ H),
            kind="finite difference",
        ),
        DerivationStep(
            "The gradient in H",
            r"\nabla_H \|X - WH\|_F^2 = -2 W^\top X + 2 W^\top W H",
            "Add the three term gradients; tr(XᵀX) does not depend on H.",
            lambda X, W, H: (numerical_gradient(_f_of_H(X, W), H), _gradient_H(X, W, H)),
            kind="finite difference",
        ),
        DerivationStep(
            "A gradient step with an element-wise rate",
            r"H - \eta_H \circ \nabla_H \|X - WH\|_F^2 = H + 2\,\eta_H \circ (W^\top X - W^\top W H)",
            "Substitute the gradient; the minus signs flip.",
            lambda X, W, H: (
                H - _rate(W, H) * _gradient_H(X, W, H),
                H + 2 * _rate(W, H) * (W.T @ X - W.T @ W @ H),
            ),
        ),
        DerivationStep(
            "The data-driven learning rate",
            r"\eta_H = \frac{H}{2\, W^\top W H} \quad\Longrightarrow\quad "
            r"H + H \circ \frac{W^\top X}{W^\top W H} - H \circ \frac{W^\top W H}{W^\top W H}",
            "Choose each entry's rate so that the negative term cancels H; division is element-wise.",
            lambda X, W, H: (
                H + 2 * _rate(W, H) * (W.T @ X - W.T @ W @ H),
                H + H * (W.T @ X) / (W.T @ W @ H) - H * (W.T @ W @ H) / (W.T @ W @ H),
            ),
        ),
        DerivationStep(
            "Cancel",
            r"\frac{W^\top W H}{W^\top W H} = J, \qquad H \circ J = H",
            "An element-wise ratio of a matrix with itself is J, the all-ones matrix, "
            "the identity of the Hadamard product (not the identity matrix I).",
            lambda X, W, H: (H * (W.T @ W @ H) / (W.T @ W @ H), H),
        ),
        DerivationStep(
            "The multiplicative update of H",
            r"H \leftarrow H \circ \frac{W^\top X}{W^\top W H}",
            "H + H ∘ (WᵀX ⊘ WᵀWH) − H; this is the gradient step with rate η_H.",
            lambda X, W, H: (H - _rate(W, H) * _gradient_H(X, W, H), _mu_H(X, W, H)),
            kind="package",
        ),
        DerivationStep(
            "The multiplicative update of W",
            r"W \leftarrow W \circ \frac{X H^\top}{W H H^\top}",
            "The same steps with ∇_W = −2XHᵀ + 2WHHᵀ and η_W = W ⊘ (2WHHᵀ).",
            lambda X, W, H: (
                W - _safe_divide(W, 2 * W @ H @ H.T) * _gradient_W(X, W, H),
                _mu_W(X, W, H),
            ),
            kind="package",
        ),
    ]


def _rate(W, H):
    """η_H for this package's loss (with the factor 2 of its gradient)."""
    return _safe_divide(H, 2 * (W.T @ W) @ H)


def verify_derivation(random_state=0):
    """Check every step of :func:`mu_derivation`.

    Parameters
    ----------
    random_state : int, default=0
        The seed of the :func:`random_problem` each step is checked on.

    Returns
    -------
    list of (str, float)
        Each step's title and relative gap (see :meth:`DerivationStep.check`);
        every gap is near 1e-8 or smaller when the derivation is right.

    Notes
    -----
    Explained in *Deriving the multiplicative update*.
    """
    return [(s.title, s.check(random_state)) for s in mu_derivation()]
