"""The website as readers meet it: every page of _toc.yml in a headless Chromium.

Each page is visited once at desktop size (1280x800) and once at phone size
(390x844); what is seen is recorded, screenshots go to ``_build/screenshots/``,
and the tests below check the record, one test per page and concern.
"""

import re
import urllib.parse

import pytest

from browser_support import AXE_JS, DESKTOP, PHONE, ROOT, SCREENSHOTS, load_config, toc_pages

PAGES = toc_pages()

# Console errors that are harmless, each with the reason. Matched as whole messages.
# (None at present: the duplicate THEBE_JS_URL script is removed by book/_ext/nmf_sphinx_fixes.py,
# the empty first-visit theme mode by html_context.default_mode in _config.yml.)
CONSOLE_ALLOW = {}

# axe-core violations in markup of the theme or of Sphinx that config/CSS/JS cannot change:
# (rule id, regex on the element's opening tag) -> reason. Only critical and serious
# violations are checked; axe's CSS selectors are unstable, so the tag is matched.
# (None at present: book/_static/nmf-book.js names the theme's search and colour-mode
# buttons after their visible text, book/_ext/nmf_sphinx_fixes.py makes the bibliography
# entries role=listitem.)
AXE_ALLOW = {}

# Hosts a page may ask for (answered locally or stubbed by the tests), with the reason.
EXTERNAL_ALLOW = {
    "cdn.jsdelivr.net": "MathJax 3 (mathjax_path in _config.yml); answered from node_modules in the tests",
    "maxcdn.bootstrapcdn.com": "Font Awesome 4 icons of matplotlib's to_jshtml scrubber buttons",
}

PHONE_TOLERANCE_PX = 2

_COLLECT_JS = r"""
() => {
  const art = document.querySelector('article.bd-article') || document.body;
  const skip = 'pre, code, script, style, textarea, mjx-container, .highlight, .MathJax';
  let text = '';
  const walker = document.createTreeWalker(art, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const n = walker.currentNode;
    if (n.parentElement && !n.parentElement.closest(skip)) text += n.nodeValue + ' ';
  }
  const rawTex = [];
  for (const pat of [/\\\(/, /\\\)/, /\\\[/, /\\\]/, /\$\$/, /\\begin\{/, /\$\\[a-zA-Z]+/]) {
    const m = text.match(pat);
    if (m) rawTex.push(text.slice(Math.max(0, m.index - 40), m.index + 40));
  }
  const imgs = Array.from(document.querySelectorAll('img')).map(img => ({
    src: (img.getAttribute('src') || '').slice(0, 80),
    alt: img.getAttribute('alt'),
    output: !!img.closest('.cell_output, .nmf-scrubber'),
  }));
  const widgets = Array.from(document.querySelectorAll(
      '.jupyter-widgets, .widget-area, .jupyter-widgets-view, ' +
      'script[type="application/vnd.jupyter.widget-view+json"]'))
    .map(e => e.tagName.toLowerCase() + '.' + (e.className || e.getAttribute('type')));
  const hrefs = sel => Array.from(document.querySelectorAll(sel)).map(a => a.href);
  const thebeConfigs = Array.from(document.querySelectorAll('script:not([src])'))
    .map(s => s.textContent.trim()).filter(t => t.includes('THEBE_JS_URL ='));
  return {
    title: document.title,
    mathSource: art.querySelectorAll('.math').length,
    mjx: document.querySelectorAll('mjx-container').length,
    mjxErrors: Array.from(document.querySelectorAll('mjx-merror')).map(e => e.getAttribute('data-mjx-error') || e.textContent),
    rawTex, imgs, widgets,
    solutions: document.querySelectorAll('.solution.dropdown, details.solution').length,
    scrubbers: document.querySelectorAll('.nmf-scrubber').length,
    launch: hrefs('.dropdown-launch-buttons a'),
    thebe: document.querySelectorAll('.btn-launch-thebe').length,
    thebeConfig: (document.querySelector('script[type="text/x-thebe-config"]') || {}).textContent || '',
    download: hrefs('a.btn-download-source-button'),
    repoButton: hrefs('a.btn-source-repository-button'),
    thebeConfigs,
    audios: Array.from(document.querySelectorAll('audio')).map(a => {
      const src = a.getAttribute('src') || ((a.querySelector('source') || {}).getAttribute ? a.querySelector('source').getAttribute('src') : '') || '';
      const fig = a.closest('figure');
      const caption = fig && fig.querySelector('figcaption') ? fig.querySelector('figcaption').textContent.trim() : '';
      return {data: src.startsWith('data:audio/'), bytes: src.length, label: (a.getAttribute('aria-label') || '').trim(),
              caption, controls: a.hasAttribute('controls')};
    }),
  };
}
"""

