"""A widget chapter executes headless while another process keeps a core busy.

With ``ipywidgets.interactive`` (an Output widget that captures the figure and
clears itself) executing ``book/09_pizza.ipynb`` through nbclient on a busy
2-core machine took 607 s instead of 7 s, or killed the kernel: a race between
the Output widget's messages and the headless client (jupyter/nbclient#312).
:func:`nmf_teach.widgets.interact` now shows an Image widget instead.
"""

import subprocess
import sys

import nbformat
from nbclient import NotebookClient

WIDGET_CHAPTER = "book/09_pizza.ipynb"


def test_widget_chapter_runs_while_a_core_is_busy(root, tmp_path):
    nb = nbformat.read(root / WIDGET_CHAPTER, as_version=4)
    assert any("nt.widgets.interact(" in c.source for c in nb.cells if c.cell_type == "code")
    busy = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        # a generous per-cell limit: the chapter takes seconds; the hang took minutes or never ended
        NotebookClient(nb, timeout=120, kernel_name="python3",
                       resources={"metadata": {"path": str(tmp_path)}}).execute()
    finally:
        busy.kill()
        busy.wait()
    widget_cells = [c for c in nb.cells if c.cell_type == "code" and "nt.widgets.interact(" in c.source]
    for c in widget_cells:
        assert not [o for o in c.outputs if o.output_type == "error"]
        assert any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in c.outputs)
