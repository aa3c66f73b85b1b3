"""Data helpers, plotting helpers and widget helpers."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import nmf_teach as nt  # noqa: E402


def test_food_orders_matches_source_003():
    X, rows, cols = nt.data.food_orders()
    expected = np.array([[1, 1, 2, 2], [1, 0, 0, 0], [1, 1, 1, 1], [1, 0, 1, 1], [0, 1, 3, 3], [1, 1, 0, 0]])
    np.testing.assert_array_equal(X, expected)
    assert cols == ["pizza", "chicken", "burger", "fries"] and len(rows) == 6
    W, H, menus = nt.data.food_orders_truth()
    np.testing.assert_array_equal(W @ H, X)
    assert menus[2] == "burger+fries"


def test_planted_is_seeded_and_nonnegative():
    X1, W1, H1 = nt.data.planted_nmf(8, 6, 2, noise=0.5, random_state=3)
    X2, _, _ = nt.data.planted_nmf(8, 6, 2, noise=0.5, random_state=3)
    np.testing.assert_array_equal(X1, X2)
    assert (X1 >= 0).all() and W1.shape == (8, 2) and H1.shape == (2, 6)
    X0, W0, H0 = nt.data.planted_nmf(8, 6, 2)
    np.testing.assert_allclose(X0, W0 @ H0)


def test_digits_offline():
    X, y = nt.data.digits(100)
    assert X.shape == (100, 64) and X.min() >= 0 and X.max() <= 1 and y.shape == (100,)


def test_plot_factorization_labels():
    X, rows, cols = nt.data.food_orders()
    W, H, menus = nt.data.food_orders_truth()
    fig = nt.plotting.plot_factorization(X, W, H, row_labels=rows, col_labels=cols, component_labels=menus)
    axes = fig.axes
    assert [a.get_title() for a in axes] == ["X (data)", "W (weights)", "H (components)", "WH (reconstruction)"]
    assert [t.get_text() for t in axes[2].get_xticklabels()] == cols
    plt.close(fig)
    with pytest.raises(ValueError, match="row_labels has 2 labels but the matrix has 6 rows"):
        nt.plotting.heatmap(X, row_labels=["a", "b"])


def test_plot_losses_axes():
    X, _, _ = nt.data.planted_nmf(8, 6, 2)
    runs = {m: nt.solvers.nmf(X, 2, method=m, max_iter=10) for m in ("mu", "hals")}
    ax = nt.plotting.plot_losses(runs, x="time")
    assert ax.get_xlabel() == "time in updates (s)" and len(ax.get_lines()) == 2
    plt.close(ax.figure)
    with pytest.raises(ValueError, match="Unknown x"):
        nt.plotting.plot_losses(runs, x="epochs")


def _draw(fig, a=1.0):
    fig.clear()
    ax = fig.add_subplot()
    ax.plot([0, 1], [0, a])
    ax.set_title(f"a = {a}")


def test_scrubber_has_one_frame_per_value_and_alt_text():
    html = nt.widgets.scrubber(_draw, "a", [0.5, 1.0, 2.0])
    assert nt.widgets.frame_count(html) == 3
    assert 'alt="Figure for a = 0.5' in html.data
    assert 'aria-label="Choose a: 3 values' in html.data
    with pytest.raises(ValueError, match="values is empty"):
        nt.widgets.scrubber(_draw, "a", [])


def test_interact_shows_the_drawing_and_redraws_on_change():
    import ipywidgets

    open_before = plt.get_fignums()
    w = nt.widgets.interact(_draw, a=(0.0, 2.0, 0.5))
    slider, image = w.children
    assert slider.description == "a" and isinstance(image, ipywidgets.Image)
    assert image.value == nt.widgets.render_png(_draw, figsize=(8, 3.5), a=slider.value)
    before = image.value
    slider.value = 2.0
    assert image.value != before
    assert image.value == nt.widgets.render_png(_draw, figsize=(8, 3.5), a=2.0)
    assert plt.get_fignums() == open_before  # every figure closed: nothing for the inline backend to show twice


def test_interact_holds_plain_values_fixed_and_refuses_bad_controls():
    import ipywidgets

    w = nt.widgets.interact(_draw, a=ipywidgets.fixed(0.25))
    assert len(w.children) == 1
    assert w.children[0].value == nt.widgets.render_png(_draw, figsize=(8, 3.5), a=0.25)
    with pytest.raises(TypeError, match="draw must be a plotting function"):
        nt.widgets.interact("not a function", a=(0, 1))
    with pytest.raises(TypeError, match="draw must be a plotting function"):
        nt.widgets.render_png(None)


def test_digits_too_many_samples():
    X, _ = nt.data.digits(1797)
    assert X.shape == (1797, 64)
    with pytest.raises(ValueError, match=r"n_samples is 1798, but the digits data set has only 1797 images"):
        nt.data.digits(1798)
    with pytest.raises(TypeError, match="n_samples must be a positive integer"):
        nt.data.digits(10.0)


@pytest.mark.parametrize("runs", [[1.0, 0.5], np.array([1.0, 0.5]), None, "losses"])
def test_plot_losses_needs_a_dict(runs):
    with pytest.raises(TypeError, match="runs must be a dict from label to run"):
        nt.plotting.plot_losses(runs)


def test_plot_losses_x_must_be_a_string():
    with pytest.raises(TypeError, match="x must be a string, one of"):
        nt.plotting.plot_losses({"a": [1.0, 0.5]}, x=0)
    ax = nt.plotting.plot_losses({"a": [1.0, 0.5]})
    assert ax.get_xlabel() == "iteration" and len(ax.get_lines()) == 1
    plt.close(ax.figure)


@pytest.mark.parametrize("bad", [None, 3, ["frames[0]"]])
def test_frame_count_needs_scrubber_html(bad):
    with pytest.raises(TypeError, match="scrubber_html must be what scrubber\\(\\) returned"):
        nt.widgets.frame_count(bad)


def test_glue_returns_the_value_and_checks_the_name(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "myst_nb", None)  # as on Colab: no myst-nb, glue does nothing
    assert nt.prose.glue("x", 3.5) is None  # returns nothing: no stray output under a cell
    with pytest.raises(TypeError, match="name must be a string"):
        nt.prose.glue(3, 3.5)


def test_glue_passes_python_numbers_to_myst_nb(monkeypatch):
    import sys
    import types

    seen = {}
    fake = types.SimpleNamespace(glue=lambda name, value, display: seen.update({name: (value, display)}))
    monkeypatch.setitem(sys.modules, "myst_nb", fake)
    nt.prose.glue("y", np.float64(2.5))
    assert seen == {"y": (2.5, False)} and type(seen["y"][0]) is float
