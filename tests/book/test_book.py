"""The book builds with warnings as errors, and the built site shows every page as written.

Everything here reads what the build produced (``built_book``): the recorded output and
return code, the HTML in ``_build/html`` and its execution report.
"""

import html
import json
import re

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
    assert "build succeeded" in out, out[-3000:]
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


def page_sources(root):
    """(toc entry, title, markdown text) of every page: the first heading and all markdown."""
    out = []
    for f in toc_files(root):
        path = root / f"{f}.ipynb"
        if path.exists():
            nb = json.loads(path.read_text(encoding="utf-8"))
            md = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
        else:
            md = (root / f"{f}.md").read_text(encoding="utf-8")
        title = re.search(r"^# (.+)$", md, re.M).group(1).strip()
        out.append((f, title, md))
    return out


def visible_text(page_html):
    """The page's article without code blocks, inline code and tags: what a reader reads as prose."""
    main = page_html.split('<main id="main-content"', 1)[-1].split("</main>", 1)[0]
    main = re.sub(r"<(pre|code|script|style)\b.*?</\1>", " ", main, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", main))


def test_every_page_shows_its_title(built_book, root):
    for f, title, _ in page_sources(root):
        page = (built_book["html"] / f"{f}.html").read_text(encoding="utf-8")
        shown = html.unescape(re.search(r"<title>(.*?)</title>", page, re.S).group(1))
        assert shown.startswith(title), f"{f}: <title> is {shown!r}, the page's heading is {title!r}"
        h1 = [html.unescape(re.sub(r"<[^>]+>", "", h)).strip() for h in re.findall(r"<h1>(.*?)</h1>", page, re.S)]
        assert any(h.startswith(title) for h in h1), f"{f}: no <h1> {title!r} (found {h1})"


def test_every_cross_reference_is_resolved(built_book, root):
    """An unresolved {ref}/{doc}/{numref} is left as a bare <span class="xref ...">, a missing number as ??."""
    for f in toc_files(root):
        page = (built_book["html"] / f"{f}.html").read_text(encoding="utf-8")
        bare = re.findall(r'<span class="xref [^"]*">([^<]*)</span>', page)
        assert not bare, f"{f}: unresolved references {bare[:5]}"
        assert "??" not in visible_text(page), f"{f} shows '??' (a reference without a number)"
        leaked = re.findall(r"\{(?:ref|doc|eq|numref|glue:text|glue|prf:ref|cite:\w+|cite)\}`", visible_text(page))
        assert not leaked, f"{f} shows MyST roles as text: {leaked[:3]}"


def test_every_glued_number_is_rendered(built_book, root):
    for f, _, md in page_sources(root):
        wanted = len(re.findall(r"\{glue:text\}`", md))
        page = (built_book["html"] / f"{f}.html").read_text(encoding="utf-8")
        pasted = re.findall(r'<span class="pasted-text">([^<]*)</span>', page)
        assert len(pasted) == wanted, f"{f}: {wanted} {{glue:text}} in the source, {len(pasted)} rendered"
        assert all(p.strip() for p in pasted), f"{f}: an empty glued value"


def test_notebook_pages_have_their_launch_links(built_book, root):
    """Binder, Colab and the JupyterLite site open this chapter of this repository."""
    cfg = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    slug = cfg["repository"]["url"].rstrip("/").split("github.com/", 1)[1]
    branch = cfg["repository"]["branch"]
    for f in toc_files(root):
        if not (root / f"{f}.ipynb").exists():
            continue
        links = set(re.findall(r'href="([^"]+)"', (built_book["html"] / f"{f}.html").read_text(encoding="utf-8")))
        for want in (f"{cfg['launch_buttons']['binderhub_url']}/v2/gh/{slug}/{branch}?urlpath=lab/tree/{f}.ipynb",
                     f"{cfg['launch_buttons']['colab_url']}/github/{slug}/blob/{branch}/{f}.ipynb"):
            assert want in links, f"{f}: no launch link {want}"
        lite = [u for u in links if u.endswith(f"lite/lab/index.html?path={f}.ipynb")]
        assert lite, f"{f}: no JupyterLite launch link"


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
