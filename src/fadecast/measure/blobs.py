"""Blobs of the scale-normalised Laplacian of Gaussian: the filter, its noise, its peaks.

The scale-normalised LoG ``-σ² ∇²(G_σ * image)`` answers most to a bright blob of
width ``σ`` whatever ``σ`` (Lindeberg 1998); the scale selection and the detection of
the dots are both read from it. Here are the filter (:func:`normalised_log`), the
standard deviation it gives unit white noise (:func:`log_gain`), a robust estimate of a
picture's noise (:func:`noise_sd`), and its peaks: local maxima above a threshold
(:func:`local_maxima`), their roundness (:func:`hessian_roundness`), their sub-pixel
positions (:func:`subpixel_peaks`) and the largest value around a point
(:func:`max_around`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
from numpy.typing import NDArray
from scipy import ndimage

from fadecast.measure.imaging import (
    MAX_SAMPLE,
    box_mean,
    even_sample,
    gaussian_laplace,
    maximum_filter,
    row_bands,
)

__all__ = [
    "hessian_roundness",
    "local_maxima",
    "log_gain",
    "max_around",
    "noise_sd",
    "normalised_log",
    "subpixel_peaks",
]

Float32 = NDArray[np.float32]
Array = NDArray[np.float64]
Indices = NDArray[np.intp]


def normalised_log(image: Float32, sigma_px: float) -> Float32:
    """The negative scale-normalised Laplacian of Gaussian, ``-σ² ∇²(G_σ * image)``: a
    bright blob of width ``σ`` on ``image`` answers most. [1]

    Parameters
    ----------
    image
        Shape ``(H, W)``.
    sigma_px
        The filter's scale ``σ``. [px]

    Examples
    --------
    A Gaussian blob of width ``s`` answers ``1/2`` at its centre at ``σ = s``:

    >>> rows, cols = np.mgrid[0:41, 0:41] - 20.0
    >>> blob = np.exp(-(rows**2 + cols**2) / (2 * 3.0**2)).astype(np.float32)
    >>> round(float(normalised_log(blob, 3.0)[20, 20]), 3)
    0.5
    """
    out = gaussian_laplace(image, sigma_px)
    out *= np.float32(-(sigma_px**2))
    return out


def log_gain(sigma_px: float) -> float:
    """Standard deviation of the scale-normalised LoG of unit white noise. [1]

    It is ``1 / (σ √(2π))`` in the continuum: the filter averages over more pixels at a
    larger scale. Computed on the sampled kernel.

    Examples
    --------
    >>> round(log_gain(2.0), 4), round(log_gain(4.0), 4)
    (0.1995, 0.0997)
    """
    half = math.ceil(5 * sigma_px)
    delta = np.zeros((2 * half + 1, 2 * half + 1))
    delta[half, half] = 1.0
    kernel = sigma_px**2 * ndimage.gaussian_laplace(delta, sigma_px)
    return float(np.sqrt(np.sum(kernel**2)))


def noise_sd(parts: Sequence[Float32]) -> float:
    """Robust noise standard deviation of a picture, from one or several of its pieces
    (pooled): the median absolute deviation of a fine high-pass (each pixel less the
    mean of its 3 × 3 neighbourhood), as if the noise were white, over an even sample of
    at most :data:`~fadecast.measure.imaging.MAX_SAMPLE` pixels (a large piece
    high-passed a band of rows at a time). [1]

    Parameters
    ----------
    parts
        Pieces of one picture, each of shape ``(h, w)``.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> noise = rng.normal(0.0, 0.1, (300, 300)).astype(np.float32)
    >>> round(noise_sd([noise]), 2)
    0.1
    """
    pieces = [_high_pass_sample(np.asarray(part, dtype=np.float32)) for part in parts]
    fine = even_sample(np.concatenate(pieces) if len(pieces) > 1 else pieces[0])
    del pieces
    # Medians taken in place (their order is of no use): no copy of the sample.
    np.subtract(fine, np.median(fine, overwrite_input=True), out=fine)
    np.abs(fine, out=fine)
    mad = float(np.median(fine, overwrite_input=True))
    # A 3x3 mean removal leaves 8/9 of white noise's variance.
    return 1.4826 * mad / math.sqrt(8.0 / 9.0)


def _high_pass_sample(image: Float32) -> Float32:
    """``image`` less the mean of each pixel's 3 × 3 neighbourhood (borders mirrored,
    :func:`~fadecast.measure.imaging.box_mean`), at the pixels of its even sample
    (:func:`~fadecast.measure.imaging.even_sample`) only; a large picture a band of rows
    at a time, each with a row of context on either side (the same means as at once)."""
    h, w = image.shape
    step = 1 if image.size <= MAX_SAMPLE else math.ceil(image.size / MAX_SAMPLE)
    bands = row_bands(h, w, 1)
    if step == 1 or len(bands) == 1:
        return np.asarray(even_sample(image) - even_sample(box_mean(image, 3)), np.float32)
    out = []
    for top, bottom, first, last in bands:
        mean = box_mean(image[first:last], 3)[top - first : top - first + bottom - top]
        # The even sample's pixels in this band: flat indices multiple of ``step``.
        start = -(-top * w // step) * step - top * w
        at = slice(start, (bottom - top) * w, step)
        out.append(image[top:bottom].reshape(-1)[at] - mean.reshape(-1)[at])
    return np.concatenate(out)


def local_maxima(
    response: Float32, radius: int, threshold: float, allowed: NDArray[np.bool_]
) -> tuple[Indices, Indices]:
    """Rows and columns of the pixels that are the largest within ``radius`` (a square
    of side ``2 radius + 1``), above ``threshold`` and ``allowed``. [px]

    Examples
    --------
    >>> response = np.zeros((9, 9), dtype=np.float32)
    >>> response[2, 2], response[2, 4], response[6, 6] = 1.0, 0.5, 0.8
    >>> local_maxima(response, 2, 0.1, np.ones((9, 9), dtype=bool))
    (array([2, 6]), array([2, 6]))
    """
    size = 2 * radius + 1
    h, w = response.shape
    found_rows, found_cols = [], []
    # A band of rows at a time, each with the window's reach of context (the same
    # maxima, in the same order, as the whole picture at once).
    for top, bottom, first, last in row_bands(h, w, radius):
        most = maximum_filter(response[first:last], size)[top - first : bottom - first]
        band = response[top:bottom]
        # The band's maxima (few), then those above the threshold and allowed.
        rows, cols = np.nonzero(band == most)
        keep = (band[rows, cols] > threshold) & allowed[top:bottom][rows, cols]
        found_rows.append(rows[keep] + top)
        found_cols.append(cols[keep])
    return np.concatenate(found_rows), np.concatenate(found_cols)


def _neighbours(image: Float32, rows: Indices, cols: Indices) -> Callable[[int, int], Array]:
    """The values (in double precision) of ``image`` one pixel or none away from each
    point, the points kept a pixel inside its border: ``f(dr, dc)`` is the value at
    ``(row + dr, col + dc)``, read by flat index."""
    h, w = image.shape
    r = np.clip(rows, 1, h - 2)
    c = np.clip(cols, 1, w - 2)
    if h < 3 or w < 3:  # no pixel inside the border: read as the indices fall

        def by_index(dr: int, dc: int) -> Array:
            return np.asarray(image[r + dr, c + dc], dtype=np.float64)

        return by_index
    flat = np.ravel(image)
    at = r * w + c

    def by_flat_index(dr: int, dc: int) -> Array:
        return np.asarray(flat.take(at + (dr * w + dc)), dtype=np.float64)

    return by_flat_index


def hessian_roundness(response: Float32, rows: Indices, cols: Indices) -> Array:
    """|smaller| / |larger| eigenvalue of the Hessian at each peak (1 round, 0 a ridge).

    Parameters
    ----------
    response
        Shape ``(H, W)``.
    rows, cols
        The peaks (inside the border are read; one on the border as its neighbour). [px]

    Examples
    --------
    >>> rows, cols = np.mgrid[0:21, 0:21] - 10.0
    >>> round_blob = np.exp(-(rows**2 + cols**2) / 8.0).astype(np.float32)
    >>> ridge = np.exp(-(rows**2) / 8.0 - cols**2 / 200.0).astype(np.float32)
    >>> centre = np.array([10])
    >>> hessian_roundness(round_blob, centre, centre).round(2)
    array([1.])
    >>> hessian_roundness(ridge, centre, centre).round(2)
    array([0.04])
    """
    f = _neighbours(response, rows, cols)
    centre = f(0, 0)
    rr = f(1, 0) - 2 * centre + f(-1, 0)
    cc = f(0, 1) - 2 * centre + f(0, -1)
    rc = 0.25 * (f(1, 1) - f(1, -1) - f(-1, 1) + f(-1, -1))
    mean = 0.5 * (rr + cc)
    half_gap = np.sqrt(0.25 * (rr - cc) ** 2 + rc**2)
    l1, l2 = mean - half_gap, mean + half_gap  # l1 <= l2; a maximum has both < 0
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(l1 < 0.0, np.clip(-l2 / -l1, 0.0, 1.0), 0.0)
    return np.asarray(np.where(l2 < 0.0, ratio, 0.0), dtype=np.float64)


def subpixel_peaks(response: Float32, rows: Indices, cols: Indices) -> tuple[Array, Array]:
    """Peak positions refined by a parabola along each axis, by at most half a pixel.
    [px, with pixel ``i`` at ``i``]

    Examples
    --------
    >>> x = np.arange(9.0)
    >>> response = np.exp(-((x[:, None] - 4.3) ** 2 + (x[None, :] - 3.8) ** 2) / 4.0)
    >>> rows, cols = subpixel_peaks(response.astype(np.float32), np.array([4]), np.array([4]))
    >>> round(float(rows[0]), 1), round(float(cols[0]), 1)
    (4.3, 3.8)
    """
    f = _neighbours(response, rows, cols)
    centre = f(0, 0)

    def shift(minus: Array, plus: Array) -> Array:
        denominator = minus - 2.0 * centre + plus
        with np.errstate(divide="ignore", invalid="ignore"):
            s = np.where(denominator < 0.0, 0.5 * (minus - plus) / denominator, 0.0)
        return np.clip(s, -0.5, 0.5)

    dr = shift(f(-1, 0), f(1, 0))
    dc = shift(f(0, -1), f(0, 1))
    return rows + dr, cols + dc


def max_around(image: Float32, rows: Indices, cols: Indices) -> Array:
    """The largest value of the 3 × 3 pixels around each point (within the image).

    Examples
    --------
    >>> image = np.arange(9, dtype=np.float32).reshape(3, 3)
    >>> max_around(image, np.array([0, 1]), np.array([0, 1]))
    array([4., 8.])
    """
    h, w = image.shape
    flat = np.ravel(image)
    best = np.full(len(rows), -np.inf)
    for dr in (-1, 0, 1):
        at = np.clip(rows + dr, 0, h - 1) * w
        for dc in (-1, 0, 1):
            best = np.maximum(best, flat.take(at + np.clip(cols + dc, 0, w - 1)))
    return best
