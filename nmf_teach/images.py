"""Images as non-negative matrices: loading, shrinking, comparing and tiling them.

Explained in *NMF on images* (``book/17_images``).

A grey-scale image of ``h × w`` pixels is already a non-negative matrix: its
rows can be the samples (as in image compression), or a stack of small images
can be flattened into one row each (as for the faces and digits, whose NMF
components are images again). This module holds what that needs:

- :func:`sample_image`  one of scikit-learn's bundled photographs, grey, small, in [0, 1]
- :func:`grayscale`     colour to grey by the ITU-R BT.601 luma weights
- :func:`downsample`    shrink an image by averaging blocks of pixels
- :func:`psnr`          the peak signal-to-noise ratio of an approximation, in decibels
- :func:`tile`          many small images (components) laid out as one mosaic array
- :func:`quantize`      a factor rounded to 8-bit (or other) codes, and the bytes it takes
- :func:`jpeg_roundtrip` an image through JPEG (Pillow) and back, and the file's size in bytes
"""

from __future__ import annotations

import numbers

import numpy as np

from ._validation import as_matrix, check_positive_int, check_positive_scalar

__all__ = ["LUMA_WEIGHTS", "sample_image", "grayscale", "downsample", "psnr", "tile", "quantize", "jpeg_roundtrip"]

#: Weights of red, green and blue in the grey value (luma) of ITU-R BT.601,
#: the ones most image libraries use for "convert to grey".
LUMA_WEIGHTS = (0.299, 0.587, 0.114)

_SAMPLE_IMAGES = ("china.jpg", "flower.jpg")


def _as_array(A, name, *, ndim=None):
    """``A`` as a finite real float64 array (any number of dimensions unless ``ndim``), or raise."""
    if A is None or isinstance(A, (str, bytes)):
        raise TypeError(f"{name} must be an array of real numbers, got {A!r}.")
    try:
        arr = np.asarray(A)
    except Exception as exc:  # ragged lists and the like
        raise ValueError(f"{name} could not be turned into an array ({exc}).") from None
    if arr.dtype == object or np.iscomplexobj(arr) or not (np.issubdtype(arr.dtype, np.number) or arr.dtype == bool):
        raise TypeError(f"{name} must hold real numbers, got dtype {arr.dtype}.")
    if ndim is not None and arr.ndim not in ndim:
        raise ValueError(f"{name} must have {' or '.join(map(str, ndim))} dimensions, got shape {arr.shape}.")
    if arr.size == 0:
        raise ValueError(f"{name} is empty (shape {arr.shape}).")
    arr = arr.astype(np.float64)
    bad = ~np.isfinite(arr)
    if bad.any():
        where = tuple(int(i) for i in np.unravel_index(int(np.argmax(bad)), arr.shape))
        raise ValueError(f"{name} has {int(bad.sum())} NaN or infinite entries; the first is at {where}.")
    return arr


def grayscale(image):
    """Convert a colour image to grey with the luma weights :data:`LUMA_WEIGHTS`.

    Parameters
    ----------
    image : array-like of shape (h, w, 3) or (h, w)
        Red, green and blue channels last; a 2-D image is returned unchanged
        (as float).

    Returns
    -------
    ndarray of shape (h, w)
        ``0.299 R + 0.587 G + 0.114 B``, in the units of the input (the weights
        sum to 1, so an image in [0, 1] stays in [0, 1]).

    Raises
    ------
    ValueError
        If the image is not 2-D or has a last axis other than 3.

    Notes
    -----
    Explained in *NMF on images*.
    """
    arr = _as_array(image, "image", ndim=(2, 3))
    if arr.ndim == 2:
        return arr
    if arr.shape[2] != 3:
        raise ValueError(f"image must have 3 colour channels (red, green, blue) last, got shape {arr.shape}.")
    return arr @ np.asarray(LUMA_WEIGHTS)


def downsample(image, factor):
    """Shrink an image by averaging non-overlapping ``factor × factor`` blocks.

    Rows and columns that do not fill a whole block at the bottom and right
    edges are dropped.

    Parameters
    ----------
    image : array-like of shape (h, w) or (h, w, c)
    factor : int
        The block size; 1 returns a copy.

    Returns
    -------
    ndarray of shape (h // factor, w // factor) or (h // factor, w // factor, c)
        Every output pixel is the mean of one block, so an image in [0, 1]
        stays in [0, 1].

    Raises
    ------
    ValueError
        If ``factor`` is larger than the image.

    Notes
    -----
    Explained in *NMF on images*.
    """
    arr = _as_array(image, "image", ndim=(2, 3))
    f = check_positive_int(factor, "factor")
    h, w = arr.shape[0] // f, arr.shape[1] // f
    if h == 0 or w == 0:
        raise ValueError(f"factor {f} is larger than the image (shape {arr.shape[:2]}); nothing would be left.")
    blocks = arr[: h * f, : w * f].reshape(h, f, w, f, *arr.shape[2:])
    return blocks.mean(axis=(1, 3))


