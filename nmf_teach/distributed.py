"""The multiplicative update on a Dask array: NMF for an X that does not fit in one machine.

X (m, n) is a :class:`dask.array.Array` split into blocks of rows, one block
along the columns. W (m, k) is split the same way and stays where its rows of X
are; H (k, n) is small and lives in memory on the client. One MU iteration is

- ``W ← W ⊙ (XHᵀ) ⊘ (W HHᵀ)``: **blockwise**. Row block b of W needs only row
  block b of X, plus H and HHᵀ, which every block shares (:func:`_mu_w_block`).
- ``WᵀX = Σ_b W_bᵀ X_b`` and ``WᵀW = Σ_b W_bᵀ W_b``: **reductions** over the row
  blocks. Each block gives a (k, n) and a (k, k) partial; Dask adds them in a tree.
- ``H ← H ⊙ (WᵀX) ⊘ (WᵀW H)``: in memory, on (k, n) and (k, k) arrays.

So what moves between machines per iteration is H and HHᵀ out, and the partial
(k, n) and (k, k) sums back: sizes that do not depend on m. X stays where it is:
the scheduler runs the task of block b where X_b is, its largest input.

Explained in *NMF beyond one machine* (``book/13_beyond_one_machine``).
"""

from __future__ import annotations

import numbers

import numpy as np

from . import _kernels as K
from ._validation import (
    validate_factor,
    validate_n_components,
    validate_nonneg_int,
    validate_positive_int,
    validate_positive_scalar,
    validate_random_state,
)
from .solvers import NMFResult

__all__ = ["nmf", "planted_nmf", "validate_row_chunked"]


def _dask_array():
    """``dask.array``, imported on first use: the rest of the package does not need Dask."""
    try:
        import dask.array as da
    except ImportError as exc:  # pragma: no cover - dask is in requirements.txt
        raise ImportError(
            "nmf_teach.distributed needs Dask: pip install 'dask[array]' distributed"
        ) from exc
    return da


def _block_stats(block):
    """One row block's summary, shape (1, 5): min, sum, sum of squares, non-finite count, negative count."""
    if block.size == 0:
        return np.array([[np.inf, 0.0, 0.0, 0.0, 0.0]])
    finite = np.isfinite(block)
    n_bad = block.size - int(np.count_nonzero(finite))
    return np.array([[block.min(), block.sum(), float(np.vdot(block, block)), n_bad,
                      np.count_nonzero(block < 0)]], dtype=float)


def _row_ranges(chunks):
    """(start, stop) rows of each row block."""
    stops = np.cumsum(chunks)
    return [(int(stop - size), int(stop)) for size, stop in zip(chunks, stops)]


