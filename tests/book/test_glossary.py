"""book/glossary.md: every link resolves, every English term is one the chapters or the labs use,
every row gives a Korean term, and every term a lab defines in bold is in the glossary."""

import json
import re

import pytest

import booktools

ROOT = booktools.repo_root()
BOOK = ROOT / "book"
GLOSSARY = BOOK / "glossary.md"
ROW = re.compile(r"^\|(?P<english>[^|]+)\|(?P<korean>[^|]+)\|(?P<where>[^|]+)\|\s*$")
LINK = re.compile(r"\{(?P<role>ref|doc|prf:ref)\}`(?P<body>[^`]+)`")
HANGUL = re.compile(r"[\uac00-\ud7a3]")


def rows():
    out = []
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        m = ROW.match(line)
        if m and not set(m["english"].strip()) <= set("-") and m["english"].strip() != "English":
            out.append({k: v.strip() for k, v in m.groupdict().items()})
    return out


def target(body):
    m = re.search(r"<([^>]+)>\s*$", body)
    return (m.group(1) if m else body).strip()


def term(english):
    """The English term without a trailing parenthetical gloss: "block-convex (convex in each factor)"."""
    return re.sub(r"\s*\([^)]*\)\s*$", "", english).strip()


def book_sources():
    """(path, markdown text) of every page of the book: notebooks' markdown cells and .md files."""
    out = []
    for p in sorted(BOOK.rglob("*")):
        if "_build" in p.parts or ".ipynb_checkpoints" in p.parts:
            continue
        if p.suffix == ".md":
            out.append((p, p.read_text(encoding="utf-8")))
        elif p.suffix == ".ipynb":
            nb = json.loads(p.read_text(encoding="utf-8"))
            out.append((p, "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")))
    return out


def chapters_text():
    """The markdown of the chapters and labs (book/*.ipynb, book/labs/*.ipynb), lower case, whitespace collapsed."""
    text = " ".join(t for p, t in book_sources() if p.parent in (BOOK, BOOK / "labs") and p.suffix == ".ipynb")
    return re.sub(r"\s+", " ", text).lower()


def bold_terms(markdown):
    """The terms a text defines in bold: **term**, outside code and math, not a label ("**Order.**",
    "**Working time:**")."""
    text = re.sub(r"`[^`]*`", " ", markdown)
    text = re.sub(r"\$\$.*?\$\$|\$[^$]*\$", " ", text, flags=re.S)
    return {t.strip() for t in re.findall(r"\*\*([^*]+)\*\*", text) if not t.strip().endswith((":", ".", "?"))}


ROWS = rows()
SOURCES = book_sources()
REF_LABELS = {m for _, t in SOURCES for m in re.findall(r"^\((\S+)\)=\s*$", t, re.M)}
PRF_LABELS = {m for _, t in SOURCES
              for m in re.findall(r"[`:]{3,}\{prf:\w+\}[^\n]*\n(?::[^\n]*\n)*?:label:\s*(\S+)", t)}
TOC = set(re.findall(r"(?:file|root):\s*(\S+)", (ROOT / "_toc.yml").read_text(encoding="utf-8")))


def test_glossary_has_the_terms_of_the_brief():
    assert len(ROWS) >= 60
    pairs = {(r["english"], r["korean"]) for r in ROWS}
    brief = [("non-negative matrix factorization", "음수 미포함 행렬 분해"), ("trace", "대각합"),
             ("Hadamard product", "원소별 곱"), ("gradient descent", "경사하강법"),
             ("majorize–minimize", "MM 알고리즘"), ("flop", "부동소수점 연산"), ("flop count", "부동소수점 연산 횟수")]
    for english, korean in brief:
        assert any(e == english and korean in k for e, k in pairs), (english, korean)
    korean = {r["english"]: r["korean"] for r in ROWS}
    # the standard terms come first; the sources' own wording follows
    assert korean["non-negative matrix factorization"].startswith("비음수 행렬 분해")
    assert korean["majorize–minimize"].startswith("MM 알고리즘")
    assert not korean["flop"].startswith("부동소수점 연산 횟수"), "a flop is one operation, not the count"
    for english in ("mask", "root-mean-square error (RMSE)", "training error", "test error (held-out error)",
                    "cross-validation", "central difference", "forward difference", "assignment problem",
                    "KKT residual", "baseline"):
        assert english in korean, f"the labs' term {english!r} is missing"


def test_rows_are_sorted_unique_and_complete():
    english = [r["english"] for r in ROWS]
    assert english == sorted(english, key=str.lower), "keep the table in alphabetical order"
    assert len(set(map(str.lower, english))) == len(english), "a term is listed twice"
    for r in ROWS:
        assert HANGUL.search(r["korean"]), f"{r['english']}: no Korean term"
        assert LINK.search(r["where"]), f"{r['english']}: no link to the place that explains it"


@pytest.mark.parametrize("row", ROWS, ids=[r["english"] for r in ROWS])
def test_every_link_resolves(row):
    for m in LINK.finditer(row["where"]):
        role, name = m["role"], target(m["body"])
        if role == "doc":
            path = (BOOK / name).resolve()
            assert path.with_suffix(".ipynb").exists() or path.with_suffix(".md").exists(), f"no page {name}"
            assert str(path.relative_to(ROOT)) in TOC, f"{name} is not in _toc.yml, so the build cannot link it"
        elif role == "ref":
            assert name in REF_LABELS, f"no label ({name})= in book/"
        else:
            assert name in PRF_LABELS, f"no {{prf:...}} block with :label: {name} in book/"


@pytest.mark.parametrize("row", ROWS, ids=[r["english"] for r in ROWS])
def test_every_english_term_appears_in_the_chapters(row):
    assert term(row["english"]).lower() in chapters_text(), (
        f"{term(row['english'])!r} appears in no chapter or lab: use the book's wording, or drop the term")


LABS = [(p, t) for p, t in SOURCES if p.parent == BOOK / "labs" and p.suffix == ".ipynb"]


@pytest.mark.parametrize("path, text", LABS, ids=[p.stem for p, _ in LABS])
def test_every_term_a_lab_defines_in_bold_is_in_the_glossary(path, text):
    known = set()
    for r in ROWS:
        known.add(term(r["english"]).lower())
        known |= {a.strip().lower() for a in re.findall(r"\(([^)]*)\)\s*$", r["english"])}
    defined = bold_terms(text)
    assert defined, f"{path.name} defines no term in bold"
    missing = sorted(t for t in defined if t.lower() not in known)
    assert not missing, f"{path.name} defines {missing} in bold, but the glossary lacks them"


def test_bold_terms_skip_labels_code_and_math():
    assert bold_terms("a **mask** and `R**2` and $a**b$ and **Working time:** and **Order.**") == {"mask"}


def test_the_parser_reads_links_and_terms():
    assert target("The compression cell <corr-01-low-rank>") == "corr-01-low-rank"
    assert target("05_multiplicative_update") == "05_multiplicative_update"
    assert term("block-convex (convex in each factor)") == "block-convex"
    assert "def-02-trace" in PRF_LABELS and "sec-05-guard" in REF_LABELS
