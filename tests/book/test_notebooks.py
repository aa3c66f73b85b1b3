"""Every notebook is clean, listed, self-contained and built like a chapter."""

import json
import re

import pytest
import yaml

import booktools

NOTEBOOKS = booktools.book_notebooks()
IDS = [p.stem for p in NOTEBOOKS]


def cells(path, kind=None):
    nb = json.loads(path.read_text(encoding="utf-8"))
    return [c for c in nb["cells"] if kind is None or c["cell_type"] == kind]


def text(cell):
    return "".join(cell["source"])


def test_the_tests_cover_exactly_the_notebooks_of_the_toc(root):
    """Every test here is parametrized by NOTEBOOKS: it must be the toc's notebooks, all of them,
    in the toc's order (chapters 01, 02, ... without a gap, then the labs)."""
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    listed = [c["file"] for part in toc["parts"] for c in part["chapters"]]
    in_toc = [f for f in listed if (root / f"{f}.ipynb").exists()]
    tested = [p.relative_to(root).with_suffix("").as_posix() for p in NOTEBOOKS]
    assert sorted(tested) == sorted(in_toc), (f"notebooks tested but not in the toc: {sorted(set(tested) - set(in_toc))}; "
                                              f"in the toc but not tested: {sorted(set(in_toc) - set(tested))}")
    chapters = [f for f in in_toc if re.fullmatch(r"book/\d\d_\w+", f)]
    labs = [f for f in in_toc if f.startswith("book/labs/")]
    assert chapters + labs == in_toc, f"notebooks that are neither a chapter nor a lab: {set(in_toc) - set(chapters + labs)}"
    numbers = [int(f[5:7]) for f in chapters]
    assert numbers == list(range(1, len(chapters) + 1)), f"chapter numbers in toc order: {numbers}"
    assert [int(re.search(r"lab_(\d\d)_", f).group(1)) for f in labs] == list(range(1, len(labs) + 1))
    assert len(chapters) >= 20 and len(labs) >= 4, f"{len(chapters)} chapters and {len(labs)} labs"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_committed_without_outputs(path):
    for c in cells(path, "code"):
        assert c.get("outputs") == [] and c.get("execution_count") is None, f"{path.name}: {text(c)[:60]!r}"