def validate_row_chunked(X, name="X"):
    """Check that ``X`` is a real 2-D dask array chunked by rows only; return it as float64.

    Parameters
    ----------
    X : dask.array.Array of shape (m, n)
        Non-negative data, split into blocks of rows (one block along the columns).
    name : str
        The name used in error messages.

    Returns
    -------
    X : dask.array.Array of shape (m, n), dtype float64
        Integer and boolean (and float32) data are converted lazily.

    Raises
    ------
    TypeError
        If ``X`` is not a dask array (the message says how to wrap a numpy array),
        or its entries are not real numbers.
    ValueError
        If ``X`` is not 2-D, has unknown chunk sizes, is empty, or is split along
        its columns (the message says how to rechunk).

    Notes
    -----
    Negative and non-finite entries need a pass over the data; :func:`nmf`
    finds them in the same pass that computes ``‖X‖²`` (:func:`_scan`).
    """
    da = _dask_array()
    if not isinstance(X, da.Array):
        module = type(X).__module__.split(".")[0]
        what = "None" if X is None else (
            f"a {type(X).__name__}" if module == "builtins" else f"a {module}.{type(X).__name__}")
        raise TypeError(
            f"{name} is {what}, not a dask.array.Array. Convert it with (import dask.array as da) "
            f"da.from_array({name}, chunks=(rows, -1)), e.g. rows=10_000: blocks of rows, each "
            "holding every column."
        )
    if np.issubdtype(X.dtype, np.complexfloating):
        raise TypeError(f"{name} has complex entries (dtype {X.dtype}); NMF needs real numbers.")
    if not (np.issubdtype(X.dtype, np.number) or X.dtype == bool):
        raise TypeError(f"{name} has dtype {X.dtype}; expected real numbers.")
    if X.ndim != 2:
        raise ValueError(f"{name} must be 2-D (a matrix), but it has {X.ndim} dimension(s) and shape {X.shape}.")
    if any(np.isnan(c) for axis in X.chunks for c in axis):
        raise ValueError(
            f"{name} has unknown chunk sizes (shape {X.shape}); compute them first with "
            f"{name}.compute_chunk_sizes()."
        )
    if X.shape[0] == 0 or X.shape[1] == 0:
        raise ValueError(f"{name} is empty (shape {X.shape}); it needs at least one row and one column.")
    n_col_chunks = len(X.chunks[1])
    if n_col_chunks > 1:
        raise ValueError(
            f"{name} is split into {n_col_chunks} column chunks; chunk by rows only: "
            f"{name}.rechunk({{1: -1}}). Each row block must hold whole rows, so that its rows of "
            "W can be updated from it alone."
        )
    if X.dtype != np.float64:
        X = X.astype(np.float64)
    return X


def _scan(X, name="X"):
    """One pass over X: raise on NaN, infinite or negative entries; return ``(‖X‖², mean of X)``.

    Every row block reports its minimum, sum, sum of squares and the counts of
    non-finite and negative entries (:func:`_block_stats`); the client receives
    five numbers per block, never the data.
    """
    n_blocks = len(X.chunks[0])
    stats = X.map_blocks(_block_stats, chunks=((1,) * n_blocks, (5,)), dtype=float,
                         meta=np.empty((0, 0))).compute()
    ranges = _row_ranges(X.chunks[0])
    bad = np.flatnonzero(stats[:, 3] > 0)
    if bad.size:
        b = int(bad[0])
        raise ValueError(
            f"{name} has {int(stats[:, 3].sum())} NaN or infinite entries, in {bad.size} of its "
            f"{n_blocks} row blocks; the first such block is block {b} (rows {ranges[b][0]} to "
            f"{ranges[b][1] - 1})."
        )
    neg = np.flatnonzero(stats[:, 4] > 0)
    if neg.size:
        b = int(neg[0])
        raise ValueError(
            f"{name} has {int(stats[:, 4].sum())} negative entries, in {neg.size} of its {n_blocks} "
            f"row blocks; the first is block {b} (rows {ranges[b][0]} to {ranges[b][1] - 1}), whose "
            f"minimum is {stats[b, 0]:g}. NMF needs a non-negative matrix."
        )
    m, n = X.shape
    return float(stats[:, 2].sum()), float(stats[:, 1].sum()) / (m * n)


def _mu_w_block(X_b, W_b, H, HHt):
    """The MU update of one row block of W: ``W_b ⊙ (X_b Hᵀ) ⊘ (W_b HHᵀ)``.

    Parameters
    ----------
    X_b : ndarray of shape (r, n)
        One row block of X.
    W_b : ndarray of shape (r, k)
        The same rows of W.
    H : ndarray of shape (k, n)
    HHt : ndarray of shape (k, k)

    Returns
    -------
    ndarray of shape (r, k)
        A new array (Dask may hold ``W_b`` for another task, so it is not changed
        in place). Same arithmetic as :func:`nmf_teach.updates.mu_update_W`:
        exact zeros of the denominator are replaced by float32 eps.
    """
    return K.mu_factor(np.array(W_b, order="C"), X_b @ H.T, HHt)


