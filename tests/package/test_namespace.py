"""The package namespace: its modules (loaded on first use) and ``__version__``, spelled one way."""

import pathlib
import subprocess
import sys

import pytest

import nmf_teach as nt

PACKAGE = pathlib.Path(nt.__file__).parent
MODULES = sorted(p.stem for p in PACKAGE.glob("*.py") if not p.stem.startswith("_"))


def test_every_module_is_listed_in_exactly_one_group():
    listed = [m for group in nt._MODULE_GROUPS.values() for m in group]
    assert sorted(listed) == MODULES


def test_the_namespace_is_the_modules_and_the_version():
    public = {name for name in dir(nt) if not name.startswith("_")}
    assert public == set(MODULES)
    assert nt.__version__ and set(nt.__all__) == set(MODULES) | {"__version__"}


@pytest.mark.parametrize("name", ["nmf", "loss", "planted_nmf", "heatmap", "EPS", "random_thing"])
def test_no_name_but_a_module(name):
    with pytest.raises(AttributeError, match="write nt.<module>.<name>"):
        getattr(nt, name)


def test_modules_load_lazily():
    code = ("import sys, nmf_teach as nt; "
            "loaded = sorted(m for m in sys.modules if m.startswith('nmf_teach.')); print(loaded); "
            "assert loaded == [], loaded; nt.linalg.trace; assert 'nmf_teach.linalg' in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=PACKAGE.parent)


@pytest.mark.parametrize("group", ["Core algorithms", "Teaching aids", "Applications", "Book and course tooling"])
def test_docstring_names_the_groups(group):
    assert f"\n{group}\n" in nt.__doc__


@pytest.mark.parametrize("module", MODULES)
def test_docstring_describes_every_module(module):
    line = next((ln for ln in nt.__doc__.splitlines() if f":mod:`~nmf_teach.{module}`" in ln), None)
    assert line is not None, f"{module} is not in the package docstring"
    assert len(line.split("`", 2)[2].strip()) > 20, f"{module}: say what it holds"


@pytest.mark.parametrize("doc", ["book/intro.md", "README.md"])
def test_intro_and_readme_describe_every_module(doc):
    text = (PACKAGE.parent / doc).read_text(encoding="utf-8")
    missing = [m for m in MODULES if f"`{m}`" not in text]
    assert not missing, f"{doc} does not describe {missing}"


def test_intro_covers_every_chapter_and_the_labs():
    text = (PACKAGE.parent / "book/intro.md").read_text(encoding="utf-8")
    chapters = sorted(p.stem for p in (PACKAGE.parent / "book").glob("[0-9][0-9]_*.ipynb"))
    missing = [c for c in chapters if "{doc}`" + c + "`" not in text]
    # a part is named by its first and last chapter, so only those need a link
    parts = ["01_why_nmf", "03_nmf_problem", "04_gradient_descent", "06_gd_vs_mu", "07_sklearn", "11_beyond_mu",
             "12_what_nmf_costs", "13_beyond_one_machine", "14_missing_entries", "15_choosing_k",
             "16_kl_divergence", "20_clustering"]
    assert not [c for c in parts if c in missing]
    assert chapters[-1] == "20_clustering" and "Labs" in text
