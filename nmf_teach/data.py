"""Data for the book: the food-order toy matrix, planted low-rank data, digits, planted ratings.

Nothing here touches the network: the toy matrix is written out, planted data
is generated from a seed, and the digits ship with scikit-learn.

Explained in *The pizza, chicken and burger+fries example* (``book/09_pizza``)
and used throughout; :func:`ratings`, the food-order story grown into a mostly
unobserved users × dishes matrix, in *Predicting missing entries*
(``book/14_missing_entries``).
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np

from ._validation import validate_random_state, random_integers
from ._validation import integer, optional, random_state, real, validate_params

__all__ = [
    "LabeledMatrix", "food_orders", "food_orders_truth", "planted_nmf", "digits", "Ratings", "RATING_MENUS", "ratings",
]

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


@validate_params({"m": integer(), "n": integer(), "n_components": integer(), "noise": real(allow_zero=True),
                  "random_state": random_state()})
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
    random_state : None, int or numpy.random.Generator, default=0
        An int gives the same data on every run (``numpy.random.RandomState``);
        ``None`` fresh data (:func:`nmf_teach._validation.validate_random_state`).

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
    k = n_components
    rng = validate_random_state(random_state)
    W = rng.uniform(size=(m, k))
    H = rng.uniform(size=(k, n))
    X = W @ H
    if noise > 0:
        X = np.maximum(X + noise * rng.standard_normal(size=(m, n)), 0.0)
    return X, W, H


@validate_params({"n_samples": optional(integer())})
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
        if n_samples > X.shape[0]:
            raise ValueError(
                f"n_samples is {n_samples}, but the digits data set has only {X.shape[0]} images; "
                f"pass n_samples <= {X.shape[0]} (or None for all of them)."
            )
        X, y = X[:n_samples], y[:n_samples]
    return X, y


# ----------------------------------------------------------------------------- ratings

#: The latent tastes of :func:`ratings`: the three menus of the food-order example and a fourth.
RATING_MENUS = ("pizza", "chicken", "burger+fries", "salad")
# Ten dishes per menu; a dish listed with a second menu belongs partly to it too.
_DISHES = {
    "pizza": ["margherita", "pepperoni pizza", "hawaiian pizza", "four-cheese pizza", "veggie pizza",
              "bulgogi pizza", "potato pizza", "calzone", "garlic bread", "pizza bianca"],
    "chicken": ["fried chicken", "spicy chicken", "soy garlic chicken", "chicken wings", "yangnyeom chicken",
                "roast chicken", "popcorn chicken", "chicken tenders", "chicken nuggets", "chicken burger"],
    "burger+fries": ["cheeseburger", "bacon burger", "double burger", "veggie burger", "fish burger",
                     "fries", "cheese fries", "onion rings", "chili fries", "milkshake"],
    "salad": ["caesar salad", "greek salad", "garden salad", "caprese salad", "cobb salad", "tuna salad",
              "poke bowl", "quinoa bowl", "fruit salad", "chicken salad"],
}
_SECOND_MENU = {"chicken burger": "burger+fries", "chicken salad": "chicken", "veggie pizza": "salad"}

Ratings = namedtuple(
    "Ratings", ["X", "X_true", "mask", "W_true", "H_true", "users", "items", "menus", "item_menu"]
)
Ratings.__doc__ = """Planted ratings of dishes by users, with the truth behind them (:func:`ratings`).

Fields
------
X : ndarray of shape (m, n)
    The star rating (1 to 5) every user *would* give every dish. A recommender
    may only look at ``X[mask]``; the rest is there to measure predictions.
X_true : ndarray of shape (m, n)
    The noise-free expected rating ``W_true @ H_true``.
mask : ndarray of bool, shape (m, n)
    True where the rating is observed (the user has rated that dish).
W_true : ndarray of shape (m, k)
    Taste weights of the users, one column per menu.
H_true : ndarray of shape (k, n)
    What each dish is worth to a user of each taste.
users : list of str, length m
items : list of str, length n
    Dish names.
menus : list of str, length k
    The tastes (latent factors), :data:`RATING_MENUS`.
item_menu : ndarray of int, shape (n,)
    The menu each dish is listed under (an index into ``menus``).
