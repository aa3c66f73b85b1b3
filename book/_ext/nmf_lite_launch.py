"""The launch menu's JupyterLite entry, made relative to each page (registered in _config.yml).

sphinx-book-theme 1.3 writes ``launch_buttons.jupyterlite_url`` into every page as
given, followed by ``?path=<the notebook, relative to the repository root>``. The
book's JupyterLite site is built by ``tools/build_lite.py`` into ``lite/`` beside
the HTML, so ``jupyterlite_url`` is a path from the root of the website
(``lite/lab/index.html``). A page in ``book/labs/`` needs ``../../lite/...`` where a
page in ``book/`` needs ``../lite/...``: this handler, which runs after the theme's
(priority 501), turns the root-relative path into one relative to the page, so the
entry works wherever the website is published and when it is opened from disk.
Absolute URLs (``https://...``, ``/...``) are left as they are.
"""

from urllib.parse import urlsplit

LITE_TEXT = "JupyterLite"


def _relative_lite_link(app, pagename, templatename, context, doctree):
    pathto = context.get("pathto")
    if pathto is None:
        return
    for group in context.get("header_buttons", []):
        if group.get("label") != "launch-buttons":
            continue
        for button in group.get("buttons", []):
            if button.get("text") != LITE_TEXT or "url" not in button:
                continue
            base, sep, query = button["url"].partition("?")
            if urlsplit(base).scheme or base.startswith("/"):
                continue
            button["url"] = pathto(base, 1) + sep + query


def setup(app):
    app.connect("html-page-context", _relative_lite_link, priority=502)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