# Corner pixels of every output figure: opaque (alpha 255) means readable on a dark page.
_OPAQUE_JS = r"""
() => Array.from(document.querySelectorAll('.cell_output img, .nmf-scrubber img')).map(img => {
  const c = document.createElement('canvas');
  const w = img.naturalWidth, h = img.naturalHeight;
  if (!w || !h) return {src: img.src.slice(0, 60), alpha: null};
  c.width = w; c.height = h;
  const g = c.getContext('2d');
  g.drawImage(img, 0, 0);
  const corners = [[0, 0], [w - 1, 0], [0, h - 1], [w - 1, h - 1]];
  const alpha = Math.min(...corners.map(([x, y]) => g.getImageData(x, y, 1, 1).data[3]));
  return {src: (img.getAttribute('src') || '').slice(0, 60), alpha};
})
"""

_OVERFLOW_JS = r"""
(tol) => {
  const vw = document.documentElement.clientWidth;
  const scrolls = e => { for (let p = e.parentElement; p && p !== document.body; p = p.parentElement) {
      const ox = getComputedStyle(p).overflowX;
      if ((ox === 'auto' || ox === 'scroll') && p.clientWidth <= vw) return true; }
    return false; };
  const wide = [];
  const art = document.querySelector('article.bd-article');
  if (art) for (const e of art.querySelectorAll('*')) {
    const r = e.getBoundingClientRect();
    if (r.width === 0 || r.right <= vw + tol) continue;
    if (e.closest('mjx-assistive-mml')) continue;  // visually hidden MathML for screen readers
    if (scrolls(e)) continue;
    wide.push(e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
              (typeof e.className === 'string' && e.className ? '.' + e.className.trim().split(/\s+/).join('.') : '') +
              ' right=' + Math.round(r.right));
    if (wide.length >= 8) break;
  }
  // figures must fit whole, even inside a scrollable output block
  const figs = Array.from(document.querySelectorAll('.cell_output img, .nmf-scrubber img'))
    .filter(i => i.getBoundingClientRect().right > vw + tol)
    .map(i => (i.getAttribute('alt') || i.getAttribute('src') || '').slice(0, 60) +
              ' right=' + Math.round(i.getBoundingClientRect().right));
  return {vw, scrollWidth: document.documentElement.scrollWidth, wide, figs};
}
"""

_AXE_RUN_JS = r"""
() => axe.run(document, {resultTypes: ['violations']}).then(r => r.violations.map(v => ({
  id: v.id, impact: v.impact, help: v.help,
  nodes: v.nodes.map(n => n.html.split('>')[0] + '>'),
})))
"""


def _shot_name(name, kind):
    return SCREENSHOTS / f"{name.replace('/', '__')}-{kind}.png"


def _wait_for_math(page):
    if page.locator(".math").count() == 0:
        return
    page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise",
                           timeout=15000)
    page.evaluate("() => MathJax.startup.promise.then(() => true)")


def _check_dropdowns(page):
    """Each solution dropdown: closed at first, open after one click on its toggle."""
    results = []
    for i, box in enumerate(page.locator(".solution.dropdown, details.solution").all()):
        box.scroll_into_view_if_needed()
        if box.evaluate("e => e.tagName") == "DETAILS":
            closed = not box.evaluate("e => e.open")
            box.locator("summary").first.click()
            opened = box.evaluate("e => e.open")
        else:
            body = box.locator(":scope > :not(.admonition-title)").first
            closed = "toggle-hidden" in (box.get_attribute("class") or "") and not body.is_visible()
            box.locator("button.toggle-button").first.click()
            page.wait_for_timeout(50)
            opened = "toggle-hidden" not in (box.get_attribute("class") or "") and body.is_visible()
        label = box.locator(".admonition-title, summary").first.inner_text().strip() or f"dropdown {i}"
        results.append({"label": label, "closed_at_first": closed, "opens_on_click": opened})
    return results


