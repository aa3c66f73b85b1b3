"""Checks for the lab notebooks: run a reader's function and say what is wrong with it.

Explained in the labs (``book/labs/``) and in the *Instructor guide*.

Every ``check_<task>(function)`` works the same way:

1. It calls ``function`` on small cases that it chooses itself: a square case
   first (there typical typos, such as source 001's ``WᵀH`` in place of ``WᵀX``,
   can be evaluated at all), then a rectangular one (a transpose that happens
   to work for square matrices fails there), then an edge case (a factor with
   a zero column, an X with NaN where it is unobserved, ...).
2. It passes copies of its arrays and refuses a function that changes its
   inputs in place.
3. It compares the result with the right answer. When they differ, it
   compares the result with the *typical wrong answers*, which it computes
   itself (H updated before W, the numerator ``WᵀH``, a missing factor 2, ...).
   A match is reported in words a student can act on.
4. It raises :class:`AssertionError` with that message, or prints a one-line
   confirmation when the function is right.

A function that still raises the student stub's ``NotImplementedError("Task
N: ...")`` is refused with a ``NotImplementedError`` that keeps the task's
name, so a student notebook run from the top stops at its first unfinished
task and says which one.

What a check proves: the function agrees with the reference on the cases the
check chose, up to rounding (relative tolerance 1e-6). What it does not prove:
that the function is right on every input, that it is fast, or that the
student understood why it is right. A wrong function that agrees with the
reference on these few cases passes.
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import math
import numbers
import textwrap
import warnings

import numpy as np

from .data import food_orders
from .linalg import _safe_divide
from .masked import _masked_mu_H, _masked_mu_W
from .objective import _gradient_H, _gradient_W, _loss, kkt_residual
from .regularization import regularized_objective
from .uniqueness import factorization_distance, group_solutions, match_components, normalize_factors
from .updates import _mu_H, _mu_W

__all__ = [
    "check_loss",
    "check_mu_step",
    "check_mu_solver",
    "check_first_increase",
    "check_gradients",
    "check_finite_difference",
    "check_learning_rate_H",
    "check_mu_update_H",
    "check_regularized_objective",
    "check_fit",
    "check_rescale",
    "check_match",
    "check_count_distinct",
    "check_hide_entries",
    "check_masked_loss",
    "check_masked_mu_step",
    "check_rmse_hidden",
    "check_recommend",
]

RTOL = 1e-6
"""Relative tolerance of every comparison with the right answer."""


# ==========================================================================
# the machinery shared by every check
# ==========================================================================
class _Raised:
    """What :func:`_call` returns when the student's function raised an exception."""

    def __init__(self, exc):
        self.exc = exc


class _Case:
    """One input a check tries: its arguments, a phrase naming it ("on a square problem ...") for the
    student, and flags for the check (``ZERO``: a factor with a zero row or column, where the update
    leaves a free row; ``NAN``: X holds NaN where unobserved; ``EMPTY``: an item nobody rated;
    ``OWN_RTOL``: the case passes its own rtol). The check decides by the flags, never by the label's words."""

    def __init__(self, label, *args, flags=(), **kwargs):
        self.label = label
        self.args = args
        self.kwargs = kwargs
        self.flags = frozenset(flags)


ZERO, NAN, EMPTY, OWN_RTOL = "zero", "nan", "empty", "own rtol"


def _fail(message):
    raise AssertionError(message)


def _ok(message):
    """The confirmation, wrapped so that it reads without scrolling (the harness prints it)."""
    return textwrap.fill(f"✓ {message}", width=100, subsequent_indent="  ")


def _function(fn, default):
    """The student's function and its name; a clear TypeError if it is not a function."""
    if not callable(fn):
        raise TypeError(
            f"The check needs the function itself, but got {type(fn).__name__}. Write "
            f"check_...({default}), without parentheses after {default}: the check calls it for you."
        )
    return fn, getattr(fn, "__name__", default)


def _fmt(x):
    return f"{x:.4g}"


def _changed(before, after):
    """A phrase saying how ``after`` differs from ``before``, or None if it does not."""
    if isinstance(before, np.ndarray):
        if not isinstance(after, np.ndarray) or after.shape != before.shape:
            return "was replaced or reshaped"
        same = (before == after) | (np.isnan(before) & np.isnan(after)) if before.dtype.kind == "f" else before == after
        if np.all(same):
            return None
        idx = tuple(int(i) for i in np.argwhere(~same)[0])
        where = ", ".join(map(str, idx))
        b, a = before[idx].item(), after[idx].item()
        return f"changed: its entry [{where}] was {b!r} and is now {a!r}"
    if isinstance(before, (list, tuple)):
        if not isinstance(after, type(before)) or len(after) != len(before):
            return "was changed (its length or type)"
        for b, a in zip(before, after):
            msg = _changed(b, a)
            if msg:
                return msg
    return None


def _call(fn, name, case, arg_names):
    """Call the student's function on copies of the case's arguments.

    Returns the result, or a :class:`_Raised`. Refuses (AssertionError) a function
    that changed an input, and turns the stub's NotImplementedError into one that
    keeps the task's name and says what to do.
    """
    args = [copy.deepcopy(a) for a in case.args]
    kwargs = {k: copy.deepcopy(v) for k, v in case.kwargs.items()}
    try:
        with np.errstate(all="ignore"):
            out = fn(*args, **kwargs)
    except NotImplementedError as exc:
        task = str(exc).strip() or f"{name} is not written yet"
        raise NotImplementedError(
            f"{task} — {name} still raises NotImplementedError: replace the line "
            "`raise NotImplementedError(...)` with your code, run its cell, then run this check again."
        ) from None
    except Exception as exc:  # the student's code failed: explain it, do not crash the check
        return _Raised(exc)
    if _single_precision(out):
        _fail(f"{name} returned float32 numbers {case.label}: {_FLOAT32}.")
    for original, passed, arg in zip(case.args, args, arg_names):
        how = _changed(original, passed)
        if how:
            _fail(
                f"{name} changed its input {arg} in place ({arg} {how}) {case.label}. A function must "
                f"leave its inputs alone: build new arrays ({arg} = {arg} * ratio rather than "
                f"{arg} *= ratio), or work on a copy ({arg} = {arg}.copy())."
            )
    return out


def _single_precision(out):
    """Whether ``out`` (an array, a NumPy scalar, or a tuple or list of them) holds float32 or float16 numbers."""
    if isinstance(out, (tuple, list)):
        return any(_single_precision(o) for o in out[:3])
    dtype = getattr(out, "dtype", None)
    return dtype is not None and dtype.kind == "f" and dtype.itemsize < 8


def _raised(name, raised, case, hint=""):
    exc = raised.exc
    text = f"{name} raised {type(exc).__name__} {case.label}: {exc}"
    if isinstance(exc, ValueError) and ("matmul" in str(exc) or "align" in str(exc)):
        text += (". The sizes of a product do not fit: X is m × n, W is m × k, H is k × n, so for "
                 "example WᵀX is k × n and W(HHᵀ) is m × k. Check every @ and every transpose")
    elif isinstance(exc, ValueError) and "broadcast" in str(exc):
        text += (". Two arrays of different shapes were combined entry by entry. To divide row r of a "
                 "matrix by d[r], write A / d[:, None] (a column); A / d divides column j by d[j]")
    if hint:
        text += f". {hint}"
    _fail(text + ".")


def _array(value, what, name, *, hint=""):
    """``value`` as a float array, or an AssertionError saying what it is instead."""
    if value is None:
        _fail(f"{what} is None: does {name} end with a `return` line?")
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        _fail(f"{what} should be an array of numbers, but it is a {type(value).__name__}.")
    bad = ~np.isfinite(arr)
    if bad.any():
        where = tuple(int(i) for i in np.argwhere(bad)[0]) if arr.ndim else ()
        at = f" (the first at {list(where)})" if where else ""
        _fail(f"{what} has {int(bad.sum())} NaN or infinite entries{at}. {hint}".strip())
    return arr


def _scalar(value, what, name, *, hint=""):
    """``value`` as a float, or an AssertionError saying what it is instead."""
    if value is None:
        _fail(f"{what} is None: does {name} end with a `return` line?")
    arr = np.asarray(value)
    if arr.size != 1:
        _fail(f"{what} should be one number, but it has shape {arr.shape}: sum over all the entries.")
    try:
        x = float(arr.reshape(()))
    except (TypeError, ValueError):
        _fail(f"{what} should be a number, but it is a {type(value).__name__}.")
    if not math.isfinite(x):
        _fail(f"{what} is {x}. {hint}".strip())
    return x


def _pair(out, name, shapes, names):
    """A returned pair of arrays of the given shapes, or an AssertionError saying what is wrong."""
    if out is None:
        _fail(f"{name} returned None: it should end with `return {names[0]}, {names[1]}`.")
    if not isinstance(out, (tuple, list)) or len(out) != 2:
        kind = f"a {type(out).__name__}" + (f" of shape {np.shape(out)}" if isinstance(out, np.ndarray) else "")
        _fail(f"{name} should return the pair ({names[0]}, {names[1]}), e.g. `return {names[0]}, {names[1]}`; "
              f"it returned {kind}.")
    a = _array(out[0], names[0], name)
    b = _array(out[1], names[1], name)
    if a.shape == shapes[1] and b.shape == shapes[0] and shapes[0] != shapes[1]:
        _fail(f"{name} returned ({names[1]}, {names[0]}): return them in the order ({names[0]}, {names[1]}).")
    for arr, shape, what in ((a, shapes[0], names[0]), (b, shapes[1], names[1])):
        if arr.shape != shape:
            _fail(f"{what} has shape {arr.shape} but should have shape {shape}.")
    return a, b


def _close(a, b, rtol=RTOL):
    if b is None or a is None:
        return a is b
    if isinstance(b, tuple):
        return isinstance(a, tuple) and len(a) == len(b) and all(_close(x, y, rtol) for x, y in zip(a, b))
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape or not (np.all(np.isfinite(a)) and np.all(np.isfinite(b))):
        return False
    scale = float(np.abs(b).max()) if b.size else 0.0
    return bool(np.allclose(a, b, rtol=rtol, atol=1e-9 * max(scale, 1e-300)))


#: What computing a wrong answer may legitimately raise on a case: a typo that is undefined for these shapes
#: (a size error), or arithmetic that fails. Anything else (NameError, TypeError, AttributeError, ...) is a
#: bug in the variant itself and is not swallowed, so a broken variant cannot silently never fire.
_UNDEFINED = (ValueError, ArithmeticError, IndexError, np.linalg.LinAlgError)


def _known_mistake(got, expected, variants, same=_close):
    """The message of the first wrong answer ``got`` equals, or None.

    ``variants`` is a list of ``(message, make)``; ``make()`` computes that wrong
    answer on the current case. A variant undefined on this case (it raises one of
    :data:`_UNDEFINED`, e.g. a typo whose shapes do not fit) is skipped, and so is a
    variant equal to the right answer on this case (it cannot be told apart).
    """
    for message, make in variants:
        try:
            with np.errstate(all="ignore"):
                wrong = make()
        except _UNDEFINED:
            continue
        try:
            if same(wrong, expected):
                continue
        except _UNDEFINED:
            continue
        if same(got, wrong):
            return message
    return None


def _difference(got, expected, what):
    """Where ``got`` first differs from ``expected``, in words."""
    got, expected = np.asarray(got, dtype=float), np.asarray(expected, dtype=float)
    if got.shape != expected.shape:
        return f"{what} has shape {got.shape} but should have shape {expected.shape}"
    if got.ndim == 0:
        return f"{what} is {_fmt(float(got))} but should be {_fmt(float(expected))}"
    scale = float(np.abs(expected).max()) if expected.size else 0.0
    bad = ~np.isclose(got, expected, rtol=RTOL, atol=1e-9 * max(scale, 1e-300))
    idx = tuple(int(i) for i in np.argwhere(bad)[0])
    where = ", ".join(map(str, idx))
    return (f"{what}[{where}] is {_fmt(got[idx])} but should be {_fmt(expected[idx])} "
            f"({int(bad.sum())} of {bad.size} entries differ)")


def _free_rows_agree(got, expected, W):
    """Whether H-like results agree on the rows that matter: row r of H is free when column r of W is 0.

    Such a row does not change WH, and the update may leave it, or set it to 0
    (``H ∘ 0 ⊘ eps``, as the package does): both are right, as long as it is
    finite and non-negative.
    """
    used = np.any(W != 0, axis=0)
    return (_close(got[used], expected[used]) and bool(np.all(np.isfinite(got))) and bool(np.all(got >= 0)))


def _positive(rng, *shape, low=0.1):
    return rng.uniform(low, 1.0, size=shape)


def _problem(m, n, k, seed):
    rng = np.random.default_rng(seed)
    return _positive(rng, m, n), _positive(rng, m, k), _positive(rng, k, n)


def _zero_column(seed=3):
    """A rectangular problem whose W has an all-zero column 1 (so (WᵀW)H has a zero row)."""
    X, W, H = _problem(6, 5, 3, seed)
    W[:, 1] = 0.0
    return X, W, H


_SQUARE = "on a square problem (X, W and H all 3 × 3)"
_GUARD = ("The denominator is exactly 0 there and 0/0 is NaN: replace exact zeros of the denominator by "
          "a tiny positive number before dividing, as nt.linalg.safe_divide does (np.where(D == 0, eps, D)).")


# ==========================================================================
# Lab 1: the multiplicative update from scratch
# ==========================================================================
def _loss_cases():
    return [
        _Case(_SQUARE, *_problem(3, 3, 3, 1)),
        _Case("on X of shape (6, 5), W (6, 2), H (2, 5)", *_problem(6, 5, 2, 2)),
    ]


def _check_loss(loss):
    """Check a reader's ``loss(X, W, H)``: the number ``‖X − WH‖²_F`` (no ½).

    Parameters
    ----------
    loss : callable
        ``loss(X, W, H) -> float`` for X (m, n), W (m, k), H (k, n).

    Raises
    ------
    AssertionError
        Saying what is wrong: the norm not squared, a ½, a mean instead of a sum,
        ``W * H`` instead of ``W @ H``, ``HW`` instead of ``WH``, ...
    NotImplementedError
        If ``loss`` is still the student stub.

    Notes
    -----
    Explained in *Lab 1: The multiplicative update from scratch*, task 1.
    """
    fn, name = _function(loss, "loss")
    for case in _loss_cases():
        X, W, H = case.args
        out = _call(fn, name, case, ("X", "W", "H"))
        if isinstance(out, _Raised):
            _raised(name, out, case)
        got = _scalar(out, f"The value of {name}", name)
        R = X - W @ H
        expected = float(np.sum(R**2))
        variants = [
            ("you returned ‖X − WH‖_F, the norm itself; the loss is its square (drop the square root, "
             "or square the norm)", lambda: np.sqrt(expected)),
            ("you returned ½‖X − WH‖²_F, scikit-learn's objective; the book's loss has no ½",
             lambda: expected / 2),
            ("you divided by the number of entries (a mean); the loss is the sum of the squared entries",
             lambda: expected / X.size),
            ("you summed the differences X − WH without squaring them, so positive and negative errors "
             "cancel; square each entry first", lambda: float(np.sum(R))),
            ("you summed |X − WH|, an L1 error; square each entry instead", lambda: float(np.abs(R).sum())),
            ("you multiplied W and H entry by entry (W * H); WH is the matrix product W @ H",
             lambda: float(np.sum((X - W * H) ** 2))),
            ("you used HW; the product is WH (W first: X ≈ W @ H)", lambda: float(np.sum((X - H @ W) ** 2))),
        ]
        if _close(got, expected):
            continue
        mistake = _known_mistake(got, expected, variants)
        if mistake:
            _fail(f"{name} {case.label}: {mistake}.")
        _fail(f"{name} {case.label}: {_difference(got, expected, 'the loss')}.")
    return _ok(f"{name} is right: it returns ‖X − WH‖²_F on a square and a rectangular problem.")


