"""Input checks shared by every public function of :mod:`nmf_teach`.

Each check turns bad input into a ``ValueError`` or ``TypeError`` whose message
says what is wrong and where (for example how many negative entries a matrix
has and the position and value of the first one), so a reader never meets a
silent NaN or a raw numpy broadcasting error.
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = [
    "as_matrix",
    "check_nonnegative",
    "check_n_components",
    "check_nonneg_int",
    "check_factor",
    "check_option",
    "check_positive_scalar",
    "check_same_shape",
    "check_random_state",
    "random_integers",
    "check_sparse_nonnegative",
    "check_data",
    "check_learning_rate",
]


def _first_index(mask):
    """Position of the first True entry of a boolean array, as a tuple of ints."""
    return tuple(int(i) for i in np.unravel_index(int(np.argmax(mask)), mask.shape))


def _is_sparse(A):
    """Whether ``A`` is a scipy sparse matrix or array (scipy is imported only if needed)."""
    if not hasattr(A, "toarray"):
        return False
    try:
        from scipy import sparse
    except ImportError:  # pragma: no cover - scipy is a dependency of scikit-learn
        return hasattr(A, "nnz")
    return bool(sparse.issparse(A))


def as_matrix(A, name="X", *, allow_empty=False):
    """Return ``A`` as a finite 2-D float64 array, or raise a clear error.

    Parameters
    ----------
    A : array-like of shape (m, n)
        Anything numpy can turn into a real 2-D array. Integers and booleans are
        converted to float.
    name : str
        The name used in error messages, e.g. ``"X"`` or ``"W0"``.
    allow_empty : bool
        Whether a matrix with a zero dimension is accepted.

    Returns
    -------
    A : ndarray of shape (m, n), dtype float64
        A new array when a conversion was needed; otherwise ``A`` itself.

    Raises
    ------
    TypeError
        If ``A`` is ``None``, a string, a scipy sparse matrix (pass ``A.toarray()``),
        or holds non-numeric or complex values.
    ValueError
        If ``A`` is not 2-D, is empty, or has NaN or infinite entries.
    """
    if A is None:
        raise TypeError(f"{name} is None; expected a 2-D array of real numbers.")
    if isinstance(A, (str, bytes)):
        raise TypeError(f"{name} is a string; expected a 2-D array of real numbers.")
    if _is_sparse(A):
        raise TypeError(
            f"{name} is a scipy sparse matrix ({type(A).__name__}); sparse input is not "
            f"supported here. Pass a dense array instead, e.g. {name}.toarray()."
        )
    try:
        arr = np.asarray(A)
    except Exception as exc:  # ragged lists and the like
        raise ValueError(
            f"{name} could not be turned into an array ({exc}); expected a 2-D array "
            "of real numbers with rows of equal length."
        ) from None
    if arr.dtype == object:
        raise ValueError(
            f"{name} has rows of different lengths or non-numeric entries; expected a 2-D "
            "array of real numbers."
        )
    if np.iscomplexobj(arr):
        raise TypeError(f"{name} has complex entries (dtype {arr.dtype}); NMF needs real numbers.")
    if not (np.issubdtype(arr.dtype, np.number) or arr.dtype == bool):
        raise TypeError(f"{name} has dtype {arr.dtype}; expected real numbers.")
    if arr.ndim != 2:
        raise ValueError(
            f"{name} must be 2-D (a matrix), but it has {arr.ndim} dimension(s) and shape "
            f"{arr.shape}. Reshape a vector with .reshape(1, -1) or .reshape(-1, 1)."
        )
    if arr.size == 0 and not allow_empty:
        raise ValueError(f"{name} is empty (shape {arr.shape}); it needs at least one row and one column.")
    arr = np.asarray(arr, dtype=np.float64)
    if arr.size:
        bad = ~np.isfinite(arr)
        if bad.any():
            where = _first_index(bad)
            raise ValueError(
                f"{name} has {int(bad.sum())} NaN or infinite entries; the first is "
                f"{name}[{where[0]}, {where[1]}] = {arr[where]}."
            )
    return arr


def check_nonnegative(A, name="X", *, allow_empty=False):
    """Return ``A`` as a finite, non-negative 2-D float64 array, or raise.

    Parameters
    ----------
    A : array-like of shape (m, n)
    name : str
        The name used in error messages.
    allow_empty : bool
        Whether a matrix with a zero dimension is accepted.

    Returns
    -------
    A : ndarray of shape (m, n), dtype float64

    Raises
    ------
    ValueError
        On negative entries, with their count and the first one's position and
        value; also everything :func:`as_matrix` raises.
    """
    arr = as_matrix(A, name, allow_empty=allow_empty)
    neg = arr < 0
    if neg.any():
        where = _first_index(neg)
        raise ValueError(
            f"{name} has {int(neg.sum())} negative entries; the first is "
            f"{name}[{where[0]}, {where[1]}] = {arr[where]:g}. NMF needs a non-negative matrix."
        )
    return arr


def check_positive_int(value, name):
    """Return ``value`` as a positive int, or raise.

    Parameters
    ----------
    value : int
        A size or count that must be at least 1 (a rank, a dimension, a number
        of repeats).
    name : str
        The name used in error messages, e.g. ``"n_components"``.

    Raises
    ------
    TypeError
        If it is not an integer (a bool or a float such as ``2.0`` is refused).
    ValueError
        If it is zero or negative.
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(
            f"{name} must be a positive integer, got {value!r} of type {type(value).__name__}."
        )
    if value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value}.")
    return int(value)