def _check_scrubbers(page):
    """Each scrubber: the frame (img src) changes with the slider and with 'Next frame'."""
    results = []
    for i, s in enumerate(page.locator(".nmf-scrubber").all()):
        s.scroll_into_view_if_needed()
        img = s.locator("img").first
        slider = s.locator("input[type=range]").first
        src0 = img.get_attribute("src") or ""
        slider.focus()
        page.keyboard.press("ArrowRight")
        src1 = img.get_attribute("src") or ""
        s.get_by_role("button", name="Next frame").click()
        src2 = img.get_attribute("src") or ""
        results.append({"index": i, "frames": int(slider.get_attribute("max") or 0) + 1,
                        "starts_with_frame": src0.startswith("data:image"),
                        "slider_changes_frame": bool(src0) and src1 != src0,
                        "next_changes_frame": bool(src1) and src2 != src1})
    return results


def _visit(new_page, site, name):
    rec = {"name": name}
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    url = f"{site}/{name}.html"

    page = new_page(DESKTOP)
    try:
        resp = page.goto(url, wait_until="load")
        rec["status"] = resp.status if resp else None
        _wait_for_math(page)
        page.wait_for_timeout(150)  # togglebutton and the scrubbers initialise on load
        rec.update(page.evaluate(_COLLECT_JS))
        rec["opaque"] = page.evaluate(_OPAQUE_JS)
        page.add_script_tag(path=str(AXE_JS))
        rec["axe"] = page.evaluate(_AXE_RUN_JS)
        page.screenshot(path=str(_shot_name(name, "desktop")))
        rec["dropdowns"] = _check_dropdowns(page)
        rec["scrubber_checks"] = _check_scrubbers(page)
        # dark mode, as the theme's switch sets it; scrolled to the first figure if any
        page.evaluate("() => { document.documentElement.dataset.mode = 'dark';"
                      " document.documentElement.dataset.theme = 'dark'; }")
        fig = page.locator(".cell_output img, .nmf-scrubber img")
        if fig.count():
            fig.first.scroll_into_view_if_needed()
        else:
            page.evaluate("() => window.scrollTo(0, 0)")
        page.wait_for_timeout(100)
        page.screenshot(path=str(_shot_name(name, "dark")))
        # phone width: the same page (MathJax already typeset), light again, solutions open
        page.evaluate("() => { document.documentElement.dataset.mode = 'light';"
                      " document.documentElement.dataset.theme = 'light'; window.scrollTo(0, 0); }")
        page.set_viewport_size(PHONE)
        page.wait_for_timeout(300)
        rec["phone"] = page.evaluate(_OVERFLOW_JS, PHONE_TOLERANCE_PX)
        page.screenshot(path=str(_shot_name(name, "phone")), full_page=True)
        rec["console_errors"] = list(page.console_errors)
        rec["external"] = list(page.external)
    finally:
        page.context.close()
    return rec


@pytest.fixture(scope="session")
def visited(new_page, site):
    cache = {}

    def get(name):
        # a visit that fails is not retried by every later test of the page
        if name not in cache:
            try:
                cache[name] = _visit(new_page, site, name)
            except Exception as exc:
                cache[name] = exc
                raise
        if isinstance(cache[name], Exception):
            pytest.fail(f"visiting {name} failed: {cache[name]!r}", pytrace=False)
        return cache[name]

    return get


@pytest.fixture(scope="session")
def repo():
    cfg = load_config()
    r = cfg["repository"]
    url = r["url"].rstrip("/")
    owner_repo = urllib.parse.urlparse(url).path.strip("/")
    return {"url": url, "owner_repo": owner_repo, "branch": r.get("branch", "main"),
            "path_to_book": (r.get("path_to_book") or "").strip("/"), "launch": cfg["launch_buttons"]}


