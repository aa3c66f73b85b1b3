"""Every call in a chapter or lab that draws random numbers passes an explicit seed.

``random_state=None`` means fresh randomness (scikit-learn's rule,
:func:`nmf_teach._validation.validate_random_state`), so a chapter that leaves the
seed out would print different numbers on every run. The functions that draw
are found by introspection, not listed by hand: every public callable of
:mod:`nmf_teach` with a ``random_state`` parameter, every scikit-learn callable
a notebook imports that has one, and numpy's generators built without a seed
(or numpy's global-state functions, ``np.random.rand`` and friends).
"""

import ast
import importlib
import inspect
import json
import pkgutil
import re

import pytest

import booktools
import nmf_teach

NOTEBOOKS = booktools.book_notebooks()
IDS = [p.stem for p in NOTEBOOKS]

#: starts that draw nothing: the seed is not used, so none is needed
NO_DRAW_INITS = {"nndsvd", "nndsvda", "custom"}
#: numpy's constructors of a generator, which need a seed as their first argument
NUMPY_GENERATORS = {"default_rng", "RandomState", "Generator", "SeedSequence", "PCG64", "MT19937"}


def _parameters(obj):
    """The parameter names of ``obj`` (positional ones first, in order) if it takes random_state, else None."""
    try:
        names = list(inspect.signature(obj).parameters)
    except (TypeError, ValueError):
        return None
    return names if "random_state" in names else None


def _draws_nothing(args):
    """Calls whose arguments make the seed unused: a start that is not random, or one given in full."""
    init = args.get("init")
    return (isinstance(init, str) and init in NO_DRAW_INITS
            or {"W0", "H0"} <= set(args)            # nt: both factors given
            or "labels0" in args                    # nt.clustering.orthogonal_nmf from a clustering
            or args.get("update_H") is False)       # scikit-learn: H given and fixed, W starts from zeros


def package_drawers():
    """``{"module.name": parameter names}`` for every public callable of nmf_teach with a random_state parameter."""
    out = {}
    for info in pkgutil.iter_modules(nmf_teach.__path__):
        if info.name.startswith("_") or info.name == "distributed":  # Dask: chapter 13 is scanned via the same rule
            continue
        module = importlib.import_module(f"nmf_teach.{info.name}")
        for name, obj in vars(module).items():
            if name.startswith("_") or not callable(obj) or getattr(obj, "__module__", None) != module.__name__:
                continue
            params = _parameters(obj)
            if params is not None:
                out[f"{info.name}.{name}"] = params
    return out


DRAWERS = package_drawers()


def _dotted(node):
    """``a.b.c`` for a Name/Attribute chain, else None."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def _literal(node):
    try:
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return object()


SOLUTION = re.compile(r"(`{3,}|:{3,})\{solution\}[^\n]*\n(.*?)\n\1(?!`)", re.S)  # as test_solutions reads them
PYTHON = re.compile(r"```python\n(.*?)```", re.S)


def notebook_tree(path):
    """The notebook's code cells, then the code of its exercise solutions (which run after it), as one tree."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    blocks = ["".join(c["source"]) for c in nb["cells"][1:] if c["cell_type"] == "code"]  # cell 0: Colab install
    for c in nb["cells"]:
        if c["cell_type"] == "markdown":
            for _, body in SOLUTION.findall("".join(c["source"])):
                blocks += PYTHON.findall(body)
    lines = [line for b in blocks for line in b.splitlines() if not line.lstrip().startswith(("%", "!"))]
    return ast.parse("\n".join(lines), filename=path.name)


