"""Fixtures of the browser tests: the built site served locally, one headless Chromium.

Nothing here touches the network. The site is served from ``_build/html`` on
127.0.0.1; MathJax, which the pages load from a CDN, is answered from the local
copy in ``tests/browser/node_modules`` (``npm ci --prefix tests/browser``), and
every other request to another host gets an empty answer and is recorded.

Without Chromium or the npm assets the tests are skipped, saying what is
missing; under CI (``CI=true``) that is a failure instead.
"""

import functools
import http.server
import re
import threading

import pytest

from browser_support import AXE_JS, CHROMIUM_ARGS, DESKTOP, MATHJAX_DIR, ROOT, chromium_path, missing, offline_router


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def site(built_book):
    """Base URL of the built website, served from a background thread."""
    if built_book["returncode"] != 0 or not (built_book["html"] / "index.html").exists():
        pytest.skip("the book build failed, so there is no website to test (test_book.py reports why)")
    handler = functools.partial(_QuietHandler, directory=str(built_book["html"]))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole session."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("the Python package playwright is not installed (pip install -r requirements.txt)")
    exe = chromium_path()
    if exe is None:
        missing("Chromium is not installed (Debian: apt-get install chromium)")
    for asset in (MATHJAX_DIR / "tex-mml-chtml.js", AXE_JS):
        if not asset.exists():
            missing(f"{asset.relative_to(ROOT)} is missing (run: npm ci --prefix tests/browser)")
    pw = sync_playwright().start()
    try:
        b = pw.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
    except Exception as exc:  # pragma: no cover - depends on the machine
        pw.stop()
        missing(f"Chromium at {exe} does not start: {exc}")
    try:
        yield b
    finally:
        b.close()
        pw.stop()


@pytest.fixture(scope="session")
def new_page(browser, site):
    """Factory: a fresh offline page (in its own context) of the given viewport size.

    The caller closes it with ``page.context.close()``. ``page.external`` lists the
    other-host URLs it asked for, ``page.console_errors`` its console errors.
    """

    def make(viewport=DESKTOP):
        ctx = browser.new_context(viewport=viewport, service_workers="block")
        page = ctx.new_page()
        page.external = []
        page.console_errors = []
        # only requests to other hosts go through Python (the local site is fast)
        page.route(re.compile("^(?!" + re.escape(site) + "/)"), offline_router(site, page.external))
        page.on("console", lambda m: m.type == "error" and page.console_errors.append(m.text))
        page.on("pageerror", lambda e: page.console_errors.append(f"uncaught: {e}"))
        return page

    return make