def _mu_h(H, WtX, WtW):
    """The MU update of H from the reduced products, in memory: ``H ⊙ (WᵀX) ⊘ (WᵀW H)`` (a new array)."""
    H = H.copy()
    K.mu_factor(H.T, WtX.T, WtW)
    return H


def _block_loss(X_b, W_b, H):
    """``‖X_b − W_b H‖²`` of one row block, shape (1, 1)."""
    R = W_b @ H
    R -= X_b
    return np.array([[float(np.vdot(R, R))]])


def _direct_loss(X, W, H):
    """``‖X − WH‖²_F`` as a sum over row blocks (one pass over X; used near an exact fit and for ``max_iter=0``)."""
    import dask

    n_blocks = len(X.chunks[0])
    parts = X.map_blocks(_block_loss, W, dask.delayed(H, pure=True), chunks=((1,) * n_blocks, (1,)),
                         dtype=float, meta=np.empty((0, 0)))
    return float(parts.sum().compute())


def _start_W(W0, X, k):
    """W0 as a dask array chunked like X's rows, checked for shape and sign."""
    da = _dask_array()
    m = X.shape[0]
    if isinstance(W0, da.Array):
        if W0.shape != (m, k):
            raise ValueError(f"W0 has shape {W0.shape}, but shape {(m, k)} is needed here.")
        if not (np.issubdtype(W0.dtype, np.number) or W0.dtype == bool) or np.iscomplexobj(W0):
            raise TypeError(f"W0 has dtype {W0.dtype}; expected real numbers.")
        W = W0.astype(np.float64).rechunk((X.chunks[0], k))
        lowest = float(W.min().compute())
        if not np.isfinite(lowest) or lowest < 0:
            raise ValueError(f"W0 must be finite and non-negative, but its smallest entry is {lowest:g}.")
        return W
    W0 = validate_factor(W0, (m, k), "W0")
    return da.from_array(W0, chunks=(X.chunks[0], k))


