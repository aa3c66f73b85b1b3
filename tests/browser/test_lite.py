"""The JupyterLite edition: every notebook of book/ runnable in the browser, from the static site.

``tools/build_lite.py`` builds ``_build/html/lite/`` after the book (README command 1;
the ``built_book`` fixture does the same). The first tests read the built site (no
browser): every notebook is there, the package index holds the nmf_teach wheel of this
checkout and the widget packages, the size is within budget, and every chapter's
launch menu has a JupyterLite entry that opens that chapter.

The others open the site in headless Chromium, offline. Pyodide, which the kernel
loads from its CDN, is answered from a local copy: its core from the npm package
``pyodide`` (``npm ci --prefix tests/browser``) and the pure-Python wheels the kernel
boots with, downloaded from PyPI with pip when the tests start (into
``tests/browser/node_modules/.pyodide-wheels``). So they check, with no network: the
app opens a chapter from its launch link with no unexpected console errors, the
kernel boots on the local core, the chapter's first cell installs nmf_teach from the
site's own index, and a live widget renders and follows the kernel. What they cannot
check offline: ``import numpy`` and everything after it (Pyodide's compiled packages
come from the CDN); tests/test_lite_env.py runs every notebook on Pyodide's library
versions under CPython instead.
"""

import json
import posixpath
import re
import sys
import urllib.parse
import zipfile

import pytest

from browser_support import (
    DESKTOP,
    PYODIDE_CDN,
    PYODIDE_DIR,
    ROOT,
    SCREENSHOTS,
    download_pyodide_wheels,
    load_config,
    lite_router,
    missing,
    pyodide_lock,
    pyodide_mirror,
    pyodide_version,
    toc_pages,
)

import booktools

sys.path.insert(0, str(ROOT / "tools"))
import build_lite  # noqa: E402

# Budget of the issue: the Lite site adds at most this much to the website.
MAX_LITE_MB = 30.0
# A guard against a runaway build, not a speed goal (measured: about 8 s; budget 30 s).
MAX_LITE_SECONDS = 120.0
# The kernel boots in 10 to 30 s on a busy 2-core machine (WebAssembly compile and IPython).
KERNEL_BOOT_MS = 240_000

# Console errors of the Lite app that are harmless, as regular expressions, each with the
# reason. (None at present.)
LITE_CONSOLE_ALLOW = {}

# Hosts the Lite app may ask for, with the reason.
LITE_EXTERNAL_ALLOW = {
    "cdn.jsdelivr.net": "Pyodide (core and packages) of jupyterlite-pyodide-kernel; answered locally here",
}

NOTEBOOK_PAGES = [p for p in toc_pages() if (ROOT / f"{p}.ipynb").exists()]


def _notebooks():
    return [p.relative_to(ROOT).as_posix() for p in booktools.book_notebooks(ROOT)]


@pytest.fixture(scope="session")
def lite_dir(built_book):
    lite = built_book["lite"]
    if built_book["returncode"] != 0 and not (built_book["html"] / "index.html").exists():
        pytest.skip("the book build failed, so there is no website to test (test_book.py reports why)")
    assert lite["returncode"] == 0, f"tools/build_lite.py failed:\n{lite['output'][-5000:]}"
    assert (lite["path"] / "index.html").exists(), lite["output"][-3000:]
    return lite["path"]


def _lite_link(page_html):
    """The href of the launch menu's JupyterLite entry in a page of the book."""
    hrefs = re.findall(r'<a href="([^"]*)"[^>]*title="Launch via JupyterLite"', page_html)
    hrefs += re.findall(r'<a href="([^"]*lite/lab/index\.html[^"]*)"', page_html)
    return sorted(set(hrefs))


# --------------------------------------------------------------------------- the built site


def test_lite_build_is_within_budget(built_book, lite_dir):
    lite = built_book["lite"]
    size = sum(p.stat().st_size for p in lite_dir.rglob("*") if p.is_file()) / 1e6
    print(f"JupyterLite site: {size:.1f} MB, built in {lite['seconds']:.1f} s")
    assert size <= MAX_LITE_MB, f"the JupyterLite site is {size:.1f} MB (budget {MAX_LITE_MB} MB)"
    assert lite["seconds"] < MAX_LITE_SECONDS, f"tools/build_lite.py took {lite['seconds']:.0f} s"
    maps = [p.name for p in lite_dir.rglob("*.map")]
    assert not maps, f"source maps in the site (build with --no-sourcemaps): {maps[:5]}"


