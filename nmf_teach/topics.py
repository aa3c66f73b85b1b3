"""Topics in text: a corpus that ships with Python, and NMF topics read as words.

Explained in *NMF on text* (``book/18_text``).

- :data:`DEFAULT_MODULES` and :func:`stdlib_docstrings` collect a real text
  corpus without downloading anything: the docstrings of Python's standard
  library (written by people, on many subjects: dates, e-mail, sockets,
  decimals, archives, logging, ...).
- :func:`top_words` reads each row of ``H`` (a topic) as its most heavily
  weighted words.
- :func:`top_word_overlap` counts the top words two sets of topics share, to
  compare two runs (for example Frobenius against Kullback–Leibler NMF).
- :func:`umass_coherence` scores each topic by how often its top words occur
  in the same documents.

The corpus is deterministic for one Python version on one platform: modules,
names and documents are visited in sorted order. Docstrings change a little
between Python versions (and a few functions, such as some of ``socket`` and
``time``, exist only on some platforms), so two machines may see slightly
different corpora; the chapter asserts only what holds for small changes.
"""

from __future__ import annotations

import importlib
import inspect
import numbers
import warnings

import numpy as np

from ._validation import check_nonnegative, check_positive_int

__all__ = ["DEFAULT_MODULES", "stdlib_docstrings", "docstring_corpus", "top_words", "top_word_overlap", "umass_coherence"]

#: Standard-library modules whose docstrings make the corpus, in sorted order.
#: Each one imports on Linux, macOS and Windows and under Pyodide (Python compiled
#: to WebAssembly, as in JupyterLite): no GUI (tkinter, turtle, idlelib), no test
#: packages, nothing that starts threads or processes or opens a connection when
#: imported, nothing Pyodide leaves out (ssl, lzma, sqlite3, curses, dbm) and
#: nothing deprecated or removed in recent Python versions (PEP 594).
DEFAULT_MODULES = (
    "abc", "argparse", "array", "ast", "base64", "binascii", "bisect", "calendar", "cmath",
    "codecs", "collections", "colorsys", "configparser", "contextlib", "copy", "csv",
    "dataclasses", "datetime", "decimal", "difflib", "dis", "email.charset", "email.generator",
    "email.header", "email.headerregistry", "email.message", "email.parser", "email.policy",
    "email.utils", "enum", "filecmp", "fnmatch", "fractions", "functools", "gettext", "glob",
    "gzip", "heapq", "html", "html.parser", "http.cookies", "inspect", "ipaddress",
    "itertools", "json", "keyword", "locale", "logging", "math", "mimetypes", "numbers",
    "operator", "pathlib", "pickle", "pprint", "quopri", "random", "re", "reprlib", "sched",
    "shlex", "shutil", "socket", "statistics", "string", "struct", "tarfile", "tempfile",
    "textwrap", "time", "timeit", "tokenize", "traceback", "types", "typing", "unicodedata",
    "urllib.parse", "uuid", "warnings", "weakref", "xml.dom.minidom", "xml.etree.ElementTree",
    "zipfile", "zlib",
)


def _defined_in(obj, module_name):
    """Whether ``obj`` belongs to ``module_name`` (or to its C accelerator ``_name``)."""
    owner = getattr(obj, "__module__", None)
    last = module_name.rsplit(".", 1)[-1]
    return owner in (module_name, "_" + last)


def _own_docstring(obj):
    """The docstring written on ``obj`` itself (never one inherited), cleaned, or None."""
    if isinstance(obj, (classmethod, staticmethod)):
        obj = obj.__func__
    doc = getattr(obj, "__doc__", None)
    return inspect.cleandoc(doc) if isinstance(doc, str) else None


def _module_docstrings(module_name):
    """(name, docstring) of a module, its public classes and functions and their public methods."""
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise ValueError(
            f"module {module_name!r} could not be imported ({exc}); pass only modules that "
            "exist in this Python, e.g. a subset of nt.topics.DEFAULT_MODULES."
        ) from None
    found = [(module_name, _own_docstring(module))]
    namespace = vars(module)
    for name in sorted(namespace):
        obj = namespace[name]
        if name.startswith("_") or not (inspect.isclass(obj) or inspect.isroutine(obj)):
            continue
        if not _defined_in(obj, module_name):
            continue  # imported from elsewhere: it is collected with its own module, if at all
        found.append((f"{module_name}.{name}", _own_docstring(obj)))
        if inspect.isclass(obj):
            members = vars(obj)
            for attr in sorted(members):
                member = members[attr]
                if attr.startswith("_"):
                    continue
                if inspect.isroutine(member) or isinstance(member, (classmethod, staticmethod, property)):
                    found.append((f"{module_name}.{name}.{attr}", _own_docstring(member)))
    return found