def _ref_step(X, W, H):
    W1 = _mu_W(X, W, H)
    return W1, _mu_H(X, W1, H)


def _mu_step_variants(X, W, H):
    """The typical wrong versions of one MU iteration, as (message, make) pairs."""
    sd = _safe_divide
    mu_W, mu_H = _mu_W, _mu_H

    def h_first():
        H1 = mu_H(X, W, H)
        return mu_W(X, W, H1), H1

    def old_w():
        return mu_W(X, W, H), mu_H(X, W, H)

    def typo():
        W1 = mu_W(X, W, H)
        return W1, H * sd(W1.T @ H, W1.T @ W1 @ H)

    def typo_w():
        W1 = W * sd(W @ H.T, W @ H @ H.T)
        return W1, mu_H(X, W1, H)

    def ratio_only():
        W1 = sd(X @ H.T, W @ H @ H.T)
        return W1, sd(W1.T @ X, W1.T @ W1 @ H)

    def inverted():
        W1 = W * sd(W @ H @ H.T, X @ H.T)
        return W1, H * sd(W1.T @ W1 @ H, W1.T @ X)

    def double_step():  # gradient with its 2, rate without: H ∘ (2·ratio − 1)
        W1 = W * (2 * sd(X @ H.T, W @ H @ H.T) - 1)
        return W1, H * (2 * sd(W1.T @ X, W1.T @ W1 @ H) - 1)

    def elementwise():
        W1 = W * sd(X * H.T, W * H * H.T)
        return W1, H * sd(W1.T * X, W1.T * W1 * H)

    def wwt():
        W1 = mu_W(X, W, H)
        return W1, H * sd(W1.T @ X, W1 @ W1.T @ H)

    return [
        ("H was updated before W. A full iteration updates W first (with the old H), then H with the "
         "new W", h_first),
        ("H was updated with the old W. Compute W_new first, then use W_new (not W) in the H update",
         old_w),
        ("the numerator of the H update should be WᵀX; you used WᵀH (source 001's typo: WᵀH does not "
         "even look at the data)", typo),
        ("the numerator of the W update should be XHᵀ; you used WHᵀ", typo_w),
        ("the update multiplies the current factor by the ratio: W_new = W ∘ (XHᵀ) ⊘ (WHHᵀ); you returned "
         "the ratio alone (the factor W, and then H, is missing in front)", ratio_only),
        ("the ratio is upside down: the numerator is XHᵀ (for H: WᵀX), the denominator WHHᵀ "
         "(for H: WᵀWH)", inverted),
        ("your step is twice too long: W ∘ (2·ratio − 1) is a gradient step that keeps the factor 2 of the "
         "gradient but uses the rate of ½‖X − WH‖² (source 001 drops that 2). Use the multiplicative "
         "form W ∘ (XHᵀ) ⊘ (WHHᵀ)", double_step),
        ("you used * (entry by entry) where a matrix product @ belongs: WᵀX is W.T @ X", elementwise),
        ("the denominator of the H update is (WᵀW)H; you used (WWᵀ)H", wwt),
        ("W and H came back unchanged: assign the updates (W = W * ..., then H = H * ...) and return "
         "the new arrays", lambda: (W.copy(), H.copy())),
        ("W was not updated: W_new equals W (was the result of the W update assigned?)",
         lambda: (W.copy(), mu_H(X, W, H))),
        ("H was not updated: H_new equals H", lambda: (mu_W(X, W, H), H.copy())),
        ("you returned (H_new, W_new); return (W_new, H_new), W first",
         lambda: tuple(reversed(_ref_step(X, W, H)))),
    ]


def _behaviour(step, name, X, W, H, n_iter=30):
    """Run ``step`` and describe the first negative entry or loss increase, or return None."""
    prev = _loss(X, W, H)
    for t in range(1, n_iter + 1):
        try:
            with np.errstate(all="ignore"):
                W, H = (np.asarray(a, dtype=float) for a in step(X, W.copy(), H.copy()))
        except Exception:
            return None
        for A, nm in ((W, "W"), (H, "H")):
            if not np.all(np.isfinite(A)):
                return f"an entry of {nm} became NaN or infinite at iteration {t}"
            if (A < 0).any():
                i, j = (int(v) for v in np.argwhere(A < 0)[0])
                return (f"an entry became negative at iteration {t} ({nm}[{i}, {j}] = {_fmt(A[i, j])}); a "
                        "multiplicative update multiplies non-negative numbers and can never do that")
        cur = _loss(X, W, H)
        if cur > prev * (1 + 1e-9):
            return f"the loss increased at iteration {t} from {prev:.3g} to {cur:.3g}"
        prev = cur
    return None


def _check_mu_step(mu_step):
    """Check a reader's ``mu_step(X, W, H) -> (W_new, H_new)``: one full MU iteration.

    One iteration updates W first, ``W ∘ (XHᵀ) ⊘ (W(HHᵀ))``, then H with the new
    W, ``H ∘ (WᵀX) ⊘ ((WᵀW)H)``; exact zeros of a denominator must not give NaN.

    Parameters
    ----------
    mu_step : callable
        ``mu_step(X, W, H) -> (W_new, H_new)`` for X (m, n), W (m, k), H (k, n).

    Raises
    ------
    AssertionError
        Saying what is wrong, e.g. "H was updated before W", "the numerator of the
        H update should be WᵀX; you used WᵀH", an input changed in place, wrong
        shapes, NaN from an unguarded division, "the loss increased at iteration 7
        from 0.31 to 0.35".
    NotImplementedError
        If ``mu_step`` is still the student stub.

    Notes
    -----
    Explained in *Lab 1: The multiplicative update from scratch*, task 2. The rule is derived in
    *Deriving the multiplicative update*.
    """
    fn, name = _function(mu_step, "mu_step")
    cases = [
        _Case(_SQUARE, *_problem(3, 3, 3, 11)),
        _Case("on X of shape (6, 5), W (6, 3), H (3, 5)", *_problem(6, 5, 3, 12)),
        _Case("on a W whose column 1 is all zero (so (WᵀW)H has a row of zeros)", *_zero_column(), flags=[ZERO]),
    ]
    for case in cases:
        X, W, H = case.args
        out = _call(fn, name, case, ("X", "W", "H"))
        if isinstance(out, _Raised):
            _raised(name, out, case)
        try:
            got = _pair(out, name, (W.shape, H.shape), ("W_new", "H_new"))
        except AssertionError as err:
            hint = f" ({_GUARD})" if "NaN" in str(err) and ZERO in case.flags else ""
            _fail(f"{err} This happened {case.label}.{hint}")
        expected = _ref_step(X, W, H)
        if _close(got, expected):
            continue
        if ZERO in case.flags and _close(got[0], expected[0]) and _free_rows_agree(got[1], expected[1], got[0]):
            continue
        mistake = _known_mistake(got, expected, _mu_step_variants(X, W, H))
        if mistake:
            _fail(f"{name} {case.label}: {mistake}.")
        what = _behaviour(fn, name, *_problem(8, 6, 3, 13))
        if what:
            _fail(f"{name}: {what}. (Found by running your step 30 times on X of shape (8, 6) with k = 3.)")
        part = "W_new" if not _close(got[0], expected[0]) else "H_new"
        idx = 0 if part == "W_new" else 1
        rule = "W ∘ (XHᵀ) ⊘ (W(HHᵀ))" if idx == 0 else "H ∘ (W_newᵀX) ⊘ ((W_newᵀW_new)H)"
        _fail(f"{name} {case.label}: {_difference(got[idx], expected[idx], part)}; it should be {rule}.")
    what = _behaviour(fn, name, *_problem(8, 6, 3, 13))
    if what:  # pragma: no cover - a step equal to the reference behaves like it
        _fail(f"{name}: {what}.")
    return _ok(f"{name} is right: W first, then H with the new W, on three problems (with no NaN where W has a "
        "zero column), inputs unchanged, and 30 iterations never increased the loss.")


def _check_mu_solver(mu_solver):
    """Check a reader's ``mu_solver(X, W0, H0, n_iter) -> (W, H, losses)``.

    The solver runs ``n_iter`` MU iterations from (W0, H0), without changing W0
    and H0, and returns the last factors and the ``n_iter + 1`` losses: that of
    the start, then one after each iteration.

    Parameters
    ----------
    mu_solver : callable

    Raises
    ------
    AssertionError
        Saying what is wrong: the starting loss missing, one iteration too few or
        too many, the starting factors returned, a wrong iteration inside, ...
    NotImplementedError
        If ``mu_solver`` is still the student stub.

    Notes
    -----
    Explained in *Lab 1: The multiplicative update from scratch*, task 3.
    """
    fn, name = _function(mu_solver, "mu_solver")
    cases = [
        _Case(_SQUARE + " with n_iter = 3", *_problem(3, 3, 3, 21), 3),
        _Case("on X of shape (7, 5) with k = 2 and n_iter = 5", *_problem(7, 5, 2, 22), 5),
        _Case("with n_iter = 0 (no iteration: the start itself)", *_problem(4, 3, 2, 23), 0),
    ]

    def run(step, X, W, H, n):
        losses = [_loss(X, W, H)]
        for _ in range(n):
            W, H = step(X, W, H)
            losses.append(_loss(X, W, H))
        return W, H, losses

    for case in cases:
        X, W0, H0, n_iter = case.args
        out = _call(fn, name, case, ("X", "W0", "H0", "n_iter"))
        if isinstance(out, _Raised):
            _raised(name, out, case)
        if not isinstance(out, (tuple, list)) or len(out) != 3:
            _fail(f"{name} should return three things, `return W, H, losses`; it returned "
                  f"{'None' if out is None else type(out).__name__} {case.label}.")
        W, H = _pair(out[:2], name, (W0.shape, H0.shape), ("W", "H"))
        if out[2] is None:
            _fail(f"losses is None {case.label}: return the list of losses as the third value.")
        losses = np.ravel(_array(out[2], "losses", name))
        ref = run(_ref_step, X, W0, H0, n_iter)
        want = np.array(ref[2])
        if losses.shape != want.shape:
            if losses.size == want.size - 1 and _close(losses, want[1:]):
                _fail(f"{name} {case.label}: losses has no entry for the start. Put the loss of (W0, H0) "
                      "first, then one after each iteration: n_iter + 1 numbers in all.")
            if losses.size == want.size - 1 and _close(losses, want[:-1]):
                _fail(f"{name} {case.label}: losses stops one iteration early. You recorded the loss before "
                      "each iteration, so the loss after the last one is missing: record it after the update.")
            _fail(f"{name} {case.label}: losses has {losses.size} entries but should have n_iter + 1 = "
                  f"{want.size} (the start, then one per iteration).")
        got_W, got_H = W, H
        if not (_close(got_W, ref[0]) and _close(got_H, ref[1])):
            variants = [
                ("the W and H you returned are the starting factors: return the factors after the last "
                 "iteration", lambda: (W0, H0)),
                (f"your solver ran n_iter − 1 = {n_iter - 1} iterations instead of n_iter = {n_iter}",
                 lambda: run(_ref_step, X, W0, H0, n_iter - 1)[:2]),
                (f"your solver ran n_iter + 1 = {n_iter + 1} iterations instead of n_iter = {n_iter}",
                 lambda: run(_ref_step, X, W0, H0, n_iter + 1)[:2]),
            ]
            for i, (message, _) in enumerate(_mu_step_variants(X, W0, H0)[:9]):
                def iterate(i=i):
                    W, H = W0, H0
                    for _ in range(n_iter):
                        W, H = _mu_step_variants(X, W, H)[i][1]()
                    return W, H
                variants.append((f"the iteration inside your solver is wrong: {message}", iterate))
            mistake = _known_mistake((got_W, got_H), (ref[0], ref[1]), variants)
            if mistake:
                _fail(f"{name} {case.label}: {mistake}.")
            part, idx = ("W", 0) if not _close(got_W, ref[0]) else ("H", 1)
            _fail(f"{name} {case.label}: {_difference((got_W, got_H)[idx], ref[idx], part)} after "
                  f"{n_iter} iterations.")
        if not _close(losses, want):
            mistake = _known_mistake(losses, want, [
                ("losses holds ‖X − WH‖_F, the norm; the loss is its square", lambda: np.sqrt(want)),
                ("losses holds ½‖X − WH‖²_F; the book's loss has no ½", lambda: want / 2),
            ])
            if mistake:
                _fail(f"{name} {case.label}: {mistake}.")
            _fail(f"{name} {case.label}: {_difference(losses, want, 'losses')}: losses[t] should be the "
                  "loss after t iterations.")
    return _ok(f"{name} is right: n_iter iterations from copies of (W0, H0), and n_iter + 1 losses (the start, "
        "then one per iteration), on three cases including n_iter = 0.")


def _first_increase(losses, rtol=1e-12):
    for t in range(1, len(losses)):
        if losses[t] > losses[t - 1] + rtol * abs(losses[t - 1]):
            return t
    return None


def _check_first_increase(first_increase):
    """Check a reader's ``first_increase(losses, rtol=1e-12)``.

    It returns the first iteration ``t ≥ 1`` at which the loss went up by more
    than rounding, ``losses[t] > losses[t − 1] + rtol·|losses[t − 1]|``, or
    ``None`` if it never did.

    Parameters
    ----------
    first_increase : callable

    Raises
    ------
    AssertionError
        Saying what is wrong: ``>=`` instead of ``>``, ``rtol`` ignored, the last
        increase instead of the first, ``t − 1`` instead of ``t``, the loss value
        instead of the iteration, True/False instead of a number, ...
    NotImplementedError
        If ``first_increase`` is still the student stub.

    Notes
    -----
    Explained in *Lab 1: The multiplicative update from scratch*, task 4.
    """
    fn, name = _function(first_increase, "first_increase")
    cases = [
        _Case("on losses = [3, 2, 2.5, 1, 1.5]", [3.0, 2.0, 2.5, 1.0, 1.5]),
        _Case("on losses = [5, 4, 3, 2.5, 2.5, 2] (a plateau, but no increase)", [5.0, 4.0, 3.0, 2.5, 2.5, 2.0]),
        _Case("on losses = [1, 1 + 1e-15, 0.9] (a rise of 1e-15 is rounding)", [1.0, 1.0 + 1e-15, 0.9]),
        _Case("on losses = [1, 2, 0.5] (the very first iteration increases)", [1.0, 2.0, 0.5]),
        _Case("on losses = [4, 3, 2, 2.2] (the last iteration increases)", [4.0, 3.0, 2.0, 2.2]),
        _Case("on a NumPy array np.array([3, 2, 2.5, 1, 1.5])", np.array([3.0, 2.0, 2.5, 1.0, 1.5])),
        _Case("on losses = [1, 1.001, 0.5] with rtol=0.01 (a rise of 0.1 % is allowed)", [1.0, 1.001, 0.5], flags=[OWN_RTOL],
              rtol=0.01),
        _Case("on losses = [1, 1.001, 0.5] with rtol=1e-6", [1.0, 1.001, 0.5], rtol=1e-6, flags=[OWN_RTOL]),
        _Case("on losses = [2] (no iteration yet)", [2.0]),
    ]

    def firsts(losses, test):
        hits = [t for t in range(1, len(losses)) if test(losses[t], losses[t - 1])]
        return hits

    for case in cases:
        losses = case.args[0]
        rtol = case.kwargs.get("rtol", 1e-12)
        out = _call(fn, name, case, ("losses",))
        if isinstance(out, _Raised):
            _raised(name, out, case)
        expected = _first_increase(losses, rtol)
        if isinstance(out, (bool, np.bool_)):
            _fail(f"{name} returned {out} {case.label}: return the iteration number t (an int), or None "
                  "when the loss never increases, not True/False.")
        if out is not None and not isinstance(out, (numbers.Integral, np.integer)):
            if (isinstance(out, (numbers.Real, np.floating)) and expected is not None
                    and float(out) == float(losses[expected]) and float(out) != expected):
                _fail(f"{name} returned {out} {case.label}: that is a loss value; return the iteration number "
                      "t (the index in losses) instead.")
            _fail(f"{name} returned {out!r} {case.label}: return an int (the iteration t) or None.")
        if out == expected and (out is None) == (expected is None):
            continue
        bigger = lambda a, b: a > b + rtol * abs(b)  # noqa: E731
        variants = [
            ("you ignored the rtol argument: use the rtol the caller passes, "
             "losses[t] > losses[t-1] + rtol * abs(losses[t-1])", lambda: _first_increase(losses)),
            ("a rise of the order of rounding (1e-15) is not an increase: count only rises larger than "
             "rtol × the previous loss, as in losses[t] > losses[t-1] + rtol * abs(losses[t-1])",
             lambda: (firsts(losses, lambda a, b: a > b) or [None])[0]),
            ("a loss that stays equal has not increased: compare with >, not >=",
             lambda: (firsts(losses, lambda a, b: a >= b) or [None])[0]),
            ("you returned t − 1; return t, the index of the larger value (losses[t] > losses[t − 1])",
             lambda: (lambda f: None if f is None else f - 1)((firsts(losses, bigger) or [None])[0])),
            ("you returned the last increase; return the first one (stop at the first t you find)",
             lambda: (firsts(losses, bigger) or [None])[-1]),
            ("your loop misses t = 1: compare losses[1] with losses[0] too (range(1, len(losses)))",
             lambda: ([t for t in firsts(losses, bigger) if t >= 2] or [None])[0]),
            ("your loop misses the last iteration: range(1, len(losses)) goes up to len(losses) − 1",
             lambda: ([t for t in firsts(losses, bigger) if t < len(losses) - 1] or [None])[0]),
        ]
        same = lambda a, b: a == b and (a is None) == (b is None)  # noqa: E731
        mistake = _known_mistake(out, expected, variants, same=same)
        if mistake:
            _fail(f"{name} {case.label}: returned {out}, expected {expected}: {mistake}.")
        _fail(f"{name} {case.label}: returned {out}, but the first increase is at t = {expected}"
              + (" (none: return None)" if expected is None else "")
              + (". Use the rtol argument, do not fix the tolerance inside the function" if OWN_RTOL in case.flags
                 else "") + ".")
    return _ok(f"{name} is right: the first t with losses[t] > losses[t−1] + rtol·|losses[t−1]|, None when there is "
        "none, on nine sequences (plateaus, rounding, first and last iteration, rtol).")