def test_every_notebook_of_the_book_is_in_the_site(lite_dir):
    notebooks = _notebooks()
    assert notebooks
    absent = [nb for nb in notebooks if not (lite_dir / "files" / nb).is_file()]
    assert not absent, f"notebooks missing from {lite_dir}/files (rebuild: python tools/build_lite.py): {absent}"
    changed = [nb for nb in notebooks
               if json.loads((lite_dir / "files" / nb).read_text(encoding="utf-8"))["cells"]
               != json.loads((ROOT / nb).read_text(encoding="utf-8"))["cells"]]
    assert not changed, f"the site holds older copies of (rebuild: python tools/build_lite.py): {changed}"


def test_site_index_holds_this_checkouts_package_and_what_pyodide_lacks(lite_dir):
    import nmf_teach

    index = json.loads((lite_dir / "pypi" / "all.json").read_text(encoding="utf-8"))
    assert nmf_teach.__version__ in index["nmf-teach"]["releases"], sorted(index["nmf-teach"]["releases"])
    for name in ("ipywidgets", "jupyterlab-widgets", "comm", "dask", "partd", "locket"):
        assert name in index, f"{name} is not in the site's package index: {sorted(index)}"
    (wheel,) = (lite_dir / "pypi").glob("nmf_teach-*.whl")
    with zipfile.ZipFile(wheel) as z:
        in_wheel = {n for n in z.namelist() if n.startswith("nmf_teach/") and n.endswith(".py")}
    in_checkout = {p.relative_to(ROOT).as_posix() for p in (ROOT / "nmf_teach").glob("*.py")}
    assert in_wheel == in_checkout, f"wheel and checkout differ: {sorted(in_wheel ^ in_checkout)}"
    cfg = json.loads((lite_dir / "jupyter-lite.json").read_text(encoding="utf-8"))["jupyter-config-data"]
    urls = cfg["litePluginSettings"]["@jupyterlite/pyodide-kernel-extension:kernel"]["pipliteUrls"]
    assert any(u.split("?")[0] == "./pypi/all.json" for u in urls), urls
    extensions = sorted(e["name"] for e in cfg["federated_extensions"])
    assert extensions == sorted(build_lite.FEDERATED_EXTENSIONS), extensions


def test_first_cell_installs_from_the_site_in_jupyterlite():
    url = load_config()["repository"]["url"].rstrip("/")
    src = booktools.colab_cell_source(url)
    assert 'sys.platform == "emscripten"' in src and "%pip install nmf_teach" in src, src


@pytest.mark.parametrize("name", NOTEBOOK_PAGES)
def test_launch_menu_opens_the_chapter_in_jupyterlite(built_book, lite_dir, name):
    html = (built_book["html"] / f"{name}.html").read_text(encoding="utf-8")
    links = _lite_link(html)
    assert len(links) == 1, f"{name}: JupyterLite launch links {links}"
    href = urllib.parse.urlsplit(links[0])
    assert not href.scheme and not href.path.startswith("/"), f"{name}: not relative to the page: {links[0]}"
    target = posixpath.normpath(posixpath.join(posixpath.dirname(name), href.path))
    assert target == "lite/lab/index.html", f"{name}: the link leads to {target}"
    (path,) = urllib.parse.parse_qs(href.query)["path"]
    assert path == f"{name}.ipynb", f"{name}: the link opens {path}"
    assert (lite_dir / "files" / path).is_file(), f"{name}: {path} is not in the JupyterLite site"


def test_pyodide_mirror_matches_the_kernel(lite_dir):
    """The npm Pyodide the tests serve is the one the site's kernel loads."""
    schema = lite_dir / "extensions" / "@jupyterlite" / "pyodide-kernel-extension" / "static" / "schema"
    default = json.loads((schema / "kernel.v0.schema.json").read_text(encoding="utf-8"))
    m = PYODIDE_CDN.match(default["properties"]["pyodideUrl"]["default"])
    if pyodide_version() is None:
        missing(f"{PYODIDE_DIR.relative_to(ROOT)} is missing (run: npm ci --prefix tests/browser)")
    assert m and m.group(1) == pyodide_version(), (
        f"the kernel loads Pyodide {m and m.group(1)}, tests/browser/package.json pins {pyodide_version()}")


# --------------------------------------------------------------------------- in the browser

