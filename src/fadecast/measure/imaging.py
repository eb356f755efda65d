"""Image helpers of the measure stage: reductions, grey filters, resampling, distances.

Generic building blocks on numpy arrays, each exact and bounded in memory: the power of
two a photo is reduced by (:func:`reduction_factor`), OpenCV's grey dilation and erosion
(:func:`maximum_filter`, :func:`minimum_filter`), Gaussian, Laplacian of Gaussian and box
filters in single precision (:func:`gaussian_filter`, :func:`gaussian_laplace`,
:func:`box_mean`: scipy's filters to float32 rounding, several times faster), bilinear
resampling (:func:`bilinear`, :func:`upsample_linear`), masks between a reduced copy and
the photo (:func:`block_all`, :func:`full_resolution`), exact Euclidean distances
(:func:`distance_to_unset`, :func:`nearest_distance`) and an even sample of a large array
(:func:`even_sample`). Block means are :func:`fadecast.measure.photo.block_mean`.
"""

from __future__ import annotations

import contextvars
import math
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Literal, TypeVar

import numpy as np
from numpy.typing import NDArray

from fadecast.measure.tunables import TUNABLES

__all__ = [
    "MAX_SAMPLE",
    "MAX_WORKERS",
    "MIN_COPY_SIDE",
    "bilinear",
    "block_all",
    "block_any",
    "box_mean",
    "distance_to_unset",
    "erode_cross",
    "even_sample",
    "full_resolution",
    "gaussian_filter",
    "gaussian_kernel",
    "gaussian_laplace",
    "gaussian_reach",
    "maximum_filter",
    "minimum_filter",
    "nearest_distance",
    "parallel_map",
    "power_of_two_at_most",
    "reduction_factor",
    "upsample_linear",
]

Float32 = NDArray[np.float32]
Array = NDArray[np.float64]

#: Shortest side of a reduced copy. [px]
MIN_COPY_SIDE = TUNABLES.min_copy_side
#: Values a quantile or a median of a whole working copy is taken over at most (an even
#: sample of a larger one). [1]
MAX_SAMPLE = TUNABLES.max_sample
#: Threads that independent pieces of work (chunks of dots) share at most, fewer on a
#: machine with fewer processors: numpy and OpenCV release Python's lock while they
#: work. It changes no value, only the time. [1]
MAX_WORKERS = 4

Item = TypeVar("Item")
Result = TypeVar("Result")


def power_of_two_at_most(value: float) -> int:
    """The largest power of two not above ``value`` (1 below 2).

    Examples
    --------
    >>> power_of_two_at_most(5.0), power_of_two_at_most(8.0), power_of_two_at_most(0.3)
    (4, 8, 1)
    """
    return 1 if value < 2.0 else 2 ** int(math.log2(value))


def reduction_factor(shape: tuple[int, ...], sigma_px: float, width_px: float) -> int:
    """Reduction that brings a width of ``sigma_px`` to about ``width_px`` (a power of
    two, no finer), the copy kept at least :data:`MIN_COPY_SIDE` pixels on its shorter
    side.

    Parameters
    ----------
    shape
        The picture's shape, rows and columns first. [px]
    sigma_px
        A width on the picture. [px]
    width_px
        The width it should have on the copy, at least. [px]

    Returns
    -------
    int
        Block side of the copy. [px]

    Examples
    --------
    >>> reduction_factor((4000, 3000), 20.0, 2.5)
    8
    >>> reduction_factor((64, 64), 20.0, 2.5)  # the copy keeps 16 pixels a side
    4
    """
    most = power_of_two_at_most(max(min(shape[:2]) / MIN_COPY_SIDE, 1.0))
    return min(power_of_two_at_most(sigma_px / width_px), most)