# ==========================================================================
# Lab 2: gradients and the derivation
# ==========================================================================
def _check_gradients(grad_W, grad_H):
    """Check a reader's gradients of ``‖X − WH‖²_F``: ``grad_W(X, W, H)`` and ``grad_H(X, W, H)``.

    The right answers are ``∇_W = −2XHᵀ + 2W(HHᵀ)`` and ``∇_H = −2WᵀX + 2(WᵀW)H``.

    Parameters
    ----------
    grad_W, grad_H : callable
        ``(X, W, H) -> ndarray`` of W's and of H's shape.

    Raises
    ------
    AssertionError
        Saying what is wrong: half the gradient (the ½ loss), the sign, a missing
        term, WᵀH in place of WᵀX (source 001's typo), ``(HHᵀ)W`` for ``W(HHᵀ)``,
        a transpose, ``*`` for ``@``, ...
    NotImplementedError
        If either is still the student stub.

    Notes
    -----
    Explained in *Lab 2: Gradients and the derivation*, task 1; derived in *Gradient descent*.
    """
    fW, nW = _function(grad_W, "grad_W")
    fH, nH = _function(grad_H, "grad_H")
    cases = [
        _Case(_SQUARE, *_problem(3, 3, 3, 31)),
        _Case("on X of shape (6, 5), W (6, 2), H (2, 5)", *_problem(6, 5, 2, 32)),
    ]
    for fn, name, which in ((fW, nW, "W"), (fH, nH, "H")):
        for case in cases:
            X, W, H = case.args
            out = _call(fn, name, case, ("X", "W", "H"))
            if isinstance(out, _Raised):
                _raised(name, out, case)
            target = W if which == "W" else H
            got = _array(out, f"The gradient returned by {name}", name)
            if which == "W":
                G, Q = X @ H.T, W @ (H @ H.T)
                expected = _gradient_W(X, W, H)
                specific = [
                    ("you used WᵀH where XHᵀ belongs", lambda: -2 * (W @ H.T) + 2 * Q),
                    ("matrix products do not commute: the second term is 2W(HHᵀ), W on the left; you wrote "
                     "(HHᵀ)W", lambda: -2 * G + 2 * (H @ H.T) @ W),
                    ("you used * (entry by entry) where a matrix product @ belongs",
                     lambda: -2 * X * H.T + 2 * W * H * H.T),
                    ("this is the gradient with respect to H, not W: grad_W takes the derivative in W "
                     "(−2XHᵀ + 2WHHᵀ)", lambda: _gradient_H(X, W, H)),
                ]
                terms = ("−2XHᵀ", "2W(HHᵀ)")
            else:
                G, Q = W.T @ X, (W.T @ W) @ H
                expected = _gradient_H(X, W, H)
                specific = [
                    ("you used WᵀH where WᵀX belongs (source 001's typo in its last line)",
                     lambda: -2 * (W.T @ H) + 2 * Q),
                    ("the second term is 2(WᵀW)H; you used (WWᵀ)H", lambda: -2 * G + 2 * (W @ W.T) @ H),
                    ("you used * (entry by entry) where a matrix product @ belongs",
                     lambda: -2 * W.T * X + 2 * W.T * W * H),
                    ("this is the gradient with respect to W, not H: grad_H takes the derivative in H "
                     "(−2WᵀX + 2WᵀWH)", lambda: _gradient_W(X, W, H)),
                ]
                terms = ("−2WᵀX", "2(WᵀW)H")
            if got.shape != target.shape:
                if got.shape == target.T.shape:
                    _fail(f"{name} {case.label}: the gradient has shape {got.shape}, the shape of {which}ᵀ; "
                          f"a gradient with respect to {which} has {which}'s shape {target.shape}. "
                          f"Check the transposes: the terms are {terms[0]} and {terms[1]}.")
                _fail(f"{name} {case.label}: the gradient has shape {got.shape} but should have {which}'s "
                      f"shape {target.shape}.")
            if _close(got, expected):
                continue
            variants = [
                ("your gradient is half the right one: that is the gradient of ½‖X − WH‖²_F (scikit-learn's "
                 "objective). The book's loss has no ½, so the factor 2 of the square stays",
                 lambda: expected / 2),
                ("the signs are flipped: you computed minus the gradient (the descent direction). The "
                 f"gradient is {terms[0]} + {terms[1]}", lambda: -expected),
                (f"the term {terms[0]} is missing", lambda: 2 * Q),
                (f"the term {terms[1]} is missing", lambda: -2 * G),
                (f"your gradient is the transpose of the right one (on a non-square problem it would have "
                 f"the shape of {which}ᵀ); a gradient with respect to {which} has {which}'s shape. Check the "
                 f"transposes: the terms are {terms[0]} and {terms[1]}", lambda: expected.T),
            ] + specific
            mistake = _known_mistake(got, expected, variants)
            if mistake:
                _fail(f"{name} {case.label}: {mistake}.")
            _fail(f"{name} {case.label}: {_difference(got, expected, 'the gradient')}; it should be "
                  f"{terms[0]} + {terms[1]}.")
    return _ok(f"{nW} and {nH} are right: −2XHᵀ + 2W(HHᵀ) and −2WᵀX + 2(WᵀW)H on a square and a rectangular "
        "problem.")


def _central(f, A, h):
    G = np.empty_like(A)
    for idx in np.ndindex(A.shape):
        Ap, Am = A.copy(), A.copy()
        Ap[idx] += h
        Am[idx] -= h
        G[idx] = (f(Ap) - f(Am)) / (2 * h)
    return G


def _forward(f, A, h):
    G = np.empty_like(A)
    f0 = f(A)
    for idx in np.ndindex(A.shape):
        Ap = A.copy()
        Ap[idx] += h
        G[idx] = (f(Ap) - f0) / h
    return G


def _check_finite_difference(finite_difference):
    """Check a reader's ``finite_difference(f, A, h=1e-6)``: the central-difference gradient.

    Entry ``[i, j]`` of the result is ``(f(A + hE_ij) − f(A − hE_ij)) / (2h)``,
    where ``E_ij`` is 1 at ``[i, j]`` and 0 elsewhere; the result has A's shape,
    and A is left unchanged.

    Parameters
    ----------
    finite_difference : callable

    Raises
    ------
    AssertionError
        Saying what is wrong: a forward difference, dividing by h instead of 2h,
        all entries moved at once, A changed in place, the wrong shape, ...
    NotImplementedError
        If it is still the student stub.

    Notes
    -----
    Explained in *Lab 2: Gradients and the derivation*, task 2; explained in *The linear-algebra toolkit*.
    """
    fn, name = _function(finite_difference, "finite_difference")
    rng = np.random.default_rng(41)
    C = rng.uniform(0.5, 2.0, size=(2, 3))
    A = rng.uniform(0.5, 1.5, size=(2, 3))

    def cubic(V):
        return float(np.sum(C * V**3))

    X, W, H = _problem(5, 4, 2, 42)

    def loss_in_H(V):
        return float(np.sum((X - W @ V) ** 2))

    cases = [
        _Case("on f(A) = Σ C∘A³ with A of shape (2, 3) and h = 1e-3", cubic, A, 1e-3),
        _Case("on f(H) = ‖X − WH‖²_F with H of shape (2, 4) and h = 1e-6", loss_in_H, H, 1e-6),
    ]
    for case in cases:
        f, A0, h = case.args
        out = _call(fn, name, case, ("f", "A", "h"))
        if isinstance(out, _Raised):
            _raised(name, out, case)
        got = _array(out, f"The result of {name}", name)
        expected = _central(f, A0, h)
        if got.shape != A0.shape:
            if got.size == A0.size:
                _fail(f"{name} {case.label}: the result has shape {got.shape}; give it A's shape {A0.shape} "
                      "(np.zeros_like(A), one entry per entry of A).")
            _fail(f"{name} {case.label}: the result has shape {got.shape} but should have A's shape {A0.shape}.")
        if _close(got, expected, rtol=1e-5):
            continue
        ones = np.ones_like(A0)
        variants = [
            ("you used a forward difference (f(A + hE) − f(A)) / h; its error shrinks only like h. Use the "
             "central difference (f(A + hE) − f(A − hE)) / (2h), whose error shrinks like h²",
             lambda: _forward(f, A0, h)),
            ("you used a backward difference (f(A) − f(A − hE)) / h; use the central difference "
             "(f(A + hE) − f(A − hE)) / (2h)", lambda: -_forward(f, A0, -h)),
            ("your result is twice the right one: divide by 2h, the distance between A + hE and A − hE, "
             "not by h", lambda: 2 * expected),
            ("every entry is the same number: you moved all entries of A at once (A + h). Move one entry "
             "at a time: copy A, add h to entry [i, j] only",
             lambda: np.full_like(A0, (f(A0 + h * ones) - f(A0 - h * ones)) / (2 * h))),
        ]
        mistake = _known_mistake(got, expected, variants, same=lambda a, b: _close(a, b, rtol=1e-5))
        if mistake:
            _fail(f"{name} {case.label}: {mistake}.")
        _fail(f"{name} {case.label}: {_difference(got, expected, 'the result')}.")
    return _ok(f"{name} is right: central differences entry by entry, A's shape, A left unchanged.")


def _rate_H(W, H):
    return _safe_divide(H, 2.0 * ((W.T @ W) @ H))


def _check_learning_rate_H(learning_rate_H):
    """Check a reader's ``learning_rate_H(W, H)``: the data-driven rate ``H ⊘ (2WᵀWH)``.

    With it, a gradient step on the book's loss ``‖X − WH‖²_F``,
    ``H − η_H ∘ ∇_H``, is the multiplicative update. Exact zeros of the
    denominator must not give inf or NaN.

    Parameters
    ----------
    learning_rate_H : callable
        ``(W, H) -> ndarray`` of H's shape.

    Raises
    ------
    AssertionError
        Saying what is wrong: source 001's rate ``H ⊘ (WᵀWH)`` without the 2
        (right for ½‖X − WH‖², twice too long here), no H in the numerator, the
        ratio upside down, ``(WWᵀ)H``, inf where the denominator is 0, ...
    NotImplementedError
        If it is still the student stub.

    Notes
    -----
    Explained in *Lab 2: Gradients and the derivation*, task 3; derived in *Deriving the
    multiplicative update* (``nt.updates.learning_rate_H(W, H)`` is the same rate).
    """
    fn, name = _function(learning_rate_H, "learning_rate_H")
    _, W0, H0 = _zero_column(seed=52)
    cases = [
        _Case(_SQUARE, *_problem(3, 3, 3, 51)[1:]),
        _Case("on W of shape (6, 3) and H (3, 5)", *_problem(6, 5, 3, 53)[1:]),
        _Case("on a W whose column 1 is all zero (so (WᵀW)H has a row of zeros)", W0, H0, flags=[ZERO]),
    ]
    for case in cases:
        W, H = case.args
        out = _call(fn, name, case, ("W", "H"))
        if isinstance(out, _Raised):
            _raised(name, out, case)
        hint = _GUARD if ZERO in case.flags else ""
        try:
            got = _array(out, "The rate", name, hint=hint)
        except AssertionError as err:
            _fail(f"{name} {case.label}: {err}")
        if got.shape != H.shape:
            _fail(f"{name} {case.label}: the rate has shape {got.shape}; it is an element-wise rate, one "
                  f"number per entry of H, so it needs H's shape {H.shape}.")
        expected = _rate_H(W, H)
        if _close(got, expected):
            continue
        if ZERO in case.flags and _free_rows_agree(got, expected, W):
            continue  # where the denominator is 0 the gradient is 0 too: any finite rate will do
        D = (W.T @ W) @ H
        variants = [
            ("this is source 001's rate H ⊘ (WᵀWH). It is right for ½‖X − WH‖²_F, but the book's loss "
             "‖X − WH‖²_F has a gradient twice as large, so the rate must be half: H ⊘ (2WᵀWH)",
             lambda: H / D),
            ("the rate needs H in its numerator, H ⊘ (2WᵀWH): that H is what turns the gradient step into "
             "a multiplication", lambda: 1 / (2 * D)),
            ("the ratio is upside down: the rate is H ⊘ (2WᵀWH)", lambda: 2 * D / H),
            ("the denominator is 2(WᵀW)H; you used (WWᵀ)H", lambda: H / (2 * (W @ W.T) @ H)),
            ("you multiplied instead of dividing: the rate is H ⊘ (2WᵀWH), entry by entry",
             lambda: H * 2 * D),
            ("your rate is the transpose of the right one; it is an element-wise rate, one number per "
             "entry of H, with H's shape", lambda: expected.T),
        ]
        mistake = _known_mistake(got, expected, variants)
        if mistake:
            _fail(f"{name} {case.label}: {mistake}.")
        _fail(f"{name} {case.label}: {_difference(got, expected, 'the rate')}; it should be H ⊘ (2(WᵀW)H).")
    return _ok(f"{name} is right: H ⊘ (2WᵀWH), finite where the denominator is 0, on three problems.")


