"""nmf_teach.images against obvious formulas and loops."""

import math

import numpy as np
import pytest

import nmf_teach as nt
from nmf_teach import images


@pytest.fixture
def rng():
    return np.random.default_rng(7)


# ---------------------------------------------------------------- psnr

def test_psnr_against_the_formula(rng):
    clean = rng.uniform(size=(6, 5))
    approx = clean + 0.05 * rng.standard_normal((6, 5))
    mse = sum((a - b) ** 2 for a, b in zip(clean.ravel(), approx.ravel())) / clean.size
    assert images.psnr(clean, approx, 1.0) == pytest.approx(10 * math.log10(1.0 / mse))
    assert images.psnr(clean * 255, approx * 255, 255) == pytest.approx(10 * math.log10(1.0 / mse))


def test_psnr_agrees_with_scikit_image(rng):
    from skimage.metrics import peak_signal_noise_ratio

    clean = rng.uniform(size=(8, 9))
    approx = np.clip(clean + 0.1 * rng.standard_normal(clean.shape), 0, 1)
    assert images.psnr(clean, approx, 1.0) == pytest.approx(peak_signal_noise_ratio(clean, approx, data_range=1.0))


def test_psnr_halving_the_error_adds_six_decibels(rng):
    clean = rng.uniform(size=(4, 4))
    noise = rng.standard_normal((4, 4))
    gain = images.psnr(clean, clean + 0.05 * noise, 1) - images.psnr(clean, clean + 0.1 * noise, 1)
    assert gain == pytest.approx(20 * math.log10(2))


def test_psnr_is_infinite_for_a_perfect_copy_and_works_in_any_dimension(rng):
    a = rng.uniform(size=(3, 4, 3))
    assert images.psnr(a, a.copy(), 1.0) == math.inf
    assert np.isfinite(images.psnr(a, a + 0.01, 1.0))


@pytest.mark.parametrize("clean, approx, data_range, err, match", [
    (np.zeros((2, 2)), np.zeros((2, 3)), 1.0, ValueError, "same shape"),
    (np.zeros((2, 2)), np.zeros((2, 2)), 0.0, ValueError, "data_range"),
    (np.zeros((2, 2)), np.full((2, 2), np.nan), 1.0, ValueError, "NaN"),
    (np.zeros((2, 2)), np.zeros((2, 2)), -1.0, ValueError, "data_range"),
    (None, np.zeros((2, 2)), 1.0, TypeError, "clean"),
    (np.zeros((2, 2)), np.zeros((2, 2)) + 0j, 1.0, TypeError, "approx"),
])
def test_psnr_bad_input(clean, approx, data_range, err, match):
    with pytest.raises(err, match=match):
        images.psnr(clean, approx, data_range)


# ---------------------------------------------------------------- grayscale, downsample, sample_image

def test_grayscale_uses_the_luma_weights(rng):
    rgb = rng.uniform(size=(3, 4, 3))
    grey = images.grayscale(rgb)
    assert grey.shape == (3, 4)
    i, j = 2, 1
    assert grey[i, j] == pytest.approx(0.299 * rgb[i, j, 0] + 0.587 * rgb[i, j, 1] + 0.114 * rgb[i, j, 2])
    assert sum(images.LUMA_WEIGHTS) == pytest.approx(1.0)
    assert np.array_equal(images.grayscale(grey), grey)          # already grey: unchanged


def test_grayscale_bad_input():
    with pytest.raises(ValueError, match="3 colour channels"):
        images.grayscale(np.zeros((2, 2, 4)))
    with pytest.raises(ValueError, match="dimensions"):
        images.grayscale(np.zeros(5))


def test_downsample_is_the_block_mean(rng):
    img = rng.uniform(size=(7, 10))
    small = images.downsample(img, 3)
    assert small.shape == (2, 3)                                  # leftover rows and columns dropped
    for a in range(2):
        for b in range(3):
            assert small[a, b] == pytest.approx(img[3 * a:3 * a + 3, 3 * b:3 * b + 3].mean())
    colour = rng.uniform(size=(4, 6, 3))
    assert images.downsample(colour, 2).shape == (2, 3, 3)
    assert np.allclose(images.downsample(colour, 2)[..., 1], images.downsample(colour[..., 1], 2))
    assert np.array_equal(images.downsample(img, 1), img)


def test_downsample_bad_input():
    with pytest.raises(ValueError, match="larger than the image"):
        images.downsample(np.zeros((3, 3)), 4)
    with pytest.raises(TypeError, match="factor"):
        images.downsample(np.zeros((4, 4)), 2.0)
    with pytest.raises(ValueError, match="factor"):
        images.downsample(np.zeros((4, 4)), 0)


