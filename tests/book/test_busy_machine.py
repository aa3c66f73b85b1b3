"""A widget chapter executes headless while another process keeps a core busy.

With ``ipywidgets.interactive`` (an Output widget that captures the figure and
clears itself) executing ``book/09_pizza.ipynb`` through nbclient on a busy
2-core machine took 607 s instead of 7 s, or killed the kernel: a race between
the Output widget's messages and the headless client (jupyter/nbclient#312).
:func:`nmf_teach.widgets.interact` now shows an Image widget instead.

The execution checked here is the book build's own execution of the chapter, not an
extra one: before building, the ``built_book`` fixture executes the chapter as the
build would (the same notebook, solutions included, through nbclient, from a
temporary directory) with a busy-loop process running, and stores it in the build's
jupyter-cache; the build then uses that cached execution, which these tests check
from its output.
"""

import re


WIDGET_CHAPTER = "book/09_pizza.ipynb"


def test_widget_chapter_ran_while_a_core_was_busy(built_book):
    busy = built_book["busy"]
    assert busy["notebook"] == WIDGET_CHAPTER
    assert busy["error"] is None, f"{WIDGET_CHAPTER} failed with a core busy:\n{busy['error'][-3000:]}"


def cached_execution(built_book):
    """The execution of the chapter the build used: the jupyter-cache record its output names."""
    from jupyter_cache import get_cache

    # myst-nb prints "<path>: Using cached notebook: ID=<n>" for a cache hit, "Executed notebook" otherwise
    m = re.search(re.escape(WIDGET_CHAPTER) + r": Using cached notebook: ID=(\d+)", built_book["output"])
    assert m, (f"the build executed {WIDGET_CHAPTER} again instead of using the busy-machine execution "
               "(the notebook the fixture stored differs from the one the build executes?)")
    return get_cache(str(built_book["cache"])).get_cache_bundle(int(m.group(1))).nb


def test_the_build_used_that_execution_and_its_widgets_rendered(built_book):
    # the executed copy in _build/jupyter_execute has no outputs for remove-output cells; the cache has them
    nb = cached_execution(built_book)
    widget_cells = [c for c in nb.cells if c.cell_type == "code" and "nt.widgets.interact(" in c.source]
    assert widget_cells
    for c in widget_cells:
        assert not [o for o in c.outputs if o.output_type == "error"]
        assert any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in c.outputs), (
            f"a widget cell of {WIDGET_CHAPTER} shows no widget: {c.source[-80:]!r}")
