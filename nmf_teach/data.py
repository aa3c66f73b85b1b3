"""Data for the book: the food-order toy matrix, planted low-rank data, digits.

Nothing here touches the network: the toy matrix is written out, planted data
is generated from a seed, and the digits ship with scikit-learn.

Explained in *The pizza, chicken and burger+fries example* (``book/09_pizza``)
and used throughout.
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np

from ._validation import check_positive_int, check_n_components, check_positive_scalar
from .solvers import _seed

__all__ = ["LabeledMatrix", "food_orders", "food_orders_truth", "planted_nmf", "digits"]

LabeledMatrix = namedtuple("LabeledMatrix", ["X", "row_labels", "col_labels"])
LabeledMatrix.__doc__ = """A matrix with names for its rows and columns.

Fields
------
X : ndarray of shape (m, n)
row_labels : list of str, length m
col_labels : list of str, length n
"""

_FOODS = ["pizza", "chicken", "burger", "fries"]
_CUSTOMERS = [f"customer {i}" for i in range(1, 7)]
# How many of each menu each customer ordered: pizza, chicken, burger+fries.
_W_TRUE = np.array(
    [[1, 1, 2], [1, 0, 0], [1, 1, 1], [1, 0, 1], [0, 1, 3], [1, 1, 0]], dtype=float
)
# The three menus as items: burger and fries are always bought together.
_H_TRUE = np.array([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 1]], dtype=float)


def food_orders():
    """The 6 × 4 order matrix of the pizza / chicken / burger+fries example.

    Rows are six customers, columns the items pizza, chicken, burger, fries;
    an entry counts how many of that item the customer bought.

    Returns
    -------
    LabeledMatrix
        ``X`` of shape (6, 4) with its row and column labels.

    Notes
    -----
    The example comes from Bumjin Park's introduction to NMF (source 003).
    Explained in *The pizza, chicken and burger+fries example*.
    """
    return LabeledMatrix(_W_TRUE @ _H_TRUE, list(_CUSTOMERS), list(_FOODS))


def food_orders_truth():
    """The designed factorization of :func:`food_orders`: ``X = W_true H_true``.

    Returns
    -------
    W_true : ndarray of shape (6, 3)
        Packs of each menu (pizza, chicken, burger+fries) each customer bought.
    H_true : ndarray of shape (3, 4)
        The menus as one-hot item vectors; burger+fries is [0, 0, 1, 1].
    menu_labels : list of str

    Notes
    -----
    Explained in *The pizza, chicken and burger+fries example*.
    """
    return _W_TRUE.copy(), _H_TRUE.copy(), ["pizza", "chicken", "burger+fries"]


def planted_nmf(m, n, n_components, *, noise=0.0, random_state=0):
    """Seeded non-negative data with a planted rank-k factorization.

    Parameters
    ----------
    m, n : int
        The shape of X.
    n_components : int
        The planted rank k.
    noise : float, default=0.0
        Standard deviation of Gaussian noise added to ``W_true H_true``; the
        result is clipped at 0 so X stays non-negative.
    random_state : int or None, default=0

    Returns
    -------
    X : ndarray of shape (m, n)
    W_true : ndarray of shape (m, k)
        Uniform [0, 1) entries.
    H_true : ndarray of shape (k, n)
        Uniform [0, 1) entries.

    Notes
    -----
    Used from *Why NMF* on; explained in *The NMF problem*.
    """
    m = check_positive_int(m, "m")
    n = check_positive_int(n, "n")
    k = check_n_components(n_components)
    noise = check_positive_scalar(noise, "noise", allow_zero=True)
    rng = _seed(random_state)
    W = rng.uniform(size=(m, k))
    H = rng.uniform(size=(k, n))
    X = W @ H
    if noise > 0:
        X = np.maximum(X + noise * rng.standard_normal(size=(m, n)), 0.0)
    return X, W, H


def digits(n_samples=None):
    """scikit-learn's bundled 8 × 8 handwritten digits, scaled to [0, 1].

    Parameters
    ----------
    n_samples : int, optional
        Keep only the first ``n_samples`` images (all 1797 by default).

    Returns
    -------
    X : ndarray of shape (n_samples, 64)
        One flattened image per row; no network access needed.
    y : ndarray of shape (n_samples,)
        The digit labels.

    Raises
    ------
    TypeError
        If ``n_samples`` is not an integer.
    ValueError
        If ``n_samples`` is not positive or exceeds the 1797 images available.

    Notes
    -----
    Explained in *Why NMF*.
    """
    from sklearn.datasets import load_digits

    d = load_digits()
    X, y = d.data / 16.0, d.target
    if n_samples is not None:
        n_samples = check_positive_int(n_samples, "n_samples")
        if n_samples > X.shape[0]:
            raise ValueError(
                f"n_samples is {n_samples}, but the digits data set has only {X.shape[0]} images; "
                f"pass n_samples <= {X.shape[0]} (or None for all of them)."
            )
        X, y = X[:n_samples], y[:n_samples]
    return X, y
