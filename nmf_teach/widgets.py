"""Interactive figures in two forms, both drawn by one pure plotting function.

A *pure plotting function* has the signature ``draw(fig, **params)``: it clears
``fig`` and draws the figure for those parameter values, nothing else.

- :func:`interact` wraps it in ipywidgets controls. That needs a live kernel
  (Jupyter, Binder, Colab); on the static website a widget would be a dead
  control, so chapters tag that cell ``remove-output``.
- :func:`scrubber` renders it once per value of one parameter into a
  self-contained HTML frame scrubber (matplotlib's ``to_jshtml``) that works on
  the website without a kernel.

Explained in the introduction (*How to use this book*).
"""

from __future__ import annotations

import html
import re

import numpy as np

__all__ = ["scrubber", "interact", "render_png", "frame_count"]


def scrubber(draw, param, values, *, figsize=(8, 3.5), dpi=72, interval=600, alt=None, **fixed):
    """A kernel-free frame scrubber: one frame of ``draw`` per value of ``param``.

    Parameters
    ----------
    draw : callable
        The pure plotting function ``draw(fig, **params)``.
    param : str
        The name of the parameter the slider moves through.
    values : sequence
        The values of ``param``, one frame each (keep it to a few dozen: every
        frame is embedded in the page as a PNG).
    figsize : tuple of float, default=(8, 3.5)
    dpi : int, default=72
    interval : int, default=600
        Milliseconds between frames when playing.
    alt : str, optional
        Alt text for the frames; a description built from ``param`` and
        ``values`` by default.
    **fixed
        The other parameters of ``draw``, held fixed.

    Returns
    -------
    IPython.display.HTML
        The scrubber. Its ``.data`` is the HTML text.

    Raises
    ------
    TypeError
        If ``draw`` is not callable or ``param`` is not a string.
    ValueError
        If ``values`` is empty.

    Notes
    -----
    Used in every chapter with an interactive figure, first in *Why NMF*.
    The widget pattern (a pure ``draw(fig, **params)`` wrapped by :func:`interact`
    live and by :func:`scrubber` without a kernel) is introduced there.
    """
    import matplotlib.pyplot as plt
    from IPython.display import HTML
    from matplotlib.animation import FuncAnimation

    if not callable(draw):
        raise TypeError(f"draw must be a plotting function draw(fig, **params), got {type(draw).__name__}.")
    if not isinstance(param, str):
        raise TypeError(f"param must be the name of a parameter of draw, got {param!r}.")
    values = list(values)
    if not values:
        raise ValueError("values is empty; the scrubber needs at least one frame.")
    fig = plt.figure(figsize=figsize, dpi=dpi)

    def frame(i):
        draw(fig, **{param: values[i]}, **fixed)
        return []

    try:
        anim = FuncAnimation(fig, frame, frames=len(values), interval=interval, blit=False)
        text = anim.to_jshtml(default_mode="once")
    finally:
        plt.close(fig)
    if alt is None:
        alt = f"Figure for {param} = {values[0]}, ... , {values[-1]} ({len(values)} frames); use the slider below."
    label = html.escape(f"Choose {param}: {len(values)} values from {values[0]} to {values[-1]}", quote=True)
    text = text.replace('<img id="_anim_img', f'<img alt="{html.escape(alt, quote=True)}" id="_anim_img', 1)
    text = text.replace('type="range" class="anim-slider"', f'type="range" class="anim-slider" aria-label="{label}"', 1)
    values_line = ", ".join(_fmt(v) for v in values)
    text = (
        f'<div class="nmf-scrubber"><p class="nmf-scrubber-caption">Slider: <code>{html.escape(param)}</code> '
        f"takes the values {html.escape(values_line)}.</p>{text}</div>"
    )
    return HTML(text)


def _fmt(v):
    if isinstance(v, (float, np.floating)):
        return f"{v:.4g}"
    return str(v)


def frame_count(scrubber_html):
    """Number of frames embedded in a :func:`scrubber` (for tests and asserts).

    Parameters
    ----------
    scrubber_html : IPython.display.HTML or str
        What :func:`scrubber` returned, or its HTML text (``.data``).

    Returns
    -------
    int
        The number of PNG frames, one per value of the scrubber's parameter.

    Raises
    ------
    TypeError
        If ``scrubber_html`` is neither a string nor an object with a string ``.data``.

    Notes
    -----
    Used in every chapter with an interactive figure, first in *Why NMF*.
    The widget pattern (a pure ``draw(fig, **params)`` wrapped by :func:`interact`
    live and by :func:`scrubber` without a kernel) is introduced there.
    A chapter asserts ``frame_count(s) == len(values)`` right after drawing ``s``.
    """
    text = getattr(scrubber_html, "data", scrubber_html)
    if not isinstance(text, str):
        raise TypeError(
            "scrubber_html must be what scrubber() returned (or its .data string), "
            f"got {type(scrubber_html).__name__}."
        )
    return len(re.findall(r'frames\[\d+\] = "data:image/png;base64', text))