def stdlib_docstrings(modules=DEFAULT_MODULES, min_words=20):
    """Docstrings of Python's standard library as a text corpus, in a fixed order.

    Every listed module contributes its own docstring and those of its public
    classes, functions and methods (names not starting with ``_``) that are
    defined in it (or in its C accelerator, e.g. ``_socket`` for ``socket``).
    Inherited docstrings are not used, documents shorter than ``min_words``
    words are dropped, and a text that occurs twice is kept once, under the
    first of its names in sorted order.

    Parameters
    ----------
    modules : sequence of str, default=DEFAULT_MODULES
        Names of standard-library modules to import, e.g. ``("datetime", "email.message")``.
    min_words : int, default=20
        The fewest words (whitespace-separated) a docstring needs to be kept.

    Returns
    -------
    documents : list of str
        The docstrings (cleaned with :func:`inspect.cleandoc`), sorted by name.
    names : list of str
        Where each document comes from, e.g. ``"datetime.date.strftime"``;
        sorted and unique.

    Raises
    ------
    TypeError
        If ``modules`` is a single string or holds something that is not a
        string, or ``min_words`` is not an integer.
    ValueError
        If ``modules`` is empty, a module cannot be imported, or no docstring
        has ``min_words`` words.

    Notes
    -----
    Explained in *NMF on text*. Nothing is downloaded or read from a file the
    Python installation does not already hold. The documents depend on the
    Python version (docstrings are edited between releases) and, for a few
    functions of ``socket``, ``time`` and the like, on the platform; within one
    installation two calls return the same corpus.
    """
    if isinstance(modules, (str, bytes)):
        raise TypeError(
            f"modules must be a sequence of module names, got the single string {modules!r}; "
            f"write ({modules!r},) for one module."
        )
    modules = list(modules)
    if not modules:
        raise ValueError("modules is empty; name at least one standard-library module.")
    for i, name in enumerate(modules):
        if not isinstance(name, str):
            raise TypeError(f"modules[{i}] = {name!r} is not a module name (a string).")
    min_words = check_positive_int(min_words, "min_words")
    collected = []
    with warnings.catch_warnings():  # e.g. typing.io and typing.re warn when touched (Python 3.11)
        warnings.simplefilter("ignore")
        for module_name in sorted(set(modules)):
            collected += _module_docstrings(module_name)
    names, documents, seen, seen_names = [], [], set(), set()
    for name, doc in sorted(collected, key=lambda pair: pair[0]):
        if doc is None or len(doc.split()) < min_words or doc in seen or name in seen_names:
            continue
        seen.add(doc)
        seen_names.add(name)
        names.append(name)
        documents.append(doc)
    if not documents:
        raise ValueError(
            f"No docstring of the {len(modules)} module(s) has {min_words} words or more; "
            "lower min_words or add modules."
        )
    return documents, names


def docstring_corpus():
    """The docstring corpus the book uses: a snapshot shipped with the package.

    The docstrings of the standard library change a little from one Python
    version to the next (and Pyodide, which runs the book in the browser, has
    its own), so topics and their asserts would move with the interpreter. The
    book therefore reads a fixed snapshot, collected once by
    :func:`stdlib_docstrings` with its defaults and stored in
    ``nmf_teach/corpora/stdlib_docstrings.json.gz`` (134 KB; the standard
    library's docstrings, PSF License). Call :func:`stdlib_docstrings` for the
    corpus of the Python you run.

    Returns
    -------
    documents : list of str
    names : list of str
        The dotted name each document documents, in the same order.
    python : str
        The Python version the snapshot was collected from.

    Notes
    -----
    Explained in *NMF on text*.
    """
    import gzip
    import json
    from importlib import resources

    with resources.files("nmf_teach").joinpath("corpora/stdlib_docstrings.json.gz").open("rb") as f:
        data = json.loads(gzip.decompress(f.read()).decode("utf-8"))
    return data["documents"], data["names"], data["python"]


def _top_indices(H, n):
    """Indices of the ``n`` largest positive entries of each row, largest first (ties: lower index)."""
    order = np.argsort(-H, axis=1, kind="stable")[:, :n]
    return [[int(j) for j in row if H[r, j] > 0] for r, row in enumerate(order)]


def _check_top_n(n, n_features):
    if isinstance(n, (bool, np.bool_)) or not isinstance(n, numbers.Integral):
        raise TypeError(f"n must be a positive integer, got {n!r} of type {type(n).__name__}.")
    if not 1 <= n <= n_features:
        raise ValueError(f"n must be between 1 and the number of words ({n_features}), got {n}.")
    return int(n)