def _mu_update_H_variants(X, W, H):
    sd = _safe_divide
    G, D = W.T @ X, (W.T @ W) @ H
    return [
        ("the numerator should be WᵀX; you used WᵀH (source 001's typo in its last line: WᵀH does not "
         "even look at the data)", lambda: H * sd(W.T @ H, D)),
        ("your step is twice too long: with the rate H ⊘ (WᵀWH) (source 001's, for ½‖X − WH‖²) the "
         "gradient step on ‖X − WH‖² gives H ∘ (2·WᵀX ⊘ WᵀWH − 1). Use the rate H ⊘ (2WᵀWH)",
         lambda: H * (2 * sd(G, D) - 1)),
        ("H appears twice: the factor H belongs inside the rate η_H = H ⊘ (2WᵀWH) only, not again in "
         "front of the gradient (source 001's slip H − η H ∘ ∇)", lambda: H + H * H * sd(G - D, D)),
        ("you added the step: a descent step subtracts, H − η_H ∘ ∇_H", lambda: H * (2 - sd(G, D))),
        ("you returned the ratio WᵀX ⊘ (WᵀWH) alone; the update multiplies it by H", lambda: sd(G, D)),
        ("the ratio is upside down: the update is H ∘ (WᵀX) ⊘ (WᵀWH)", lambda: H * sd(D, G)),
        ("the denominator is (WᵀW)H; you used (WWᵀ)H", lambda: H * sd(G, (W @ W.T) @ H)),
    ]


def _check_mu_update_H(mu_update_H):
    """Check a reader's ``mu_update_H(X, W, H)``: the multiplicative update of H.

    The answer is the gradient step with the data-driven rate,
    ``H − η_H ∘ ∇_H = H ∘ (WᵀX) ⊘ ((WᵀW)H)``, with no NaN where the denominator is 0.

    Parameters
    ----------
    mu_update_H : callable
        ``(X, W, H) -> ndarray`` of H's shape.

    Raises
    ------
    AssertionError
        Saying what is wrong: the numerator WᵀH (source 001's typo), the rate
        without its 2, H twice, a plus sign, the ratio alone or upside down,
        NaN from 0/0, ...
    NotImplementedError
        If it is still the student stub.

    Notes
    -----
    Explained in *Lab 2: Gradients and the derivation*, task 4; derived in *Deriving the
    multiplicative update*.
    """
    fn, name = _function(mu_update_H, "mu_update_H")
    cases = [
        _Case(_SQUARE, *_problem(3, 3, 3, 61)),
        _Case("on X of shape (6, 5), W (6, 3), H (3, 5)", *_problem(6, 5, 3, 62)),
        _Case("on a W whose column 1 is all zero (so (WᵀW)H has a row of zeros)", *_zero_column(63), flags=[ZERO]),
    ]
    for case in cases:
        X, W, H = case.args
        out = _call(fn, name, case, ("X", "W", "H"))
        if isinstance(out, _Raised):
            _raised(name, out, case)
        try:
            got = _array(out, "H_new", name, hint=_GUARD if ZERO in case.flags else "")
        except AssertionError as err:
            _fail(f"{name} {case.label}: {err}")
        if got.shape != H.shape:
            _fail(f"{name} {case.label}: H_new has shape {got.shape} but should have H's shape {H.shape}.")
        expected = _mu_H(X, W, H)
        if _close(got, expected):
            continue
        if ZERO in case.flags and _free_rows_agree(got, expected, W):
            continue  # the gradient-step form leaves the free row as it is: also right
        mistake = _known_mistake(got, expected, _mu_update_H_variants(X, W, H))
        if mistake:
            _fail(f"{name} {case.label}: {mistake}.")
        if (got < 0).any():
            _fail(f"{name} {case.label}: H_new has negative entries; the update H ∘ (WᵀX) ⊘ (WᵀWH) of a "
                  "non-negative H never has.")
        _fail(f"{name} {case.label}: {_difference(got, expected, 'H_new')}; it should be H ∘ (WᵀX) ⊘ ((WᵀW)H).")
    return _ok(f"{name} is right: H ∘ (WᵀX) ⊘ ((WᵀW)H) on three problems, with no NaN where W has a zero column.")


# ==========================================================================
# Lab 3: regularization and the pizza example
# ==========================================================================
def _objective(X, W, H, aW, aH, rho, *, scaled=True, swap=False, half_data=True, half_l2=True, square_l2=True,
               hw=False):
    """scikit-learn's objective and its typical misreadings (the flags), for the check."""
    m, n = X.shape
    R = X - (H @ W if hw else W @ H)
    data = float(np.sum(R**2)) * (0.5 if half_data else 1.0)
    sW, sH = ((m, n) if swap else (n, m)) if scaled else (1, 1)
    l2 = (lambda A: float(np.sum(A**2))) if square_l2 else (lambda A: float(np.linalg.norm(A)))
    c = 0.5 if half_l2 else 1.0
    return (data + aW * rho * sW * W.sum() + aH * rho * sH * H.sum()
            + c * aW * (1 - rho) * sW * l2(W) + c * aH * (1 - rho) * sH * l2(H))


def _check_regularized_objective(objective):
    """Check a reader's ``objective(X, W, H, alpha_W, alpha_H, l1_ratio)``: scikit-learn's objective.

    ``½‖X − WH‖²_F + α_W ρ n ‖W‖₁ + α_H ρ m ‖H‖₁ + ½ α_W (1 − ρ) n ‖W‖²_F
    + ½ α_H (1 − ρ) m ‖H‖²_F``, with ρ = l1_ratio, m = n_samples, n = n_features.

    Parameters
    ----------
    objective : callable

    Raises
    ------
    AssertionError
        Saying what is wrong: ``HW`` for ``WH`` (source 003's typo), the ½ of the
        data term or of the L2 terms missing, the ``n_features`` / ``n_samples``
        factors missing or swapped, ``l1_ratio`` on the wrong norm, ``alpha_W``
        used for H, ...
    NotImplementedError
        If it is still the student stub.

    Notes
    -----
    Explained in *Lab 3: Regularization and the pizza example*, task 1; explained in *Regularization*.
    """
    fn, name = _function(objective, "objective")
    aW, aH, rho = 0.3, 0.2, 0.25
    cases = [
        _Case(_SQUARE + ", alpha_W = 0.3, alpha_H = 0.2, l1_ratio = 0.25", *_problem(3, 3, 3, 71), aW, aH, rho),
        _Case("on X of shape (5, 4), W (5, 2), H (2, 4), alpha_W = 0.3, alpha_H = 0.2, l1_ratio = 0.25",
              *_problem(5, 4, 2, 72), aW, aH, rho),
    ]
    for case in cases:
        X, W, H = case.args[:3]
        out = _call(fn, name, case, ("X", "W", "H", "alpha_W", "alpha_H", "l1_ratio"))
        if isinstance(out, _Raised):
            _raised(name, out, case)
        got = _scalar(out, f"The value of {name}", name)
        expected = regularized_objective(X, W, H, alpha_W=aW, alpha_H=aH, l1_ratio=rho)
        if _close(got, expected):
            continue
        o = lambda **kw: _objective(X, W, H, aW, aH, rho, **kw)  # noqa: E731
        variants = [
            ("the data term is ½‖X − WH‖²_F; you used HW (source 003's typo: with W of shape (m, k) and H "
             "of shape (k, n), HW is not even defined unless m = n)", lambda: o(hw=True)),
            ("the data term carries a ½: ½‖X − WH‖²_F", lambda: o(half_data=False)),
            ("the penalties are multiplied by the data size: W's by n_features = X.shape[1], H's by "
             "n_samples = X.shape[0] (scikit-learn ≥ 1.0); you left these factors out", lambda: o(scaled=False)),
            ("you swapped the sizes: W's penalties carry n_features = X.shape[1], H's carry "
             "n_samples = X.shape[0]",
             lambda: o(swap=True)),
            ("the L2 terms carry a ½ too: ½ α_W (1 − ρ) n ‖W‖²_F", lambda: o(half_l2=False)),
            ("the L2 penalty uses the squared Frobenius norm ‖W‖²_F (np.sum(W**2)), not ‖W‖_F",
             lambda: o(square_l2=False)),
            ("l1_ratio (ρ) is the share of the L1 penalty: ρ multiplies the L1 norms (sums of entries), "
             "1 − ρ the squared Frobenius norms; you swapped them",
             lambda: _objective(X, W, H, aW, aH, 1 - rho)),
            ("H's penalties take alpha_H; you used alpha_W for H too",
             lambda: _objective(X, W, H, aW, aW, rho)),
            ("the penalties are missing: you returned the data term ½‖X − WH‖²_F alone",
             lambda: 0.5 * float(np.sum((X - W @ H) ** 2))),
        ]
        mistake = _known_mistake(got, expected, variants)
        if mistake:
            _fail(f"{name} {case.label}: {mistake}.")
        _fail(f"{name} {case.label}: {_difference(got, expected, 'the objective')}.")
    return _ok(f"{name} is right: it agrees with scikit-learn's documented objective on a square and a "
        "rectangular problem.")


def _fit_verdict(name, case, X, W, H, alpha):
    """Refuse a fit that is not a converged solution of the problem with penalty ``alpha`` on both factors."""
    res = kkt_residual(X, W, H, alpha_W=alpha, l1_ratio=0.0, relative=True)
    if res <= 1e-6:
        return
    def kkt(**kw):
        try:
            return kkt_residual(X, W, H, l1_ratio=0.0, relative=True, **kw)
        except ValueError:  # a penalty on one factor only has no KKT point with a nonzero component
            return math.inf

    if alpha:
        m, n = X.shape
        wn, hn = n * np.sum(W**2, axis=0), m * np.sum(H**2, axis=1)
        used = (wn > 0) & (hn > 0)
        ratio = wn[used] / hn[used]  # 1 for every component at a solution with the penalty on both factors
        if used.any() and np.all(ratio < 0.5):
            _fail(f"{name} {case.label}: the components of W are much smaller than those of H (n·‖w_r‖² / "
                  f"m·‖h_r‖² is at most {ratio.max():.2g}, and 1 when both factors carry the penalty): the "
                  "penalty is on W only (alpha_H=0). Then shrinking W and growing H lowers the penalty for "
                  "ever, so the problem has no solution and the solver stops wherever it is. Leave alpha_H "
                  "at its default 'same'.")
        if used.any() and np.all(ratio > 2):
            _fail(f"{name} {case.label}: the components of H are much smaller than those of W: the penalty "
                  "is on H only (alpha_W=0). Pass alpha_W=alpha.")
    if alpha and kkt(alpha_W=0.0) < 1e-6:
        _fail(f"{name} {case.label}: the answer solves the problem without penalty: alpha is "
              "ignored. Pass alpha_W=alpha (alpha_H defaults to 'same') and l1_ratio=0.0.")
    if not alpha and kkt(alpha_W=0.01) < 1e-6:
        _fail(f"{name} {case.label}: the answer carries a penalty although alpha = 0.")
    _fail(f"{name} {case.label}: not converged: the KKT residual of the answer is {res:.1e}, and a converged "
          "answer has less than 1e-6. scikit-learn stops when an iteration improves the objective by less than "
          "tol (default 1e-4) or after max_iter iterations (default 200): with the defaults it stops early, so "
          "pass a small tol (1e-10) and a large max_iter (5000). If you did, look for what else differs from "
          "the task: solver='mu' converges far more slowly than the default 'cd', and a ConvergenceWarning "
          "says that max_iter was reached.")


def _check_fit(fit):
    """Check a reader's ``fit(X, k, seed, alpha=0.0) -> (W, H)``: scikit-learn's NMF, tightly converged.

    It must start from a random start drawn with ``seed`` (so the same seed gives
    the same answer and another seed another start), apply the L2 penalty
    ``alpha_W = alpha`` (``alpha_H`` "same", ``l1_ratio=0``), and converge:
    the KKT residual of the penalized objective is checked.

    Parameters
    ----------
    fit : callable

    Raises
    ------
    AssertionError
        Saying what is wrong: not seeded, the seed ignored (or a deterministic
        init), ``alpha`` ignored, not converged (the default ``tol``), the factors
        in the wrong order, ...
    NotImplementedError
        If it is still the student stub.

    Notes
    -----
    Explained in *Lab 3: Regularization and the pizza example*, task 2; explained in *NMF with
    scikit-learn* and *Regularization*.
    """
    fn, name = _function(fit, "fit")
    X = food_orders()[0]
    m, n = X.shape
    results = {}
    for seed, alpha in ((0, 0.0), (0, 0.0), (1, 0.0), (0, 0.01)):
        case = _Case(f"on the food-order matrix with k = 3, seed = {seed}, alpha = {alpha}", X, 3, seed,
                     alpha=alpha)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # a ConvergenceWarning is reported below, in words
            out = _call(fn, name, case, ("X", "k", "seed"))
        if isinstance(out, _Raised):
            _raised(name, out, case)
        if hasattr(out, "components_"):
            _fail(f"{name} returned the NMF model; return the factors: `W = model.fit_transform(X)`, "
                  "`return W, model.components_`.")
        W, H = _pair(out, name, ((m, 3), (3, n)), ("W", "H"))
        if (W < 0).any() or (H < 0).any():
            _fail(f"{name} {case.label}: the factors have negative entries; NMF's factors are non-negative.")
        if (seed, alpha) in results:
            W0, H0 = results[seed, alpha]
            if not (np.array_equal(W, W0) and np.array_equal(H, H0)):
                _fail(f"{name} gave different factors in two calls with seed = {seed}: the start is not "
                      "seeded. Pass random_state=seed to NMF.")
            continue
        results[seed, alpha] = (W, H)
        _fit_verdict(name, case, X, W, H, alpha)
    if np.allclose(results[0, 0.0][0], results[1, 0.0][0]) and np.allclose(results[0, 0.0][1], results[1, 0.0][1]):
        _fail(f"{name} gave the same factors for seed 0 and seed 1: the seed is not used. Pass "
              "random_state=seed and init='random' (the init 'nndsvda', the default here, draws no random numbers).")
    return _ok(f"{name} is right: seeded (same seed, same factors; another seed, another start), converged "
        "(KKT residual below 1e-6), with and without the penalty alpha.")


def _check_rescale(rescale):
    """Check a reader's ``rescale(W, H) -> (W_s, H_s)``: each component's largest entry becomes 1.

    Row r of H is divided by its largest entry d_r and column r of W multiplied by
    d_r, so ``W_s @ H_s == W @ H``; an all-zero row of H is left as it is.

    Parameters
    ----------
    rescale : callable

    Raises
    ------
    AssertionError
        Saying what is wrong: W not rescaled (the product changed), W divided
        instead of multiplied, the columns of H normalized, sum or length 1 in
        place of max 1, NaN from an all-zero component, ...
    NotImplementedError
        If it is still the student stub.

    Notes
    -----
    Explained in *Lab 3: Regularization and the pizza example*, task 3; explained in *The pizza,
    chicken and burger+fries example* (``nt.uniqueness.normalize_factors``).
    """
    fn, name = _function(rescale, "rescale")
    rng = np.random.default_rng(81)
    W1, H1 = _positive(rng, 5, 3), _positive(rng, 3, 4) * np.array([[4.0], [0.5], [2.0]])
    W2, H2 = _positive(rng, 4, 3), _positive(rng, 3, 3)
    W3, H3 = _positive(rng, 5, 3), _positive(rng, 3, 4)
    H3[1] = 0.0
    cases = [
        _Case("on a square H (3 × 3)", W2, H2),
        _Case("on W of shape (5, 3) and H (3, 4)", W1, H1),
        _Case("on an H whose row 1 is all zero (an unused component)", W3, H3, flags=[ZERO]),
    ]
    for case in cases:
        W, H = case.args
        out = _call(fn, name, case, ("W", "H"))
        if isinstance(out, _Raised):
            _raised(name, out, case)
        hint = ("Row 1 of H is all zero: its largest entry is 0, and dividing by it gives NaN. Leave such a "
                "component as it is (divide by 1 where the maximum is 0).") if ZERO in case.flags else ""
        try:
            got = _pair(out, name, (W.shape, H.shape), ("W_s", "H_s"))
        except AssertionError as err:
            _fail(f"{name} {case.label}: {err} {hint}".strip())
        d = H.max(axis=1)
        d = np.where(d > 0, d, 1.0)
        expected = (W * d, H / d[:, None])
        if _close(got, expected):
            continue
        s = H.sum(axis=1)
        s = np.where(s > 0, s, 1.0)
        e = np.sqrt((H**2).sum(axis=1))
        e = np.where(e > 0, e, 1.0)
        c = H.max(axis=0)
        c = np.where(c > 0, c, 1.0)
        variants = [
            ("the product changed: when you divide row r of H by d_r, multiply column r of W by the same "
             "d_r (W_s = W * d), so that W_s H_s = WH", lambda: (W, H / d[:, None])),
            ("the product changed: W must be multiplied by d (W * d), not divided", lambda: (W / d, H / d[:, None])),
            ("you normalized the columns of H; a component is a row of H, so take the maximum of each "
             "row, H.max(axis=1)", lambda: (W, H / c)),
            ("each component now sums to 1; this task asks for the largest entry to be 1 (H.max(axis=1))",
             lambda: (W * s, H / s[:, None])),
            ("each component now has length 1; this task asks for the largest entry to be 1 (H.max(axis=1))",
             lambda: (W * e, H / e[:, None])),
            ("H / d divides column j by d_j (broadcasting runs along the last axis); write H / d[:, None] so "
             "that row r is divided by d_r", lambda: (W * d, H / d)),
        ]
        mistake = _known_mistake(got, expected, variants)
        if mistake:
            _fail(f"{name} {case.label}: {mistake}.")
        if not np.allclose(got[0] @ got[1], W @ H):
            _fail(f"{name} {case.label}: W_s @ H_s differs from W @ H; rescaling must keep the product.")
        part, idx = ("W_s", 0) if not _close(got[0], expected[0]) else ("H_s", 1)
        _fail(f"{name} {case.label}: {_difference(got[idx], expected[idx], part)}.")
    return _ok(f"{name} is right: every component's largest entry is 1, the product WH is unchanged, and an "
        "all-zero component stays as it is.")


