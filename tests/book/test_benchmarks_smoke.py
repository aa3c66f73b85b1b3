"""The benchmark command runs (a smoke run at tiny sizes); it measures, it asserts no speed.

Every section ``benchmarks/run.py`` declares in ``SECTIONS`` is run with ``--quick``, so a
new section is covered as soon as it is declared. At ``--quick`` the chapters section
times a tiny notebook shaped like a chapter (not a chapter: the notebooks are executed
by nbval and the book build only) and the build section builds a one-chapter book.
"""

import importlib.util
import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]

spec = importlib.util.spec_from_file_location("bench_run", ROOT / "benchmarks" / "run.py")
bench = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bench)


@pytest.mark.parametrize("name", list(bench.SECTIONS))
def test_every_section_prints_its_table(name):
    heading, _ = bench.SECTIONS[name]
    text = bench.main(["--quick", "--only", name, "--repeat", "1"])
    assert "Machine:" in text and f"## {heading}" in text
    section = text.split(f"## {heading}", 1)[1]
    rows = [line for line in section.splitlines() if line.startswith("| ")][1:]  # after the header
    assert "|---|" in section and rows, f"{name}: no table rows"
    # "inf" is a measurement (HALS: not one run fitted in cd's time on a loaded machine); nan is a bug
    assert not re.search(r"\bnan\b|FAILED", section, re.I), section


def test_the_live_figure_is_timed_where_it_stands(tmp_path):
    """The tiny chapter redefines its drawing function after the widget cell (as chapter 02 does)."""
    seconds, draws = bench.time_chapter(bench.tiny_chapter(tmp_path))
    assert seconds > 0
    # k starts in the middle (2, as in ipywidgets) and moves to 1, 2, 3: three redraws;
    # scale starts at its first option and moves to the other two: two more
    assert len(draws) == 5 and all(d > 0 for d in draws), draws
