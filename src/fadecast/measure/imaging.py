"""Image helpers of the measure stage: reductions, grey filters, resampling, distances.

Generic building blocks on numpy arrays, each exact and bounded in memory: the power of
two a photo is reduced by (:func:`reduction_factor`), OpenCV's grey dilation and erosion
(:func:`maximum_filter`, :func:`minimum_filter`), bilinear resampling, masks between a
reduced copy and the photo (:func:`block_all`, :func:`full_resolution`), exact Euclidean
distances (:func:`distance_to_unset`, :func:`nearest_distance`) and an even sample of a
large array (:func:`even_sample`). Block means are :func:`fadecast.measure.photo.block_mean`.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import NDArray

from fadecast.measure.tunables import TUNABLES

__all__ = [
    "MAX_SAMPLE",
    "MIN_COPY_SIDE",
    "bilinear",
    "block_all",
    "distance_to_unset",
    "even_sample",
    "full_resolution",
    "maximum_filter",
    "minimum_filter",
    "nearest_distance",
    "power_of_two_at_most",
    "reduction_factor",
]

Float32 = NDArray[np.float32]
Array = NDArray[np.float64]

#: Shortest side of a reduced copy. [px]
MIN_COPY_SIDE = TUNABLES.min_copy_side
#: Values a quantile or a median of a whole working copy is taken over at most (an even
#: sample of a larger one). [1]
MAX_SAMPLE = TUNABLES.max_sample


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

    return np.asarray(cKDTree(points).query(points, k=2)[0][:, 1], dtype=np.float64)


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
