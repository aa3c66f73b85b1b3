"""The book builds with warnings as errors, shows every page, and no chapter runs away."""

import re

import pytest
import yaml

# A guard against a runaway chapter, not a speed goal: chapters take seconds, and speed is
# measured in benchmarks/. Generous so that a busy machine does not fail the build.
MAX_SECONDS = 120.0


def toc_files(root):
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    files = [toc["root"]]
    for part in toc["parts"]:
        files += [c["file"] for c in part["chapters"]]
    return files


def test_book_builds_without_warnings(built_book):
    out = built_book["output"]
    assert built_book["returncode"] == 0, out[-5000:]
    assert "build succeeded" in out or out == "(prebuilt)", out[-3000:]
    # Sphinx warnings read "path: WARNING: ..."; -W turns them into a failed build, and this
    # names them. (ipykernel's "[IPKernelApp] WARNING | Kernel is running over TCP" is not one.)
    sphinx_warnings = [line for line in out.splitlines() if "WARNING:" in line]
    assert not sphinx_warnings, "\n".join(sphinx_warnings)


def test_every_toc_page_is_built(built_book, root):
    for f in toc_files(root):
        page = built_book["html"] / f"{f}.html"
        assert page.exists(), f"{page} was not built"
        text = page.read_text(encoding="utf-8")
        assert "PLACEHOLDER" not in text, f"{f} is still a placeholder"


def test_no_tracebacks_or_stray_stderr_on_any_page(built_book, root):
    # a chapter that wants to show a warning catches it and prints it on purpose
    for f in toc_files(root):
        text = (built_book["html"] / f"{f}.html").read_text(encoding="utf-8")
        assert "output traceback" not in text, f"{f} shows a traceback"
        assert "output stderr" not in text, f"{f} shows stray stderr output (an uncaught warning?)"


def execution_times(html):
    text = (html / "book" / "execution_times.html").read_text(encoding="utf-8")
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", text, re.S)
    times = {}
    for row in rows:
        cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        if len(cells) >= 5:
            times[cells[0]] = (float(cells[3]), cells[4])
    return times


def test_every_chapter_executes_and_none_runs_away(built_book, root):
    times = execution_times(built_book["html"])
    notebooks = [f for f in toc_files(root) if (root / f"{f}.ipynb").exists()]
    assert sorted(times) == sorted(notebooks)
    for doc, (seconds, status) in times.items():
        assert status == "✅", f"{doc} failed to execute"
        assert seconds < MAX_SECONDS, f"{doc} took {seconds:.1f} s to execute (limit {MAX_SECONDS} s)"


def test_bibliography_has_the_papers(built_book):
    text = (built_book["html"] / "book" / "bibliography.html").read_text(encoding="utf-8").lower()
    for needle in ("learning the parts of objects", "algorithms for non-negative matrix factorization",
                   "convergence of multiplicative update"):
        assert needle in text


@pytest.mark.parametrize("key", ["binderhub_url", "colab_url", "thebe"])
def test_launch_buttons_configured(root, key):
    cfg = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    assert cfg["launch_buttons"][key]
    assert cfg["repository"]["url"].startswith("https://github.com/")


def test_exercises_are_shown_with_their_chapter_number(built_book, root):
    for f in toc_files(root):
        m = re.match(r"book/(\d\d)_", f)
        if not m:
            continue
        html = (built_book["html"] / f"{f}.html").read_text(encoding="utf-8")
        for label, i in re.findall(r'id="(ex-\d\d-(\d+))"', html):
            block = html[html.index(f'id="{label}"'):][:2000]
            shown = re.search(r'caption-number">\s*Exercise ([\d.]+)', block)
            assert shown and shown.group(1) == f"{int(m.group(1))}.{i}", (f, label, shown and shown.group(1))