def _match(H_ref, H):
    from scipy.optimize import linear_sum_assignment

    A = H_ref / np.linalg.norm(H_ref, axis=1, keepdims=True)
    B = H / np.linalg.norm(H, axis=1, keepdims=True)
    cost = np.sqrt(((A[:, None, :] - B[None, :, :]) ** 2).sum(axis=2))
    rows, cols = linear_sum_assignment(cost)
    perm = np.empty(len(rows), dtype=int)
    perm[rows] = cols
    return perm, cost


def _check_match(match):
    """Check a reader's ``match(H_ref, H) -> perm``: the order of H's components matching H_ref.

    ``H[perm]`` lines up with ``H_ref``: the pairing with the smallest total
    distance between rows scaled to unit length (scale does not matter), found
    with :func:`scipy.optimize.linear_sum_assignment`.

    Parameters
    ----------
    match : callable

    Raises
    ------
    AssertionError
        Saying what is wrong: the inverse permutation, a component used twice, a
        greedy pairing that is not the best overall, raw rows compared without
        removing their scale, both outputs of ``linear_sum_assignment`` returned,
        the reordered H returned instead of the order, ...
    NotImplementedError
        If it is still the student stub.

    Notes
    -----
    Explained in *Lab 3: Regularization and the pizza example*, task 4; explained in
    *Non-uniqueness* (``nt.uniqueness.match_components``).
    """
    fn, name = _function(match, "match")
    # 1: H is H_ref with its rows reordered and rescaled: returning the inverse order is wrong.
    H_ref1 = np.array([[1.0, 0.0, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0], [0.0, 0.0, 1.0, 1.0], [0.3, 0.3, 0.0, 1.0]])
    H1 = H_ref1[[2, 3, 1, 0]] * np.array([[2.0], [0.5], [1.0], [3.0]]) + 0.01
    # 2: components of very different sizes: comparing raw rows pairs them wrongly.
    H_ref2 = np.array([[0.6, 0.3, 0.0, 0.0], [0.8, 0.9, 0.6, 0.7], [0.5, 0.9, 0.8, 0.0]])
    H2 = np.array([[5.7, 12.45, 10.17, 1.2], [0.1, 0.09, 0.06, 0.1], [0.86, 0.55, 0.15, 0.4]])
    # 3: the greedy pairing (each reference row takes its nearest remaining row) is not the best overall.
    H_ref3 = np.array([[0.7, 0.5, 0.8, 0.3], [0.4, 0.2, 0.4, 0.7], [0.3, 0.3, 0.2, 0.5]])
    H3 = np.array([[0.96, 0.53, 0.9, 0.52], [0.5, 0.44, 0.52, 0.88], [0.64, 0.41, 0.67, 0.79]])
    cases = [
        _Case("on H = H_ref with its 4 rows reordered (2, 3, 1, 0)", H_ref1, H1),
        _Case("on components of very different sizes (H's row 0 is about 100 times row 1)", H_ref2, H2),
        _Case("on a case where pairing each reference row greedily with its nearest row is not the best "
              "pairing overall", H_ref3, H3),
    ]
    for case in cases:
        H_ref, H = case.args
        k = H.shape[0]
        out = _call(fn, name, case, ("H_ref", "H"))
        if isinstance(out, _Raised):
            _raised(name, out, case)
        if out is None:
            _fail(f"{name} returned None: does it end with `return perm`?")
        if isinstance(out, tuple) and len(out) == 2:
            _fail(f"{name} {case.label}: you returned both outputs of linear_sum_assignment (rows, cols); "
                  "return only the order, one index of H per reference row (cols, in the order of rows).")
        perm = np.asarray(out)
        if perm.shape == H.shape:
            _fail(f"{name} {case.label}: you returned the reordered H; return the order itself, `perm`, "
                  "so that H[perm] and W[:, perm] can both be reordered with it.")
        if perm.shape != (k,):
            _fail(f"{name} {case.label}: perm should hold {k} indices (one per component) but has shape {perm.shape}.")
        if not np.issubdtype(perm.dtype, np.integer):
            if np.all(perm == np.round(perm)):
                perm = perm.astype(int)
            else:
                _fail(f"{name} {case.label}: perm should hold integers (indices of H's rows), got {perm}.")
        expected, cost = _match(H_ref, H)
        if sorted(perm.tolist()) != list(range(k)):
            dup = [int(v) for v in set(perm.tolist()) if perm.tolist().count(v) > 1]
            if dup:
                msg = (f"component {dup[0]} of H is used twice: each component may be paired once. Pairing each "
                       "reference row with its nearest row (argmin) can pick one row twice; solve the assignment "
                       "problem with scipy.optimize.linear_sum_assignment")
            else:
                msg = "perm is not a reordering of 0, …, k − 1"
            _fail(f"{name} {case.label}: perm = {perm.tolist()}: {msg}.")
        if np.array_equal(perm, expected):
            continue
        inverse = np.argsort(expected)

        def greedy():
            taken, out_ = set(), []
            for i in range(k):
                j = min((j for j in range(k) if j not in taken), key=lambda j: cost[i, j])
                taken.add(j)
                out_.append(j)
            return np.array(out_)

        def raw():
            from scipy.optimize import linear_sum_assignment

            c = np.sqrt(((H_ref[:, None, :] - H[None, :, :]) ** 2).sum(axis=2))
            rows, cols = linear_sum_assignment(c)
            p = np.empty(k, dtype=int)
            p[rows] = cols
            return p

        same = lambda a, b: np.array_equal(np.asarray(a), np.asarray(b))  # noqa: E731
        variants = [
            ("you returned the inverse order: with your perm, H_ref[perm] lines up with H, but the task asks "
             "for H[perm] to line up with H_ref (perm[i] is the row of H paired with reference row i)",
             lambda: inverse),
            ("you compared the raw rows, so a component that is just larger looks far away; scale every row "
             "to unit length first (divide by np.linalg.norm(H, axis=1, keepdims=True)), then compare", raw),
            ("your pairing is greedy (each reference row takes its nearest remaining row), and that is not "
             "the best pairing overall: minimize the total distance with "
             "scipy.optimize.linear_sum_assignment", greedy),
        ]
        mistake = _known_mistake(perm, expected, variants, same=same)
        if mistake:
            _fail(f"{name} {case.label}: perm = {perm.tolist()} but should be {expected.tolist()}: {mistake}.")
        _fail(f"{name} {case.label}: perm = {perm.tolist()} but should be {expected.tolist()} (H[perm] should "
              "line up with H_ref).")
    return _ok(f"{name} is right: H[perm] lines up with H_ref, whatever the sizes of the components, with the best "
        "pairing overall.")


def _check_count_distinct(count_distinct):
    """Check a reader's ``count_distinct(solutions, tol=1e-3) -> int``.

    Two runs ``(W, H)`` are the same solution when, after rescaling (largest
    entry of each component 1) and matching the components, they differ by at
    most ``tol`` (relative); the function returns how many different solutions
    the list holds.

    Parameters
    ----------
    count_distinct : callable

    Raises
    ------
    AssertionError
        Saying what is wrong: raw factors compared (every run counts), rescaled
        but not matched, matched but not rescaled, exact comparison instead of
        ``tol``, the ``tol`` argument ignored, labels returned instead of a count, ...
    NotImplementedError
        If it is still the student stub.

    Notes
    -----
    Explained in *Lab 3: Regularization and the pizza example*, task 5; explained in
    *Non-uniqueness* (``nt.uniqueness.group_solutions``).
    """
    fn, name = _function(count_distinct, "count_distinct")
    rng = np.random.default_rng(91)
    A = (_positive(rng, 6, 3), _positive(rng, 3, 4))
    B = (_positive(rng, 6, 3), _positive(rng, 3, 4))

    def variant(sol, order, scale, noise=0.0):
        W, H = sol
        s = np.asarray(scale, dtype=float)
        Wv, Hv = (W * s)[:, order], (H / s[:, None])[order]
        return Wv * (1 + noise), Hv

    copies = [A, A, variant(A, [0, 1, 2], [1.0, 1.0, 1.0], 1e-9)]
    same_A = [A, variant(A, [1, 2, 0], [1.0, 1.0, 1.0]), variant(A, [2, 0, 1], [1.0, 1.0, 1.0]),
              variant(A, [0, 1, 2], [2.0, 0.5, 3.0])]
    two = [A, variant(A, [1, 0, 2], [1.5, 1.0, 0.7], 1e-7), B, variant(B, [0, 2, 1], [3.0, 3.0, 0.1]),
           variant(A, [0, 1, 2], [1.0, 1.0, 1.0], 2e-7)]
    near = [A, variant(A, [0, 1, 2], [1.0, 1.0, 1.0], 0.02)]
    cases = [
        _Case("on three runs of one solution, two of them identical and one 1e-9 away", copies),
        _Case("on four runs of one solution: reordered twice, rescaled once", same_A),
        _Case("on five runs holding two different solutions (with rounding-level noise)", two),
        _Case("on two runs 2 % apart, with tol=1e-3 (different)", near, tol=1e-3),
        _Case("on two runs 2 % apart, with tol=0.1 (the same)", near, tol=0.1),
    ]

    def groups(sols, dist, tol):
        reps = []
        for W, H in sols:
            if not any(dist(Wr, Hr, W, H) <= tol for Wr, Hr in reps):
                reps.append((W, H))
        return len(reps)

    def rel(W1, H1, W2, H2):
        return max(np.linalg.norm(W1 - W2) / np.linalg.norm(W1), np.linalg.norm(H1 - H2) / np.linalg.norm(H1))

    def no_match(W1, H1, W2, H2):
        return rel(*normalize_factors(W1, H1), *normalize_factors(W2, H2))

    def no_scale(W1, H1, W2, H2):
        p = match_components(H1, H2)
        return rel(W1, H1, W2[:, p], H2[p])

    for case in cases:
        sols = case.args[0]
        tol = case.kwargs.get("tol", 1e-3)
        out = _call(fn, name, case, ("solutions",))
        if isinstance(out, _Raised):
            _raised(name, out, case)
        expected = int(group_solutions(sols, tol=tol).max() + 1)
        if isinstance(out, np.ndarray) and out.ndim == 1 and out.size == len(sols):
            _fail(f"{name} {case.label}: you returned one label per run; return the number of distinct "
                  "solutions, one int (e.g. labels.max() + 1).")
        if isinstance(out, (bool, np.bool_)) or not isinstance(out, (numbers.Integral, np.integer)):
            _fail(f"{name} {case.label}: return the number of distinct solutions as an int, got {out!r}.")
        if int(out) == expected:
            continue
        variants = [
            ("you compared the raw factors, so every reordering or rescaling counts as a new solution. First "
             "rescale (largest entry of each component 1) and match the components, then compare",
             lambda: groups(sols, rel, tol)),
            ("you rescaled but did not match: the components of two runs come in different orders. Put them "
             "in the same order (match) before comparing", lambda: groups(sols, no_match, tol)),
            ("you matched but did not rescale: the same component can come with a different size. Rescale "
             "first", lambda: groups(sols, no_scale, tol)),
            ("you ignored the tol argument: use the tol the caller passes",
             lambda: int(group_solutions(sols, tol=1e-3).max() + 1)),
            ("you returned the number of runs; return the number of distinct solutions among them",
             lambda: len(sols)),
            ("you compared exactly (==); rounding makes equal solutions differ slightly: count two runs as "
             "the same when their distance is at most tol",
             lambda: groups(sols, lambda *a: factorization_distance(*a), 0.0)),
        ]
        mistake = _known_mistake(int(out), expected, variants, same=lambda a, b: int(a) == int(b))
        if mistake:
            _fail(f"{name} {case.label}: returned {int(out)}, expected {expected}: {mistake}.")
        _fail(f"{name} {case.label}: returned {int(out)}, expected {expected}.")
    return _ok(f"{name} is right: runs that differ only by order and scale count once, different solutions count "
        "separately, and tol is respected.")


# ==========================================================================
# Lab 4: recommendation with missing entries
# ==========================================================================
def _check_hide_entries(hide_entries):
    """Check a reader's ``hide_entries(X, fraction, seed) -> M``: a seeded random mask.

    ``M`` is a boolean array of X's shape, **True where the entry stays observed**,
    with exactly ``round(fraction * X.size)`` entries hidden (False), chosen
    uniformly at random with ``np.random.default_rng(seed)``.

    Parameters
    ----------
    hide_entries : callable

    Raises
    ------
    AssertionError
        Saying what is wrong: True where hidden, 0/1 numbers instead of booleans,
        not exactly the asked number hidden (drawing with replacement, or one coin
        per entry), not seeded, the seed ignored, X changed in place, ...
    NotImplementedError
        If it is still the student stub.

    Notes
    -----
    Explained in *Lab 4: Recommendation with missing entries*, task 1.
    """
    fn, name = _function(hide_entries, "hide_entries")
    X = np.arange(80, dtype=float).reshape(10, 8) % 7
    masks = {}
    for seed, fraction in ((0, 0.25), (0, 0.25), (1, 0.25), (2, 0.5)):
        case = _Case(f"on X of shape (10, 8) with fraction = {fraction} and seed = {seed}", X, fraction, seed)
        out = _call(fn, name, case, ("X", "fraction", "seed"))
        if isinstance(out, _Raised):
            _raised(name, out, case)
        if out is None:
            _fail(f"{name} returned None: does it end with `return M`?")
        M = np.asarray(out)
        if M.shape != X.shape:
            _fail(f"{name} {case.label}: the mask has shape {M.shape} but should have X's shape {X.shape}.")
        want = round(fraction * X.size)
        if M.dtype != bool:
            _fail(f"{name} {case.label}: the mask has dtype {M.dtype}; it must be boolean (True = observed), "
                  "as nt.solvers.nmf(X, k, mask=M) requires. Build it with np.ones(X.shape, dtype=bool).")
        hidden = int((~M).sum())
        if hidden != want:
            if int(M.sum()) == want:
                _fail(f"{name} {case.label}: your mask is True where the entry is hidden; True must mean "
                      "observed (M = ~M fixes it).")
            _fail(f"{name} {case.label}: {hidden} entries are hidden, but round(fraction × X.size) = {want} "
                  "should be. Draw exactly that many different positions, e.g. "
                  "rng.choice(X.size, size=n_hidden, replace=False) (with replace=True some positions repeat; "
                  "one random number per entry hides only about the right number).")
        if (seed, fraction) in masks:
            if not np.array_equal(masks[seed, fraction], M):
                _fail(f"{name} gave two different masks for seed = {seed}: the draw is not seeded. Create the "
                      "generator with np.random.default_rng(seed) inside the function.")
            continue
        masks[seed, fraction] = M
    if np.array_equal(masks[0, 0.25], masks[1, 0.25]):
        _fail(f"{name} gave the same mask for seed = 0 and seed = 1: the seed argument is not used "
              "(np.random.default_rng(seed)).")
    return _ok(f"{name} is right: a boolean mask, True where observed, exactly round(fraction × X.size) entries "
        "hidden, the same for the same seed and different for another.")