def check_n_components(n_components):
    """Return the rank ``n_components`` as a positive int, or raise (see :func:`check_positive_int`)."""
    return check_positive_int(n_components, "n_components")


def check_nonneg_int(value, name):
    """Return ``value`` as a non-negative int, or raise.

    Parameters
    ----------
    value : int
        A count such as a number of steps; 0 is allowed.
    name : str
        The name used in error messages, e.g. ``"n_steps"``.

    Returns
    -------
    int

    Raises
    ------
    TypeError
        If it is not an integer (a bool or a float such as ``2.0`` is refused).
    ValueError
        If it is negative.
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(
            f"{name} must be a non-negative integer, got {value!r} of type {type(value).__name__}."
        )
    if value < 0:
        raise ValueError(f"{name} must be a non-negative integer, got {value}.")
    return int(value)


def check_factor(A, shape, name):
    """Return a non-negative factor of exactly ``shape``, or raise.

    Parameters
    ----------
    A : array-like
        The factor, e.g. a starting ``W0`` of shape (m, k).
    shape : tuple of int
        The shape it must have.
    name : str
        The name used in error messages.
    """
    arr = check_nonnegative(A, name)
    if arr.shape != tuple(shape):
        raise ValueError(f"{name} has shape {arr.shape}, but shape {tuple(shape)} is needed here.")
    return arr


def check_same_shape(A, B, names=("A", "B")):
    """Raise ``ValueError`` unless ``A`` and ``B`` have the same shape."""
    if A.shape != B.shape:
        raise ValueError(
            f"{names[0]} has shape {A.shape} and {names[1]} has shape {B.shape}; "
            "they must have the same shape."
        )


def check_option(value, allowed, name):
    """Return ``value`` if it is one of ``allowed``, else raise ``ValueError``."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, one of {sorted(allowed)}; got {value!r}.")
    if value not in allowed:
        raise ValueError(f"Unknown {name} {value!r}; choose one of {sorted(allowed)}.")
    return value