def test_sample_image_is_small_grey_and_in_the_unit_interval():
    from sklearn.datasets import load_sample_image

    img = images.sample_image("china.jpg", factor=4)
    assert img.shape == (427 // 4, 640 // 4)
    assert img.min() >= 0 and img.max() <= 1
    raw = load_sample_image("china.jpg") / 255.0
    top_left = raw[:4, :4] @ np.array(images.LUMA_WEIGHTS)
    assert img[0, 0] == pytest.approx(top_left.mean())
    assert images.sample_image("flower.jpg", factor=8).shape == (427 // 8, 640 // 8)
    colour = images.sample_image("china.jpg", factor=4, grey=False)
    assert colour.shape == (427 // 4, 640 // 4, 3)
    assert np.allclose(images.grayscale(colour), img)          # grey of the mean = mean of the grey


def test_sample_image_unknown_name():
    with pytest.raises(ValueError, match="china.jpg"):
        images.sample_image("lena.png")


# ---------------------------------------------------------------- tile

def test_tile_places_each_image(rng):
    C = rng.uniform(0.1, 1, size=(5, 6))                      # five 2 x 3 images
    M = images.tile(C, (2, 3), n_cols=2, pad=1, scale="none")
    assert M.shape == (3 * 3 - 1, 2 * 4 - 1)                  # 3 rows of images, 2 columns
    for r in range(5):
        i, j = divmod(r, 2)
        assert np.array_equal(M[3 * i:3 * i + 2, 4 * j:4 * j + 3], C[r].reshape(2, 3))
    assert np.isnan(M[2]).all() and np.isnan(M[:, 3]).all()   # the padding
    assert np.isnan(M[6:, 4:]).all()                          # the empty sixth slot


def test_tile_scales_each_image_and_keeps_signs(rng):
    C = rng.standard_normal((4, 4)) * np.array([[1], [10], [100], [0]])
    M = images.tile(C, (2, 2), n_cols=4, pad=0)
    assert M.shape == (2, 8)
    for r in range(3):
        block = M[:, 2 * r:2 * r + 2]
        assert np.abs(block).max() == pytest.approx(1.0)
        assert np.allclose(block, C[r].reshape(2, 2) / np.abs(C[r]).max())
    assert np.array_equal(M[:, 6:], np.zeros((2, 2)))        # an all-zero image stays zero


def test_tile_default_columns_and_fill():
    M = images.tile(np.ones((9, 4)), (2, 2), fill=-1.0)
    assert M.shape == (3 * 3 - 1, 3 * 3 - 1)                 # sqrt(9) = 3 columns
    assert M[2, 0] == -1.0


@pytest.mark.parametrize("shape, kwargs, err, match", [
    ((3, 3), {}, ValueError, "9"),
    ((2,), {}, TypeError, "pair"),
    ((2, 2), {"pad": -1}, ValueError, "pad"),
    ((2, 2), {"scale": "global"}, ValueError, "scale"),
    ((2, 2), {"n_cols": 0}, ValueError, "n_cols"),
])
def test_tile_bad_input(shape, kwargs, err, match):
    with pytest.raises(err, match=match):
        images.tile(np.ones((3, 4)), shape, **kwargs)


def test_reachable_as_nt_images():
    assert nt.images.psnr is images.psnr


# ---------------------------------------------------------------- quantize, jpeg_roundtrip

def test_quantize_against_a_loop(rng):
    F = rng.standard_normal((7, 3))
    F_hat, n_bytes = images.quantize(F, 4, axis=0)
    for j in range(3):
        col = F[:, j]
        step = (col.max() - col.min()) / 15
        expected = [col.min() + round((v - col.min()) / step) * step for v in col]
        assert np.allclose(F_hat[:, j], expected)
        assert len(np.unique(np.round((F_hat[:, j] - col.min()) / step))) <= 16
    assert np.abs(F_hat - F).max() <= 0.5 * ((F.max(0) - F.min(0)) / 15).max() + 1e-12
    assert n_bytes == math.ceil(21 * 4 / 8) + 8 * 3
    rows_hat, row_bytes = images.quantize(F.T, 4, axis=1)      # one grid per row: the transposed case
    assert np.allclose(rows_hat, F_hat.T) and row_bytes == n_bytes


def test_quantize_more_bits_smaller_error_and_constant_columns(rng):
    F = rng.uniform(size=(20, 4))
    F[:, 2] = 0.3
    errors = [np.abs(images.quantize(F, b)[0] - F).max() for b in (2, 4, 8, 12)]
    assert all(a > b for a, b in zip(errors, errors[1:]))
    assert np.all(images.quantize(F, 8)[0][:, 2] == 0.3)


@pytest.mark.parametrize("kwargs, match", [({"bits": 0}, "bits"), ({"bits": 17}, "at most 16"),
                                           ({"axis": 2}, "axis")])
def test_quantize_rejects_bad_parameters(kwargs, match):
    with pytest.raises(ValueError, match=match):
        images.quantize(np.ones((3, 3)), **kwargs)


def test_jpeg_roundtrip_size_and_quality(rng):
    smooth = np.clip(0.5 + 0.3 * np.sin(np.linspace(0, 6, 40))[:, None] * np.cos(np.linspace(0, 4, 50)), 0, 1)
    low, low_bytes = images.jpeg_roundtrip(smooth, 10)
    high, high_bytes = images.jpeg_roundtrip(smooth, 90)
    assert low.shape == smooth.shape and 0 <= low.min() and high.max() <= 1
    assert low_bytes < high_bytes
    assert images.psnr(smooth, low, 1) < images.psnr(smooth, high, 1)
    assert high_bytes > 100                                 # a whole file: headers and tables included
    with pytest.raises(ValueError, match="quality"):
        images.jpeg_roundtrip(smooth, 0)
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        images.jpeg_roundtrip(smooth + 1, 50)