def sample_image(name="china.jpg", *, factor=4, grey=True):
    """One of scikit-learn's bundled photographs, small, in [0, 1], grey by default.

    Parameters
    ----------
    name : {"china.jpg", "flower.jpg"}, default="china.jpg"
        The photograph (a temple in China, a flower); both are 427 × 640 pixels
        and ship with scikit-learn, so nothing is downloaded.
    factor : int, default=4
        Shrink by averaging ``factor × factor`` blocks (:func:`downsample`); 4
        gives 106 × 160 pixels.
    grey : bool, default=True
        Convert to grey with :func:`grayscale`; False keeps the three colour
        channels.

    Returns
    -------
    ndarray of shape (427 // factor, 640 // factor), or (..., 3) if not grey
        Values scaled from 0–255 to [0, 1]. The grey image is a non-negative
        matrix whose rows are the rows of the picture.

    Raises
    ------
    ValueError
        If ``name`` is not one of the bundled images.

    Notes
    -----
    Explained in *NMF on images*.
    """
    from sklearn.datasets import load_sample_image

    if name not in _SAMPLE_IMAGES:
        raise ValueError(f"Unknown sample image {name!r}; scikit-learn ships {list(_SAMPLE_IMAGES)}.")
    rgb = load_sample_image(name) / 255.0
    return downsample(grayscale(rgb) if grey else rgb, factor)


def psnr(clean, approx, data_range):
    """The peak signal-to-noise ratio of ``approx`` against ``clean``, in decibels.

    .. math:: \\mathrm{PSNR} = 10 \\log_{10} \\frac{R^2}{\\mathrm{MSE}}, \\qquad
              \\mathrm{MSE} = \\frac{1}{N} \\sum_p (\\text{clean}_p - \\text{approx}_p)^2,

    where ``R`` is ``data_range`` (1 for images in [0, 1], 255 for 8-bit
    images) and ``N`` the number of pixels. Higher is better; halving the
    root-mean-square error adds about 6.02 dB.

    Parameters
    ----------
    clean : array-like of any shape
        The reference image.
    approx : array-like of the same shape
        The approximation (a reconstruction, a noisy copy).
    data_range : float
        ``R``, the distance between the smallest and largest possible pixel value.

    Returns
    -------
    float
        ``inf`` when ``approx`` equals ``clean`` exactly (zero error).

    Raises
    ------
    ValueError
        If the shapes differ, an entry is NaN or infinite, or ``data_range`` is
        not positive.

    Notes
    -----
    Explained in *NMF on images*. The same formula as
    ``skimage.metrics.peak_signal_noise_ratio``.
    """
    a = _as_array(clean, "clean")
    b = _as_array(approx, "approx")
    if a.shape != b.shape:
        raise ValueError(f"clean has shape {a.shape} and approx has shape {b.shape}; they must have the same shape.")
    r = check_positive_scalar(data_range, "data_range")
    mse = float(np.mean((a - b) ** 2))
    if mse == 0.0:
        return float("inf")
    return float(10.0 * np.log10(r * r / mse))