def _is_notebook(name):
    return (ROOT / f"{name}.ipynb").exists()


# --------------------------------------------------------------------------- tests


@pytest.mark.parametrize("name", PAGES)
def test_page_loads_without_console_errors(visited, name):
    rec = visited(name)
    assert rec["status"] == 200, f"{name}: HTTP {rec['status']}"
    bad = [e for e in rec["console_errors"] if e not in CONSOLE_ALLOW]
    assert not bad, f"{name}: console errors:\n" + "\n".join(bad)


@pytest.mark.parametrize("name", PAGES)
def test_page_loads_nothing_unexpected_from_other_sites(visited, name):
    hosts = {urllib.parse.urlparse(u).hostname for u in visited(name)["external"]}
    unexpected = sorted(h for h in hosts if h not in EXTERNAL_ALLOW)
    assert not unexpected, f"{name} asks other sites for: {unexpected}"


@pytest.mark.parametrize("name", PAGES)
def test_thebe_config_script_written_once(visited, name):
    # sphinx-thebe's config script under Sphinx 7.4 came twice (book/_ext/nmf_sphinx_fixes.py)
    configs = visited(name)["thebeConfigs"]
    assert len(configs) == 1, f"{name}: {len(configs)} thebe config scripts: {configs}"


@pytest.mark.parametrize("name", PAGES)
def test_math_is_rendered(visited, name):
    rec = visited(name)
    if rec["mathSource"]:
        assert rec["mjx"] >= rec["mathSource"], (
            f"{name}: {rec['mathSource']} math elements but only {rec['mjx']} rendered by MathJax")
    assert not rec["mjxErrors"], f"{name}: MathJax errors: {rec['mjxErrors']}"
    assert not rec["rawTex"], f"{name}: raw TeX left in the visible text: {rec['rawTex']}"


_PATHLIKE = re.compile(r"^\S*[/\\]\S*$|^\S+\.(png|jpe?g|gif|svg|webp)$", re.I)


@pytest.mark.parametrize("name", PAGES)
def test_images_have_alt_text(visited, name):
    bad = []
    for img in visited(name)["imgs"]:
        alt = (img["alt"] or "").strip()
        if not alt or _PATHLIKE.match(alt):
            bad.append(f"img src={img['src']!r} alt={img['alt']!r}")
    assert not bad, (f"{name}: images without real alt text (set it with booktools.code(..., alt=...), "
                     "i.e. cell metadata mystnb.image.alt):\n" + "\n".join(bad))


@pytest.mark.parametrize("name", PAGES)
def test_no_dead_widgets(visited, name):
    widgets = visited(name)["widgets"]
    assert not widgets, (f"{name} shows ipywidgets that need a kernel (tag the nt.widgets.interact cell "
                         f"remove-output and add an nt.widgets.scrubber): {widgets}")


@pytest.mark.parametrize("name", PAGES)
def test_output_figures_are_opaque(visited, name):
    bad = [f"{o['src']} (corner alpha {o['alpha']})" for o in visited(name)["opaque"] if o["alpha"] != 255]
    assert not bad, f"{name}: figures with transparent backgrounds (unreadable in dark mode): {bad}"


@pytest.mark.parametrize("name", PAGES)
def test_solution_dropdowns_start_closed_and_open_on_click(visited, name):
    rec = visited(name)
    assert len(rec["dropdowns"]) == rec["solutions"]
    bad = [d for d in rec["dropdowns"] if not (d["closed_at_first"] and d["opens_on_click"])]
    assert not bad, f"{name}: solution dropdowns that are open at first or do not open: {bad}"


@pytest.mark.parametrize("name", PAGES)
def test_scrubbers_change_frame(visited, name):
    rec = visited(name)
    assert len(rec["scrubber_checks"]) == rec["scrubbers"]
    bad = [s for s in rec["scrubber_checks"]
           if not (s["frames"] > 1 and s["starts_with_frame"] and s["slider_changes_frame"]
                   and s["next_changes_frame"])]
    assert not bad, f"{name}: scrubbers whose frame does not change: {bad}"