def maximum_filter(image: Float32, size: int) -> Float32:
    """The largest value in the ``size`` × ``size`` square around each pixel (``size``
    odd; borders mirrored): ``scipy.ndimage.maximum_filter`` to the bit, about ten
    times faster (OpenCV's dilation).

    Examples
    --------
    >>> image = np.zeros((5, 5), dtype=np.float32)
    >>> image[2, 2] = 1.0
    >>> maximum_filter(image, 3).sum()
    np.float32(9.0)
    """
    import cv2

    kernel = np.ones((size, size), np.uint8)
    source = np.ascontiguousarray(image, dtype=np.float32)
    return np.asarray(cv2.dilate(source, kernel, borderType=cv2.BORDER_REFLECT), np.float32)


def minimum_filter(image: Float32, size: int) -> Float32:
    """The smallest value in the ``size`` × ``size`` square around each pixel (``size``
    odd; borders mirrored): ``scipy.ndimage.minimum_filter`` to the bit (OpenCV's
    erosion).

    Examples
    --------
    >>> image = np.ones((5, 5), dtype=np.float32)
    >>> image[2, 2] = 0.0
    >>> minimum_filter(image, 3).sum()
    np.float32(16.0)
    """
    import cv2

    kernel = np.ones((size, size), np.uint8)
    source = np.ascontiguousarray(image, dtype=np.float32)
    return np.asarray(cv2.erode(source, kernel, borderType=cv2.BORDER_REFLECT), np.float32)


#: Gaussian kernels reach this many widths (sd) each way, as scipy.ndimage's do. [1]
GAUSSIAN_TRUNCATE = 4.0


def gaussian_reach(sigma_px: float) -> int:
    """Pixels a Gaussian filter of width ``sigma_px`` reads each way
    (:data:`GAUSSIAN_TRUNCATE` widths, rounded). [px]

    Examples
    --------
    >>> gaussian_reach(0.5), gaussian_reach(2.0)
    (2, 8)
    """
    return int(GAUSSIAN_TRUNCATE * sigma_px + 0.5)


def gaussian_kernel(sigma_px: float, order: Literal[0, 2] = 0) -> Array:
    """The sampled, normalised Gaussian of width ``sigma_px`` (``order`` 0), or its second
    derivative (``order`` 2), reaching :data:`GAUSSIAN_TRUNCATE` widths each way: the
    kernel of ``scipy.ndimage.gaussian_filter1d``. [1/px^order]

    Examples
    --------
    >>> kernel = gaussian_kernel(0.5)  # 2 px each way
    >>> len(kernel), [round(float(v), 3) for v in kernel]
    (5, [0.0, 0.106, 0.787, 0.106, 0.0])
    >>> second = gaussian_kernel(2.0, 2)  # 8 px each way, lowest at the centre
    >>> len(second), int(np.argmin(second))
    (17, 8)
    """
    radius = gaussian_reach(sigma_px)
    x = np.arange(-radius, radius + 1, dtype=np.float64)
    phi = np.exp(-0.5 * x * x / sigma_px**2)
    phi /= phi.sum()
    if order == 2:
        phi *= x * x / sigma_px**4 - 1.0 / sigma_px**2
    return phi


def _down(image: Float32, kernel: Array, border: int) -> Float32:
    """``image`` (single precision, C-ordered) correlated with ``kernel`` along its columns:
    OpenCV's column filter, which pairs the taps of a symmetric kernel, so that a picture
    symmetric about a line gives values equal to the bit on either side of it, as
    scipy's double-precision sums do (OpenCV's row filter does not)."""
    import cv2

    one = np.ones(1, dtype=np.float32)
    out = cv2.sepFilter2D(image, cv2.CV_32F, one, kernel.astype(np.float32), borderType=border)
    return np.asarray(out, dtype=np.float32).reshape(image.shape)


def _transposed(image: Float32) -> Float32:
    import cv2

    if image.shape[0] == 1 or image.shape[1] == 1:
        return np.ascontiguousarray(image.T)
    return np.asarray(cv2.transpose(image), dtype=np.float32)


