"""The benchmark suite of *NMF, Step by Step*: ratios measured side by side in one run.

Run from anywhere (README, "Benchmarks"):

    .venv/bin/python benchmarks/run.py            # solvers, memory, sparse, chapters, widgets
    .venv/bin/python benchmarks/run.py --build    # ... and the book build (clean, then unchanged)
    .venv/bin/python benchmarks/run.py --quick    # small sizes: a smoke run (a tiny notebook and book)

It prints one Markdown table per section and the machine it ran on. Every timed
quantity is repeated; runs of the things being compared are interleaved (round
robin), so a change in the machine's load hits all of them alike, and each
ratio is formed within one round. A row gives the median ratio over the rounds
and its spread (fastest to slowest round). Nothing here is asserted: speed is
measured, not tested (the test suite only checks that this script runs).

Sections
--------
mu        floor (only ``X @ H.T`` and ``W.T @ X``, as many times as MU needs them),
          ``nt.solvers.nmf(method="mu")`` wall time (with its loss per iteration) and
          scikit-learn's ``NMF(solver="mu")``, from the same start.
hals      ``nt.solvers.nmf(method="hals")`` at its defaults against scikit-learn's "cd" at
          equal wall-time budgets, on planted problems of several shapes: the
          ratio of the losses reached (below 1: HALS lower).
memory    peak memory allocated during one MU run beyond X, W and H (tracemalloc,
          which sees numpy's allocations), in units of one (m, n) float64 matrix.
sparse    a TF-IDF-like ``scipy.sparse`` X (20 000 × 5 000, 1 % stored, k = 20, seeded):
          ``nt.solvers.nmf`` MU and HALS against scikit-learn's MU and cd on the same sparse
          X and start, same number of iterations (wall-time ratios, and the loss
          each reaches), and the peak extra memory of nt's sparse MU and HALS
          (tracemalloc) in units of one dense (m, n) float64 array.
chapters  each chapter's execution time in a fresh kernel (nbclient), and the
          update time of each live figure, measured right after the figure's cell:
          a slider change redraws the figure and renders it to PNG (goal: median
          under 100 ms).
build     ``jupyter-book build`` from clean, then again with nothing changed.

The sections are declared in ``SECTIONS`` (heading and function); the smoke test
runs each of them with ``--quick``.

BLAS threads are reported and fixed with threadpoolctl (``--threads``, default:
all cores), so scikit-learn and nmf_teach use the same number.
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
import warnings

import numpy as np
from threadpoolctl import threadpool_info, threadpool_limits

ROOT = pathlib.Path(__file__).resolve().parent.parent

import nmf_teach as nt  # noqa: E402


# ---------------------------------------------------------------- helpers
def rounds(funcs, repeat):
    """Time each function ``repeat`` times, interleaved; {name: [seconds per round]}."""
    times = {name: [] for name in funcs}
    for _ in range(repeat):
        for name, f in funcs.items():
            times[name].append(nt.cost.timing(f, repeat=1).best)
    return times


def ratio_cell(num, den):
    """Median ratio of two lists of per-round times, with its spread."""
    r = [a / b for a, b in zip(num, den)]
    return f"{statistics.median(r):.2f} ({min(r):.2f}–{max(r):.2f})"


def seconds_cell(ts):
    return f"{statistics.median(ts):.3f} ({min(ts):.3f}–{max(ts):.3f})"


def table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def machine():
    import sklearn

    cpu = platform.processor() or platform.machine()
    try:
        for line in pathlib.Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    blas = ", ".join(f"{i['internal_api']} {i.get('version')} ({i['num_threads']} threads)"
                     for i in threadpool_info() if i["user_api"] == "blas")
    return (f"{cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}; "
            f"Python {platform.python_version()}, numpy {np.__version__}, scikit-learn {sklearn.__version__}, "
            f"nmf_teach {nt.__version__}; BLAS: {blas}")


def sklearn_fit(X, W0, H0, solver, max_iter):
    from sklearn.decomposition import non_negative_factorization

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ConvergenceWarning: we ask for exactly max_iter
        return non_negative_factorization(X, W=W0.copy(), H=H0.copy(), n_components=W0.shape[1], init="custom",
                                          solver=solver, beta_loss="frobenius", tol=0.0, max_iter=max_iter,
                                          alpha_W=0.0, alpha_H=0.0, shuffle=False)


# ---------------------------------------------------------------- sections
def bench_mu(shapes, n_iter, repeat):
    rows = []
    for m, n, k in shapes:
        X = np.random.RandomState(0).rand(m, n)
        W0, H0 = nt.solvers.initialize(X, k, random_state=0)

        def floor():
            W, H = W0, H0
            for _ in range(n_iter):
                X @ H.T
                W.T @ X

        funcs = {
            "floor": floor,
            "nt": lambda: nt.solvers.nmf(X, k, W0=W0, H0=H0, max_iter=n_iter),
            "sklearn": lambda: sklearn_fit(X, W0, H0, "mu", n_iter),
        }
        t = rounds(funcs, repeat)
        rows.append([f"{m} × {n}, k = {k}", n_iter, seconds_cell(t["floor"]), ratio_cell(t["nt"], t["floor"]),
                     ratio_cell(t["sklearn"], t["floor"]), ratio_cell(t["nt"], t["sklearn"])])
    return table(["X, k", "iterations", "floor s", "nt MU / floor", "sklearn MU / floor", "nt / sklearn"], rows)


def bench_hals(problems, budgets, repeat, max_grid=640):
    grid = [M for M in (2, 3, 5, 7, 10, 14, 20, 28, 40, 56, 80, 113, 160, 226, 320, 452, 640) if M <= max_grid]
    rows = []
    for m, n, k in problems:
        X, _, _ = nt.data.planted_nmf(m, n, k, noise=0.01, random_state=3)
        W0, H0 = nt.solvers.initialize(X, k, random_state=0)
        cd_time = {N: [] for N in budgets}
        cd_loss = {N: nt.objective.loss(X, *sklearn_fit(X, W0, H0, "cd", N)[:2]) for N in budgets}
        hals_time = {M: [] for M in grid}
        for _ in range(repeat):  # interleaved: cd fits and HALS runs share the same load
            for N in budgets:
                cd_time[N].append(nt.cost.timing(sklearn_fit, X, W0, H0, "cd", N, repeat=1).best)
            longest = max(cd_time[N][-1] for N in budgets)
            for M in grid:  # HALS runs of growing length, until one exceeds this round's longest budget
                t = nt.cost.timing(nt.solvers.nmf, X, k, method="hals", W0=W0, H0=H0, max_iter=M, repeat=1).best
                hals_time[M].append(t)
                if t > longest:
                    break
            for M in grid:
                if len(hals_time[M]) < len(cd_time[budgets[0]]):
                    hals_time[M].append(float("inf"))  # not run: longer than every budget
        hals_loss = {}
        for N in budgets:
            ratios, iters = [], []
            for r in range(repeat):  # per round: the most HALS iterations that fit in cd's time
                budget = cd_time[N][r]
                fit = [M for M in grid if hals_time[M][r] <= budget]
                M = max(fit) if fit else None
                iters.append(M or 0)
                if M and M not in hals_loss:  # losses do not depend on timing: compute once
                    hals_loss[M] = nt.solvers.nmf(X, k, method="hals", W0=W0, H0=H0, max_iter=M).loss
                ratios.append(hals_loss[M] / cd_loss[N] if M else float("inf"))
            rows.append([f"{m} × {n}, k = {k}", N, seconds_cell(cd_time[N]), statistics.median(iters),
                         f"{statistics.median(ratios):.3f} ({min(ratios):.3f}–{max(ratios):.3f})"])
    return table(["planted X, k", "cd iterations", "budget s (cd's wall time)", "HALS iterations in budget",
                  "HALS loss / cd loss"], rows)


def bench_memory(shapes, n_iter):
    rows = []
    for m, n, k in shapes:
        X = np.random.RandomState(0).rand(m, n)
        W0, H0 = nt.solvers.initialize(X, k, random_state=0)
        unit = X.nbytes
        out = []
        for name, f in (("nt", lambda: nt.solvers.nmf(X, k, W0=W0, H0=H0, max_iter=n_iter)),
                        ("sklearn", lambda: sklearn_fit(X, W0, H0, "mu", n_iter))):
            tracemalloc.start()
            res = f()
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            del res
            extra = peak - W0.nbytes - H0.nbytes  # the returned W and H are X, W and H's own
            out.append(extra / unit)
        rows.append([f"{m} × {n}, k = {k}", f"{unit / 2**20:.1f} MiB", f"{out[0]:.3f}", f"{out[1]:.3f}"])
    return table(["X, k", "one (m, n) matrix", "nt MU peak extra (× mn)", "sklearn MU peak extra (× mn)"], rows)


def tfidf_like(m, n, density, seed=0):
    """A seeded TF-IDF-like CSR matrix: log-normal counts at random positions, each row scaled to norm 1."""
    import scipy.sparse as sp

    rng = np.random.RandomState(seed)
    X = sp.random(m, n, density=density, format="csr", random_state=rng,
                  data_rvs=lambda size: 1.0 + np.floor(rng.lognormal(0.0, 1.0, size)))
    idf = np.log((1 + m) / (1 + np.bincount(X.indices, minlength=n))) + 1.0
    X = X @ sp.diags(idf)
    norms = np.sqrt(np.asarray(X.multiply(X).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sp.csr_matrix(sp.diags(1.0 / norms) @ X)


def peak_extra(f, returned_bytes):
    """Peak bytes allocated while ``f()`` runs (tracemalloc), less what it returns."""
    tracemalloc.start()
    res = f()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del res
    return peak - returned_bytes


def bench_sparse(m, n, density, k, n_iter, repeat):
    X = tfidf_like(m, n, density)
    W0, H0 = nt.solvers.initialize(X, k, random_state=0)
    dense_unit = m * n * 8  # one dense (m, n) float64 array
    runs = {
        "nt MU": lambda: nt.solvers.nmf(X, k, W0=W0, H0=H0, max_iter=n_iter),
        "sklearn MU": lambda: sklearn_fit(X, W0, H0, "mu", n_iter),
        "nt HALS": lambda: nt.solvers.nmf(X, k, method="hals", W0=W0, H0=H0, max_iter=n_iter),
        "nt HALS, 1 sweep": lambda: nt.solvers.nmf(X, k, method="hals", inner_sweeps=1, W0=W0, H0=H0,
                                                   max_iter=n_iter),
        "sklearn cd": lambda: sklearn_fit(X, W0, H0, "cd", n_iter),
    }
    t = rounds(runs, repeat)

    def final_loss(name):
        out = runs[name]()
        W, H = (out.W, out.H) if hasattr(out, "W") else out[:2]
        return nt._kernels.frobenius_loss(X, W, H, nt._kernels.coords(X))

    loss = {name: final_loss(name) for name in runs}
    rows = []
    for ours, theirs in (("nt MU", "sklearn MU"), ("nt HALS", "sklearn cd"), ("nt HALS, 1 sweep", "sklearn cd")):
        rows.append([f"{m} × {n}, {100 * density:g} % stored, k = {k}", n_iter, f"{ours} / {theirs}",
                     seconds_cell(t[ours]), seconds_cell(t[theirs]), ratio_cell(t[ours], t[theirs]),
                     f"{loss[ours] / loss[theirs]:.4f}"])
    returned = W0.nbytes + H0.nbytes
    mem = [[name, f"{peak_extra(runs[name], returned) / dense_unit:.4f}"] for name in ("nt MU", "nt HALS")]
    return (table(["sparse X, k", "iterations", "pair", "nt s", "sklearn s", "time nt / sklearn",
                   "final loss nt / sklearn"], rows)
            + f"\n\nX holds {X.nnz} stored values ({X.data.nbytes / 2**20:.1f} MiB of values); one dense "
              f"(m, n) float64 array is {dense_unit / 2**20:.0f} MiB.\n\n"
            + table(["nt run on the sparse X", "peak extra memory (× one dense (m, n) float64 array)"], mem))


DRAW_TIMER = '''
import json as _json, time as _time
_box = {call}
_times = []
for _w in _box.children[:-1]:  # the controls; the last child is the picture
    _start = _w.value
    if hasattr(_w, "options"):
        _values = [o[1] if isinstance(o, tuple) else o for o in _w.options]
    elif hasattr(_w, "base"):  # a log slider: min and max are exponents
        _values = [_w.base ** e for e in np.linspace(_w.min, _w.max, 6)]
    elif hasattr(_w, "min"):
        _values = [type(_w.value)(v) for v in np.linspace(_w.min, _w.max, 6)]
    elif isinstance(_w.value, bool):
        _values = [not _w.value, _w.value]
    else:
        continue
    for _v in dict.fromkeys(_values):  # once each, in order
        if _v == _w.value:
            continue
        _t = _time.perf_counter()
        _w.value = _v  # the observer redraws the figure and renders the PNG
        _times.append(_time.perf_counter() - _t)
    _w.value = _start
print("DRAW_TIMES", _json.dumps(_times))
'''


def widget_call(source):
    """The source of a cell's last expression if it is a call of ``nt.widgets.interact``, else None."""
    import ast

    try:
        body = ast.parse(source).body
    except SyntaxError:  # IPython magics: not a widget cell
        return None
    last = body[-1] if body else None
    if isinstance(last, ast.Expr) and "nt.widgets.interact(" in (ast.get_source_segment(source, last) or ""):
        return ast.get_source_segment(source, last)
    return None


