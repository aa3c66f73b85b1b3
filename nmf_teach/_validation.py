"""Input checks shared by every public function of :mod:`nmf_teach`.

:func:`as_real_array` is the one "is this a real array" check; the others build
on it. A public function declares its parameters in one table with
:func:`validate_params` (scikit-learn's ``_parameter_constraints`` are the
model), or, where a rule depends on another argument (a factor's shape, a
mask's), calls the checks below itself.

Each check turns bad input into a ``ValueError`` or ``TypeError`` whose message
says what is wrong and where (for example how many negative entries a matrix
has and the position and value of the first one), so a reader never meets a
silent NaN or a raw numpy broadcasting error.
"""

from __future__ import annotations

import functools
import inspect
import numbers

import numpy as np

__all__ = [
    "as_real_array",
    "as_matrix",
    "validate_nonnegative",
    "validate_n_components",
    "validate_nonneg_int",
    "validate_factor",
    "validate_option",
    "validate_positive_scalar",
    "validate_same_shape",
    "validate_problem",
    "validate_integer_labels",
    "validate_random_state",
    "random_integers",
    "validate_sparse_nonnegative",
    "validate_data",
    "validate_learning_rate",
    "validate_params",
    "matrix",
    "integer",
    "real",
    "options",
    "boolean",
    "random_state",
    "optional",
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


def as_real_array(A, name, *, ndim=None, what="an array of real numbers", shape_text=None,
                  allow_bool=True, allow_empty=False, finite=True):
    """The one "is this a real array" check: ``A`` as a float64 array, or a clear error.

    Every function of the package that takes an array of numbers (a matrix, a
    signal, an image, a point) turns it into one here, so the same mistakes get
    the same messages everywhere.

    Parameters
    ----------
    A : array-like
    name : str
        The argument's name in error messages, e.g. ``"X"`` or ``"signal"``.
    ndim : int or tuple of int, optional
        The numbers of dimensions accepted (any when None).
    what : str
        What ``A`` must be, in words, for the messages ("a 1-D array of samples").
    shape_text : str, optional
        How the accepted dimensions are said in the message about them (e.g.
        ``"2-D (a matrix)"``); built from ``ndim`` when None.
    allow_bool : bool, default=True
        Whether a boolean array is accepted (as 0.0 and 1.0).
    allow_empty : bool, default=False
        Whether an array without entries is accepted.
    finite : bool, default=True
        Whether NaN and infinite entries are refused.

    Returns
    -------
    ndarray, dtype float64
        ``A`` itself when it already is one.

    Raises
    ------
    TypeError
        For None, a string, a scipy sparse matrix, complex or non-numeric entries
        (and booleans unless ``allow_bool``).
    ValueError
        For ragged input, the wrong number of dimensions, an empty array, or (with
        ``finite``) NaN or infinite entries, with the count and the first one.
    """
    if A is None:
        raise TypeError(f"{name} is None; {name} must be {what}.")
    if isinstance(A, (str, bytes)):
        raise TypeError(f"{name} is a string ({A!r}); {name} must be {what}.")
    if _is_sparse(A):
        raise TypeError(
            f"{name} is a scipy sparse matrix ({type(A).__name__}); sparse input is not "
            f"supported here. Pass a dense array instead, e.g. {name}.toarray()."
        )
    try:
        arr = np.asarray(A)
    except Exception as exc:  # ragged lists and the like
        raise ValueError(
            f"{name} could not be turned into an array ({exc}); {name} must be {what}, "
            "with rows of equal length."
        ) from None
    if arr.dtype == object:
        raise ValueError(f"{name} has rows of different lengths or non-numeric entries; {name} must be {what}.")
    if np.iscomplexobj(arr):
        raise TypeError(f"{name} has complex entries (got dtype {arr.dtype}); {name} must be {what}.")
    if not (np.issubdtype(arr.dtype, np.number) or (allow_bool and arr.dtype == bool)):
        raise TypeError(f"{name} has dtype {arr.dtype}; expected real numbers: {name} must be {what}.")
    if ndim is not None:
        ndims = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if arr.ndim not in ndims:
            said = shape_text or " or ".join(f"{d}-D" for d in ndims)
            raise ValueError(
                f"{name} must be {said}, but it has {arr.ndim} dimension(s) and shape {arr.shape}."
            )
    if arr.size == 0 and not allow_empty:
        raise ValueError(f"{name} is empty (shape {arr.shape}); it needs at least one entry.")
    arr = np.asarray(arr, dtype=np.float64)
    if finite and arr.size:
        bad = ~np.isfinite(arr)
        if bad.any():
            where = _first_index(bad)
            at = f"{name}[{', '.join(map(str, where))}]" if where else name
            raise ValueError(
                f"{name} has {int(bad.sum())} NaN or infinite entries; the first is {at} = {arr[where]}."
            )
    return arr


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
    TypeError, ValueError
        As :func:`as_real_array` (a 2-D array); an empty matrix unless ``allow_empty``.
    """
    arr = as_real_array(A, name, what="a 2-D array of real numbers", allow_empty=True, finite=False)
    if arr.ndim != 2:
        raise ValueError(
            f"{name} must be 2-D (a matrix), but it has {arr.ndim} dimension(s) and shape "
            f"{arr.shape}. Reshape a vector with .reshape(1, -1) or .reshape(-1, 1)."
        )
    if arr.size == 0 and not allow_empty:
        raise ValueError(f"{name} is empty (shape {arr.shape}); it needs at least one row and one column.")
    return as_real_array(arr, name, allow_empty=True)


def validate_nonnegative(A, name="X", *, allow_empty=False):
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


def validate_positive_int(value, name):
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


def validate_n_components(n_components):
    """Return the rank ``n_components`` as a positive int, or raise (see :func:`validate_positive_int`)."""
    return validate_positive_int(n_components, "n_components")


def validate_nonneg_int(value, name):
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


def validate_factor(A, shape, name):
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
    arr = validate_nonnegative(A, name)
    if arr.shape != tuple(shape):
        raise ValueError(f"{name} has shape {arr.shape}, but shape {tuple(shape)} is needed here.")
    return arr


def validate_problem(X, W, H, *, nonnegative=True):
    """Validate a triple (X, W, H) and return float64 arrays.

    Parameters
    ----------
    X : array-like of shape (m, n)
    W : array-like of shape (m, k)
    H : array-like of shape (k, n)
    nonnegative : bool, default=True
        Whether negative entries of W and H are refused. Gradient descent can
        leave the non-negative orthant, so the objective itself passes
        ``False``. X must always be non-negative.

    Returns
    -------
    X : ndarray of shape (m, n), dtype float64
    W : ndarray of shape (m, k), dtype float64
    H : ndarray of shape (k, n), dtype float64

    Raises
    ------
    TypeError
        If a matrix is None, a string, sparse, or not real numbers.
    ValueError
        If a matrix is not 2-D, has NaN/inf or (where refused) negative entries,
        or the shapes do not fit together as (m, n) ≈ (m, k)(k, n).

    Notes
    -----
    Every public function that takes a problem (X, W, H) calls it first.
    Explained in *The NMF problem*.
    """
    check = validate_nonnegative if nonnegative else as_matrix
    X = validate_nonnegative(X, "X")
    W = check(W, "W")
    H = check(H, "H")
    m, n = X.shape
    if W.shape[0] != m:
        raise ValueError(f"W has {W.shape[0]} rows but X has {m}; W must have shape (m, k) = ({m}, k).")
    if H.shape[1] != n:
        raise ValueError(f"H has {H.shape[1]} columns but X has {n}; H must have shape (k, n) = (k, {n}).")
    if W.shape[1] != H.shape[0]:
        raise ValueError(
            f"The ranks disagree: W has {W.shape[1]} columns but H has {H.shape[0]} rows; "
            "both must equal the number of components k."
        )
    return X, W, H


def validate_same_shape(A, B, names=("A", "B")):
    """Raise ``ValueError`` unless ``A`` and ``B`` have the same shape."""
    if A.shape != B.shape:
        raise ValueError(
            f"{names[0]} has shape {A.shape} and {names[1]} has shape {B.shape}; "
            "they must have the same shape."
        )


def validate_option(value, allowed, name):
    """Return ``value`` if it is one of ``allowed``, else raise ``ValueError``."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, one of {sorted(allowed)}; got {value!r}.")
    if value not in allowed:
        raise ValueError(f"Unknown {name} {value!r}; choose one of {sorted(allowed)}.")
    return value