def _separable(
    image: NDArray[np.floating[Any]],
    pairs: list[tuple[Array, Array]],
    border: int,
    *,
    mirror: bool = False,
) -> Float32:
    """The sum over ``(along_rows, along_columns)`` kernel pairs of ``image`` correlated
    with the first along each row and with the second along each column, in single
    precision (OpenCV's separable filter). With ``mirror``, each pass runs down the
    columns (of the picture, then of its transpose), so that mirror symmetry is kept to
    the bit, at about twice the time."""
    import cv2

    source = np.ascontiguousarray(image, dtype=np.float32)
    if source.size == 0:
        return source.copy()
    if mirror:
        parts = (
            _down(_transposed(_down(source, down, border)), across, border)
            for across, down in pairs
        )
    else:
        parts = (
            np.asarray(
                cv2.sepFilter2D(
                    source,
                    cv2.CV_32F,
                    across.astype(np.float32),
                    down.astype(np.float32),
                    borderType=border,
                ),
                dtype=np.float32,
            ).reshape(source.shape)
            for across, down in pairs
        )
    total = next(parts)
    for part in parts:
        total += part
    return _transposed(total) if mirror else total


def gaussian_filter(
    image: NDArray[np.floating[Any]],
    sigma_px: float,
    *,
    mode: Literal["reflect", "nearest", "constant"] = "reflect",
) -> Float32:
    """``image`` smoothed by a Gaussian of width ``sigma_px`` (borders mirrored; or their
    pixels repeated with ``mode="nearest"``; or zeros beyond them with
    ``mode="constant"``): ``scipy.ndimage.gaussian_filter`` with the same mode to
    float32 rounding, in single precision and several times faster (OpenCV's separable
    filter with scipy's kernel, :func:`gaussian_kernel`).

    Parameters
    ----------
    image
        Shape ``(H, W)``.
    sigma_px
        Width of the Gaussian. [px]
    mode
        How the image extends beyond its edges: mirrored about them, its edge pixels
        repeated, or zero.

    Examples
    --------
    >>> image = np.zeros((9, 9), dtype=np.float32)
    >>> image[4, 4] = 1.0
    >>> smooth = gaussian_filter(image, 1.0)
    >>> round(float(smooth.sum()), 4), round(float(smooth[4, 4]), 4)
    (1.0, 0.1592)
    """
    import cv2

    if sigma_px <= 0.0:
        return np.array(image, dtype=np.float32)
    border = {
        "reflect": cv2.BORDER_REFLECT,
        "nearest": cv2.BORDER_REPLICATE,
        "constant": cv2.BORDER_CONSTANT,
    }[mode]
    kernel = gaussian_kernel(sigma_px)
    return _separable(image, [(kernel, kernel)], border)


def gaussian_laplace(
    image: NDArray[np.floating[Any]], sigma_px: float, *, mirror: bool = False
) -> Float32:
    """The Laplacian of ``image`` smoothed by a Gaussian of width ``sigma_px``, ``∇²(G_σ *
    image)`` (borders mirrored): ``scipy.ndimage.gaussian_laplace`` to float32 rounding,
    in single precision and several times faster. With ``mirror``, a picture symmetric
    about a row or a column gives values equal to the bit on either side of it, as
    scipy's do (ties between mirrored pixels stay ties), at about twice the time. [1/px²]

    Examples
    --------
    >>> rows, cols = np.mgrid[0:41, 0:41] - 20.0
    >>> blob = np.exp(-(rows**2 + cols**2) / (2 * 3.0**2)).astype(np.float32)
    >>> round(float(-(3.0**2) * gaussian_laplace(blob, 3.0)[20, 20]), 3)
    0.5
    """
    import cv2

    smooth, second = gaussian_kernel(sigma_px), gaussian_kernel(sigma_px, 2)
    pairs = [(smooth, second), (second, smooth)]
    return _separable(image, pairs, cv2.BORDER_REFLECT, mirror=mirror)