def time_chapter(path):
    """Execute a notebook in a fresh kernel and time each live figure's updates where it stands.

    A timing cell is inserted right after every cell that shows a live figure, so it
    rebuilds that figure with the variables as they are at that point of the chapter
    (later cells may redefine them), then moves each control and times every redraw.
    Returns the chapter's execution time without the timing cells, and the update times.
    """
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    cells, timers = [], set()
    for cell in nb.cells:
        cells.append(cell)
        call = widget_call(cell.source) if cell.cell_type == "code" else None
        if call:
            timers.add(len(cells))
            cells.append(nbformat.v4.new_code_cell(DRAW_TIMER.format(call=call)))
    nb.cells = cells
    spent = {}
    with tempfile.TemporaryDirectory() as tmp:
        client = NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": tmp}})
        client.on_cell_start = lambda cell, cell_index: spent.__setitem__(cell_index, -time.perf_counter())
        client.on_cell_executed = lambda cell, cell_index, execute_reply: spent.__setitem__(
            cell_index, spent[cell_index] + time.perf_counter())
        t0 = time.perf_counter()
        client.execute()
        total = time.perf_counter() - t0
    draws = []
    for i in sorted(timers):
        text = "".join(o.get("text", "") for o in nb.cells[i].outputs if o.get("name") == "stdout")
        assert "DRAW_TIMES" in text, f"{path.name}: the timing cell after cell {i - 1} printed nothing"
        draws += json.loads(text.split("DRAW_TIMES", 1)[1])
    return total - sum(spent[i] for i in timers), draws