"""


@validate_params({"n_users": integer(), "n_items": integer(), "observed": real(), "noise": real(allow_zero=True),
                  "min_ratings": integer(low=0), "random_state": random_state()})
def ratings(n_users=300, n_items=40, *, observed=0.3, noise=0.3, min_ratings=10, random_state=0):
    """Seeded star ratings of dishes by users, from planted non-negative tastes, mostly unobserved.

    The food-order story of :func:`food_orders` grown into a recommender: a
    delivery app lists dishes under four menus (pizza, chicken, burger+fries,
    salad); every user has a taste for each menu and rates dishes from 1 to 5
    stars; users have rated only a few dishes.

    The model, with k = 4 menus:

    - taste shares ``θ_u ~ Dirichlet(0.4, ..., 0.4)`` (most users love one or
      two menus) times a generosity ``g_u ~ U(0.85, 1.15)``: ``W_true = g ∘ θ``;
    - the value of dish j to taste r, ``H_true[r, j] = 1.5 + q_j + 3.2 · a_rj``,
      where ``a_rj`` is 1 if the dish is on menu r and smaller for a second
      menu it appeals to (0.6 for the three dishes named for two menus, such
      as the chicken burger, ``U(0, 0.5)`` for a random second menu of every
      other dish), and ``q_j ~ U(−0.3, 0.3)`` is its quality; so
      ``X_true = W_true H_true`` has rank 4 and lies between about 1 and 5.5;
    - the stars: ``X = clip(round(X_true + noise · N(0, 1)), 1, 5)``;
    - who rated what: user u rates ``min_ratings`` dishes plus a number
      proportional to a log-normal *activity* (heavy-tailed: a few users rate
      a lot), scaled so that about a share ``observed`` of the entries is
      observed; the dishes are drawn without replacement with probability
      proportional to a log-normal *popularity* (a few dishes are rated by
      many). So entry (u, j) is observed more often the more active u and the
      more popular j. Every dish gets at least one rating.

    Parameters
    ----------
    n_users : int, default=300
    n_items : int, default=40
        Dishes are dealt to the menus in turn (pizza, chicken, burger+fries,
        salad, pizza, ...); the 40 named dishes come first, further ones are
        called e.g. "pizza special 11".
    observed : float, default=0.3
        The share of observed entries, in (0, 1]; it cannot be below
        ``min_ratings / n_items`` (then that is the share).
    noise : float, default=0.3
        Standard deviation of the Gaussian noise before rounding to stars.
    min_ratings : int, default=10
        Every user rates at least this many dishes (at most ``n_items``).
    random_state : None, int or numpy.random.Generator, default=0
        An int gives the same ratings on every run; ``None`` fresh ones
        (:func:`nmf_teach._validation.validate_random_state`).

    Returns
    -------
    Ratings
        ``X, X_true, mask, W_true, H_true, users, items, menus, item_menu``.

    Notes
    -----
    Explained in *Predicting missing entries*.
    """
    m, n = n_users, n_items
    if observed > 1:
        raise ValueError(f"observed is a share of the entries and must lie in (0, 1], got {observed}.")
    if n < len(RATING_MENUS):
        raise ValueError(f"n_items must be at least {len(RATING_MENUS)} (one dish per menu), got {n}.")
    if min_ratings > n:
        raise ValueError(f"min_ratings = {min_ratings} but there are only n_items = {n} dishes to rate.")
    rng = np.random.default_rng(random_integers(validate_random_state(random_state), 0, 2**31))
    k = len(RATING_MENUS)

    items, item_menu, member = [], np.empty(n, dtype=int), np.zeros((k, n))
    counters = [0] * k
    for j in range(n):
        r = j % k
        menu = RATING_MENUS[r]
        c = counters[r]
        counters[r] += 1
        name = _DISHES[menu][c] if c < len(_DISHES[menu]) else f"{menu} special {c + 1}"
        items.append(name)
        item_menu[j] = r
        member[r, j] = 1.0
        if name in _SECOND_MENU:
            member[RATING_MENUS.index(_SECOND_MENU[name]), j] = 0.6

    for j in range(n):                            # most dishes appeal a little to a second menu
        if member[:, j].sum() == 1.0:
            second = rng.choice([r for r in range(k) if r != item_menu[j]])
            member[second, j] = rng.uniform(0.0, 0.5)

    theta = rng.dirichlet(np.full(k, 0.4), size=m)
    generosity = rng.uniform(0.85, 1.15, size=(m, 1))
    W_true = generosity * theta
    quality = rng.uniform(-0.3, 0.3, size=n)
    H_true = 1.5 + quality + 3.2 * member
    X_true = W_true @ H_true
    X = np.clip(np.rint(X_true + noise * rng.standard_normal((m, n))), 1, 5)

    # Who rated what: a heavy-tailed number of ratings per user (activity), and dishes drawn without
    # replacement with probability proportional to their heavy-tailed popularity (Gumbel top-k).
    activity = rng.lognormal(0.0, 1.0, size=m)
    popularity = rng.lognormal(0.0, 0.8, size=n)
    target = observed * m * n

    def counts(scale):
        return np.minimum(n, min_ratings + np.rint(scale * activity)).astype(int)

    lo, hi = 0.0, float(n) / activity.min()
    if counts(hi).sum() <= target:                # even the largest scale cannot reach the share
        lo = hi
    for _ in range(100):                          # the scale whose counts add up to the share
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if counts(mid).sum() < target else (lo, mid)
    n_rated = counts(hi)
    keys = np.log(popularity) - np.log(-np.log(rng.uniform(size=(m, n))))
    order = np.argsort(-keys, axis=1, kind="stable")
    mask = np.zeros((m, n), dtype=bool)
    for u in range(m):
        mask[u, order[u, : n_rated[u]]] = True
    for j in np.flatnonzero(~mask.any(axis=0)):   # every dish rated at least once
        mask[np.argmax(keys[:, j]), j] = True

    users = [f"user {u}" for u in range(m)]
    return Ratings(X, X_true, mask, W_true, H_true, users, items, list(RATING_MENUS), item_menu)