def top_words(H, vocabulary, n=10):
    """The ``n`` most heavily weighted words of every topic (row of ``H``).

    Parameters
    ----------
    H : array-like of shape (k, n_words)
        Non-negative topics, one per row, e.g. ``NMF(...).components_`` fitted
        to a document-term matrix.
    vocabulary : sequence of str, length n_words
        The word of each column, e.g. ``TfidfVectorizer.get_feature_names_out()``.
    n : int, default=10
        How many words per topic.

    Returns
    -------
    list of list of str
        ``k`` lists, each with the topic's words in decreasing weight (ties:
        the word that comes first in ``vocabulary``). Only words with positive
        weight count, so a very sparse topic may have fewer than ``n``.

    Raises
    ------
    ValueError
        If ``H`` has negative or non-finite entries, its number of columns is
        not the number of words, or ``n`` is outside 1 to ``n_words``.
    TypeError
        If ``n`` is not an integer.

    Notes
    -----
    Explained in *NMF on text*.
    """
    H = check_nonnegative(H, "H")
    if isinstance(vocabulary, (str, bytes)):
        raise TypeError("vocabulary must be a sequence of words, not a single string.")
    vocabulary = list(vocabulary)
    if len(vocabulary) != H.shape[1]:
        raise ValueError(
            f"H has {H.shape[1]} columns (words) but vocabulary has {len(vocabulary)} words; "
            "they must match (pass the vectorizer's get_feature_names_out())."
        )
    n = _check_top_n(n, H.shape[1])
    return [[vocabulary[j] for j in row] for row in _top_indices(H, n)]


def top_word_overlap(H_a, H_b, n=10):
    """How many of their top ``n`` words every topic of ``H_a`` shares with every topic of ``H_b``.

    Parameters
    ----------
    H_a : array-like of shape (k_a, n_words)
    H_b : array-like of shape (k_b, n_words)
        Two sets of non-negative topics over the same vocabulary (same column order).
    n : int, default=10

    Returns
    -------
    ndarray of int, shape (k_a, k_b)
        ``O[r, s] = |top_n(H_a[r]) ∩ top_n(H_b[s])|``, between 0 and ``n``.

    Raises
    ------
    ValueError
        If the two have different numbers of columns, negative entries, or
        ``n`` is outside 1 to ``n_words``.

    Notes
    -----
    Explained in *NMF on text*.
    """
    H_a = check_nonnegative(H_a, "H_a")
    H_b = check_nonnegative(H_b, "H_b")
    if H_a.shape[1] != H_b.shape[1]:
        raise ValueError(
            f"H_a has {H_a.shape[1]} columns and H_b has {H_b.shape[1]}; topics can only be "
            "compared over the same vocabulary."
        )
    n = _check_top_n(n, H_a.shape[1])
    tops_a = [set(t) for t in _top_indices(H_a, n)]
    tops_b = [set(t) for t in _top_indices(H_b, n)]
    return np.array([[len(a & b) for b in tops_b] for a in tops_a], dtype=int)


def umass_coherence(H, X, n=10):
    """The UMass coherence of every topic: do its top words occur in the same documents?

    For a topic whose top words, largest weight first, are ``v_1, …, v_n``,

    .. math:: C = \\sum_{a=2}^{n} \\sum_{b=1}^{a-1} \\log \\frac{D(v_a, v_b) + 1}{D(v_b)},

    where ``D(v)`` is the number of documents of ``X`` that contain ``v`` and
    ``D(v, v')`` the number that contain both (Mimno et al., 2011). It is at most
    0 and higher (closer to 0) when the top words occur together.

    Parameters
    ----------
    H : array-like of shape (k, n_words)
        Non-negative topics.
    X : array-like or scipy sparse matrix of shape (n_documents, n_words)
        The documents, e.g. the TF-IDF or count matrix the topics were fitted to;
        only which entries are non-zero matters.
    n : int, default=10
        The number of top words per topic, from 2 to ``n_words``.

    Returns
    -------
    ndarray of shape (k,)

    Raises
    ------
    ValueError
        If the shapes do not match, ``n`` is out of range, a topic has fewer than
        two positive weights, or a top word occurs in no document.

    Notes
    -----
    Explained in *NMF on text*.

    References
    ----------
    Mimno, Wallach, Talley, Leenders and McCallum, "Optimizing semantic coherence
    in topic models", EMNLP 2011.
    """
    import scipy.sparse as sp

    H = check_nonnegative(H, "H")
    presence = sp.csc_matrix(X) != 0 if sp.issparse(X) else sp.csc_matrix(np.asarray(X) != 0)
    if presence.shape[1] != H.shape[1]:
        raise ValueError(f"X has {presence.shape[1]} columns (words) and H has {H.shape[1]}; they must match.")
    n = _check_top_n(n, H.shape[1])
    if n < 2:
        raise ValueError("n must be at least 2: coherence is a sum over pairs of top words.")
    presence = presence.astype(np.float64)
    scores = []
    for r, top in enumerate(_top_indices(H, n)):
        if len(top) < 2:
            raise ValueError(f"topic {r} has fewer than two positive weights.")
        cols = presence[:, top]
        together = (cols.T @ cols).toarray()             # D(v_a, v_b); the diagonal holds D(v_a)
        single = np.diag(together)
        if np.any(single == 0):
            raise ValueError(f"topic {r}: the top word in column {top[int(np.argmin(single))]} occurs in no document of X.")
        a, b = np.tril_indices(len(top), -1)             # a > b: pairs with the higher-ranked word b
        scores.append(float(np.sum(np.log((together[a, b] + 1) / single[b]))))
    return np.array(scores)