def box_mean(image: NDArray[np.floating[Any]], size: int) -> Float32:
    """Mean over the ``size`` × ``size`` square around each pixel (``size`` odd; borders
    mirrored): ``scipy.ndimage.uniform_filter`` to float32 rounding (OpenCV's box
    filter).

    Examples
    --------
    >>> image = np.zeros((5, 5), dtype=np.float32)
    >>> image[2, 2] = 9.0
    >>> box_mean(image, 3)[1:4, 1:4]
    array([[1., 1., 1.],
           [1., 1., 1.],
           [1., 1., 1.]], dtype=float32)
    """
    import cv2

    source = np.ascontiguousarray(image, dtype=np.float32)
    if source.size == 0:
        return source.copy()
    out = cv2.blur(source, (size, size), borderType=cv2.BORDER_REFLECT)
    return np.asarray(out, dtype=np.float32).reshape(source.shape)


def bilinear(image: Float32, rows: Array, cols: Array) -> Float32:
    """``image`` sampled on the grid ``rows`` × ``cols`` by linear interpolation along
    each axis (clamped at its edges).

    Parameters
    ----------
    image
        Shape ``(H, W)``.
    rows, cols
        Positions on ``image``, with pixel ``i`` at ``i``. [px]

    Returns
    -------
    Float32
        Shape ``(len(rows), len(cols))``.

    Examples
    --------
    >>> image = np.array([[0.0, 1.0], [2.0, 3.0]], dtype=np.float32)
    >>> bilinear(image, np.array([0.0, 0.5, 1.0]), np.array([0.5, 2.0]))
    array([[0.5, 1. ],
           [1.5, 2. ],
           [2.5, 3. ]], dtype=float32)
    """
    r = np.clip(rows, 0.0, image.shape[0] - 1.0)
    c = np.clip(cols, 0.0, image.shape[1] - 1.0)
    r0 = (
        np.minimum(r.astype(np.intp), image.shape[0] - 2)
        if image.shape[0] > 1
        else np.zeros(len(r), np.intp)
    )
    c0 = (
        np.minimum(c.astype(np.intp), image.shape[1] - 2)
        if image.shape[1] > 1
        else np.zeros(len(c), np.intp)
    )
    wr = (r - r0).astype(np.float32)[:, None]
    wc = (c - c0).astype(np.float32)[None, :]
    r1 = np.minimum(r0 + 1, image.shape[0] - 1)
    c1 = np.minimum(c0 + 1, image.shape[1] - 1)
    top = image[r0][:, c0] * (1 - wc) + image[r0][:, c1] * wc
    bottom = image[r1][:, c0] * (1 - wc) + image[r1][:, c1] * wc
    return np.asarray(top * (1 - wr) + bottom * wr, dtype=np.float32)


def upsample_linear(image: Float32, factor: int, shape: tuple[int, ...]) -> Float32:
    """A copy reduced by ``factor`` brought back to ``shape`` by bilinear interpolation,
    pixel centres aligned (clamped at the edges): :func:`bilinear` at the photo's pixel
    centres, ``(i + 0.5) / factor - 0.5``, to float32 rounding (OpenCV's resize).

    Parameters
    ----------
    image
        The reduced copy, shape ``(h, w)``, at least ``shape // factor``.
    factor
        Its block side. [px]
    shape
        The shape to bring it to, ``(H, W)`` (any rows and columns beyond ``h factor``
        and ``w factor`` repeat the edge). [px]

    Examples
    --------
    >>> image = np.array([[0.0, 1.0], [2.0, 3.0]], dtype=np.float32)
    >>> upsample_linear(image, 2, (5, 4))
    array([[0.  , 0.25, 0.75, 1.  ],
           [0.5 , 0.75, 1.25, 1.5 ],
           [1.5 , 1.75, 2.25, 2.5 ],
           [2.  , 2.25, 2.75, 3.  ],
           [2.  , 2.25, 2.75, 3.  ]], dtype=float32)
    """
    import cv2

    h, w = image.shape[0] * factor, image.shape[1] * factor
    if factor == 1 or image.size == 0:
        up = np.asarray(image, dtype=np.float32)
    else:
        source = np.ascontiguousarray(image, dtype=np.float32)
        up = np.asarray(cv2.resize(source, (w, h), interpolation=cv2.INTER_LINEAR), np.float32)
        up = up.reshape(h, w)
    up = up[: shape[0], : shape[1]]
    if up.shape[0] < shape[0] or up.shape[1] < shape[1]:
        pad = ((0, shape[0] - up.shape[0]), (0, shape[1] - up.shape[1]))
        up = np.pad(up, pad, mode="edge")
    return np.ascontiguousarray(up, dtype=np.float32)


