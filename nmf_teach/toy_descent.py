"""Gradient descent on small toy functions of one or two variables.

Explained in the chapter *Gradient descent* (``book/04_gradient_descent``),
which uses these runs to show what a learning rate does and why a non-convex
function can trap gradient descent in a local minimum before the same ideas
are applied to the NMF loss.
"""

from __future__ import annotations

import warnings

import numpy as np

from ._validation import as_real_array, validate_nonneg_int, validate_positive_scalar

__all__ = ["gradient_descent", "double_well", "double_well_grad"]


def _as_point(x, name):
    """``x`` as a finite float64 scalar or 1-D vector, or a clear error."""
    arr = as_real_array(x, name, ndim=(0, 1), what="a real number or a 1-D vector of real numbers",
                        shape_text="a number or a 1-D vector", allow_bool=False, finite=False)
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite, got {x!r}.")
    return arr


def _is_nonfinite_number(g):
    """Whether ``g`` is numeric and has a NaN or infinite entry."""
    try:
        arr = np.asarray(g, dtype=np.float64)
    except (TypeError, ValueError):
        return False
    return not np.all(np.isfinite(arr))


def _as_gradient(g, x, t):
    """Check what ``grad`` returned at step ``t`` (counting from 0) at the point ``x``."""
    where = f"at step {t + 1} (x = {x.tolist()!r})"
    if g is None:
        raise ValueError(f"grad(x) returned None {where}; it must return the gradient, a number like x.")
    try:
        arr = np.asarray(g)
    except Exception:
        raise ValueError(f"grad(x) returned {g!r} {where}, which is not a number or a vector.") from None
    if arr.dtype == bool or np.iscomplexobj(arr) or not np.issubdtype(arr.dtype, np.number):
        raise ValueError(f"grad(x) returned {g!r} {where}; it must return real numbers.")
    arr = arr.astype(np.float64)
    if arr.shape != x.shape:
        raise ValueError(f"grad(x) has shape {arr.shape} but x has shape {x.shape}; they must match.")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"grad(x) returned NaN or inf {where}; the gradient must be finite.")
    return arr


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

    Raises
    ------
    TypeError
        If ``grad`` is not callable, or ``x0``, ``learning_rate`` or ``n_steps``
        has the wrong type (``x0`` must be real: a string or complex number is refused).
    ValueError
        If ``x0`` is empty, not finite or more than 1-D, or ``grad(x)`` returns
        None, NaN, inf or the wrong shape at some step (the message names the step).

    Warns
    -----
    RuntimeWarning
        If an iterate overflows; the run then stops at the last finite iterate.

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
    eta = validate_positive_scalar(learning_rate, "learning_rate")
    n_steps = validate_nonneg_int(n_steps, "n_steps")
    x = _as_point(x0, "x0")
    xs = [x.copy()]
    for t in range(n_steps):
        overflowed = []
        with np.errstate(over="call", invalid="ignore", call=lambda kind, flag: overflowed.append(kind)):
            g = grad(x)
        diverged = bool(overflowed) and _is_nonfinite_number(g)
        if not diverged:
            g = _as_gradient(g, x, t)
            with np.errstate(over="ignore", invalid="ignore"):
                x_new = x - eta * g
            diverged = not np.all(np.isfinite(x_new))
        if diverged:
            warnings.warn(
                f"gradient descent diverged at step {t + 1}: the iterate overflowed "
                f"(learning_rate={learning_rate}). Returning the {len(xs)} iterate(s) up to the "
                "last finite one; lower the learning rate.",
                RuntimeWarning,
                stacklevel=2,
            )
            break
        x = x_new
        xs.append(x.copy())
    return np.array(xs)


def _as_real(x, name="x"):
    """``x`` as a float64 array of any shape, or a ``TypeError`` saying what it is."""
    return as_real_array(x, name, what="a real number or an array of real numbers", allow_bool=False,
                         allow_empty=True, finite=False)


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
    x = _as_real(x)
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
    x = _as_real(x)
    return 4 * x**3 - 6 * x + 1