def check_positive_scalar(value, name, *, allow_zero=False):
    """Return ``value`` as a finite positive float, or raise."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {value!r} of type {type(value).__name__}.")
    value = float(value)
    if not np.isfinite(value) or value < 0 or (value == 0 and not allow_zero):
        bound = "non-negative" if allow_zero else "positive"
        raise ValueError(f"{name} must be a finite {bound} number, got {value}.")
    return value


def check_random_state(random_state, name="random_state"):
    """The one way randomness enters :mod:`nmf_teach` (scikit-learn's rule).

    Parameters
    ----------
    random_state : None, int, numpy.random.Generator or numpy.random.RandomState
        ``None``: fresh randomness (numpy's global RandomState), so two calls
        differ; pass an int to reproduce a result, as every chapter does. An
        int ``s >= 0``: ``numpy.random.RandomState(s)``, the generator
        scikit-learn uses, so a random start equals scikit-learn's for the same
        seed. A ``Generator`` or ``RandomState``: used as it is (draws advance it).
    name : str
        The argument's name in error messages.

    Returns
    -------
    numpy.random.RandomState or numpy.random.Generator
        Use only the methods both have (``standard_normal``, ``random``,
        ``permutation``, ``choice``, ``normal``, ``uniform``); for integers call
        :func:`random_integers`.

    Raises
    ------
    TypeError
        For anything else (a float, a bool, a string).
    ValueError
        For a negative int.
    """
    if random_state is None:
        return np.random.mtrand._rand
    if isinstance(random_state, (np.random.Generator, np.random.RandomState)):
        return random_state
    if isinstance(random_state, (bool, np.bool_)) or not isinstance(random_state, numbers.Integral):
        raise TypeError(
            f"{name} must be None, an int or a numpy.random.Generator, got {random_state!r} "
            f"of type {type(random_state).__name__}."
        )
    if random_state < 0:
        raise ValueError(f"{name} must be a non-negative int, got {random_state}.")
    return np.random.RandomState(int(random_state))


def random_integers(rng, low, high, size=None):
    """Integers in ``[low, high)`` from either kind of generator :func:`check_random_state` returns."""
    if isinstance(rng, np.random.Generator):
        return rng.integers(low, high, size=size)
    return rng.randint(low, high, size=size)


# --------------------------------------------------------------------------- data for the solvers
_SPARSE_FORMATS = ("csr", "csc")


def check_sparse_nonnegative(X, name="X"):
    """Return a scipy sparse X as a canonical CSR or CSC matrix of float32/float64, or raise.

    Other sparse formats are converted to CSR; integer and boolean values to
    float64. Duplicate stored entries are summed (on a copy: X is never
    changed). Stored values must be finite and non-negative.

    Raises
    ------
    TypeError
        On complex or non-numeric values.
    ValueError
        If X is empty, or has NaN, infinite or negative stored values (the
        message gives their count and the first one's position and value).
    """
    if X.ndim != 2:
        raise ValueError(f"{name} must be 2-D (a matrix), got shape {X.shape}.")
    if X.shape[0] == 0 or X.shape[1] == 0:
        raise ValueError(f"{name} is empty (shape {X.shape}); it needs at least one row and one column.")
    if not (np.issubdtype(X.dtype, np.number) or X.dtype == bool):
        raise TypeError(f"{name} has dtype {X.dtype}; expected real numbers.")
    if np.issubdtype(X.dtype, np.complexfloating):
        raise TypeError(f"{name} has complex entries (dtype {X.dtype}); NMF needs real numbers.")
    if X.format not in _SPARSE_FORMATS:
        X = X.tocsr()
    if X.dtype not in (np.float32, np.float64):
        X = X.astype(np.float64)
    if not X.has_canonical_format:
        X = X.copy()
        X.sum_duplicates()
    data = X.data
    for bad, what, tail in ((~np.isfinite(data), "NaN or infinite", ""),
                            (data < 0, "negative", " NMF needs a non-negative matrix.")):
        if bad.any():
            p = int(np.argmax(bad))
            outer = int(np.searchsorted(X.indptr, p, side="right") - 1)
            inner = int(X.indices[p])
            i, j = (outer, inner) if X.format == "csr" else (inner, outer)
            raise ValueError(
                f"{name} has {int(bad.sum())} {what} stored entries; the first is {name}[{i}, {j}] = "
                f"{data[p]:g}.{tail}"
            )
    return X


def check_data(X, name="X", *, accept_sparse=False, what="this method"):
    """Data for a solver: a non-negative finite 2-D array kept in float32 if it is float32, else float64.

    With ``accept_sparse``, a scipy sparse X is returned by
    :func:`check_sparse_nonnegative` (never densified); otherwise it is refused
    with a TypeError naming ``what``. Errors are those of :func:`check_nonnegative`.
    """
    if _is_sparse(X):
        if not accept_sparse:
            raise TypeError(
                f"{name} is a scipy sparse matrix ({type(X).__name__}); {what} needs a dense array. "
                f"Use method='mu' or 'hals' for sparse data, or pass {name}.toarray()."
            )
        return check_sparse_nonnegative(X, name)
    if isinstance(X, np.ndarray) and X.dtype == np.float32 and X.ndim == 2 and X.size:
        if not np.isfinite(X).all() or (X < 0).any():
            check_nonnegative(X, name)  # raises with the usual message
        return X
    return check_nonnegative(X, name)


def check_learning_rate(learning_rate, shape, name):
    """A positive number, or (if ``shape`` is not ``()``) a non-negative array of ``shape``.

    A 0-d array such as ``np.array(0.1)`` counts as a number.
    """
    if isinstance(learning_rate, np.ndarray) and learning_rate.ndim == 0:
        learning_rate = learning_rate.item()
    if isinstance(learning_rate, (bool, np.bool_)) or learning_rate is None:
        raise TypeError(f"{name} must be a positive number or an array, got {learning_rate!r}.")
    if isinstance(learning_rate, numbers.Real):
        lr = float(learning_rate)
        if not np.isfinite(lr) or lr <= 0:
            raise ValueError(f"{name} must be a finite positive number, got {lr}.")
        return lr
    if tuple(shape) == ():
        try:
            got = f"an array of shape {np.shape(learning_rate)}" if np.ndim(learning_rate) else repr(learning_rate)
        except Exception:  # ragged lists and the like
            got = repr(learning_rate)
        raise TypeError(
            f"{name} must be a number here (one step size for the whole run), got {got}. "
            "Element-wise rates are accepted by the single-step functions such as gd_update_W."
        )
    lr = as_matrix(learning_rate, name)
    if lr.shape != tuple(shape):
        raise ValueError(f"{name} has shape {lr.shape}; an element-wise rate needs shape {tuple(shape)}.")
    if (lr < 0).any():
        raise ValueError(f"{name} has {int((lr < 0).sum())} negative entries; a learning rate is non-negative.")
    return lr