def block_any(mask: NDArray[np.bool_], side: int) -> NDArray[np.bool_]:
    """Whether any pixel of each ``side`` × ``side`` tile is set, the last tiles of a row
    or a column covering what is left (shape ``(⌈H / side⌉, ⌈W / side⌉)``).

    Examples
    --------
    >>> mask = np.zeros((5, 5), dtype=bool)
    >>> mask[4, 1] = True
    >>> block_any(mask, 2)
    array([[False, False, False],
           [False, False, False],
           [ True, False, False]])
    """
    h, w = mask.shape
    rows, cols = -(-h // side), -(-w // side)
    padded = np.zeros((rows * side, cols * side), dtype=bool)
    padded[:h, :w] = mask
    return np.asarray(padded.reshape(rows, side, cols, side).any(axis=(1, 3)), dtype=bool)


def block_all(mask: NDArray[np.bool_], factor: int) -> NDArray[np.bool_]:
    """Whether every pixel of each ``factor`` × ``factor`` block is set (edges that do
    not fill a block are cut).

    Examples
    --------
    >>> mask = np.ones((4, 5), dtype=bool)
    >>> mask[0, 0] = False
    >>> block_all(mask, 2)
    array([[False,  True],
           [ True,  True]])
    """
    if factor == 1:
        return np.asarray(mask, dtype=bool)
    h, w = mask.shape[0] // factor, mask.shape[1] // factor
    cut = np.asarray(mask[: h * factor, : w * factor], dtype=bool)
    if factor & (factor - 1):
        return np.asarray(cut.reshape(h, factor, w, factor).all(axis=(1, 3)), dtype=bool)
    while factor > 1:  # halved in turn: the four pixels of each 2 x 2 block
        cut = cut[0::2, 0::2] & cut[1::2, 0::2] & cut[0::2, 1::2] & cut[1::2, 1::2]
        factor //= 2
    return cut


def full_resolution(
    mask: NDArray[np.bool_], factor: int, shape: tuple[int, ...]
) -> NDArray[np.bool_]:
    """A mask of a copy reduced by ``factor`` at full resolution ``shape`` (edges beyond
    whole blocks repeat).

    Examples
    --------
    >>> full_resolution(np.array([[True, False]]), 2, (3, 5)).astype(int)
    array([[1, 1, 0, 0, 0],
           [1, 1, 0, 0, 0],
           [1, 1, 0, 0, 0]])
    """
    full = np.repeat(np.repeat(mask, factor, axis=0), factor, axis=1)
    pad = (shape[0] - full.shape[0], shape[1] - full.shape[1])
    return np.asarray(np.pad(full, ((0, pad[0]), (0, pad[1])), mode="edge"), dtype=bool)


def erode_cross(mask: NDArray[np.bool_], iterations: int) -> NDArray[np.bool_]:
    """``mask`` eroded ``iterations`` times by the 3 × 3 cross, the pixels beyond its
    edges unset: ``scipy.ndimage.binary_erosion(np.pad(mask, iterations),
    iterations=iterations)`` without its padding, exactly (OpenCV's erosion).

    Examples
    --------
    >>> mask = np.ones((3, 5), dtype=bool)
    >>> erode_cross(mask, 1).astype(int)
    array([[0, 0, 0, 0, 0],
           [0, 1, 1, 1, 0],
           [0, 0, 0, 0, 0]])
    """
    import cv2

    if iterations <= 0 or mask.size == 0:
        return np.array(mask, dtype=bool)
    padded = np.pad(np.asarray(mask, dtype=np.uint8), 1)  # unset beyond the edges
    cross = cv2.getStructuringElement(cv2.MORPH_CROSS, (3, 3))
    out = cv2.erode(padded, cross, iterations=iterations, borderType=cv2.BORDER_REPLICATE)
    return np.asarray(out[1:-1, 1:-1], dtype=bool)


def distance_to_unset(mask: NDArray[np.bool_]) -> Float32:
    """Euclidean distance of each pixel to the nearest unset pixel of ``mask``, exact
    (Felzenszwalb & Huttenlocher 2012, OpenCV's ``distanceTransform``); infinite where
    none is unset. Pixels beyond the edges are not unset. [px]

    Examples
    --------
    >>> mask = np.ones((1, 5), dtype=bool)
    >>> mask[0, 0] = False
    >>> distance_to_unset(mask)
    array([[0., 1., 2., 3., 4.]], dtype=float32)
    """
    import cv2

    if mask.size == 0 or mask.all():
        return np.full(mask.shape, np.inf, dtype=np.float32)
    source = np.ascontiguousarray(mask, dtype=np.uint8)
    out = cv2.distanceTransform(source, cv2.DIST_L2, cv2.DIST_MASK_PRECISE)
    return np.asarray(out, dtype=np.float32)


def nearest_distance(points: NDArray[np.floating[Any]]) -> Array:
    """Distance from each point ``(row, col)`` to its nearest other point. [px]

    Examples
    --------
    >>> nearest_distance(np.array([[0.0, 0.0], [3.0, 4.0], [3.0, 5.0]]))
    array([5., 1., 1.])
    """
    from scipy.spatial import cKDTree

    return np.asarray(cKDTree(points).query(points, k=2, workers=-1)[0][:, 1], dtype=np.float64)


def parallel_map(work: Callable[[Item], Result], items: Sequence[Item]) -> list[Result]:
    """``work`` applied to each item, the results in the items' order, on up to
    :data:`MAX_WORKERS` threads (no more than the processors this process may use).

    Each call runs in a copy of the caller's context (its ``numpy.errstate``
    included), so that the results are those of a plain loop, whatever the number of
    threads; ``work`` must not change what the items share.

    Examples
    --------
    >>> parallel_map(lambda x: x * x, [1, 2, 3])
    [1, 4, 9]
    """
    try:
        processors = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        processors = os.cpu_count() or 1
    threads = min(MAX_WORKERS, processors, len(items))
    if threads <= 1:
        return [work(item) for item in items]
    contexts = [contextvars.copy_context() for _ in items]
    with ThreadPoolExecutor(threads) as pool:
        futures = [
            pool.submit(context.run, work, item)
            for context, item in zip(contexts, items, strict=True)
        ]
        return [future.result() for future in futures]


def even_sample(values: NDArray[Any]) -> NDArray[Any]:
    """All of ``values`` (flattened), or an even sample of about :data:`MAX_SAMPLE` of
    them (every k-th).

    Examples
    --------
    >>> even_sample(np.arange(6).reshape(2, 3))
    array([0, 1, 2, 3, 4, 5])
    >>> len(even_sample(np.zeros(3 * MAX_SAMPLE))) == MAX_SAMPLE
    True
    """
    flat = values.reshape(-1)
    return flat if flat.size <= MAX_SAMPLE else flat[:: math.ceil(flat.size / MAX_SAMPLE)]