def _masked_problem(m, n, k, seed, *, nan=False, empty_column=False):
    X, W, H = _problem(m, n, k, seed)
    rng = np.random.default_rng(seed + 1000)
    M = rng.random((m, n)) > 0.3
    M[0, 0] = True
    M[-1, -1] = False
    if empty_column:
        M[:, 1] = False
    if nan:
        X = np.where(M, X, np.nan)
    return X, W, H, M


def _check_masked_loss(masked_loss):
    """Check a reader's ``masked_loss(X, W, H, M)``: ``‖M ∘ (X − WH)‖²_F``, observed entries only.

    Entries of X where M is False may hold NaN; they must be ignored.

    Parameters
    ----------
    masked_loss : callable

    Raises
    ------
    AssertionError
        Saying what is wrong: hidden entries counted, the mask inverted, a mean
        instead of a sum, NaN because ``0 × NaN`` is NaN, the norm not squared, ...
    NotImplementedError
        If it is still the student stub.

    Notes
    -----
    Explained in *Lab 4: Recommendation with missing entries*, task 2 (``nt.masked.masked_loss``).
    """
    fn, name = _function(masked_loss, "masked_loss")
    cases = [
        _Case("on X of shape (6, 5) with k = 2 and about 30 % of the entries hidden", *_masked_problem(6, 5, 2, 101)),
        _Case("on an X that holds NaN where it is unobserved (M False)", *_masked_problem(6, 5, 2, 102, nan=True),
              flags=[NAN]),
    ]
    for case in cases:
        X, W, H, M = case.args
        out = _call(fn, name, case, ("X", "W", "H", "M"))
        if isinstance(out, _Raised):
            _raised(name, out, case)
        nan_hint = ("X holds NaN where it is hidden, and 0 × NaN is NaN, so M * (X - W @ H) keeps the NaN. "
                    "Select the observed entries instead: np.where(M, X - W @ H, 0), or (X - W @ H)[M]")
        try:
            got = _scalar(out, f"The value of {name}", name, hint=nan_hint if NAN in case.flags else "")
        except AssertionError as err:
            _fail(f"{name} {case.label}: {err}")
        R = np.where(M, X - W @ H, 0.0)
        expected = float(np.sum(R**2))
        Xf = np.nan_to_num(X)
        variants = [
            ("you counted the hidden entries too: sum only over the entries where M is True",
             lambda: float(np.sum((Xf - W @ H) ** 2))),
            ("you summed over the hidden entries (M False); the loss uses the observed ones (M True)",
             lambda: float(np.sum(np.where(M, 0.0, Xf - W @ H) ** 2))),
            ("you divided by the number of observed entries (a mean); the loss is their sum",
             lambda: expected / M.sum()),
            ("you returned the norm; the loss is the squared norm", lambda: np.sqrt(expected)),
            ("you returned half the loss; the book's loss has no ½", lambda: expected / 2),
        ]
        if _close(got, expected):
            continue
        mistake = _known_mistake(got, expected, variants)
        if mistake:
            _fail(f"{name} {case.label}: {mistake}.")
        _fail(f"{name} {case.label}: {_difference(got, expected, 'the masked loss')}.")
    return _ok(f"{name} is right: the sum of squared errors over the observed entries, NaN in hidden entries ignored.")


def _ref_masked_step(X, W, H, M):
    Y = np.where(M, X, 0.0)
    W1 = _masked_mu_W(Y, M, W.copy(), H)
    return W1, _masked_mu_H(Y, M, W1, H.copy())


def _check_masked_mu_step(masked_mu_step):
    """Check a reader's ``masked_mu_step(X, W, H, M) -> (W_new, H_new)``.

    With ``Y = M ∘ X`` (0 where hidden) and ``P = M ∘ (WH)``: W first,
    ``W ∘ (YHᵀ) ⊘ (PHᵀ)``, then H with the new W, ``H ∘ (WᵀY) ⊘ (WᵀP)``; no NaN
    when X holds NaN where it is hidden or a column has no observed entry.

    Parameters
    ----------
    masked_mu_step : callable

    Raises
    ------
    AssertionError
        Saying what is wrong: hidden entries treated as observed zeros, the mask
        missing in the numerator or the denominator, NaN from ``0 × NaN`` or 0/0,
        H before W, the old W in the H update, WᵀH in place of WᵀY, ...
    NotImplementedError
        If it is still the student stub.

    Notes
    -----
    Explained in *Lab 4: Recommendation with missing entries*, task 3 (``nt.masked``).
    """
    fn, name = _function(masked_mu_step, "masked_mu_step")
    cases = [
        _Case(_SQUARE + " with some entries hidden", *_masked_problem(3, 3, 3, 111)),
        _Case("on X of shape (7, 5) with k = 2 and about 30 % hidden", *_masked_problem(7, 5, 2, 112)),
        _Case("on an X that holds NaN where it is unobserved", *_masked_problem(7, 5, 2, 113, nan=True), flags=[NAN]),
        _Case("on a mask whose column 1 is all False (an item nobody rated)",
              *_masked_problem(7, 5, 2, 114, nan=True, empty_column=True), flags=[EMPTY]),
    ]
    for case in cases:
        X, W, H, M = case.args
        out = _call(fn, name, case, ("X", "W", "H", "M"))
        if isinstance(out, _Raised):
            _raised(name, out, case)
        if NAN in case.flags:
            hint = ("X holds NaN where it is hidden, and 0 × NaN is NaN: use Y = np.where(M, X, 0) rather "
                    "than M * X.")
        elif EMPTY in case.flags:
            hint = ("Column 1 has no observed entry (rows may have none either), so both sides of a ratio "
                    "are 0. " + _GUARD)
        else:
            hint = ""
        try:
            got = _pair(out, name, (W.shape, H.shape), ("W_new", "H_new"))
        except AssertionError as err:
            _fail(f"{name} {case.label}: {err} {hint}".strip())
        expected = _ref_masked_step(X, W, H, M)
        if _close(got, expected):
            continue
        if EMPTY in case.flags and _close(got[0], expected[0]):
            seen = M.any(axis=0)  # a column nobody rated is free: left as it is or set to 0, both fine
            if _close(got[1][:, seen], expected[1][:, seen]) and np.all(got[1] >= 0):
                continue
        sd = _safe_divide
        Y = np.where(M, X, 0.0)
        Xf = np.nan_to_num(X)

        def step(num_W, den_W, num_H, den_H):
            W1 = W * sd(num_W(W), den_W(W))
            return W1, H * sd(num_H(W1), den_H(W1))

        variants = [
            ("you treated the hidden entries as observed zeros: the denominators must use M ∘ (WH), "
             "(M * (W @ H)) @ H.T for W and W.T @ (M * (W @ H)) for H, so hidden entries do not count",
             lambda: step(lambda W: Y @ H.T, lambda W: W @ H @ H.T, lambda W: W.T @ Y, lambda W: W.T @ W @ H)),
            ("you ignored the mask: this is the plain update on X with its hidden entries",
             lambda: step(lambda W: Xf @ H.T, lambda W: W @ H @ H.T, lambda W: W.T @ Xf, lambda W: W.T @ W @ H)),
            ("the numerators must use the observed data only, Y = M ∘ X (0 where hidden)",
             lambda: step(lambda W: Xf @ H.T, lambda W: (M * (W @ H)) @ H.T, lambda W: W.T @ Xf,
                          lambda W: W.T @ (M * (W @ H)))),
            ("H was updated before W: update W first, then H with the new W",
             lambda: (lambda H1: (_masked_mu_W(Y, M, W.copy(), H1), H1))(_masked_mu_H(Y, M, W, H.copy()))),
            ("H was updated with the old W: use W_new in the H update",
             lambda: (_masked_mu_W(Y, M, W.copy(), H), _masked_mu_H(Y, M, W, H.copy()))),
            ("the numerator of the H update should be WᵀY (Y = M ∘ X); you used WᵀH",
             lambda: step(lambda W: Y @ H.T, lambda W: (M * (W @ H)) @ H.T, lambda W: W.T @ H,
                          lambda W: W.T @ (M * (W @ H)))),
        ]
        mistake = _known_mistake(got, expected, variants)
        if mistake:
            _fail(f"{name} {case.label}: {mistake}.")
        part, idx = ("W_new", 0) if not _close(got[0], expected[0]) else ("H_new", 1)
        _fail(f"{name} {case.label}: {_difference(got[idx], expected[idx], part)}.")
    return _ok(f"{name} is right: masked products in numerator and denominator, W first, and no NaN from hidden "
        "NaN entries or from an item nobody rated.")


def _check_rmse_hidden(rmse_hidden):
    """Check a reader's ``rmse_hidden(X, W, H, M)``: the root-mean-square error on the hidden entries.

    ``sqrt(mean of (X − WH)² over the entries where M is False)``, with X the
    full matrix (the truth the mask hid).

    Parameters
    ----------
    rmse_hidden : callable

    Raises
    ------
    AssertionError
        Saying what is wrong: the error measured on the observed entries (the
        training error), on all entries, the mean square without the root,
        divided by X.size, ...
    NotImplementedError
        If it is still the student stub.

    Notes
    -----
    Explained in *Lab 4: Recommendation with missing entries*, task 4.
    """
    fn, name = _function(rmse_hidden, "rmse_hidden")
    cases = [
        _Case("on X of shape (6, 5) with k = 2 and about 30 % hidden", *_masked_problem(6, 5, 2, 121)),
        _Case("on X of shape (8, 6) with k = 3", *_masked_problem(8, 6, 3, 122)),
    ]
    for case in cases:
        X, W, H, M = case.args
        out = _call(fn, name, case, ("X", "W", "H", "M"))
        if isinstance(out, _Raised):
            _raised(name, out, case)
        got = _scalar(out, f"The value of {name}", name)
        E2 = (X - W @ H) ** 2
        expected = float(np.sqrt(E2[~M].mean()))
        if _close(got, expected):
            continue
        variants = [
            ("you measured the error on the observed entries (M True): that is the training error. The "
             "test error uses the hidden entries, where M is False (~M)", lambda: float(np.sqrt(E2[M].mean()))),
            ("you measured the error on all entries; use only the hidden ones (where M is False)",
             lambda: float(np.sqrt(E2.mean()))),
            ("you returned the mean squared error; take its square root", lambda: float(E2[~M].mean())),
            ("you divided by X.size; the mean is over the hidden entries only, (~M).sum() of them",
             lambda: float(np.sqrt(E2[~M].sum() / X.size))),
            ("you returned the root of the sum; divide the sum by the number of hidden entries first",
             lambda: float(np.sqrt(E2[~M].sum()))),
        ]
        mistake = _known_mistake(got, expected, variants)
        if mistake:
            _fail(f"{name} {case.label}: {mistake}.")
        _fail(f"{name} {case.label}: {_difference(got, expected, 'the RMSE')}.")
    return _ok(f"{name} is right: the root-mean-square error over the hidden entries only.")


def _check_recommend(recommend):
    """Check a reader's ``recommend(W, H, M, user, n=3) -> items``.

    The ``n`` items the user has not rated (M False in the user's row) with the
    highest predicted score ``(WH)[user, item]``, best first, as item numbers
    (column indices).

    Parameters
    ----------
    recommend : callable

    Raises
    ------
    AssertionError
        Saying what is wrong: items the user already rated recommended, the
        worst items first, positions in the list of unrated items instead of
        item numbers, scores instead of item numbers, the column of H for the
        user, ...
    NotImplementedError
        If it is still the student stub.

    Notes
    -----
    Explained in *Lab 4: Recommendation with missing entries*, task 5.
    """
    fn, name = _function(recommend, "recommend")
    rng = np.random.default_rng(131)
    W = _positive(rng, 5, 2)
    H = _positive(rng, 2, 8)
    M = np.ones((5, 8), dtype=bool)
    scores = (W @ H)[2]
    ranked = np.argsort(-scores)
    M[2, ranked[0]] = True  # the best item is already rated
    unrated = ranked[[1, 3, 4, 6, 7]]
    M[2, unrated] = False
    M[4, [0, 5, 6]] = False
    cases = [
        _Case("for user 2 with n = 3 (the user's best-scored item is already rated)", W, H, M, 2, n=3),
        _Case("for user 4 with n = 2", W, H, M, 4, n=2),
        _Case("for user 4 with n = 5 (only 3 unrated items: return all 3)", W, H, M, 4, n=5),
    ]
    for case in cases:
        W_, H_, M_, user = case.args
        n = case.kwargs["n"]
        out = _call(fn, name, case, ("W", "H", "M", "user"))
        if isinstance(out, _Raised):
            _raised(name, out, case)
        if out is None:
            _fail(f"{name} returned None: does it end with `return items`?")
        s = (W_ @ H_)[user]
        cand = np.flatnonzero(~M_[user])
        expected = cand[np.argsort(-s[cand], kind="stable")][:n]
        items = _items(out, name, case)
        if np.array_equal(items, expected):
            continue
        order = np.argsort(-s[cand], kind="stable")
        variants = [
            ("you recommended an item the user has already rated; recommend only items where M[user] is False",
             lambda: np.argsort(-s, kind="stable")[:n]),
            ("the order is reversed: you returned the lowest scores first; sort by -score (best first)",
             lambda: cand[np.argsort(s[cand], kind="stable")][:n]),
            ("you returned positions in the list of unrated items, not item numbers: map them back with "
             "np.flatnonzero(~M[user])[positions]", lambda: order[:n]),
        ]
        mistake = _known_mistake(items, expected, variants, same=lambda a, b: np.array_equal(np.asarray(a),
                                                                                            np.asarray(b)))
        if mistake:
            _fail(f"{name} {case.label}: returned {items.tolist()}, expected {expected.tolist()}: {mistake}.")
        if len(items) != len(expected):
            _fail(f"{name} {case.label}: returned {len(items)} items, expected {len(expected)} "
                  f"({expected.tolist()}): at most n items, and no more than the user has not rated.")
        _fail(f"{name} {case.label}: returned {items.tolist()}, expected {expected.tolist()} (the unrated items "
              "with the highest scores, best first).")
    return _ok(f"{name} is right: the best-scored items the user has not rated, best first, as item numbers.")


# ==========================================================================
# The harness: one table of tasks, one way to run a check and report it
# ==========================================================================
@dataclasses.dataclass(frozen=True)
class CheckResult:
    """What a check found, for a script (a grader) to read.

    Attributes
    ----------
    check : str
        The check's name, e.g. ``"check_loss"``.
    passed : bool
        Whether every case agreed with the reference.
    points : float
        The points earned: ``max_points`` if passed, else 0.
    max_points : float
        The points of this check (the public check's, or the hidden tests' with ``hidden=True``).
    message : str
        The message a student sees: the ✓ line, or what is wrong and on which case.
    """

    check: str
    passed: bool
    points: float
    max_points: float
    message: str

    def __bool__(self):
        return self.passed

    def _ipython_display_(self):
        """Nothing: the check already printed (or raised) its message."""