def validate_positive_scalar(value, name, *, allow_zero=False):
    """Return ``value`` as a finite positive float, or raise."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {value!r} of type {type(value).__name__}.")
    value = float(value)
    if not np.isfinite(value) or value < 0 or (value == 0 and not allow_zero):
        bound = "non-negative" if allow_zero else "positive"
        raise ValueError(f"{name} must be a finite {bound} number, got {value}.")
    return value


def validate_random_state(random_state, name="random_state"):
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
    """Integers in ``[low, high)`` from either kind of generator :func:`validate_random_state` returns."""
    if isinstance(rng, np.random.Generator):
        return rng.integers(low, high, size=size)
    return rng.randint(low, high, size=size)


def validate_integer_labels(labels):
    """A 1-D array of whole numbers as ints; ``TypeError`` naming the first bad entry otherwise.

    Integer dtypes pass; floats and Python objects pass if every entry is a
    finite whole number (``2.0``); booleans, strings, None and complex numbers
    are refused.
    """
    if labels.dtype == bool:
        raise TypeError(
            "labels are booleans; pass cluster numbers 0, ..., k - 1 as integers "
            "(e.g. labels.astype(int) if True/False really mean clusters 1/0)."
        )
    if np.issubdtype(labels.dtype, np.integer):
        return labels.astype(int)
    if np.issubdtype(labels.dtype, np.floating) or labels.dtype == object:
        for i, v in enumerate(labels):
            ok = (
                isinstance(v, numbers.Real)
                and not isinstance(v, (bool, np.bool_))
                and np.isfinite(v)
                and float(v).is_integer()
            )
            if not ok:
                raise TypeError(
                    f"labels must be integers 0, ..., k - 1, but labels[{i}] = {v!r} "
                    f"(of type {type(v).__name__}) is not a whole number."
                )
        return labels.astype(float).astype(int)
    raise TypeError(
        f"labels must be integers 0, ..., k - 1, got dtype {labels.dtype} (first entry {labels[0]!r})."
    )


# --------------------------------------------------------------------------- data for the solvers
_SPARSE_FORMATS = ("csr", "csc")


def validate_sparse_nonnegative(X, name="X"):
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


def validate_data(X, name="X", *, accept_sparse=False, what="this method"):
    """Data for a solver: a non-negative finite 2-D array kept in float32 if it is float32, else float64.

    With ``accept_sparse``, a scipy sparse X is returned by
    :func:`validate_sparse_nonnegative` (never densified); otherwise it is refused
    with a TypeError naming ``what``. Errors are those of :func:`validate_nonnegative`.
    """
    if _is_sparse(X):
        if not accept_sparse:
            raise TypeError(
                f"{name} is a scipy sparse matrix ({type(X).__name__}); {what} needs a dense array. "
                f"Use method='mu' or 'hals' for sparse data, or pass {name}.toarray()."
            )
        return validate_sparse_nonnegative(X, name)
    if isinstance(X, np.ndarray) and X.dtype == np.float32 and X.ndim == 2 and X.size:
        if not np.isfinite(X).all() or (X < 0).any():
            validate_nonnegative(X, name)  # raises with the usual message
        return X
    return validate_nonnegative(X, name)


def validate_learning_rate(learning_rate, shape, name):
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


# ----------------------------------------------------------------------------- declared constraints
#
# Each public function declares what its parameters must be in one table, as scikit-learn's
# estimators do with ``_parameter_constraints``; :func:`validate_params` applies the table
# before the function body runs. A rule is a small callable ``rule(value, name) -> value``
# built from the checks above, so the messages are the same wherever a rule is used; the
# value it returns (an array turned to float64, an int) is what the function receives.


class _Rule:
    """A parameter constraint: ``rule(value, name)`` returns the checked value or raises."""

    def __init__(self, check, text):
        self._check = check
        self.text = text

    def __call__(self, value, name):
        return self._check(value, name)

    def __repr__(self):
        return self.text


def matrix(*, nonnegative=False, allow_empty=False):
    """A finite 2-D real array (:func:`as_matrix`), non-negative if asked (:func:`validate_nonnegative`)."""
    check = validate_nonnegative if nonnegative else as_matrix
    return _Rule(lambda v, name: check(v, name, allow_empty=allow_empty),
                 "a non-negative matrix" if nonnegative else "a real matrix")


def integer(low=1):
    """An int ``>= low`` (``low`` is 0 or 1): :func:`validate_nonneg_int` or :func:`validate_positive_int`."""
    if low not in (0, 1):
        raise ValueError("integer(low) supports low = 0 or 1")
    return _Rule(validate_nonneg_int if low == 0 else validate_positive_int,
                 "a non-negative int" if low == 0 else "a positive int")


def real(*, allow_zero=False):
    """A finite real number ``> 0`` (``>= 0`` with ``allow_zero``): :func:`validate_positive_scalar`."""
    return _Rule(lambda v, name: validate_positive_scalar(v, name, allow_zero=allow_zero),
                 "a non-negative real" if allow_zero else "a positive real")


def options(*allowed):
    """One of the strings ``allowed`` (:func:`validate_option`)."""
    return _Rule(lambda v, name: validate_option(v, set(allowed), name), f"one of {sorted(allowed)}")


def boolean():
    """True or False (numpy booleans too)."""
    def check(value, name):
        if not isinstance(value, (bool, np.bool_)):
            raise TypeError(f"{name} must be True or False, got {value!r}.")
        return bool(value)
    return _Rule(check, "a bool")


def random_state():
    """None, an int >= 0, a Generator or a RandomState (:func:`validate_random_state`); passed on unchanged."""
    def check(value, name):
        validate_random_state(value, name)
        return value
    return _Rule(check, "a random_state")


def optional(rule):
    """``rule``, or None (passed on as None)."""
    return _Rule(lambda v, name: None if v is None else rule(v, name), f"None or {rule!r}")


def validate_params(constraints):
    """Check a function's parameters against a table before it runs.

    Parameters
    ----------
    constraints : dict of str to rule
        ``{parameter name: rule}``, rules from :func:`matrix`, :func:`integer`,
        :func:`real`, :func:`options`, :func:`boolean`, :func:`random_state`,
        :func:`optional`. Parameters left out are checked by the function itself
        (those whose rule depends on another argument, such as a factor's shape).

    Returns
    -------
    decorator
        The decorated function keeps its name, docstring and signature; the
        table is its ``_parameter_constraints``. A rule checks an argument only
        when it is passed (the defaults are valid by construction).
    """
    def decorate(func):
        signature = inspect.signature(func)
        unknown = set(constraints) - set(signature.parameters)
        if unknown:
            raise TypeError(f"{func.__qualname__} has no parameter(s) {sorted(unknown)} named in its constraints")

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            bound = signature.bind(*args, **kwargs)
            for name, rule in constraints.items():
                if name in bound.arguments:
                    bound.arguments[name] = rule(bound.arguments[name], name)
            return func(*bound.args, **bound.kwargs)

        wrapper._parameter_constraints = dict(constraints)
        return wrapper

    return decorate