@pytest.mark.parametrize("name", PAGES)
def test_launch_and_download_buttons(visited, repo, site, name):
    rec = visited(name)
    assert rec["repoButton"] == [repo["url"]], f"{name}: repository button {rec['repoButton']}"
    if not _is_notebook(name):
        return
    nb = f"{repo['path_to_book'] + '/' if repo['path_to_book'] else ''}{name}.ipynb"
    hub = repo["launch"]["binderhub_url"].rstrip("/")
    colab = repo["launch"]["colab_url"].rstrip("/")
    expected = [
        f"{hub}/v2/gh/{repo['owner_repo']}/{repo['branch']}?urlpath=lab/tree/{nb}",
        f"{colab}/github/{repo['owner_repo']}/blob/{repo['branch']}/{nb}",
    ]
    if repo["launch"].get("jupyterlite_url"):
        # the book's own JupyterLite site; the link is relative to the page in the HTML
        # (book/_ext/nmf_lite_launch.py), a.href gives it resolved
        expected.append(f"{site}/{repo['launch']['jupyterlite_url']}?path={nb}")
    assert sorted(rec["launch"]) == sorted(expected), f"{name}: launch links {rec['launch']}"
    assert rec["thebe"] == 1, f"{name}: no Live Code (Thebe) button"
    assert f'repo: "{repo["owner_repo"]}"' in rec["thebeConfig"], rec["thebeConfig"]
    assert len(rec["download"]) == 1 and rec["download"][0].endswith(f"/_sources/{name}.ipynb"), rec["download"]


@pytest.mark.parametrize("name", [p for p in PAGES if _is_notebook(p)])
def test_download_link_serves_the_notebook(visited, site, name):
    import json
    import urllib.request

    (href,) = visited(name)["download"]
    with urllib.request.urlopen(href, timeout=10) as r:
        nb = json.loads(r.read().decode("utf-8"))
    assert nb["cells"], f"{href} is an empty notebook"


def _axe_allowed(rule, tag):
    return any(rule == r and re.search(pattern, tag) for (r, pattern) in AXE_ALLOW)


@pytest.mark.parametrize("name", PAGES)
def test_accessibility_no_serious_violations(visited, name):
    bad = []
    for v in visited(name)["axe"]:
        if v["impact"] not in ("critical", "serious"):
            continue
        nodes = [n for n in v["nodes"] if not _axe_allowed(v["id"], n)]
        if nodes:
            bad.append(f"[{v['impact']}] {v['id']}: {v['help']} at {nodes[:5]}")
    assert not bad, f"{name}: axe-core violations:\n" + "\n".join(bad)


@pytest.mark.parametrize("name", PAGES)
def test_phone_width_has_no_horizontal_overflow(visited, name):
    ph = visited(name)["phone"]
    assert ph["scrollWidth"] <= PHONE["width"] + PHONE_TOLERANCE_PX and not ph["wide"], (
        f"{name} at {PHONE['width']} px: page {ph['scrollWidth']} px wide; elements sticking out "
        f"(outside any scrollable block): {ph['wide']}")
    assert not ph["figs"], f"{name} at {PHONE['width']} px: figures wider than the screen: {ph['figs']}"


@pytest.mark.parametrize("name", PAGES)
def test_screenshots_saved(visited, name):
    visited(name)
    for kind in ("desktop", "dark", "phone"):
        assert _shot_name(name, kind).stat().st_size > 1000


AUDIO_PAGES = {"book/19_sound": 5}  # page -> at least this many players (the mixture and each component)


@pytest.mark.parametrize("name", PAGES)
def test_audio_players_have_their_sound_and_a_label(visited, name):
    """Sound plays on the static site without a kernel: an embedded WAV, controls, a visible label."""
    audios = visited(name)["audios"]
    assert len(audios) >= AUDIO_PAGES.get(name, 0), f"{name}: {len(audios)} audio players"
    for a in audios:
        assert a["data"] and a["bytes"] > 1000, f"{name}: an audio player without its embedded sound: {a}"
        assert a["controls"], f"{name}: an audio player without controls"
        assert a["label"] and a["caption"], f"{name}: an audio player without an accessible name and caption: {a}"