def bench_chapters(paths):
    rows = []
    for path in paths:
        chapter_s, draws = time_chapter(path)
        draw = (f"{1e3 * statistics.median(draws):.0f} ({1e3 * min(draws):.0f}–{1e3 * max(draws):.0f}), "
                f"{len(draws)} updates") if draws else "no live figure"
        rows.append([path.stem, f"{chapter_s:.1f}", draw])
    return table(["chapter", "execution s (fresh kernel)", "live figure update ms: median (range)"], rows)


def tiny_chapter(folder):
    """A two-second notebook shaped like a chapter with a live figure, for ``--quick``.

    Like chapter 02, it redefines the drawing function after the widget cell, which is
    what made the timing cells appended at the end of a chapter fail.
    """
    import nbformat

    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("import numpy as np\nimport nmf_teach as nt"),
        nbformat.v4.new_code_cell("def draw(fig, k=1, scale=1.0):\n    ax = fig.subplots()\n"
                                  "    ax.plot(np.arange(10) ** k * scale)\n\n\n"
                                  "nt.widgets.interact(draw, k=(1, 3, 1),\n"
                                  "                    scale=[0.5, 1.0, 2.0], figsize=(3, 2))"),
        nbformat.v4.new_code_cell("def draw(fig, other):\n    raise AssertionError('a later draw')"),
    ], metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    path = pathlib.Path(folder) / "tiny_chapter.ipynb"
    nbformat.write(nb, path)
    return path