def tile(components, shape, *, n_cols=None, pad=1, scale="each", fill=np.nan):
    """Lay out images, one per row of ``components``, as one mosaic array.

    Parameters
    ----------
    components : array-like of shape (k, h * w)
        One flattened image per row, e.g. the components ``H`` of NMF or
        ``components_`` of PCA.
    shape : tuple of int
        ``(h, w)``, the shape of one image.
    n_cols : int, optional
        Images per row of the mosaic; about ``sqrt(k)`` by default.
    pad : int, default=1
        Pixels between neighbouring images.
    scale : {"each", "none"}, default="each"
        "each" divides every image by its largest absolute entry, so each one
        uses the full colour range (signs are kept: a signed component lands in
        [-1, 1], a non-negative one in [0, 1]); "none" keeps the values.
    fill : float, default=nan
        The value of the padding and of empty slots; NaN is drawn as
        background by ``imshow``.

    Returns
    -------
    ndarray of shape (rows * (h + pad) - pad, n_cols * (w + pad) - pad)
        Image ``r`` sits in row ``r // n_cols`` and column ``r % n_cols`` of the
        mosaic. Draw it with ``ax.imshow(mosaic, cmap=...)``.

    Raises
    ------
    ValueError
        If a row does not have ``h * w`` entries, or a parameter is out of range.

    Notes
    -----
    Explained in *NMF on images*. An all-zero image stays zero under "each".
    """
    C = as_matrix(components, "components")
    if not (isinstance(shape, (tuple, list)) and len(shape) == 2):
        raise TypeError(f"shape must be a pair (h, w), got {shape!r}.")
    h = check_positive_int(shape[0], "shape[0]")
    w = check_positive_int(shape[1], "shape[1]")
    k, n = C.shape
    if n != h * w:
        raise ValueError(f"components have {n} entries per row, but an image of shape {(h, w)} has {h * w}.")
    if n_cols is None:
        n_cols = int(np.ceil(np.sqrt(k)))
    n_cols = check_positive_int(n_cols, "n_cols")
    if isinstance(pad, (bool, np.bool_)) or not isinstance(pad, numbers.Integral) or pad < 0:
        raise ValueError(f"pad must be a non-negative integer, got {pad!r}.")
    if scale not in ("each", "none"):
        raise ValueError(f"Unknown scale {scale!r}; choose 'each' or 'none'.")
    if scale == "each":
        peak = np.abs(C).max(axis=1, keepdims=True)
        C = C / np.where(peak > 0, peak, 1.0)
    n_cols = min(n_cols, k)
    n_rows = -(-k // n_cols)
    mosaic = np.full((n_rows * (h + pad) - pad, n_cols * (w + pad) - pad), float(fill))
    for r in range(k):
        i, j = divmod(r, n_cols)
        mosaic[i * (h + pad): i * (h + pad) + h, j * (w + pad): j * (w + pad) + w] = C[r].reshape(h, w)
    return mosaic


def quantize(F, bits=8, *, axis=0):
    """Round ``F`` to ``2**bits`` evenly spaced levels, one grid per column or per row.

    Each column (``axis=0``) or row (``axis=1``) gets its own grid from its
    smallest to its largest entry, ``low + c · step`` with integer codes
    ``c = 0, …, 2**bits − 1``. Storing the quantized array takes the codes,
    ``bits`` each, plus two float32 numbers (``low`` and ``step``) per grid.

    Parameters
    ----------
    F : array-like of shape (p, q)
        A factor, e.g. W (m, k) with ``axis=0`` or H (k, n) with ``axis=1``;
        signed entries (an SVD factor) are allowed.
    bits : int, default=8
        Bits per entry, from 1 to 16.
    axis : {0, 1}, default=0
        0: one grid per column; 1: one grid per row.

    Returns
    -------
    F_hat : ndarray of shape (p, q)
        The quantized values (what a decoder rebuilds).
    n_bytes : int
        ``ceil(p · q · bits / 8)`` bytes of codes plus 8 bytes per grid.

    Notes
    -----
    Explained in *NMF on images*, where W and H are counted in bytes to compare
    NMF with the truncated SVD and JPEG. Each entry moves by at most half a step.
    """
    arr = _as_array(F, "F", ndim=(2,))
    bits = check_positive_int(bits, "bits")
    if bits > 16:
        raise ValueError(f"bits must be at most 16, got {bits}.")
    if axis not in (0, 1):
        raise ValueError(f"axis must be 0 (one grid per column) or 1 (one grid per row), got {axis!r}.")
    low = arr.min(axis=axis, keepdims=True)
    step = (arr.max(axis=axis, keepdims=True) - low) / (2**bits - 1)
    step[step == 0] = 1.0                      # a constant column: every code is 0
    codes = np.round((arr - low) / step)
    n_grids = arr.shape[1 - axis]
    n_bytes = -(-arr.size * bits // 8) + 8 * n_grids
    return low + codes * step, int(n_bytes)


def jpeg_roundtrip(image, quality):
    """Encode a grey image in [0, 1] as an 8-bit JPEG file in memory, and decode it.

    Parameters
    ----------
    image : array-like of shape (h, w)
        Grey values in [0, 1]; they are rounded to 8 bits first.
    quality : int
        Pillow's JPEG quality, from 1 (smallest file) to 95.

    Returns
    -------
    decoded : ndarray of shape (h, w)
        The decoded image, in [0, 1].
    n_bytes : int
        The size of the whole JPEG file, headers and tables included.

    Notes
    -----
    Explained in *NMF on images*. Uses Pillow (installed with matplotlib).
    """
    import io

    from PIL import Image

    arr = _as_array(image, "image", ndim=(2,))
    if arr.min() < 0 or arr.max() > 1:
        raise ValueError(f"image must hold grey values in [0, 1]; its range is [{arr.min():.3g}, {arr.max():.3g}].")
    if isinstance(quality, bool) or not isinstance(quality, numbers.Integral) or not 1 <= quality <= 95:
        raise ValueError(f"quality must be an integer from 1 to 95, got {quality!r}.")
    buffer = io.BytesIO()
    Image.fromarray(np.round(arr * 255).astype(np.uint8)).save(buffer, format="JPEG", quality=int(quality))
    decoded = np.asarray(Image.open(io.BytesIO(buffer.getvalue())), dtype=np.float64) / 255.0
    return decoded, int(buffer.tell())
