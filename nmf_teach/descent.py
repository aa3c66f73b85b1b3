"""Gradient descent on small toy functions of one or two variables.

Explained in the chapter *Gradient descent* (``book/04_gradient_descent``),
which uses these runs to show what a learning rate does and why a non-convex
function can trap gradient descent in a local minimum before the same ideas
are applied to the NMF loss.
"""

from __future__ import annotations

import numbers

import numpy as np

from ._validation import check_positive_scalar

__all__ = ["gradient_descent", "double_well", "double_well_grad"]


def gradient_descent(grad, x0, learning_rate, n_steps=50):
    """Run plain gradient descent ``x ← x − η ∇f(x)`` and return every iterate.

    Parameters
    ----------
    grad : callable
        ``grad(x)`` returns the gradient of f at ``x``, with the shape of ``x``
        (a float for a function of one variable).
    x0 : float or array-like of shape (d,)
        The starting point.
    learning_rate : float
        The step size η > 0.
    n_steps : int, default=50
        The number of steps.

    Returns
    -------
    xs : ndarray of shape (n_steps + 1,) or (n_steps + 1, d)
        ``xs[0] = x0`` and ``xs[t]`` is the point after t steps. If an iterate
        overflows (a diverging run), the run stops at the last finite iterate,
        so ``xs`` is then shorter.

    Notes
    -----
    Explained in *Gradient descent*.

    Examples
    --------
    >>> xs = gradient_descent(lambda x: 2 * x, 1.0, 0.25, n_steps=3)  # f(x) = x²
    >>> [float(x) for x in xs]
    [1.0, 0.5, 0.25, 0.125]
    """
    if not callable(grad):
        raise TypeError(f"grad must be a function of x, got {type(grad).__name__}.")
    eta = check_positive_scalar(learning_rate, "learning_rate")
    if isinstance(n_steps, (bool, np.bool_)) or not isinstance(n_steps, numbers.Integral):
        raise TypeError(f"n_steps must be a non-negative integer, got {n_steps!r}.")
    if n_steps < 0:
        raise ValueError(f"n_steps must be a non-negative integer, got {n_steps}.")
    x = np.asarray(x0, dtype=np.float64)
    if x.ndim > 1:
        raise ValueError(f"x0 must be a number or a 1-D vector, but it has shape {x.shape}.")
    if not np.all(np.isfinite(x)):
        raise ValueError(f"x0 must be finite, got {x0!r}.")
    xs = [x.copy()]
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(int(n_steps)):
            g = np.asarray(grad(x), dtype=np.float64)
            if g.shape != x.shape:
                raise ValueError(f"grad(x) has shape {g.shape} but x has shape {x.shape}; they must match.")
            x = x - eta * g
            if not np.all(np.isfinite(x)):
                break
            xs.append(x.copy())
    return np.array(xs)


def double_well(x):
    """The tilted double well ``f(x) = x⁴ − 3x² + x``, a non-convex toy function.

    It has two local minima, near x ≈ −1.30 (the global one) and x ≈ 1.13
    (a local one, higher), separated by a local maximum near x ≈ 0.17.

    Parameters
    ----------
    x : float or ndarray

    Returns
    -------
    float or ndarray, like ``x``

    Notes
    -----
    Explained in *Gradient descent*.
    """
    x = np.asarray(x, dtype=np.float64)
    return x**4 - 3 * x**2 + x


def double_well_grad(x):
    """Derivative of :func:`double_well`: ``f'(x) = 4x³ − 6x + 1``.

    Parameters
    ----------
    x : float or ndarray

    Returns
    -------
    float or ndarray, like ``x``

    Notes
    -----
    Explained in *Gradient descent*.
    """
    x = np.asarray(x, dtype=np.float64)
    return 4 * x**3 - 6 * x + 1
