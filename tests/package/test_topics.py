"""nmf_teach.topics: the standard-library corpus and reading topics as words."""

import importlib
import inspect
import json

import numpy as np
import pytest

from nmf_teach import topics

NOT_EVERYWHERE = {  # GUI, tests, threads/processes/network at work, left out of Pyodide, removed (PEP 594)
    "tkinter", "turtle", "turtledemo", "idlelib", "test", "unittest", "threading", "subprocess",
    "multiprocessing", "concurrent", "asyncio", "ssl", "lzma", "sqlite3", "curses", "dbm", "venv",
    "ensurepip", "webbrowser", "pty", "tty", "termios", "fcntl", "pwd", "grp", "resource", "syslog",
    "winreg", "msvcrt", "cgi", "cgitb", "telnetlib", "nntplib", "smtpd", "asyncore", "asynchat",
    "imp", "distutils", "audioop", "aifc", "sunau", "chunk", "imghdr", "sndhdr", "uu", "xdrlib",
    "crypt", "spwd", "nis", "mailcap", "msilib", "ossaudiodev", "pipes",
}


@pytest.fixture(scope="module")
def corpus():
    return topics.stdlib_docstrings()


def test_default_modules_sorted_unique_and_portable():
    mods = topics.DEFAULT_MODULES
    assert list(mods) == sorted(set(mods))
    for name in mods:
        assert name.split(".")[0] not in NOT_EVERYWHERE, name
        importlib.import_module(name)


def test_corpus_is_deterministic_sorted_and_sized(corpus):
    documents, names = corpus
    assert len(documents) == len(names)
    assert names == sorted(names) and len(set(names)) == len(names)
    assert len(set(documents)) == len(documents)         # each text once
    assert 500 <= len(documents) <= 2000                  # the size the chapter is built for
    assert all(len(d.split()) >= 20 for d in documents)
    again = topics.stdlib_docstrings()
    assert again == (documents, names)


def test_documents_are_the_objects_own_cleaned_docstrings(corpus):
    documents, names = corpus
    doc = dict(zip(names, documents))
    assert doc["json.dumps"] == inspect.cleandoc(json.dumps.__doc__)
    assert doc["json"] == inspect.cleandoc(json.__doc__)
    from email.message import Message

    assert doc["email.message.Message.get_param"] == inspect.cleandoc(Message.get_param.__doc__)
    # JSONEncoder lives in json.encoder, which is not in the list: not collected under json
    assert not any(n.startswith("json.JSONEncoder") for n in names)
    # imported names are collected with their own module only
    assert "email.message.Charset" not in doc
    # a module's C accelerator counts as the module (socket functions live in _socket)
    assert "socket.getaddrinfo" in doc


def test_subset_and_min_words(corpus):
    documents, names = corpus
    sub_docs, sub_names = topics.stdlib_docstrings(["json", "datetime"], min_words=5)
    assert all(n.split(".")[0] in ("json", "datetime") for n in sub_names)
    long_ones = [n for n in sub_names if len(dict(zip(sub_names, sub_docs))[n].split()) >= 20]
    assert set(long_ones) <= set(names)
    short = topics.stdlib_docstrings(["datetime"], min_words=1)[1]
    assert len(short) > len(topics.stdlib_docstrings(["datetime"], min_words=20)[1])
    # the order of the modules given does not matter
    assert topics.stdlib_docstrings(["datetime", "json"], min_words=5) == (sub_docs, sub_names)


@pytest.mark.parametrize(
    "args, error, match",
    [
        (("json",), TypeError, "single string 'json'"),
        (([],), ValueError, "modules is empty"),
        ((["json", 3],), TypeError, r"modules\[1\] = 3 is not a module name"),
        ((["no_such_module_xyz"],), ValueError, "'no_such_module_xyz' could not be imported"),
        ((["json"], 2.5), TypeError, "min_words must be a positive integer"),
        ((["json"], 0), ValueError, "min_words must be a positive integer"),
        ((["keyword"], 100000), ValueError, "No docstring of the 1 module"),
    ],
)
def test_corpus_errors(args, error, match):
    with pytest.raises(error, match=match):
        topics.stdlib_docstrings(*args)


def test_top_words_against_sorting():
    rng = np.random.default_rng(0)
    H = rng.uniform(size=(3, 12))
    vocab = [f"w{j}" for j in range(12)]
    got = topics.top_words(H, vocab, 4)
    for r in range(3):
        naive = [vocab[j] for j in sorted(range(12), key=lambda j: -H[r, j])[:4]]
        assert got[r] == naive