class Scanner(ast.NodeVisitor):
    """Resolves the names a notebook binds (imports, ``f = nt.m.f``) and checks every call."""

    def __init__(self):
        self.aliases = {}  # local name -> "nt:module.name" | "py:module.name"
        self.unseeded = []
        self.reads_only = set()

    def _resolve(self, dotted):
        if dotted is None:
            return None
        head, _, rest = dotted.partition(".")
        target = self.aliases.get(head)
        if target is None:
            return None
        if not rest:
            return target
        return target + rest if target.endswith(":") else f"{target}.{rest}"

    def visit_Import(self, node):
        for a in node.names:
            if a.name == "nmf_teach" or a.name.startswith("nmf_teach."):
                self.aliases[a.asname or "nmf_teach"] = "nt:" + (a.name.partition(".")[2] if a.asname else "")
            else:
                self.aliases[a.asname or a.name.split(".")[0]] = "py:" + (a.name if a.asname else a.name.split(".")[0])
        self.generic_visit(node)

    def visit_ImportFrom(self, node):
        mod = node.module or ""
        for a in node.names:
            if mod == "nmf_teach" or mod.startswith("nmf_teach."):
                sub = mod.partition(".")[2]
                self.aliases[a.asname or a.name] = "nt:" + (f"{sub}.{a.name}" if sub else a.name)
            else:
                self.aliases[a.asname or a.name] = f"py:{mod}.{a.name}"
        self.generic_visit(node)

    def visit_Assign(self, node):
        target = self._resolve(_dotted(node.value))
        for t in node.targets:
            if isinstance(t, ast.Name):
                if target is not None:
                    self.aliases[t.id] = target
                else:
                    self.aliases.pop(t.id, None)
        self.generic_visit(node)

    def _seeded(self, node, params):
        args = {k.arg: k.value for k in node.keywords}
        if None in args:  # **kwargs: read random_state from a literal dict
            spread = args.pop(None)
            if not isinstance(spread, ast.Dict):
                return True  # a dict built elsewhere: not decidable here
            args.update({_literal(k): v for k, v in zip(spread.keys, spread.values) if k is not None})
        names = [p for p in params if p not in ("self", "cls")]
        args.update({name: value for name, value in zip(names, node.args)})
        if "random_state" in args:
            return _literal(args["random_state"]) is not None
        return _draws_nothing({k: _literal(v) for k, v in args.items()})

    def visit_Attribute(self, node):
        if node.attr == "get_params" and isinstance(node.value, ast.Call):
            self.reads_only.add(id(node.value))  # NMF().get_params() reads the defaults, draws nothing
        self.generic_visit(node)

    def visit_Call(self, node):
        target = None if id(node) in self.reads_only else self._resolve(_dotted(node.func))
        label = ast.unparse(node)[:80]
        if target is not None and target.startswith("nt:"):
            name = target[3:]
            if name in DRAWERS and not self._seeded(node, DRAWERS[name]):
                self.unseeded.append((node.lineno, label))
        elif target is not None and target.startswith("py:"):
            dotted = target[3:]
            module, _, name = dotted.rpartition(".")
            if module in ("numpy.random", "np.random"):
                if name in NUMPY_GENERATORS:
                    if not node.args and not node.keywords:
                        self.unseeded.append((node.lineno, label))
                else:  # the global state: np.random.rand, np.random.choice, np.random.seed, ...
                    self.unseeded.append((node.lineno, label))
            elif dotted.split(".")[0] in ("sklearn", "scipy"):
                obj = _import(dotted)
                params = _parameters(obj) if obj is not None else None
                if params is not None and not self._seeded(node, params):
                    self.unseeded.append((node.lineno, label))
        self.generic_visit(node)


def _import(dotted):
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        try:
            for attr in parts[cut:]:
                obj = getattr(obj, attr)
        except AttributeError:
            return None
        return obj
    return None


def unseeded_calls(tree):
    scanner = Scanner()
    scanner.visit(tree)
    return scanner.unseeded


def test_introspection_finds_the_drawing_functions():
    # not a hand-kept list: these are found because they take random_state
    for name in ("solvers.nmf", "solvers.initialize", "data.planted_nmf", "recommend.train_test_split_mask",
                 "clustering.orthogonal_nmf", "audio.synthesize", "rank_selection.heldout_error"):
        assert name in DRAWERS, name


@pytest.mark.parametrize("source, bad", [
    ("import nmf_teach as nt\nnt.solvers.nmf(X, 3)", True),
    ("import nmf_teach as nt\nnt.solvers.nmf(X, 3, random_state=0)", False),
    ("import nmf_teach as nt\nnt.solvers.nmf(X, 3, random_state=None)", True),
    ("import nmf_teach as nt\nnt.solvers.nmf(X, 3, init='nndsvda')", False),
    ("import nmf_teach as nt\nnt.solvers.nmf(X, 3, W0=W, H0=H)", False),
    ("import nmf_teach as nt\nf = nt.data.planted_nmf\nf(5, 4, 2)", True),
    ("import nmf_teach as nt\nnt.recommend.train_test_split_mask(M, 0.2, 3)", False),
    ("from nmf_teach.data import planted_nmf\nplanted_nmf(5, 4, 2, **{'random_state': 1})", False),
    ("import numpy as np\nnp.random.default_rng()", True),
    ("import numpy as np\nnp.random.default_rng(0)", False),
    ("import numpy as np\nnp.random.rand(3)", True),
    ("from sklearn.decomposition import NMF\nNMF(3)", True),
    ("from sklearn.decomposition import NMF\nNMF(3, init='custom')", False),
    ("from sklearn.decomposition import NMF\nNMF().get_params()", False),
    ("import nmf_teach as nt\nnt.solvers.initialize(X, 3, 'nndsvd')", False),
    ("import nmf_teach as nt\nnt.solvers.initialize(X, 3, 'random')", True),
    ("import nmf_teach as nt\nnt.clustering.orthogonal_nmf(X, 3, labels0=y)", False),
    ("from sklearn.decomposition import NMF\nNMF(3, random_state=0)", False),
    ("from sklearn.datasets import make_blobs\nmake_blobs(10)", True),
    ("from sklearn.cluster import KMeans\nKMeans(3, n_init=10)", True),
    ("from sklearn.model_selection import train_test_split\ntrain_test_split(X, random_state=0)", False),
    ("from sklearn.decomposition import PCA\nPCA(2)", True),
])
def test_the_scanner_itself(source, bad):
    assert bool(unseeded_calls(ast.parse(source))) is bad


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_every_random_draw_is_seeded(path):
    found = unseeded_calls(notebook_tree(path))
    assert not found, (f"{path.name}: calls that draw random numbers without an explicit seed "
                       f"(pass random_state=...): {found}")