def tiny_book(folder):
    """A one-chapter book (one short notebook, jupyter-cache as the book uses), for ``--quick``."""
    import nbformat

    folder = pathlib.Path(folder)
    (folder / "_config.yml").write_text("title: tiny\nonly_build_toc_files: true\nexecute:\n"
                                        "  execute_notebooks: cache\n  run_in_temp: true\n", encoding="utf-8")
    (folder / "_toc.yml").write_text("format: jb-book\nroot: intro\nchapters:\n  - file: chapter\n", encoding="utf-8")
    (folder / "intro.md").write_text("# Tiny\n\nA book of one chapter.\n", encoding="utf-8")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# A chapter"),
                                         nbformat.v4.new_code_cell("print(sum(range(10)))")],
                                  metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                           "language": "python"}})
    nbformat.write(nb, folder / "chapter.ipynb")
    return folder


def bench_build(source=ROOT):
    exe = pathlib.Path(sys.executable).with_name("jupyter-book")
    with tempfile.TemporaryDirectory() as tmp:
        copy = pathlib.Path(tmp) / "book"
        shutil.copytree(source, copy, ignore=shutil.ignore_patterns(".venv*", "_build", ".git", "node_modules"))
        out = []
        for label in ("clean", "unchanged"):
            t0 = time.perf_counter()
            proc = subprocess.run([str(exe), "build", ".", "-W", "-n", "--keep-going"], cwd=copy,
                                  capture_output=True, text=True)
            out.append([label, f"{time.perf_counter() - t0:.1f}", "ok" if proc.returncode == 0 else "FAILED"])
    return table(["book build", "seconds", "status"], out)