def nmf(X, n_components, *, W0=None, H0=None, max_iter=200, random_state=None):
    """Lee and Seung's multiplicative update for a dask array X chunked by rows.

    Gives the iterates of ``nmf_teach.solvers.nmf(X, k, method="mu", W0=W0, H0=H0)``
    on the same data, to rounding (the sums over row blocks are added in a
    different order), while X stays in blocks on the workers.

    Parameters
    ----------
    X : dask.array.Array of shape (m, n)
        Non-negative data, rows are samples, split into blocks of rows with one
        block along the columns (``chunks=(rows, -1)``). Persist it first
        (``X = X.persist()``) if it fits in the memory of the cluster; otherwise
        every iteration reads it again from where it came from (one pass per
        iteration).
    n_components : int
        The rank k.
    W0 : ndarray or dask.array.Array of shape (m, k), optional
    H0 : ndarray of shape (k, n), optional
        The starting factors (both or neither); W0 is rechunked like X's rows.
        Without them, the random start of :func:`nmf_teach.solvers.initialize`
        is drawn: ``sqrt(mean(X) / k) * |N(0, 1)|`` entries, H first, then W,
        from ``numpy.random.RandomState(random_state)``. So the start equals the
        in-memory one for the same seed; it is drawn on the client, which must
        therefore hold an (m, k) array once.
    max_iter : int, default=200
        The number of iterations (0 returns the start).
    random_state : int or None, default=None
        Seed of the random start; ``None`` means 0, as in :func:`nmf_teach.solvers.nmf`.

    Returns
    -------
    NMFResult
        ``.W`` (ndarray of shape (m, k), computed), ``.H`` (ndarray of shape (k, n)),
        ``.losses`` (shape (n_iter + 1,): ``‖X − WH‖²_F`` at the start, then after
        each iteration), ``.n_iter``, ``.times`` (shape (n_iter + 1,): cumulative
        seconds of the iterations, 0 first; the first pass over X, which checks
        it, is not counted), ``.method == "mu"``, ``.init`` ("random" or "custom").

    Raises
    ------
    TypeError
        If X is not a dask array (the message shows ``da.from_array``), or an
        argument has the wrong type.
    ValueError
        If X is split along its columns (the message shows ``X.rechunk({1: -1})``),
        has negative, NaN or infinite entries (the message names the first row
        block that has them), or a start has the wrong shape.

    Notes
    -----
    One iteration is one pass over X: the new row blocks of W and their partial
    products ``W_bᵀ X_b`` and ``W_bᵀ W_b`` are computed in one graph, and W is
    persisted, so that the next iteration's graph starts from W's blocks in
    memory instead of from the whole history. The loss after an iteration
    comes from products the update already has:
    ``‖X‖² − 2⟨WᵀX, H⟩ + ⟨WᵀW, HHᵀ⟩`` (the first iteration also sums ``W0ᵀX`` and
    ``W0ᵀW0``, for the loss at the start); only near an exact fit, where that sum
    loses its digits, is it computed block by block, in a pass of its own.

    The scheduler is Dask's: the current ``dask.distributed.Client`` if there is
    one, else the local threads (``dask.config.set(scheduler=...)`` chooses).

    Explained in *NMF beyond one machine*.

    References
    ----------
    Lee, D. D., & Seung, H. S. (2001). Algorithms for non-negative matrix
    factorization. NIPS 13.
    Rocklin, M. (2015). Dask: Parallel computation with blocked algorithms and
    task scheduling. Proceedings of the 14th Python in Science Conference.
    """
    import dask

    da = _dask_array()
    X = validate_row_chunked(X, "X")
    k = validate_n_components(n_components)
    max_iter = validate_nonneg_int(max_iter, "max_iter")
    rng = validate_random_state(random_state)  # checks random_state before any pass over X
    m, n = X.shape
    if (W0 is None) != (H0 is None):
        raise ValueError("Pass both W0 and H0, or neither.")
    if H0 is not None:
        if isinstance(H0, da.Array):
            H0 = H0.compute()
        H = validate_factor(H0, (k, n), "H0").copy()
        W = _start_W(W0, X, k)
        xx, _ = _scan(X)
        init = "custom"
    else:
        xx, mean = _scan(X)
        W, H = K.random_start(mean, m, n, k, rng)  # drawn on the client, H first, then W, as in memory
        W = da.from_array(W, chunks=(X.chunks[0], k))
        init = "random"
    kernel = _DaskMU(X, W.persist(), np.array(H, dtype=float), xx)
    run = K.iterate(kernel, max_iter)
    return NMFResult(W=kernel.W.compute(), H=kernel.H, losses=run["losses"], n_iter=run["n_iter"],
                     times=run["times"], method="mu", init=init)


class _DaskMU(K.Kernel):
    """The MU kernel on a row-chunked dask X: one pass over X per iteration (for :func:`nmf_teach._kernels.iterate`).

    The loss at the start is deferred to the first iteration, whose graph also
    sums ``W0ᵀX`` and ``W0ᵀW0``, so that it costs no pass of its own.
    """

    def __init__(self, X, W, H, xx):
        self.X, self.W, self.H, self.xx = X, W, H, xx
        self.HHt = H @ H.T
        self.start = None

    def start_loss(self, first=True):
        if self.start is not None:
            return self.start
        if first:  # max_iter = 0: no iteration to share a pass with
            return _direct_loss(self.X, self.W, self.H)
        return None

    def update(self):
        import dask

        da = _dask_array()
        X, W, H, HHt = self.X, self.W, self.H, self.HHt
        # blockwise: each row block of W from its rows of X; H and HHᵀ are one key each
        W_new = da.map_blocks(_mu_w_block, X, W, dask.delayed(H, pure=True),
                              dask.delayed(HHt, pure=True), dtype=float, meta=np.empty((0, 0)))
        # reductions over the row blocks, in the same graph: one pass over X. The first
        # iteration also sums the start's products, for the loss at the start.
        first = self.start is None
        start = (W.T @ X, W.T @ W) if first else ()
        W, WtX, WtW, *start = dask.persist(W_new, W_new.T @ X, W_new.T @ W_new, *start)
        WtX, WtW, *start = dask.compute(WtX, WtW, *start)
        if first:
            loss = K.tracked_loss(self.xx, start[0], start[1], H, HHt)
            self.start = _direct_loss(X, self.W, H) if loss is None else loss
        self.W = W
        self.H = _mu_h(H, WtX, WtW)
        self.HHt = self.H @ self.H.T
        return K.tracked_loss(self.xx, WtX, WtW, self.H, self.HHt)

    def loss(self):
        return _direct_loss(self.X, self.W, self.H)

    def factors(self):
        return self.W, self.H