@dataclasses.dataclass(frozen=True)
class _Task:
    """One row of :data:`TASKS`: a lab task, its points and how it is graded."""

    lab: int
    number: int
    body: object                       # the public cases: returns the ✓ message or raises AssertionError
    hidden: object                     # the cases only the grader runs (same contract)
    uses: tuple = ()                   # names of earlier tasks' functions the student's code may call
    points: float = 2.0                # the public check cell
    hidden_points: float = 1.0         # the hidden-tests cell


def _ref_rescale(W, H):
    d = H.max(axis=1)
    d = np.where(d > 0, d, 1.0)
    return W * d, H / d[:, None]


#: The reference implementation of every task function a later task may call. During a check the
#: student's own version is replaced by the reference, so a mistake in task 2 costs only task 2.
REFERENCES = {
    "loss": lambda X, W, H: _loss(X, W, H),
    "mu_step": lambda X, W, H: _ref_step(X, W, H),
    "grad_W": lambda X, W, H: _gradient_W(X, W, H),
    "grad_H": lambda X, W, H: _gradient_H(X, W, H),
    "learning_rate_H": lambda W, H: _rate_H(W, H),
    "rescale": _ref_rescale,
    "match": lambda H_ref, H: _match(H_ref, H)[0],
}


@contextlib.contextmanager
def _references(fns, names):
    """Swap the earlier tasks' functions in the students' namespace for the references, then restore."""
    saved = []
    for fn in fns:
        space = getattr(fn, "__globals__", None)
        if space is None:
            continue
        for name in names:
            if name in space and not any(s is space and n == name for s, n, _ in saved):
                saved.append((space, name, space[name]))
                space[name] = REFERENCES[name]
    try:
        yield
    finally:
        for space, name, value in reversed(saved):
            space[name] = value


def _run(key, fns, hidden):
    """Run the check ``key`` on the student's functions: a :class:`CheckResult` and the exception type."""
    task = TASKS[key]
    max_points = task.hidden_points if hidden else task.points
    kind = None
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"), _references(fns, task.uses):
            warnings.simplefilter("ignore")  # a warning goes to stderr, which nbgrader counts as an error
            message = task.body(*fns)
            if hidden:
                extra = task.hidden(*fns)
                message = f"{message}\n{extra}"
        passed = True
    except AssertionError as err:
        message, passed, kind = str(err), False, AssertionError
    except NotImplementedError as err:
        message, passed, kind = str(err), False, NotImplementedError
    return CheckResult(key, passed, max_points if passed else 0.0, max_points, message), kind


def _public(key):
    """The public ``check_<task>`` function of the task ``key``."""
    task = TASKS[key]

    def check(*functions, hidden=False, strict=True):
        if len(functions) != task.body.__code__.co_argcount:
            raise TypeError(f"{key} takes {task.body.__code__.co_argcount} function(s), got {len(functions)}.")
        result, kind = _run(key, functions, hidden)
        if result.passed or not strict:
            print(result.message if result.passed else f"✗ {result.message}")
            return result
        raise kind(result.message) from None

    check.__name__ = check.__qualname__ = key
    check.__doc__ = (task.body.__doc__ or "") + f"""
    Grading
    -------
    Lab {task.lab}, task {task.number}: {task.points:g} points for the public check,
    {task.hidden_points:g} for the hidden tests (``hidden=True``: the public cases and more).
    The student's versions of {', '.join(task.uses) or 'no earlier task'} are replaced by the
    reference while the check runs, so a mistake in an earlier task is not counted again.

    Returns
    -------
    CheckResult
        ``passed``, ``points``, ``max_points`` and ``message``. The message is printed.
        With ``strict=True`` (the default) a failure raises AssertionError (NotImplementedError
        for the student stub) with that message instead; ``strict=False`` returns the failed result.
    """
    return check


def grade(check, *functions):
    """The points of a hidden-tests cell: run ``check`` with ``hidden=True``, print its message.

    Returns a float, which nbgrader reads as the partial credit of the cell (0 or its points).
    """
    result = check(*functions, hidden=True, strict=False)
    return float(result.points)


# ==========================================================================
# The hidden tests: cases the grader runs after the public ones
# ==========================================================================
@dataclasses.dataclass(frozen=True)
class _Mistake:
    """A known wrong answer: its name (for tests and reports), the words a student reads, how to compute it."""

    name: str
    message: str
    make: object   # make(*case.args, **case.kwargs) -> the wrong answer on that case


def _run_cases(fn, name, arg_names, cases, reference, mistakes=(), *, convert=None, same=_close, what="the result"):
    """The table-driven loop: call ``fn`` on each case, compare with ``reference``, name a known mistake.

    Returns the names of the cases tried. Raises AssertionError with the message of the first
    failure: the matching mistake's words, or where the result differs.
    """
    for case in cases:
        out = _call(fn, name, case, arg_names)
        if isinstance(out, _Raised):
            _raised(name, out, case)
        got = convert(out, case) if convert else out
        expected = reference(*case.args, **case.kwargs)
        if same(got, expected):
            continue
        variants = [(m.message, lambda m=m: m.make(*case.args, **case.kwargs)) for m in mistakes]
        mistake = _known_mistake(got, expected, variants, same=same)
        if mistake:
            _fail(f"{name} {case.label}: {mistake}.")
        if isinstance(expected, tuple) and isinstance(got, tuple) and len(got) == len(expected):
            i = next(i for i, (a, b) in enumerate(zip(got, expected)) if not _close(a, b))
            where = _difference(got[i], expected[i], f"returned value {i + 1}")
        else:
            where = _difference(got, expected, what)
        _fail(f"{name} {case.label}: {where}.")
    return [c.label for c in cases]


def _f32(*arrays):
    return [np.asarray(a, dtype=np.float32) for a in arrays]


_FLOAT32 = ("you computed in float32 (single precision, about 7 digits); this task asks for float64, NumPy's "
            "default: do not convert the arrays with .astype(np.float32) or np.float32(...)")


def _scaled_problem(m, n, k, seed, scale):
    """A problem whose entries are of size ``scale``: X = scale·X₀, W = √scale·W₀, H = √scale·H₀."""
    X, W, H = _problem(m, n, k, seed)
    return X * scale, W * math.sqrt(scale), H * math.sqrt(scale)


def _near_fit(m, n, k, seed, size=1e4, noise=1e-3):
    """Large entries that W @ H fits almost exactly: the residual is a small difference of big numbers."""
    _, W, H = _problem(m, n, k, seed)
    W, H = W * math.sqrt(size), H * math.sqrt(size)
    rng = np.random.default_rng(seed + 7)
    return W @ H + noise * rng.uniform(0.0, 1.0, (m, n)), W, H


def _hidden_loss(loss):
    fn, name = _function(loss, "loss")
    cases = [
        _Case("on X of shape (6, 5) with entries near 10⁴ that W @ H fits to 10⁻³ (a small difference of big "
              "numbers)", *_near_fit(6, 5, 2, 201)),
        _Case("on entries of size 10⁻²⁵ (their squares are 10⁻⁵⁰)", *_scaled_problem(5, 4, 2, 202, 1e-25)),
        _Case("on entries of size 10²⁰ (their squares are 10⁴⁰)", *_scaled_problem(4, 6, 3, 203, 1e20)),
    ]
    mistakes = [_Mistake("float32", _FLOAT32, lambda X, W, H: float(np.sum(
        (lambda X, W, H: (X - W @ H) ** 2)(*_f32(X, W, H)), dtype=np.float32)))]
    n = _run_cases(fn, name, ("X", "W", "H"), cases, _loss, mistakes,
                   convert=lambda out, case: _scalar(out, f"The value of {name}", name), what="the loss")
    return f"✓ hidden tests: {len(n)} more cases (float64 precision, tiny and huge entries)."


def _pair_of(name, names=("W_new", "H_new")):
    def convert(out, case):
        W, H = case.args[1], case.args[2]
        return _pair(out, name, (W.shape, H.shape), names)
    return convert


def _hidden_mu_step(mu_step):
    fn, name = _function(mu_step, "mu_step")
    cases = [
        _Case("on entries of size 10⁻²⁵", *_scaled_problem(6, 5, 3, 211, 1e-25)),
        _Case("on entries of size 10²⁵", *_scaled_problem(5, 7, 2, 212, 1e25)),
        _Case("on X of shape (9, 4) with k = 4", *_problem(9, 4, 4, 213)),
    ]

    def step32(X, W, H):
        X, W, H = _f32(X, W, H)
        return _mu_W(X, W, H), _mu_H(X, _mu_W(X, W, H), H)

    mistakes = [_Mistake("float32", _FLOAT32, step32)]
    n = _run_cases(fn, name, ("X", "W", "H"), cases, _ref_step, mistakes, convert=_pair_of(name), what="the result")
    return f"✓ hidden tests: {len(n)} more cases (tiny and huge entries, k = 4)."


def _ref_solver(X, W0, H0, n_iter):
    W, H, losses = W0, H0, [_loss(X, W0, H0)]
    for _ in range(n_iter):
        W, H = _ref_step(X, W, H)
        losses.append(_loss(X, W, H))
    return W, H, np.array(losses)


def _hidden_mu_solver(mu_solver):
    fn, name = _function(mu_solver, "mu_solver")
    # an exact low-rank X from a start near the answer: the loss improves very little after a few iterations
    rng = np.random.default_rng(221)
    W_true, H_true = _positive(rng, 8, 2), _positive(rng, 2, 6)
    cases = [
        _Case("on an exactly low-rank X from a start close to the answer, n_iter = 40 (the improvements "
              "become tiny)", W_true @ H_true, W_true * 1.01, H_true * 0.99, 40),
        _Case("on X of shape (6, 5), k = 3, n_iter = 25", *_problem(6, 5, 3, 222), 25),
        _Case("on entries of size 10⁻²⁵, n_iter = 4", *_scaled_problem(5, 4, 2, 223, 1e-25), 4),
    ]

    def convert(out, case):
        if not isinstance(out, (tuple, list)) or len(out) != 3:
            _fail(f"{name} should return three things, `return W, H, losses` {case.label}.")
        losses = np.ravel(_array(out[2], "losses", name))
        n_iter = case.args[3]
        if losses.size != n_iter + 1:
            _fail(f"{name} {case.label}: losses has {losses.size} entries, but n_iter + 1 = {n_iter + 1} were "
                  "asked: run exactly n_iter iterations, even when the loss hardly changes any more (stopping "
                  "early on a small improvement is a different solver, with a tolerance the caller did not "
                  "ask for).")
        W, H = _pair(out[:2], name, (case.args[1].shape, case.args[2].shape), ("W", "H"))
        return W, H, losses

    def solver32(X, W0, H0, n_iter):
        X, W, H = _f32(X, W0, H0)
        losses = [float(np.sum((X - W @ H) ** 2))]
        for _ in range(n_iter):
            W = _mu_W(X, W, H)
            H = _mu_H(X, W, H)
            losses.append(float(np.sum((X - W @ H) ** 2)))
        return W, H, np.array(losses)

    mistakes = [_Mistake("float32", _FLOAT32, solver32)]
    n = _run_cases(fn, name, ("X", "W0", "H0", "n_iter"), cases, _ref_solver, mistakes, convert=convert,
                   same=lambda a, b: _close(tuple(a), tuple(b)), what="the result")
    return f"✓ hidden tests: {len(n)} more cases (exactly n_iter iterations when the loss barely moves, tiny entries)."


def _hidden_first_increase(first_increase):
    fn, name = _function(first_increase, "first_increase")
    big, tiny = 1e6, 1e-15
    cases = [
        _Case("on losses near 10⁶ that rise by 10⁻⁷ (a relative rise of 10⁻¹³: rounding)",
              [2 * big, big, big + 1e-7, 0.5 * big]),
        _Case("on losses near 10⁶ that rise by 1 (a relative rise of 10⁻⁶: an increase)", [2 * big, big, big + 1.0]),
        _Case("on losses near 10⁻¹⁵ that double (an increase, although the difference is only 10⁻¹⁵)",
              [3 * tiny, tiny, 2 * tiny]),
        _Case("on losses near 10⁻¹⁵ with rtol=0.5 (a rise of 20 % is allowed)", [tiny, 1.2 * tiny, 2 * tiny],
              rtol=0.5),
    ]
    mistakes = [
        _Mistake("absolute tolerance", "you used an absolute tolerance, losses[t] > losses[t-1] + rtol; the task "
                 "asks for a relative one, losses[t] > losses[t-1] + rtol * abs(losses[t-1]), so that the test "
                 "means the same for losses of size 10⁻¹⁵ and 10⁶",
                 lambda losses, rtol=1e-12: next((t for t in range(1, len(losses))
                                                  if losses[t] > losses[t - 1] + rtol), None)),
        _Mistake("no tolerance", "a rise of the order of rounding is not an increase: allow rtol × the previous loss",
                 lambda losses, rtol=1e-12: next((t for t in range(1, len(losses)) if losses[t] > losses[t - 1]),
                                                 None)),
    ]

    def convert(out, case):
        if out is not None and (isinstance(out, (bool, np.bool_)) or not isinstance(out, (numbers.Integral,
                                                                                         np.integer))):
            _fail(f"{name} returned {out!r} {case.label}: return an int (the iteration t) or None.")
        return out

    same = lambda a, b: a == b and (a is None) == (b is None)  # noqa: E731
    n = _run_cases(fn, name, ("losses",), cases, _first_increase, mistakes, convert=convert, same=same,
                   what="the first increase")
    return f"✓ hidden tests: {len(n)} more sequences (losses of size 10⁶ and 10⁻¹⁵: a relative tolerance)."


def _hidden_gradients(grad_W, grad_H):
    fW, nW = _function(grad_W, "grad_W")
    fH, nH = _function(grad_H, "grad_H")
    cases = [
        _Case("near a fit (entries near 10⁴, residual 10⁻³: the two terms nearly cancel)", *_near_fit(6, 5, 2, 231)),
        _Case("on entries of size 10⁻²⁵", *_scaled_problem(5, 4, 3, 232, 1e-25)),
    ]
    for fn, name, ref in ((fW, nW, _gradient_W), (fH, nH, _gradient_H)):
        mistakes = [_Mistake("float32", _FLOAT32, lambda X, W, H, ref=ref: ref(*_f32(X, W, H)))]
        _run_cases(fn, name, ("X", "W", "H"), cases, ref, mistakes,
                   convert=lambda out, case, name=name: _array(out, f"The gradient returned by {name}", name),
                   what="the gradient")
    return "✓ hidden tests: 2 more cases for each gradient (cancellation near a fit, tiny entries)."


def _hidden_finite_difference(finite_difference):
    fn, name = _function(finite_difference, "finite_difference")
    rng = np.random.default_rng(241)
    A = rng.uniform(0.5, 1.5, size=(3, 2))

    def cubic(V):
        return float(np.sum(V**3))

    cases = [
        _Case("on f(A) = sum(A³) with h=0.1 (the caller's h must be used)", cubic, A, h=0.1),
        _Case("on f(A) = sum(A³) with h=1e-3", cubic, A * 10, h=1e-3),
    ]
    mistakes = [
        _Mistake("h ignored", "you ignored the h argument: use the step h the caller passes",
                 lambda f, A, h=1e-6: _central(f, A, 1e-6)),
        _Mistake("forward difference", "you used a forward difference (f(A + hE) − f(A)) / h; the task asks for "
                 "the central difference (f(A + hE) − f(A − hE)) / (2h)", lambda f, A, h=1e-6: _forward(f, A, h)),
    ]
    n = _run_cases(fn, name, ("f", "A"), cases, lambda f, A, h=1e-6: _central(f, A, h), mistakes,
                   convert=lambda out, case: _array(out, f"The result of {name}", name), what="the result")
    return f"✓ hidden tests: {len(n)} more cases (the caller's h)."