_FIND_NB = """(path) => {
  const app = window.jupyterapp;
  if (!app) return null;
  for (const w of app.shell.widgets('main')) {
    if (w.context && w.sessionContext && (!path || w.context.path === path)) return w;
  }
  return null;
}"""

_NB_STATE = "(path) => { const w = (" + _FIND_NB + """)(path);
  if (!w) return null;
  const k = w.sessionContext.session && w.sessionContext.session.kernel;
  return {path: w.context.path, cells: w.content.widgets.length, ready: w.context.isReady,
          kernel: k ? k.status : null, kernelName: w.sessionContext.kernelDisplayName};
}"""

_EXECUTE = "async ([path, code]) => { const w = (" + _FIND_NB + """)(path);
  const k = w.sessionContext.session.kernel;
  const out = {stdout: '', stderr: '', error: null, data: []};
  const f = k.requestExecute({code, store_history: false});
  f.onIOPub = m => {
    const t = m.header.msg_type, c = m.content;
    if (t === 'stream') out[c.name] += c.text;
    else if (t === 'error') out.error = c.ename + ': ' + c.evalue;
    else if (t === 'execute_result' || t === 'display_data') out.data.push(c.data);
  };
  const r = await f.done;
  out.status = r.content.status;
  return out;
}"""

# Add a cell at the end of the open notebook, run it in the notebook (so that its output,
# a widget, is rendered by JupyterLab), and leave it selected.
_RUN_NEW_CELL = "async ([path, code]) => { const w = (" + _FIND_NB + """)(path);
  const app = window.jupyterapp;
  app.shell.activateById(w.id);
  const nb = w.content;
  nb.activeCellIndex = nb.widgets.length - 1;
  await app.commands.execute('notebook:insert-cell-below');
  nb.activeCell.model.sharedModel.setSource(code);
  await app.commands.execute('notebook:run-cell');
  return nb.activeCellIndex;
}"""


@pytest.fixture(scope="session")
def mirror(built_book):
    lock = pyodide_lock()
    if lock is None:
        missing(f"{PYODIDE_DIR.relative_to(ROOT)} is missing (run: npm ci --prefix tests/browser)")
    absent = download_pyodide_wheels(lock)
    if absent:
        missing(f"Pyodide's boot wheels could not be downloaded from PyPI with pip: {absent}")
    return pyodide_mirror(lock)


@pytest.fixture(scope="session")
def first_chapter():
    if not NOTEBOOK_PAGES:
        pytest.skip("no notebook in _toc.yml")
    return NOTEBOOK_PAGES[0]


@pytest.fixture(scope="session")
def lite(browser, new_page, site, lite_dir, mirror, first_chapter):
    """The Lite app, opened from the first chapter's launch link, its kernel booted offline.

    One context (service workers allowed, as in a reader's browser) for all the tests below;
    ``rec`` holds its console errors, the other-host URLs asked for, the CDN files served
    from the mirror and the site's URLs fetched (the kernel's worker included).
    """
    chapter = new_page(DESKTOP)
    try:
        chapter.goto(f"{site}/{first_chapter}.html", wait_until="domcontentloaded")
        href = chapter.locator("a", has_text="JupyterLite").first.get_attribute("href")
        url = urllib.parse.urljoin(chapter.url, href)
    finally:
        chapter.context.close()
    ctx = browser.new_context(viewport=DESKTOP, service_workers="allow")
    rec = {"console_errors": [], "external": [], "served": [], "requests": []}
    ctx.route(re.compile("^(?!" + re.escape(site) + "/)"), lite_router(site, rec["external"], mirror, rec["served"]))
    ctx.on("request", lambda r: rec["requests"].append(r.url))
    page = ctx.new_page()
    page.on("console", lambda m: m.type == "error" and rec["console_errors"].append(m.text))
    page.on("pageerror", lambda e: rec["console_errors"].append(f"uncaught: {e}"))
    try:
        page.goto(url, wait_until="load")
        nb = f"{first_chapter}.ipynb"
        page.wait_for_function(f"(p) => !!({_FIND_NB})(p)", arg=nb, timeout=60_000)
        page.wait_for_function(f"(p) => {{ const s = ({_NB_STATE})(p); return s && s.kernel === 'idle'; }}",
                               arg=nb, timeout=KERNEL_BOOT_MS)
    except Exception:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "lite-failed.png"))
        ctx.close()
        raise
    yield {"page": page, "url": url, "notebook": nb, "rec": rec, "site": site}
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "lite-desktop.png"))
    ctx.close()