def _planted_block(n, k, noise, seed, block_id=None, block_info=None):
    """Row block ``block_id[0]`` of :func:`planted_nmf`'s X, made from its own seed alone."""
    b = block_id[0]
    rows = block_info[None]["chunk-shape"][0]
    H = np.random.default_rng([seed, 0]).uniform(size=(k, n))
    rng = np.random.default_rng([seed, 1, b])
    X_b = rng.uniform(size=(rows, k)) @ H
    if noise > 0:
        X_b += noise * rng.standard_normal(size=(rows, n))
        np.maximum(X_b, 0.0, out=X_b)
    return X_b


def _planted_W_block(k, seed, block_id=None, block_info=None):
    rows = block_info[None]["chunk-shape"][0]
    return np.random.default_rng([seed, 1, block_id[0]]).uniform(size=(rows, k))


def planted_nmf(m, n, n_components, *, chunk_rows, noise=0.0, random_state=0):
    """A lazy dask X (m, n) with a planted rank-k factorization, made block by block from seeds.

    Row block b is drawn from its own generator, ``numpy.random.default_rng([seed, 1, b])``,
    so no process ever holds X in one piece: each block is made where it is
    needed, and computing it twice gives the same numbers.

    Parameters
    ----------
    m, n : int
        The shape of X.
    n_components : int
        The planted rank k.
    chunk_rows : int
        Rows per block (the last block may be shorter).
    noise : float, default=0.0
        Standard deviation of Gaussian noise added to ``W_true H_true``; the
        result is clipped at 0 so X stays non-negative.
    random_state : int, default=0
        The seed of H_true and of every block.

    Returns
    -------
    X : dask.array.Array of shape (m, n)
        Chunked ``(chunk_rows, n)``: by rows only.
    W_true : dask.array.Array of shape (m, k)
        Uniform [0, 1) entries, chunked like X's rows.
    H_true : ndarray of shape (k, n)
        Uniform [0, 1) entries.

    Notes
    -----
    The blockwise twin of :func:`nmf_teach.data.planted_nmf`; used in
    *NMF beyond one machine*.
    """
    da = _dask_array()
    m = validate_positive_int(m, "m")
    n = validate_positive_int(n, "n")
    k = validate_n_components(n_components)
    chunk_rows = validate_positive_int(chunk_rows, "chunk_rows")
    noise = validate_positive_scalar(noise, "noise", allow_zero=True)
    if isinstance(random_state, (bool, np.bool_)) or not isinstance(random_state, numbers.Integral):
        raise TypeError(f"random_state must be a non-negative int, got {random_state!r}.")
    if random_state < 0:
        raise ValueError(f"random_state must be a non-negative int, got {random_state}.")
    seed = int(random_state)
    rows = da.core.normalize_chunks((chunk_rows,), (m,))[0]
    X = da.map_blocks(_planted_block, n, k, noise, seed, chunks=(rows, (n,)), dtype=float,
                      meta=np.empty((0, 0)))
    W = da.map_blocks(_planted_W_block, k, seed, chunks=(rows, (k,)), dtype=float, meta=np.empty((0, 0)))
    H = np.random.default_rng([seed, 0]).uniform(size=(k, n))
    return X, W, H