def _hidden_learning_rate_H(learning_rate_H):
    fn, name = _function(learning_rate_H, "learning_rate_H")
    cases = [
        _Case("on entries of size 10²⁵ (W and H; WᵀWH is about 10⁷⁵)", *_scaled_problem(5, 4, 2, 251, 1e25)[1:]),
        _Case("on entries of size 10⁻²⁵", *_scaled_problem(4, 6, 3, 252, 1e-25)[1:]),
    ]
    mistakes = [_Mistake("float32", _FLOAT32, lambda W, H: _rate_H(*_f32(W, H)))]
    n = _run_cases(fn, name, ("W", "H"), cases, _rate_H, mistakes,
                   convert=lambda out, case: _array(out, "The rate", name), what="the rate")
    return f"✓ hidden tests: {len(n)} more cases (tiny and huge entries)."


def _hidden_mu_update_H(mu_update_H):
    fn, name = _function(mu_update_H, "mu_update_H")
    cases = [
        _Case("on entries of size 10²⁵", *_scaled_problem(5, 4, 2, 261, 1e25)),
        _Case("on entries of size 10⁻²⁵", *_scaled_problem(4, 6, 3, 262, 1e-25)),
    ]
    mistakes = [_Mistake("float32", _FLOAT32, lambda X, W, H: _mu_H(*_f32(X, W, H)))]
    n = _run_cases(fn, name, ("X", "W", "H"), cases, _mu_H, mistakes,
                   convert=lambda out, case: _array(out, "H_new", name), what="H_new")
    return f"✓ hidden tests: {len(n)} more cases (tiny and huge entries)."


def _hidden_regularized_objective(objective):
    fn, name = _function(objective, "objective")
    X1, W1, H1 = _problem(7, 3, 2, 271)
    X2, W2, H2 = _near_fit(4, 9, 2, 272)
    cases = [
        _Case("on X of shape (7, 3) with alpha_W = 0.3, alpha_H = 0 (a penalty on W only), l1_ratio = 0.25",
              X1, W1, H1, 0.3, 0.0, 0.25),
        _Case("on X of shape (4, 9) with alpha_W = 0, alpha_H = 0.2, l1_ratio = 1 (L1 on H only)",
              X2, W2, H2, 0.0, 0.2, 1.0),
    ]
    ref = lambda X, W, H, aW, aH, rho: _objective(X, W, H, aW, aH, rho)  # noqa: E731
    mistakes = [
        _Mistake("alpha_W for both", "you used alpha_W for both factors; H's penalty has its own weight alpha_H",
                 lambda X, W, H, aW, aH, rho: _objective(X, W, H, aW, aW, rho)),
        _Mistake("n_features and n_samples swapped", "the weights n_features (X.shape[1]) and n_samples "
                 "(X.shape[0]) are swapped: W's penalty is scaled by n_features, H's by n_samples",
                 lambda X, W, H, aW, aH, rho: _objective(X, W, H, aW, aH, rho, swap=True)),
    ]
    n = _run_cases(fn, name, ("X", "W", "H", "alpha_W", "alpha_H", "l1_ratio"), cases, ref, mistakes,
                   convert=lambda out, case: _scalar(out, f"The value of {name}", name), what="the objective")
    return f"✓ hidden tests: {len(n)} more cases (a penalty on one factor only, non-square X)."


def _hidden_fit(fit):
    fn, name = _function(fit, "fit")
    X = food_orders()[0]
    case = _Case("on the food-order matrix with k = 2, seed = 5, alpha = 0.05", X, 2, 5, alpha=0.05)
    out = _call(fn, name, case, ("X", "k", "seed"))
    if isinstance(out, _Raised):
        _raised(name, out, case)
    W, H = _pair(out, name, ((X.shape[0], 2), (2, X.shape[1])), ("W", "H"))
    _fit_verdict(name, case, X, W, H, 0.05)
    return "✓ hidden tests: converged with the penalty on both factors for k = 2 and another seed."


def _hidden_rescale(rescale):
    fn, name = _function(rescale, "rescale")
    rng = np.random.default_rng(281)
    cases = [
        _Case("on components of sizes 10⁻²⁰ and 10²⁰", _positive(rng, 4, 2),
              _positive(rng, 2, 5) * np.array([[1e-20], [1e20]])),
        _Case("on W of shape (6, 4) and H (4, 3)", _positive(rng, 6, 4), _positive(rng, 4, 3)),
    ]
    mistakes = [_Mistake("float32", _FLOAT32, lambda W, H: tuple(_ref_rescale(*_f32(W, H))))]
    n = _run_cases(fn, name, ("W", "H"), cases, _ref_rescale, mistakes,
                   convert=lambda out, case: _pair(out, name, (case.args[0].shape, case.args[1].shape),
                                                   ("W_s", "H_s")), what="the result")
    return f"✓ hidden tests: {len(n)} more cases (components of very different sizes)."


def _hidden_match(match):
    fn, name = _function(match, "match")
    rng = np.random.default_rng(291)
    H_ref = _positive(rng, 4, 6)
    order = np.array([3, 0, 1, 2])
    sizes = np.array([[1e-8], [1.0], [1e8], [5.0]])
    H = H_ref[order] * sizes
    cases = [_Case("on 4 components reordered (3, 0, 1, 2) with sizes from 10⁻⁸ to 10⁸", H_ref, H)]
    n = _run_cases(fn, name, ("H_ref", "H"), cases, lambda H_ref, H: _match(H_ref, H)[0],
                   convert=lambda out, case: np.asarray(out).astype(int) if np.asarray(out).shape == (4,) else out,
                   same=lambda a, b: np.array_equal(np.asarray(a), np.asarray(b)), what="perm")
    return f"✓ hidden tests: {len(n)} more case (components of sizes 10⁻⁸ to 10⁸)."


def _hidden_count_distinct(count_distinct):
    fn, name = _function(count_distinct, "count_distinct")
    rng = np.random.default_rng(301)
    W, H = _positive(rng, 6, 2), _positive(rng, 2, 5)
    # another factorization with the same product: W A and A⁻¹ H stay non-negative for this mixing A
    A = np.array([[1.0, 0.0], [0.05, 1.0]])
    W2, H2 = W @ A, np.linalg.inv(A) @ H          # H2 = H with 5 % of row 0 taken from row 1: still positive
    small = (W * 1e-6, H), (_positive(rng, 6, 2) * 1e-6, H)   # the same H, W of size 10⁻⁶
    cases = [
        _Case("on two different factorizations with the same product WH (and a reordered copy of one)",
              [(W, H), (W2, H2), (W[:, ::-1], H[::-1])]),
        _Case("on two different solutions whose W entries are about 10⁻⁶ (small absolute distance, large "
              "relative distance)", list(small)),
    ]
    ref = lambda sols, tol=1e-3: int(group_solutions(sols, tol=tol).max() + 1)  # noqa: E731
    mistakes = [
        _Mistake("products compared", "you compared the products WH; two different factorizations can have the "
                 "same product (that is what this lab is about): compare the rescaled, matched factors W and H",
                 lambda sols, tol=1e-3: len({tuple(np.round((W_ @ H_).ravel(), 9)) for W_, H_ in sols})),
        _Mistake("absolute distance", "you compared absolute distances; use relative ones, ‖W₁ − W₂‖ / ‖W₁‖ (and "
                 "for H), so that the answer does not depend on the units of the data",
                 _count_absolute),
    ]
    n = _run_cases(fn, name, ("solutions",), cases, ref, mistakes,
                   convert=lambda out, case: int(out) if isinstance(out, (numbers.Integral, np.integer)) else out,
                   same=lambda a, b: isinstance(a, int) and a == b, what="the count")
    return f"✓ hidden tests: {len(n)} more cases (the same product from different factors, small entries)."


def _count_absolute(sols, tol=1e-3):
    reps = []
    for W, H in sols:
        W, H = _ref_rescale(W, H)
        if not any(max(np.linalg.norm(W[:, p] - Wr), np.linalg.norm(H[p] - Hr)) <= tol
                   for Wr, Hr in reps for p in [_match(Hr, H)[0]]):
            reps.append((W, H))
    return len(reps)


def _hidden_hide_entries(hide_entries):
    fn, name = _function(hide_entries, "hide_entries")
    X = np.ones((10, 8))
    for fraction in (0.07, 0.27, 0.46):
        want = round(fraction * X.size)
        case = _Case(f"on X of shape (10, 8) with fraction = {fraction} (fraction × X.size = "
                     f"{fraction * X.size:.1f})", X, fraction, 3)
        out = _call(fn, name, case, ("X", "fraction", "seed"))
        if isinstance(out, _Raised):
            _raised(name, out, case)
        M = np.asarray(out)
        if M.shape != X.shape or M.dtype != bool:
            _fail(f"{name} {case.label}: return a boolean mask of X's shape.")
        hidden = int((~M).sum())
        if hidden != want:
            if hidden == int(fraction * X.size):
                _fail(f"{name} {case.label}: {hidden} entries are hidden; round(fraction × X.size) = {want}. "
                      "int() cuts the fraction off (int(5.6) = 5); round() rounds to the nearest whole number.")
            _fail(f"{name} {case.label}: {hidden} entries are hidden, but round(fraction × X.size) = {want}.")
    return "✓ hidden tests: 3 more fractions whose count is not a whole number (round, not int)."


def _hidden_masked_loss(masked_loss):
    fn, name = _function(masked_loss, "masked_loss")
    X, W, H = _near_fit(6, 5, 2, 311)
    M = np.random.default_rng(312).random(X.shape) > 0.3
    cases = [
        _Case("near a fit with entries near 10⁴ (a small difference of big numbers), NaN where hidden",
              np.where(M, X, np.nan), W, H, M),
        _Case("with every entry observed", X, W, H, np.ones(X.shape, dtype=bool)),
    ]
    ref = lambda X, W, H, M: float(np.sum(np.where(M, X - W @ H, 0.0) ** 2))  # noqa: E731
    mistakes = [_Mistake("float32", _FLOAT32, lambda X, W, H, M: ref(*_f32(X, W, H), M))]
    n = _run_cases(fn, name, ("X", "W", "H", "M"), cases, ref, mistakes,
                   convert=lambda out, case: _scalar(out, f"The value of {name}", name), what="the masked loss")
    return f"✓ hidden tests: {len(n)} more cases (float64 precision, nothing hidden)."


def _hidden_masked_mu_step(masked_mu_step):
    fn, name = _function(masked_mu_step, "masked_mu_step")
    X, W, H, M = _masked_problem(7, 5, 2, 321)
    s = 1e-25
    cases = [
        _Case("on entries of size 10⁻²⁵", X * s, W * math.sqrt(s), H * math.sqrt(s), M),
        _Case("with every entry observed (the plain update of Lab 1)", np.nan_to_num(X), W, H,
              np.ones(X.shape, dtype=bool)),
    ]
    n = _run_cases(fn, name, ("X", "W", "H", "M"), cases, _ref_masked_step,
                   convert=lambda out, case: _pair(out, name, (case.args[1].shape, case.args[2].shape),
                                                   ("W_new", "H_new")), what="the result")
    return f"✓ hidden tests: {len(n)} more cases (tiny entries, nothing hidden)."


def _hidden_rmse_hidden(rmse_hidden):
    fn, name = _function(rmse_hidden, "rmse_hidden")
    X, W, H, M = _masked_problem(8, 7, 2, 331)
    cases = [_Case("on entries of size 10⁶", X * 1e6, W * 1e3, H * 1e3, M),
             _Case("on entries of size 10⁻²⁰⁰", X * 1e-200, W * 1e-100, H * 1e-100, M)]
    ref = lambda X, W, H, M: float(np.sqrt(np.mean((X - W @ H)[~M] ** 2)))  # noqa: E731
    n = _run_cases(fn, name, ("X", "W", "H", "M"), cases, ref,
                   convert=lambda out, case: _scalar(out, f"The value of {name}", name), what="the RMSE")
    return f"✓ hidden tests: {len(n)} more cases (entries of size 10⁶ and 10⁻²⁰⁰)."


def _hidden_recommend(recommend):
    fn, name = _function(recommend, "recommend")
    rng = np.random.default_rng(341)
    W, H = _positive(rng, 6, 3), _positive(rng, 3, 10)
    M = rng.random((6, 10)) > 0.5
    M[1] = True
    M[1, [2, 7]] = False
    cases = [_Case("for user 3 with n = 4", W, H, M, 3, n=4), _Case("for user 1 with n = 1", W, H, M, 1, n=1)]

    def ref(W, H, M, user, n=3):
        s = (W @ H)[user]
        cand = np.flatnonzero(~M[user])
        return cand[np.argsort(-s[cand], kind="stable")][:n]

    n = _run_cases(fn, name, ("W", "H", "M", "user"), cases, ref,
                   convert=lambda out, case: _items(out, name, case),
                   same=lambda a, b: np.array_equal(np.asarray(a), np.asarray(b)), what="the items")
    return f"✓ hidden tests: {len(n)} more users."


def _items(out, name, case):
    """The returned items as an int array; a clear message for labels, scores or None."""
    if out is None:
        _fail(f"{name} returned None: does it end with `return items`?")
    items = np.asarray(out).ravel()
    if items.dtype.kind not in "iuf":
        _fail(f"{name} {case.label}: you returned {items.tolist()!r}, labels that are not item numbers; return "
              "the column indices of the items (integers), e.g. with np.flatnonzero and np.argsort.")
    if items.dtype.kind == "f" and not np.all(items == np.round(items)):
        _fail(f"{name} {case.label}: you returned scores {np.round(items, 3).tolist()}; return item numbers "
              "(column indices), e.g. np.argsort(-scores).")
    return items.astype(int)


#: Every task of every lab: how it is checked, graded and which earlier functions it may call.
TASKS = {
    "check_loss": _Task(1, 1, _check_loss, _hidden_loss),
    "check_mu_step": _Task(1, 2, _check_mu_step, _hidden_mu_step),
    "check_mu_solver": _Task(1, 3, _check_mu_solver, _hidden_mu_solver, uses=("loss", "mu_step")),
    "check_first_increase": _Task(1, 4, _check_first_increase, _hidden_first_increase),
    "check_gradients": _Task(2, 1, _check_gradients, _hidden_gradients),
    "check_finite_difference": _Task(2, 2, _check_finite_difference, _hidden_finite_difference),
    "check_learning_rate_H": _Task(2, 3, _check_learning_rate_H, _hidden_learning_rate_H),
    "check_mu_update_H": _Task(2, 4, _check_mu_update_H, _hidden_mu_update_H, uses=("learning_rate_H", "grad_H")),
    "check_regularized_objective": _Task(3, 1, _check_regularized_objective, _hidden_regularized_objective),
    "check_fit": _Task(3, 2, _check_fit, _hidden_fit),
    "check_rescale": _Task(3, 3, _check_rescale, _hidden_rescale),
    "check_match": _Task(3, 4, _check_match, _hidden_match),
    "check_count_distinct": _Task(3, 5, _check_count_distinct, _hidden_count_distinct, uses=("rescale", "match")),
    "check_hide_entries": _Task(4, 1, _check_hide_entries, _hidden_hide_entries),
    "check_masked_loss": _Task(4, 2, _check_masked_loss, _hidden_masked_loss),
    "check_masked_mu_step": _Task(4, 3, _check_masked_mu_step, _hidden_masked_mu_step),
    "check_rmse_hidden": _Task(4, 4, _check_rmse_hidden, _hidden_rmse_hidden),
    "check_recommend": _Task(4, 5, _check_recommend, _hidden_recommend),
}

for _key in TASKS:
    globals()[_key] = _public(_key)
del _key


def __getattr__(name):
    """``VERSION``: the version of the package, and so of these checks (a lab prints it)."""
    if name == "VERSION":
        from . import __version__

        return __version__
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