def test_top_words_ties_and_zeros():
    H = np.array([[1.0, 2.0, 2.0, 0.0], [0.0, 0.0, 0.0, 5.0]])
    vocab = ["a", "b", "c", "d"]
    assert topics.top_words(H, vocab, 3) == [["b", "c", "a"], ["d"]]  # ties: vocabulary order; zeros left out


@pytest.mark.parametrize(
    "args, error, match",
    [
        (([[1.0, -1.0]], ["a", "b"]), ValueError, "H has 1 negative entries"),
        (([[1.0, 1.0]], ["a"]), ValueError, "H has 2 columns .* vocabulary has 1 words"),
        (([[1.0, 1.0]], "ab"), TypeError, "not a single string"),
        (([[1.0, 1.0]], ["a", "b"], 3), ValueError, r"n must be between 1 and the number of words \(2\)"),
        (([[1.0, 1.0]], ["a", "b"], 1.0), TypeError, "n must be a positive integer"),
    ],
)
def test_top_words_errors(args, error, match):
    with pytest.raises(error, match=match):
        topics.top_words(*args)


def test_top_word_overlap_against_sets():
    rng = np.random.default_rng(1)
    A, B = rng.uniform(size=(4, 20)), rng.uniform(size=(3, 20))
    O = topics.top_word_overlap(A, B, 6)
    vocab = [str(j) for j in range(20)]
    ta, tb = topics.top_words(A, vocab, 6), topics.top_words(B, vocab, 6)
    for r in range(4):
        for s in range(3):
            assert O[r, s] == len(set(ta[r]) & set(tb[s]))
    assert np.array_equal(topics.top_word_overlap(B, A, 6), O.T)
    assert np.array_equal(np.diag(topics.top_word_overlap(A, 3 * A, 6)), [6] * 4)  # scale-free
    with pytest.raises(ValueError, match="same vocabulary"):
        topics.top_word_overlap(A, B[:, :10])


def test_shipped_corpus_is_the_collector_output_of_its_python():
    import platform

    docs, names, python = topics.docstring_corpus()
    assert len(docs) == len(names) > 500 and names == sorted(names)
    if platform.python_version() == python:  # the snapshot is what the collector gives on that Python
        assert (docs, names) == topics.stdlib_docstrings()


def test_umass_coherence_against_loops():
    rng = np.random.default_rng(3)
    X = (rng.uniform(size=(40, 12)) < 0.3) * rng.uniform(1, 3, size=(40, 12))
    X[0] = 1.0                                            # every word occurs somewhere
    H = rng.uniform(size=(3, 12))
    got = topics.umass_coherence(H, X, 5)
    present = X > 0
    for r in range(3):
        top = list(np.argsort(-H[r])[:5])
        expected = 0.0
        for a in range(1, 5):
            for b in range(a):
                both = np.sum(present[:, top[a]] & present[:, top[b]])
                expected += np.log((both + 1) / np.sum(present[:, top[b]]))
        assert got[r] == pytest.approx(expected)
    import scipy.sparse as sp
    assert np.allclose(topics.umass_coherence(H, sp.csr_matrix(X), 5), got)


def test_umass_coherence_prefers_words_that_occur_together():
    X = np.zeros((20, 4))
    X[:10, :2] = 1                                         # words 0 and 1 always together
    X[10:15, 2] = 1
    X[15:, 3] = 1                                          # words 2 and 3 never
    together = topics.umass_coherence(np.array([[1.0, 0.9, 0, 0]]), X, 2)[0]
    apart = topics.umass_coherence(np.array([[0, 0, 1.0, 0.9]]), X, 2)[0]
    assert together > apart and together == pytest.approx(np.log(11 / 10))


@pytest.mark.parametrize("H, X, n, match", [
    (np.ones((2, 3)), np.ones((4, 5)), 2, "columns"),
    (np.ones((2, 3)), np.ones((4, 3)), 1, "at least 2"),
    (np.array([[1.0, 0, 0]]), np.ones((4, 3)), 2, "fewer than two"),
    (np.ones((1, 3)), np.array([[1.0, 1, 0]] * 4), 3, "occurs in no document"),
])
def test_umass_coherence_errors(H, X, n, match):
    with pytest.raises(ValueError, match=match):
        topics.umass_coherence(H, X, n)