def test_toc_lists_every_page_and_only_existing_pages(root):
    toc = (root / "_toc.yml").read_text(encoding="utf-8")
    listed = set(re.findall(r"(?:file|root):\s*(\S+)", toc))
    skip = {"_build", ".ipynb_checkpoints", "_static", "_ext"}
    pages = {str(p.relative_to(root).with_suffix("")) for p in (root / "book").rglob("*")
             if p.suffix in (".ipynb", ".md") and not skip & set(p.relative_to(root).parts)}
    assert listed == pages


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_cell_ids_unique(path):
    ids = [c.get("id") for c in cells(path)]
    assert None not in ids and len(set(ids)) == len(ids)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_first_cell_installs_on_colab_only(path, root):
    first = cells(path)[0]
    url = yaml.safe_load((root / "_config.yml").read_text())["repository"]["url"].rstrip("/")
    assert text(first) == booktools.colab_cell_source(url), "run `python tools/booktools.py`"
    assert "remove-cell" in first["metadata"]["tags"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_self_contained(path):
    code = "\n".join(text(c) for c in cells(path, "code")[1:])
    assert "import nmf_teach as nt" in code
    for bad in ("fetch_", "urlopen", "requests.", "open(", "../", "np.random.seed(", "np.random.rand",
                "default_rng()", "RandomState()"):
        assert bad not in code, f"{path.name} uses {bad!r}: no network, no files, only seeded generators"
    # estimators and generators that draw random numbers must be seeded (an NMF with a custom
    # start, or a call that only reads the configuration, draws nothing)
    calls = re.findall(r"\b(?:NMF|PCA|KMeans|make_blobs)\(([^()]*(?:\([^()]*\)[^()]*)*)\)(\.\w+)?", code)
    unseeded = [args for args, method in calls
                if "random_state" not in args and 'init="custom"' not in args and args.strip() != "..."
                and method not in (".get_params",)]
    assert not unseeded, f"{path.name}: scikit-learn call without random_state: {unseeded[:3]}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_chapter_structure(path):
    md = "\n".join(text(c) for c in cells(path, "markdown"))
    code = "\n".join(text(c) for c in cells(path, "code"))
    assert re.search(r"^#+ Learning objectives", md, re.M | re.I), "no 'Learning objectives' section"
    assert re.search(r"^#+ Summary", md, re.M | re.I), "no 'Summary' section"
    exercises = re.findall(r"[`:]{3,}\{exercise\}", md)
    solutions = re.findall(r"[`:]{3,}\{solution\}[^\n]*\n(?::[^\n]*\n)*", md)
    assert len(exercises) >= 2, f"{len(exercises)} exercises"
    assert len(solutions) >= len(exercises)
    assert all(":class: dropdown" in s for s in solutions), "solutions must start closed"
    assert "{cite" in md, "no citation"
    assert code.count("assert ") >= 3, "claims must be asserted"


MODULES = {p.stem for p in (booktools.repo_root() / "nmf_teach").glob("*.py") if not p.stem.startswith("_")}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_one_import_style_all_imports_first(path):
    """``import nmf_teach as nt`` then ``nt.<module>.<name>``; every import in the first code cell."""
    code_cells = cells(path, "code")[1:]  # after the Colab cell
    first, rest = text(code_cells[0]), code_cells[1:]
    assert "import nmf_teach as nt" in first and "nt.plotting.use_book_style()" in first
    for c in rest:
        src = text(c)
        assert not re.search(r"^\s*(import |from \S+ import )", src, re.M), (
            f"{path.name}: imports belong in the first code cell: {src[:80]!r}")
    md_code = "\n".join(text(c) for c in cells(path, "markdown"))
    for src in [text(c) for c in code_cells] + [md_code]:
        assert "from nmf_teach" not in src and "import nmf_teach." not in src
        for mod in re.findall(r"\bnt\.(\w+)", src):
            assert mod in MODULES, f"{path.name}: nt.{mod} is not a module; write nt.<module>.<name>"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_no_private_scikit_learn_in_chapters(path):
    code = "\n".join(text(c) for c in cells(path))
    for bad in ("_initialize_nmf", "_compute_regularization", "__doc__", "sklearn.decomposition._"):
        assert bad not in code, f"{path.name} uses {bad!r}: chapters use public APIs only"


EXERCISE = re.compile(r"^(`{3,}|:{3,})\{exercise\}[^\n]*\n((?::[^\n]*\n)*)", re.M)


@pytest.mark.parametrize("path", [p for p in NOTEBOOKS if re.match(r"\d\d_", p.name)],
                         ids=[p.stem for p in NOTEBOOKS if re.match(r"\d\d_", p.name)])
def test_exercises_carry_citable_numbers(path):
    """Chapter NN labels its exercises ex-NN-1, ex-NN-2, ...: shown as "Exercise NN.i" (see
    book/_ext), so the numbers an instructor cites stay put when an exercise is added."""
    nn = int(path.name[:2])
    md = "\n".join(text(c) for c in cells(path, "markdown"))
    labels = []
    for _, opts in EXERCISE.findall(md):
        m = re.search(r"^:label:\s*(\S+)", opts, re.M)
        assert m, f"{path.name}: an exercise without a label; run tools/number_exercises.py {path.name}"
        labels.append(m.group(1))
    numbers = []
    for lab in labels:
        m = re.fullmatch(r"ex-(\d+)-(\d+)", lab)
        assert m and int(m.group(1)) == nn, f"{path.name}: exercise label {lab!r} is not ex-{nn:02d}-<i>"
        numbers.append(int(m.group(2)))
    assert len(set(numbers)) == len(numbers), f"{path.name}: two exercises share a number: {labels}"
    assert set(numbers) == set(range(1, len(numbers) + 1)), f"{path.name}: exercise numbers with a gap: {labels}"