# ---------------------------------------------------------------- the sections
# name: (heading, function(args, repeat) -> Markdown table). Each runs at small sizes with
# --quick; tests/book/test_benchmarks_smoke.py runs every section listed here that way.
def section_mu(args, repeat):
    shapes = [(200, 100, 5)] if args.quick else [(2000, 1000, 20), (1000, 500, 10), (500, 2000, 30)]
    return bench_mu(shapes, 20 if args.quick else 200, repeat)


def section_hals(args, repeat):
    problems = [(100, 80, 4)] if args.quick else [(800, 600, 12), (500, 300, 10), (2000, 500, 20)]
    return bench_hals(problems, [20] if args.quick else [50, 100, 200], repeat, 40 if args.quick else 640)


def section_memory(args, repeat):
    shapes = [(300, 200, 5)] if args.quick else [(2000, 1000, 20), (4000, 2000, 20)]
    return bench_memory(shapes, 5 if args.quick else 20)


def section_sparse(args, repeat):
    size = (2000, 500, 0.01, 5, 5) if args.quick else (20_000, 5_000, 0.01, 20, 50)
    return bench_sparse(*size, repeat)


def section_chapters(args, repeat):
    if args.quick:  # no chapter: a tiny notebook of the same shape
        with tempfile.TemporaryDirectory() as tmp:
            return bench_chapters([tiny_chapter(tmp)])
    return bench_chapters(sorted((ROOT / "book").glob("*.ipynb")))


def section_build(args, repeat):
    if args.quick:
        with tempfile.TemporaryDirectory() as tmp:
            return bench_build(tiny_book(tmp))
    return bench_build()


SECTIONS = {
    "mu": ("MU: wall time against the matrix-product floor", section_mu),
    "hals": ("HALS at its defaults against scikit-learn's cd, same wall time", section_hals),
    "memory": ("Peak memory of one MU run beyond X, W and H", section_memory),
    "sparse": ("Sparse X: nt against scikit-learn on the same TF-IDF-like matrix", section_sparse),
    "chapters": ("Chapters: execution and live-figure updates", section_chapters),
    "build": ("Book build", section_build),
}
OPT_IN = {"build"}  # minutes: only with --build (or --only build)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes: a smoke run of every section")
    parser.add_argument("--build", action="store_true", help="also time the book build (minutes)")
    parser.add_argument("--only", nargs="*", choices=list(SECTIONS), help="run only these sections")
    parser.add_argument("--threads", type=int, default=os.cpu_count(), help="BLAS threads (default: all cores)")
    parser.add_argument("--repeat", type=int, default=None, help="rounds per measurement (default 5, quick 2)")
    args = parser.parse_args(argv)
    chosen = args.only or [name for name in SECTIONS if name not in OPT_IN or args.build]
    repeat = args.repeat or (2 if args.quick else 5)
    out = []
    with threadpool_limits(limits=args.threads, user_api="blas"):
        np.ones((2, 2)) @ np.ones((2, 2))  # load BLAS so it is reported
        out.append(f"Machine: {machine()}\n\nBLAS threads fixed at {args.threads}; {repeat} interleaved rounds "
                   "per measurement; cells give the median and (fastest–slowest).")
        for name in SECTIONS:  # in the order declared
            if name in chosen:
                heading, run = SECTIONS[name]
                out.append(f"## {heading}\n\n" + run(args, repeat))
    text = "\n\n".join(out)
    print(text)
    return text


if __name__ == "__main__":
    main()