def render_png(draw, *, figsize=(8, 3.5), dpi=90, **params):
    """Draw ``draw(fig, **params)`` on a new figure and return it as PNG bytes.

    The figure is closed before returning, so nothing is left for Jupyter's
    inline backend to display.

    Parameters
    ----------
    draw : callable
        The pure plotting function ``draw(fig, **params)``.
    figsize : tuple of float, default=(8, 3.5)
    dpi : int, default=90
    **params
        The parameter values to draw.

    Returns
    -------
    bytes
        A PNG image.

    Notes
    -----
    What :func:`interact` shows after every change of a control.
    """
    import io

    import matplotlib.pyplot as plt

    if not callable(draw):
        raise TypeError(f"draw must be a plotting function draw(fig, **params), got {type(draw).__name__}.")
    fig = plt.figure(figsize=figsize, dpi=dpi)
    try:
        draw(fig, **params)
        buf = io.BytesIO()
        fig.savefig(buf, format="png")
    finally:
        plt.close(fig)
    return buf.getvalue()


def _control(name, spec):
    """A widget for one parameter, from a widget or an abbreviation; None for a fixed value."""
    import ipywidgets

    if isinstance(spec, ipywidgets.fixed):
        return None
    if isinstance(spec, ipywidgets.ValueWidget):
        widget = spec
    else:
        widget = ipywidgets.interactive.widget_from_abbrev(spec)
        if widget is None:
            return None  # a plain value: held fixed, as ipywidgets.interact does
    if not widget.description:
        widget.description = name
    return widget


def interact(draw, *, figsize=(8, 3.5), **controls):
    """Live ipywidgets controls around a pure plotting function.

    Every change of a control redraws the figure with :func:`render_png` and
    puts the picture in an ``ipywidgets.Image``.

    Parameters
    ----------
    draw : callable
        ``draw(fig, **params)``.
    figsize : tuple of float, default=(8, 3.5)
    **controls
        One per parameter of ``draw``, as for :func:`ipywidgets.interact`: a
        widget, a ``(min, max, step)`` tuple, a list of options, or a value
        held fixed.

    Returns
    -------
    ipywidgets.VBox
        The controls above the picture. Displayed by Jupyter when it is the
        last expression of a cell; its ``.children`` are the controls then the
        Image, whose ``.value`` is the current PNG. Without a kernel it is a
        dead control, so the book hides this cell's output on the website and
        shows a :func:`scrubber` of the same function instead.

    Raises
    ------
    TypeError
        If ``draw`` is not callable.
    ValueError
        If a control cannot be turned into a widget.

    Notes
    -----
    Why not ``ipywidgets.interactive``: it draws into an ``Output`` widget
    (capture, ``clear_output(wait=True)``, then the figure), and executing such
    a cell headless (nbclient, as Jupyter Book and nbval do) can hang or kill
    the kernel when the machine is busy, a race between those messages
    reported upstream (jupyter/nbclient#312, jupyter/nbconvert#1921, #2029).
    An Image widget whose value is set from Python sends no output messages.

    Used in every chapter with an interactive figure, first in *Why NMF*.
    The widget pattern (a pure ``draw(fig, **params)`` wrapped by :func:`interact`
    live and by :func:`scrubber` without a kernel) is introduced there.
    """
    import ipywidgets

    if not callable(draw):
        raise TypeError(f"draw must be a plotting function draw(fig, **params), got {type(draw).__name__}.")
    widgets, fixed = {}, {}
    for name, spec in controls.items():
        try:
            widget = _control(name, spec)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"interact: cannot make a control for {name}={spec!r} ({exc}).") from None
        if widget is None:
            fixed[name] = spec.value if isinstance(spec, ipywidgets.fixed) else spec
        else:
            widgets[name] = widget

    def params():
        return {**fixed, **{name: w.value for name, w in widgets.items()}}

    image = ipywidgets.Image(value=render_png(draw, figsize=figsize, **params()), format="png")

    def redraw(change=None):
        image.value = render_png(draw, figsize=figsize, **params())

    for w in widgets.values():
        w.observe(redraw, names="value")
    box = ipywidgets.VBox([*widgets.values(), image])
    box.redraw = redraw
    return box