def _run(lite, code):
    out = lite["page"].evaluate(_EXECUTE, [lite["notebook"], code])
    assert out["status"] == "ok" and not out["error"], f"{code!r} failed: {out['error']}\n{out['stderr']}"
    return out


def test_lite_opens_the_chapter_of_the_launch_link(lite, site):
    state = lite["page"].evaluate(_NB_STATE, lite["notebook"])
    assert lite["url"].startswith(f"{site}/lite/lab/index.html?path="), lite["url"]
    nb = json.loads((ROOT / lite["notebook"]).read_text(encoding="utf-8"))
    assert state["path"] == lite["notebook"] and state["cells"] == len(nb["cells"]), state
    assert "Pyodide" in state["kernelName"], state


def test_kernel_boots_on_the_local_pyodide_core(lite, mirror):
    out = _run(lite, "import sys, platform; print(sys.platform, platform.python_version())")
    python = json.loads(mirror["lock"])["info"]["python"]
    assert out["stdout"].split() == ["emscripten", python], out
    for core in ("pyodide.mjs", "pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json"):
        assert core in lite["rec"]["served"], f"{core} was not loaded from the local mirror: {lite['rec']['served']}"


def test_first_cell_installs_nmf_teach_from_the_sites_index(lite):
    import nmf_teach

    nb = json.loads((ROOT / lite["notebook"]).read_text(encoding="utf-8"))
    cell = "".join(nb["cells"][0]["source"])  # the chapter's own first cell, as the reader runs it
    # NumPy, SciPy, Matplotlib and scikit-learn, which nmf_teach needs, come from Pyodide's CDN:
    # offline, the package alone (--no-deps), from the same line of the same cell
    assert "%pip install nmf_teach" in cell
    _run(lite, cell.replace("%pip install nmf_teach", "%pip install --no-deps nmf_teach"))
    out = _run(lite, "import importlib.metadata as md\n"
                     "print(md.version('nmf_teach'))\n"
                     "print(sorted(str(f) for f in md.files('nmf_teach') if str(f).endswith('.py')))")
    version, files = out["stdout"].splitlines()
    assert version == nmf_teach.__version__
    in_checkout = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "nmf_teach").glob("*.py"))
    assert eval(files) == in_checkout  # the list printed above
    wheel = f"{lite['site']}/lite/pypi/nmf_teach-{nmf_teach.__version__}-py3-none-any.whl"
    assert any(u.startswith(wheel) for u in lite["rec"]["requests"]), "the wheel did not come from the site's index"


def test_live_widget_renders_and_follows_the_kernel(lite):
    page = lite["page"]
    _run(lite, "%pip install --no-deps ipywidgets jupyterlab_widgets")
    page.evaluate(_RUN_NEW_CELL, [lite["notebook"], "import ipywidgets\n"
                                  "slider = ipywidgets.IntSlider(value=3, min=1, max=9, description='k')\n"
                                  "slider"])
    readout = page.locator(".jp-Notebook .jp-OutputArea .widget-readout").last
    readout.wait_for(state="visible", timeout=30_000)
    assert readout.inner_text().strip() == "3"
    _run(lite, "slider.value = 7")
    page.wait_for_function("(el) => el.textContent.trim() === '7'", arg=readout.element_handle(), timeout=10_000)
    label = page.locator(".jp-Notebook .jp-OutputArea .widget-slider .widget-label").last.inner_text()
    assert label.strip() == "k"


def test_lite_console_has_no_unexpected_errors(lite):
    bad = [e for e in lite["rec"]["console_errors"]
           if not any(re.fullmatch(pat, e, re.S) for pat in LITE_CONSOLE_ALLOW)]
    assert not bad, "console errors in JupyterLite:\n" + "\n".join(bad)


def test_lite_asks_other_sites_only_for_pyodide(lite, mirror):
    hosts = {urllib.parse.urlparse(u).hostname for u in lite["rec"]["external"]}
    assert hosts <= set(LITE_EXTERNAL_ALLOW), f"other hosts asked for: {sorted(hosts - set(LITE_EXTERNAL_ALLOW))}"
    other = [u for u in lite["rec"]["external"] if not PYODIDE_CDN.match(u)]
    assert not other, f"requests to other hosts that are not Pyodide: {other}"
    unserved = [u for u in lite["rec"]["external"] if PYODIDE_CDN.match(u).group(2) not in lite["rec"]["served"]]
    assert not unserved, f"Pyodide files the kernel asked for that the mirror lacks: {unserved}"
